import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { baselineCost, CostEstimate } from "../../offline/plan/cost";
import { EKS_STANDARD_SUPPORT_END, PRICES, fargateSize } from "../../offline/plan/prices";
import { resource } from "./fixtures";

function estimate(...args: Parameters<typeof baselineCost>): CostEstimate {
    const e = baselineCost(...args);
    if ("unavailable" in e) assert.fail(e.unavailable);
    return e;
}

describe("fargateSize", () => {
    test("adds Fargate's 256 MB to the requests and rounds up to a Fargate size", () => {
        assert.deepEqual(fargateSize(1, 1), { vcpu: 1, memoryGb: 2 });
        assert.deepEqual(fargateSize(0.25, 0.25), { vcpu: 0.25, memoryGb: 0.5 });
        assert.deepEqual(fargateSize(0.25, 0.5), { vcpu: 0.25, memoryGb: 1 });
        assert.deepEqual(fargateSize(2, 8), { vcpu: 2, memoryGb: 9 });
        assert.deepEqual(fargateSize(0.5, 4), { vcpu: 1, memoryGb: 5 }, "4 GB + 256 MB is more than 0.5 vCPU allows");
        assert.deepEqual(fargateSize(8, 20), { vcpu: 8, memoryGb: 24 });
        assert.throws(() => fargateSize(32, 1), /no Fargate size/);
    });
});

describe("baselineCost", () => {
    test("every region in the table has every price, and the tables say when they were taken", () => {
        assert.deepEqual(Object.keys(PRICES.regions).sort(), ["ap-southeast-1", "eu-west-1", "us-east-1"]);
        for (const prices of Object.values(PRICES.regions)) {
            for (const value of Object.values(prices)) assert.ok(value > 0);
        }
        assert.match(PRICES.asOf, /^\d{4}-\d{2}$/);
        assert.match(EKS_STANDARD_SUPPORT_END.asOf, /^\d{4}-\d{2}$/);
    });

    test("the control plane costs the extended-support rate once its version leaves standard support", () => {
        const cluster = [resource("aws:eks/cluster:Cluster", "c", { inputs: { version: "1.33", upgradePolicy: { supportType: "EXTENDED" } } })];
        const before = estimate(cluster, "us-east-1", new Date("2026-07-29T12:00:00Z"));
        const after = estimate(cluster, "us-east-1", new Date("2026-07-30T00:00:00Z"));
        assert.equal(before.totalMonthly, 73);
        assert.match(before.lines[0].detail, /standard support until 2026-07-29/);
        assert.equal(after.totalMonthly, 438);
        assert.match(after.lines[0].detail, /extended support since 2026-07-29/);
        // With support type STANDARD, EKS upgrades the control plane instead: never the extended rate.
        const standard = [resource("aws:eks/cluster:Cluster", "c", { inputs: { version: "1.33", upgradePolicy: { supportType: "STANDARD" } } })];
        const upgraded = estimate(standard, "us-east-1", new Date("2026-07-30T00:00:00Z"));
        assert.equal(upgraded.totalMonthly, 73);
        assert.match(upgraded.lines[0].detail, /EKS upgrades the control plane/);
    });

    test("NAT gateways, public IPv4 and interface endpoints per AZ-hour; gateway endpoints are free", () => {
        const resources = [
            resource("aws:ec2/natGateway:NatGateway", "nat-a"),
            resource("aws:ec2/eip:Eip", "nat-a"),
            resource("aws:ec2/vpcEndpoint:VpcEndpoint", "sts", { inputs: { vpcEndpointType: "Interface", serviceName: "com.amazonaws.eu-west-1.sts", subnetIds: ["a", "b", "c"] } }),
            resource("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { inputs: { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.eu-west-1.s3" } }),
        ];
        const e = estimate(resources, "eu-west-1", new Date("2026-03-01"));
        assert.deepEqual(e.lines.map((l) => [l.resource.name, l.monthly]), [["nat-a", 35.04], ["nat-a", 3.65], ["sts", 24.09]]);
        assert.equal(e.totalMonthly, 62.78);
    });

    test("CoreDNS's pods cost Fargate only where a profile selects them and the add-on lets them run there", () => {
        const profile = resource("aws:eks/fargateProfile:FargateProfile", "coredns", {
            inputs: { selectors: [{ namespace: "kube-system", labels: { "k8s-app": "kube-dns" } }] },
        });
        const coreDns = (config: Record<string, unknown>) =>
            resource("aws:eks/addon:Addon", "coredns", { inputs: { addonName: "coredns", configurationValues: JSON.stringify(config) } });
        const onFargate = estimate([profile, coreDns({ replicaCount: 3, computeType: "Fargate" })], "us-east-1", new Date("2026-03-01"));
        // 100m / 70Mi + 256 MB: 0.25 vCPU / 0.5 GB at $0.04048 and $0.004445, 3 pods × 730 h.
        assert.deepEqual(onFargate.lines.map((l) => [l.item, l.monthly]), [["Fargate pods", 27.03]]);
        assert.match(onFargate.lines[0].detail, /^3 × 0\.25 vCPU \/ 0\.5 GB \(requests 100m CPU, 70Mi \+ 256 MB/);
        assert.deepEqual(onFargate.notes, []);
        // Without computeType the add-on's pods ask for EC2, and without a profile they land there: a node, noted rather than priced.
        for (const resources of [[profile, coreDns({})], [coreDns({ computeType: "Fargate" })]]) {
            const onEc2 = estimate(resources, "us-east-1", new Date("2026-03-01"));
            assert.deepEqual(onEc2.lines, []);
            assert.deepEqual(onEc2.notes, [
                "EC2: the 2 pods of coredns need an EC2 node, so at least one runs before any workload; its price depends on the instance type chosen (by Karpenter, for this library's nodes) and is not in the total.",
            ]);
        }
    });

    test("a region without prices is said to be so, not guessed", () => {
        const e = baselineCost([], "eu-central-1", new Date());
        assert.ok("unavailable" in e && /no prices for eu-central-1/.test(e.unavailable));
    });
});
