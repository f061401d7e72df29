import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { DISCOVERY_TAG } from "../cluster/cluster";
import { check } from "../errors";
import { ResourceDescription, TYPES, UNKNOWN } from "../guardrails";
import { checkCidr, checkSubnetCidrs, subnetLayout, VPC_PREFIX } from "./cidr";
import { ZONE_LOOKUP, checkRegion, checkZones, selectZones } from "./zones";

/** Where the private subnets' internet traffic goes. */
export enum NatGateways {
    /** A NAT gateway in every zone: one zone's outage does not cut the others off. */
    PerZone = "PerZone",
    /** One NAT gateway, in the first zone: cheaper; every zone's egress depends on that zone. */
    Single = "Single",
    /** No NAT gateway: the private subnets have no internet route (a private cluster). */
    None = "None",
}

export type SubnetKind = "private" | "public";

/**
 * Tags of a cluster's subnets: Karpenter's EC2NodeClasses select the private subnets by the discovery
 * tag; the AWS Load Balancer Controller places internal load balancers in subnets tagged
 * `kubernetes.io/role/internal-elb` and internet-facing ones in subnets tagged `kubernetes.io/role/elb`.
 */
export function subnetTags(kind: SubnetKind, clusterName: string): Record<string, string> {
    return kind === "private"
        ? { [DISCOVERY_TAG]: clusterName, "kubernetes.io/role/internal-elb": "1" }
        : { "kubernetes.io/role/elb": "1" };
}

/** A VPC made elsewhere, adopted with its subnets. */
export interface ExistingVpc {
    /** The VPC (`vpc-...`). It must have DNS support and DNS hostnames on (endpoints' private DNS needs both); checked at preview. */
    vpcId: string;
    /**
     * Its private subnets (`subnet-...`): the control plane's network interfaces, Fargate pods, Karpenter's
     * nodes, and the endpoints' network interfaces (in the first subnet of each zone). Tagged here for
     * Karpenter's discovery and internal load balancers. At least two, in two zones or more.
     */
    privateSubnetIds: string[];
    /** Its public subnets, tagged here for internet-facing load balancers. @default [] */
    publicSubnetIds?: string[];
}

/** The VPC of a cluster: created here, or adopted with `existingVpc`. An Environment passes these through to its Network. */
export interface NetworkSettings {
    /**
     * Adopt this VPC and its subnets instead of creating one. The creation settings below must then be unset.
     * A stack looks the VPC and every subnet up before anything is created: they must exist in its region,
     * the subnets be the VPC's.
     * @default none: a VPC is created
     */
    existingVpc?: ExistingVpc;
    /**
     * Region of the VPC, to check zone names before any cloud call. Set it when the AWS provider is not the
     * stack's default one. @default the stack's `aws:region`
     */
    region?: string;
    /** IPv4 CIDR of a created VPC, /16 to /22. @default "10.0.0.0/16" */
    cidrBlock?: string;
    /** Number of zones of a created VPC, 2 to 3. @default 3, or the number of `availabilityZones` */
    zoneCount?: number;
    /**
     * Zones of a created VPC (2 to 3 distinct zones of the region). A stack checks them against the zones AWS
     * says the region offers before anything is created. @default the region's first `zoneCount` zones
     */
    availabilityZones?: string[];
    /**
     * Create public subnets (and an internet gateway), for internet-facing load balancers and NAT gateways.
     * @default true; in an Environment with `privateCluster`, false
     */
    publicSubnets?: boolean;
    /**
     * NAT gateways of a created VPC. @default PerZone with public subnets, None without (an Environment with
     * `privateCluster` allows only None)
     */
    natGateways?: NatGateways;
    /** Private subnet CIDRs, one per zone, inside `cidrBlock`. @default each zone a quarter of the VPC (see `subnetLayout`) */
    privateSubnetCidrs?: string[];
    /** Public subnet CIDRs, one per zone, inside `cidrBlock`. @default each zone a sixteenth of the VPC's last quarter */
    publicSubnetCidrs?: string[];
}

export interface NetworkArgs extends NetworkSettings {
    /** Physical name of the EKS cluster: the value of the subnets' `karpenter.sh/discovery` tag and the prefix of `Name` tags. */
    clusterName: string;
    /** Tags for every resource created here (adopted subnets get only the discovery and load-balancer tags). */
    tags?: Record<string, string>;
}

