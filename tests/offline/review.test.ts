/**
 * What a reviewer must see: each setting that decides behaviour or money shows in the plan, so changing it
 * in Pulumi.prod.yaml changes the plan (text and --json) where a reviewer looks.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { planOf } from "../../offline/plan";
import { Plan, renderText } from "../../offline/plan/report";
import { TreeNode } from "../../offline/plan/tree";
import { PROD_GPU_NODES, runProgram } from "../harness";

const DATE = new Date("2026-03-01T00:00:00Z");

async function planWith(overrides: Record<string, unknown> = {}): Promise<Plan> {
    return planOf("prod", await runProgram("prod", overrides), DATE);
}

function setting(plan: Plan, name: string, label: string): unknown {
    const walk = (nodes: TreeNode[]): TreeNode[] => nodes.flatMap((n) => [n, ...walk(n.children)]);
    const found = walk(plan.tree).filter((n) => n.name === name && n.settings[label] !== undefined);
    assert.equal(found.length, 1, `${name} shows ${label}`);
    return found[0].settings[label];
}

const line = (plan: Plan, item: string) => ("lines" in plan.cost ? plan.cost.lines.find((l) => l.item === item) : undefined);

/** Each change, and what the reviewer sees of it: the value at one place of the plan, before and after. */
const CHANGES: [string, Record<string, unknown>, (p: Plan) => unknown, unknown, unknown][] = [
    [
        "nodes.spotPercent 70 → 30 (the spread label)",
        { nodes: { spotPercent: 30, dataVolume: { sizeGiB: 200, iops: 10000, throughputMiBps: 500 } } },
        (p) => setting(p, "prod-nodes-arm64", "spread label"),
        ["1", "2", "3", "4", "5", "6", "7"],
        ["1", "2", "3"],
    ],
    [
        "nodes.dataVolume 200 GiB / 10,000 IOPS → 500 GiB / 16,000 IOPS",
        { nodes: { spotPercent: 70, dataVolume: { sizeGiB: 500, iops: 16000, throughputMiBps: 500 } } },
        (p) => (setting(p, "prod-nodes-default", "volumes") as string[])[1],
        "/dev/xvdb 200Gi gp3 10000 IOPS 500 MiB/s encrypted",
        "/dev/xvdb 500Gi gp3 16000 IOPS 500 MiB/s encrypted",
    ],
    // Prod keeps no EC2 node while no workload runs (the EBS CSI controller and CoreDNS are on Fargate): CoreDNS on
    // Karpenter's nodes brings one, billed with the data volume its EC2NodeClass gives.
    [
        "the always-on node's data volume bill follows",
        {
            addons: { coreDns: { placement: "karpenter", replicas: 3 } },
            nodes: { spotPercent: 70, dataVolume: { sizeGiB: 500, iops: 16000, throughputMiBps: 500 } },
        },
        (p) => line(p, "EBS gp3 data volume of that node")?.monthly,
        undefined,
        132,
    ], // 500 × 0.088 + 13,000 × 0.0055 + 375 × 0.044
    [
        "nodes.gpu (a pool's requirements and disruption)",
        { nodes: PROD_GPU_NODES },
        (p) =>
            p.tree[0].children
                .find((c) => c.name === "prod-nodes")!
                .children.map((c) => c.name)
                .includes("prod-nodes-gpu"),
        false,
        true,
    ],
    [
        "karpenter.replicas (Helm values off the chart's defaults)",
        { karpenter: { spotToSpotConsolidation: false, replicas: 3, requests: { cpu: "1", memory: "1Gi" } } },
        (p) => setting(p, "prod-karpenter", "replicas"),
        2,
        3,
    ],
    [
        "karpenter.logLevel (Helm values off the chart's defaults)",
        { karpenter: { spotToSpotConsolidation: false, replicas: 2, logLevel: "debug", requests: { cpu: "1", memory: "1Gi" } } },
        (p) => (setting(p, "prod-karpenter", "values off the chart's defaults") as Record<string, unknown>).logLevel,
        undefined,
        "debug",
    ],
    [
        "tags",
        { tags: { team: "platform", "cost-center": "eng-prod-2" } },
        (p) => (setting(p, "prod-budget", "tags") as Record<string, string>)["cost-center"],
        "eng-prod",
        "eng-prod-2",
    ],
    [
        "budget subscribers and thresholds",
        { budget: { limitAmount: 5000, emailAddresses: ["oncall@example.com"], notifications: [{ threshold: 90, type: "ACTUAL" }] } },
        (p) => (setting(p, "prod-budget", "notifications") as string[]).join(" | "),
        "ACTUAL > 50 % → platform-team@example.com, finops@example.com, arn:aws:sns:eu-west-1:123456789012:prod-cost-alerts | " +
            "ACTUAL > 80 % → platform-team@example.com, finops@example.com, arn:aws:sns:eu-west-1:123456789012:prod-cost-alerts | " +
            "ACTUAL > 100 % → platform-team@example.com, finops@example.com, arn:aws:sns:eu-west-1:123456789012:prod-cost-alerts | " +
            "FORECASTED > 100 % → platform-team@example.com, finops@example.com, arn:aws:sns:eu-west-1:123456789012:prod-cost-alerts",
        // A budget that names no topic of its own notifies the environment's alerts topic.
        "ACTUAL > 90 % → oncall@example.com, arn:aws:sns:eu-west-1:123456789012:eks-karpenter-prod-alerts",
    ],
    [
        "namespace quotas",
        {
            addons: {
                coreDns: { placement: "fargate", replicas: 3 },
                namespaces: [{ name: "payments", quota: { cpu: "8", memory: "16Gi", pods: 50 } }],
            },
        },
        (p) => (setting(p, "prod-namespaces-payments", "hard") as Record<string, string>)["requests.cpu"],
        "64",
        "8",
    ],
    [
        "network.cidrBlock (security-group rules)",
        { network: { cidrBlock: "10.30.0.0/16", zoneCount: 3 } },
        (p) => setting(p, "prod-endpoints", "rules"),
        ["in tcp 443 from 10.20.0.0/16"],
        ["in tcp 443 from 10.30.0.0/16"],
    ],
    [
        "clusterName (IAM statements and stack outputs)",
        { clusterName: "eks-karpenter-prod-eu" },
        (p) => p.outputs.clusterName,
        "eks-karpenter-prod",
        "eks-karpenter-prod-eu",
    ],
    [
        "clusterName reaches the controller's IAM statements",
        { clusterName: "eks-karpenter-prod-eu" },
        (p) =>
            (setting(p, "prod-controller-role-eks-integration", "statements") as string[]).some((s) =>
                s.includes("cluster/eks-karpenter-prod-eu"),
            ),
        false,
        true,
    ],
];

