/**
 * vCPUs, memory and architecture of the EC2 instance types the offline plan's price table holds: the facts
 * a NodePool's CPU and memory limits are read against. Nominal sizes as AWS publishes them (Karpenter
 * counts a node's memory capacity slightly lower, after its VM overhead).
 */
export interface InstanceTypeFacts {
    vcpu: number;
    memoryGiB: number;
    arch: "arm64" | "amd64";
}

export const INSTANCE_TYPES: { sources: string[]; types: Record<string, InstanceTypeFacts> } = {
    sources: [
        "https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html (general purpose: M6g, M7g)",
        "https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html (compute optimized: C6g, C7g)",
        "https://karpenter.sh/v1.9/reference/instance-types/ (Karpenter's generated list: karpenter.k8s.aws/instance-cpu and instance-memory)",
    ],
    types: {
        "c6g.medium": { vcpu: 1, memoryGiB: 2, arch: "arm64" },
        "c7g.medium": { vcpu: 1, memoryGiB: 2, arch: "arm64" },
        "m6g.medium": { vcpu: 1, memoryGiB: 4, arch: "arm64" },
        "m7g.medium": { vcpu: 1, memoryGiB: 4, arch: "arm64" },
    },
};
