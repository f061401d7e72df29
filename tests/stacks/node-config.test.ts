/**
 * `eks-karpenter:nodes.classes`, `nodes.pools` and `nodes.defaultPools` through the stack program: the default
 * class and pools unchanged when neither is declared, the stack files' team pools, the README's examples,
 * bad settings named by their stack-file key before anything is registered, and the guardrails on what the
 * stack file declares (each with a negative control).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../../infra/errors";
import { GuardrailError } from "../../infra/guardrails/enforce";
import { ec2NodeClassErrors, nodePoolErrors } from "../infra/nodes/crds";
import { PROD_NODES, Program, REPO_ROOT, runProgram, stackConfig } from "../harness";
import { thrownBy } from "./failure";

const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";

/** A stack file's `nodes` without the keys this change adds: what it was on main. */
function nodesOf(stack: string): Record<string, unknown> {
    const nodes =
        stack === "prod" ? PROD_NODES : JSON.parse(stackConfig(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`))["eks-karpenter:nodes"]);
    const { classes: _c, pools: _p, defaultPools: _d, ...rest } = nodes;
    return rest;
}

const pools = (p: Program) => Object.fromEntries(p.ofType(NODE_POOL).map((r) => [r.inputs.metadata.name, r.inputs]));
const classes = (p: Program) => Object.fromEntries(p.ofType(NODE_CLASS).map((r) => [r.inputs.metadata.name, r.inputs]));

function allValid(p: Program): void {
    for (const c of p.ofType(NODE_CLASS)) assert.deepEqual(ec2NodeClassErrors(c.inputs), [], c.name);
    for (const np of p.ofType(NODE_POOL)) assert.deepEqual(nodePoolErrors(np.inputs), [], np.name);
}

describe("neither classes nor pools declared: the default class and pools as on main", () => {
    const main = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "default-nodes-main.json"), "utf8"));
    for (const stack of ["dev", "prod"]) {
        test(`${stack}: the same URNs and inputs`, async () => {
            const p = await runProgram(stack, { nodes: nodesOf(stack) });
            const nodes = p.resources
                .filter((r) => /KarpenterNodes|EC2NodeClass|NodePool/.test(r.urn))
                .map((r) => ({ urn: r.urn, inputs: r.inputs }));
            assert.deepEqual(nodes, main[stack]);
        });
    }
    test("negative control: a declared pool changes what is registered", async () => {
        const p = await runProgram("dev", { nodes: { ...nodesOf("dev"), pools: [TEAM_POOL] } });
        const urns = p.resources.filter((r) => /NodePool/.test(r.urn)).map((r) => r.urn);
        assert.notDeepEqual(
            urns,
            main.dev.filter((r: { urn: string }) => /NodePool/.test(r.urn)).map((r: { urn: string }) => r.urn),
        );
    });
});

/** The team pool of the stack files and the README. */
const TEAM_POOL = {
    name: "billing-team",
    nodeClassName: "default",
    weight: 80,
    labels: { "billing-team": "my-team" },
    taints: [{ key: "billing-team", value: "my-team", effect: "NoSchedule" }],
    architectures: ["arm64"],
    capacityTypes: ["spot", "on-demand"],
    instanceFamilies: ["c8g", "m8g", "r8g", "c7g", "m7g", "r7g"],
    limits: { cpu: "32", memory: "128Gi" },
};

for (const stack of ["dev", "prod"]) {
    describe(`${stack}: the stack file's team pool`, () => {
        test("registered beside the default pools, labelled and tainted for the team, valid against the CRD", async () => {
            const p = await runProgram(stack);
            const byName = pools(p);
            const team = byName["billing-team"];
            assert.ok(team, "the team pool");
            assert.ok(byName.arm64 && byName.amd64, "the default pools are kept");
            assert.deepEqual(team.spec.template.metadata.labels, { "billing-team": "my-team" });
            assert.deepEqual(team.spec.template.spec.taints, [{ key: "billing-team", value: "my-team", effect: "NoSchedule" }]);
            const excluded = team.spec.template.spec.requirements.find(
                (r: { key: string }) => r.key === "node.kubernetes.io/instance-type",
            );
            assert.equal(excluded.operator, "NotIn");
            assert.ok(excluded.values.includes("m8g.48xlarge"));
            allValid(p);
        });
    });
}

