// Runs the test suite: `node scripts/test.mjs [part of a path ...]` runs every tests/**/*.test.ts, or
// those whose path contains one of the parts. Node 20's runner takes no glob patterns, and by default
// runs one file at a time on a 2-core machine (cores - 1); each file is a process that spends most of
// its time loading the Pulumi SDKs, so one per core is faster.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
  );
const only = process.argv.slice(2);
const files = walk("tests").filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort();
if (files.length === 0) {
  console.error(`no test file matches ${only.join(", ")}`);
  process.exit(1);
}
const { status, signal } = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", `--test-concurrency=${availableParallelism()}`, ...files],
  { stdio: "inherit" },
);
process.exit(status ?? (signal ? 1 : 0));
