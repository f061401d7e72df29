/**
 * Windows nodes through the stack program: the README's Windows example (read out of the README) in dev and in
 * prod (a private cluster), what the environment adds for it (the Windows node role and its EC2_WINDOWS access
 * entry, PassRole, the cluster role's VPC resource controller policy, the VPC CNI's Windows IPAM, Linux-only
 * DaemonSets), checked on what is registered: against the CRDs and by the guardrails, as the offline plan checks
 * it. Negative controls: without a Windows class none of it is there; each piece removed from what was
 * registered is reported; bad Windows settings stop the program before anything is registered.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { TYPES, validate } from "../../infra/guardrails";
import { ConfigError } from "../../infra/errors";
import { ec2NodeClassErrors, nodePoolErrors } from "../infra/nodes/crds";
import { DEV_NODES, PROD_NODES, Program, REPO_ROOT, runProgram, withPodSpec } from "../harness";
import { thrownBy } from "./failure";
import { poolCeilings } from "../../offline/plan/ceiling";

/** The README's Windows example (`<!-- example: windows-team -->`), as a stack file's `nodes`. */
function readmeWindowsExample(): Record<string, unknown> {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const match = /<!-- example: windows-team -->\n```yaml\n([\s\S]*?)```/.exec(readme);
    assert.ok(match, "the README's Windows example");
    return parse(match[1])["eks-karpenter:nodes"];
}

/** A stack's nodes with the README's Windows class and pool added to its own classes and pools. */
function withWindows(nodes: Record<string, any>): Record<string, unknown> {
    const example = readmeWindowsExample() as { classes: unknown[]; pools: unknown[] };
    return {
        nodes: {
            ...nodes,
            classes: [...(nodes.classes ?? []), ...example.classes],
            pools: [...(nodes.pools ?? []), ...example.pools],
        },
    };
}

const objectsOf = (p: Program, type: string) => Object.fromEntries(p.ofType(type).map((r) => [r.inputs.metadata.name, r.inputs]));
const roleNamed = (p: Program, name: string) => p.one(TYPES.iamRole, name).inputs.name as string;
const entryOf = (p: Program, name: string) => p.one(TYPES.accessEntry, name).inputs;
const passRole = (p: Program) =>
    p
        .ofType(TYPES.iamPolicy)
        .flatMap((r) => JSON.parse(r.inputs.policy).Statement)
        .find((s: { Sid: string }) => s.Sid === "AllowPassingInstanceRole");
const vpcCni = (p: Program) => p.ofType(TYPES.addon).find((a) => a.inputs.addonName === "vpc-cni")!.inputs;
const diskAgent = (p: Program) => p.ofType(TYPES.daemonSet).find((d) => d.inputs.metadata.name === "node-disk-agent")!.inputs;
const vpcResourceController = (p: Program) =>
    p.ofType(TYPES.rolePolicyAttachment).filter((a) => String(a.inputs.policyArn).endsWith(":policy/AmazonEKSVPCResourceController"));

