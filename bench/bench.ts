/**
 * Prints how long the stack programs take under mocks and how long the test suite takes.
 * Targets (2-core machine): each stack under 3 s, the suite under 60 s. Figures, not assertions.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");
const node = process.execPath;

function timed(args: string[]): { seconds: number; stdout: string } {
    const start = process.hrtime.bigint();
    const stdout = execFileSync(node, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, stdout };
}

const rows: [string, string, string][] = [];
for (const stack of ["dev", "prod"]) {
    // A fresh process per stack: what `pulumi preview` pays, module loading included.
    const { seconds, stdout } = timed(["--import", "tsx", "bench/run-stack.ts", stack]);
    const r = JSON.parse(stdout.trim().split("\n").pop()!);
    rows.push([`stack ${stack} under mocks`, `${seconds.toFixed(2)} s (program ${r.programSeconds.toFixed(2)} s, ${r.resources} resources, heap ${r.heapMiB} MiB)`, "< 3 s"]);
}
const files = execFileSync(node, ["scripts/test-files.mjs"], { cwd: root, encoding: "utf8" }).trim().split(" ");
const suite = timed(["--import", "tsx", "--test", ...files]);
rows.push(["test suite (node --test)", `${suite.seconds.toFixed(2)} s (${files.length} files)`, "< 60 s"]);

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`${"measure".padEnd(width)}  result  (target)`);
for (const [what, result, target] of rows) console.log(`${what.padEnd(width)}  ${result}  (${target})`);
