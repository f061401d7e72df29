// What the block-device tests need of the machine they run on: root, the tools, a private namespace and
// a loop device. Each returns why the tests must be skipped here, or undefined where they can run.
import { spawnSync } from "node:child_process";

/** Runs a bash script, capturing its output. */
export const sh = (script: string, env: NodeJS.ProcessEnv = process.env) =>
    spawnSync("bash", ["-c", script], { encoding: "utf8", env, timeout: 60_000 });

/**
 * Why a test that needs root, `tools` (each with the Debian package that brings it), a namespace made by
 * `unshare unshareFlags` and a loop device cannot run here; undefined where it can.
 */
export function hostSkipReason(
    needsRootFor: string,
    tools: [string, string][],
    unshareFlags: string[],
    extra?: () => string | undefined,
): string | undefined {
    if (process.platform !== "linux") return "needs Linux (loop devices, namespaces)";
    if (process.getuid?.() !== 0) return `needs root to ${needsRootFor} (CI runs as root)`;
    for (const [tool, pkg] of tools) if (sh(`command -v ${tool}`).status !== 0) return `needs ${tool} (apt-get install -y ${pkg})`;
    const more = extra?.();
    if (more) return more;
    const ns = spawnSync("unshare", [...unshareFlags, "--propagation", "private", "true"], { encoding: "utf8" });
    if (ns.status !== 0) return `unshare ${unshareFlags.join(" ")} fails here: ${ns.stderr.trim()}`;
    const loop = sh('f=$(mktemp) && truncate -s 1M "$f" && d=$(losetup -f --show "$f") && losetup -d "$d"; s=$?; rm -f "$f"; exit $s');
    if (loop.status !== 0) return `no loop devices here: ${loop.stderr.trim()}`;
    return undefined;
}
