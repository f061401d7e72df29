/**
 * The containerd-volume user-data script, run for real: as root, in a private mount namespace, on a
 * loop device (a sparse file) standing in for the EBS volume, with a populated stand-in for the
 * AMI's /var/lib/containerd mounted over the real path inside the namespace only. `systemctl` and
 * `ctr` are stubs on PATH that record their calls; fstab, the systemd directory and the installed
 * helper are redirected to temporary paths with the script's environment overrides.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CONTAINERD_VOLUME_SCRIPT } from "../../../infra/nodes/user-data";
import { hostSkipReason, sh } from "./host";

const SCRIPT = CONTAINERD_VOLUME_SCRIPT;
const TARGET = "/var/lib/containerd";
const FSTAB_BEFORE = "# static entries\nUUID=0aa1-root / xfs defaults,noatime 0 0\n";

/** Lists type, mode, owner and symlink target of everything under $1, then the files' hashes (lost+found left out). */
const SNAPSHOT = `snapshot() (
  cd "$1"
  find . ! -path './lost+found' ! -path './lost+found/*' -printf '%p %y %m %U:%G %l\\n' | LC_ALL=C sort
  find . -type f ! -path './lost+found/*' -exec sha256sum {} + | LC_ALL=C sort
)`;

/** What the namespace starts with: a tmpfs over /var/lib (this namespace only) holding the stand-in. */
const PRELUDE = `set -euo pipefail
${SNAPSHOT}
run() { local name=$1 status=0; shift; bash "$SCRIPT" "$@" >"$OUT/$name.log" 2>&1 || status=$?; echo "$status" >"$OUT/$name.status"; }
mount -t tmpfs tmpfs /var/lib
mkdir ${TARGET}
cp -a "$FIXTURE/." ${TARGET}/
`;

function skipReason(): string | undefined {
    const tools: [string, string][] = [
        ...["unshare", "losetup", "blkid", "findmnt", "mountpoint", "mkswap"].map((t): [string, string] => [t, "util-linux"]),
        ["mkfs.xfs", "xfsprogs"],
    ];
    return hostSkipReason("attach loop devices and mount in a private namespace", tools, ["-m"]);
}

