/**
 * The claim that matters about the containerd-volume user data, checked with real containerd and runc
 * (Debian's packages): after the script has put /var/lib/containerd on the data volume, containerd
 * still finds the sandbox image localhost/kubernetes/pause (the AMI's pre-cached copy, never pulled
 * again) and can run a container from it, at the first boot and after a reboot.
 *
 * Each boot is a private mount and PID namespace (unshare): a fresh tmpfs on /run (containerd's socket
 * and state, so a system containerd is never touched), the "root volume" /var/lib bind-mounted from a
 * directory of the test, a loop device (sparse file) standing in for the EBS volume. When the boot's
 * shell ends, the kernel ends every process of the namespace (containerd, shims, containers).
 *
 * The "AMI" is built once: an OCI image made here from Debian's static busybox (layer tar, config,
 * manifest, index: no registry), imported into the k8s.io namespace as localhost/kubernetes/pause:latest
 * and pinned, as the AL2023 AMI build does, with containerd configured as nodeadm configures it
 * (`sandbox_image`, amazon-eks-ami nodeadm/internal/containerd/config.template.toml for containerd 1.x).
 *
 * Negative controls: the seed guides' naive scripts fail the same assertions.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CONTAINERD_VOLUME_SCRIPT } from "../../../infra/nodes/user-data";
import { hostSkipReason, sh } from "./host";
import { SEED_COMMUNITY, SEED_KARPENTER } from "../guardrails/seed-scripts";

const TARGET = "/var/lib/containerd";
const PAUSE = "localhost/kubernetes/pause:latest";

/** containerd's configuration, as nodeadm writes it for containerd 1.x, with every path private to the boot. */
const CONFIG = `version = 2
root = "${TARGET}"
state = "/run/containerd"

[grpc]
address = "/run/containerd/containerd.sock"

[plugins."io.containerd.grpc.v1.cri"]
sandbox_image = "${PAUSE}"

[plugins."io.containerd.internal.v1.opt"]
path = "/run/containerd/opt"
`;

/** What every boot starts with, and the helpers its steps use. */
const PRELUDE = `set -euo pipefail
mount -t tmpfs tmpfs /run
mount --bind "$ROOT_VOLUME" /var/lib
start_containerd() {
  containerd --config "$CONFIG" >>"$OUT/containerd.log" 2>&1 &
  for _ in $(seq 200); do ctr version >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "containerd did not start" >&2; return 1
}
stop_containerd() { pkill -TERM -x containerd; while pgrep -x containerd >/dev/null; do sleep 0.05; done; }
# What the node's kubelet needs: the pause image listed in k8s.io, and a container from it that runs.
check() {
  findmnt -n -o SOURCE --mountpoint ${TARGET} >"$OUT/$1.mount" || echo "(not a mount point)" >"$OUT/$1.mount"
  ctr -n k8s.io images ls -q >"$OUT/$1.images" 2>&1 || true
  local status=0
  ctr -n k8s.io run --rm ${PAUSE} "check-$1" /bin/busybox echo sandbox-ran >"$OUT/$1.run" 2>&1 || status=$?
  echo "$status" >"$OUT/$1.run-status"
}
`;

