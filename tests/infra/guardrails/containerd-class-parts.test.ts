/**
 * Rule containerd-store-kept on a rendered AL2023 EC2NodeClass whose own user-data parts follow the
 * library's containerd-volume part. Once that part has carried the store over to the data volume
 * (/dev/xvdb, mounted on /var/lib/containerd), anything that hides, replaces or empties what is there
 * loses it; carrying it over again passes. cloud-config parts run by cloud-init's stages, not in
 * document order: their bootcmd and mounts run before the containerd part. Each case has its control.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containerdStoreKept } from "../../../infra/guardrails/containerd";
import { TYPES } from "../../../infra/model/tokens";
import { renderEC2NodeClass } from "../../../infra/nodes/ec2-node-class";
import { UserDataFormat } from "../../../infra/nodes/user-data";
import { messages } from "./fixtures";

type Part = { format: UserDataFormat; content: string };
const shell = (body: string): Part => ({ format: UserDataFormat.Shell, content: `#!/bin/bash\nset -euo pipefail\n${body}\n` });
const cloudConfig = (body: string): Part => ({ format: UserDataFormat.CloudConfig, content: `#cloud-config\n${body}\n` });

/** The rule's messages on a rendered class with these parts after the containerd-volume part. */
function check(...userData: Part[]): { messages: string[]; userData: string } {
    const rendered = renderEC2NodeClass({ name: "team", clusterName: "prod", role: "node", userData });
    const resource = { type: TYPES.ec2NodeClass, name: "team", inputs: rendered as unknown as Record<string, unknown> };
    return { messages: messages(containerdStoreKept, [resource]), userData: rendered.spec.userData! };
}

/** Refused at the (last) line that reads `line`, quoting the command as `quoted`. */
function refusedAs(effect: RegExp, line: string, quoted: string, ...parts: Part[]): void {
    const result = check(...parts);
    const at = result.userData.split("\n").lastIndexOf(line) + 1;
    assert.ok(at > 0, `${line} is in the user data`);
    assert.equal(result.messages.length, 1, result.messages.join("\n"));
    const [message] = result.messages;
    assert.ok(
        message.startsWith(`EC2NodeClass "team" user data line ${at} (\`${quoted}\`) `),
        `expected line ${at} (${quoted}) in:\n${message}`,
    );
    assert.match(message, effect);
}

/** Refused at the (last) line that reads `line`, quoting that line. */
const refused = (effect: RegExp, line: string, ...parts: Part[]) => refusedAs(effect, line, line.trim(), ...parts);

const passes = (...userData: Part[]) => assert.deepEqual(check(...userData).messages, []);

/** A fresh volume seeded through a temporary mount, then mounted on the store's path: carrying it over again. */
const CARRY_OVER = [
    "mkfs -t xfs /dev/nvme2n1",
    "mkdir -p /mnt/new",
    "mount /dev/nvme2n1 /mnt/new",
    "cp -a /var/lib/containerd/. /mnt/new/",
    "umount /mnt/new",
].join("\n");