describe("the README's Windows class and pool in dev", () => {
    test("the class and pool: alias windows2022@latest, /dev/sda1 only, no user data, os windows; valid against the CRDs", async () => {
        const p = await runProgram("dev", withWindows(DEV_NODES));
        const windows = objectsOf(p, TYPES.ec2NodeClass).windows;
        assert.deepEqual(windows.spec.amiSelectorTerms, [{ alias: "windows2022@latest" }]);
        assert.deepEqual(
            windows.spec.blockDeviceMappings.map((m: any) => [m.deviceName, m.ebs.volumeSize]),
            [["/dev/sda1", "100Gi"]],
        );
        assert.equal(windows.spec.userData, undefined);
        const pool = objectsOf(p, TYPES.nodePool)["windows-team"];
        assert.deepEqual(
            pool.spec.template.spec.requirements.filter((r: any) => r.key.startsWith("kubernetes.io/")),
            [
                { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
                { key: "kubernetes.io/os", operator: "In", values: ["windows"] },
            ],
        );
        for (const c of p.ofType(TYPES.ec2NodeClass)) assert.deepEqual(ec2NodeClassErrors(c.inputs), [], c.name);
        for (const np of p.ofType(TYPES.nodePool)) assert.deepEqual(nodePoolErrors(np.inputs), [], np.name);
    });

    test("a Windows node role with an EC2_WINDOWS access entry beside the Linux one, used by the Windows class, passable by the controller", async () => {
        const p = await runProgram("dev", withWindows(DEV_NODES));
        const linuxRole = roleNamed(p, "dev-node-role");
        const windowsRole = roleNamed(p, "dev-windows-node-role");
        assert.match(windowsRole, /-karpenter-windows-node-[a-z0-9]{6}$/);
        assert.ok(windowsRole.length <= 64);
        assert.equal(entryOf(p, "dev-node-role").type, "EC2_LINUX");
        assert.equal(entryOf(p, "dev-windows-node-role").type, "EC2_WINDOWS");
        assert.equal(entryOf(p, "dev-windows-node-role").principalArn, `arn:aws:iam::123456789012:role/${windowsRole}`);
        const classes = objectsOf(p, TYPES.ec2NodeClass);
        assert.equal(classes.windows.spec.role, windowsRole);
        assert.equal(classes.default.spec.role, linuxRole, "Linux classes keep the Linux role");
        // The same four managed policies as the Linux role.
        const policies = (role: string) =>
            p
                .ofType(TYPES.rolePolicyAttachment)
                .filter((a) => a.name.startsWith(`${role}-`))
                .map((a) => String(a.inputs.policyArn).split("/").pop())
                .sort();
        assert.deepEqual(policies("dev-windows-node-role"), policies("dev-node-role"));
        assert.deepEqual(passRole(p).Resource, [
            `arn:aws:iam::123456789012:role/${linuxRole}`,
            `arn:aws:iam::123456789012:role/${windowsRole}`,
        ]);
    });

    test("the cluster role's VPC resource controller policy, vpc-cni's Windows IPAM, the disk agent kept to Linux nodes", async () => {
        const p = await runProgram("dev", withWindows(DEV_NODES));
        assert.equal(vpcResourceController(p).length, 1);
        assert.equal(vpcResourceController(p)[0].name, "dev-cluster-role-AmazonEKSVPCResourceController");
        assert.deepEqual(JSON.parse(vpcCni(p).configurationValues), { enableWindowsIpam: "true" });
        assert.deepEqual(diskAgent(p).spec.template.spec.nodeSelector, { "kubernetes.io/os": "linux" });
    });

    test("what it registers passes every guardrail (the offline plan's check); each Windows piece removed is reported", async () => {
        const p = await runProgram("dev", withWindows(DEV_NODES));
        assert.deepEqual(validate(p.resources), []);
        const without = (drop: (r: (typeof p.resources)[number]) => boolean) =>
            validate(p.resources.filter((r) => !drop(r)))
                .filter((v) => v.rule === "windows-nodes-separate")
                .map((v) => v.message.split(". Why:")[0]);
        assert.deepEqual(
            without((r) => vpcResourceController(p).includes(r)),
            ['Windows EC2NodeClass "windows" exists, and the cluster role has no AmazonEKSVPCResourceController policy attached'],
        );
        const noIpam = p.resources.map((r) =>
            r.type === TYPES.addon && r.inputs.addonName === "vpc-cni"
                ? { ...r, inputs: { ...r.inputs, configurationValues: undefined } }
                : r,
        );
        assert.equal(validate(noIpam).filter((v) => v.rule === "windows-nodes-separate").length, 1);
        const linuxEntry = p.resources.map((r) =>
            r.type === TYPES.accessEntry && r.name === "dev-windows-node-role" ? { ...r, inputs: { ...r.inputs, type: "EC2_LINUX" } } : r,
        );
        assert.match(
            validate(linuxEntry)
                .map((v) => v.message)
                .join("\n"),
            /whose EKS access entry is EC2_LINUX, not EC2_WINDOWS/,
        );
        const agentAnywhere = p.resources.map((r) =>
            r.type === TYPES.daemonSet ? withPodSpec(r, (spec) => ({ ...spec, nodeSelector: undefined })) : r,
        );
        assert.match(
            validate(agentAnywhere)
                .map((v) => v.message)
                .join("\n"),
            /DaemonSet "node-disk-agent" pins no operating system/,
        );
    });
});

describe("NVIDIA's device plugin beside Windows nodes", () => {
    test("its affinity also requires kubernetes.io/os In [linux]; without a Windows class it does not (negative control)", async () => {
        const osTerm = async (nodes: Record<string, unknown>) => {
            const p = await runProgram("dev", nodes);
            const plugin = p.ofType(TYPES.helmRelease).find((r) => /nvidia-device-plugin/.test(r.name))!;
            assert.deepEqual(validate(p.resources), []);
            const terms = plugin.inputs.values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
            return terms[0].matchExpressions.find((e: { key: string }) => e.key === "kubernetes.io/os");
        };
        assert.deepEqual(await osTerm(withWindows({ ...DEV_NODES, gpu: true })), {
            key: "kubernetes.io/os",
            operator: "In",
            values: ["linux"],
        });
        assert.equal(await osTerm({ nodes: { ...DEV_NODES, gpu: true } }), undefined);
    });
});

describe("the offline plan's ceiling of a Windows pool", () => {
    test("none, saying why (the price table is Linux's); the Linux pools keep theirs", async () => {
        const p = await runProgram("dev", withWindows(DEV_NODES));
        const c = poolCeilings(p.resources, "eu-west-1")!;
        const windows = c.pools.find((x) => x.pool === "windows-team")!;
        assert.equal(windows.onDemandMonthly, undefined);
        assert.match(windows.detail, /no ceiling: its nodes run Windows/);
        assert.ok(c.pools.find((x) => x.pool === "billing-team")!.onDemandMonthly! > 0, "negative control: a Linux pool has its ceiling");
    });
});

describe("prod (a private cluster) with the README's Windows class", () => {
    test("the Windows role's own pre-made instance profile, named by the Windows class", async () => {
        const p = await runProgram("prod", withWindows(PROD_NODES));
        const profiles = Object.fromEntries(p.ofType(TYPES.instanceProfile).map((r) => [r.name, r.inputs]));
        const windowsRole = roleNamed(p, "prod-windows-node-role");
        assert.equal(profiles["prod-windows-node-role"].role, windowsRole);
        const classes = objectsOf(p, TYPES.ec2NodeClass);
        assert.equal(classes.windows.spec.instanceProfile, profiles["prod-windows-node-role"].name);
        assert.equal(classes.default.spec.instanceProfile, profiles["prod-node-role"].name);
        assert.deepEqual(validate(p.resources), []);
    });
});

describe("without a Windows class (negative control): none of it", () => {
    test("no Windows role, no VPC resource controller policy, no vpc-cni values, no node selector on the disk agent", async () => {
        const p = await runProgram("dev");
        assert.equal(p.ofType(TYPES.iamRole).filter((r) => r.name.includes("windows")).length, 0);
        assert.deepEqual(vpcResourceController(p), []);
        assert.equal(vpcCni(p).configurationValues, undefined);
        assert.equal(diskAgent(p).spec.template.spec.nodeSelector, undefined);
        assert.equal(typeof passRole(p).Resource, "string");
        assert.ok(p.ofType(TYPES.accessEntry).every((e) => e.inputs.type !== "EC2_WINDOWS"));
    });
});

describe("bad Windows settings stop the program before anything is registered, named as the stack file writes them", () => {
    const windowsClass = { name: "windows", amiFamily: "Windows2022" };
    const windowsPool = {
        name: "windows-team",
        nodeClassName: "windows",
        weight: 60,
        architectures: ["amd64"],
        capacityTypes: ["on-demand"],
        limits: { cpu: "8", memory: "32Gi" },
    };
    const errors = async (classes: unknown[], pools: unknown[]) => {
        const e = await thrownBy("dev", { nodes: { ...DEV_NODES, classes, pools: [...(DEV_NODES.pools as unknown[]), ...pools] } });
        assert.ok(e instanceof ConfigError, String(e));
        return ("errors" in e ? (e as { errors: ConfigError[] }).errors : [e]).map((x) => x.message);
    };
    test("a pinned AMI version, a data volume and an arm64 pool, all at once", async () => {
        const found = await errors(
            [
                { ...windowsClass, amiVersion: "v20260724" },
                { ...windowsClass, name: "windows-data", dataVolume: { sizeGiB: 100 } },
            ],
            [{ ...windowsPool, architectures: ["amd64", "arm64"] }],
        );
        assert.equal(found.length, 3, found.join("\n"));
        assert.ok(
            found.some((m) => m.startsWith('eks-karpenter:nodes.classes[0].amiVersion: "v20260724" is not valid; latest')),
            found.join("\n"),
        );
        assert.ok(
            found.some((m) => m.startsWith("eks-karpenter:nodes.classes[1].dataVolume:")),
            found.join("\n"),
        );
        assert.ok(
            found.some((m) => m.startsWith("eks-karpenter:nodes.pools[1].architectures:")),
            found.join("\n"),
        );
    });
    test("a Windows default class while the default (arm64, GPU) pools use it", async () => {
        const e = await thrownBy("dev", { nodes: { ...DEV_NODES, amiFamily: "Windows2022", dataVolume: undefined } });
        assert.match(
            e.message,
            /eks-karpenter:nodes\.amiFamily: "Windows2022" is not valid; a Linux family \(AL2023, Bottlerocket\) while the default pools/,
        );
        // Negative control: without the default pools, a Windows default class with Windows pools of its own is accepted.
        const { gpu: _gpu, spotPercent: _split, dataVolume: _data, ...rest } = DEV_NODES as Record<string, unknown>;
        const example = readmeWindowsExample() as { pools: Record<string, unknown>[] };
        const p = await runProgram("dev", {
            nodes: {
                ...rest,
                amiFamily: "Windows2022",
                defaultPools: false,
                pools: example.pools.map((pool) => ({ ...pool, nodeClassName: "default" })),
            },
        });
        assert.deepEqual(objectsOf(p, TYPES.ec2NodeClass).default.spec.amiSelectorTerms, [{ alias: "windows2022@latest" }]);
    });
    test("user-data parts on a Windows class", async () => {
        const found = await errors([{ ...windowsClass, userData: [{ format: "shell", content: "#!/bin/bash\ntrue" }] }], [windowsPool]);
        assert.match(found.join("\n"), /^eks-karpenter:nodes\.classes\[0\]\.userData: .*no parts on a Windows class/m);
    });
});