/** An OCI image layout of busybox-static, tarred: the stand-in for the AMI's /etc/eks/pause.tar. */
function buildPauseArchive(dir: string): string {
    const rootfs = path.join(dir, "rootfs");
    const layout = path.join(dir, "layout");
    fs.mkdirSync(path.join(rootfs, "bin"), { recursive: true });
    fs.mkdirSync(path.join(layout, "blobs", "sha256"), { recursive: true });
    fs.copyFileSync("/bin/busybox", path.join(rootfs, "bin", "busybox"));
    fs.chmodSync(path.join(rootfs, "bin", "busybox"), 0o755);
    for (const applet of ["sh", "true", "sleep"]) fs.symlinkSync("busybox", path.join(rootfs, "bin", applet));
    const layerTar = path.join(dir, "layer.tar");
    const tar = spawnSync(
        "tar",
        ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-C", rootfs, "-cf", layerTar, "."],
        { encoding: "utf8" },
    );
    assert.equal(tar.status, 0, tar.stderr);
    const blob = (data: Buffer, mediaType: string) => {
        const digest = `sha256:${createHash("sha256").update(data).digest("hex")}`;
        fs.writeFileSync(path.join(layout, "blobs", "sha256", digest.slice(7)), data);
        return { mediaType, digest, size: data.length };
    };
    const layer = blob(fs.readFileSync(layerTar), "application/vnd.oci.image.layer.v1.tar");
    const arch = { x64: "amd64", arm64: "arm64" }[process.arch as "x64" | "arm64"] ?? process.arch;
    const config = blob(
        Buffer.from(
            JSON.stringify({
                architecture: arch,
                os: "linux",
                config: { Entrypoint: ["/bin/sleep", "infinity"] },
                rootfs: { type: "layers", diff_ids: [layer.digest] },
            }),
        ),
        "application/vnd.oci.image.config.v1+json",
    );
    const manifest = blob(
        Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config, layers: [layer] })),
        "application/vnd.oci.image.manifest.v1+json",
    );
    fs.writeFileSync(path.join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    fs.writeFileSync(
        path.join(layout, "index.json"),
        JSON.stringify({ schemaVersion: 2, manifests: [{ ...manifest, annotations: { "io.containerd.image.name": PAUSE } }] }),
    );
    const archive = path.join(dir, "pause.tar");
    const packed = spawnSync("tar", ["-C", layout, "-cf", archive, "."], { encoding: "utf8" });
    assert.equal(packed.status, 0, packed.stderr);
    return archive;
}

