/**
 * `npm run plan -- --compare`: between two config files (a Karpenter bump, a pool setting, a budget), and
 * between a commit and this tree (a temporary worktree of HEAD, compiled and run with its own runner).
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { EXIT, main } from "../../offline/plan";
import type { Comparison } from "../../offline/plan/compare";
import { REPO_ROOT, runProgram } from "../harness";

const PROD = path.join(REPO_ROOT, "Pulumi.prod.yaml");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "compare-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Pulumi.prod.yaml with `change` applied to its config, written to a file of its own. */
function prodWith(name: string, change: (config: Record<string, any>) => void): string {
    const doc = parse(fs.readFileSync(PROD, "utf8"));
    change(doc.config);
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, stringify(doc));
    return file;
}

async function compareRun(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out = { stdout: "", stderr: "" };
    const code = await main(["--stack", "prod", ...args], { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) });
    return { code, ...out };
}

async function comparison(...args: string[]): Promise<Comparison> {
    const r = await compareRun(...args, "--json");
    assert.equal(r.code, EXIT.planned, r.stderr);
    return JSON.parse(r.stdout);
}

/** The NodePools of prod's own file: those a change that drifts every node rolls. */
const prodPools = async () =>
    (await runProgram("prod"))
        .ofType("kubernetes:karpenter.sh/v1:NodePool")
        .map((r) => r.inputs.metadata.name as string)
        .sort();

const bump = () => prodWith("karpenter-1.14", (c) => (c["eks-karpenter:karpenter"].version = "1.14"));

