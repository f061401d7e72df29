/**
 * The price and support tables the baseline cost estimate reads. Prices move: each table says when
 * and where its figures were taken, and the plan prints that date beside every estimate.
 */

import { EC2_ON_DEMAND_AP_SOUTHEAST_1, EC2_ON_DEMAND_EU_WEST_1, EC2_ON_DEMAND_US_EAST_1 } from "./ec2-prices";

/** Hours in a billing month, as AWS's own calculator counts them (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** On-demand list prices in USD, per region. */
export interface RegionPrices {
    /** EKS cluster in standard support, per hour (no source found names a regional difference). */
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
    /**
     * EC2 Linux on-demand, per instance-hour, by instance type: what the always-on node is picked from and the
     * NodePool ceilings are read against. A type missing here has no price in this region (the plan says so).
     */
    ec2Hour: Record<string, number>;
    /** A customer-managed KMS key, per month (each of its first two yearly rotations adds as much). */
    kmsKeyMonth: number;
    /** Private ECR storage (a pull-through cache's images), per GB-month. */
    ecrStorageGbMonth: number;
    /** CloudWatch Logs standard ingestion, per GB. */
    logsIngestGb: number;
    /** CloudWatch Logs storage, per GB-month. */
    logsStorageGbMonth: number;
    /** A standard-resolution CloudWatch metric alarm, per alarm-month. */
    cloudwatchAlarmMonth: number;
    /** A custom CloudWatch metric (first 10,000), per metric-month. */
    customMetricMonth: number;
}