/** Settings that only describe a created VPC. */
const CREATION_SETTINGS = [
    "cidrBlock",
    "zoneCount",
    "availabilityZones",
    "publicSubnets",
    "natGateways",
    "privateSubnetCidrs",
    "publicSubnetCidrs",
] as const;

/**
 * Args with defaults applied and every value checked; throws ConfigError naming the setting.
 * `stackRegion` is the stack's `aws:region` (undefined when unset).
 */
export function resolveNetworkArgs(args: NetworkArgs, stackRegion: string | undefined) {
    check(
        typeof args.clusterName === "string" && args.clusterName.length > 0,
        "Network.clusterName",
        args.clusterName,
        "the EKS cluster's name (the value of the subnets' karpenter.sh/discovery tag)",
    );
    const common = { clusterName: args.clusterName, tags: args.tags ?? {} };
    if (args.existingVpc !== undefined) {
        for (const setting of CREATION_SETTINGS) {
            check(
                args[setting] === undefined,
                `Network.${setting}`,
                args[setting],
                "unset with existingVpc: an adopted VPC keeps its own layout",
            );
        }
        return { ...common, existing: resolveExistingVpc(args.existingVpc), created: undefined };
    }
    return { ...common, existing: undefined, created: resolveCreatedVpc(args, stackRegion) };
}

function resolveExistingVpc(e: ExistingVpc) {
    check(
        typeof e.vpcId === "string" && /^vpc-[0-9a-z]{8,17}$/.test(e.vpcId),
        "Network.existingVpc.vpcId",
        e.vpcId,
        "a VPC ID such as vpc-0123456789abcdef0",
    );
    const publicSubnetIds = e.publicSubnetIds ?? [];
    for (const [setting, ids] of [
        ["privateSubnetIds", e.privateSubnetIds],
        ["publicSubnetIds", publicSubnetIds],
    ] as const) {
        check(Array.isArray(ids), `Network.existingVpc.${setting}`, ids, "a list of subnet IDs");
        for (const id of ids) {
            check(
                typeof id === "string" && /^subnet-[0-9a-z]{8,17}$/.test(id),
                `Network.existingVpc.${setting}`,
                id,
                "subnet IDs such as subnet-0123456789abcdef0",
            );
        }
        check(new Set(ids).size === ids.length, `Network.existingVpc.${setting}`, ids, "distinct subnet IDs");
    }
    check(
        e.privateSubnetIds.length >= 2,
        "Network.existingVpc.privateSubnetIds",
        e.privateSubnetIds,
        "at least two subnets, in two zones or more (EKS requires it)",
    );
    const both = publicSubnetIds.find((id) => e.privateSubnetIds.includes(id));
    check(both === undefined, "Network.existingVpc.publicSubnetIds", both, "subnets not also listed as private");
    return { vpcId: e.vpcId, privateSubnetIds: e.privateSubnetIds, publicSubnetIds };
}

function resolveCreatedVpc(args: NetworkArgs, stackRegion: string | undefined) {
    const region = args.region ?? stackRegion;
    if (region !== undefined) checkRegion("Network.region", region);
    const zoneCount = checkZones(region, args.zoneCount, args.availabilityZones);
    const cidrBlock = args.cidrBlock ?? "10.0.0.0/16";
    checkCidr("Network.cidrBlock", cidrBlock, VPC_PREFIX.min, VPC_PREFIX.max);
    const publicSubnets = args.publicSubnets ?? true;
    const natGateways = args.natGateways ?? (publicSubnets ? NatGateways.PerZone : NatGateways.None);
    const natChoices = Object.values(NatGateways) as string[];
    check(natChoices.includes(natGateways), "Network.natGateways", natGateways, `one of ${natChoices.join(", ")}`);
    check(
        publicSubnets || natGateways === NatGateways.None,
        "Network.natGateways",
        natGateways,
        "None when publicSubnets is false: a NAT gateway lives in a public subnet",
    );
    const layout = subnetLayout(cidrBlock, zoneCount);
    const privateSubnetCidrs = args.privateSubnetCidrs ?? layout.private;
    checkSubnetCidrs("Network.privateSubnetCidrs", privateSubnetCidrs, cidrBlock, zoneCount);
    check(
        publicSubnets || args.publicSubnetCidrs === undefined,
        "Network.publicSubnetCidrs",
        args.publicSubnetCidrs,
        "unset when publicSubnets is false",
    );
    const publicSubnetCidrs = publicSubnets ? (args.publicSubnetCidrs ?? layout.public) : [];
    if (publicSubnets) checkSubnetCidrs("Network.publicSubnetCidrs", publicSubnetCidrs, cidrBlock, zoneCount, privateSubnetCidrs);
    return {
        cidrBlock,
        zoneCount,
        availabilityZones: args.availabilityZones,
        natGateways,
        privateSubnetCidrs,
        publicSubnetCidrs,
    };
}