/** One simulated node: a disk image on a loop device, the stand-in content, fstab, stubs. */
class Node {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "containerd-volume-"));
    readonly out = path.join(this.dir, "out");
    readonly fixture = path.join(this.dir, "fixture");
    readonly fstab = path.join(this.dir, "fstab");
    readonly systemd = path.join(this.dir, "systemd");
    readonly helper = path.join(this.dir, "sbin", "containerd-volume");
    readonly dropIn = path.join(this.systemd, "containerd.service.d", "50-containerd-volume.conf");
    readonly calls = path.join(this.dir, "calls");
    readonly loop: string;

    constructor() {
        fs.mkdirSync(this.out);
        fs.mkdirSync(path.join(this.dir, "dev"));
        fs.writeFileSync(this.fstab, FSTAB_BEFORE);
        fs.writeFileSync(this.calls, "");
        writeStubs(path.join(this.dir, "bin"));
        // The AMI's /var/lib/containerd in miniature: content store, metadata, a snapshot, odd modes and owners.
        const made = sh(`set -e; f=${this.fixture}
            mkdir -p $f/io.containerd.content.v1.content/blobs/sha256 $f/io.containerd.metadata.v1.bolt $f/io.containerd.snapshotter.v1.overlayfs/snapshots/1/fs/etc
            echo pause-manifest >$f/io.containerd.content.v1.content/blobs/sha256/0a1b
            echo pause-layer >$f/io.containerd.content.v1.content/blobs/sha256/2c3d
            printf 'bolt' >$f/io.containerd.metadata.v1.bolt/meta.db && chmod 600 $f/io.containerd.metadata.v1.bolt/meta.db
            echo 'nobody:x:65534:' >$f/io.containerd.snapshotter.v1.overlayfs/snapshots/1/fs/etc/group
            chown -R 65535:65535 $f/io.containerd.snapshotter.v1.overlayfs/snapshots/1/fs
            ln -s snapshots/1/fs $f/io.containerd.snapshotter.v1.overlayfs/current
            chmod 711 $f
            truncate -s 320M ${this.dir}/disk.img  # sparse; XFS needs 300 MiB
            losetup -f --show ${this.dir}/disk.img`);
        assert.equal(made.status, 0, made.stderr);
        this.loop = made.stdout.trim();
    }

    /** Runs `steps` after the prelude in a fresh private mount namespace (a fresh boot, as far as mounts go). */
    boot(steps: string, env: Record<string, string> = {}): void {
        const result = spawnSync("unshare", ["-m", "--propagation", "private", "bash", "-c", PRELUDE + steps], {
            encoding: "utf8",
            timeout: 60_000,
            env: {
                ...process.env,
                PATH: `${path.join(this.dir, "bin")}:${process.env.PATH}`,
                SCRIPT,
                OUT: this.out,
                FIXTURE: this.fixture,
                LOOP: this.loop,
                STUB_CALLS: this.calls,
                STUB_STATE: this.dir,
                CONTAINERD_VOLUME_DEVICE: this.loop,
                CONTAINERD_VOLUME_WAIT_SECONDS: "5",
                CONTAINERD_VOLUME_FSTAB: this.fstab,
                CONTAINERD_VOLUME_SYSTEMD_DIR: this.systemd,
                CONTAINERD_VOLUME_HELPER: this.helper,
                ...env,
            },
        });
        assert.equal(result.status, 0, `namespace steps failed:\n${result.stdout}\n${result.stderr}`);
    }

    read(name: string): string {
        return fs.readFileSync(path.join(this.out, name), "utf8");
    }

    /** The status and log of a script run made with `run <name>`. */
    run(name: string): { status: number; log: string } {
        return { status: Number(this.read(`${name}.status`)), log: this.read(`${name}.log`) };
    }

    fixtureSnapshot(): string {
        const s = sh(`${SNAPSHOT}\nsnapshot ${this.fixture}`);
        assert.equal(s.status, 0, s.stderr);
        return s.stdout;
    }

    uuid(): string {
        return sh(`blkid -p -o value -s UUID ${this.loop}`).stdout.trim();
    }

    destroy(): void {
        spawnSync("losetup", ["-d", this.loop]);
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** `systemctl` and `ctr` stand-ins that record their calls; `ctr` knows the pause image once imported. */
function writeStubs(bin: string): void {
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "systemctl"), '#!/usr/bin/env bash\necho "systemctl $*" >>"$STUB_CALLS"\n', { mode: 0o755 });
    fs.writeFileSync(
        path.join(bin, "ctr"),
        `#!/usr/bin/env bash
echo "ctr $*" >>"$STUB_CALLS"
case "$*" in
  "--namespace k8s.io images ls --quiet")
    echo "localhost/kubernetes/pause-old:1"  # same prefix, another image
    echo "public.ecr.aws/eks-distro/kubernetes/pause:3.10"
    if [ -e "$STUB_STATE/pause-present" ]; then echo "localhost/kubernetes/pause:0.1.0"; fi ;;
  "--namespace k8s.io images import "*)
    if [ -e "$STUB_STATE/import-fails" ]; then echo "ctr: unexpected EOF" >&2; exit 1; fi
    touch "$STUB_STATE/pause-present" ;;
esac
`,
        { mode: 0o755 },
    );
}

const entryFor = (fstab: string) => fstab.split("\n").filter((line) => line.split(/\s+/)[1] === TARGET);

