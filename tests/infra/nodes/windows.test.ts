/**
 * Windows EC2NodeClasses and their NodePools: what is rendered (alias windows2022@latest, the root volume on
 * /dev/sda1 only, no user data), both checked against the v1.9 CRDs' schema and every CEL rule; the pools'
 * operating system and architecture; what is refused, named as written. Negative controls: the CRD's own rule
 * refuses a pinned Windows alias, and each refusal has its accepted counterpart.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AmiFamily, EC2NodeClassArgs, renderEC2NodeClass } from "../../../infra/nodes/ec2-node-class";
import { resolveKarpenterNodesArgs } from "../../../infra/nodes/karpenter-nodes";
import {
    Architecture,
    CapacityType,
    NodePoolSettings,
    OperatingSystem,
    RequirementOperator,
    renderNodePool,
} from "../../../infra/nodes/node-pool";
import { EC2_NODE_CLASS_CRD, celCheck, ec2NodeClassErrors, nodePoolErrors, refusedBy, CRD_FOLDER } from "./crds";
import { assertConfigError } from "./helpers";

type Json = any;

const WINDOWS: EC2NodeClassArgs = { name: "windows", clusterName: "dev", role: "windows-node-role", amiFamily: AmiFamily.Windows2022 };
const render = (overrides: Partial<EC2NodeClassArgs> = {}): Json => renderEC2NodeClass({ ...WINDOWS, ...overrides } as never);

const POOL: NodePoolSettings = {
    name: "windows-team",
    nodeClassName: "windows",
    weight: 60,
    architectures: [Architecture.Amd64],
    capacityTypes: [CapacityType.OnDemand],
    limits: { cpu: "32", memory: "128Gi" },
};

describe("a Windows EC2NodeClass", () => {
    test("renders the windows2022@latest alias, one encrypted /dev/sda1 root volume holding kubelet, no user data", () => {
        const o = render();
        assert.deepEqual(o.spec.amiSelectorTerms, [{ alias: "windows2022@latest" }]);
        assert.equal(o.spec.amiFamily, undefined, "the alias implies it");
        assert.equal(o.spec.userData, undefined, "Karpenter writes the PowerShell bootstrap; no containerd-volume script");
        assert.deepEqual(o.spec.blockDeviceMappings, [
            {
                deviceName: "/dev/sda1",
                rootVolume: true,
                ebs: {
                    volumeSize: "50Gi",
                    volumeType: "gp3",
                    iops: 3000,
                    throughput: 125,
                    encrypted: true,
                    deleteOnTermination: true,
                },
            },
        ]);
        assert.deepEqual(o.spec.kubelet, { imageGCHighThresholdPercent: 85, imageGCLowThresholdPercent: 80 });
        assert.equal(o.spec.role, "windows-node-role");
    });

    test("passes the v1.9 CRD's schema and every CEL rule: by alias, with kubelet settings, and as a custom AMI", () => {
        const variants = [
            render(),
            render({ rootVolume: { sizeGiB: 100 }, kubelet: { maxPods: 60, evictionHard: { "memory.available": "5%" } } }),
            render({ amiSelectorTerms: [{ id: "ami-0123456789abcdef0" }] }),
        ];
        for (const o of variants) assert.deepEqual(ec2NodeClassErrors(o), [], JSON.stringify(o.spec.amiSelectorTerms));
        const custom = variants[2];
        assert.equal(custom.spec.amiFamily, "Windows2022", "a custom AMI names its family (its user-data format)");
        // Not vacuous: the alias rules ran on the rendered object.
        const evaluated = celCheck(`${CRD_FOLDER}/${EC2_NODE_CLASS_CRD}`, variants[0]).evaluated;
        assert.ok(evaluated.size > 0);
    });

    test("negative controls: the CRD refuses a pinned Windows alias and a Windows alias beside another family", () => {
        const pinned = render();
        pinned.spec.amiSelectorTerms = [{ alias: "windows2022@v1" }];
        assert.ok(refusedBy(ec2NodeClassErrors(pinned), "windows families may only specify version 'latest'"), "pinned");
        const mixed = render();
        mixed.spec.amiFamily = "AL2023";
        assert.ok(
            refusedBy(ec2NodeClassErrors(mixed), "if set, amiFamily must be 'Windows2022' or 'Custom' when using a Windows2022 alias"),
            "mixed",
        );
    });

    const at = "EC2NodeClass[windows]";
    test("refuses a pinned version, naming it and what is allowed", () => {
        assertConfigError(() => render({ amiVersion: "v20260724" }), `${at}.amiVersion`, /latest: Karpenter cannot pin a Windows alias/);
        assert.deepEqual(render({ amiVersion: "latest" }).spec.amiSelectorTerms, [{ alias: "windows2022@latest" }]);
    });
    test("refuses a data volume (there is no containerd volume on Windows)", () => {
        assertConfigError(() => render({ dataVolume: { sizeGiB: 100 } }), `${at}.dataVolume`, /left out on a Windows class/);
    });
    test("refuses user-data parts (Karpenter's PowerShell, not cloud-init)", () => {
        assertConfigError(
            () => render({ userData: [{ format: "shell" as never, content: "#!/bin/bash\necho hi" }] }),
            `${at}.userData`,
            /no parts on a Windows class/,
        );
    });
    test("refuses a root volume smaller than the AMI's 50 GiB", () => {
        assertConfigError(() => render({ rootVolume: { sizeGiB: 30 } }), `${at}.rootVolume.sizeGiB`, /at least 50 GiB/);
        assert.equal(render({ rootVolume: { sizeGiB: 50 } }).spec.blockDeviceMappings[0].ebs.volumeSize, "50Gi");
    });
});

describe("a NodePool on a Windows class", () => {
    const set = (pools: NodePoolSettings[], roles: { windowsRole?: string } = { windowsRole: "windows-node-role" }) =>
        resolveKarpenterNodesArgs({
            clusterName: "dev",
            role: "linux-node-role",
            ...roles,
            nodeClasses: [{ name: "default" }, { name: "windows", amiFamily: AmiFamily.Windows2022 }],
            nodePools: pools,
        });

    test("gets kubernetes.io/os In [windows] from its class, and the class the Windows role; both pass the CRDs", () => {
        const s = set([POOL, { ...POOL, name: "linux", nodeClassName: "default", weight: 50, architectures: [Architecture.Arm64] }]);
        const [windows, linux] = s.nodePools.map(renderNodePool);
        assert.deepEqual(windows.spec.template.spec.requirements.slice(0, 2), [
            { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
            { key: "kubernetes.io/os", operator: "In", values: ["windows"] },
        ]);
        assert.deepEqual(linux.spec.template.spec.requirements[1], { key: "kubernetes.io/os", operator: "In", values: ["linux"] });
        assert.deepEqual(nodePoolErrors(windows), []);
        assert.deepEqual(
            s.nodeClasses.map((c) => [c.name, c.role]),
            [
                ["default", "linux-node-role"],
                ["windows", "windows-node-role"],
            ],
        );
        for (const c of s.nodeClasses) assert.deepEqual(ec2NodeClassErrors(renderEC2NodeClass(c as never)), [], c.name);
    });

    test("refuses arm64 on a Windows pool (accepted on a Linux one)", () => {
        assertConfigError(
            () => set([{ ...POOL, architectures: [Architecture.Amd64, Architecture.Arm64] }]),
            "NodePool[windows-team].architectures",
            /amd64 only on a Windows pool/,
        );
        assert.doesNotThrow(() => set([{ ...POOL, nodeClassName: "default", architectures: [Architecture.Arm64] }]));
    });

    test("refuses an operating system contradicting its class, and a requirement on kubernetes.io/os", () => {
        assertConfigError(
            () => set([{ ...POOL, operatingSystem: OperatingSystem.Linux }]),
            "NodePool[windows-team].operatingSystem",
            /windows, that of its EC2NodeClass windows/,
        );
        assertConfigError(
            () => set([{ ...POOL, nodeClassName: "default", operatingSystem: OperatingSystem.Windows }]),
            "NodePool[windows-team].operatingSystem",
            /linux, that of its EC2NodeClass default/,
        );
        assertConfigError(
            () => set([{ ...POOL, requirements: [{ key: "kubernetes.io/os", operator: RequirementOperator.In, values: ["linux"] }] }]),
            "NodePool[windows-team].requirements[0].key",
            /operatingSystem/,
        );
        assert.doesNotThrow(() => set([{ ...POOL, operatingSystem: OperatingSystem.Windows }]), "the class's own value is accepted");
    });

    test("a Windows class needs the Windows role: the Linux nodes' role cannot serve (one access entry per role)", () => {
        assertConfigError(() => set([POOL], {}), "KarpenterNodes.windowsRole", /EC2_WINDOWS/);
    });
});
