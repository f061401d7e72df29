import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { isCidr } from "../cluster/cluster";
import { check } from "../errors";
import { checkRegion } from "./zones";

/** When an interface endpoint belongs to the default set. */
type Need = "always" | "interruptionHandling" | "podIdentity" | "onRequest";

interface EndpointService {
    /** The service part of the endpoint service name (`com.amazonaws.<region>.<service>`). */
    service: string;
    need: Need;
    /** Who calls the service from inside the VPC, and what fails without the endpoint. */
    reason: string;
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
        need: "always",
        reason: "Karpenter launches instances (CreateFleet, launch templates) and discovers subnets, security groups and instance types; the VPC CNI on every node attaches network interfaces and pod addresses",
        chinaPrefixed: true,
    },
    {
        service: "ecr.api",
        need: "always",
        reason: "nodes and Fargate get a registry token (GetAuthorizationToken) before every private ECR pull, the controller image's included",
        chinaPrefixed: true,
    },
    {
        service: "ecr.dkr",
        need: "always",
        reason: "the registry protocol of private ECR (image manifests); the layers come from S3 through the gateway endpoint",
        chinaPrefixed: true,
    },
    {
        service: "sts",
        need: "always",
        reason: "IRSA: the controller trades its service-account token for credentials (AssumeRoleWithWebIdentity); without it the controller fails with WebIdentityErr timeouts",
        chinaPrefixed: true,
    },
    {
        service: "ssm",
        need: "always",
        reason: "Karpenter resolves EC2NodeClass AMI aliases (al2023@..., bottlerocket@...) from SSM public parameters; without it AMI discovery times out and no node launches",
        chinaPrefixed: false,
    },
    {
        service: "eks",
        need: "always",
        reason: "the controller calls eks:DescribeCluster (cluster endpoint, service CIDR and IP family); Karpenter's private-cluster guide requires it",
        chinaPrefixed: true,
    },
    {
        service: "sqs",
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

/** Partitions whose endpoint service names this library knows. */
export const ENDPOINT_PARTITIONS = ["aws", "aws-us-gov", "aws-cn"] as const;

export type EndpointType = "Interface" | "Gateway";

/**
 * The endpoint service name of an AWS service: `com.amazonaws.<region>.<service>`, except that in AWS
 * China most interface endpoints (those marked `chinaPrefixed`) are `cn.com.amazonaws.<region>.<service>`;
 * China's S3 gateway endpoint keeps `com.amazonaws`.
 */
export function endpointServiceName(partition: string, region: string, service: string, type: EndpointType): string {
    check(
        (ENDPOINT_PARTITIONS as readonly string[]).includes(partition),
        "aws:region",
        region,
        `a region of the ${ENDPOINT_PARTITIONS.join(", ")} partitions (${partition}'s endpoint names are not known here)`,
    );
    checkRegion("aws:region", region);
    const known = INTERFACE_ENDPOINTS.find((e) => e.service === service);
    const china = partition === "aws-cn" && type === "Interface" && known?.chinaPrefixed === true;
    return `${china ? "cn." : ""}com.amazonaws.${region}.${service}`;
}

export interface EndpointSelection {
    interruptionHandling: boolean;
    podIdentity: boolean;
    /** Further services by name, from INTERFACE_ENDPOINTS. */
    additional: string[];
}

/** The services that get an interface endpoint, in INTERFACE_ENDPOINTS order; rejects unknown names. */
export function interfaceEndpointServices(selection: EndpointSelection): string[] {
    const known = INTERFACE_ENDPOINTS.map((e) => e.service);
    for (const name of selection.additional) {
        check(known.includes(name), "PrivateEndpoints.additionalEndpoints", name, `one of ${known.join(", ")}`);
    }
    const needed: Record<Need, boolean> = {
        always: true,
        interruptionHandling: selection.interruptionHandling,
        podIdentity: selection.podIdentity,
        onRequest: false,
    };
    return INTERFACE_ENDPOINTS.filter((e) => needed[e.need] || selection.additional.includes(e.service)).map((e) => e.service);
}

export const HTTPS_PORT = 443;

export interface IngressRule {
    protocol: string;
    fromPort: number;
    toPort: number;
    cidrBlocks: string[];
    description: string;
}

/**
 * Ingress of the endpoints' security group: HTTPS from the VPC's ranges and nothing else. No egress
 * rule: endpoints only answer, and security groups let answers out.
 */
export function endpointIngressRules(cidrBlocks: string[]): IngressRule[] {
    check(cidrBlocks.length > 0, "PrivateEndpoints.vpcCidrBlocks", cidrBlocks, "the VPC's IPv4 ranges (at least one)");
    for (const cidr of cidrBlocks) {
        check(isCidr(cidr), "PrivateEndpoints.vpcCidrBlocks", cidr, "IPv4 CIDRs such as 10.0.0.0/16");
    }
    return [
        {
            protocol: "tcp",
            fromPort: HTTPS_PORT,
            toPort: HTTPS_PORT,
            cidrBlocks,
            description: "HTTPS from the VPC to AWS service endpoints",
        },
    ];
}

export interface PrivateEndpointsArgs {
    /** The VPC. */
    vpcId: pulumi.Input<string>;
    /** The VPC's IPv4 ranges: the only sources the endpoints admit (HTTPS). */
    vpcCidrBlocks: pulumi.Input<pulumi.Input<string>[]>;
    /** Subnets of the interface endpoints' network interfaces: private ones, at most one per zone. */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Route tables of the private subnets, for the S3 gateway endpoint. */
    routeTableIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Karpenter's interruption handling is on: add the SQS endpoint. @default true */
    interruptionHandling?: boolean;
    /** EKS Pod Identity associations exist: add the eks-auth endpoint. @default false */
    podIdentity?: boolean;
    /** Further interface endpoints, by service name from INTERFACE_ENDPOINTS (`logs`, `elasticloadbalancing`, ...). @default [] */
    additionalEndpoints?: string[];
    /** Region of the endpoint services. @default the AWS provider's region */
    region?: pulumi.Input<string>;
    /** Partition of the region (`aws`, `aws-us-gov`, `aws-cn`). @default the AWS provider's partition */
    partition?: pulumi.Input<string>;
    /** Tags for every resource created here. */
    tags?: Record<string, string>;
}

/** Args with defaults applied and every value checked; throws ConfigError naming the setting. */
export function resolvePrivateEndpointsArgs(args: PrivateEndpointsArgs) {
    const additional = args.additionalEndpoints ?? [];
    check(Array.isArray(additional), "PrivateEndpoints.additionalEndpoints", additional, "a list of endpoint service names");
    const interruptionHandling = args.interruptionHandling ?? true;
    const podIdentity = args.podIdentity ?? false;
    return {
        ...args,
        services: interfaceEndpointServices({ interruptionHandling, podIdentity, additional }),
        tags: args.tags ?? {},
    };
}

/**
 * The VPC endpoints a cluster without internet egress needs: an interface endpoint (private DNS on, so
 * SDKs use it unchanged) per service of `interfaceEndpointServices`, behind one security group that
 * admits HTTPS from the VPC only, and an S3 gateway endpoint on the private route tables.
 *
 * Its inputs come from the network alone, so it is created alongside the cluster, not after it.
 */
export class PrivateEndpoints extends pulumi.ComponentResource {
    /** The security group of the interface endpoints (HTTPS from the VPC). */
    public readonly securityGroupId: pulumi.Output<string>;
    /** Services with an interface endpoint, in creation order. */
    public readonly services: pulumi.Output<string[]>;
    /** Interface endpoint IDs by service. */
    public readonly interfaceEndpointIds: pulumi.Output<Record<string, string>>;
    /** The S3 gateway endpoint (ECR's image layers). */
    public readonly s3GatewayEndpointId: pulumi.Output<string>;

    constructor(name: string, args: PrivateEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("PrivateEndpoints"), name, {}, componentOptions("PrivateEndpoints", opts));
        const a = resolvePrivateEndpointsArgs(args);
        const parent = { parent: this };
        const region = a.region ?? aws.getRegionOutput({}, parent).region;
        const partition = a.partition ?? aws.getPartitionOutput({}, parent).partition;
        const serviceName = (service: string, type: EndpointType) =>
            pulumi.all([partition, region]).apply(([p, r]) => endpointServiceName(p, r, service, type));

        const securityGroup = new aws.ec2.SecurityGroup(
            name,
            {
                vpcId: a.vpcId,
                description: "HTTPS from the VPC to AWS service endpoints",
                ingress: pulumi.output(a.vpcCidrBlocks).apply(endpointIngressRules),
                egress: [],
                tags: { ...a.tags, Name: `${name}-endpoints` },
            },
            parent,
        );
        const interfaces = a.services.map(
            (service) =>
                new aws.ec2.VpcEndpoint(
                    `${name}-${service.replace(/\./g, "-")}`,
                    {
                        vpcId: a.vpcId,
                        vpcEndpointType: "Interface",
                        serviceName: serviceName(service, "Interface"),
                        subnetIds: a.subnetIds,
                        securityGroupIds: [securityGroup.id],
                        // The service's own DNS name resolves to the endpoint: SDKs and agents need no settings.
                        privateDnsEnabled: true,
                        tags: { ...a.tags, Name: `${name}-${service}` },
                    },
                    parent,
                ),
        );
        const s3 = new aws.ec2.VpcEndpoint(
            `${name}-${S3_GATEWAY_SERVICE}`,
            {
                vpcId: a.vpcId,
                vpcEndpointType: "Gateway",
                serviceName: serviceName(S3_GATEWAY_SERVICE, "Gateway"),
                routeTableIds: a.routeTableIds,
                tags: { ...a.tags, Name: `${name}-${S3_GATEWAY_SERVICE}` },
            },
            parent,
        );

        this.securityGroupId = securityGroup.id;
        this.services = pulumi.output(a.services);
        this.interfaceEndpointIds = pulumi
            .all(interfaces.map((e) => e.id))
            .apply((ids) => Object.fromEntries(a.services.map((service, i) => [service, ids[i]])));
        this.s3GatewayEndpointId = s3.id;
        this.registerOutputs({
            securityGroupId: this.securityGroupId,
            services: this.services,
            interfaceEndpointIds: this.interfaceEndpointIds,
            s3GatewayEndpointId: this.s3GatewayEndpointId,
        });
    }
}