const reason = skipReason();
describe("containerd-volume.sh on a real block device", { skip: reason }, () => {
    const nodes: Node[] = [];
    const node = () => {
        const n = new Node();
        nodes.push(n);
        return n;
    };
    after(() => nodes.forEach((n) => n.destroy()));

    test("first boot: formats the blank volume, copies the stand-in onto it, mounts it, records it once", () => {
        const n = node();
        n.boot(`run first
            findmnt -n -o SOURCE,FSTYPE --mountpoint ${TARGET} >"$OUT/mount"
            snapshot ${TARGET} >"$OUT/volume"
            umount ${TARGET}
            snapshot ${TARGET} >"$OUT/root-volume"`);
        const { status, log } = n.run("first");
        assert.equal(status, 0, log);
        assert.equal(n.read("mount").trim().split(/\s+/).join(" "), `${n.loop} xfs`);
        // The pause image and everything else arrived intact (modes, owners, links, content)...
        assert.equal(n.read("volume"), n.fixtureSnapshot());
        // ...and nothing was removed from the root volume's copy underneath.
        assert.equal(n.read("root-volume"), n.fixtureSnapshot());
        // XFS, as the AMI formats its own disks; fsck pass 0 (fsck.xfs does nothing, XFS checks itself on mount).
        assert.equal(fs.readFileSync(n.fstab, "utf8"), `${FSTAB_BEFORE}UUID=${n.uuid()} ${TARGET} xfs defaults,noatime,nofail 0 0\n`);
        for (const line of [
            `created an xfs filesystem on ${n.loop}`,
            `copied the contents of ${TARGET}`,
            `mounted ${n.loop} (xfs, UUID=${n.uuid()}) on ${TARGET}`,
        ]) {
            assert.ok(log.includes(line), `log lacks "${line}":\n${log}`);
        }
    });

    test("first boot: installs the pause-image check as a containerd drop-in, ordered after the mount", () => {
        const n = node();
        n.boot("run first");
        assert.equal(n.run("first").status, 0, n.run("first").log);
        const dropIn = fs.readFileSync(n.dropIn, "utf8");
        assert.match(dropIn, /^\[Unit\]\nWants=var-lib-containerd\.mount\nAfter=var-lib-containerd\.mount\n/m);
        assert.match(dropIn, new RegExp(`^\\[Service\\]\\nExecStartPost=-${n.helper} ensure-pause-image$`, "m"));
        assert.equal(fs.readFileSync(n.helper, "utf8"), fs.readFileSync(SCRIPT, "utf8"));
        assert.equal(fs.statSync(n.helper).mode & 0o777, 0o755);
        assert.match(fs.readFileSync(n.calls, "utf8"), /^systemctl daemon-reload$/m);
    });

    test("re-runs change nothing and lose nothing, also after a reboot", () => {
        const n = node();
        n.boot(`run first
            echo pulled-layer >${TARGET}/io.containerd.content.v1.content/blobs/sha256/4e5f  # containerd pulls an image
            snapshot ${TARGET} >"$OUT/before"
            cp "$CONTAINERD_VOLUME_FSTAB" "$OUT/fstab-before"
            run second
            snapshot ${TARGET} >"$OUT/after-second"`);
        const uuid = n.uuid();
        const second = n.run("second");
        assert.equal(second.status, 0, second.log);
        assert.match(second.log, new RegExp(`${TARGET} is already a mount point \\(${n.loop}\\); nothing to do`));
        assert.equal(n.read("after-second"), n.read("before"));
        assert.equal(fs.readFileSync(n.fstab, "utf8"), n.read("fstab-before"));

        // A reboot where the fstab mount did not happen: the stand-in is the root volume's old copy again.
        n.boot(`run reboot
            snapshot ${TARGET} >"$OUT/after-reboot"`);
        const reboot = n.run("reboot");
        assert.equal(reboot.status, 0, reboot.log);
        assert.match(reboot.log, /already holds data; using it as it is/);
        assert.match(reboot.log, /already has an entry for \/var\/lib\/containerd/);
        assert.equal(n.read("after-reboot"), n.read("before"), "the pulled image survives, the old copy is not copied over it");
        assert.equal(n.uuid(), uuid, "not reformatted");
        assert.equal(entryFor(fs.readFileSync(n.fstab, "utf8")).length, 1);
    });

    test("waits for a device whose name appears late (the NVMe udev link)", () => {
        const n = node();
        const link = path.join(n.dir, "dev", "xvdb");
        n.boot(
            `( sleep 1; ln -s "$LOOP" ${link} ) &
            start=$(date +%s%N)
            run late
            echo $(( ($(date +%s%N) - start) / 1000000 )) >"$OUT/elapsed-ms"
            findmnt -n -o SOURCE --mountpoint ${TARGET} >"$OUT/mount"`,
            { CONTAINERD_VOLUME_DEVICE: link, CONTAINERD_VOLUME_WAIT_SECONDS: "20" },
        );
        const { status, log } = n.run("late");
        assert.equal(status, 0, log);
        assert.equal(n.read("mount").trim(), n.loop);
        const elapsed = Number(n.read("elapsed-ms"));
        assert.ok(elapsed >= 900 && elapsed < 20_000, `${elapsed} ms`);
    });

    test("a device that never appears: the root volume stays in use, a clear log line, exit 0", () => {
        const n = node();
        const missing = path.join(n.dir, "dev", "missing");
        n.boot(
            `run missing
            if mountpoint -q ${TARGET}; then echo mounted; else echo not-mounted; fi >"$OUT/mounted"
            snapshot ${TARGET} >"$OUT/root-volume"`,
            { CONTAINERD_VOLUME_DEVICE: missing, CONTAINERD_VOLUME_WAIT_SECONDS: "1" },
        );
        const { status, log } = n.run("missing");
        assert.equal(status, 0, log);
        assert.equal(log.trim(), `containerd-volume: no block device at ${missing} after 1s; containerd stays on the root volume`);
        assert.equal(n.read("mounted").trim(), "not-mounted");
        assert.equal(n.read("root-volume"), n.fixtureSnapshot());
        assert.equal(fs.readFileSync(n.fstab, "utf8"), FSTAB_BEFORE);
        assert.equal(fs.existsSync(n.dropIn), false);
    });

    test("without mkfs.xfs: a loud line in the log, exit 1, the volume left blank and containerd on the root volume", () => {
        const n = node();
        // Inside this namespace only, mkfs.xfs's directory is replaced by a copy without it.
        n.boot(`sbin=$(dirname "$(readlink -f "$(command -v mkfs.xfs)")")
            mkdir "$OUT/sbin" && mount -t tmpfs tmpfs "$OUT/sbin" && cp -a "$sbin/." "$OUT/sbin/" && rm "$OUT/sbin/mkfs.xfs"
            mount --bind "$OUT/sbin" "$sbin"
            if command -v mkfs.xfs >/dev/null; then echo found; else echo gone; fi >"$OUT/mkfs"
            run nomkfs
            if mountpoint -q ${TARGET}; then echo mounted; else echo not-mounted; fi >"$OUT/mounted"
            snapshot ${TARGET} >"$OUT/root-volume"`);
        assert.equal(n.read("mkfs").trim(), "gone", "the test could not hide mkfs.xfs");
        const { status, log } = n.run("nomkfs");
        assert.equal(status, 1, log);
        assert.equal(
            log.trim(),
            `containerd-volume: ERROR: mkfs.xfs is not installed (xfsprogs); ${n.loop} stays blank and containerd stays on the root volume`,
        );
        assert.equal(n.read("mounted").trim(), "not-mounted");
        assert.equal(n.read("root-volume"), n.fixtureSnapshot());
        assert.equal(sh(`blkid -p ${n.loop}`).status, 2, "no signature written");
        assert.equal(fs.readFileSync(n.fstab, "utf8"), FSTAB_BEFORE);
    });

    test("a device with a signature that is not a filesystem is neither formatted nor mounted", () => {
        const n = node();
        assert.equal(sh(`mkswap ${n.loop}`).status, 0);
        n.boot(`run swap
            if mountpoint -q ${TARGET}; then echo mounted; else echo not-mounted; fi >"$OUT/mounted"`);
        const { status, log } = n.run("swap");
        assert.equal(status, 0, log);
        assert.match(log, /carries a signature that is not a filesystem; not touching it/);
        assert.equal(n.read("mounted").trim(), "not-mounted");
        assert.equal(sh(`blkid -p -o value -s TYPE ${n.loop}`).stdout.trim(), "swap");
        assert.equal(fs.readFileSync(n.fstab, "utf8"), FSTAB_BEFORE);
    });
});

