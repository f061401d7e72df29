/**
 * The mock engine (offline/engine.ts) leaves nothing behind: after a run, succeeded or failed, the
 * process's Pulumi runtime state (config, monitor, stack, root resource) and what the run borrows (the
 * unhandled-rejection listeners, the stack-trace limit) are as they were, and two runs with different
 * config and stacks each see only their own. Negative control: a run on the process's own runtime state,
 * as the tests ran them before, is caught leaving its config, monitor and stack behind.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../infra/errors";
import { REPO_ROOT, runEngine } from "../harness";
import { changes, runtimeState } from "./runtime-state";

/** A program that reads its config and stack and registers a component with a child. */
function probe(): { probe: string | undefined; stack: string; component: pulumi.ComponentResource } {
    const component = new pulumi.ComponentResource("eks-karpenter:index:Probe", "probe");
    new pulumi.ComponentResource("eks-karpenter:index:ProbeChild", "probe-child", {}, { parent: component });
    return { probe: new pulumi.Config("eks-karpenter").get("probe"), stack: pulumi.getStack(), component };
}

describe("the mock engine", () => {
    it("leaves the process's runtime state as it found it, after a run that succeeded and one that failed", async () => {
        const before = runtimeState();
        const run = await runEngine(probe, { stack: "leak", config: { "eks-karpenter:probe": "one" }, preview: true });
        assert.deepEqual([run.result.probe, run.result.stack], ["one", "leak"], "the run saw its config and stack");
        assert.deepEqual(changes(before, runtimeState()), []);

        const failed = runEngine(
            () => {
                probe();
                throw new ConfigError("eks-karpenter:probe", "two", "one");
            },
            { stack: "failed", config: { "eks-karpenter:probe": "two" } },
        );
        await assert.rejects(failed, /^ConfigError: eks-karpenter:probe: "two" is not valid; one$/);
        assert.deepEqual(changes(before, runtimeState()), []);
    });

    it("gives each run only its own config, stack and registrations", async () => {
        const first = await runEngine(probe, { stack: "first", config: { "eks-karpenter:probe": "one" } });
        const second = await runEngine(probe, { stack: "second" });
        assert.deepEqual([first.result.probe, first.result.stack], ["one", "first"]);
        assert.deepEqual([second.result.probe, second.result.stack], [undefined, "second"]);
        assert.deepEqual(
            second.resources.map((r) => r.urn),
            [
                "urn:pulumi:second::eks-karpenter::eks-karpenter:index:Probe::probe",
                "urn:pulumi:second::eks-karpenter::eks-karpenter:index:Probe$eks-karpenter:index:ProbeChild::probe-child",
            ],
        );
    });

    it("registers the program inside a root stack, as `pulumi up` does, with the engine's URNs", async () => {
        const { root, resources } = await runEngine(probe, { stack: "dev" });
        assert.equal(root.type, "pulumi:pulumi:Stack");
        assert.equal(root.urn, "urn:pulumi:dev::eks-karpenter::pulumi:pulumi:Stack::eks-karpenter-dev");
        assert.equal(root.parent, "");
        const [component, child] = resources;
        // A child of the root stack: the stack in its parent, not in its URN's type.
        assert.equal(component.parent, root.urn);
        assert.equal(component.urn, "urn:pulumi:dev::eks-karpenter::eks-karpenter:index:Probe::probe");
        assert.equal(child.parent, component.urn);
    });

    it("fails the run with a registration's failure (a check inside an apply), as `pulumi up` does", async () => {
        const run = runEngine(() => {
            const failing = pulumi.output("x").apply((x) => {
                throw new ConfigError("eks-karpenter:probe", x, "known before the apply");
            });
            new pulumi.ComponentResource("eks-karpenter:index:Probe", "probe", { failing });
        });
        await assert.rejects(
            run,
            /^ConfigError: error serializing property "failing": eks-karpenter:probe: "x" is not valid; known before the apply$/,
        );
    });

    it("negative control: a run on the process's own runtime state is caught leaving its config, monitor and stack behind", () => {
        const child = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "tests", "offline", "global-mocks-probe.ts")], {
            cwd: REPO_ROOT,
            encoding: "utf8",
        });
        assert.equal(child.status, 0, child.stderr);
        const leaked: string[] = JSON.parse(child.stdout.trim().split("\n").pop()!);
        const keys = leaked.map((l) => l.split(":")[0]);
        for (const key of ["config", "hasMonitor", "monitor", "stack", "project", "preview", "rootResource"])
            assert.ok(keys.includes(key), `${key} leaked: ${leaked.join("; ")}`);
        assert.ok(leaked.includes('config: {} -> {"eks-karpenter:probe":"one"}'), leaked.join("; "));
    });
});
