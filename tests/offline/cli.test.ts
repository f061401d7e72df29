import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { EXIT, main } from "../../offline/plan";
import { GuardrailRule } from "../../offline/plan/guardrails";
import { REPO_ROOT } from "../harness";

/** `npm run plan -- <args>` as a child process: what a newcomer or a tool runs. */
async function plan(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", "offline/plan.ts", ...args], { cwd: REPO_ROOT });
        return { code: 0, stdout, stderr };
    } catch (e) {
        const failed = e as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
}

describe("npm run plan", () => {
    test("--json prints the plan as JSON, progress going to stderr", async () => {
        const r = await plan("--stack", "prod", "--json");
        assert.equal(r.code, EXIT.planned, r.stderr);
        const json = JSON.parse(r.stdout);
        assert.equal(json.stack, "prod");
        assert.equal(json.environment, "ProdStack");
        assert.equal(json.criticalPath.steps.at(-1).name, "prod-karpenter");
        assert.ok(json.cost.lines.some((l: { item: string }) => l.item === "KMS key"));
        assert.match(r.stderr, /plan: \d+ resources registered in [\d.]+ s/);
    });

    // The same path prints a ConfigError the program throws (a bad setting): it names the setting.
    test("an unknown stack exits non-zero and says which stacks there are", async () => {
        const r = await plan("--stack", "staging");
        assert.equal(r.code, EXIT.notPlanned);
        assert.match(r.stderr, /stack staging cannot be planned: stack: "staging" is not valid; one of dev, prod/);
        assert.equal(r.stdout, "");
    });

    test("a missing --stack is a usage error", async () => {
        const r = await plan();
        assert.equal(r.code, EXIT.notPlanned);
        assert.match(r.stderr, /required option '-s, --stack <name>' not specified/);
    });

    test("guardrail violations are listed and make the plan exit non-zero", async () => {
        const noPublicEndpoint: GuardrailRule = (resources) =>
            resources
                .filter((r) => r.type === "eks:index:Cluster" && r.inputs.endpointPublicAccess)
                .map((r) => ({ rule: "no-public-endpoint", message: "the API endpoint is public", resource: { type: r.type, name: r.name, urn: r.urn } }));
        const out: string[] = [];
        const io = { stdout: (t: string) => void out.push(t), stderr: () => undefined };
        assert.equal(await main(["--stack", "dev"], io, [noPublicEndpoint]), EXIT.violations);
        assert.match(out.join(""), /Guardrails: 1 violation\(s\)\n  ✗ \[no-public-endpoint\] eks:index:Cluster dev-cluster: the API endpoint is public/);
        assert.equal(await main(["--stack", "prod"], io, [noPublicEndpoint]), EXIT.planned);
    });
});
