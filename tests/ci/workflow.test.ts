/**
 * The CI workflow, parsed: pull requests run their own code, so what they can reach must be read-only.
 * Every action is pinned by commit, no checkout leaves its token in .git/config or fetches a second
 * repository (the tests' upstream data is in reference/), PR code installs without
 * scripts, preview jobs see only their environment's read-only secrets, and only the deploy jobs, in the
 * approved environments, see the deploy token and roles.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { REPO_ROOT } from "../harness";

const FILE = path.join(REPO_ROOT, ".github/workflows/pulumi.yml");
const DEPLOY_SECRETS = ["PULUMI_DEPLOY_TOKEN", "AWS_DEPLOY_ROLE_ARN", "PULUMI_ACCESS_TOKEN"];

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
}
interface Job {
    if?: string;
    environment?: string | { name: string };
    steps: Step[];
}
interface Workflow {
    on: Record<string, unknown>;
    jobs: Record<string, Job>;
}

/** Every problem of a workflow (text and parsed), each naming the job and step. */
function violations(text: string): string[] {
    const wf = parse(text) as Workflow;
    const found: string[] = [];
    // Pins: `uses: owner/repo@<40 hex> # vX.Y.Z`, checked on the text so the tag comment is seen too.
    for (const line of text.split("\n").filter((l) => /^\s*-?\s*uses:/.test(l))) {
        if (!/uses:\s*[\w.-]+\/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+)*\s*$/.test(line))
            found.push(`not pinned by SHA with its tag: ${line.trim()}`);
    }
    for (const [name, job] of Object.entries(wf.jobs)) {
        const environment = typeof job.environment === "string" ? job.environment : job.environment?.name;
        const body = JSON.stringify(job);
        job.steps.forEach((step, i) => {
            if (step.uses?.startsWith("actions/checkout@") && step.with?.["persist-credentials"] !== false) {
                found.push(`${name} step ${i}: checkout without persist-credentials: false`);
            }
            // The tests read their upstream data from reference/: no job needs a second repository.
            if (step.uses?.startsWith("actions/checkout@") && step.with?.repository !== undefined) {
                found.push(`${name} step ${i}: checks out another repository (${step.with.repository})`);
            }
            if (/\bnpm (ci|install)\b/.test(step.run ?? "") && !/--ignore-scripts/.test(step.run!))
                found.push(`${name} step ${i}: npm install runs scripts`);
        });
        const runsOnPullRequests = !/github\.event_name == 'push'/.test(job.if ?? "") && !/deploy/.test(name);
        if (runsOnPullRequests) {
            for (const secret of DEPLOY_SECRETS)
                if (body.includes(`secrets.${secret}`)) found.push(`${name}: a pull-request job sees ${secret}`);
            if (environment !== undefined && !environment.startsWith("preview-"))
                found.push(`${name}: a pull-request job runs in ${environment}`);
        }
        if (body.includes("secrets.PULUMI_DEPLOY_TOKEN") || body.includes("secrets.AWS_DEPLOY_ROLE_ARN")) {
            if (!["dev", "production"].includes(environment ?? ""))
                found.push(`${name}: deploy secrets outside the dev and production environments`);
        }
        if (body.includes("secrets.PULUMI_PREVIEW_TOKEN") && !environment?.startsWith("preview-"))
            found.push(`${name}: preview token outside a preview environment`);
    }
    return found;
}

/** What keeps the offline compare on pull requests useful and harmless: read-only, base checked out, both stacks. */
function compareProblems(wf: Workflow & { jobs: Record<string, Job & { permissions?: unknown }> }): string[] {
    const job = wf.jobs.compare;
    if (!job) return ["no compare job"];
    const found: string[] = [];
    if (!/github\.event_name == 'pull_request'/.test(job.if ?? "")) found.push("compare: not on pull requests");
    if (JSON.stringify(job.permissions) !== JSON.stringify({ contents: "read" }))
        found.push(`compare: permissions ${JSON.stringify(job.permissions)}, not read-only`);
    if (/secrets\./.test(JSON.stringify(job))) found.push("compare: sees a secret");
    if (job.steps.find((s) => s.uses?.startsWith("actions/checkout@"))?.with?.["fetch-depth"] !== 0)
        found.push("compare: the base commit is not fetched");
    const run = job.steps.map((s) => s.run ?? "").join("\n");
    if (!/npm run --silent plan -- --stack "\$stack" --compare "\$BASE_SHA"/.test(run) || !/for stack in dev prod/.test(run))
        found.push("compare: does not compare dev and prod with the base");
    if (!/github\.event\.pull_request\.base\.sha/.test(JSON.stringify(job))) found.push("compare: BASE_SHA is not the pull request's base");
    return found;
}

