import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_KARPENTER_VERSION, KARPENTER_VERSIONS, VERSIONS } from "../../infra/model/versions";

/** The Karpenter version a stack gets when its config names none. */
const PINNED = KARPENTER_VERSIONS[DEFAULT_KARPENTER_VERSION];
import { ACCOUNT_ID, EXISTING_VPC } from "../mocks";
import { Program, runProgram } from "../harness";

/** What Karpenter's private-cluster guide requires, plus what this library adds (see the README). */
const REQUIRED_INTERFACE_ENDPOINTS = ["ec2", "ecr.api", "ecr.dkr", "sts", "ssm", "eks", "sqs"];

describe("prod is a private cluster", () => {
    let p: Program;
    before(async () => {
        p = await runProgram("prod");
    });
    const interfaceEndpoints = () => p.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");

    test("no internet route: no public subnet, internet gateway or NAT gateway", () => {
        assert.equal(p.ofType("aws:ec2/internetGateway:InternetGateway").length, 0);
        assert.equal(p.ofType("aws:ec2/natGateway:NatGateway").length, 0);
        const subnets = p.ofType("aws:ec2/subnet:Subnet");
        assert.equal(subnets.length, 3);
        for (const s of subnets) assert.notEqual(s.inputs.mapPublicIpOnLaunch, true);
        for (const r of p.ofType("aws:ec2/route:Route")) assert.ok(!("gatewayId" in r.inputs) && !("natGatewayId" in r.inputs), r.name);
    });

    test("interface endpoints for every AWS API the nodes and Karpenter call, named for the region", () => {
        const services = interfaceEndpoints().map((e) => e.inputs.serviceName);
        for (const s of REQUIRED_INTERFACE_ENDPOINTS) assert.ok(services.includes(`com.amazonaws.eu-west-1.${s}`), s);
        for (const e of interfaceEndpoints()) {
            assert.equal(e.inputs.privateDnsEnabled, true, e.inputs.serviceName);
            assert.deepEqual(e.inputs.subnetIds, [0, 1, 2].map((n) => `subnet-prod-network-private-${n}`));
        }
    });

    test("an S3 gateway endpoint on the private route tables (ECR's image layers live in S3)", () => {
        const s3 = p.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Gateway");
        assert.equal(s3.length, 1);
        assert.equal(s3[0].inputs.serviceName, "com.amazonaws.eu-west-1.s3");
        const privateTables = p.ofType("aws:ec2/routeTable:RouteTable").map((r) => `rtb-${r.name}`);
        assert.deepEqual([...s3[0].inputs.routeTableIds].sort(), privateTables.sort());
    });

    test("the endpoints' security group admits HTTPS from the VPC only", () => {
        const sgs = new Set(interfaceEndpoints().flatMap((e) => e.inputs.securityGroupIds));
        assert.equal(sgs.size, 1);
        const rules = p.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => sgs.has(r.inputs.securityGroupId));
        const ingress = rules.length > 0 ? rules.map((r) => r.inputs) : p.ofType("aws:ec2/securityGroup:SecurityGroup").flatMap((g) => g.inputs.ingress ?? []);
        assert.ok(ingress.length > 0);
        for (const rule of ingress) {
            assert.equal(rule.fromPort, 443);
            assert.equal(rule.toPort, 443);
            assert.equal(rule.cidrIpv4 ?? rule.cidrBlocks?.[0], "10.20.0.0/16");
        }
    });

    test("nothing in the endpoints waits for the cluster: they are created beside it", () => {
        const cluster = p.one("aws:eks/cluster:Cluster");
        const endpoints = p.resources.filter((r) => r.name.startsWith("prod-endpoints"));
        assert.ok(endpoints.length >= 9);
        for (const e of endpoints) assert.ok(!p.dependsOn(e, cluster), `${e.name} does not wait for the cluster`);
    });

    test("the private subnets carry the discovery tag; the API endpoint is private", () => {
        for (const s of p.ofType("aws:ec2/subnet:Subnet")) assert.equal(s.inputs.tags["karpenter.sh/discovery"], "eks-karpenter-prod");
        assert.equal(p.one("aws:eks/cluster:Cluster").inputs.vpcConfig.endpointPublicAccess, false);
    });

    test("the controller image comes through the ECR pull-through cache, at the pinned tag and digest", () => {
        const rule = p.one("aws:ecr/pullThroughCacheRule:PullThroughCacheRule");
        assert.equal(rule.inputs.upstreamRegistryUrl, "public.ecr.aws");
        const image = p.one("kubernetes:helm.sh/v3:Release", "prod-karpenter").inputs.values.controller.image;
        assert.deepEqual(image, {
            repository: `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/${rule.inputs.ecrRepositoryPrefix}/karpenter/controller`,
            tag: PINNED.image.tag,
            digest: PINNED.image.digest,
        });
    });

    test("Karpenter runs isolated and waits for the endpoints and the cache", () => {
        const release = p.one("kubernetes:helm.sh/v3:Release", "prod-karpenter");
        assert.equal(release.inputs.values.settings.isolatedVPC, true);
        for (const e of interfaceEndpoints()) assert.ok(p.dependsOn(release, e), e.inputs.serviceName);
        assert.ok(p.dependsOn(release, p.one("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")));
    });
});

describe("dev stays public", () => {
    test("no interface endpoints, no cache, unless its config asks", async () => {
        const p = await runProgram("dev");
        assert.equal(p.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").length, 0);
        assert.equal(p.ofType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule").length, 0);
        assert.deepEqual(p.one("kubernetes:helm.sh/v3:Release", "dev-karpenter").inputs.values.controller.image, {
            repository: VERSIONS.karpenterImageRepository,
            tag: PINNED.image.tag,
            digest: PINNED.image.digest,
        });
        assert.equal(p.ofType("aws:ec2/natGateway:NatGateway").length, 1, "dev's single shared NAT gateway");
        const asked = await runProgram("dev", { endpoints: { enabled: true, additionalEndpoints: ["logs"] } });
        const services = asked.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.inputs.serviceName);
        assert.ok(services.includes("com.amazonaws.eu-west-1.logs") && services.includes("com.amazonaws.eu-west-1.ecr.dkr"));
    });

    test("an existing VPC is adopted: its subnets get the discovery tag, nothing is created in it", async () => {
        const { cidrBlock: _, ...existingVpc } = EXISTING_VPC;
        const p = await runProgram("dev", { network: { existingVpc } });
        assert.equal(p.ofType("aws:ec2/vpc:Vpc").length, 0);
        assert.equal(p.ofType("aws:ec2/subnet:Subnet").length, 0);
        const discovery = p.ofType("aws:ec2/tag:Tag").filter((t) => t.inputs.key === "karpenter.sh/discovery").map((t) => t.inputs.resourceId);
        for (const id of EXISTING_VPC.privateSubnetIds) assert.ok(discovery.includes(id), id);
        assert.deepEqual(p.one("aws:eks/cluster:Cluster").inputs.vpcConfig.subnetIds, EXISTING_VPC.privateSubnetIds);
    });
});