describe("a class's shell part after the containerd part", () => {
    it("the stock class alone keeps the store (control for all below)", () => {
        passes();
        passes(shell("sysctl -w vm.max_map_count=262144"));
    });

    it("mounting another blank volume over the carried-over store loses it; carrying it over again passes", () => {
        refused(
            /mounts a volume over \/var\/lib\/containerd that holds none of its contents/,
            "mount /dev/nvme2n1 /var/lib/containerd",
            shell("mkfs -t xfs /dev/nvme2n1\nmount /dev/nvme2n1 /var/lib/containerd"),
        );
        passes(shell(`${CARRY_OVER}\nmount /dev/nvme2n1 /var/lib/containerd`));
        passes(shell("mkfs -t xfs /dev/nvme2n1\nmkdir -p /data\nmount /dev/nvme2n1 /data"));
    });

    it("a tmpfs over it loses it; a tmpfs elsewhere passes", () => {
        refused(
            /mounts an empty tmpfs over \/var\/lib\/containerd/,
            "mount -t tmpfs tmpfs /var/lib/containerd",
            shell("mount -t tmpfs tmpfs /var/lib/containerd"),
        );
        refused(
            /mounts an empty tmpfs/,
            "mount -t tmpfs -o size=1g none /var/lib/containerd",
            shell("mount -t tmpfs -o size=1g none /var/lib/containerd"),
        );
        passes(shell("mkdir -p /run/scratch\nmount -t tmpfs tmpfs /run/scratch"));
    });

    it("a bind mount of an empty directory over it loses it; of a directory the store was copied to passes", () => {
        refused(
            /bind-mounts \/data\/containerd, which holds none of its contents, over \/var\/lib\/containerd/,
            "mount --bind /data/containerd /var/lib/containerd",
            shell("mkdir -p /data/containerd\nmount --bind /data/containerd /var/lib/containerd"),
        );
        refused(
            /bind-mounts/,
            "mount -o bind,noatime /data/containerd /var/lib/containerd",
            shell("mkdir -p /data/containerd\nmount -o bind,noatime /data/containerd /var/lib/containerd"),
        );
        passes(
            shell(
                "mkdir -p /data/containerd\ncp -a /var/lib/containerd/. /data/containerd/\nmount --bind /data/containerd /var/lib/containerd",
            ),
        );
    });

    it("unmounting the store's volume, formatting it and mounting it back loses it; mounting it back as it is passes", () => {
        refused(
            /mounts a volume over \/var\/lib\/containerd that holds none/,
            "mount /dev/xvdb /var/lib/containerd",
            shell("umount /var/lib/containerd\nmkfs.xfs -f /dev/xvdb\nmount /dev/xvdb /var/lib/containerd"),
        );
        passes(shell("umount /var/lib/containerd\nmount /dev/xvdb /var/lib/containerd"));
        // Unmounted, the root volume's copy (the containerd part never deletes it) shows again.
        passes(shell("umount /var/lib/containerd"));
        // Emptying what shows once it is unmounted loses it too.
        refused(/deletes the contents/, "rm -rf /var/lib/containerd/*", shell("umount /var/lib/containerd\nrm -rf /var/lib/containerd/*"));
    });

    it("formatting the store's device while it is mounted loses it; formatting another device passes", () => {
        refused(/formats the volume that holds \/var\/lib\/containerd/, "mkfs.xfs -f /dev/xvdb", shell("mkfs.xfs -f /dev/xvdb"));
        passes(shell("mkfs.xfs -f /dev/nvme2n1"));
    });

    it("an fstab entry for another volume over it loses it (at mount -a or the next boot); one for elsewhere, or for the store's own volume, passes", () => {
        const entry = "/dev/nvme2n1 /var/lib/containerd xfs defaults,nofail 0 2";
        refused(
            /mounts a volume over \/var\/lib\/containerd that holds none/,
            entry,
            shell(`mkfs -t xfs /dev/nvme2n1\ncat >> /etc/fstab <<'EOF'\n${entry}\nEOF`),
        );
        refused(/mounts a volume/, "mount -a", shell(`mkfs -t xfs /dev/nvme2n1\necho '${entry}' >> /etc/fstab\nmount -a`));
        refused(
            /mounts an empty tmpfs/,
            "tmpfs /var/lib/containerd tmpfs defaults 0 0",
            shell("cat >> /etc/fstab <<'EOF'\ntmpfs /var/lib/containerd tmpfs defaults 0 0\nEOF"),
        );
        passes(shell(`mkfs -t xfs /dev/nvme2n1\necho '/dev/nvme2n1 /data xfs defaults,nofail 0 2' >> /etc/fstab\nmount -a`));
        passes(shell("echo '/dev/xvdb /var/lib/containerd xfs defaults,nofail 0 0' >> /etc/fstab"));
        passes(shell(`${CARRY_OVER}\necho '${entry}' >> /etc/fstab\nmount /var/lib/containerd`));
    });

    it("a systemd mount unit for another volume over it loses it; one for elsewhere passes", () => {
        const unit = (where: string) =>
            shell(
                `cat > /etc/systemd/system/${where === "/data" ? "data" : "var-lib-containerd"}.mount <<'EOF'\n[Mount]\nWhat=/dev/nvme2n1\nWhere=${where}\nType=xfs\nEOF\nsystemctl daemon-reload\nsystemctl enable --now ${where === "/data" ? "data" : "var-lib-containerd"}.mount`,
            );
        refused(
            /mounts a volume over \/var\/lib\/containerd that holds none/,
            "systemctl enable --now var-lib-containerd.mount",
            unit("/var/lib/containerd"),
        );
        passes(unit("/data"));
    });

    it("emptying it loses it; emptying another directory passes", () => {
        refused(/deletes the contents of \/var\/lib\/containerd/, "rm -rf /var/lib/containerd/*", shell("rm -rf /var/lib/containerd/*"));
        refused(
            /deletes the contents/,
            "find /var/lib/containerd -mindepth 1 -delete",
            shell("find /var/lib/containerd -mindepth 1 -delete"),
        );
        passes(shell("rm -rf /var/lib/kubelet/pods/*"));
    });

    it("a second shell part is read after the first", () => {
        refused(
            /mounts a volume/,
            "mount /dev/nvme2n1 /var/lib/containerd",
            shell("echo first"),
            shell("mount /dev/nvme2n1 /var/lib/containerd"),
        );
        passes(shell(CARRY_OVER), shell("mount /dev/nvme2n1 /var/lib/containerd"));
    });
});

