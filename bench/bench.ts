/**
 * `npm run bench`: one table of what the targets measure, on this machine, now.
 * - each stack program under mocks, a fresh process (what `pulumi preview` pays, module loading included): ≤ 1.5 s wall
 * - the plan of each stack (`node dist/offline/plan.js --stack <s> --json`): ≤ 2.5 s wall
 * - the test suite without tsc (`node scripts/test.mjs`): ≤ 45 s wall; peak memory of any test process ≤ 700 MB
 * - scaling: the guardrails over 1, 10, 50, 100 NodePools, and a program of 1, 5, 20 environments: linear
 * Figures, not assertions: wall time follows the machine's load (other processes on 2 cores double it).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const node = process.execPath;

function timed(command: string, args: string[]): { seconds: number; stdout: string } {
    const start = process.hrtime.bigint();
    const stdout = execFileSync(command, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 2 ** 20 });
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, stdout };
}

/** A row: what, the figure, the target, and by how much it is missed (or "met"). */
const rows: [string, string, string, string][] = [];
const verdict = (value: number, target: number, unit: string) =>
    value <= target
        ? "met"
        : `missed by ${(value - target).toFixed(unit === "MB" ? 0 : 2)} ${unit} (${Math.round((value / target - 1) * 100)} %)`;

for (const stack of ["dev", "prod"]) {
    const { seconds, stdout } = timed(node, [path.join(root, "dist/bench/run-stack.js"), stack]);
    const r = JSON.parse(stdout.trim().split("\n").pop()!);
    rows.push([
        `stack ${stack} under mocks (fresh process)`,
        `${seconds.toFixed(2)} s (program ${r.programSeconds.toFixed(2)} s, ${r.resources} resources)`,
        "≤ 1.5 s",
        verdict(seconds, 1.5, "s"),
    ]);
}
for (const stack of ["dev", "prod"]) {
    const { seconds, stdout } = timed(node, [path.join(root, "dist/offline/plan.js"), "--stack", stack, "--json"]);
    const plan = JSON.parse(stdout);
    rows.push([
        `plan --stack ${stack} --json`,
        `${seconds.toFixed(2)} s (baseline $${plan.cost.totalMonthly}/month)`,
        "≤ 2.5 s",
        verdict(seconds, 2.5, "s"),
    ]);
}
// GNU time's %M: the largest resident set among the processes it waited for, test shards included (KiB).
const rssFile = path.join(os.tmpdir(), `eks-karpenter-bench-rss-${process.pid}`);
const suite = timed("/usr/bin/time", ["-o", rssFile, "-f", "%M", node, "scripts/test.mjs"]);
// The runner's closing line adds up every test process: `tests: N passed, N failed, N skipped`.
const closing = suite.stdout.match(/^tests: (\d+) passed, (\d+) failed, (\d+) skipped$/m);
const count = (label: "pass" | "tests") =>
    closing === null ? undefined : label === "pass" ? closing[1] : String(Number(closing[1]) + Number(closing[2]) + Number(closing[3]));
rows.push([
    "test suite (node scripts/test.mjs, no tsc)",
    `${suite.seconds.toFixed(1)} s (${count("pass")}/${count("tests")} passed, ${os.availableParallelism()} cores)`,
    "≤ 45 s",
    verdict(suite.seconds, 45, "s"),
]);
const peakMb = Number(fs.readFileSync(rssFile, "utf8").trim().split("\n").pop()) / 1024;
fs.rmSync(rssFile, { force: true });
rows.push(["peak memory of any test process", `${peakMb.toFixed(0)} MB`, "≤ 700 MB", verdict(peakMb, 700, "MB")]);

const scale = timed(node, [path.join(root, "dist/bench/scale.js")])
    .stdout.trim()
    .split("\n")
    .map((l) => JSON.parse(l));
for (const kind of ["pools", "environments"]) {
    const of = scale.filter((s) => s.kind === kind);
    const perUnit = of.map((s) => s.ms / s.n);
    // Linear: the cost per pool or environment does not grow with N (the smallest size pays fixed costs, so it is left out).
    const large = perUnit.slice(1);
    const linear = Math.max(...large) <= 2 * Math.min(...large);
    rows.push([
        kind === "pools" ? "guardrails over N NodePools (ms; per pool)" : "program + guardrails, N environments (ms; per environment)",
        of.map((s, i) => `${s.n}: ${s.ms.toFixed(kind === "pools" ? 2 : 0)} (${perUnit[i].toFixed(kind === "pools" ? 3 : 0)})`).join(", "),
        "linear",
        linear ? "met (per-unit cost within 2× across sizes)" : "missed: per-unit cost grows with N",
    ]);
}

const width = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
console.log(["measure".padEnd(width[0]), "result".padEnd(width[1]), "target".padEnd(width[2]), "verdict"].join("  "));
for (const r of rows) console.log([r[0].padEnd(width[0]), r[1].padEnd(width[1]), r[2].padEnd(width[2]), r[3]].join("  "));