/** Where a price was checked, and when: one row per price (or group of prices) of the table. */
export interface PriceSource {
    /** The RegionPrices keys the row covers. */
    prices: (keyof RegionPrices)[];
    /** The AWS pricing page that publishes them. */
    page: string;
    /**
     * Per region, the copies the figures were found in (address and date of the copy, or the day it was read), or
     * "not found" and what was searched: a figure no stored copy confirms is carried over, not guessed anew.
     */
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
            checked:
                "confirmed $0.10/h standard and $0.60/h extended in https://www.vantage.sh/blog/amazon-eks-extended-support-cost-kubernetes (undated, read 2026-12), " +
                "https://www.factualminds.com/blog/amazon-eks-pricing-control-plane-addons-auto-mode/ (2026-06-13: $0.10 plus $0.50 extended) and " +
                "https://cloudburn.io/blog/amazon-eks-pricing (2026-04-01: $73 and $438 a month, us-east-1); none of them names a regional difference, " +
                "and no eu-west-1 or ap-southeast-1 figure was found",
        },
        {
            prices: ["fargateVcpuHour", "fargateGbHour"],
            page: "https://aws.amazon.com/fargate/pricing/",
            checked:
                "us-east-1 Linux/x86 confirmed, $0.04048 per vCPU-hour and $0.004445 per GB-hour, in https://www.vantage.sh/blog/fargate-pricing " +
                "(first published 2021-04-22, read 2026-12) and https://www.wring.co/blog/aws-fargate-pricing-guide (2026-03-10); eu-west-1 the same: issue 18's " +
                "published list price, and the stored copy of https://aws.amazon.com/jp/fargate/pricing/ (undated, older rates) prices eu-west-1 in one tier with " +
                "us-east-1; ap-southeast-1 ($0.05056, $0.00553) not found: searched pages and docs for Fargate Singapore/ap-southeast-1 per vCPU-hour and GB-hour, " +
                "and the exact strings 0.05056 and 0.0055325 in public code",
        },
        {
            prices: ["gp3GbMonth", "gp3IopsMonth", "gp3ThroughputMonth"],
            page: "https://aws.amazon.com/ebs/pricing/",
            checked:
                "us-east-1 confirmed, $0.08/GB-month and $0.005/IOPS-month above 3,000, in https://www.webuildup.live/2026/04/ebs-gp2-vs-gp3-why-gp3-wins-on-cost-and.html " +
                "(2026-04), and all three with $0.04/MiBps-month above 125 in https://www.saisci.com/aws/gp2-vs-gp3-cost-comparison-ebs-volumes/ (2021-02-04, read 2026-12); " +
                "eu-west-1 and ap-southeast-1 not found (searched pages for gp3 Ireland/eu-west-1 $0.088, $0.0055, $0.044 and Singapore $0.096); eu-west-1 agrees " +
                "with issue 18's ~$72 a month for prod's data volume (200 GiB, 10,000 IOPS, 500 MiB/s)",
        },
        {
            prices: ["ec2Hour"],
            page: "https://aws.amazon.com/ec2/pricing/on-demand/",
            checked:
                "us-east-1: every type of the instance-type facts (Graviton m/c/r 6g-8g, Intel and AMD m/c/r 6i/7i/6a/7a, NVIDIA g5/g6/g6e/g6f, all sizes) " +
                "from Karpenter v1.9.0's table from the AWS price-list API, " +
                "https://github.com/aws/karpenter-provider-aws/blob/v1.9.0/pkg/providers/pricing/zz_generated.pricing_aws.go " +
                "(generated 2026-01-21; copied whole to reference/ec2-prices/, and a test compares every figure with it). " +
                "eu-west-1 and ap-southeast-1: every size of the Graviton, Intel and AMD families, and of g5 in eu-west-1, from SkyPilot's catalog of the AWS price list " +
                "(which has no ap-southeast-1 price for c7a, m7a, r7a and g5, and no eu-west-1 or ap-southeast-1 row for g6, g6e or g6f: the GPU pool is priced from g5 alone in eu-west-1, not at all in ap-southeast-1), " +
                "https://github.com/skypilot-org/skypilot-catalog/blob/00148f2af3672e2229b4f7bf8157d5a3f36e3c35/catalogs/v8/aws/vms.csv " +
                "(the newest version stored; its rows for these families and for us-east-1, eu-west-1 and ap-southeast-1 copied to " +
                "reference/ec2-prices/skypilot-aws-vms.csv). A test checks every figure against that copy, one price across each type's " +
                "Availability Zones, and the copy's us-east-1 prices against Karpenter's table: they agree (g5 included) but for c6g.metal, m6g.metal, r6g.metal, " +
                "c7i.metal-24xl, c8g.metal-24xl, m7i.metal-24xl, m8g.metal-24xl, r7i.metal-24xl and r8g.metal-24xl, which the catalog prices like " +
                "the virtual type of the same size, 6-10 % under Karpenter's, so those nine are left unpriced in eu-west-1 and ap-southeast-1. " +
                "The four uncited .medium figures this replaces were off: " +
                "eu-west-1 c6g and c7g $0.0388 and $0.0411 (about eu-central-1's; the catalog: $0.0365, $0.0388), ap-southeast-1 m6g $0.0444 " +
                "(the catalog: $0.048). Not copied yet: the G families (the catalog rows read of g6, g6e and g6f have no eu-west-1 or " +
                "ap-southeast-1 zone); their types have no price in the two regions, and the plan names their families",
        },
        {
            prices: ["natGatewayHour", "publicIpv4Hour"],
            page: "https://aws.amazon.com/vpc/pricing/",
            checked:
                "NAT gateway: us-east-1 $0.045/h confirmed in https://cloudburn.io/blog/aws-nat-gateway-pricing (2026-02-24); ap-southeast-1 $0.059/h confirmed in " +
                'https://basavytix.com/blog/aws-nat-gateway-pricing (undated, read 2026-12); eu-west-1 $0.048/h not found as such (searched pages for NAT gateway Ireland/eu-west-1 $0.048 per hour), within the "Europe (Ireland, ' +
                'Frankfurt, London) ~$0.048-$0.052" of https://cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026/ (2026). Public IPv4: $0.005/h ' +
                "in every region since 2024-02-01, confirmed in https://www.besthub.dev/articles/why-aws-is-starting-to-charge-for-public-ipv4-addresses-what-it-means-for-you-da121e06e336 " +
                "(read 2026-12) and https://www.doit.com/aws-public-ipv4-price-increase-the-complete-guide/ (read 2026-12)",
        },
        {
            prices: ["interfaceEndpointAzHour"],
            page: "https://aws.amazon.com/privatelink/pricing/",
            checked:
                "us-east-1 $0.01 per endpoint and AZ-hour confirmed in https://awsnegotiations.com/privatelink-cost-analysis.html (updated 2026-05) and " +
                "https://c3x.dev/resources/aws/aws_vpc_endpoint (read 2026-12); the stored copy of the AWS page shows no rates (rendered by script); " +
                "eu-west-1 ($0.011) and ap-southeast-1 ($0.013) not found: searched pages for the interface-endpoint hourly rate by region and those figures",
        },
        {
            prices: ["kmsKeyMonth"],
            page: "https://aws.amazon.com/kms/pricing/",
            checked:
                "confirmed $1 a key-month, each rotated backing key $1 more, in the stored copy of https://aws.amazon.com/kms/pricing/ (undated, read 2026-12; " +
                "no regional difference) and https://cloudburn.io/blog/aws-kms-pricing (2026-03-14)",
        },
        {
            prices: ["ecrStorageGbMonth"],
            page: "https://aws.amazon.com/ecr/pricing/",
            checked:
                "us-east-1 $0.10/GB-month confirmed in https://cloudburn.io/blog/amazon-ecr-pricing (2026-03) and https://www.wring.co/blog/aws-ecr-pricing-guide " +
                "(2026-03-15); eu-west-1 and ap-southeast-1 not found (the pages quote one rate and say it varies by region)",
        },
        {
            prices: ["logsIngestGb", "logsStorageGbMonth"],
            page: "https://aws.amazon.com/cloudwatch/pricing/",
            checked:
                "us-east-1 $0.50/GB ingestion and $0.03/GB-month storage confirmed in https://c3x.dev/blog/cloudwatch-logs-cost-optimization (us-east-1, 2026-06); " +
                "eu-west-1 ($0.57, $0.03) and ap-southeast-1 ($0.70, $0.033) not found: searched pages for CloudWatch Logs ingestion and storage in Ireland and Singapore",
        },
        {
            prices: ["cloudwatchAlarmMonth", "customMetricMonth"],
            page: "https://aws.amazon.com/cloudwatch/pricing/",
            checked:
                "$0.10 per standard alarm-month confirmed in https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm (read 2026-12); $0.30 per custom " +
                "metric-month for the first 10,000 in https://cal53.calculator.city/cloudwatch-custom-metrics-calculator/ (read 2026-12); neither names a " +
                "regional difference, and no eu-west-1 or ap-southeast-1 figure was found: the us-east-1 rates are carried to both",
        },
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
            ec2Hour: EC2_ON_DEMAND_US_EAST_1,
            kmsKeyMonth: 1,
            ecrStorageGbMonth: 0.1,
            logsIngestGb: 0.5,
            logsStorageGbMonth: 0.03,
            cloudwatchAlarmMonth: 0.1,
            customMetricMonth: 0.3,
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
            ec2Hour: EC2_ON_DEMAND_EU_WEST_1,
            kmsKeyMonth: 1,
            ecrStorageGbMonth: 0.1,
            logsIngestGb: 0.57,
            logsStorageGbMonth: 0.03,
            cloudwatchAlarmMonth: 0.1,
            customMetricMonth: 0.3,
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
            ec2Hour: EC2_ON_DEMAND_AP_SOUTHEAST_1,
            kmsKeyMonth: 1,
            ecrStorageGbMonth: 0.1,
            logsIngestGb: 0.7,
            logsStorageGbMonth: 0.033,
            cloudwatchAlarmMonth: 0.1,
            customMetricMonth: 0.3,
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
