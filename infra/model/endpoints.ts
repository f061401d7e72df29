/**
 * The VPC endpoint catalogue: every AWS service a cluster without internet egress may reach through an
 * endpoint, which of them a private cluster requires and why, and how endpoint service names are spelled
 * in each partition. Stated once: the PrivateEndpoints component creates from it, the guardrail
 * private-cluster-endpoints (and so the policy pack) checks against it. No imports.
 */

/** When an interface endpoint belongs to the default set. */
export type EndpointNeed = "always" | "interruptionHandling" | "podIdentity" | "onRequest";

export interface EndpointService {
    /** The service part of the endpoint service name (`com.amazonaws.<region>.<service>`). */
    service: string;
    need: EndpointNeed;
    /** Who calls the service from inside the VPC, and what fails without the endpoint (the README's table). */
    reason: string;
    /** Why a private cluster cannot do without it, in a guardrail's message; set on the endpoints a private cluster requires. */
    purpose?: string;
    /** In AWS China the interface endpoint is named `cn.com.amazonaws.<region>.<service>` (see `endpointServiceName`). */
    chinaPrefixed: boolean;
}

/**
 * Every interface endpoint this library knows. The ones needed by EKS and Karpenter are created by default;
 * the others are named in `additionalEndpoints`. The pricing API (`api.pricing`) has no endpoint, and IAM,
 * a global service, has none either: see the README's Private clusters.
 */
export const INTERFACE_ENDPOINTS: readonly EndpointService[] = [
    {
        service: "ec2",
        purpose: "Karpenter launches nodes and discovers subnets, security groups and AMIs",
        need: "always",
        reason: "Karpenter launches instances (CreateFleet, launch templates) and discovers subnets, security groups and instance types; the VPC CNI on every node attaches network interfaces and pod addresses",
        chinaPrefixed: true,
    },
    {
        service: "ecr.api",
        purpose: "nodes and Fargate authenticate to ECR",
        need: "always",
        reason: "nodes and Fargate get a registry token (GetAuthorizationToken) before every private ECR pull, the controller image's included",
        chinaPrefixed: true,
    },
    {
        service: "ecr.dkr",
        purpose: "nodes and Fargate pull images from ECR",
        need: "always",
        reason: "the registry protocol of private ECR (image manifests); the layers come from S3 through the gateway endpoint",
        chinaPrefixed: true,
    },
    {
        service: "sts",
        purpose: "the controller exchanges its IRSA token for credentials (AssumeRoleWithWebIdentity)",
        need: "always",
        reason: "IRSA: the controller trades its service-account token for credentials (AssumeRoleWithWebIdentity); without it the controller fails with WebIdentityErr timeouts",
        chinaPrefixed: true,
    },
    {
        service: "ssm",
        purpose: "Karpenter resolves AMI aliases through SSM parameters",
        need: "always",
        reason: "Karpenter resolves EC2NodeClass AMI aliases (al2023@..., bottlerocket@...) from SSM public parameters; without it AMI discovery times out and no node launches",
        chinaPrefixed: false,
    },
    {
        service: "eks",
        purpose: "Karpenter describes the cluster (endpoint, service CIDR)",
        need: "always",
        reason: "the controller calls eks:DescribeCluster (cluster endpoint, service CIDR and IP family); Karpenter's private-cluster guide requires it",
        chinaPrefixed: true,
    },
    {
        service: "sqs",
        purpose: "Karpenter reads interruption events from its SQS queue",
        need: "interruptionHandling",
        reason: "the controller long-polls its interruption queue (Spot interruptions, rebalance, scheduled maintenance)",
        chinaPrefixed: true,
    },
    {
        service: "eks-auth",
        need: "podIdentity",
        reason: "EKS Pod Identity: the Pod Identity Agent on EC2 nodes trades pod tokens for credentials (AssumeRoleForPodIdentity)",
        chinaPrefixed: false,
    },
    {
        service: "logs",
        need: "onRequest",
        reason: "CloudWatch Logs: Fargate's built-in log router, Fluent Bit or the CloudWatch agent",
        chinaPrefixed: false,
    },
    {
        service: "monitoring",
        need: "onRequest",
        reason: "CloudWatch metrics: the CloudWatch agent and Container Insights",
        chinaPrefixed: true,
    },
    {
        service: "elasticloadbalancing",
        need: "onRequest",
        reason: "the AWS Load Balancer Controller creates and updates load balancers and target groups",
        chinaPrefixed: false,
    },
    {
        service: "ssmmessages",
        need: "onRequest",
        reason: "Session Manager shells on nodes (with ssm and ec2messages)",
        chinaPrefixed: false,
    },
    {
        service: "ec2messages",
        need: "onRequest",
        reason: "the SSM agent's command channel (Run Command, older agents' Session Manager)",
        chinaPrefixed: false,
    },
    {
        service: "kms",
        need: "onRequest",
        reason: "workloads that call KMS (envelope encryption, SOPS, External Secrets)",
        chinaPrefixed: false,
    },
    {
        service: "secretsmanager",
        need: "onRequest",
        reason: "workloads or External Secrets reading Secrets Manager",
        chinaPrefixed: false,
    },
    {
        service: "elasticfilesystem",
        need: "onRequest",
        reason: "the EFS CSI driver (access points)",
        chinaPrefixed: true,
    },
    {
        service: "aps-workspaces",
        need: "onRequest",
        reason: "Prometheus remote write to Amazon Managed Service for Prometheus",
        chinaPrefixed: false,
    },
    {
        service: "xray",
        need: "onRequest",
        reason: "traces to AWS X-Ray (X-Ray daemon, ADOT collector)",
        chinaPrefixed: true,
    },
];

