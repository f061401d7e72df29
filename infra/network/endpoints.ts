import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { check } from "../errors";
import {
    ENDPOINT_PARTITIONS,
    EndpointSelection,
    EndpointType,
    INTERFACE_ENDPOINTS,
    S3_GATEWAY_SERVICE,
    selectInterfaceEndpoints,
    serviceNameInPartition,
} from "../model/endpoints";
import { isCidr } from "../model/names";
import { TYPES } from "../model/tokens";
import { isUnknown } from "../guardrails/types";
import { knownAfterDeployment } from "../plan";
import { checkRegion } from "./zones";

/** The endpoint service name of an AWS service in a partition and region it knows (model/endpoints.ts spells it). */
export function endpointServiceName(partition: string, region: string, service: string, type: EndpointType): string {
    check(
        (ENDPOINT_PARTITIONS as readonly string[]).includes(partition),
        "aws:region",
        region,
        `a region of the ${ENDPOINT_PARTITIONS.join(", ")} partitions (${partition}'s endpoint names are not known here)`,
    );
    checkRegion("aws:region", region);
    return serviceNameInPartition(partition, region, service, type);
}

/** The services that get an interface endpoint, in INTERFACE_ENDPOINTS order; rejects unknown names. */
export function interfaceEndpointServices(selection: EndpointSelection): string[] {
    const known = INTERFACE_ENDPOINTS.map((e) => e.service);
    for (const name of selection.additional) {
        check(known.includes(name), "PrivateEndpoints.additionalEndpoints", name, `one of ${known.join(", ")}`);
    }
    return selectInterfaceEndpoints(selection);
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

/** The registered name of the endpoint of `service` in PrivateEndpoints `name` (`prod-endpoints-ecr-api`). */
export function endpointResourceName(name: string, service: string): string {
    return `${name}-${service.replace(/\./g, "-")}`;
}

/**
 * The endpoints' plan: the checked settings, and the VPC endpoints the component registers (each
 * description's inputs are what it registers, vpc and subnets included). With the region and partition
 * known (plain strings) the service names are checked here; otherwise they resolve at deployment.
 */
export function planPrivateEndpoints(
    name: string,
    args: PrivateEndpointsArgs,
    defaults: { region: pulumi.Input<string>; partition: pulumi.Input<string> } = {
        region: knownAfterDeployment(),
        partition: knownAfterDeployment(),
    },
) {
    const a = resolvePrivateEndpointsArgs(args);
    const region = a.region ?? defaults.region;
    const partition = a.partition ?? defaults.partition;
    const serviceName = (service: string, type: EndpointType): pulumi.Input<string> =>
        typeof partition === "string" && typeof region === "string"
            ? endpointServiceName(partition, region, service, type)
            : isUnknown(partition) || isUnknown(region)
              ? knownAfterDeployment<string>()
              : pulumi.all([partition, region]).apply(([p, r]) => serviceNameInPartition(p, r, service, type));
    const interfaces = a.services.map((service) => ({
        type: TYPES.vpcEndpoint,
        name: endpointResourceName(name, service),
        inputs: {
            vpcId: a.vpcId,
            vpcEndpointType: "Interface",
            serviceName: serviceName(service, "Interface"),
            subnetIds: a.subnetIds,
            // The service's own DNS name resolves to the endpoint: SDKs and agents need no settings.
            privateDnsEnabled: true,
            tags: { ...a.tags, Name: `${name}-${service}` },
        } satisfies aws.ec2.VpcEndpointArgs,
    }));
    const s3 = {
        type: TYPES.vpcEndpoint,
        name: endpointResourceName(name, S3_GATEWAY_SERVICE),
        inputs: {
            vpcId: a.vpcId,
            vpcEndpointType: "Gateway",
            serviceName: serviceName(S3_GATEWAY_SERVICE, "Gateway"),
            routeTableIds: a.routeTableIds,
            tags: { ...a.tags, Name: `${name}-${S3_GATEWAY_SERVICE}` },
        } satisfies aws.ec2.VpcEndpointArgs,
    };
    return { settings: a, interfaces, s3, descriptions: [...interfaces, s3] };
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
        const known = planPrivateEndpoints(name, args); // every check, before registering anything
        if (Array.isArray(args.vpcCidrBlocks) && args.vpcCidrBlocks.every((c) => typeof c === "string"))
            endpointIngressRules(args.vpcCidrBlocks as string[]);
        super(componentType("PrivateEndpoints"), name, {}, componentOptions("PrivateEndpoints", opts));
        const parent = { parent: this };
        const plan =
            args.region !== undefined && args.partition !== undefined
                ? known
                : planPrivateEndpoints(name, args, {
                      region: aws.getRegionOutput({}, parent).region,
                      partition: aws.getPartitionOutput({}, parent).partition,
                  });
        const a = plan.settings;

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
        const interfaces = plan.interfaces.map(
            (d) => new aws.ec2.VpcEndpoint(d.name, { ...d.inputs, securityGroupIds: [securityGroup.id] }, parent),
        );
        const s3 = new aws.ec2.VpcEndpoint(plan.s3.name, plan.s3.inputs, parent);

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
