/**
 * The baseline of `npm run plan -- --compare <git-ref | config file>`: the program run under mocks with
 * another config file (in this process), or the program of another commit (checked out with
 * `git worktree add` into a temporary directory, compiled there, and run in a child process with that
 * commit's own runner and stack file). Nothing is pushed, fetched or left behind.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError } from "../infra/errors";
import { REPO_ROOT } from "../infra/root";
import type { CompareSide } from "./plan/compare";
import { Registered, runProgram } from "./runner";

/** Runs the other commit's compiled runner and prints what it registered, as JSON (its own stack file). */
const DUMP = `
const [runner, stack] = process.argv.slice(1);
require(runner).runProgram(stack).then(
    (p) => process.stdout.write(JSON.stringify(p.resources)),
    (e) => { process.stderr.write(String(e && e.message || e)); process.exit(2); },
);`;

function git(args: string[], cwd = REPO_ROOT): string {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** Whether `arg` names a commit of this repository. */
function isCommit(arg: string): boolean {
    try {
        git(["rev-parse", "--verify", "--quiet", `${arg}^{commit}`]);
        return true;
    } catch {
        return false;
    }
}

/** The run `arg` names: a config file (run here), or a git ref (run from a temporary worktree). */
export async function baseline(arg: string, stack: string, log: (text: string) => void): Promise<CompareSide> {
    if (fs.existsSync(arg) && fs.statSync(arg).isFile()) {
        return { label: arg, resources: (await runProgram(stack, {}, arg)).resources };
    }
    if (!isCommit(arg))
        throw new ConfigError("--compare", arg, "a config file that exists or a git ref of this repository (a branch, tag or commit)");
    const commit = git(["rev-parse", "--short", `${arg}^{commit}`]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-karpenter-compare-"));
    try {
        log(`plan: checking out ${arg} (${commit}) into a temporary worktree and compiling it…\n`);
        git(["worktree", "add", "--detach", "--force", dir, commit]);
        // The same dependencies as this tree: a commit with another lockfile may need `npm ci` there instead.
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
        try {
            execFileSync(
                process.execPath,
                [path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-b", path.join(dir, "tsconfig.build.json")],
                {
                    cwd: dir,
                    encoding: "utf8",
                    stdio: ["ignore", "pipe", "pipe"],
                },
            );
        } catch (e) {
            throw new ConfigError(
                "--compare",
                arg,
                `a commit that compiles; tsc said: ${String((e as { stdout?: string }).stdout ?? e)
                    .trim()
                    .split("\n")
                    .slice(0, 5)
                    .join(" ")}`,
            );
        }
        log(`plan: running ${arg} under mocks…\n`);
        let out: string;
        try {
            out = execFileSync(process.execPath, ["-e", DUMP, path.join(dir, "dist", "offline", "runner.js"), stack], {
                cwd: dir,
                encoding: "utf8",
                maxBuffer: 512 * 1024 * 1024,
                stdio: ["ignore", "pipe", "pipe"],
            });
        } catch (e) {
            throw new ConfigError(
                "--compare",
                arg,
                `a commit whose ${stack} stack plans; it stopped: ${String((e as { stderr?: string }).stderr ?? e).trim()}`,
            );
        }
        return { label: `${arg} (${commit})`, resources: JSON.parse(out) as Registered[] };
    } finally {
        try {
            git(["worktree", "remove", "--force", dir]);
        } catch {
            // Never added (a failed checkout): only the directory is left to remove.
        }
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
