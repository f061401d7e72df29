/**
 * The public surface of the `eks-karpenter` Pulumi package: the components other languages use (C#, Python,
 * Go, YAML) through `pulumi package add`, with their args, nested types and enums. Each component's type
 * token is `eks-karpenter:index:<Name>`; `npm run schema` prints the schema those languages see.
 *
 * The type-only modules come first: the schema analyzer reads modules in this order and stops at the
 * last component, so their types' descriptions are read too.
 *
 * ClusterAddons is not part of the package: its args carry resources (`nodesReady`,
 * `fargateProfilesBefore`: what must exist before an add-on is created), and a resource cannot be passed
 * between languages as an argument. Environment creates it, wired to the resources it needs.
 */
export { type BudgetNotification, BudgetNotificationType, type CostBudgetSettings } from "../infra/addons/budget";
export { CoreDnsPlacement } from "../infra/model/addons";
export { type AddonSettings, type CoreDnsOptions, ReclaimPolicy, type StorageClassOptions } from "../infra/addons/cluster-addons";
export type { WorkloadNamespace, WorkloadNamespaceQuota } from "../infra/addons/namespaces";
export type { NodePoolLimitsSummary, NodePoolLimitsTotal, PoolLimits } from "../infra/addons/node-pool-limits";
export type { GuardrailSettings } from "../infra/guardrails/types";
export type { PodIdentityAssociation } from "../infra/iam/pod-identity";
export { type DefaultNodePoolsOptions, NodePoolProfile, defaultNodePools } from "../infra/nodes/default-pools";

export {
    AccessPolicy,
    type AccessEntrySettings,
    Cluster,
    type ClusterArgs,
    ClusterLogType,
    type ClusterSettings,
    ClusterSupportType,
    kubernetesProvider,
} from "../infra/cluster/cluster";
export {
    Environment,
    type EnvironmentAddons,
    type EnvironmentArgs,
    type EnvironmentEndpoints,
    type EnvironmentImageCache,
    type EnvironmentKarpenter,
    type EnvironmentNodes,
    type EnvironmentParts,
    environmentParts,
} from "../infra/environment/environment";
export {
    Karpenter,
    type KarpenterArgs,
    KarpenterLogLevel,
    type KarpenterOrdering,
    type KarpenterResources,
    type KarpenterSettings,
} from "../infra/karpenter/karpenter";
export { PrivateEndpoints, type PrivateEndpointsArgs } from "../infra/network/endpoints";
export { type ExistingVpc, NatGateways, Network, type NetworkArgs, type NetworkSettings } from "../infra/network/network";
export {
    AmiFamily,
    type DataVolume,
    EC2NodeClass,
    type EC2NodeClassArgs,
    type EbsVolume,
    type NodeClassSettings,
} from "../infra/nodes/ec2-node-class";
export { KarpenterNodes, type KarpenterNodesArgs, type KarpenterNodesSettings } from "../infra/nodes/karpenter-nodes";
export type { DevicePluginImage } from "../infra/nodes/nvidia-device-plugin";
export {
    Architecture,
    CapacityType,
    ConsolidationPolicy,
    type DisruptionBudget,
    DisruptionReason,
    NodePool,
    type NodePoolArgs,
    type NodePoolDisruption,
    type NodePoolLimits,
    type NodePoolSettings,
    type NodeRequirement,
    RequirementOperator,
    type Taint,
    TaintEffect,
} from "../infra/nodes/node-pool";