/** The test's machine: the AMI's root volume (with the pause image in containerd's store), its config, stubs. */
class Ami {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "containerd-sandbox-"));
    readonly rootVolume = path.join(this.dir, "ami-var-lib");
    readonly config = path.join(this.dir, "config.toml");
    readonly bin = path.join(this.dir, "bin");
    readonly log = path.join(this.dir, "ami-build");

    /** Builds the AMI's store; returns why it cannot be done here, if it cannot. */
    build(): string | undefined {
        fs.writeFileSync(this.config, CONFIG);
        fs.mkdirSync(path.join(this.rootVolume, "containerd"), { recursive: true, mode: 0o711 });
        fs.mkdirSync(this.log);
        // The scripts call systemctl (daemon-reload, stop/start containerd): a stub that records the calls.
        fs.mkdirSync(this.bin);
        fs.writeFileSync(path.join(this.bin, "systemctl"), '#!/usr/bin/env bash\necho "systemctl $*" >>"$OUT/systemctl.calls"\n', {
            mode: 0o755,
        });
        const archive = buildPauseArchive(path.join(this.dir, "image"));
        const r = this.namespace(
            `start_containerd
            ctr -n k8s.io images import "$ARCHIVE" >/dev/null
            ctr -n k8s.io images label ${PAUSE} io.cri-containerd.pinned=pinned >/dev/null
            check ami
            stop_containerd`,
            this.rootVolume,
            this.log,
            { ARCHIVE: archive },
        );
        if (r.status !== 0) return `containerd cannot run here: ${r.stderr.trim()}`;
        const ran = fs.readFileSync(path.join(this.log, "ami.run"), "utf8");
        if (ran.trim() !== "sandbox-ran") return `containerd cannot run a container here (runc, cgroups): ${ran.trim()}`;
        return undefined;
    }

    /** Runs `steps` after the prelude in a fresh private mount and PID namespace: one boot. */
    namespace(steps: string, rootVolume: string, out: string, env: Record<string, string> = {}) {
        return spawnSync(
            "unshare",
            ["--mount", "--pid", "--fork", "--mount-proc", "--propagation", "private", "bash", "-c", PRELUDE + steps],
            {
                encoding: "utf8",
                timeout: 120_000,
                env: {
                    ...process.env,
                    PATH: `${this.bin}:${process.env.PATH}`,
                    ROOT_VOLUME: rootVolume,
                    CONFIG: this.config,
                    OUT: out,
                    SCRIPT: CONTAINERD_VOLUME_SCRIPT,
                    ...env,
                },
            },
        );
    }

    destroy(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** One node launched from the AMI: its own copy of the root volume, a blank data volume, an fstab. */
class Node {
    readonly dir: string;
    readonly rootVolume: string;
    readonly out: string;
    readonly fstab: string;
    readonly loop: string;

    constructor(
        private readonly ami: Ami,
        name: string,
    ) {
        this.dir = path.join(ami.dir, name);
        this.rootVolume = path.join(this.dir, "var-lib");
        this.out = path.join(this.dir, "out");
        this.fstab = path.join(this.dir, "fstab");
        fs.mkdirSync(this.out, { recursive: true });
        fs.writeFileSync(this.fstab, "# static entries\n");
        // XFS needs at least 300 MiB; the file is sparse.
        const made = sh(
            `set -e; cp -a ${ami.rootVolume} ${this.rootVolume}; truncate -s 512M ${this.dir}/disk.img; losetup -f --show ${this.dir}/disk.img`,
        );
        assert.equal(made.status, 0, made.stderr);
        this.loop = made.stdout.trim();
    }

    /** One boot; its steps run `user_data` (the script given) and `check <name>`. */
    boot(steps: string, userData = ""): void {
        const r = this.ami.namespace(steps, this.rootVolume, this.out, {
            USER_DATA: userData,
            LOOP: this.loop,
            CONTAINERD_VOLUME_DEVICE: this.loop,
            CONTAINERD_VOLUME_WAIT_SECONDS: "5",
            CONTAINERD_VOLUME_FSTAB: this.fstab,
            CONTAINERD_VOLUME_SYSTEMD_DIR: path.join(this.dir, "systemd"),
            CONTAINERD_VOLUME_HELPER: path.join(this.dir, "sbin", "containerd-volume"),
        });
        assert.equal(r.status, 0, `boot failed:\n${r.stdout}\n${r.stderr}\ncontainerd:\n${this.read("containerd.log", "")}`);
    }

    read(file: string, otherwise?: string): string {
        const p = path.join(this.out, file);
        return otherwise !== undefined && !fs.existsSync(p) ? otherwise : fs.readFileSync(p, "utf8");
    }

    destroy(): void {
        spawnSync("losetup", ["-d", this.loop]);
    }
}

/**
 * The assertions every boot must pass: containerd's store is the data volume (so the script did move
 * it), the pause image is listed in k8s.io, and a container from it ran.
 */
function assertPauseWorks(node: Node, check: string): void {
    assert.equal(node.read(`${check}.mount`).trim(), node.loop, `${TARGET} is not on the data volume`);
    assert.ok(
        node.read(`${check}.images`).split("\n").includes(PAUSE),
        `${PAUSE} is not listed in k8s.io:\n${node.read(`${check}.images`)}`,
    );
    assert.equal(node.read(`${check}.run-status`).trim(), "0", `a container from ${PAUSE} did not run:\n${node.read(`${check}.run`)}`);
    assert.equal(node.read(`${check}.run`).trim(), "sandbox-ran");
}

function skipReason(): string | undefined {
    const tools: [string, string][] = [
        ["containerd", "containerd"],
        ["ctr", "containerd"],
        ["containerd-shim-runc-v2", "containerd"],
        ["runc", "runc"],
        ["unshare", "util-linux"],
        ["losetup", "util-linux"],
        ["findmnt", "util-linux"],
        ["pkill", "procps"],
        ["tar", "tar"],
        ["mkfs.ext4", "e2fsprogs"], // the seed scripts of the negative controls format ext4
        ["mkfs.xfs", "xfsprogs"],
    ];
    // The image must run alone: a dynamically linked busybox would not.
    const staticBusybox = () =>
        !fs.existsSync("/bin/busybox") || sh("ldd /bin/busybox").status === 0
            ? "needs a static /bin/busybox (apt-get install -y busybox-static)"
            : undefined;
    return hostSkipReason(
        "run containerd, attach loop devices and mount in a private namespace",
        tools,
        ["--mount", "--pid", "--fork"],
        staticBusybox,
    );
}

/** Builds the AMI stand-in where the tools are there; why the tests are skipped where not. */
function prepare(): { ami?: Ami; reason?: string } {
    const unavailable = skipReason();
    if (unavailable) return { reason: unavailable };
    const ami = new Ami();
    let reason: string | undefined;
    try {
        reason = ami.build();
    } catch (e) {
        reason = `the AMI stand-in could not be built: ${(e as Error).message}`;
    }
    if (reason === undefined) return { ami };
    ami.destroy();
    return { reason };
}

const { ami, reason } = prepare();

describe("containerd-volume.sh with real containerd: the pause image survives", { skip: reason }, () => {
    const nodes: Node[] = [];
    const node = (name: string) => {
        const n = new Node(ami!, name);
        nodes.push(n);
        return n;
    };
    after(() => {
        nodes.forEach((n) => n.destroy());
        ami?.destroy();
    });

    let real: Node;
    before(() => {
        real = node("real");
        real.boot(`bash "$SCRIPT" >"$OUT/setup.log" 2>&1
            start_containerd
            # What the installed drop-in runs after containerd starts (ExecStartPost).
            bash "$SCRIPT" ensure-pause-image >"$OUT/ensure.log" 2>&1 || echo "failed $?" >>"$OUT/ensure.log"
            check first-boot
            stop_containerd`);
        // A reboot: the fstab entry mounts the volume (as systemd would), containerd starts again.
        real.boot(`mount --fstab "$CONTAINERD_VOLUME_FSTAB" ${TARGET}
            start_containerd
            check reboot
            stop_containerd`);
    });

    test("the AMI stand-in: containerd configured with the pause image as its sandbox image, found in the store", () => {
        assert.match(
            fs.readFileSync(path.join(ami!.log, "containerd.log"), "utf8"),
            new RegExp(`SandboxImage:${PAUSE.replace(/[./]/g, "\\$&")}\\b`),
        );
        assert.ok(fs.readFileSync(path.join(ami!.log, "ami.images"), "utf8").split("\n").includes(PAUSE));
    });

    test("first boot: the store is on the data volume, the pause image is listed and a container from it runs", () => {
        assert.match(real.read("setup.log"), /copied the contents of \/var\/lib\/containerd/);
        assertPauseWorks(real, "first-boot");
        // An XFS volume, recorded in fstab with its type: the reboot below mounts it from that line.
        assert.match(
            fs.readFileSync(real.fstab, "utf8"),
            new RegExp(`^UUID=[0-9a-f-]{36} ${TARGET} xfs defaults,noatime,nofail 0 0$`, "m"),
        );
        // Found in the store: the drop-in's check had nothing to re-import (and /etc/eks/pause.tar is absent here).
        assert.equal(real.read("ensure.log").trim(), `containerd-volume: localhost/kubernetes/pause is present`);
    });

    test("after a reboot: mounted from fstab, the same holds", () => {
        assertPauseWorks(real, "reboot");
    });

    test("negative controls: the seed guides' naive scripts fail the same assertions", () => {
        for (const [name, script] of [
            ["delete-then-mount", SEED_COMMUNITY],
            ["blank-volume", SEED_KARPENTER],
        ] as const) {
            const n = node(name);
            const userData = script.replaceAll("/dev/nvme1n1", n.loop).replaceAll("/dev/xvdb", n.loop).replaceAll("/etc/fstab", n.fstab);
            n.boot(
                `bash -c "$USER_DATA" >"$OUT/setup.log" 2>&1 || true
                start_containerd
                check first-boot
                stop_containerd`,
                userData,
            );
            // The volume is mounted, as the seed meant...
            assert.equal(n.read("first-boot.mount").trim(), n.loop, `${name}: ${n.read("setup.log")}`);
            // ...and containerd no longer has the pause image: the node would never become Ready.
            assert.throws(() => assertPauseWorks(n, "first-boot"), /is not listed in k8s\.io/, name);
            assert.notEqual(n.read("first-boot.run-status").trim(), "0", `${name}: ${n.read("first-boot.run")}`);
        }
    });
});
