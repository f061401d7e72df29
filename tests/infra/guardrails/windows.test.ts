/**
 * Rule windows-nodes-separate on resource descriptions: a clean Windows setup passes, and each way of mixing
 * Windows and Linux is reported (each case beside its negative control: the same resources, fixed, pass).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ResourceDescription, TYPES, UNKNOWN } from "../../../infra/guardrails";
import { windowsNodesSeparate } from "../../../infra/guardrails/windows";
import { containerdStoreKept } from "../../../infra/guardrails/containerd";
import { ec2NodeClass, messages, nodePool, poolSpec, req } from "./fixtures";

const ACCOUNT = "123456789012";

const windowsClass = (spec: Record<string, unknown> = {}) =>
    ec2NodeClass("windows", {
        amiSelectorTerms: [{ alias: "windows2022@latest" }],
        role: "windows-node-role",
        blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { encrypted: true } }],
        ...spec,
    });
const linuxClass = () => ec2NodeClass("default", { role: "linux-node-role" });

function pool(name: string, className: string, requirements: unknown[]): ResourceDescription {
    const spec = poolSpec({ requirements });
    (spec.template.spec as { nodeClassRef: { name: string } }).nodeClassRef.name = className;
    return nodePool(name, spec);
}
const windowsPool = (requirements = [req("kubernetes.io/arch", "In", "amd64"), req("kubernetes.io/os", "In", "windows")]) =>
    pool("windows-team", "windows", requirements);
const linuxPool = (requirements = [req("kubernetes.io/arch", "In", "arm64"), req("kubernetes.io/os", "In", "linux")]) =>
    pool("arm64", "default", requirements);

const role = (name: string) => ({ type: TYPES.iamRole, name, inputs: { name } });
const entry = (roleName: string, type: string) => ({
    type: TYPES.accessEntry,
    name: `${roleName}-entry`,
    inputs: { clusterName: "dev", principalArn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, type },
});
const attachment = (policy: string | typeof UNKNOWN) => ({
    type: TYPES.rolePolicyAttachment,
    name: `cluster-role-${String(policy)}`,
    inputs: { role: "cluster-role", policyArn: typeof policy === "string" ? `arn:aws:iam::aws:policy/${policy}` : policy },
});
const vpcCni = (configurationValues?: unknown) => ({
    type: TYPES.addon,
    name: "dev-addons-vpc-cni",
    inputs: { clusterName: "dev", addonName: "vpc-cni", ...(configurationValues === undefined ? {} : { configurationValues }) },
});
const daemonSet = (name: string, podSpec: Record<string, unknown>) => ({
    type: TYPES.daemonSet,
    name,
    inputs: { metadata: { name }, spec: { template: { spec: { containers: [{ name, image: "agent" }], ...podSpec } } } },
});
const linuxOnly = { nodeSelector: { "kubernetes.io/os": "linux" } };

/** A correct cluster with Windows nodes, as the library builds it. */
function clean(): ResourceDescription[] {
    return [
        linuxClass(),
        windowsClass(),
        linuxPool(),
        windowsPool(),
        role("linux-node-role"),
        role("windows-node-role"),
        entry("linux-node-role", "EC2_LINUX"),
        entry("windows-node-role", "EC2_WINDOWS"),
        attachment("AmazonEKSClusterPolicy"),
        attachment("AmazonEKSVPCResourceController"),
        vpcCni(JSON.stringify({ enableWindowsIpam: "true" })),
        daemonSet("node-disk-agent", linuxOnly),
    ];
}

/** `clean()` with `replace` applied to the resources named `name` (type-insensitive). */
function changed(name: string, replace: (r: ResourceDescription) => ResourceDescription | undefined): ResourceDescription[] {
    return clean().flatMap((r) => (r.name === name ? (replace(r) ?? []) : [r]));
}

/** What the rule finds, each finding's problem (its message up to the rule's Why and Fix). */
const check = (resources: ResourceDescription[]) => messages(windowsNodesSeparate, resources).map((m) => m.split(". Why: ")[0]);

