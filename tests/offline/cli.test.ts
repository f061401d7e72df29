import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import { EXIT, main } from "../../offline/plan";
import { REPO_ROOT } from "../harness";

/** `npm run -s plan -- <args>` as a child process: what a newcomer, CI or a tool runs (compiled first). */
async function planCommand(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    try {
        const { stdout, stderr } = await promisify(execFile)(npm, ["run", "--silent", "plan", "--", ...args], {
            cwd: REPO_ROOT,
            maxBuffer: 16 * 2 ** 20,
        });
        return { code: 0, stdout, stderr };
    } catch (e) {
        const failed = e as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
}

/** `main` in this process, with what it prints. */
async function planHere(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out = { stdout: "", stderr: "" };
    const code = await main(args, { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) });
    return { code, ...out };
}

describe("npm run plan", () => {
    test("npm run -s plan -- --json prints only the plan, as JSON, on stdout; progress on stderr", async () => {
        const r = await planCommand("--stack", "prod", "--json");
        assert.equal(r.code, EXIT.planned, r.stderr);
        const json = JSON.parse(r.stdout);
        assert.equal(json.stack, "prod");
        assert.equal(json.environment, "ProdStack");
        assert.equal(json.criticalPath.totalMinutes, 16.3);
        assert.equal(json.criticalPath.steps.at(-1).name, "prod-nodes-arm64");
        // The control plane's line moves with the date (standard or extended support); these do not.
        const lines = json.cost.lines.filter((l: { item: string }) => l.item !== "EKS control plane");
        assert.equal(
            lines.length,
            24,
            "KMS key, 10 interface endpoints, Karpenter's, the EBS CSI controller's and CoreDNS's Fargate pods (no always-on node), 9 alarms, the disk metrics",
        );
        assert.equal(Math.round(lines.reduce((sum: number, l: { monthly: number }) => sum + l.monthly, 0) * 100) / 100, 361.13);
        assert.deepEqual(json.violations, []);
        assert.deepEqual(json.warnings, []);
        assert.match(r.stderr, /plan: \d+ resources registered in [\d.]+ s/);
    });

    test("the text plan of dev, exit 0", async () => {
        const r = await planHere("--stack", "dev");
        assert.equal(r.code, EXIT.planned, r.stderr);
        assert.match(r.stdout, /^Plan of stack dev \(DevStack\) in eu-west-1: \d+ resources/);
        assert.match(r.stdout, /Critical path of a first `pulumi up`: ~16\.3 min/);
        assert.match(r.stdout, /\$ +35\.04 {2}NAT gateway \(dev-network-nat-0\)/);
        assert.match(r.stdout, /\$ +18\.02 {2}Fargate pods \(dev-addons-coredns\): 2 × 0\.25 vCPU \/ 0\.5 GB/);
        assert.match(r.stdout, /\nGuardrails: no violations\.\n/);
    });

    // The same path prints a ConfigError the program throws (a bad setting): it names the setting.
    test("an unknown stack or config file exits 2 and says what there is", async () => {
        const r = await planHere("--stack", "staging");
        assert.equal(r.code, EXIT.notPlanned);
        assert.match(r.stderr, /stack staging cannot be planned: stack: "staging" is not valid; one of dev, prod/);
        assert.equal(r.stdout, "");
        const missing = path.join(os.tmpdir(), "no-such-dir", "Pulumi.dev.yaml");
        const here = await planHere("--stack", "dev", "--config-file", missing);
        assert.equal(here.code, EXIT.notPlanned);
        assert.match(here.stderr, /--config-file: ".*no-such-dir\/Pulumi\.dev\.yaml" is not valid; no such file/);
    });

    test("a missing --stack is a usage error", async () => {
        const r = await planHere();
        assert.equal(r.code, EXIT.notPlanned);
        assert.match(r.stderr, /required option '-s, --stack <name>' not specified/);
    });

    describe("a stack whose program stops on its guardrails", () => {
        let dir: string;
        let configFile: string;
        before(() => {
            // Dev's config plus a Pod Identity association for the controller, which runs on Fargate.
            const config = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
            config.config["eks-karpenter:podIdentityAssociations"] = [
                { namespace: "karpenter", serviceAccount: "karpenter", roleArn: "arn:aws:iam::123456789012:role/some-role" },
            ];
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-guardrails-"));
            configFile = path.join(dir, "Pulumi.dev-guardrails.yaml");
            fs.writeFileSync(configFile, stringify(config));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        // Resources are named after the environment (dev), not the stack.
        test("exits 1 and prints the violation", async () => {
            const r = await planHere("--stack", "dev-guardrails", "--config-file", configFile);
            assert.equal(r.code, EXIT.violations, r.stderr);
            assert.match(r.stderr, /plan: the program stopped on 1 guardrail violation\(s\) in [\d.]+ s, before registering anything/);
            assert.match(
                r.stdout,
                /^Plan of stack dev-guardrails: not planned, the program stopped on its guardrails before registering anything\.\n\nGuardrails: 1 violation\(s\)\n {2}✗ \[no-pod-identity-on-fargate\] aws:eks\/podIdentityAssociation:PodIdentityAssociation dev-pod-identity-karpenter-karpenter: Pod Identity association for karpenter\/karpenter, whose pods run on Fargate\. Why: .* Fix: /,
            );
        });

        test("--json carries the violations", async () => {
            const r = await planHere("--stack", "dev-guardrails", "--config-file", configFile, "--json");
            assert.equal(r.code, EXIT.violations);
            const json = JSON.parse(r.stdout);
            assert.equal(json.stack, "dev-guardrails");
            assert.deepEqual(
                json.violations.map((v: { rule: string; resource: unknown }) => [v.rule, v.resource]),
                [
                    [
                        "no-pod-identity-on-fargate",
                        { type: "aws:eks/podIdentityAssociation:PodIdentityAssociation", name: "dev-pod-identity-karpenter-karpenter" },
                    ],
                ],
            );
            assert.match(json.violations[0].message, /Fix: Delete the association/);
        });
    });
});
