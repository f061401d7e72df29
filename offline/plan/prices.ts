/**
 * The price and support tables the baseline cost estimate reads. Prices move: each table says when
 * and where its figures were taken, and the plan prints that date beside every estimate.
 */

/** Hours in a billing month, as AWS's own calculator counts them (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** On-demand list prices in USD, per region. */
export interface RegionPrices {
    /** EKS cluster in standard support, per hour (the same in every commercial region). */
    eksClusterHour: number;
    /** EKS cluster on a Kubernetes version in extended support, per hour (standard plus the extended fee). */
    eksExtendedClusterHour: number;
    /** NAT gateway, per gateway-hour (data processing per GB comes on top and is not in the baseline). */
    natGatewayHour: number;
    /** A public IPv4 address (an Elastic IP, attached or not), per hour. */
    publicIpv4Hour: number;
    /** Interface VPC endpoint (PrivateLink), per endpoint and Availability Zone, per hour. */
    interfaceEndpointAzHour: number;
    /** Fargate, Linux/x86, per vCPU-hour. */
    fargateVcpuHour: number;
    /** Fargate, Linux/x86, per GB of memory per hour. */
    fargateGbHour: number;
    /** A customer-managed KMS key, per month (each of its first two yearly rotations adds as much). */
    kmsKeyMonth: number;
    /** Private ECR storage (a pull-through cache's images), per GB-month. */
    ecrStorageGbMonth: number;
    /** CloudWatch Logs standard ingestion, per GB. */
    logsIngestGb: number;
    /** CloudWatch Logs storage, per GB-month. */
    logsStorageGbMonth: number;
}

export const PRICES: { asOf: string; sources: string[]; regions: Record<string, RegionPrices> } = {
    asOf: "2026-03",
    sources: [
        "https://aws.amazon.com/eks/pricing/",
        "https://aws.amazon.com/fargate/pricing/",
        "https://aws.amazon.com/vpc/pricing/ (NAT gateway, public IPv4)",
        "https://aws.amazon.com/privatelink/pricing/",
        "https://aws.amazon.com/kms/pricing/",
        "https://aws.amazon.com/ecr/pricing/",
        "https://aws.amazon.com/cloudwatch/pricing/",
    ],
    regions: {
        "us-east-1": {
            eksClusterHour: 0.1,
            eksExtendedClusterHour: 0.6,
            natGatewayHour: 0.045,
            publicIpv4Hour: 0.005,
            interfaceEndpointAzHour: 0.01,
            fargateVcpuHour: 0.04048,
            fargateGbHour: 0.004445,
            kmsKeyMonth: 1,
            ecrStorageGbMonth: 0.1,
            logsIngestGb: 0.5,
            logsStorageGbMonth: 0.03,
        },
        "eu-west-1": {
            eksClusterHour: 0.1,
            eksExtendedClusterHour: 0.6,
            natGatewayHour: 0.048,
            publicIpv4Hour: 0.005,
            interfaceEndpointAzHour: 0.011,
            fargateVcpuHour: 0.04456,
            fargateGbHour: 0.004865,
            kmsKeyMonth: 1,
            ecrStorageGbMonth: 0.1,
            logsIngestGb: 0.57,
            logsStorageGbMonth: 0.03,
        },
        "ap-southeast-1": {
            eksClusterHour: 0.1,
            eksExtendedClusterHour: 0.6,
            natGatewayHour: 0.059,
            publicIpv4Hour: 0.005,
            interfaceEndpointAzHour: 0.013,
            fargateVcpuHour: 0.05056,
            fargateGbHour: 0.00553,
            kmsKeyMonth: 1,
            ecrStorageGbMonth: 0.1,
            logsIngestGb: 0.7,
            logsStorageGbMonth: 0.033,
        },
    },
};

/**
 * The last day of standard support of each EKS Kubernetes version: after it the cluster is billed at
 * the extended-support rate until it is upgraded. A version missing here is assumed in standard support.
 */
export const EKS_STANDARD_SUPPORT_END: { asOf: string; source: string; versions: Record<string, string> } = {
    asOf: "2026-02",
    source: "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (release calendar)",
    versions: {
        "1.29": "2025-03-23",
        "1.30": "2025-07-23",
        "1.31": "2025-11-26",
        "1.32": "2026-03-23",
        "1.33": "2026-07-29",
        "1.34": "2026-12-02",
        "1.35": "2027-03-27",
    },
};

/**
 * Fargate's pod sizes: for each vCPU step, the memory (GB) it can be paired with. EKS rounds a pod up
 * to the smallest of these that holds its requests plus the 256 MB Fargate reserves for the kubelet,
 * kube-proxy and containerd (https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html).
 */
const FARGATE_SIZES: [number, number[]][] = [
    [0.25, [0.5, 1, 2]],
    [0.5, range(1, 4, 1)],
    [1, range(2, 8, 1)],
    [2, range(4, 16, 1)],
    [4, range(8, 30, 1)],
    [8, range(16, 60, 4)],
    [16, range(32, 120, 8)],
];

/** Memory Fargate adds to every pod's requests before it picks a size, in GB. */
const FARGATE_POD_OVERHEAD_GB = 0.25;

/** The Fargate size a pod with these requests (vCPU, GB) runs in. */
export function fargateSize(vcpu: number, memoryGb: number): { vcpu: number; memoryGb: number } {
    const needed = memoryGb + FARGATE_POD_OVERHEAD_GB;
    for (const [cpu, memories] of FARGATE_SIZES) {
        const memory = memories.find((m) => m >= needed);
        if (cpu >= vcpu && memory !== undefined) return { vcpu: cpu, memoryGb: memory };
    }
    throw new Error(`no Fargate size holds ${vcpu} vCPU and ${memoryGb} GB`);
}

function range(from: number, to: number, step: number): number[] {
    return Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
}