/** A VPC's IPv4 ranges: the primary one and every associated secondary one. */
export function vpcCidrBlocks(vpc: Pick<aws.ec2.GetVpcResult, "cidrBlock" | "cidrBlockAssociations">): string[] {
    const secondary = (vpc.cidrBlockAssociations ?? []).filter((a) => a.state === "associated").map((a) => a.cidrBlock);
    return [...new Set([vpc.cidrBlock, ...secondary])];
}

/** Checks an adopted VPC as AWS describes it: DNS support and DNS hostnames on. */
export function checkAdoptedVpc(vpcId: string, vpc: Pick<aws.ec2.GetVpcResult, "enableDnsSupport" | "enableDnsHostnames">): void {
    check(
        vpc.enableDnsSupport && vpc.enableDnsHostnames,
        "Network.existingVpc.vpcId",
        vpcId,
        "a VPC with DNS support and DNS hostnames enabled: the endpoints' private DNS names need both",
    );
}

export interface SubnetPlacement {
    id: string;
    availabilityZone: string;
    vpcId: string;
}

/** Checks that an adopted subnet (listed under `setting`) is in the adopted VPC. */
export function checkSubnetInVpc(setting: string, vpcId: string, subnet: Pick<SubnetPlacement, "id" | "vpcId">): void {
    check(subnet.vpcId === vpcId, setting, subnet.id, `subnets of ${vpcId} (this one is in ${subnet.vpcId})`);
}

/**
 * The first subnet of each zone, in the order given: an interface endpoint takes at most one subnet per
 * zone. Checks that every subnet is in the VPC and that they span two zones or more.
 */
export function oneSubnetPerZone(vpcId: string, subnets: SubnetPlacement[]): { subnetIds: string[]; zones: string[] } {
    const byZone = new Map<string, string>();
    for (const s of subnets) {
        checkSubnetInVpc("Network.existingVpc.privateSubnetIds", vpcId, s);
        if (!byZone.has(s.availabilityZone)) byZone.set(s.availabilityZone, s.id);
    }
    check(
        byZone.size >= 2,
        "Network.existingVpc.privateSubnetIds",
        subnets.map((s) => s.id),
        `subnets in two zones or more (all are in ${[...byZone.keys()].join(", ")})`,
    );
    return { subnetIds: [...byZone.values()], zones: [...byZone.keys()] };
}

/** A zone-dependent `Name` tag: `<clusterName>-<what>-<zone>`, its zone the `zone`-th of the network's zones. */
interface ZoneName {
    what: "private" | "public" | "nat";
    zone: number;
}

/** A description of what a Network registers; `zoneName`: its `Name` tag names its zone, known once the zones are looked up. */
type Planned<Inputs extends object> = ResourceDescription<Inputs> & { zoneName?: ZoneName };

/**
 * A created network's plan: the VPC, subnets, internet gateway, route tables, routes, associations, Elastic
 * IPs and NAT gateways, by the names the component registers them under, with their inputs. A sibling's ID
 * (`vpcId`, `subnetId`, ...) is known after deployment; so is a `Name` tag that names a zone (the zones are
 * looked up from inside the component): UNKNOWN here, filled in by the component.
 */