/** ECR keeps image layers in S3: a gateway endpoint (free) on the private route tables serves them. */
export const S3_GATEWAY_SERVICE = "s3";

/** Why a private cluster needs the S3 gateway endpoint, in a guardrail's message. */
const S3_GATEWAY_PURPOSE = "ECR serves image layers from S3 (a gateway endpoint)";

/** Partitions whose endpoint service names this library knows. */
export const ENDPOINT_PARTITIONS = ["aws", "aws-us-gov", "aws-cn"] as const;

export type EndpointType = "Interface" | "Gateway";

/**
 * The endpoint service name of an AWS service: `com.amazonaws.<region>.<service>`, except that in AWS
 * China most interface endpoints (those marked `chinaPrefixed`) are `cn.com.amazonaws.<region>.<service>`;
 * China's S3 gateway endpoint keeps `com.amazonaws`.
 */
export function serviceNameInPartition(partition: string, region: string, service: string, type: EndpointType): string {
    const known = INTERFACE_ENDPOINTS.find((e) => e.service === service);
    const china = partition === "aws-cn" && type === "Interface" && known?.chinaPrefixed === true;
    return `${china ? "cn." : ""}com.amazonaws.${region}.${service}`;
}

/** The service an endpoint service name serves (`com.amazonaws.eu-west-1.ecr.dkr` → `ecr.dkr`). */
export function endpointService(serviceName: string): string | undefined {
    return /(?:^|\.)amazonaws\.[a-z]{2}(?:-[a-z]+)+-\d+\.(.+)$/.exec(serviceName)?.[1];
}

export interface EndpointSelection {
    interruptionHandling: boolean;
    podIdentity: boolean;
    /** Further services by name, from INTERFACE_ENDPOINTS. */
    additional: readonly string[];
}

/** The services that get an interface endpoint, in INTERFACE_ENDPOINTS order (names not in the catalogue are ignored). */
export function selectInterfaceEndpoints(selection: EndpointSelection): string[] {
    const needed: Record<EndpointNeed, boolean> = {
        always: true,
        interruptionHandling: selection.interruptionHandling,
        podIdentity: selection.podIdentity,
        onRequest: false,
    };
    return INTERFACE_ENDPOINTS.filter((e) => needed[e.need] || selection.additional.includes(e.service)).map((e) => e.service);
}

/**
 * The endpoints a private cluster cannot do without, by service, with why: those every cluster needs,
 * the S3 gateway, and SQS when Karpenter reads an interruption queue.
 */
export function privateClusterEndpoints(interruptionHandling: boolean): Record<string, string> {
    const purposes = (need: EndpointNeed) =>
        INTERFACE_ENDPOINTS.filter((e) => e.need === need).map((e) => [e.service, e.purpose ?? e.reason] as const);
    return Object.fromEntries([
        ...purposes("always"),
        [S3_GATEWAY_SERVICE, S3_GATEWAY_PURPOSE],
        ...(interruptionHandling ? purposes("interruptionHandling") : []),
    ]);
}
