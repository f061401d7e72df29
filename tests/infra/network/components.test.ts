/**
 * The network components under Pulumi's mocks. The mocks answer like AWS (IDs by resource kind, a
 * region's zones, an adopted VPC's subnets and route tables), and every registration is recorded as the
 * engine receives it: type, name, parent, dependencies and inputs.
 */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PrivateEndpoints } from "../../../infra/network/endpoints";
import { PublicEcrPullThroughCache } from "../../../infra/network/image";
import { NatGateways, Network, NetworkArgs } from "../../../infra/network/network";
import { Registered, lastRegistrations, runEngine } from "../../harness";
import { ID_PREFIX } from "../../mocks";

const ACCOUNT = "123456789012";

interface Subnet {
    id: string;
    availabilityZone: string;
    vpcId: string;
}

/** What the mocked AWS account holds; each test sets what it needs. */
const world = {
    region: "eu-west-1",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    vpcs: {} as Record<string, aws.ec2.GetVpcResult>,
    subnets: {} as Record<string, Subnet>,
    /** Route tables explicitly associated with a subnet. */
    associations: {} as Record<string, string[]>,
};
const invokes: { token: string; inputs: Record<string, any> }[] = [];

const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
        const prefix = ID_PREFIX[args.type];
        const id = prefix ? `${prefix}-${args.name}` : `${args.name}-id`;
        switch (args.type) {
            case "aws:ec2/vpc:Vpc":
                return {
                    id,
                    state: {
                        ...args.inputs,
                        arn: `arn:aws:ec2:${world.region}:${ACCOUNT}:vpc/${id}`,
                        mainRouteTableId: `rtb-${args.name}-main`,
                    },
                };
            case "aws:iam/policy:Policy":
                return {
                    id: `arn:aws:iam::${ACCOUNT}:policy/${args.name}-1a2b3c`,
                    state: { ...args.inputs, arn: `arn:aws:iam::${ACCOUNT}:policy/${args.name}-1a2b3c` },
                };
            default:
                return { id, state: { ...args.inputs } };
        }
    },
    call(args) {
        invokes.push({ token: args.token, inputs: args.inputs });
        const i = args.inputs;
        switch (args.token) {
            case "aws:index/getRegion:getRegion":
                return { id: world.region, region: world.region, name: world.region, endpoint: `ec2.${world.region}.${world.dnsSuffix}` };
            case "aws:index/getPartition:getPartition":
                return { id: world.partition, partition: world.partition, dnsSuffix: world.dnsSuffix };
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { id: ACCOUNT, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci`, userId: "AIDAEXAMPLE" };
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return {
                    id: world.region,
                    names: world.zones,
                    zoneIds: world.zones.map((_, n) => `euw1-az${n + 1}`),
                    groupNames: world.zones.map(() => world.region),
                    state: i.state,
                    filters: i.filters,
                };
            case "aws:ec2/getVpc:getVpc":
                return found(world.vpcs[i.id], "VPC", i.id);
            case "aws:ec2/getSubnet:getSubnet":
                return found(world.subnets[i.id], "subnet", i.id);
            case "aws:ec2/getRouteTables:getRouteTables": {
                const subnet = i.filters[0].values[0];
                return { id: world.region, ids: world.associations[subnet] ?? [] };
            }
            default:
                throw new Error(`no mock for ${args.token}`);
        }
    },
};

function found<T>(value: T | undefined, kind: string, id: string): T {
    if (value === undefined) throw new Error(`InvalidID: the ${kind} '${id}' does not exist`);
    return value;
}

/**
 * Runs `program` on the mock engine, with the mocked account above, and returns what it returned and
 * registered. Rejects with the first failure (a check inside an `apply` that threw), as `pulumi preview`
 * stops with it.
 */
async function run<T>(program: () => T): Promise<{ result: T; resources: Registered[] }> {
    invokes.length = 0;
    return runEngine(program, { mocks });
}

/** Resources of a type, by name: registration order follows Output resolution, not program order. */
const ofType = (resources: Registered[], type: string) =>
    resources.filter((r) => r.type === type).sort((a, b) => a.name.localeCompare(b.name));

function value<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Resources registered inside a component (at any depth), the component included. */
function subtree(resources: Registered[], root: Registered): Registered[] {
    const children = resources.filter((r) => r.parent === root.urn);
    return [root, ...children.flatMap((c) => subtree(resources, c))];
}

function component(resources: Registered[], type: string): Registered {
    const matches = ofType(resources, type);
    assert.equal(matches.length, 1, `one ${type}`);
    return matches[0];
}

beforeEach(() => {
    world.region = "eu-west-1";
    world.partition = "aws";
    world.dnsSuffix = "amazonaws.com";
    world.zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
});

describe("Network: a created VPC", () => {
    it("spans three zones with private and public subnets, an internet gateway and a NAT gateway per zone", async () => {
        const { result: net, resources } = await run(
            () => new Network("prod", { clusterName: "prod", region: "eu-west-1", tags: { team: "platform" } }),
        );

        const [vpc] = ofType(resources, "aws:ec2/vpc:Vpc");
        assert.equal(vpc.inputs.cidrBlock, "10.0.0.0/16");
        assert.equal(vpc.inputs.enableDnsSupport, true);
        assert.equal(vpc.inputs.enableDnsHostnames, true);
        assert.deepEqual(vpc.inputs.tags, { team: "platform", Name: "prod" });

        const subnets = ofType(resources, "aws:ec2/subnet:Subnet").map((s) => ({
            name: s.name,
            cidr: s.inputs.cidrBlock,
            zone: s.inputs.availabilityZone,
            vpc: s.inputs.vpcId,
            publicIps: s.inputs.mapPublicIpOnLaunch,
            tags: s.inputs.tags,
        }));
        const zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
        assert.deepEqual(subnets, [
            ...["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"].map((cidr, i) => ({
                name: `prod-private-${i}`,
                cidr,
                zone: zones[i],
                vpc: "vpc-prod",
                publicIps: false,
                tags: {
                    team: "platform",
                    Name: `prod-private-${zones[i]}`,
                    "karpenter.sh/discovery": "prod",
                    "kubernetes.io/role/internal-elb": "1",
                },
            })),
            ...["10.0.192.0/20", "10.0.208.0/20", "10.0.224.0/20"].map((cidr, i) => ({
                name: `prod-public-${i}`,
                cidr,
                zone: zones[i],
                vpc: "vpc-prod",
                publicIps: false,
                tags: { team: "platform", Name: `prod-public-${zones[i]}`, "kubernetes.io/role/elb": "1" },
            })),
        ]);

        const [igw] = ofType(resources, "aws:ec2/internetGateway:InternetGateway");
        const nats = ofType(resources, "aws:ec2/natGateway:NatGateway");
        assert.deepEqual(
            nats.map((n) => [n.inputs.subnetId, n.inputs.allocationId]),
            [0, 1, 2].map((i) => [`subnet-prod-public-${i}`, `eipalloc-prod-nat-${i}`]),
        );
        for (const nat of nats) assert.ok(nat.dependencies.includes(igw.urn), "a NAT gateway waits for the internet gateway");

        const routes = ofType(resources, "aws:ec2/route:Route").map((r) => [
            r.inputs.routeTableId,
            r.inputs.destinationCidrBlock,
            r.inputs.gatewayId ?? r.inputs.natGatewayId,
        ]);
        assert.deepEqual(routes, [
            ["rtb-prod-private-0", "0.0.0.0/0", "nat-prod-nat-0"],
            ["rtb-prod-private-1", "0.0.0.0/0", "nat-prod-nat-1"],
            ["rtb-prod-private-2", "0.0.0.0/0", "nat-prod-nat-2"],
            ["rtb-prod-public", "0.0.0.0/0", "igw-prod"],
        ]);
        const associations = ofType(resources, "aws:ec2/routeTableAssociation:RouteTableAssociation").map((a) => [
            a.inputs.subnetId,
            a.inputs.routeTableId,
        ]);
        assert.deepEqual(associations, [
            ["subnet-prod-private-0", "rtb-prod-private-0"],
            ["subnet-prod-private-1", "rtb-prod-private-1"],
            ["subnet-prod-private-2", "rtb-prod-private-2"],
            ["subnet-prod-public-0", "rtb-prod-public"],
            ["subnet-prod-public-1", "rtb-prod-public"],
            ["subnet-prod-public-2", "rtb-prod-public"],
        ]);

        // Standard zones only: the zone lookup leaves out Local and Wavelength Zones.
        const zoneLookup = invokes.find((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones");
        assert.deepEqual(zoneLookup?.inputs, { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] });

        assert.deepEqual(await value(net.privateSubnetIds), ["subnet-prod-private-0", "subnet-prod-private-1", "subnet-prod-private-2"]);
        assert.deepEqual(await value(net.endpointSubnetIds), await value(net.privateSubnetIds));
        assert.deepEqual(await value(net.publicSubnetIds), ["subnet-prod-public-0", "subnet-prod-public-1", "subnet-prod-public-2"]);
        assert.deepEqual(await value(net.privateRouteTableIds), ["rtb-prod-private-0", "rtb-prod-private-1", "rtb-prod-private-2"]);
        assert.deepEqual(await value(net.cidrBlocks), ["10.0.0.0/16"]);
        assert.deepEqual(await value(net.availabilityZones), zones);
        for (const r of resources.filter((r) => r.type !== "eks-karpenter:index:Network")) {
            assert.match(r.parent, /eks-karpenter:index:Network::prod$/, `${r.name} is inside the component`);
        }
    });

    it("has neither an internet route nor an internet gateway when fully private", async () => {
        const { result: net, resources } = await run(
            () =>
                new Network("dark", {
                    clusterName: "dark",
                    region: "eu-west-1",
                    zoneCount: 2,
                    publicSubnets: false,
                    cidrBlock: "10.20.0.0/20",
                }),
        );
        for (const type of [
            "aws:ec2/internetGateway:InternetGateway",
            "aws:ec2/natGateway:NatGateway",
            "aws:ec2/eip:Eip",
            "aws:ec2/route:Route",
        ]) {
            assert.deepEqual(ofType(resources, type), [], type);
        }
        assert.deepEqual(
            ofType(resources, "aws:ec2/subnet:Subnet").map((s) => s.inputs.cidrBlock),
            ["10.20.0.0/22", "10.20.4.0/22"],
        );
        assert.equal(ofType(resources, "aws:ec2/routeTable:RouteTable").length, 2);
        assert.deepEqual(await value(net.publicSubnetIds), []);
    });

    it("routes every zone through one NAT gateway when asked to", async () => {
        const { resources } = await run(
            () =>
                new Network("cheap", {
                    clusterName: "cheap",
                    availabilityZones: ["eu-west-1c", "eu-west-1a"],
                    natGateways: NatGateways.Single,
                }),
        );
        assert.equal(ofType(resources, "aws:ec2/natGateway:NatGateway").length, 1);
        const natRoutes = ofType(resources, "aws:ec2/route:Route").filter((r) => r.inputs.natGatewayId);
        assert.deepEqual(
            natRoutes.map((r) => r.inputs.natGatewayId),
            ["nat-cheap-nat-0", "nat-cheap-nat-0"],
        );
        assert.deepEqual(
            ofType(resources, "aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone),
            ["eu-west-1c", "eu-west-1a", "eu-west-1c", "eu-west-1a"],
        );
    });

    it("fails the preview when the region offers fewer zones than asked, before a subnet is created", async () => {
        world.region = "us-west-1";
        world.zones = ["us-west-1a", "us-west-1c"];
        const args: NetworkArgs = { clusterName: "west", region: "us-west-1", zoneCount: 3 };
        // The check runs on the zone lookup, which `pulumi preview` resolves: the subnets' registration fails with it.
        await assert.rejects(
            run(() => new Network("west", args)),
            (e: Error) => {
                assert.match(
                    e.message,
                    /Network\.zoneCount: 3 is not valid; at most 2: the region offers this account 2 zone\(s\) \(us-west-1a, us-west-1c\)$/,
                );
                return true;
            },
        );
        assert.deepEqual(
            lastRegistrations().filter((r) => r.type === "aws:ec2/subnet:Subnet" && r.urn !== ""),
            [],
            "no subnet registered",
        );
    });

    it("rejects bad settings before registering anything", async () => {
        const { resources } = await run(() =>
            assert.throws(
                () => new Network("bad", { clusterName: "bad", region: "eu-west-1", availabilityZones: ["eu-west-1a", "eu-central-1b"] }),
                {
                    name: "ConfigError",
                    message: `Network.availabilityZones: "eu-central-1b" is not valid; a zone of the stack's region eu-west-1: eu-west-1a, eu-west-1b, ...`,
                },
            ),
        );
        assert.deepEqual(
            resources.filter((r) => r.type !== "eks-karpenter:index:Network"),
            [],
        );
    });
});