function planCreatedVpc(name: string, clusterName: string, tags: Record<string, string>, c: ResolvedNetwork["created"] & object) {
    const named = (suffix?: string) => ({ ...tags, Name: suffix === undefined ? clusterName : `${clusterName}-${suffix}` });
    const zoneNamed = () => ({ ...tags, Name: UNKNOWN as unknown as string });
    const later = UNKNOWN as unknown as string;
    const planned = <Inputs extends object>(type: string, n: string, inputs: Inputs, zoneName?: ZoneName): Planned<Inputs> =>
        zoneName ? { type, name: n, inputs, zoneName } : { type, name: n, inputs };

    // DNS hostnames and support: interface endpoints' private DNS and the private API endpoint need both.
    const vpc = planned(TYPES.vpc, name, { cidrBlock: c.cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: named() });
    const subnet = (kind: SubnetKind, cidrBlock: string, i: number) =>
        planned(
            TYPES.subnet,
            `${name}-${kind}-${i}`,
            {
                vpcId: later,
                cidrBlock,
                availabilityZone: later,
                // Load balancers get public addresses of their own; nothing else here should.
                mapPublicIpOnLaunch: false,
                tags: { ...zoneNamed(), ...subnetTags(kind, clusterName) },
            },
            { what: kind, zone: i },
        );
    const privateSubnets = c.privateSubnetCidrs.map((cidr, i) => subnet("private", cidr, i));
    const publicSubnets = c.publicSubnetCidrs.map((cidr, i) => subnet("public", cidr, i));
    const internet =
        publicSubnets.length > 0
            ? {
                  gateway: planned(TYPES.internetGateway, name, { vpcId: later, tags: named() }),
                  routeTable: planned(TYPES.routeTable, `${name}-public`, { vpcId: later, tags: named("public") }),
                  route: planned(TYPES.route, `${name}-public-internet`, {
                      routeTableId: later,
                      destinationCidrBlock: "0.0.0.0/0",
                      gatewayId: later,
                  }),
                  associations: publicSubnets.map((_, i) =>
                      planned(TYPES.routeTableAssociation, `${name}-public-${i}`, { subnetId: later, routeTableId: later }),
                  ),
              }
            : undefined;
    const natCount = c.natGateways === NatGateways.PerZone ? publicSubnets.length : c.natGateways === NatGateways.Single ? 1 : 0;
    const nats = publicSubnets.slice(0, natCount).map((_, i) => ({
        eip: planned(TYPES.eip, `${name}-nat-${i}`, { domain: "vpc", tags: zoneNamed() }, { what: "nat", zone: i }),
        gateway: planned(
            TYPES.natGateway,
            `${name}-nat-${i}`,
            { allocationId: later, subnetId: later, tags: zoneNamed() },
            { what: "nat", zone: i },
        ),
    }));
    // A route table per zone, NAT or not: switching NAT modes then changes routes, never associations.
    const privateRoutes = privateSubnets.map((_, i) => ({
        table: planned(TYPES.routeTable, `${name}-private-${i}`, { vpcId: later, tags: zoneNamed() }, { what: "private", zone: i }),
        association: planned(TYPES.routeTableAssociation, `${name}-private-${i}`, { subnetId: later, routeTableId: later }),
        /** The NAT gateway (its index) the zone's internet route goes through; none without NAT gateways. */
        nat: nats.length > 0 ? Math.min(i, nats.length - 1) : undefined,
        route:
            nats.length > 0
                ? planned(TYPES.route, `${name}-private-${i}-nat`, {
                      routeTableId: later,
                      destinationCidrBlock: "0.0.0.0/0",
                      natGatewayId: later,
                  })
                : undefined,
    }));
    const descriptions: ResourceDescription[] = [
        vpc,
        ...privateSubnets,
        ...publicSubnets,
        ...(internet ? [internet.gateway, internet.routeTable, internet.route, ...internet.associations] : []),
        ...nats.flatMap((n) => [n.eip, n.gateway]),
        ...privateRoutes.flatMap((r) => [r.table, r.association, ...(r.route ? [r.route] : [])]),
    ];
    return { vpc, privateSubnets, publicSubnets, internet, nats, privateRoutes, descriptions };
}

/** An adopted network's plan: one tag per subnet and discovery or load-balancer key, named by subnet ID and key (stable under reordering). */
function planAdoptedVpc(name: string, clusterName: string, e: ResolvedNetwork["existing"] & object) {
    const tags = (["private", "public"] as const).flatMap((kind) =>
        (kind === "private" ? e.privateSubnetIds : e.publicSubnetIds).flatMap((id) =>
            Object.entries(subnetTags(kind, clusterName)).map(([key, value]) => ({
                type: TYPES.ec2Tag,
                name: `${name}-${id}-${key.replace(/[^A-Za-z0-9]+/g, "-")}`,
                inputs: { resourceId: id, key, value } satisfies aws.ec2.TagArgs,
            })),
        ),
    );
    return { tags, descriptions: tags as ResourceDescription[] };
}

type ResolvedNetwork = ReturnType<typeof resolveNetworkArgs>;