/** The YAML examples of the README's "Team classes and pools" section, by their marker. */
function readmeExample(marker: string): Record<string, unknown> {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const match = new RegExp(`<!-- example: ${marker} -->\\n\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(readme);
    assert.ok(match, `README example ${marker}`);
    return parse(match[1])["eks-karpenter:nodes"];
}

describe("the README's examples run through the dev program", () => {
    test("a team pool", async () => {
        const nodes = readmeExample("team-pool");
        const p = await runProgram("dev", { nodes: { ...nodesOf("dev"), ...nodes } });
        assert.ok(pools(p)["billing-team"]);
        allValid(p);
    });

    test("a GPU team pool: NVIDIA's device plugin follows it (dev has no GPU pool otherwise)", async () => {
        const plugin = (p: Program) =>
            p.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && /nvidia-device-plugin/.test(r.name));
        const without = await runProgram("dev", { nodes: nodesOf("dev") });
        assert.deepEqual(plugin(without), [], "negative control: no GPU pool, no plugin");
        const p = await runProgram("dev", { nodes: { ...nodesOf("dev"), ...readmeExample("gpu-team-pool") } });
        const gpu = pools(p)["ml-gpu"];
        assert.equal(gpu.spec.limits["nvidia.com/gpu"], "8");
        assert.equal(plugin(p).length, 1);
        allValid(p);
    });

    test("a custom-AMI class with kubelet settings and a script of its own, and the pool using it", async () => {
        const p = await runProgram("dev", { nodes: { ...nodesOf("dev"), ...readmeExample("custom-ami-class") } });
        const hardened = classes(p).hardened;
        assert.deepEqual(hardened.spec.amiSelectorTerms, [{ name: "hardened-al2023-eks-1.35-*", owner: "111122223333" }]);
        assert.equal(hardened.spec.amiFamily, "AL2023");
        assert.equal(hardened.spec.kubelet.maxPods, 110);
        assert.equal(hardened.spec.kubelet.imageGCHighThresholdPercent, 80);
        assert.match(hardened.spec.userData, /vm\.max_map_count/);
        assert.equal(hardened.spec.role, classes(p).default.spec.role, "the cluster's node role");
        assert.equal(pools(p).payments.spec.template.spec.nodeClassRef.name, "hardened");
        allValid(p);
    });
});

describe("nodes.defaultPools", () => {
    test("false: only the declared pools (the default class stays for them to use)", async () => {
        const { gpu: _gpu, ...devNodes } = nodesOf("dev");
        const p = await runProgram("dev", { nodes: { ...devNodes, pools: [TEAM_POOL], defaultPools: false } });
        assert.deepEqual(Object.keys(pools(p)), ["billing-team"]);
        assert.deepEqual(Object.keys(classes(p)), ["default"]);
    });
    test("false with no pools in their place is refused", async () => {
        const e = await thrownBy("dev", { nodes: { defaultPools: false } });
        assert.equal(e.message, "eks-karpenter:nodes.defaultPools: false is not valid; true, or pools in their place under nodes.pools");
    });
    test("false beside the default pools' options is refused, naming each", async () => {
        const e = await thrownBy("prod", { nodes: { spotPercent: 70, pools: [TEAM_POOL], defaultPools: false } });
        assert.match(e.message, /^eks-karpenter:nodes\.spotPercent: 70 is not valid; left out when defaultPools is false/);
    });
});

/** The config errors (one or several) of a run, as their messages. */
async function configErrors(stack: string, nodes: Record<string, unknown>): Promise<string[]> {
    const e = await thrownBy(stack, { nodes: { ...nodesOf(stack), ...nodes } });
    assert.ok(e instanceof ConfigError, `a ConfigError, not ${String(e)}`);
    return ("errors" in e ? (e as { errors: ConfigError[] }).errors : [e]).map((x) => x.message);
}

describe("bad classes and pools fail before any registration, named by their stack-file key", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
        [
            "a weight out of range",
            { pools: [TEAM_POOL, { ...TEAM_POOL, name: "other", weight: 0 }] },
            /^eks-karpenter:nodes\.pools\[1\]\.weight: 0 is not valid; a whole number from 1 to 100$/,
        ],
        [
            "a weight a default pool has",
            { pools: [{ ...TEAM_POOL, weight: 100 }] },
            /^eks-karpenter:nodes\.pools\[0\]\.weight: 100 is not valid; a weight no other pool has \(arm64 has it too\)/,
        ],
        [
            "a pool name that is not a DNS subdomain",
            { pools: [{ ...TEAM_POOL, name: "Billing Team" }] },
            /^eks-karpenter:nodes\.pools\[0\]\.name: "Billing Team" is not valid; a DNS-1123 subdomain/,
        ],
        [
            "a pool named like a default one",
            { pools: [{ ...TEAM_POOL, name: "arm64" }] },
            /^eks-karpenter:nodes\.pools: "arm64" is not valid; distinct names$/,
        ],
        [
            "a class no class has",
            { pools: [{ ...TEAM_POOL, nodeClassName: "bottlerocket" }] },
            /^eks-karpenter:nodes\.pools\[0\]\.nodeClassName: "bottlerocket" is not valid; one of the EC2NodeClasses: default$/,
        ],
        [
            "no memory limit",
            { pools: [{ ...TEAM_POOL, limits: { cpu: "32" } }] },
            /^eks-karpenter:nodes\.pools\[0\]\.limits\.memory: \(missing\) is not valid; required$/,
        ],
        [
            "a misspelt key",
            { pools: [{ ...TEAM_POOL, wieght: 5 }] },
            /^eks-karpenter:nodes\.pools\[0\]\.wieght: 5 is not valid; unknown key; known keys: name, nodeClassName, weight/,
        ],
        [
            "a budget with a schedule and no duration",
            { pools: [{ ...TEAM_POOL, disruption: { budgets: [{ nodes: "0", schedule: "0 9 * * mon-fri" }] } }] },
            /^eks-karpenter:nodes\.pools\[0\]\.disruption\.budgets\[0\]\.duration: "0 9 \* \* mon-fri" is not valid; schedule and duration together/,
        ],
        [
            "an excluded type that is no label value",
            { pools: [{ ...TEAM_POOL, excludedInstanceTypes: ["m8g 48xlarge"] }] },
            /^eks-karpenter:nodes\.pools\[0\]\.excludedInstanceTypes\[0\]: "m8g 48xlarge" is not valid/,
        ],
        [
            "a soft eviction threshold without grace period",
            { classes: [{ name: "team", kubelet: { evictionSoft: { "memory.available": "5%" } } }] },
            /^eks-karpenter:nodes\.classes\[0\]\.kubelet\.evictionSoftGracePeriod: \[\] is not valid; a grace period for exactly the signals of evictionSoft/,
        ],
        [
            "an AMI owner written as a number",
            { classes: [{ name: "team", amiSelectorTerms: [{ name: "x-*", owner: 111122223333 }] }] },
            /^eks-karpenter:nodes\.classes\[0\]\.amiSelectorTerms\[0\]\.owner: 111122223333 is not valid; Expected string, received number$/,
        ],
        [
            "a class name that is not a DNS subdomain",
            { classes: [{ name: "Team" }] },
            /^eks-karpenter:nodes\.classes\[0\]\.name: "Team" is not valid; a DNS-1123 subdomain/,
        ],
        [
            "the default class declared beside nodes.amiFamily",
            { amiFamily: "Bottlerocket", classes: [{ name: "default" }] },
            /^eks-karpenter:nodes\.amiFamily: "Bottlerocket" is not valid; left out when nodes\.classes\[0\] is the "default" class/,
        ],
    ];
    for (const [name, nodes, expected] of cases) {
        test(name, async () => {
            const messages = await configErrors("dev", nodes);
            assert.ok(
                messages.some((m) => expected.test(m)),
                messages.join("\n"),
            );
            for (const m of messages)
                assert.match(m, /^eks-karpenter:nodes\./, "every error by its stack-file key, none by a component's path");
        });
    }

    test("several at once: each named by its own key", async () => {
        const messages = await configErrors("dev", {
            classes: [{ name: "team", imdsHopLimit: 0 }],
            pools: [{ ...TEAM_POOL, nodeClassName: "team", zones: [] }],
        });
        assert.ok(
            messages.some((m) => m.startsWith("eks-karpenter:nodes.classes[0].imdsHopLimit: 0")),
            messages.join("\n"),
        );
        assert.ok(
            messages.some((m) => m.startsWith("eks-karpenter:nodes.pools[0].zones: []")),
            messages.join("\n"),
        );
    });
});

describe("the guardrails run on what the stack file declares", () => {
    const violation = async (nodes: Record<string, unknown>, rule: string) => {
        const e = await thrownBy("dev", { nodes: { ...nodesOf("dev"), ...nodes } });
        assert.ok(e instanceof GuardrailError, `a GuardrailError, not ${String(e)}`);
        assert.ok(
            e.violations.some((v) => v.rule === rule),
            e.message,
        );
        return e;
    };
    test("Spot diversity: a Spot pool of two families, and its control of six", async () => {
        const e = await violation({ pools: [{ ...TEAM_POOL, instanceFamilies: ["m8g", "m7g"] }] }, "spot-instance-diversity");
        assert.match(e.message, /NodePool "billing-team" allows Spot but only 2 instance families \(m8g, m7g; at least 3\)/);
        await runProgram("dev", { nodes: { ...nodesOf("dev"), pools: [TEAM_POOL] } });
    });
    test("containerd user data: a class's script that empties the store, and one that does not", async () => {
        const script = (body: string) => ({
            classes: [{ name: "team", userData: [{ format: "shell", content: `#!/bin/bash\n${body}\n` }] }],
            pools: [{ ...TEAM_POOL, nodeClassName: "team" }],
        });
        const e = await violation(script("rm -rf /var/lib/containerd/*"), "containerd-store-kept");
        assert.match(e.message, /EC2NodeClass "team" user data line \d+ \(`rm -rf \/var\/lib\/containerd\/\*`\) deletes the contents/);
        await violation(script("if then"), "containerd-store-kept");
        await runProgram("dev", { nodes: { ...nodesOf("dev"), ...script("sysctl -w vm.max_map_count=262144") } });
    });
    describe("containerd user data: a class's part that loses the store the containerd part carried over, and the same part keeping it", () => {
        const seed =
            "mkfs -t xfs /dev/nvme2n1\nmkdir -p /mnt/new\nmount /dev/nvme2n1 /mnt/new\ncp -a /var/lib/containerd/. /mnt/new/\numount /mnt/new";
        const shell = (body: string) => ({ format: "shell", content: `#!/bin/bash\n${body}\n` });
        const cloudConfig = (body: string) => ({ format: "cloud-config", content: `#cloud-config\n${body}\n` });
        const cases: { name: string; loses: object; command: string; effect: string; keeps: object }[] = [
            {
                name: "another blank volume mounted over it (control: carried over to it first)",
                loses: shell("mkfs -t xfs /dev/nvme2n1\nmount /dev/nvme2n1 /var/lib/containerd"),
                command: "mount /dev/nvme2n1 /var/lib/containerd",
                effect: "mounts a volume over /var/lib/containerd that holds none of its contents",
                keeps: shell(`${seed}\nmount /dev/nvme2n1 /var/lib/containerd`),
            },
            {
                name: "a tmpfs over it (control: elsewhere)",
                loses: shell("mount -t tmpfs tmpfs /var/lib/containerd"),
                command: "mount -t tmpfs tmpfs /var/lib/containerd",
                effect: "mounts an empty tmpfs over /var/lib/containerd",
                keeps: shell("mkdir -p /run/scratch\nmount -t tmpfs tmpfs /run/scratch"),
            },
            {
                name: "an empty directory bound over it (control: a copy of the store bound)",
                loses: shell("mkdir -p /data/c\nmount --bind /data/c /var/lib/containerd"),
                command: "mount --bind /data/c /var/lib/containerd",
                effect: "bind-mounts /data/c, which holds none of its contents, over /var/lib/containerd",
                keeps: shell("mkdir -p /data/c\ncp -a /var/lib/containerd/. /data/c/\nmount --bind /data/c /var/lib/containerd"),
            },
            {
                name: "its volume unmounted, formatted and mounted back (control: mounted back as it is)",
                loses: shell("umount /var/lib/containerd\nmkfs.xfs -f /dev/xvdb\nmount /dev/xvdb /var/lib/containerd"),
                command: "mount /dev/xvdb /var/lib/containerd",
                effect: "mounts a volume over /var/lib/containerd that holds none of its contents",
                keeps: shell("umount /var/lib/containerd\nmount /dev/xvdb /var/lib/containerd"),
            },
            {
                name: "an fstab entry for another volume there (control: for another path)",
                loses: shell("echo '/dev/nvme2n1 /var/lib/containerd xfs defaults,nofail 0 2' >> /etc/fstab\nmount -a"),
                command: "mount -a",
                effect: "mounts a volume over /var/lib/containerd that holds none of its contents",
                keeps: shell("mkdir -p /data\necho '/dev/nvme2n1 /data xfs defaults,nofail 0 2' >> /etc/fstab\nmount -a"),
            },
            {
                name: "cloud-config mounts there, which runs before the containerd part (control: mounts elsewhere)",
                loses: cloudConfig("mounts:\n  - [ /dev/xvdb, /var/lib/containerd, xfs, defaults ]"),
                command: "- [ /dev/xvdb, /var/lib/containerd, xfs, defaults ]",
                effect: "mounts a volume over /var/lib/containerd that holds none of its contents",
                keeps: cloudConfig("mounts:\n  - [ /dev/nvme2n1, /data, xfs, defaults ]"),
            },
        ];
        const declaring = (part: object) => ({
            classes: [{ name: "team", userData: [part] }],
            pools: [{ ...TEAM_POOL, nodeClassName: "team" }],
        });
        for (const c of cases) {
            test(c.name, async () => {
                const e = await violation(declaring(c.loses), "containerd-store-kept");
                const quoted = c.command.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
                assert.match(
                    e.message,
                    new RegExp(
                        `EC2NodeClass "team" user data line \\d+ \\(\`${quoted}\`\\) ${c.effect.replace(/\//g, "\\/")}, and nothing copies them back`,
                    ),
                );
                const p = await runProgram("dev", { nodes: { ...nodesOf("dev"), ...declaring(c.keeps) } });
                assert.ok(classes(p).team, "the class is registered");
            });
        }
    });
    test("IMDS: a class allowing two hops, and its control of one", async () => {
        const hops = (imdsHopLimit: number) => ({
            classes: [{ name: "team", imdsHopLimit }],
            pools: [{ ...TEAM_POOL, nodeClassName: "team" }],
        });
        const e = await violation(hops(2), "node-imdsv2");
        assert.match(e.message, /EC2NodeClass "team" metadataOptions: httpPutResponseHopLimit is 2 \(at most 1\)/);
        await runProgram("dev", { nodes: { ...nodesOf("dev"), ...hops(1) } });
    });
    test("equal weights and missing limits cannot reach the guardrails: the components refuse them first, by key", async () => {
        const messages = await configErrors("dev", { pools: [TEAM_POOL, { ...TEAM_POOL, name: "other" }] });
        assert.ok(
            messages.some((m) =>
                m.startsWith("eks-karpenter:nodes.pools[1].weight: 80 is not valid; a weight no other pool has (billing-team has it too)"),
            ),
            messages.join("\n"),
        );
    });
    test("encryption: every volume of every declared class is encrypted (the component has no setting to turn it off)", async () => {
        const p = await runProgram("dev", { nodes: { ...nodesOf("dev"), ...readmeExample("custom-ami-class") } });
        for (const c of p.ofType(NODE_CLASS))
            for (const m of c.inputs.spec.blockDeviceMappings) assert.equal(m.ebs.encrypted, true, `${c.name} ${m.deviceName}`);
    });
});
