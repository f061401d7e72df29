import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { INSTANCE_TYPES } from "../../infra/model/instance-types";
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
        assert.deepEqual(Object.keys(PRICES.regions["us-east-1"].ec2Hour).sort(), Object.keys(INSTANCE_TYPES.types).sort());
        for (const prices of Object.values(PRICES.regions)) {
            for (const value of Object.values(prices)) {
                for (const price of typeof value === "number" ? [value] : Object.values(value as Record<string, number>))
                    assert.ok(price > 0);
            }
            // Every priced type has its facts (vCPU, memory), and us-east-1 prices every type the facts hold.
            for (const t of Object.keys(prices.ec2Hour)) assert.ok(INSTANCE_TYPES.types[t], t);
        }
        // Every price has a row saying where it is published and whether and how it was re-checked.
        const covered = PRICES.sources.flatMap((s) => s.prices).sort();
        assert.deepEqual(covered, Object.keys(PRICES.regions["us-east-1"]).sort());
        for (const s of PRICES.sources) assert.match(s.page, /^https:\/\/aws\.amazon\.com\//);
        // Each row says where its figures were found (an address and the date of that copy or of the reading);
        // a figure no copy confirms says "not found" and what was searched, never just "not re-checked".
        const cited = (checked: string) => /https:\/\/\S+ \((?:[^()]*\b\d{4}(?:-\d{2}){0,2}\b[^()]*)\)/.test(checked);
        for (const s of PRICES.sources) {
            assert.ok(cited(s.checked), `${s.prices.join(", ")}: ${s.checked}`);
            assert.doesNotMatch(s.checked, /not re-checked/);
            if (/not found/.test(s.checked)) assert.match(s.checked, /searched|quote one rate/);
        }
        // Negative controls: a row without a dated address, or an unconfirmed figure that hides the search, is refused.
        assert.equal(cited("not re-checked: the page could not be read from here"), false);
        assert.equal(cited("$1 in https://example.com/pricing"), false);
        assert.equal(cited("$1 in https://example.com/pricing (read 2026-12)"), true);
        // The published eu-west-1 Fargate rates (issue 18), not the 10 % higher ones the table once had.
        assert.equal(PRICES.regions["eu-west-1"].fargateVcpuHour, 0.04048);
        assert.equal(PRICES.regions["eu-west-1"].fargateGbHour, 0.004445);
        assert.match(PRICES.asOf, /^\d{4}-\d{2}$/);
        assert.match(EKS_STANDARD_SUPPORT_END.asOf, /^\d{4}-\d{2}$/);
    });

    test("the control plane costs the extended-support rate once its version leaves standard support", () => {
        const cluster = [
            resource("aws:eks/cluster:Cluster", "c", { inputs: { version: "1.33", upgradePolicy: { supportType: "EXTENDED" } } }),
        ];
        const before = estimate(cluster, "us-east-1", new Date("2026-07-29T12:00:00Z"));
        const after = estimate(cluster, "us-east-1", new Date("2026-07-30T00:00:00Z"));
        assert.equal(before.totalMonthly, 73);
        assert.match(before.lines[0].detail, /standard support until 2026-07-29/);
        assert.equal(after.totalMonthly, 438);
        assert.match(after.lines[0].detail, /extended support since 2026-07-29/);
        // With support type STANDARD, EKS upgrades the control plane instead: never the extended rate.
        const standard = [
            resource("aws:eks/cluster:Cluster", "c", { inputs: { version: "1.33", upgradePolicy: { supportType: "STANDARD" } } }),
        ];
        const upgraded = estimate(standard, "us-east-1", new Date("2026-07-30T00:00:00Z"));
        assert.equal(upgraded.totalMonthly, 73);
        assert.match(upgraded.lines[0].detail, /EKS upgrades the control plane/);
    });

    test("NAT gateways, public IPv4 and interface endpoints per AZ-hour; gateway endpoints are free", () => {
        const resources = [
            resource("aws:ec2/natGateway:NatGateway", "nat-a"),
            resource("aws:ec2/eip:Eip", "nat-a"),
            resource("aws:ec2/vpcEndpoint:VpcEndpoint", "sts", {
                inputs: { vpcEndpointType: "Interface", serviceName: "com.amazonaws.eu-west-1.sts", subnetIds: ["a", "b", "c"] },
            }),
            resource("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", {
                inputs: { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.eu-west-1.s3" },
            }),
        ];
        const e = estimate(resources, "eu-west-1", new Date("2026-03-01"));
        assert.deepEqual(
            e.lines.map((l) => [l.resource.name, l.monthly]),
            [
                ["nat-a", 35.04],
                ["nat-a", 3.65],
                ["sts", 24.09],
            ],
        );
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
        assert.deepEqual(
            onFargate.lines.map((l) => [l.item, l.monthly]),
            [["Fargate pods", 27.03]],
        );
        assert.match(onFargate.lines[0].detail, /^3 × 0\.25 vCPU \/ 0\.5 GB \(requests 100m CPU, 70Mi \+ 256 MB/);
        assert.deepEqual(onFargate.notes, []);
        // Without computeType the add-on's pods ask for EC2, and without a profile they land there: with no
        // NodePool to say which node, noted rather than priced.
        for (const resources of [[profile, coreDns({})], [coreDns({ computeType: "Fargate" })]]) {
            const onEc2 = estimate(resources, "us-east-1", new Date("2026-03-01"));
            assert.deepEqual(onEc2.lines, []);
            assert.match(
                onEc2.notes.join("\n"),
                /^EC2: 2 pods of coredns need an EC2 node, which no NodePool here lets the price table price/,
            );
        }
    });

    test("pods on EC2 keep the cheapest node the highest-weight pool allows up, with its EC2NodeClass's gp3 volumes", () => {
        const pool = (name: string, weight: number, families: string[]) =>
            resource("kubernetes:karpenter.sh/v1:NodePool", name, {
                inputs: {
                    metadata: { name },
                    spec: {
                        weight,
                        template: {
                            spec: {
                                nodeClassRef: { name: "default" },
                                requirements: [
                                    { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] },
                                    { key: "karpenter.k8s.aws/instance-family", operator: "In", values: families },
                                    { key: "karpenter.k8s.aws/instance-size", operator: "NotIn", values: ["nano", "micro", "small"] },
                                ],
                            },
                        },
                    },
                },
            });
        const volume = (deviceName: string, size: string, iops: number, throughput: number, rootVolume?: boolean) => ({
            deviceName,
            ...(rootVolume ? { rootVolume } : {}),
            ebs: { volumeType: "gp3", volumeSize: size, iops, throughput },
        });
        const nodeClass = (data: ReturnType<typeof volume>) =>
            resource("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "default", {
                inputs: {
                    metadata: { name: "default" },
                    spec: { blockDeviceMappings: [volume("/dev/xvda", "50Gi", 3000, 125, true), data] },
                },
            });
        const csi = resource("aws:eks/addon:Addon", "ebs-csi", { inputs: { addonName: "aws-ebs-csi-driver" } });
        const run = (data: ReturnType<typeof volume>, pools = [pool("low", 10, ["c6g"]), pool("high", 100, ["m7g", "c7g"])]) =>
            estimate([csi, ...pools, nodeClass(data)], "eu-west-1", new Date("2026-03-01"));
        const prod = run(volume("/dev/xvdb", "200Gi", 10000, 500));
        // The highest-weight pool decides: c7g.medium ($0.0388 in eu-west-1) is its cheapest, not the other pool's c6g.medium.
        assert.deepEqual(
            prod.lines.map((l) => [l.item, l.monthly]),
            [
                ["EC2 node, always on", 28.32],
                ["EBS gp3 root volume of that node", 4.4],
                // 200 × 0.088 + 7,000 × 0.0055 + 375 × 0.044
                ["EBS gp3 data volume of that node", 72.6],
            ],
        );
        assert.match(prod.lines[0].detail, /^1 × c7g\.medium, the cheapest type NodePool high \(the highest weight\) allows/);
        const bigger = run(volume("/dev/xvdb", "500Gi", 16000, 500));
        assert.equal(bigger.lines[2].monthly, 500 * 0.088 + 13000 * 0.0055 + 375 * 0.044);
        // Negative control: a pool that allows no priced type leaves the node as a note.
        const x86 = run(volume("/dev/xvdb", "200Gi", 10000, 500), [pool("x86", 100, ["m7i"])]);
        assert.deepEqual(x86.lines, []);
        assert.equal(x86.notes.length, 1);
    });

    test("a region without prices is said to be so, not guessed", () => {
        const e = baselineCost([], "eu-central-1", new Date());
        assert.ok("unavailable" in e && /no prices for eu-central-1/.test(e.unavailable));
    });
});