/**
 * The network's plan: its args resolved and checked (`resolveNetworkArgs`) and the resources it registers,
 * those of a created VPC or an adopted VPC's subnet tags. `stackRegion` is the stack's `aws:region`.
 */
export function planNetwork(name: string, args: NetworkArgs, stackRegion: string | undefined) {
    const settings = resolveNetworkArgs(args, stackRegion);
    const created = settings.created ? planCreatedVpc(name, settings.clusterName, settings.tags, settings.created) : undefined;
    const adopted = settings.existing ? planAdoptedVpc(name, settings.clusterName, settings.existing) : undefined;
    return { settings, created, adopted, descriptions: created?.descriptions ?? adopted!.descriptions };
}

/**
 * The cluster's network: a VPC created here (private and public subnets per zone, route tables, an
 * internet gateway when there are public subnets, NAT gateways per `natGateways`) or an adopted VPC whose
 * subnets are tagged here. Either way the private subnets carry Karpenter's discovery tag, and the
 * outputs are all that `PrivateEndpoints` and `Cluster` need.
 */
export class Network extends pulumi.ComponentResource {
    /** The VPC (`vpc-...`). */
    public readonly vpcId: pulumi.Output<string>;
    /** The VPC's IPv4 ranges (an adopted VPC's secondary ranges too). */
    public readonly cidrBlocks: pulumi.Output<string[]>;
    /** The private subnets, one per zone for a created VPC, tagged for Karpenter's discovery. */
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The public subnets; empty without them. */
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    /** Route tables of the private subnets (where the S3 gateway endpoint adds its route). */
    public readonly privateRouteTableIds: pulumi.Output<string[]>;
    /** One private subnet per zone: where interface endpoints put their network interfaces. */
    public readonly endpointSubnetIds: pulumi.Output<string[]>;
    /** Zones of the private subnets. */
    public readonly availabilityZones: pulumi.Output<string[]>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planNetwork(name, args, aws.config.region); // every check, before registering anything
        super(componentType("Network"), name, {}, componentOptions("Network", opts));
        const outputs = plan.created
            ? createVpc(this, plan.settings.clusterName, plan.settings.created!, plan.created)
            : adoptVpc(this, plan.settings.existing!, plan.adopted!);
        this.vpcId = outputs.vpcId;
        this.cidrBlocks = outputs.cidrBlocks;
        this.privateSubnetIds = outputs.privateSubnetIds;
        this.publicSubnetIds = outputs.publicSubnetIds;
        this.privateRouteTableIds = outputs.privateRouteTableIds;
        this.endpointSubnetIds = outputs.endpointSubnetIds;
        this.availabilityZones = outputs.availabilityZones;
        this.registerOutputs({ ...outputs });
    }
}