describe("the plan shows what a reviewer must see", () => {
    let base: Plan;
    before(async () => {
        base = await planWith();
    });

    test("every listed setting is in the prod plan", () => {
        assert.match(
            String(setting(base, "prod-nodes-arm64", "disruption")),
            /^WhenEmptyOrUnderutilized, after 5m, budgets 10%; 0 for Underutilized at "0 8 \* \* mon-fri" for 10h, expireAfter 720h$/,
        );
        assert.deepEqual(setting(base, "prod-nodes-arm64", "architectures"), ["arm64"]);
        assert.deepEqual(setting(base, "prod-nodes-arm64", "capacity types"), ["spot"]);
        assert.ok(
            (setting(base, "prod-nodes-arm64", "requirements") as string[]).includes(
                "karpenter.k8s.aws/instance-size NotIn nano,micro,small,metal,metal-24xl,metal-48xl",
            ),
        );
        assert.equal(setting(base, "prod-nodes-default", "IMDS"), "tokens required, hop limit 1, endpoint enabled, IPv6 disabled");
        assert.match(
            (setting(base, "prod-nodes-default", "user data") as string[])[0],
            /^text\/x-shellscript, \d+ lines: Puts containerd's state/,
        );
        const values = setting(base, "prod-karpenter", "values off the chart's defaults") as Record<string, unknown>;
        assert.match(
            String(values["controller.image.repository"]),
            /\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ecr-public\/karpenter\/controller$/,
            "the image from the pull-through cache",
        );
        assert.equal(values["logLevel"], undefined, "a value equal to the chart's default is left out");
        assert.ok(
            (setting(base, "prod-controller-role-interruption", "statements") as string[])[0].startsWith(
                "AllowInterruptionQueueActions: Allow sqs:DeleteMessage,sqs:GetQueueUrl,sqs:ReceiveMessage on arn:aws:sqs:",
            ),
        );
        assert.equal(base.outputs.kubeconfig, "[secret]");
        const text = renderText(base);
        for (const seen of [
            "spread label: 1, 2, 3, 4, 5, 6, 7",
            "IMDS: tokens required",
            "notifications: ACTUAL > 50 %",
            "\nStack outputs\n  clusterName: eks-karpenter-prod",
        ])
            assert.ok(text.includes(seen), seen);
    });

    test("the same config plans the same (negative control: a difference below comes from the change)", async () => {
        assert.deepEqual(await planWith(), base);
    });

    for (const [what, overrides, view, before, after] of CHANGES) {
        test(`changing ${what} changes the plan, text and JSON`, async () => {
            const changed = await planWith(overrides);
            assert.deepEqual(view(base), before);
            assert.deepEqual(view(changed), after);
            assert.notEqual(JSON.stringify(changed), JSON.stringify(base));
            assert.notEqual(renderText(changed), renderText(base));
        });
    }
});