describe("CI workflow", () => {
    const text = fs.readFileSync(FILE, "utf8");
    const wf = parse(text) as Workflow;

    test("has no violation: pins, checkouts, installs, and who sees which secret", () => {
        assert.deepEqual(violations(text), []);
    });

    test("the preview runs per stack in preview-<stack> with the read-only token and role; deploys in dev and production", () => {
        const preview = wf.jobs.preview;
        assert.equal(preview.environment, "preview-${{ matrix.stack }}");
        const pulumi = preview.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
        assert.equal(pulumi.with?.command, "preview");
        assert.match(JSON.stringify(preview), /secrets\.PULUMI_PREVIEW_TOKEN/);
        assert.match(JSON.stringify(preview), /secrets\.AWS_PREVIEW_ROLE_ARN/);
        assert.equal(wf.jobs["deploy-dev"].environment, "dev");
        assert.equal(wf.jobs["deploy-prod"].environment, "production");
        // No Pulumi or AWS secret at the workflow level, where every job would get it.
        assert.doesNotMatch(JSON.stringify((wf as any).env ?? {}), /secrets\./);
    });

    test("pull requests get the offline compare with their base, read-only, for dev and prod", () => {
        assert.deepEqual(compareProblems(wf as never), []);
        const cases: [string, string, RegExp][] = [
            [
                "write permission",
                text.replace(
                    "    permissions:\n      contents: read\n    steps:\n      - uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262 # v4.4.0\n        with:\n          # The base",
                    "    permissions:\n      contents: read\n      pull-requests: write\n    steps:\n      - uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262 # v4.4.0\n        with:\n          # The base",
                ),
                /not read-only/,
            ],
            ["a shallow checkout", text.replace("fetch-depth: 0", "fetch-depth: 1"), /base commit is not fetched/],
            [
                "one stack only",
                text.replace(
                    'for stack in dev prod; do\n            { echo "### Compare',
                    'for stack in dev; do\n            { echo "### Compare',
                ),
                /does not compare dev and prod/,
            ],
        ];
        for (const [title, mutated, expected] of cases) {
            assert.notEqual(mutated, text, title);
            assert.match(compareProblems(parse(mutated)).join("\n"), expected, title);
        }
    });

    test("negative controls: each kind of problem is reported", () => {
        const checkout = "actions/checkout@11d5960a326750d5838078e36cf38b85af677262 # v4.4.0";
        assert.ok(text.includes(checkout));
        const cases: [string, string, RegExp][] = [
            ["a tag instead of a SHA", text.replace(checkout, "actions/checkout@v4"), /not pinned by SHA/],
            ["a SHA without its tag", text.replace(checkout, checkout.replace(" # v4.4.0", "")), /not pinned by SHA/],
            [
                "a checkout keeping its token",
                text.replace("persist-credentials: false", "persist-credentials: true"),
                /without persist-credentials/,
            ],
            ["install scripts", text.replace("npm ci --ignore-scripts", "npm ci"), /npm install runs scripts/],
            [
                "the deploy token in the preview",
                text.replace("secrets.PULUMI_PREVIEW_TOKEN", "secrets.PULUMI_DEPLOY_TOKEN"),
                /preview: a pull-request job sees PULUMI_DEPLOY_TOKEN/,
            ],
            [
                "the preview in production",
                text.replace("environment: preview-${{ matrix.stack }}", "environment: production"),
                /preview: a pull-request job runs in production/,
            ],
            [
                "a second repository checked out",
                text.replace(
                    `      - uses: ${checkout}\n        with:\n          persist-credentials: false\n`,
                    `      - uses: ${checkout}\n        with:\n          persist-credentials: false\n      - uses: ${checkout}\n        with:\n          repository: owner/shared\n          path: shared\n          persist-credentials: false\n`,
                ),
                /test step 1: checks out another repository \(owner\/shared\)/,
            ],
            ["a deploy outside its environment", text.replace("    environment: dev\n", ""), /deploy-dev: deploy secrets outside/],
        ];
        for (const [title, mutated, expected] of cases) {
            assert.notEqual(mutated, text, title);
            assert.match(violations(mutated).join("\n"), expected, title);
        }
    });
});
