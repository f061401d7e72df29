/**
 * A config change must not rename (and so delete) what holds the nodes up: a deleted NodePool takes all
 * its nodes at once, ignoring disruption budgets; a replaced Fargate profile, role or queue stops the
 * controller. Each toggle is run through the real program before and after, and every NodePool,
 * EC2NodeClass, Fargate profile, IAM role and queue of one run must be in the other under the same URN
 * with the same replace-triggering inputs, except the pools the toggle adds on purpose.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEV_NODES, PROD_NODES, Program, Registered, runProgram } from "../harness";

/** Prod's file without its Spot/On-Demand split. */
const { spotPercent: _split, ...PROD_WITHOUT_SPLIT } = PROD_NODES;

/** For each type whose replacement takes nodes or the controller down, the inputs whose change replaces it. */
const REPLACED_BY: Record<string, (inputs: Record<string, any>) => unknown> = {
    // A Kubernetes object is replaced when its identity changes.
    "kubernetes:karpenter.sh/v1:NodePool": (i) => [i.apiVersion, i.kind, i.metadata?.name],
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": (i) => [i.apiVersion, i.kind, i.metadata?.name],
    // terraform-provider-aws: every argument of a Fargate profile forces a new one.
    "aws:eks/fargateProfile:FargateProfile": (i) => [i.clusterName, i.fargateProfileName, i.podExecutionRoleArn, i.selectors, i.subnetIds],
    "aws:iam/role:Role": (i) => [i.name, i.path],
    "aws:sqs/queue:Queue": (i) => [i.name, i.fifoQueue],
};

function tracked(p: Program): Map<string, Registered> {
    return new Map(p.resources.filter((r) => r.type in REPLACED_BY).map((r) => [r.urn, r]));
}

/**
 * What changes between `before` and `after`: resources of a tracked type that only one run has (by URN),
 * and those whose replace-triggering inputs differ.
 */
function replacements(before: Program, after: Program) {
    const a = tracked(before);
    const b = tracked(after);
    const name = (r: Registered) => r.inputs.metadata?.name ?? r.inputs.name ?? r.inputs.fargateProfileName ?? r.name;
    return {
        removed: [...a.values()]
            .filter((r) => !b.has(r.urn))
            .map(name)
            .sort(),
        added: [...b.values()]
            .filter((r) => !a.has(r.urn))
            .map(name)
            .sort(),
        replaced: [...a.values()]
            .filter((r) => b.has(r.urn))
            .filter((r) => JSON.stringify(REPLACED_BY[r.type](r.inputs)) !== JSON.stringify(REPLACED_BY[r.type](b.get(r.urn)!.inputs)))
            .map(name)
            .sort(),
    };
}

/** Config toggles: the stack, the two configs, and the pools the second adds (nothing else may change). */
const TOGGLES: { title: string; stack: string; from: Record<string, unknown>; to: Record<string, unknown>; adds: string[] }[] = [
    {
        title: "dev: spotPercent turned on",
        stack: "dev",
        from: {},
        to: { nodes: { ...DEV_NODES, spotPercent: 70 } },
        adds: ["amd64-on-demand", "arm64-on-demand"],
    },
    {
        title: "prod: spotPercent turned off (the reverse: the On-Demand pools go, the base pools stay)",
        stack: "prod",
        from: {},
        to: { nodes: PROD_WITHOUT_SPLIT },
        adds: ["amd64-on-demand", "arm64-on-demand"],
    },
    {
        title: "dev: GPU pool turned on",
        stack: "dev",
        from: {},
        to: { nodes: { ...DEV_NODES, gpu: true } },
        adds: ["gpu"],
    },
    {
        title: "dev: a Windows class and pool added (the Windows node role with them; nothing else renamed or replaced)",
        stack: "dev",
        from: {},
        to: {
            nodes: {
                ...DEV_NODES,
                classes: [{ name: "windows", amiFamily: "Windows2022" }],
                pools: [
                    ...(DEV_NODES.pools as unknown[]),
                    {
                        name: "windows-team",
                        nodeClassName: "windows",
                        weight: 60,
                        architectures: ["amd64"],
                        capacityTypes: ["on-demand"],
                        limits: { cpu: "16", memory: "64Gi" },
                    },
                ],
            },
        },
        adds: ["eks-karpenter-dev-karpenter-windows-node-k3x9qz", "windows", "windows-team"],
    },
    {
        title: "dev: AMI family changed to Bottlerocket (drift, no rename)",
        stack: "dev",
        from: {},
        to: { nodes: { ...DEV_NODES, amiFamily: "Bottlerocket" } },
        adds: [],
    },
    {
        title: "prod: data volume and AMI version changed (drift, no rename)",
        stack: "prod",
        from: {},
        to: { nodes: { ...PROD_NODES, amiVersion: "v20260801", dataVolume: { sizeGiB: 400, iops: 12000, throughputMiBps: 600 } } },
        adds: [],
    },
];

describe("config changes keep every pool, class, Fargate profile, role and queue", () => {
    for (const t of TOGGLES) {
        test(t.title, async () => {
            const from = await runProgram(t.stack, t.from);
            const to = await runProgram(t.stack, t.to);
            // The "from" side of a reverse toggle is the one with more pools.
            const [smaller, larger] = t.title.includes("turned off") ? [to, from] : [from, to];
            assert.deepEqual(replacements(smaller, larger), { removed: [], added: t.adds, replaced: [] });
            assert.ok(tracked(smaller).size >= 8, "the comparison covers the stack's pools, classes, profiles, roles and queue");
        });
    }

    test("negative control: a change that renames things is reported", async () => {
        const a = await runProgram("dev");
        const b = await runProgram("dev", { clusterName: "eks-karpenter-other" });
        const r = replacements(a, b);
        assert.ok(r.replaced.length > 0, "the roles' names change with the cluster's name");
        assert.ok(
            r.replaced.some((n: string) => n.startsWith("eks-karpenter-dev-")),
            JSON.stringify(r),
        );
    });

    test("negative control: the pre-change names (arm64-spot) would have been reported as a deletion", async () => {
        const a = await runProgram("dev");
        const b = await runProgram("dev", { nodes: { ...DEV_NODES, spotPercent: 70 } });
        // Rename the split's Spot pools as they were named before: the comparison must see the base pools go.
        for (const r of b.resources) {
            if (r.type === "kubernetes:karpenter.sh/v1:NodePool" && ["arm64", "amd64"].includes(r.inputs.metadata.name)) {
                r.urn = `${r.urn}-spot`;
                r.inputs = { ...r.inputs, metadata: { name: `${r.inputs.metadata.name}-spot` } };
            }
        }
        assert.deepEqual(replacements(a, b).removed, ["amd64", "arm64"]);
    });
});
