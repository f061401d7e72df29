// Pulumi entry point: the stack name (`pulumi up -s dev|prod`) picks the environment class.
import * as pulumi from "@pulumi/pulumi";
import { createStack } from "./stacks";

const stack = createStack(pulumi.getStack());

export const clusterName = stack.outputs.clusterName;
export const clusterEndpoint = stack.outputs.clusterEndpoint;
export const kubeconfig = stack.outputs.kubeconfig;
export const controllerRoleArn = stack.outputs.controllerRoleArn;
export const nodeRoleName = stack.outputs.nodeRoleName;
export const interruptionQueueName = stack.outputs.interruptionQueueName;
export const addonVersions = stack.outputs.addonVersions;
export const workloadNamespaces = stack.outputs.workloadNamespaces;
export const budgetName = stack.outputs.budgetName;
export const nodePoolLimits = stack.outputs.nodePoolLimits;
