/**
 * Facts of Karpenter's EC2NodeClass (v1.9 CRD, reference/karpenter-1.9/crds) that its settings are
 * checked against: the kubelet's eviction signals and reservable resources, and the forms of the EC2 IDs
 * its selector terms take. Dependency-free.
 */

/** Signals kubelet's evictionHard, evictionSoft and evictionSoftGracePeriod may name (the CRD's list). */
export const EVICTION_SIGNALS = [
    "memory.available",
    "nodefs.available",
    "nodefs.inodesFree",
    "imagefs.available",
    "imagefs.inodesFree",
    "pid.available",
] as const;

/** Resources kubelet's systemReserved and kubeReserved may reserve (the CRD's list). */
export const RESERVABLE_RESOURCES = ["cpu", "memory", "ephemeral-storage", "pid"] as const;

/** An eviction threshold: a percentage (`10%`, `7.5%`) or a quantity (`500Mi`), the CRD's pattern for both. */
export const EVICTION_THRESHOLD =
    /^((\d{1,2}(\.\d{1,2})?|100(\.0{1,2})?)%|(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?)$/;

/** An AMI ID, as an amiSelectorTerm's `id` (the CRD's pattern). */
export const AMI_ID = /^ami-[0-9a-z]+$/;

/** A subnet ID, as a subnetSelectorTerm's `id` (the CRD's pattern). */
export const SUBNET_ID = /^subnet-[0-9a-z]+$/;

/** A security group ID, as a securityGroupSelectorTerm's `id` (the CRD's pattern). */
export const SELECTOR_SECURITY_GROUP_ID = /^sg-[0-9a-z]+$/;

/** An AMI owner: an account ID or an alias such as `amazon` or `self`. */
export const AMI_OWNER = /^([0-9]{12}|amazon|self|aws-marketplace|aws-backup-vault)$/;

/** Most terms one selector list may hold (the CRD's maxItems). */
export const MAX_SELECTOR_TERMS = 30;

/** A KMS key as EC2 takes it for EBS encryption: a key ID (or multi-Region `mrk-` ID), `alias/<name>`, or a key or alias ARN. */
export const KMS_KEY =
    /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[\w/:-]+|arn:aws[\w-]*:kms:[a-z0-9-]+:[0-9]{12}:(key\/[\w-]+|alias\/[\w/:-]+))$/;

/** The well-known node label of the operating system (`linux`, `windows`), which kubelet sets on every node. */
export const OS_LABEL = "kubernetes.io/os";
/** A node selector keeping a pod (a Linux DaemonSet's) off Windows nodes. */
export const LINUX_NODE_SELECTOR = { [OS_LABEL]: "linux" } as const;
/** The root device of the Windows AMIs (Karpenter's Windows family, `EphemeralBlockDevice()`); Linux AMIs use /dev/xvda. */
export const WINDOWS_ROOT_DEVICE = "/dev/sda1";
