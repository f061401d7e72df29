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
    /** EBS gp3 storage, per GB-month provisioned. */
    gp3GbMonth: number;
    /** EBS gp3 IOPS above the free 3,000, per provisioned IOPS-month. */
    gp3IopsMonth: number;
    /** EBS gp3 throughput above the free 125 MiB/s, per provisioned MiB/s-month. */
    gp3ThroughputMonth: number;
    /** EC2 Linux on-demand, per instance-hour, for the small types the always-on node is picked from. */
    ec2Hour: Record<string, number>;
    /** A customer-managed KMS key, per month (each of its first two yearly rotations adds as much). */
    kmsKeyMonth: number;
    /** Private ECR storage (a pull-through cache's images), per GB-month. */
    ecrStorageGbMonth: number;
    /** CloudWatch Logs standard ingestion, per GB. */
    logsIngestGb: number;
    /** CloudWatch Logs storage, per GB-month. */
    logsStorageGbMonth: number;
}

/** Where a price was checked, and when: one row per price (or group of prices) of the table. */
export interface PriceSource {
    /** The RegionPrices keys the row covers. */
    prices: (keyof RegionPrices)[];
    /** The AWS pricing page that publishes them. */
    page: string;
    /** The copy the figures were compared with, and on which day; "not re-checked" when none could be read. */
    checked: string;
}

/** gp3's free baseline: what a volume gets without paying for IOPS or throughput. */
export const GP3_FREE = { iops: 3000, throughputMiBps: 125 } as const;

export const PRICES: { asOf: string; sources: PriceSource[]; regions: Record<string, RegionPrices> } = {
    asOf: "2026-12",
    sources: [
        {
            prices: ["eksClusterHour", "eksExtendedClusterHour"],
            page: "https://aws.amazon.com/eks/pricing/",
            checked: "not re-checked: the page could not be read from here; $0.10/h standard and $0.60/h extended, the same in every commercial region",
        },
        {
            prices: ["fargateVcpuHour", "fargateGbHour"],
            page: "https://aws.amazon.com/fargate/pricing/",
            checked:
                "us-east-1 Linux/x86 $0.04048 per vCPU-hour and $0.004445 per GB-hour in https://www.vantage.sh/blog/fargate-pricing and " +
                "https://www.wring.co/blog/aws-fargate-pricing-guide (2026-03-10), read 2026-12; eu-west-1 the same (issue 18, the published list price); " +
                "ap-southeast-1 not re-checked",
        },
        {
            prices: ["gp3GbMonth", "gp3IopsMonth", "gp3ThroughputMonth"],
            page: "https://aws.amazon.com/ebs/pricing/",
            checked:
                "us-east-1 $0.08/GB-month and $0.005/IOPS-month above 3,000 in https://www.webuildup.live/2026/04/ebs-gp2-vs-gp3-why-gp3-wins-on-cost-and.html (2026-04), " +
                "$0.04/MiBps-month above 125 in https://www.saisci.com/aws/gp3-throughput-explained/, read 2026-12; eu-west-1 agrees with issue 18's " +
                "figure for prod's data volume (200 GiB, 10,000 IOPS, 500 MiB/s: about $72 a month); ap-southeast-1 not re-checked",
        },
        {
            prices: ["ec2Hour"],
            page: "https://aws.amazon.com/ec2/pricing/on-demand/",
            checked: "not re-checked: the page could not be read from here",
        },
        {
            prices: ["natGatewayHour", "publicIpv4Hour"],
            page: "https://aws.amazon.com/vpc/pricing/",
            checked: "not re-checked: the page could not be read from here",
        },
        {
            prices: ["interfaceEndpointAzHour"],
            page: "https://aws.amazon.com/privatelink/pricing/",
            checked: "not re-checked: the page could not be read from here; per endpoint and AZ-hour, by region",
        },
        { prices: ["kmsKeyMonth"], page: "https://aws.amazon.com/kms/pricing/", checked: "not re-checked: $1 a key-month in every region" },
        { prices: ["ecrStorageGbMonth"], page: "https://aws.amazon.com/ecr/pricing/", checked: "not re-checked" },
        { prices: ["logsIngestGb", "logsStorageGbMonth"], page: "https://aws.amazon.com/cloudwatch/pricing/", checked: "not re-checked" },
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
            gp3GbMonth: 0.08,
            gp3IopsMonth: 0.005,
            gp3ThroughputMonth: 0.04,
            ec2Hour: { "c6g.medium": 0.034, "c7g.medium": 0.0363, "m6g.medium": 0.0385, "m7g.medium": 0.0408 },
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
            fargateVcpuHour: 0.04048,
            fargateGbHour: 0.004445,
            gp3GbMonth: 0.088,
            gp3IopsMonth: 0.0055,
            gp3ThroughputMonth: 0.044,
            ec2Hour: { "c6g.medium": 0.0388, "c7g.medium": 0.0411, "m6g.medium": 0.043, "m7g.medium": 0.0456 },
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
            gp3GbMonth: 0.096,
            gp3IopsMonth: 0.006,
            gp3ThroughputMonth: 0.048,
            ec2Hour: { "c6g.medium": 0.0392, "c7g.medium": 0.0416, "m6g.medium": 0.0444, "m7g.medium": 0.0471 },
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
