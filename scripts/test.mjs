// Runs the test suite: `node scripts/test.mjs [--isolate] [part of a path ...]` runs every
// tests/**/*.test.ts, or those whose path contains one of the parts.
//
// Most of a test file's time is loading the Pulumi SDKs (1 to 1.5 s a process), so by default the files
// are dealt round-robin into one process per core: a shard imports its files and Node's runner runs
// them one after another. Every test sets the mocks and config it needs, so they share a process
// safely; `--isolate` runs each file in its own process (slower) to rule a leak between files out.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
  );
const args = process.argv.slice(2);
const isolate = args.includes("--isolate");
const only = args.filter((a) => a !== "--isolate");
const files = walk("tests").filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort();
if (files.length === 0) {
  console.error(`no test file matches ${only.join(", ")}`);
  process.exit(1);
}

const cores = availableParallelism();
const shardDir = isolate || files.length <= cores ? undefined : mkdtempSync(join(tmpdir(), "eks-karpenter-tests-"));
const entries = shardDir
  ? Array.from({ length: cores }, (_, i) => {
      const shard = join(shardDir, `shard-${i + 1}.test.mjs`);
      const mine = files.filter((_, j) => j % cores === i);
      writeFileSync(shard, mine.map((f) => `import ${JSON.stringify(pathToFileURL(resolve(f)).href)};\n`).join(""));
      return shard;
    })
  : files;
try {
  const { status, signal } = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", "--test-reporter=spec", `--test-concurrency=${cores}`, ...entries],
    { stdio: "inherit" },
  );
  process.exitCode = status ?? (signal ? 1 : 0);
} finally {
  if (shardDir) rmSync(shardDir, { recursive: true, force: true });
}
