import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NatGateways, NetworkArgs, oneSubnetPerZone, resolveNetworkArgs, subnetTags, vpcCidrBlocks } from "../../../infra/network/network";
import { checkZones, selectZones } from "../../../infra/network/zones";

const base: NetworkArgs = { clusterName: "prod" };
/** Resolves as in a stack whose `aws:region` is `region` (null: unset). */
const resolve = (args: Partial<NetworkArgs>, region: string | null = "eu-west-1") =>
    resolveNetworkArgs({ ...base, ...args }, region ?? undefined);

describe("resolveNetworkArgs: a created VPC", () => {
    it("defaults to 10.0.0.0/16 over three zones with public subnets and a NAT gateway per zone", () => {
        const { created, existing } = resolve({});
        assert.equal(existing, undefined);
        assert.deepEqual(created, {
            cidrBlock: "10.0.0.0/16",
            zoneCount: 3,
            availabilityZones: undefined,
            natGateways: NatGateways.PerZone,
            privateSubnetCidrs: ["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"],
            publicSubnetCidrs: ["10.0.192.0/20", "10.0.208.0/20", "10.0.224.0/20"],
        });
    });

    it("has no NAT gateway and no public subnet in a fully private VPC", () => {
        const { created } = resolve({ publicSubnets: false, zoneCount: 2 });
        assert.equal(created?.natGateways, NatGateways.None);
        assert.deepEqual(created?.publicSubnetCidrs, []);
        assert.deepEqual(created?.privateSubnetCidrs, ["10.0.0.0/18", "10.0.64.0/18"]);
    });

    it("takes the zone count from explicit zones", () => {
        assert.equal(resolve({ availabilityZones: ["eu-west-1b", "eu-west-1c"] }).created?.zoneCount, 2);
    });

    it("rejects a zone count outside 2–3", () => {
        for (const zoneCount of [1, 4, 2.5]) {
            assert.throws(() => resolve({ zoneCount }), {
                name: "ConfigError",
                message: `Network.zoneCount: ${zoneCount} is not valid; a whole number from 2 to 3`,
            });
        }
        assert.throws(
            () => resolve({ availabilityZones: ["eu-west-1a"] }),
            /Network\.availabilityZones: \["eu-west-1a"\] is not valid; from 2 to 3 zone names/,
        );
        assert.throws(
            () => resolve({ zoneCount: 3, availabilityZones: ["eu-west-1a", "eu-west-1b"] }),
            /Network\.zoneCount: 3 is not valid; unset, or the number of availabilityZones \(2\)/,
        );
    });

    it("rejects zone names outside the stack's region, malformed or repeated", () => {
        assert.throws(() => resolve({ availabilityZones: ["eu-west-1a", "us-east-1b"] }), {
            message:
                'Network.availabilityZones: "us-east-1b" is not valid; a zone of the stack\'s region eu-west-1: eu-west-1a, eu-west-1b, ...',
        });
        assert.throws(() => resolve({ availabilityZones: ["eu-west-1a", "eu-west-1-lim-1a"] }), /"eu-west-1-lim-1a" is not valid/);
        assert.throws(() => resolve({ availabilityZones: ["eu-west-1a", "eu-west-1a"] }), /distinct zones/);
        assert.throws(
            () => resolve({ availabilityZones: ["eu-west-1a", "euwest1b"] }, null),
            /"euwest1b" is not valid; a zone name such as eu-west-1a/,
        );
        assert.throws(() => resolve({ region: "Ireland" }), /Network\.region: "Ireland" is not valid; a region name such as eu-west-1/);
    });

    it("rejects malformed and overlapping CIDRs", () => {
        assert.throws(() => resolve({ cidrBlock: "10.0.0.0/33" }), /Network\.cidrBlock: "10\.0\.0\.0\/33" is not valid/);
        assert.throws(
            () => resolve({ cidrBlock: "10.0.0.0/24" }),
            /Network\.cidrBlock: "10\.0\.0\.0\/24" is not valid; an IPv4 CIDR from \/16 to \/22/,
        );
        assert.throws(
            () => resolve({ zoneCount: 2, privateSubnetCidrs: ["10.0.0.0/17", "10.0.64.0/18"] }),
            /Network\.privateSubnetCidrs: "10\.0\.64\.0\/18" is not valid; a range that overlaps no other subnet \(it overlaps 10\.0\.0\.0\/17\)/,
        );
        assert.throws(
            () => resolve({ zoneCount: 2, publicSubnetCidrs: ["10.0.192.0/20", "10.0.0.0/24"] }),
            /Network\.publicSubnetCidrs: "10\.0\.0\.0\/24" is not valid; a range that overlaps no other subnet \(it overlaps 10\.0\.0\.0\/18\)/,
        );
        assert.throws(() => resolve({ publicSubnets: false, publicSubnetCidrs: ["10.0.192.0/20"] }), /unset when publicSubnets is false/);
    });

    it("rejects NAT gateways without public subnets, and unknown NAT modes", () => {
        assert.throws(() => resolve({ publicSubnets: false, natGateways: NatGateways.Single }), {
            message: 'Network.natGateways: "Single" is not valid; None when publicSubnets is false: a NAT gateway lives in a public subnet',
        });
        assert.throws(() => resolve({ natGateways: "OnePerAz" as NatGateways }), /one of PerZone, Single, None/);
    });
});