describe("a class's cloud-config part runs by cloud-init's stages, around the containerd part", () => {
    it("mounts over the store run before the containerd part: even its own volume is mounted blank first", () => {
        // The same mount in a shell part runs after the containerd part, on the volume it seeded: kept.
        passes(shell("mount /dev/xvdb /var/lib/containerd"));
        refused(
            /mounts a volume over \/var\/lib\/containerd that holds none of its contents/,
            '  - [ /dev/xvdb, /var/lib/containerd, xfs, "defaults,nofail", "0", "2" ]',
            cloudConfig('mounts:\n  - [ /dev/xvdb, /var/lib/containerd, xfs, "defaults,nofail", "0", "2" ]'),
        );
        refused(
            /mounts a volume/,
            "  - [ /dev/nvme2n1, /var/lib/containerd ]",
            cloudConfig("fs_setup:\n  - device: /dev/nvme2n1\n    filesystem: xfs\nmounts:\n  - [ /dev/nvme2n1, /var/lib/containerd ]"),
        );
        passes(cloudConfig("fs_setup:\n  - device: /dev/nvme2n1\n    filesystem: xfs\nmounts:\n  - [ /dev/nvme2n1, /data ]"));
    });

    it("a part placed after the shell parts still mounts first", () => {
        refused(
            /mounts a volume/,
            "  - [ /dev/nvme2n1, /var/lib/containerd ]",
            shell("echo shell part"),
            cloudConfig("mounts:\n  - [ /dev/nvme2n1, /var/lib/containerd ]"),
        );
    });

    it("bootcmd that carries the store over before mounts runs passes, unless fs_setup then overwrites the volume", () => {
        const seed = CARRY_OVER.split("\n").map((c) => `  - ${c}`);
        const config = (overwrite: boolean) =>
            cloudConfig(
                [
                    "bootcmd:",
                    ...seed,
                    "fs_setup:",
                    "  - device: /dev/nvme2n1",
                    "    filesystem: xfs",
                    ...(overwrite ? ["    overwrite: true"] : []),
                    "mounts:",
                    "  - [ /dev/nvme2n1, /var/lib/containerd ]",
                ].join("\n"),
            );
        passes(config(false));
        // disk_setup (fs_setup) runs after bootcmd and before mounts.
        refused(/mounts a volume/, "  - [ /dev/nvme2n1, /var/lib/containerd ]", config(true));
    });

    it("bootcmd that empties the store runs before the containerd part, which then copies nothing", () => {
        refusedAs(
            /deletes the contents/,
            "  - rm -rf /var/lib/containerd/*",
            "rm -rf /var/lib/containerd/*",
            cloudConfig("bootcmd:\n  - rm -rf /var/lib/containerd/*"),
        );
        passes(cloudConfig("bootcmd:\n  - rm -rf /var/tmp/*"));
    });

    it("runcmd runs after the containerd part (and after every shell part)", () => {
        refusedAs(
            /mounts a volume/,
            "  - [ mount, /dev/nvme2n1, /var/lib/containerd ]",
            "'mount' '/dev/nvme2n1' '/var/lib/containerd'",
            cloudConfig("runcmd:\n  - [ mount, /dev/nvme2n1, /var/lib/containerd ]"),
        );
        // Seeded by a shell part that comes after it in the document: that part runs first.
        passes(cloudConfig("runcmd:\n  - [ mount, /dev/nvme2n1, /var/lib/containerd ]"), shell(CARRY_OVER));
    });

    it("a later cloud-config part's key replaces an earlier one's, as cloud-init merges them", () => {
        const mount = cloudConfig("mounts:\n  - [ /dev/nvme2n1, /var/lib/containerd ]");
        passes(mount, cloudConfig("mounts:\n  - [ /dev/nvme2n1, /data ]"));
        refused(/mounts a volume/, "  - [ /dev/nvme2n1, /var/lib/containerd ]", cloudConfig("mounts:\n  - [ /dev/nvme2n1, /data ]"), mount);
    });
});
