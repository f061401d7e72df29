// Runs the test suite: `node scripts/test.mjs [--isolate] [--save-costs] [--root DIR] [part of a path ...]`
// runs every DIR/**/*.test.ts (DIR defaults to tests/), or those whose path contains one of the parts.
//
// Most of a small test file's time is loading the Pulumi SDKs (1 to 1.5 s a process), so by default the
// files are shared out into one process per core: a shard imports its files and Node's test runner runs
// them one after another. The shares are balanced by each file's measured seconds (scripts/test-costs.json,
// longest first onto the least loaded process; a file not listed counts as the median), not by their
// number: a handful of files (a git worktree compiled, the package schema, real block devices) take
// 15 to 30 s each. `--save-costs` runs each file in a process of its own (as `--isolate`) and writes the
// seconds each took into that file. Each process's old-generation heap is capped (HEAP_MB below), so that
// V8 collects garbage instead of growing to gigabytes; its wall time and peak resident memory are printed
// at the end. Every program runs on the mock engine (offline/engine.ts), which leaves no
// runtime state behind, so they share a process safely; `--isolate` runs each file in its own process (slower) to rule a leak between files out.
//
// This script starts the test processes itself rather than through `node --test`: that parent waits for
// its children's output pipes to close, so a child that crashes at import while something it started
// (a server, a daemon) still holds its stderr leaves the whole run waiting forever. Here a process is done
// when it exits; its process group (everything it started) is then killed, and a process that exits
// without Node's test summary (a crash at import, an uncaught error) fails the run, naming its files.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
    );
const args = process.argv.slice(2);
const flags = ["--isolate", "--save-costs"];
const saveCosts = args.includes("--save-costs");
const isolate = saveCosts || args.includes("--isolate");
const rootAt = args.indexOf("--root");
const root = rootAt >= 0 ? args[rootAt + 1] : "tests";
const only = args.filter((a, i) => !flags.includes(a) && (rootAt < 0 || (i !== rootAt && i !== rootAt + 1)));
const files = walk(root)
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
if (files.length === 0) {
    console.error(`no test file matches ${only.join(", ")}`);
    process.exit(1);
}

/**
 * What each file cost when it ran alone, by its path from the repository root: `seconds` (`--save-costs`
 * measures them) and `alone` (kept by hand) for a file that keeps most of the heap alive while it runs.
 */
const COSTS = "scripts/test-costs.json";
const costs = existsSync(COSTS) ? JSON.parse(readFileSync(COSTS, "utf8")) : {};
const known = Object.values(costs)
    .map((c) => c.seconds)
    .sort((a, b) => a - b);
const median = known.length > 0 ? known[Math.floor(known.length / 2)] : 1;
const costOf = (f) => costs[relative(".", f)] ?? {};
/** What a file adds to a process that has loaded the SDKs already: its seconds alone less the smallest file's. */
const secondsOf = (f) => Math.max(0, (costOf(f).seconds ?? median) - (known[0] ?? 0));

/**
 * The old-generation heap of a test process (MB): V8 otherwise lets garbage pile up to gigabytes in a
 * process that runs dozens of programs, although what they keep alive is a few hundred MB. A file that runs
 * `alone` (the package schema test, whose build keeps 0.6 to 0.8 GB alive and aborts at 500) gets twice as
 * much, so that it never runs out of heap on a slightly larger build.
 */
const HEAP_MB = 1024;
const heapOf = (group) => (group.length === 1 && costOf(group[0]).alone ? 2 * HEAP_MB : HEAP_MB);

/**
 * The files shared out into `n` lanes, longest first, each onto the lane with the fewest seconds so far. A
 * file marked `alone` (the package schema build) gets a process of its own, so that what it keeps alive
 * does not add to other files'; the other files of a lane share one. Returns the processes, in the order
 * they start.
 */
function balanced(n) {
    const lanes = Array.from({ length: n }, () => ({ alone: [], shared: [], seconds: 0 }));
    for (const f of [...files].sort((a, b) => secondsOf(b) - secondsOf(a) || a.localeCompare(b))) {
        const least = lanes.reduce((m, l) => (l.seconds < m.seconds ? l : m));
        (costOf(f).alone ? least.alone : least.shared).push(f);
        least.seconds += secondsOf(f);
    }
    return [...lanes.flatMap((l) => l.alone.map((f) => [f])), ...lanes.filter((l) => l.shared.length > 0).map((l) => l.shared.sort())];
}

const cores = availableParallelism();
const work = mkdtempSync(join(tmpdir(), "eks-karpenter-tests-"));
/** One entry per process: the files it runs (a shard imports several). */
const groups = isolate || files.length <= cores ? files.map((f) => [f]) : balanced(cores);
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
            `--max-old-space-size=${heapOf(groups[i])}`,
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
    const began = Date.now();
    return new Promise((done) => {
        child.on("exit", (code, signal) => {
            const seconds = (Date.now() - began) / 1000;
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
                done({ i, code, signal, counts, seconds });
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
for (const r of results) {
    const memory = r.counts?.maxRssKiB ? `, peak ${Math.round(r.counts.maxRssKiB / 1024)} MB resident` : "";
    console.log(`test process ${r.i + 1}: ${groups[r.i].length} files, ${r.seconds.toFixed(1)} s${memory}`);
}
if (saveCosts) {
    for (const r of results) {
        const file = relative(".", groups[r.i][0]);
        costs[file] = { ...costs[file], seconds: Math.round(r.seconds * 10) / 10 };
    }
    const sorted = Object.fromEntries(
        Object.keys(costs)
            .sort()
            .map((f) => [f, costs[f]]),
    );
    writeFileSync(COSTS, `${JSON.stringify(sorted, null, 4)}\n`);
    console.log(`${COSTS}: the seconds of ${Object.keys(sorted).length} files`);
}
for (const c of crashed) console.log(`✖ ${c}`);
// The closing line CI reads: every process's tests added up (a crashed process counts as one failure).
console.log(`tests: ${total.pass} passed, ${total.fail + total.cancelled + crashed.length} failed, ${total.skipped} skipped`);
process.exitCode = crashed.length > 0 || total.fail > 0 || total.cancelled > 0 ? 1 : 0;
