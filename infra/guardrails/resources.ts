/**
 * How the resources the rules read look in a Pulumi program: their type tokens, and how to find the
 * Karpenter controller's chart among Helm releases.
 */
import { ResourceDescription, at, isUnknown } from "./types";

/** Pulumi type tokens of the resources the rules read. */
export const TYPES = {
    nodePool: "kubernetes:karpenter.sh/v1:NodePool",
    ec2NodeClass: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
    helmRelease: "kubernetes:helm.sh/v3:Release",
    helmChart: "kubernetes:helm.sh/v4:Chart",
    podIdentityAssociation: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    fargateProfile: "aws:eks/fargateProfile:FargateProfile",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    addon: "aws:eks/addon:Addon",
    accessEntry: "aws:eks/accessEntry:AccessEntry",
    iamRole: "aws:iam/role:Role",
    iamPolicy: "aws:iam/policy:Policy",
    instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
    snsTopic: "aws:sns/topic:Topic",
    snsTopicSubscription: "aws:sns/topicSubscription:TopicSubscription",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    anomalySubscription: "aws:costexplorer/anomalySubscription:AnomalySubscription",
    budget: "aws:budgets/budget:Budget",
    deployment: "kubernetes:apps/v1:Deployment",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    replicaSet: "kubernetes:apps/v1:ReplicaSet",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    pod: "kubernetes:core/v1:Pod",
} as const;

/** Helm releases and charts: the Karpenter controller is installed by one of them. */
export const HELM_TYPES = [TYPES.helmRelease, TYPES.helmChart] as const;

/** `NodePool` or `EC2NodeClass` name for messages: metadata.name, else the Pulumi name. */
export function objectName(d: ResourceDescription): string {
    const name = at(d.inputs, "metadata", "name");
    return typeof name === "string" ? name : d.name;
}

/**
 * The Karpenter controller chart (`oci://public.ecr.aws/karpenter/karpenter`, `karpenter/karpenter`,
 * `karpenter` with a repository option), not `karpenter-crd`.
 */
export function isKarpenterChart(d: ResourceDescription): boolean {
    if (!(HELM_TYPES as readonly string[]).includes(d.type)) return false;
    const chart = at(d.inputs, "chart");
    return typeof chart === "string" && chart.split("/").pop() === "karpenter";
}

/** The chart's values as given (a value not known yet is UNKNOWN; none is `{}`). */
export function helmValues(d: ResourceDescription): unknown {
    return at(d.inputs, "values") ?? {};
}

/** Namespace the chart installs into (Helm's default is `default`). */
export function helmNamespace(d: ResourceDescription): unknown {
    return at(d.inputs, "namespace") ?? "default";
}

/** Labels on the controller's pods: the chart's selector labels plus `podLabels`. */
export function controllerPodLabels(d: ResourceDescription): Record<string, unknown> {
    const values = helmValues(d);
    const release = at(d.inputs, "name");
    const podLabels = at(values, "podLabels");
    return {
        "app.kubernetes.io/name": at(values, "nameOverride") || "karpenter",
        ...(typeof release === "string" || isUnknown(release) ? { "app.kubernetes.io/instance": release } : {}),
        ...(podLabels !== null && typeof podLabels === "object" ? podLabels : {}),
    };
}