/** The planned VPC, subnets, gateways and route tables of a created network, registered as children of `component`. */
function createVpc(
    component: Network,
    clusterName: string,
    c: NonNullable<ResolvedNetwork["created"]>,
    plan: ReturnType<typeof planCreatedVpc>,
): NetworkOutputs {
    const parent = { parent: component };
    const zones = aws
        .getAvailabilityZonesOutput(ZONE_LOOKUP, parent)
        .names.apply((offered) => selectZones(offered, c.zoneCount, c.availabilityZones));
    const zone = (i: number) => zones.apply((z) => z[i]);
    /** A planned resource's tags with the zone in its `Name`, where it names one. */
    const tagsOf = <T extends { tags: Record<string, string> }>(d: Planned<T>) =>
        d.zoneName
            ? { ...d.inputs.tags, Name: pulumi.interpolate`${clusterName}-${d.zoneName.what}-${zone(d.zoneName.zone)}` }
            : d.inputs.tags;

    const vpc = new aws.ec2.Vpc(plan.vpc.name, plan.vpc.inputs, parent);
    const subnet = (d: (typeof plan.privateSubnets)[number], i: number) =>
        new aws.ec2.Subnet(d.name, { ...d.inputs, vpcId: vpc.id, availabilityZone: zone(i), tags: tagsOf(d) }, parent);
    const privateSubnets = plan.privateSubnets.map(subnet);
    const publicSubnets = plan.publicSubnets.map(subnet);

    let internetGateway: aws.ec2.InternetGateway | undefined;
    if (plan.internet) {
        const p = plan.internet;
        internetGateway = new aws.ec2.InternetGateway(p.gateway.name, { ...p.gateway.inputs, vpcId: vpc.id }, parent);
        const publicRoutes = new aws.ec2.RouteTable(p.routeTable.name, { ...p.routeTable.inputs, vpcId: vpc.id }, parent);
        new aws.ec2.Route(p.route.name, { ...p.route.inputs, routeTableId: publicRoutes.id, gatewayId: internetGateway.id }, parent);
        p.associations.forEach(
            (a, i) =>
                new aws.ec2.RouteTableAssociation(
                    a.name,
                    { ...a.inputs, subnetId: publicSubnets[i].id, routeTableId: publicRoutes.id },
                    parent,
                ),
        );
    }
    const nats = plan.nats.map((n, i) => {
        const eip = new aws.ec2.Eip(n.eip.name, { ...n.eip.inputs, tags: tagsOf(n.eip) }, parent);
        // A NAT gateway forwards through the internet gateway: create it after, delete it before.
        return new aws.ec2.NatGateway(
            n.gateway.name,
            { ...n.gateway.inputs, allocationId: eip.id, subnetId: publicSubnets[i].id, tags: tagsOf(n.gateway) },
            { parent: component, dependsOn: internetGateway },
        );
    });
    const privateRouteTables = plan.privateRoutes.map((r, i) => {
        const table = new aws.ec2.RouteTable(r.table.name, { ...r.table.inputs, vpcId: vpc.id, tags: tagsOf(r.table) }, parent);
        new aws.ec2.RouteTableAssociation(
            r.association.name,
            { ...r.association.inputs, subnetId: privateSubnets[i].id, routeTableId: table.id },
            parent,
        );
        if (r.route && r.nat !== undefined)
            new aws.ec2.Route(r.route.name, { ...r.route.inputs, routeTableId: table.id, natGatewayId: nats[r.nat].id }, parent);
        return table;
    });
    const privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
    return {
        vpcId: vpc.id,
        cidrBlocks: vpc.cidrBlock.apply((cidr) => [cidr]),
        privateSubnetIds,
        publicSubnetIds: pulumi.all(publicSubnets.map((s) => s.id)),
        privateRouteTableIds: pulumi.all(privateRouteTables.map((t) => t.id)),
        endpointSubnetIds: privateSubnetIds,
        availabilityZones: zones,
    };
}

/** Registers an adopted VPC's planned subnet tags (children of `component`) and reads what the outputs need from the VPC. */
function adoptVpc(
    component: Network,
    e: NonNullable<ResolvedNetwork["existing"]>,
    plan: ReturnType<typeof planAdoptedVpc>,
): NetworkOutputs {
    const parent = { parent: component };
    for (const t of plan.tags) new aws.ec2.Tag(t.name, t.inputs, parent);
    const vpc = aws.ec2.getVpcOutput({ id: e.vpcId }, parent);
    const cidrBlocks = vpc.apply((v) => {
        checkAdoptedVpc(e.vpcId, v);
        return vpcCidrBlocks(v);
    });
    const placement = pulumi
        .all(e.privateSubnetIds.map((id) => aws.ec2.getSubnetOutput({ id }, parent)))
        .apply((subnets) => oneSubnetPerZone(e.vpcId, subnets));
    // A subnet without an explicit route table association uses the VPC's main route table.
    const associated = e.privateSubnetIds.map(
        (id) => aws.ec2.getRouteTablesOutput({ filters: [{ name: "association.subnet-id", values: [id] }] }, parent).ids,
    );
    const privateRouteTableIds = pulumi
        .all([vpc.mainRouteTableId, pulumi.all(associated)])
        .apply(([main, perSubnet]) => [...new Set(perSubnet.flatMap((ids) => (ids.length > 0 ? ids : [main])))]);
    return {
        vpcId: pulumi.output(e.vpcId),
        cidrBlocks,
        privateSubnetIds: pulumi.output(e.privateSubnetIds),
        publicSubnetIds: pulumi.output(e.publicSubnetIds),
        privateRouteTableIds,
        endpointSubnetIds: placement.subnetIds,
        availabilityZones: placement.zones,
    };
}

interface NetworkOutputs {
    vpcId: pulumi.Output<string>;
    cidrBlocks: pulumi.Output<string[]>;
    privateSubnetIds: pulumi.Output<string[]>;
    publicSubnetIds: pulumi.Output<string[]>;
    privateRouteTableIds: pulumi.Output<string[]>;
    endpointSubnetIds: pulumi.Output<string[]>;
    availabilityZones: pulumi.Output<string[]>;
}