describe("containerd-volume.sh ensure-pause-image (run by containerd's ExecStartPost)", () => {
    /** Runs the check with the stubs; `state` files switch the stub ctr's behaviour. */
    function check(state: string[]) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pause-check-"));
        try {
            writeStubs(path.join(dir, "bin"));
            for (const file of state) fs.writeFileSync(path.join(dir, file), "");
            const calls = path.join(dir, "calls");
            const run = spawnSync("bash", [SCRIPT, "ensure-pause-image"], {
                encoding: "utf8",
                env: { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, STUB_CALLS: calls, STUB_STATE: dir },
            });
            return { status: run.status, log: run.stdout + run.stderr, calls: fs.readFileSync(calls, "utf8").trim().split("\n") };
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }

    test("a present pause image is left alone", () => {
        const r = check(["pause-present"]);
        assert.equal(r.status, 0, r.log);
        assert.equal(r.log.trim(), "containerd-volume: localhost/kubernetes/pause is present");
        assert.deepEqual(r.calls, ["ctr --namespace k8s.io images ls --quiet"]);
    });

    test("a missing pause image is imported from /etc/eks/pause.tar and pinned (an image with a longer name does not count)", () => {
        const r = check([]);
        assert.equal(r.status, 0, r.log);
        assert.deepEqual(r.calls, [
            "ctr --namespace k8s.io images ls --quiet",
            "ctr --namespace k8s.io images import /etc/eks/pause.tar",
            "ctr --namespace k8s.io images ls --quiet",
            "ctr --namespace k8s.io images label localhost/kubernetes/pause:0.1.0 io.cri-containerd.pinned=pinned",
        ]);
        assert.match(r.log, /imported localhost\/kubernetes\/pause:0\.1\.0/);
    });

    test("a failed import is logged and fails the check (the drop-in's '-' keeps containerd running)", () => {
        const r = check(["import-fails"]);
        assert.equal(r.status, 1);
        assert.match(
            r.log,
            /could not import \/etc\/eks\/pause\.tar; pod sandboxes will fail until localhost\/kubernetes\/pause is present/,
        );
    });
});

describe("containerd-volume.sh static checks", () => {
    test("shellcheck reports nothing", (t) => {
        if (spawnSync("shellcheck", ["--version"]).status !== 0)
            return t.skip("shellcheck is not installed (apt-get install -y shellcheck)");
        const r = spawnSync("shellcheck", ["--shell=bash", "--severity=style", SCRIPT], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stdout + r.stderr);
    });

    test("an unknown command is refused with its usage", () => {
        const r = spawnSync("bash", [SCRIPT, "format-everything"], { encoding: "utf8" });
        assert.equal(r.status, 2);
        assert.match(r.stderr, /usage: .* \[setup\|ensure-pause-image\]/);
    });
});
