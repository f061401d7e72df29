/**
 * scripts/test.mjs, run on test files made for the purpose: a test process that crashes at import, while a
 * process it started still holds its output, ends the run with a non-zero exit instead of leaving it
 * waiting; the other files still run and what the crashed process started is killed.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { REPO_ROOT, referenceData, referenceText } from "../harness";

interface Run {
    code: number | null;
    signal: NodeJS.Signals | null;
    output: string;
    seconds: number;
}

/** Runs a command in the repository; past `timeoutMs` it is killed (with everything it started). */
function run(args: string[], timeoutMs: number): Promise<Run> {
    const started = Date.now();
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), timeoutMs);
    return new Promise((resolve) =>
        child.on("exit", (code, signal) => {
            clearTimeout(timer);
            try {
                process.kill(-child.pid!, "SIGKILL");
            } catch {
                // already gone
            }
            resolve({ code, signal, output, seconds: (Date.now() - started) / 1000 });
        }),
    );
}

const alive = (pid: number) => {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
};

/** Test files: one starts a process that keeps its stderr open (as a server would) and then throws at import. */
function suite(): { dir: string; pidFile: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-test-"));
    const pidFile = path.join(dir, "holder.pid");
    const holder = `const { spawn } = require("node:child_process");
const h = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: ["ignore", "inherit", "inherit"] });
require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(h.pid));
throw new Error("broken at import");
`;
    fs.writeFileSync(path.join(dir, "a-crash.test.ts"), holder);
    for (const name of ["b-fine", "c-fine", "d-fine"]) {
        fs.writeFileSync(path.join(dir, `${name}.test.ts`), `import { test } from "node:test";\ntest("${name} passes", () => {});\n`);
    }
    return { dir, pidFile };
}

describe("scripts/test.mjs", () => {
    test(
        "a test process crashing at import fails the run promptly, names its files, and kills what it started",
        { timeout: 180_000 },
        async () => {
            const { dir, pidFile } = suite();
            const control = suite();
            try {
                const [ours, nodeTest] = await Promise.all([
                    run(["scripts/test.mjs", "--root", dir], 120_000),
                    // Negative control: Node's own runner on the same files waits for the held pipe (killed here after 10 s).
                    run(["--import", "tsx", "--test", path.join(control.dir, "a-crash.test.ts")], 10_000),
                ]);
                assert.equal(ours.signal, null, `the runner was still running after 120 s:\n${ours.output}`);
                assert.notEqual(ours.code, 0, ours.output);
                assert.match(ours.output, /test process \d+ \([^)]*a-crash\.test\.ts[^)]*\) exited with code 1 before its tests reported/);
                assert.match(ours.output, /broken at import/);
                assert.match(ours.output, /b-fine passes/);
                assert.equal(alive(Number(fs.readFileSync(pidFile, "utf8"))), false, "the process the crashed file started was killed");

                assert.equal(
                    nodeTest.signal,
                    "SIGKILL",
                    `node --test ended by itself (${nodeTest.code}): the scenario no longer reproduces the wait`,
                );
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
                fs.rmSync(control.dir, { recursive: true, force: true });
            }
        },
    );

    test("a run whose tests all pass exits 0", { timeout: 120_000 }, async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-test-"));
        try {
            fs.writeFileSync(path.join(dir, "fine.test.ts"), `import { test } from "node:test";\ntest("passes", () => {});\n`);
            const r = await run(["scripts/test.mjs", "--root", dir], 60_000);
            assert.equal(r.code, 0, r.output);
            assert.match(r.output, /all test processes: tests 1, suites 0, pass 1, fail 0/);
            // Each process's wall time and peak memory, as its own summary reported them.
            assert.match(r.output, /^test process 1: 1 files, [\d.]+ s, peak [1-9]\d* MB resident$/m);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("reference data", () => {
    test("a missing file fails the test reading it, naming the file and where its provenance is", () => {
        assert.throws(
            () => referenceText("karpenter-1.9/crds/missing.yaml"),
            /^Error: reference\/karpenter-1\.9\/crds\/missing\.yaml is missing: .*reference\/karpenter-1\.9\/README\.md/,
        );
        assert.equal(referenceData("karpenter-1.9/chart/Chart.yaml").name, "karpenter");
    });
});