describe("resolveNetworkArgs: an adopted VPC", () => {
    const existingVpc = { vpcId: "vpc-0a1b2c3d4e5f60789", privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb1"] };

    it("keeps the IDs and defaults to no public subnets", () => {
        assert.deepEqual(resolve({ existingVpc }).existing, { ...existingVpc, publicSubnetIds: [] });
    });

    it("refuses creation settings beside it", () => {
        assert.throws(() => resolve({ existingVpc, cidrBlock: "10.0.0.0/16" }), {
            message: 'Network.cidrBlock: "10.0.0.0/16" is not valid; unset with existingVpc: an adopted VPC keeps its own layout',
        });
        assert.throws(() => resolve({ existingVpc, natGateways: NatGateways.None }), /Network\.natGateways/);
    });

    it("rejects malformed IDs, too few subnets and a subnet listed twice", () => {
        assert.throws(
            () => resolve({ existingVpc: { ...existingVpc, vpcId: "vpc_123" } }),
            /Network\.existingVpc\.vpcId: "vpc_123" is not valid/,
        );
        assert.throws(
            () => resolve({ existingVpc: { ...existingVpc, privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] } }),
            /Network\.existingVpc\.privateSubnetIds: \["subnet-0aaaaaaaaaaaaaaa1"\] is not valid; at least two subnets/,
        );
        assert.throws(
            () => resolve({ existingVpc: { ...existingVpc, privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "sg-0123456789"] } }),
            /Network\.existingVpc\.privateSubnetIds: "sg-0123456789" is not valid/,
        );
        assert.throws(
            () => resolve({ existingVpc: { ...existingVpc, publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] } }),
            /Network\.existingVpc\.publicSubnetIds: "subnet-0aaaaaaaaaaaaaaa1" is not valid; subnets not also listed as private/,
        );
    });

    it("picks one subnet per zone for the endpoints and needs two zones", () => {
        const vpcId = existingVpc.vpcId;
        const s = (id: string, availabilityZone: string, inVpc = vpcId) => ({ id, availabilityZone, vpcId: inVpc });
        assert.deepEqual(
            oneSubnetPerZone(vpcId, [s("subnet-a1", "eu-west-1a"), s("subnet-a2", "eu-west-1a"), s("subnet-b1", "eu-west-1b")]),
            {
                subnetIds: ["subnet-a1", "subnet-b1"],
                zones: ["eu-west-1a", "eu-west-1b"],
            },
        );
        assert.throws(
            () => oneSubnetPerZone(vpcId, [s("subnet-a1", "eu-west-1a"), s("subnet-a2", "eu-west-1a")]),
            /subnets in two zones or more \(all are in eu-west-1a\)/,
        );
        assert.throws(
            () => oneSubnetPerZone(vpcId, [s("subnet-a1", "eu-west-1a"), s("subnet-b1", "eu-west-1b", "vpc-other")]),
            /Network\.existingVpc\.privateSubnetIds: "subnet-b1" is not valid; subnets of vpc-0a1b2c3d4e5f60789 \(this one is in vpc-other\)/,
        );
    });

    it("admits the VPC's secondary ranges", () => {
        const cidrBlockAssociations = [
            { associationId: "a1", cidrBlock: "10.0.0.0/16", state: "associated" },
            { associationId: "a2", cidrBlock: "100.64.0.0/16", state: "associated" },
            { associationId: "a3", cidrBlock: "100.65.0.0/16", state: "disassociated" },
        ];
        assert.deepEqual(vpcCidrBlocks({ cidrBlock: "10.0.0.0/16", cidrBlockAssociations }), ["10.0.0.0/16", "100.64.0.0/16"]);
    });
});

describe("zones and tags", () => {
    it("selects the region's first zones, or checks the named ones against the region's list", () => {
        const offered = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
        assert.deepEqual(selectZones(offered, 2, undefined), ["eu-west-1a", "eu-west-1b"]);
        assert.deepEqual(selectZones(offered, 2, ["eu-west-1c", "eu-west-1a"]), ["eu-west-1c", "eu-west-1a"]);
        assert.throws(() => selectZones(offered, 2, ["eu-west-1a", "eu-west-1d"]), {
            message: 'Network.availabilityZones: "eu-west-1d" is not valid; a zone the region offers: eu-west-1a, eu-west-1b, eu-west-1c',
        });
    });

    it("rejects more zones than the region offers", () => {
        assert.equal(checkZones("us-west-1", 3, undefined), 3);
        assert.throws(() => selectZones(["us-west-1a", "us-west-1c"], 3, undefined), {
            message: "Network.zoneCount: 3 is not valid; at most 2: the region offers this account 2 zone(s) (us-west-1a, us-west-1c)",
        });
    });

    it("tags private subnets for Karpenter and internal load balancers, public ones for internet-facing ones", () => {
        assert.deepEqual(subnetTags("private", "prod"), { "karpenter.sh/discovery": "prod", "kubernetes.io/role/internal-elb": "1" });
        assert.deepEqual(subnetTags("public", "prod"), { "kubernetes.io/role/elb": "1" });
    });
});
