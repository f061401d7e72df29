import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../infra/errors";
import { privateClusterImages } from "../../infra/guardrails/private-cluster";
import { DISK_AGENT } from "../../infra/model/observability";
import { checkGuardrails } from "../../offline/plan/guardrails";
import { DEFAULT_KARPENTER_VERSION, KARPENTER_VERSIONS, VERSIONS } from "../../infra/model/versions";

/** The Karpenter version a stack gets when its config names none. */
const PINNED = KARPENTER_VERSIONS[DEFAULT_KARPENTER_VERSION];
import { ACCOUNT_ID, EXISTING_VPC } from "../mocks";
import { PROD_GPU_NODES, Program, Registered, failure, runProgram, withPodSpec } from "../harness";

const DAEMON_SET = "kubernetes:apps/v1:DaemonSet";
/** What the rule private-cluster-images finds among a program's registered resources, as [resource name, message]. */
const imageViolations = (resources: Registered[]) =>
    checkGuardrails(resources)
        .filter((v) => v.rule === privateClusterImages.id)
        .map((v) => [v.resource.name, v.message]);

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
            assert.deepEqual(
                e.inputs.subnetIds,
                [0, 1, 2].map((n) => `subnet-prod-network-private-${n}`),
            );
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
        const rules = p
            .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .filter((r) => sgs.has(r.inputs.securityGroupId));
        const ingress =
            rules.length > 0
                ? rules.map((r) => r.inputs)
                : p.ofType("aws:ec2/securityGroup:SecurityGroup").flatMap((g) => g.inputs.ingress ?? []);
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

    test("the node-disk agent's image comes through the same cache, at the pinned tag, after the cache and the node role's import rights", () => {
        const rule = p.one("aws:ecr/pullThroughCacheRule:PullThroughCacheRule");
        const agent = p.one(DAEMON_SET, "prod-observability-disk-agent");
        const [, tag] = VERSIONS.cloudwatchAgentImage.split(/:(?=[^:]*$)/);
        assert.equal(
            agent.inputs.spec.template.spec.containers[0].image,
            `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/${rule.inputs.ecrRepositoryPrefix}/cloudwatch-agent/cloudwatch-agent:${tag}`,
        );
        assert.ok(p.dependsOn(agent, rule));
        for (const attachment of p
            .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.name.startsWith("prod-image-cache"))) {
            assert.ok(p.dependsOn(agent, attachment), attachment.name);
        }
    });

    test("the nodes' role, like the pod execution role, may import images into the cache (a pull-through cache's first pull)", () => {
        const policy = p.one("aws:iam/policy:Policy", "prod-image-cache");
        const prefix = p.one("aws:ecr/pullThroughCacheRule:PullThroughCacheRule").inputs.ecrRepositoryPrefix;
        assert.deepEqual(JSON.parse(policy.inputs.policy).Statement, [
            {
                Sid: "PullThroughCacheImport",
                Effect: "Allow",
                Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
                Resource: `arn:aws:ecr:eu-west-1:${ACCOUNT_ID}:repository/${prefix}/*`,
            },
        ]);
        const attached = p
            .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.inputs.policyArn === policy.outputs.arn)
            .map((a) => a.inputs.role);
        const nodeRole = p.one("aws:iam/role:Role", "prod-node-role").inputs.name;
        const executionRole = p.one("aws:eks/fargateProfile:FargateProfile").inputs.podExecutionRoleArn.split("/").pop();
        assert.deepEqual(attached.sort(), [executionRole, nodeRole].sort());
    });

    test("every image of every workload the program registers is reachable: the rule private-cluster-images finds nothing, GPU pool included", async () => {
        assert.ok(p.ofType(DAEMON_SET).length > 0 && p.ofType("kubernetes:helm.sh/v3:Release").length > 0);
        assert.deepEqual(imageViolations(p.resources), []);
        const gpu = await runProgram("prod", { nodes: PROD_GPU_NODES });
        assert.ok(gpu.ofType("kubernetes:helm.sh/v3:Release").some((r) => r.inputs.chart === "nvidia-device-plugin"));
        assert.deepEqual(imageViolations(gpu.resources), []);
    });

    test("negative control: the agent's image as main rendered it (ECR Public) is reported, on the DaemonSet alone", () => {
        const resources = p.resources.map((r) =>
            r.type === DAEMON_SET && r.inputs.metadata.name === DISK_AGENT.name
                ? withPodSpec(r, (spec) => ({ ...spec, containers: [{ ...spec.containers[0], image: VERSIONS.cloudwatchAgentImage }] }))
                : r,
        );
        const found = imageViolations(resources);
        assert.equal(found.length, 1);
        assert.equal(found[0][0], "prod-observability-disk-agent");
        assert.match(
            found[0][1],
            /^DaemonSet "amazon-cloudwatch\/node-disk-agent" runs in a private cluster \(Karpenter release "prod-karpenter" sets settings\.isolatedVPC\) but pulls spec\.template\.spec\.containers\[0\] \(cloudwatch-agent\) from public\.ecr\.aws\/cloudwatch-agent\/cloudwatch-agent:[^ ]+: public\.ecr\.aws is on the internet\. /,
        );
    });

    test("without the cache the disk agent is refused by its setting, before anything is registered; with it off, prod runs", async () => {
        const mirror = `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/mirror/karpenter/controller`;
        const e = await failure(runProgram("prod", { imageCache: { enabled: false }, karpenter: { imageRepository: mirror } }));
        assert.ok(e instanceof ConfigError);
        assert.match(
            e.message,
            /^eks-karpenter:observability\.nodeDisks\.enabled: true is not valid; false in a private cluster without the image cache \(eks-karpenter:imageCache\.enabled false\)/,
        );
        const without = await runProgram("prod", {
            imageCache: { enabled: false },
            karpenter: { imageRepository: mirror },
            observability: { alerts: { emailAddresses: ["platform-oncall@example.com"] }, nodeDisks: { enabled: false } },
        });
        assert.equal(without.ofType(DAEMON_SET).length, 0);
        assert.deepEqual(imageViolations(without.resources), []);
        // A mirrored controller keeps the cache for the agent: the controller from the mirror, the agent through the cache.
        const mirrored = await runProgram("prod", { karpenter: { imageRepository: mirror } });
        assert.equal(mirrored.one("kubernetes:helm.sh/v3:Release", "prod-karpenter").inputs.values.controller.image.repository, mirror);
        assert.match(
            mirrored.one(DAEMON_SET).inputs.spec.template.spec.containers[0].image,
            /\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ecr-public\/cloudwatch-agent\//,
        );
        assert.deepEqual(imageViolations(mirrored.resources), []);
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
        // Not private: the disk agent pulls from ECR Public itself, and the rule has nothing to say.
        assert.equal(p.one(DAEMON_SET).inputs.spec.template.spec.containers[0].image, VERSIONS.cloudwatchAgentImage);
        assert.deepEqual(imageViolations(p.resources), []);
        const asked = await runProgram("dev", { endpoints: { enabled: true, additionalEndpoints: ["logs"] } });
        const services = asked.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.inputs.serviceName);
        assert.ok(services.includes("com.amazonaws.eu-west-1.logs") && services.includes("com.amazonaws.eu-west-1.ecr.dkr"));
    });

    test("an existing VPC is adopted: its subnets get the discovery tag, nothing is created in it", async () => {
        const { cidrBlock: _, ...existingVpc } = EXISTING_VPC;
        const p = await runProgram("dev", { network: { existingVpc } });
        assert.equal(p.ofType("aws:ec2/vpc:Vpc").length, 0);
        assert.equal(p.ofType("aws:ec2/subnet:Subnet").length, 0);
        const discovery = p
            .ofType("aws:ec2/tag:Tag")
            .filter((t) => t.inputs.key === "karpenter.sh/discovery")
            .map((t) => t.inputs.resourceId);
        for (const id of EXISTING_VPC.privateSubnetIds) assert.ok(discovery.includes(id), id);
        assert.deepEqual(p.one("aws:eks/cluster:Cluster").inputs.vpcConfig.subnetIds, EXISTING_VPC.privateSubnetIds);
    });
});
