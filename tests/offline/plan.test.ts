import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CostEstimate } from "../../offline/plan/cost";
import { Plan, buildPlan, renderText } from "../../offline/plan/report";
import { TreeNode } from "../../offline/plan/tree";
import { runProgram } from "../harness";

// In standard support for 1.33, so the figures below do not move with the calendar.
const DATE = new Date("2026-03-01T00:00:00Z");

async function planOf(stack: string): Promise<Plan> {
    const p = await runProgram(stack);
    return buildPlan({ stack, environment: p.stack.constructor.name, region: p.region, resources: p.resources }, { date: DATE, rules: [] });
}

function walk(nodes: readonly TreeNode[]): TreeNode[] {
    return nodes.flatMap((n) => [n, ...walk(n.children)]);
}

function costOf(plan: Plan): CostEstimate {
    if ("unavailable" in plan.cost) assert.fail(plan.cost.unavailable);
    return plan.cost;
}

for (const stack of ["dev", "prod"]) {
    describe(`the ${stack} plan`, () => {
        let plan: Plan;
        before(async () => {
            plan = await planOf(stack);
        });
        const node = (type: string, name?: string): TreeNode => {
            const found = walk(plan.tree).filter((n) => n.type === type && (name === undefined || n.name === name));
            assert.equal(found.length, 1, `one ${type} ${name ?? ""}`);
            return found[0];
        };

        test("the tree is the Environment with its components, and the settings a reviewer checks", () => {
            assert.equal(plan.tree.length, 1);
            assert.equal(plan.tree[0].type, "eks-karpenter:index:Environment");
            assert.deepEqual(plan.tree[0].children.filter((c) => c.children.length > 0).map((c) => c.type).sort(), [
                "eks-karpenter:cluster:Cluster",
                "eks-karpenter:karpenter:InterruptionQueue",
                "eks-karpenter:karpenter:Karpenter",
                "eks-karpenter:karpenter:KarpenterControllerRole",
                "eks-karpenter:karpenter:KarpenterFargateProfile",
                "eks-karpenter:karpenter:NodeRole",
            ]);
            const cluster = node("eks:index:Cluster").settings;
            assert.equal(cluster.version, "1.33");
            assert.equal(cluster.endpoint, stack === "prod" ? "private" : "public + private");
            assert.equal(cluster["secrets encryption"], stack === "prod" ? "KMS" : "none");
            assert.equal(cluster.protect, stack === "prod" ? true : undefined);
            assert.deepEqual(node("kubernetes:helm.sh/v3:Release", `${stack}-karpenter`).settings, {
                chart: "oci://public.ecr.aws/karpenter/karpenter",
                version: "1.9.0",
                namespace: "karpenter",
                replicas: 2,
                requests: { cpu: "1", memory: "1Gi" },
            });
            assert.equal(node("aws:sqs/queue:Queue").settings["retention (s)"], 300);
            assert.match(String(node("aws:iam/role:Role", `${stack}-controller-role`).settings.name), new RegExp(`^eks-karpenter-${stack}-karpenter-`));
        });

        test("the critical path runs from the cluster to the Karpenter release, with nothing it does not need", () => {
            const steps = plan.criticalPath.steps.map((s) => `${s.type} ${s.name}`);
            // Prod's cluster encrypts secrets with a key created just before it.
            const first = stack === "prod" ? ["aws:kms/key:Key prod-cluster-secrets"] : [];
            assert.deepEqual(steps, [
                ...first,
                `eks:index:Cluster ${stack}-cluster`,
                `aws:eks/fargateProfile:FargateProfile ${stack}-karpenter-fargate`,
                `kubernetes:helm.sh/v3:Release ${stack}-karpenter`,
            ]);
            assert.ok(plan.criticalPath.totalMinutes > 12 && plan.criticalPath.totalMinutes < 30, String(plan.criticalPath.totalMinutes));
            assert.deepEqual(plan.criticalPath.unneededWaits, []);
            assert.ok(plan.criticalPath.steps.every((s) => s.unneeded === undefined));
            assert.deepEqual(plan.warnings, []);
        });

        test("the baseline cost: control plane and the controller's Fargate pods, and the key in prod only", () => {
            const cost = costOf(plan);
            assert.equal(cost.region, "eu-west-1");
            assert.deepEqual(cost.lines.map((l) => [l.item, l.monthly]), [
                ...(stack === "prod" ? [["KMS key", 1]] : []),
                ["EKS control plane", 73],
                ["Fargate pods", 79.26],
            ]);
            assert.equal(cost.totalMonthly, stack === "prod" ? 153.26 : 152.26);
            assert.equal(cost.notes.some((n) => n.startsWith("CloudWatch Logs")), stack === "prod", "prod sends control-plane logs");
            assert.ok(cost.assumptions.some((a) => a.startsWith("730 hours a month")));
        });

        test("the text names every section", () => {
            const text = renderText(plan);
            for (const heading of ["Resources", "Critical path", "Baseline monthly cost", "Guardrails: no violations."]) {
                assert.ok(text.includes(heading), heading);
            }
        });
    });
}