describe("Network: an adopted VPC", () => {
    const vpcId = "vpc-0a1b2c3d4e5f60789";
    const privateSubnetIds = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0bbbbbbbbbbbbbbb1"];
    const publicSubnetIds = ["subnet-0ccccccccccccccc1"];

    beforeEach(() => {
        world.vpcs = {
            [vpcId]: {
                id: vpcId,
                cidrBlock: "10.8.0.0/16",
                cidrBlockAssociations: [
                    { associationId: "vpc-cidr-assoc-1", cidrBlock: "10.8.0.0/16", state: "associated" },
                    { associationId: "vpc-cidr-assoc-2", cidrBlock: "100.64.0.0/16", state: "associated" },
                ],
                enableDnsHostnames: true,
                enableDnsSupport: true,
                mainRouteTableId: "rtb-0main",
            } as aws.ec2.GetVpcResult,
        };
        world.subnets = {
            "subnet-0aaaaaaaaaaaaaaa1": { id: "subnet-0aaaaaaaaaaaaaaa1", availabilityZone: "eu-west-1a", vpcId },
            "subnet-0aaaaaaaaaaaaaaa2": { id: "subnet-0aaaaaaaaaaaaaaa2", availabilityZone: "eu-west-1a", vpcId },
            "subnet-0bbbbbbbbbbbbbbb1": { id: "subnet-0bbbbbbbbbbbbbbb1", availabilityZone: "eu-west-1b", vpcId },
        };
        // The third subnet has no explicit association: it uses the main route table.
        world.associations = { "subnet-0aaaaaaaaaaaaaaa1": ["rtb-0a"], "subnet-0aaaaaaaaaaaaaaa2": ["rtb-0a"] };
    });

    it("tags its subnets and finds what the endpoints need", async () => {
        const { result: net, resources } = await run(
            () => new Network("adopted", { clusterName: "prod", existingVpc: { vpcId, privateSubnetIds, publicSubnetIds } }),
        );
        assert.deepEqual(ofType(resources, "aws:ec2/vpc:Vpc"), [], "nothing is created");
        assert.deepEqual(ofType(resources, "aws:ec2/subnet:Subnet"), []);
        const tags = ofType(resources, "aws:ec2/tag:Tag").map((t) => [t.inputs.resourceId, t.inputs.key, t.inputs.value]);
        assert.deepEqual(tags, [
            ...privateSubnetIds.flatMap((id) => [
                [id, "karpenter.sh/discovery", "prod"],
                [id, "kubernetes.io/role/internal-elb", "1"],
            ]),
            [publicSubnetIds[0], "kubernetes.io/role/elb", "1"],
        ]);
        assert.ok(ofType(resources, "aws:ec2/tag:Tag").some((t) => t.name === "adopted-subnet-0aaaaaaaaaaaaaaa1-karpenter-sh-discovery"));

        assert.equal(await value(net.vpcId), vpcId);
        assert.deepEqual(await value(net.cidrBlocks), ["10.8.0.0/16", "100.64.0.0/16"]);
        assert.deepEqual(await value(net.endpointSubnetIds), ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb1"]);
        assert.deepEqual(await value(net.availabilityZones), ["eu-west-1a", "eu-west-1b"]);
        assert.deepEqual(await value(net.privateRouteTableIds), ["rtb-0a", "rtb-0main"]);
        assert.deepEqual(await value(net.privateSubnetIds), privateSubnetIds);
    });

    it("rejects a VPC whose DNS hostnames are off: the endpoints' private DNS would not resolve", async () => {
        world.vpcs[vpcId] = { ...world.vpcs[vpcId], enableDnsHostnames: false };
        await assert.rejects(
            run(() => new Network("nodns", { clusterName: "prod", existingVpc: { vpcId, privateSubnetIds } })),
            (e: Error) =>
                e.message.endsWith(
                    `Network.existingVpc.vpcId: "${vpcId}" is not valid; a VPC with DNS support and DNS hostnames enabled: the endpoints' private DNS names need both`,
                ),
        );
    });

    it("rejects private subnets of another VPC", async () => {
        world.subnets["subnet-0bbbbbbbbbbbbbbb1"] = { ...world.subnets["subnet-0bbbbbbbbbbbbbbb1"], vpcId: "vpc-0other000000000001" };
        await assert.rejects(
            run(() => new Network("stray", { clusterName: "prod", existingVpc: { vpcId, privateSubnetIds } })),
            /Network\.existingVpc\.privateSubnetIds: "subnet-0bbbbbbbbbbbbbbb1" is not valid; subnets of vpc-0a1b2c3d4e5f60789 \(this one is in vpc-0other000000000001\)$/,
        );
    });
});

describe("PrivateEndpoints", () => {
    /** A network, a cluster beside it that takes the same subnets, and the endpoints. */
    function privateCluster(name: string, endpoints: { interruptionHandling?: boolean; additionalEndpoints?: string[] } = {}) {
        const net = new Network(`${name}-net`, { clusterName: name, region: world.region, zoneCount: 2, publicSubnets: false });
        const cluster = new aws.eks.Cluster(`${name}-cluster`, {
            roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`,
            vpcConfig: { subnetIds: net.privateSubnetIds, endpointPrivateAccess: true, endpointPublicAccess: false },
        });
        const vpce = new PrivateEndpoints(`${name}-vpce`, {
            vpcId: net.vpcId,
            vpcCidrBlocks: net.cidrBlocks,
            subnetIds: net.endpointSubnetIds,
            routeTableIds: net.privateRouteTableIds,
            tags: { team: "platform" },
            ...endpoints,
        });
        return { net, cluster, vpce };
    }

    it("creates an interface endpoint per service, with private DNS, in the private subnets, behind an HTTPS-only security group", async () => {
        const { result, resources } = await run(() => privateCluster("prod"));
        const interfaces = ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");
        const services = ["ec2", "ecr.api", "ecr.dkr", "sts", "ssm", "eks", "sqs"];
        assert.deepEqual(await value(result.vpce.services), services);
        assert.deepEqual(interfaces.map((e) => e.inputs.serviceName).sort(), services.map((s) => `com.amazonaws.eu-west-1.${s}`).sort());
        for (const e of interfaces) {
            assert.equal(e.inputs.privateDnsEnabled, true, e.name);
            assert.equal(e.inputs.vpcId, "vpc-prod-net");
            assert.deepEqual(e.inputs.subnetIds, ["subnet-prod-net-private-0", "subnet-prod-net-private-1"]);
            assert.deepEqual(e.inputs.securityGroupIds, ["sg-prod-vpce"]);
            assert.equal(e.inputs.tags.team, "platform");
        }
        assert.deepEqual(interfaces.map((e) => e.name).slice(0, 3), ["prod-vpce-ec2", "prod-vpce-ecr-api", "prod-vpce-ecr-dkr"]);

        const [gateway] = ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Gateway");
        assert.equal(gateway.inputs.serviceName, "com.amazonaws.eu-west-1.s3");
        assert.deepEqual(gateway.inputs.routeTableIds, ["rtb-prod-net-private-0", "rtb-prod-net-private-1"]);

        const [sg] = ofType(resources, "aws:ec2/securityGroup:SecurityGroup");
        assert.equal(sg.inputs.vpcId, "vpc-prod-net");
        assert.deepEqual(sg.inputs.ingress, [
            {
                protocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrBlocks: ["10.0.0.0/16"],
                description: "HTTPS from the VPC to AWS service endpoints",
            },
        ]);
        assert.deepEqual(sg.inputs.egress, []);

        const ids = await value(result.vpce.interfaceEndpointIds);
        assert.equal(ids["ecr.dkr"], "vpce-prod-vpce-ecr-dkr");
        assert.equal(await value(result.vpce.s3GatewayEndpointId), "vpce-prod-vpce-s3");
    });

    it("depends on the network alone, so it is created alongside the cluster", async () => {
        const { resources } = await run(() => privateCluster("par"));
        const network = subtree(resources, component(resources, "eks-karpenter:index:Network")).map((r) => r.urn);
        const endpoints = subtree(resources, component(resources, "eks-karpenter:index:PrivateEndpoints"));
        const [cluster] = ofType(resources, "aws:eks/cluster:Cluster");
        assert.equal(endpoints.length, 1 + 1 + 7 + 1, "component, security group, 7 interface endpoints, S3 gateway");
        for (const r of endpoints) {
            assert.ok(!r.dependencies.includes(cluster.urn), `${r.name} does not wait for the cluster`);
            for (const d of r.dependencies)
                assert.ok(network.includes(d) || endpoints.some((e) => e.urn === d), `${r.name} depends on ${d}`);
        }
        const interfaces = endpoints.filter(
            (r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.inputs.vpcEndpointType === "Interface",
        );
        assert.ok(
            interfaces.every((e) => e.dependencies.some((d) => d.endsWith("::par-net-private-0"))),
            "endpoints wait for their subnets",
        );
    });

    it("leaves SQS out without interruption handling and adds named extras", async () => {
        const { resources } = await run(() =>
            privateCluster("lean", { interruptionHandling: false, additionalEndpoints: ["logs", "elasticloadbalancing"] }),
        );
        const services = ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) =>
            e.inputs.serviceName.split(".").slice(3).join("."),
        );
        assert.deepEqual(services.sort(), ["ec2", "ecr.api", "ecr.dkr", "sts", "ssm", "eks", "logs", "elasticloadbalancing", "s3"].sort());
    });

    it("names China's endpoints as AWS China does", async () => {
        world.region = "cn-north-1";
        world.partition = "aws-cn";
        world.dnsSuffix = "amazonaws.com.cn";
        world.zones = ["cn-north-1a", "cn-north-1b", "cn-north-1d"];
        const { resources } = await run(() => privateCluster("cn"));
        const names = ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.inputs.serviceName);
        assert.deepEqual(
            names.sort(),
            [
                "cn.com.amazonaws.cn-north-1.ec2",
                "cn.com.amazonaws.cn-north-1.ecr.api",
                "cn.com.amazonaws.cn-north-1.ecr.dkr",
                "cn.com.amazonaws.cn-north-1.sts",
                "com.amazonaws.cn-north-1.ssm",
                "cn.com.amazonaws.cn-north-1.eks",
                "cn.com.amazonaws.cn-north-1.sqs",
                "com.amazonaws.cn-north-1.s3",
            ].sort(),
        );
    });

    it("rejects an unknown endpoint before registering anything", async () => {
        const { resources } = await run(() =>
            assert.throws(
                () =>
                    new PrivateEndpoints("typo", {
                        vpcId: "vpc-1",
                        vpcCidrBlocks: ["10.0.0.0/16"],
                        subnetIds: [],
                        routeTableIds: [],
                        additionalEndpoints: ["cloudwatch"],
                    }),
                /PrivateEndpoints\.additionalEndpoints: "cloudwatch" is not valid; one of ec2, ecr\.api, ecr\.dkr, sts, ssm, eks, sqs, eks-auth, logs, monitoring/,
            ),
        );
        assert.deepEqual(
            resources.filter((r) => r.type !== "eks-karpenter:index:PrivateEndpoints"),
            [],
        );
    });
});

describe("PublicEcrPullThroughCache", () => {
    it("caches ECR Public under a prefix and lets the pullers import into it", async () => {
        const { result: cache, resources } = await run(
            () => new PublicEcrPullThroughCache("mirror", { pullerRoleNames: ["karpenter-fargate"], tags: { team: "platform" } }),
        );
        const [rule] = ofType(resources, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule");
        assert.deepEqual(rule.inputs, { ecrRepositoryPrefix: "ecr-public", upstreamRegistryUrl: "public.ecr.aws" });
        const [policy] = ofType(resources, "aws:iam/policy:Policy");
        assert.deepEqual(
            JSON.parse(policy.inputs.policy).Statement[0].Resource,
            `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/ecr-public/*`,
        );
        const [attachment] = ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.deepEqual(attachment.inputs, { role: "karpenter-fargate", policyArn: `arn:aws:iam::${ACCOUNT}:policy/mirror-1a2b3c` });
        assert.equal(
            await value(cache.karpenterImageRepository),
            `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/karpenter/controller`,
        );
    });

    it("leaves the rule to another stack when told to", async () => {
        const { resources } = await run(
            () => new PublicEcrPullThroughCache("second", { createRule: false, repositoryPrefix: "shared-cache" }),
        );
        assert.deepEqual(ofType(resources, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule"), []);
        assert.match(
            JSON.parse(ofType(resources, "aws:iam/policy:Policy")[0].inputs.policy).Statement[0].Resource,
            /repository\/shared-cache\/\*$/,
        );
    });
});
