/** What the Karpenter tests render policies and chart values for: one account, one cluster, one queue. */
import type { KarpenterValuesInput } from "../../../infra/karpenter/helm-values";

/** The scope of the controller policy (ControllerPolicyScope). */
export const POLICY_SCOPE = {
    partition: "aws",
    region: "eu-west-1",
    accountId: "123456789012",
    dnsSuffix: "amazonaws.com",
    clusterName: "prod",
    nodeRoleArn: "arn:aws:iam::123456789012:role/prod-karpenter-node-k3x9qz",
    interruptionQueueArn: "arn:aws:sqs:eu-west-1:123456789012:prod-karpenter-k3x9qz",
};

/** The chart values' input of a prod-like controller. */
export const VALUES_INPUT: KarpenterValuesInput = {
    clusterName: "prod",
    clusterEndpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
    region: "eu-west-1",
    controllerRoleArn: "arn:aws:iam::123456789012:role/prod-karpenter-k3x9qz",
    serviceAccountName: "karpenter",
    interruptionQueueName: "prod-karpenter-k3x9qz",
    podLabels: { "eks-karpenter.io/compute": "fargate" },
    resources: { cpu: "1", memory: "1Gi" },
    replicas: 2,
    spotToSpotConsolidation: true,
    nodeRepair: false,
    isolatedVPC: false,
    logLevel: "info",
};
