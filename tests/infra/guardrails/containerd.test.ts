/**
 * Rule containerd-store-kept, over real-world user data: the seed guides' broken and fixed scripts
 * (shared/seeds/000_*, 002_*), cloud-config, MIME multi-part and other common ways to move the store.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containerdStoreKept } from "../../../infra/guardrails/containerd";
import { containerdStoreLoss } from "../../../infra/guardrails/user-data";
import { renderEC2NodeClass } from "../../../infra/nodes/ec2-node-class";
import { ec2NodeClass, messages } from "./fixtures";
import { SEED_COMMUNITY, SEED_KARPENTER, SEED_MOVE_BACK, SEED_TEMP_MOUNT } from "./seed-scripts";

const mime = (script: string) => `MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/x-shellscript; charset="us-ascii"

${script}

--BOUNDARY
Content-Type: application/node.eks.aws

apiVersion: node.eks.aws/v1alpha1
kind: NodeConfig
spec:
  kubelet:
    config:
      maxPods: 110

--BOUNDARY--`;

const kept = (userData: string) => assert.equal(containerdStoreLoss(userData), undefined, userData);
const lostAt = (userData: string, line: number, effect: RegExp) => {
    const loss = containerdStoreLoss(userData);
    assert.ok(loss, `expected a loss in:\n${userData}`);
    assert.equal(loss.line, line);
    assert.match(loss.effect, effect);
};

describe("containerdStoreLoss", () => {
    it("finds the seed guides' broken scripts", () => {
        lostAt(SEED_COMMUNITY, 4, /^deletes the contents of \/var\/lib\/containerd$/);
        lostAt(SEED_KARPENTER, 5, /^mounts a volume over \/var\/lib\/containerd that holds none of its contents$/);
    });

    it("accepts the seed guides' fixed scripts", () => {
        kept(SEED_MOVE_BACK);
        kept(SEED_TEMP_MOUNT);
    });

    it("reads shell parts of MIME multi-part user data, with line numbers of the whole document", () => {
        lostAt(mime(SEED_KARPENTER), 11, /mounts a volume/);
        kept(mime(SEED_TEMP_MOUNT));
    });

    it("accepts user data that leaves the store alone", () => {
        kept("");
        kept(mime("#!/bin/bash\necho 'vm.max_map_count=262144' >> /etc/sysctl.conf\nsysctl -p"));
        kept('[settings.kubernetes]\nmax-pods = 110\n[settings.bootstrap-containers.setup]\nsource = "x"');
        kept(
            "#!/bin/bash\nmkfs.xfs /dev/xvdc\nmkdir -p /data\nmount /dev/xvdc /data\necho '/dev/xvdc /data xfs defaults 0 2' >> /etc/fstab",
        );
    });

    it("finds an fstab entry mounted later, or only at the next boot", () => {
        lostAt(
            "mkfs.xfs /dev/xvdb\necho '/dev/xvdb /var/lib/containerd xfs defaults,nofail 0 2' | sudo tee -a /etc/fstab\nmount -a",
            3,
            /mounts a volume/,
        );
        lostAt(
            "mkfs.xfs /dev/xvdb\ncat >> /etc/fstab <<EOF\n/dev/xvdb /var/lib/containerd xfs defaults 0 2\nEOF\necho done",
            3,
            /mounts a volume/,
        );
        lostAt('printf "%s\\n" "/dev/xvdb /var/lib/containerd xfs defaults 0 2" >> /etc/fstab', 1, /mounts a volume/);
    });

    it("finds a systemd mount unit and cloud-config mounts", () => {
        const unit =
            "cat > /etc/systemd/system/var-lib-containerd.mount <<'EOF'\n[Mount]\nWhat=/dev/xvdb\nWhere=/var/lib/containerd\nType=xfs\nEOF\nsystemctl daemon-reload\nsystemctl enable --now var-lib-containerd.mount";
        lostAt(unit, 8, /mounts a volume/);
        lostAt(
            '#cloud-config\nfs_setup:\n  - device: /dev/xvdb\n    filesystem: xfs\nmounts:\n  - [ /dev/xvdb, /var/lib/containerd, xfs, "defaults,nofail", "0", "2" ]',
            6,
            /mounts a volume/,
        );
    });

    it("follows cloud-config runcmd, sh -c, variables and && lists", () => {
        const runcmd = "#cloud-config\nruncmd:\n  - mkfs.xfs /dev/xvdb\n  - [ mount, /dev/xvdb, /var/lib/containerd ]";
        lostAt(runcmd, 4, /mounts a volume/);
        lostAt(
            'DEV=/dev/nvme1n1; TARGET=${CONTAINERD_DIR:-/var/lib/containerd}\nmkfs.xfs "$DEV" && mount "$DEV" "$TARGET"',
            2,
            /mounts a volume/,
        );
        lostAt("bash -c 'mount /dev/xvdb /var/lib/containerd'", 1, /mounts a volume/);
        const seeded =
            '#cloud-config\nruncmd:\n  - mkdir -p /mnt/c && mount /dev/xvdb /mnt/c\n  - "cp -a /var/lib/containerd/. /mnt/c/ && umount /mnt/c"\n  - [ mount, /dev/xvdb, /var/lib/containerd ]';
        kept(seeded);
    });

    it("accepts rsync of the contents and a bind mount of a seeded directory", () => {
        kept("mount /dev/xvdb /mnt/new\nrsync -aHAX /var/lib/containerd/ /mnt/new/\numount /mnt/new\nmount /dev/xvdb /var/lib/containerd");
        kept(
            "mount /dev/xvdb /data\nmkdir -p /data/containerd\ncp -a /var/lib/containerd/. /data/containerd/\nmount --bind /data/containerd /var/lib/containerd",
        );
        kept(
            "mv /var/lib/containerd /var/lib/containerd.orig\nmkdir /var/lib/containerd\nmount /dev/xvdb /var/lib/containerd\ncp -a /var/lib/containerd.orig/. /var/lib/containerd/",
        );
    });

    it("refuses copies that do not carry the store over", () => {
        // cp without -a loses ownership and modes; the store must be copied as an archive.
        lostAt(
            "mount /dev/xvdb /mnt/new\ncp -r /var/lib/containerd/. /mnt/new/\numount /mnt/new\nmount /dev/xvdb /var/lib/containerd",
            4,
            /mounts a volume/,
        );
        // Copying the directory itself nests it: the volume holds containerd/, not the store.
        lostAt(
            "mount /dev/xvdb /mnt/new\ncp -a /var/lib/containerd /mnt/new/\numount /mnt/new\nmount /dev/xvdb /var/lib/containerd",
            4,
            /mounts a volume/,
        );
        // Saved aside but never copied back.
        lostAt("cp -a /var/lib/containerd/. /root/backup/\nmount /dev/xvdb /var/lib/containerd", 2, /mounts a volume/);
        // Seeded, then formatted again.
        lostAt(
            "mount /dev/xvdb /mnt/new\ncp -a /var/lib/containerd/. /mnt/new/\numount /mnt/new\nmkfs.xfs -f /dev/xvdb\nmount /dev/xvdb /var/lib/containerd",
            5,
            /mounts a volume/,
        );
        // Moved away and never back.
        lostAt(
            "mv /var/lib/containerd/* /tmp/c/\nmount /dev/xvdb /var/lib/containerd",
            1,
            /^moves the contents of \/var\/lib\/containerd away$/,
        );
    });

    it("does not count an fstab entry for the volume it already mounted and filled", () => {
        kept(
            "mv /var/lib/containerd/* /tmp/c/\nmount /dev/xvdb /var/lib/containerd\nmv /tmp/c/* /var/lib/containerd/\necho '/dev/xvdb /var/lib/containerd xfs defaults 0 2' >> /etc/fstab",
        );
    });
});

describe("rule containerd-store-kept", () => {
    it("accepts an EC2NodeClass whose user data seeds the volume", () => {
        assert.deepEqual(messages(containerdStoreKept, [ec2NodeClass("containerd-volume", { userData: SEED_TEMP_MOUNT })]), []);
        assert.deepEqual(messages(containerdStoreKept, [ec2NodeClass("plain", {})]), []);
    });

    it("refuses one that mounts a blank volume over the store, quoting the line", () => {
        const [message] = messages(containerdStoreKept, [ec2NodeClass("containerd-volume", { userData: SEED_KARPENTER })]);
        assert.match(
            message,
            /^EC2NodeClass "containerd-volume" user data line 5 \(`mount \/dev\/xvdb \/var\/lib\/containerd`\) mounts a volume over \/var\/lib\/containerd that holds none of its contents, and nothing copies them back\. /,
        );
        assert.match(
            message,
            /Why: AL2023 AMIs ship the sandbox image localhost\/kubernetes\/pause inside \/var\/lib\/containerd and never pull it again/,
        );
        assert.match(message, /the node never becomes Ready/);
        assert.match(
            message,
            /Fix: Carry the store over: mount the new volume at a temporary path, `cp -a \/var\/lib\/containerd\/\. <tmp>\/`/,
        );
    });
});

describe("containerdStoreLoss parses shell with a real bash parser (mvdan/sh)", () => {
    it("sees the command after a quoted ) inside $(...)", () => {
        lostAt('x=$(echo ")"); mount /dev/xvdb /var/lib/containerd', 1, /mounts a volume/);
        lostAt('LABEL="$(blkid -o value -s LABEL /dev/xvdb || echo "(none)")"\nmount /dev/xvdb /var/lib/containerd', 2, /mounts a volume/);
    });

    it("normalises paths: doubled slashes, ., .. and paths relative to cd", () => {
        lostAt("mount /dev/xvdb /var/lib//containerd", 1, /mounts a volume/);
        lostAt("rm -rf /var/lib/./containerd/*", 1, /deletes the contents/);
        lostAt("rm -rf /var/lib/kubelet/../containerd/io.containerd.content.v1.content", 1, /deletes the contents/);
        lostAt("cd /var/lib && rm -rf containerd/*", 1, /deletes the contents/);
        kept("cd /var/lib/kubelet && rm -rf containerd/*");
    });

    it("runs a for loop's body once per item", () => {
        lostAt(
            'for d in /var/lib/kubelet /var/lib/containerd; do\n  rm -rf "$d"/*\ndone',
            2,
            /^deletes the contents of \/var\/lib\/containerd$/,
        );
        lostAt("DIRS='/var/log/journal /var/lib/containerd'\nfor d in $DIRS; do rm -rf $d/*; done", 2, /deletes the contents/);
        kept("for d in /var/lib/kubelet /tmp/x; do rm -rf $d/*; done");
    });

    it("runs what eval, sh -c and bash <<EOF run", () => {
        lostAt(`CMD='rm -rf /var/lib/containerd/*'\neval "$CMD"`, 2, /deletes the contents/);
        lostAt('eval mount /dev/xvdb "/var/lib/containerd"', 1, /mounts a volume/);
        lostAt("bash <<'EOF'\nrm -rf /var/lib/containerd/*\nEOF", 2, /deletes the contents/);
    });

    it("follows xargs and find", () => {
        lostAt("echo /var/lib/containerd | xargs rm -rf", 1, /deletes the contents/);
        lostAt("find /var/lib/containerd -mindepth 1 -maxdepth 1 | xargs -r rm -rf", 1, /deletes the contents/);
        lostAt("find /var/lib/containerd -mindepth 1 -print0 | xargs -0 -n 10 sudo rm -rf", 1, /deletes the contents/);
        lostAt("find /var/lib/containerd -mindepth 1 -delete", 1, /deletes the contents/);
        lostAt("find /var/lib/containerd -mindepth 1 -exec rm -rf {} +", 1, /deletes the contents/);
        kept("echo /tmp/old | xargs rm -rf");
        kept("find /var/lib/containerd -name '*.tmp' -delete");
    });

    it("does not run a here-document that is only written to a file, but runs the file when the script does", () => {
        const later =
            "cat > /usr/local/bin/later.sh <<'EOF'\nrm -rf /var/lib/containerd/*\nmount /dev/xvdb /var/lib/containerd\nEOF\nchmod +x /usr/local/bin/later.sh";
        kept(later);
        kept("cat > /etc/motd <<EOF\nmount /dev/xvdb /var/lib/containerd\nEOF");
        lostAt(`${later}\n/usr/local/bin/later.sh`, 2, /deletes the contents/);
        lostAt(`${later}\nbash /usr/local/bin/later.sh`, 2, /deletes the contents/);
    });

    it("follows functions when they are called, and case branches that match", () => {
        lostAt("wipe() {\n  rm -rf /var/lib/containerd/*\n}\necho start\nwipe", 2, /deletes the contents/);
        lostAt('seed() { mount "$1" "$2"; }\nseed /dev/xvdb /var/lib/containerd', 1, /mounts a volume/);
        kept("wipe() { rm -rf /var/lib/containerd/*; }");
        lostAt('case "${1:-setup}" in\n  setup) mount /dev/xvdb /var/lib/containerd ;;\nesac', 2, /mounts a volume/);
        kept("case setup in\n  check) mount /dev/xvdb /var/lib/containerd ;;\nesac");
    });

    it("follows the real containerd-volume script's functions: without its copy, its mount loses the store", () => {
        const userData = renderEC2NodeClass({ name: "default", clusterName: "prod", role: "node" }).spec.userData!;
        kept(userData);
        const copy = /^\s*cp -a "\$TARGET\/\." "\$STAGING\/"\n/m;
        assert.match(userData, copy);
        const loss = containerdStoreLoss(userData.replace(copy, ""));
        assert.equal(loss?.command, 'mount -o noatime "$dev" "$TARGET"');
    });

    it("reports user data that is not valid bash instead of guessing", () => {
        assert.deepEqual(containerdStoreLoss("#!/bin/bash\necho ok\nmount /dev/xvdb '/var/lib/containerd"), {
            kind: "unreadable",
            line: 3,
            command: "mount /dev/xvdb '/var/lib/containerd",
            effect: "is not valid bash (reached EOF without closing quote ')",
        });
        const [message] = messages(containerdStoreKept, [
            ec2NodeClass("broken", { userData: "if true; then\nmount /dev/xvdb /var/lib/containerd" }),
        ]);
        assert.match(
            message,
            /^EC2NodeClass "broken" user data line \d+ \(`.*`\) is not valid bash \(.*\), so whether it keeps \/var\/lib\/containerd cannot be checked\./,
        );
    });
});

describe("containerdStoreLoss tells volumes apart by device, and runs parts in cloud-init's order", () => {
    const multipart = (...parts: [string, string][]) =>
        [
            "MIME-Version: 1.0",
            'Content-Type: multipart/mixed; boundary="B"',
            "",
            ...parts.flatMap(([type, body]) => ["--B", `Content-Type: ${type}`, "", body]),
            "--B--",
        ].join("\n");
    const seeded = "mkdir -p /mnt/n\nmount /dev/xvdb /mnt/n\ncp -a /var/lib/containerd/. /mnt/n/\numount /mnt/n";

    it("a seeded volume does not vouch for another device, nor for one only known on the node", () => {
        kept(`${seeded}\nmount /dev/xvdb /var/lib/containerd`);
        lostAt(`${seeded}\nmount /dev/xvdc /var/lib/containerd`, 5, /mounts a volume/);
        lostAt(`${seeded}\nDEV=$(lsblk -dpno NAME | tail -1)\nmount "$DEV" /var/lib/containerd`, 6, /mounts a volume/);
        // The same device under its NVMe name is refused too (documented): the analysis cannot map names.
        lostAt(`${seeded}\nmount /dev/nvme1n1 /var/lib/containerd`, 5, /mounts a volume/);
    });

    it("a bind mount shows what is at its source: a copy, or a seeded volume mounted there again", () => {
        kept(`${seeded}\nmkdir -p /data\nmount /dev/xvdb /data\nmount --bind /data /var/lib/containerd`);
        // Unmounted, the temporary mount point is an empty directory again.
        lostAt(`${seeded}\nmount --bind /mnt/n /var/lib/containerd`, 5, /bind-mounts \/mnt\/n, which holds none of its contents/);
    });

    it("$(readlink -f X) and $(realpath X) name X's device", () => {
        kept(`D=$(readlink -f /dev/xvdb)\n${seeded.replace("mount /dev/xvdb", 'mount "$D"')}\nmount /dev/xvdb /var/lib/containerd`);
        kept(`D=$(realpath /dev/xvdb)\n${seeded}\nmount "$D" /var/lib/containerd`);
        lostAt(`D=$(readlink /dev/xvdb)\n${seeded}\nmount "$D" /var/lib/containerd`, 6, /mounts a volume/);
    });

    it("a boothook runs when the user data is read, before every shell part", () => {
        const script = `#!/bin/bash\n${seeded}\nmount /dev/xvdb /var/lib/containerd`;
        const hook = "#cloud-boothook\n#!/bin/bash\nmount /dev/xvdb /var/lib/containerd";
        kept(multipart(["text/x-shellscript", script], ["text/plain", "#!/bin/bash\nmount /dev/xvdb /var/lib/containerd"]));
        const loss = containerdStoreLoss(multipart(["text/x-shellscript", script], ["text/cloud-boothook", hook]));
        assert.equal(loss?.command, "mount /dev/xvdb /var/lib/containerd");
        assert.equal(loss?.line, 18);
    });

    it("cloud-config parts replace each other's keys, unless a part sets merge_how", () => {
        const mounts = (point: string, extra = "") => `#cloud-config\n${extra}mounts:\n  - [ /dev/xvdc, ${point} ]`;
        kept(multipart(["text/cloud-config", mounts("/var/lib/containerd")], ["text/cloud-config", mounts("/data")]));
        lostAt(
            multipart(
                ["text/cloud-config", mounts("/var/lib/containerd")],
                ["text/cloud-config", mounts("/data", "merge_how: list(append)+dict(recurse_array)\n")],
            ),
            9,
            /mounts a volume/,
        );
    });
});

describe("containerdStoreLoss keeps every fstab entry written for the store's path", () => {
    it("an entry written before the containerd part mounts its volume is still mounted at the next boot", () => {
        const entry = "/dev/nvme2n1 /var/lib/containerd xfs defaults,nofail 0 2";
        const script = renderEC2NodeClass({ name: "default", clusterName: "prod", role: "node" }).spec.userData!;
        const early = (line: string) =>
            script.replace(
                "Content-Type: text/x-shellscript",
                `Content-Type: text/cloud-config\n\n#cloud-config\nwrite_files:\n  - path: /etc/fstab\n    append: true\n    content: |\n      ${line}\n--==EKS-KARPENTER-USER-DATA==\nContent-Type: text/x-shellscript`,
            );
        const loss = containerdStoreLoss(early(entry));
        assert.equal(loss?.command, entry);
        assert.match(loss?.effect ?? "", /mounts a volume over \/var\/lib\/containerd that holds none of its contents/);
        kept(early("/dev/nvme2n1 /data xfs defaults,nofail 0 2"));
        // An entry for the data volume itself describes the containerd part's mount.
        kept(early("/dev/xvdb /var/lib/containerd xfs defaults,nofail 0 0"));
    });
});