describe("--compare between two config files", () => {
    test("a Karpenter 1.9 → 1.14 bump: 1.14's added IAM statement and policy, CRDs and chart, every pool rolls, in order", async () => {
        const c = await comparison("--config-file", bump(), "--compare", PROD);
        const policy = (name: string) => c.iam.find((p) => p.resource === `aws:iam/policy:Policy prod-controller-role-${name}`);
        assert.deepEqual(policy("zonal-shift"), {
            resource: "aws:iam/policy:Policy prod-controller-role-zonal-shift",
            added: ["AllowZonalShiftStatusReadOnly"],
            removed: [],
            changed: [],
        });
        assert.deepEqual(policy("resource-discovery")?.changed, ["AllowRegionalReadActions"]);
        assert.deepEqual(policy("node-lifecycle")?.changed, ["AllowScopedEC2InstanceAccessActions"]);
        const actions = c.changed
            .find((r) => r.name === "prod-controller-role-resource-discovery")!
            .inputs.find((i) => i.path === "policy.Statement.AllowRegionalReadActions.Action")!;
        assert.deepEqual(
            (actions.after as string[]).filter((a) => !(actions.before as string[]).includes(a)),
            ["ec2:DescribeInstanceStatus", "ec2:DescribePlacementGroups"],
        );
        assert.ok(c.added.some((r) => r.name === "prod-interruption-capacity-reservation-interruption"));
        assert.deepEqual([c.karpenter?.before, c.karpenter?.after, c.karpenter?.downgrade], ["1.9.0", "1.14.1", false]);
        assert.deepEqual(c.karpenter?.reference?.crdsAdded, ["capacitybuffers.autoscaling.x-k8s.io"]);
        assert.ok(c.karpenter?.reference?.valuesAdded.includes("settings.enableZonalShift"));
        assert.deepEqual(
            c.karpenter?.notes.map((n) => n.since),
            ["1.10.0", "1.11.0", "1.12.0", "1.14.0"],
        );
        assert.deepEqual(
            c.rolls.map((r) => r.pool),
            await prodPools(),
        );
        assert.match(c.rolls[0].why.join(), /1\.12\.0: drift on the CA bundle/);
        assert.equal(c.rolls[0].pace, "at most 10% of its nodes at a time");
        assert.deepEqual(
            c.order.map((s) => s.step.split(" ")[0] + " " + s.step.split(" ")[1]),
            ["Karpenter's CRDs", "the controller,", "node classes"],
        );
        for (const s of c.order) assert.match(s.enforced, /^yes/, s.step);
        assert.deepEqual([c.removed, c.replaced], [[], []]);
    });

    test("the text names the added statement and the update's order", async () => {
        const r = await compareRun("--config-file", bump(), "--compare", PROD);
        assert.equal(r.code, EXIT.planned, r.stderr);
        assert.match(r.stdout, /aws:iam\/policy:Policy prod-controller-role-zonal-shift\n {4}\+ AllowZonalShiftStatusReadOnly/);
        assert.match(r.stdout, /Order of the update\n {2}1\. Karpenter's CRDs/);
        assert.match(r.stdout, /CRDs added: capacitybuffers\.autoscaling\.x-k8s\.io/);
    });

    test("going back from 1.14 to 1.9 is called a downgrade, and removes the statement", async () => {
        const c = await comparison("--config-file", PROD, "--compare", bump());
        assert.equal(c.karpenter?.downgrade, true);
        assert.ok(c.removed.some((r) => r.name === "prod-controller-role-zonal-shift"));
    });

    test("toggling a pool setting (spotPercent) rolls the pools it changes, at their budgets' pace, and no other", async () => {
        // With the GPU pool on both sides: a pool the split does not touch, which must not roll.
        const gpu = {
            gpu: true,
            devicePluginImage: { repository: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/nvidia/k8s-device-plugin", tag: "v0.20.0" },
        };
        const base = prodWith("gpu", (cfg) => Object.assign(cfg["eks-karpenter:nodes"], gpu));
        const spot = prodWith("gpu-spot-50", (cfg) => Object.assign(cfg["eks-karpenter:nodes"], gpu, { spotPercent: 50 }));
        const c = await comparison("--config-file", spot, "--compare", base);
        assert.deepEqual(
            c.rolls.map((r) => r.pool),
            ["amd64", "amd64-on-demand", "arm64", "arm64-on-demand"],
        );
        assert.ok(c.changed.every((r) => r.name !== "prod-nodes-gpu"));
        assert.deepEqual(
            c.rolls.map((r) => r.why),
            Array(4).fill(["its template or EC2NodeClass changed (drift hash)"]),
        );
        assert.ok(c.rolls.every((r) => r.pace === "at most 10% of its nodes at a time"));
        assert.equal(c.karpenter, undefined);
        assert.deepEqual(c.iam, []);
    });

    test("negative controls: the same file changes nothing; a budget change rolls no pool", async () => {
        const same = await comparison("--compare", PROD);
        assert.deepEqual(
            [same.added, same.removed, same.replaced, same.changed, same.iam, same.rolls, same.order],
            [[], [], [], [], [], [], []],
        );
        const budget = await comparison(
            "--config-file",
            prodWith("budget", (cfg) => (cfg["eks-karpenter:budget"].limitAmount = 6000)),
            "--compare",
            PROD,
        );
        assert.deepEqual(
            budget.changed.map((r) => [r.name, r.inputs.map((i) => i.path)]),
            [["prod-budget", ["limitAmount"]]],
        );
        assert.deepEqual(budget.rolls, []);
    });

    test("a Kubernetes minor upgrade: control plane, then add-ons, then every pool rolls onto the new version's AMI", async () => {
        const next = prodWith("k8s-1.36", (cfg) => {
            cfg["eks-karpenter:kubernetesVersion"] = "1.36";
            cfg["eks-karpenter:karpenter"].version = "1.14";
        });
        const c = await comparison("--config-file", next, "--compare", bump());
        assert.deepEqual(c.kubernetes, { before: "1.35", after: "1.36" });
        assert.match(c.order[0].step, /^control plane: Kubernetes 1\.35 → 1\.36/);
        assert.match(c.order[1].step, /^EKS add-ons, after the control plane/);
        assert.match(c.order[1].enforced, /^yes/);
        assert.deepEqual(
            c.rolls.map((r) => r.pool),
            await prodPools(),
        );
        assert.ok(c.rolls.every((r) => r.why.some((w) => /Kubernetes 1\.35 → 1\.36/.test(w))));
    });

    test("a baseline that is neither a file nor a git ref is refused, naming --compare", async () => {
        const r = await compareRun("--compare", "no-such-file-or-ref");
        assert.equal(r.code, EXIT.notPlanned);
        assert.match(r.stderr, /--compare: "no-such-file-or-ref" is not valid; a config file that exists or a git ref/);
    });
});

describe("--compare with a git ref", () => {
    test("HEAD in a temporary worktree (its own program, compiled) against this tree with Karpenter 1.14", async () => {
        // A temporary folder of this test's own: other runs on the machine make worktrees in the shared one.
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "compare-test-"));
        const saved = process.env.TMPDIR;
        process.env.TMPDIR = tmp;
        let r: Awaited<ReturnType<typeof compareRun>>;
        try {
            r = await compareRun("--config-file", bump(), "--compare", "HEAD", "--json");
        } finally {
            if (saved === undefined) delete process.env.TMPDIR;
            else process.env.TMPDIR = saved;
        }
        assert.equal(r.code, EXIT.planned, r.stderr);
        const c: Comparison = JSON.parse(r.stdout);
        assert.match(c.before, /^HEAD \([0-9a-f]{7,}\)$/);
        assert.deepEqual(c.iam.find((p) => p.resource.endsWith("prod-controller-role-zonal-shift"))?.added, [
            "AllowZonalShiftStatusReadOnly",
        ]);
        // Nothing left behind: the temporary worktree is removed.
        const left = fs.readdirSync(tmp);
        fs.rmSync(tmp, { recursive: true, force: true });
        assert.deepEqual(left, []);
    });
});
