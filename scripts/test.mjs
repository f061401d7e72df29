// Runs the test suite: `node scripts/test.mjs [--isolate] [--root DIR] [part of a path ...]` runs every
// DIR/**/*.test.ts (DIR defaults to tests/), or those whose path contains one of the parts.
//
// Most of a test file's time is loading the Pulumi SDKs (1 to 1.5 s a process), so by default the files
// are dealt round-robin into one process per core: a shard imports its files and Node's test runner runs
// them one after another. Every program runs on the mock engine (offline/engine.ts), which leaves no
// runtime state behind, so they share a process safely; `--isolate` runs each file in its own process (slower) to rule a leak between files out.
//
// This script starts the test processes itself rather than through `node --test`: that parent waits for
// its children's output pipes to close, so a child that crashes at import while something it started
// (a server, a daemon) still holds its stderr leaves the whole run waiting forever. Here a process is done
// when it exits; its process group (everything it started) is then killed, and a process that exits
// without Node's test summary (a crash at import, an uncaught error) fails the run, naming its files.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
    );
const args = process.argv.slice(2);
const isolate = args.includes("--isolate");
const rootAt = args.indexOf("--root");
const root = rootAt >= 0 ? args[rootAt + 1] : "tests";
const only = args.filter((a, i) => a !== "--isolate" && (rootAt < 0 || (i !== rootAt && i !== rootAt + 1)));
const files = walk(root)
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
if (files.length === 0) {
    console.error(`no test file matches ${only.join(", ")}`);
    process.exit(1);
}

const cores = availableParallelism();
const work = mkdtempSync(join(tmpdir(), "eks-karpenter-tests-"));
/** One entry per process: the files it runs (a shard imports several). */
const groups =
    isolate || files.length <= cores
        ? files.map((f) => [f])
        : Array.from({ length: cores }, (_, i) => files.filter((_, j) => j % cores === i));
/** How long a process's output may keep flowing after it exits (a grandchild may hold the pipe). */
const DRAIN_MS = 2000;

// Output in order: the first unfinished process's output is shown as it comes, the others' when their turn comes.
const outputs = groups.map(() => []);
const finished = new Set();
let showing = 0;
const show = (i, chunk) => (i === showing ? process.stdout.write(chunk) : outputs[i].push(chunk));
function advance() {
    while (finished.has(showing)) {
        showing++;
        if (showing < groups.length) for (const chunk of outputs[showing].splice(0)) process.stdout.write(chunk);
    }
}
const children = new Set();

function run(i) {
    const entry = join(work, `process-${i + 1}.test.mjs`);
    const summary = join(work, `process-${i + 1}.summary.json`);
    writeFileSync(entry, groups[i].map((f) => `import ${JSON.stringify(pathToFileURL(resolve(f)).href)};\n`).join(""));
    const child = spawn(
        process.execPath,
        [
            "--import",
            "tsx",
            "--test-reporter=spec",
            "--test-reporter-destination=stdout",
            `--test-reporter=${pathToFileURL(resolve("scripts/test-summary.mjs")).href}`,
            `--test-reporter-destination=${summary}`,
            entry,
        ],
        // Its own process group, so that whatever it leaves behind can be killed with it.
        { stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? "1" : "0" } },
    );
    children.add(child);
    child.stdout.on("data", (d) => show(i, d));
    child.stderr.on("data", (d) => show(i, d));
    return new Promise((done) => {
        child.on("exit", (code, signal) => {
            const streams = [child.stdout, child.stderr];
            const finish = () => {
                for (const s of streams) s.destroy();
                try {
                    process.kill(-child.pid, "SIGKILL");
                } catch {
                    // The group is already gone.
                }
                children.delete(child);
                finished.add(i);
                advance();
                let counts;
                try {
                    counts = JSON.parse(readFileSync(summary, "utf8") || "null");
                } catch {
                    counts = null;
                }
                done({ i, code, signal, counts });
            };
            const timer = setTimeout(finish, DRAIN_MS);
            const drained = () => {
                clearTimeout(timer);
                finish();
            };
            let open = streams.length;
            for (const s of streams) {
                if (s.readableEnded || s.destroyed) open--;
                else
                    s.once("close", () => {
                        if (--open === 0) drained();
                    });
            }
            if (open === 0) drained();
        });
    });
}

for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
        for (const c of children) {
            try {
                process.kill(-c.pid, "SIGKILL");
            } catch {
                // gone
            }
        }
        rmSync(work, { recursive: true, force: true });
        process.exit(1);
    });
}

const started = Date.now();
const results = [];
try {
    let next = 0;
    const lane = async () => {
        while (next < groups.length) results.push(await run(next++));
    };
    await Promise.all(Array.from({ length: Math.min(cores, groups.length) }, lane));
} finally {
    rmSync(work, { recursive: true, force: true });
}

const total = { tests: 0, suites: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
const crashed = [];
for (const r of results.sort((a, b) => a.i - b.i)) {
    if (r.counts) for (const k of Object.keys(total)) total[k] += r.counts[k] ?? 0;
    if (!r.counts || r.code !== 0) {
        const how = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.code}`;
        const why = r.counts ? "" : " before its tests reported (a crash at import or an uncaught error: see its output above)";
        if (!r.counts || r.counts.fail === 0) crashed.push(`test process ${r.i + 1} (${groups[r.i].join(", ")}) ${how}${why}`);
    }
}
console.log(
    `\nall test processes: ${Object.entries(total)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
for (const c of crashed) console.log(`✖ ${c}`);
// The closing line CI reads: every process's tests added up (a crashed process counts as one failure).
console.log(`tests: ${total.pass} passed, ${total.fail + total.cancelled + crashed.length} failed, ${total.skipped} skipped`);
process.exitCode = crashed.length > 0 || total.fail > 0 || total.cancelled > 0 ? 1 : 0;
