/**
 * Prints how long the stack programs take under mocks, how long `npm run plan` takes per stack, how
 * long the test suite takes, and how long a newcomer waits from `git clone` to a first plan.
 * Targets (2-core machine): each stack and each plan under 3 s, the suite under 60 s. Figures, not assertions.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");
const node = process.execPath;

function timed(command: string, args: string[], cwd = root): { seconds: number; stdout: string } {
    const start = process.hrtime.bigint();
    const stdout = execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 2 ** 20 });
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, stdout };
}

const rows: [string, string, string][] = [];
for (const stack of ["dev", "prod"]) {
    // A fresh process per stack: what `pulumi preview` pays, module loading included.
    const { seconds, stdout } = timed(node, ["--import", "tsx", "bench/run-stack.ts", stack]);
    const r = JSON.parse(stdout.trim().split("\n").pop()!);
    rows.push([`stack ${stack} under mocks`, `${seconds.toFixed(2)} s (program ${r.programSeconds.toFixed(2)} s, ${r.resources} resources, heap ${r.heapMiB} MiB)`, "< 3 s"]);
}
for (const stack of ["dev", "prod"]) {
    const { seconds, stdout } = timed(node, ["--import", "tsx", "offline/plan.ts", "--stack", stack, "--json"]);
    const plan = JSON.parse(stdout);
    rows.push([
        `npm run plan -- --stack ${stack}`,
        `${seconds.toFixed(2)} s (critical path ${plan.criticalPath.totalMinutes} min, baseline $${plan.cost.totalMonthly}/month)`,
        "< 3 s",
    ]);
}
const suite = timed(node, ["scripts/test.mjs"]);
const count = (label: string) => suite.stdout.match(new RegExp(`^ℹ ${label} (\\d+)`, "m"))?.[1];
rows.push(["test suite (npm test without tsc)", `${suite.seconds.toFixed(2)} s (${count("tests")} tests, ${count("pass")} passed)`, "< 60 s"]);
rows.push(["clean clone to first plan", cloneToFirstPlan(), "none"]);

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`${"measure".padEnd(width)}  result  (target)`);
for (const [what, result, target] of rows) console.log(`${what.padEnd(width)}  ${result}  (${target})`);

/**
 * What a newcomer runs on the committed HEAD: `git clone`, `npm ci`, `npm run plan -- --stack prod`.
 * Optimistic: npm's cache on this machine already holds every package, so `npm ci` downloads nothing.
 */
function cloneToFirstPlan(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-karpenter-clone-"));
    const phases: string[] = [];
    try {
        const clone = timed("git", ["clone", "--quiet", root, dir]);
        phases.push(`clone ${clone.seconds.toFixed(1)} s`);
        const ci = timed("npm", ["ci", "--no-audit", "--no-fund"], dir);
        phases.push(`npm ci ${ci.seconds.toFixed(1)} s`);
        const plan = timed("npm", ["run", "plan", "--", "--stack", "prod"], dir);
        phases.push(`plan ${plan.seconds.toFixed(1)} s`);
        const total = clone.seconds + ci.seconds + plan.seconds;
        return `${total.toFixed(1)} s (${phases.join(", ")}; npm cache warm, so optimistic)`;
    } catch (e) {
        const lines = String((e as { stderr?: string }).stderr ?? e).split("\n");
        const why = lines.find((l) => /\w*Error: /.test(l)) ?? lines.filter(Boolean).pop();
        return `failed after ${phases.join(", ") || "nothing"}: ${why?.trim()}`;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
