/**
 * Checks of Kubernetes and Karpenter value formats shared by the node components, so that a bad
 * value fails with a ConfigError naming the setting before anything reaches the API server.
 */
import { check } from "../errors";
import { DNS1123_SUBDOMAIN, isLabelValue, isQualifiedName } from "../model/names";

/** Name of a cluster-scoped object (NodePool, EC2NodeClass): a DNS-1123 subdomain. */
export function checkObjectName(setting: string, name: unknown): asserts name is string {
    check(
        typeof name === "string" && DNS1123_SUBDOMAIN.test(name),
        setting,
        name,
        "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
    );
}

/** A label, taint or requirement key: `[prefix/]name` (a qualified name). */
export function checkQualifiedKey(setting: string, key: unknown): asserts key is string {
    check(
        typeof key === "string" && isQualifiedName(key),
        setting,
        key,
        "a qualified name: an optional DNS subdomain prefix and '/', then 1-63 letters, digits, '-', '_' or '.'",
    );
}

/** A label value (also a requirement value and a taint value): at most 63 characters, may be empty. */
export function checkLabelValue(setting: string, value: unknown): asserts value is string {
    check(
        typeof value === "string" && isLabelValue(value),
        setting,
        value,
        "at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
    );
}

/** The `karpenter.k8s.aws/*` labels Karpenter lets NodePools use (the CRD's list for v1.9). */
export const WELL_KNOWN_AWS_LABELS = [
    "karpenter.k8s.aws/instance-tenancy",
    "karpenter.k8s.aws/capacity-reservation-type",
    "karpenter.k8s.aws/capacity-reservation-id",
    "karpenter.k8s.aws/ec2nodeclass",
    "karpenter.k8s.aws/instance-encryption-in-transit-supported",
    "karpenter.k8s.aws/instance-category",
    "karpenter.k8s.aws/instance-hypervisor",
    "karpenter.k8s.aws/instance-family",
    "karpenter.k8s.aws/instance-generation",
    "karpenter.k8s.aws/instance-local-nvme",
    "karpenter.k8s.aws/instance-size",
    "karpenter.k8s.aws/instance-cpu",
    "karpenter.k8s.aws/instance-cpu-manufacturer",
    "karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz",
    "karpenter.k8s.aws/instance-memory",
    "karpenter.k8s.aws/instance-ebs-bandwidth",
    "karpenter.k8s.aws/instance-network-bandwidth",
    "karpenter.k8s.aws/instance-gpu-name",
    "karpenter.k8s.aws/instance-gpu-manufacturer",
    "karpenter.k8s.aws/instance-gpu-count",
    "karpenter.k8s.aws/instance-gpu-memory",
    "karpenter.k8s.aws/instance-accelerator-name",
    "karpenter.k8s.aws/instance-accelerator-manufacturer",
    "karpenter.k8s.aws/instance-accelerator-count",
    "karpenter.k8s.aws/instance-capability-flex",
];

/**
 * Keys the NodePool CRD refuses in requirements and template labels: Karpenter's own domains
 * (except the labels it documents for scheduling) and `kubernetes.io/hostname`.
 */
export function checkUnrestrictedKey(setting: string, key: string): void {
    const domain = key.split("/")[0];
    const allowed =
        "a key outside karpenter.sh and karpenter.k8s.aws (except their well-known scheduling labels), not kubernetes.io/hostname";
    check(key !== "karpenter.sh/nodepool" && key !== "kubernetes.io/hostname", setting, key, allowed);
    check(key === "karpenter.sh/capacity-type" || !domain.endsWith("karpenter.sh"), setting, key, allowed);
    check(WELL_KNOWN_AWS_LABELS.includes(key) || !domain.endsWith("karpenter.k8s.aws"), setting, key, allowed);
}

/** Karpenter's duration format (`30s`, `5m`, `1h30m`); `Never` where the field allows it. */
export function checkDuration(setting: string, value: unknown, allowNever: boolean): asserts value is string {
    check(
        typeof value === "string" && (/^([0-9]+(s|m|h))+$/.test(value) || (allowNever && value === "Never")),
        setting,
        value,
        `a duration of hours, minutes and seconds such as 30s, 5m or 1h30m${allowNever ? ", or Never" : ""}`,
    );
}

/** Tag keys Karpenter sets itself and the EC2NodeClass CRD refuses. */
export function checkTagKey(setting: string, key: string): void {
    check(
        key !== "" &&
            key.length <= 128 &&
            !["eks:eks-cluster-name", "karpenter.sh/nodepool", "karpenter.sh/nodeclaim", "karpenter.k8s.aws/ec2nodeclass"].includes(key) &&
            !key.startsWith("kubernetes.io/cluster"),
        setting,
        key,
        "1-128 characters, not one of the tags Karpenter sets (eks:eks-cluster-name, kubernetes.io/cluster/*, karpenter.sh/nodepool, karpenter.sh/nodeclaim, karpenter.k8s.aws/ec2nodeclass)",
    );
}

/** Whole number in [min, max]. */
export function checkInteger(setting: string, value: unknown, min: number, max: number, why = ""): asserts value is number {
    check(
        typeof value === "number" && Number.isInteger(value) && value >= min && value <= max,
        setting,
        value,
        `a whole number from ${min} to ${max}${why ? ` (${why})` : ""}`,
    );
}
