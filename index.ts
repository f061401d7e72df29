// Pulumi entry point: the stack name (`pulumi up -s dev|prod`) picks the environment class. An async
// program: it looks the network up in AWS (zones, an adopted VPC) before registering anything, and
// returns the stack outputs (clusterName, clusterEndpoint, kubeconfig, controllerRoleArn, nodeRoleName,
// interruptionQueueName, addonVersions, workloadNamespaces, budgetName, nodePoolLimits).
import * as pulumi from "@pulumi/pulumi";
import { stackProgram } from "./stacks";

export = () => stackProgram(pulumi.getStack());