describe("windows-nodes-separate", () => {
    test("a clean Windows setup passes, and a cluster without Windows classes needs none of it", () => {
        assert.deepEqual(check(clean()), []);
        const full = messages(
            windowsNodesSeparate,
            changed("windows", () => windowsClass({ role: "linux-node-role" })),
        );
        assert.match(full[0], /\. Why: Windows nodes run no cloud-init.* Fix: Build Windows classes/);
        const linuxOnlyCluster = [linuxClass(), linuxPool(), vpcCni(), attachment("AmazonEKSClusterPolicy"), daemonSet("agent", {})];
        assert.deepEqual(check(linuxOnlyCluster), []);
    });

    test("Linux user data on a Windows class (cloud-init, a shell script, the containerd script)", () => {
        const mime = 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="//"\n\n--//\n';
        for (const [userData, what] of [
            [mime, /a MIME multi-part document/],
            ["#!/bin/bash\necho hi", /a shell script/],
            ["#cloud-config\nruncmd: []", /a cloud-config document/],
        ] as const) {
            const found = check(changed("windows", () => windowsClass({ userData })));
            assert.equal(found.length, 1, String(userData));
            assert.match(found[0], /^Windows EC2NodeClass "windows" has Linux user data: /);
            assert.match(found[0], what);
        }
        // Negative control: PowerShell user data of its own is a Windows class's to have, and the containerd rule
        // (bash) leaves it alone, though it refuses the same text on a Linux class as not valid bash.
        const powershell = "<powershell>\nWrite-Host hi\n</powershell>";
        assert.deepEqual(check(changed("windows", () => windowsClass({ userData: powershell }))), []);
        assert.deepEqual(messages(containerdStoreKept, [windowsClass({ userData: powershell })]), []);
        assert.match(messages(containerdStoreKept, [ec2NodeClass("default", { userData: powershell })]).join(), /is not valid bash/);
    });

    test("a data volume on a Windows class", () => {
        const mappings = [
            { deviceName: "/dev/sda1", ebs: { encrypted: true } },
            { deviceName: "/dev/xvdb", ebs: { encrypted: true } },
        ];
        assert.match(
            check(changed("windows", () => windowsClass({ blockDeviceMappings: mappings })))[0],
            /maps volume\(s\) \/dev\/xvdb besides its root volume \/dev\/sda1/,
        );
    });

    test("a Windows class with the Linux node role (EC2_LINUX access entry), directly or by instance profile", () => {
        assert.match(
            check(changed("windows", () => windowsClass({ role: "linux-node-role" })))[0],
            /launches nodes with role linux-node-role, whose EKS access entry is EC2_LINUX, not EC2_WINDOWS/,
        );
        const profile = (roleName: string) => ({ type: TYPES.instanceProfile, name: "p", inputs: { name: "profile", role: roleName } });
        const byProfile = (roleName: string) => [
            ...changed("windows", () => windowsClass({ role: undefined, instanceProfile: "profile" })),
            profile(roleName),
        ];
        assert.match(check(byProfile("linux-node-role")).join("\n"), /role linux-node-role, whose EKS access entry is EC2_LINUX/);
        assert.deepEqual(check(byProfile("windows-node-role")), [], "negative control: the Windows role's profile");
        // A role this program does not register (and so whose entry it cannot see) is not judged.
        assert.deepEqual(check(changed("windows", () => windowsClass({ role: "someone-elses-role" }))), []);
    });

    test("a pool on a Windows class without os=windows, or allowing arm64", () => {
        const noOs = check(changed("windows-team", () => windowsPool([req("kubernetes.io/arch", "In", "amd64")])));
        assert.deepEqual(noOs, [
            'NodePool "windows-team" on Windows EC2NodeClass "windows" does not require kubernetes.io/os In [windows]',
        ]);
        const both = check(
            changed("windows-team", () =>
                windowsPool([req("kubernetes.io/arch", "In", "amd64"), req("kubernetes.io/os", "In", "linux", "windows")]),
            ),
        );
        assert.equal(both.length, 1, "linux and windows both allowed");
        const arm = check(
            changed("windows-team", () =>
                windowsPool([req("kubernetes.io/arch", "In", "amd64", "arm64"), req("kubernetes.io/os", "In", "windows")]),
            ),
        );
        assert.deepEqual(arm, ['NodePool "windows-team" on Windows EC2NodeClass "windows" allows kubernetes.io/arch arm64']);
        const anyArch = check(changed("windows-team", () => windowsPool([req("kubernetes.io/os", "In", "windows")])));
        assert.equal(anyArch.length, 1, "no architecture requirement allows arm64");
    });

    test("a pool on a Linux class allowing windows", () => {
        const found = check(changed("arm64", () => linuxPool([req("kubernetes.io/os", "In", "linux", "windows")])));
        assert.deepEqual(found, ['NodePool "arm64" on Linux EC2NodeClass "default" allows kubernetes.io/os windows']);
        assert.deepEqual(check(changed("arm64", () => linuxPool([req("kubernetes.io/os", "NotIn", "windows")]))), []);
    });

    test("pools of another cluster are judged by their own cluster's class of that name", () => {
        const other = {
            ...linuxClass(),
            name: "other-default",
            inputs: { ...linuxClass().inputs, metadata: { name: "windows" } },
            cluster: "b",
        };
        const pool = { ...linuxPool([req("kubernetes.io/os", "In", "linux")]), cluster: "b" };
        (pool.inputs as any).spec.template.spec.nodeClassRef.name = "windows";
        assert.deepEqual(check([...clean(), other, pool]), [], "cluster b's class 'windows' is a Linux one");
    });

    test("no AmazonEKSVPCResourceController on the cluster role (where the program makes the role)", () => {
        const found = check(changed("cluster-role-AmazonEKSVPCResourceController", () => undefined));
        assert.deepEqual(found, [
            'Windows EC2NodeClass "windows" exists, and the cluster role has no AmazonEKSVPCResourceController policy attached',
        ]);
        // Not judged where the cluster role is made elsewhere, or where a policy ARN is not known yet.
        const elsewhere = clean().filter((r) => r.type !== TYPES.rolePolicyAttachment);
        assert.deepEqual(check(elsewhere), []);
        assert.deepEqual(check([...changed("cluster-role-AmazonEKSVPCResourceController", () => undefined), attachment(UNKNOWN)]), []);
    });

    test("the vpc-cni add-on without Windows IPAM", () => {
        for (const values of [undefined, JSON.stringify({ enableWindowsIpam: "false" }), JSON.stringify({ env: {} })]) {
            const found = check(changed("dev-addons-vpc-cni", () => vpcCni(values)));
            assert.equal(found.length, 1, String(values));
            assert.match(found[0], /the vpc-cni add-on does not set enableWindowsIpam "true"/);
        }
        assert.deepEqual(check(changed("dev-addons-vpc-cni", () => vpcCni(UNKNOWN))), [], "not known yet: not judged");
    });

    test("a DaemonSet, or NVIDIA's device plugin chart, that pins no operating system", () => {
        const found = check([...clean(), daemonSet("log-shipper", { tolerations: [{ operator: "Exists" }] })]);
        assert.deepEqual(found.length, 1);
        assert.match(found[0], /DaemonSet "log-shipper" pins no operating system/);
        const affinity = (values: string[]) => ({
            affinity: {
                nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values }] }],
                    },
                },
            },
        });
        assert.deepEqual(check([...clean(), daemonSet("by-affinity", affinity(["linux"]))]), [], "a required affinity pins it too");
        assert.equal(check([...clean(), daemonSet("both", affinity(["linux", "windows"]))]).length, 1, "both systems pin none");
        assert.deepEqual(check([...clean(), daemonSet("windows-agent", { nodeSelector: { "kubernetes.io/os": "windows" } })]), []);
        const plugin = (values: Record<string, unknown>) => ({
            type: TYPES.helmRelease,
            name: "dev-nvidia-device-plugin",
            inputs: { chart: "nvidia-device-plugin", values },
        });
        assert.match(
            check([...clean(), plugin({ tolerations: [] })])[0],
            /DaemonSet of chart nvidia-device-plugin pins no operating system/,
        );
        assert.deepEqual(check([...clean(), plugin(affinity(["linux"]))]), []);
        // Negative control: without a Windows class, DaemonSets need not pin anything.
        assert.deepEqual(check([linuxClass(), linuxPool(), daemonSet("log-shipper", {})]), []);
    });
});
