/**
 * The EC2NodeClass settings beyond volumes (custom AMIs, selector terms, user data of a class's own, kubelet,
 * IMDS hops) and the NodePool settings beyond the default pools' (excluded families and types, sizes, zones,
 * generations, startup taints): every variant valid against the pinned CRDs (schema and every CEL rule), and
 * every bad value refused by the component, naming the field, before the API server would see it.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AmiFamily, renderEC2NodeClass } from "../../../infra/nodes/ec2-node-class";
import { Architecture, CapacityType, NodePoolArgs, TaintEffect, renderNodePool } from "../../../infra/nodes/node-pool";
import { UserDataFormat } from "../../../infra/nodes/user-data";
import { containerdStoreLoss } from "../../../infra/guardrails/user-data";
import { ec2NodeClassErrors, nodePoolErrors } from "./crds";
import { assertConfigError } from "./helpers";

type Resolved = Parameters<typeof renderEC2NodeClass>[0];
const render = (overrides: Partial<Resolved> = {}) =>
    renderEC2NodeClass({ name: "team", clusterName: "prod", role: "prod-node", ...overrides });
const at = "EC2NodeClass[team]";

const KUBELET = {
    maxPods: 110,
    podsPerCore: 10,
    systemReserved: { cpu: "100m", memory: "100Mi", "ephemeral-storage": "1Gi", pid: "1000" },
    kubeReserved: { cpu: "200m", memory: "512Mi" },
    evictionHard: { "memory.available": "5%", "nodefs.available": "10%", "imagefs.available": "15%" },
    evictionSoft: { "memory.available": "500Mi", "nodefs.inodesFree": "7.5%" },
    evictionSoftGracePeriod: { "memory.available": "1m30s", "nodefs.inodesFree": "2m" },
    evictionMaxPodGracePeriod: 60,
    cpuCFSQuota: false,
};
const SHELL = "#!/bin/bash\nset -euo pipefail\nsysctl -w vm.max_map_count=262144\n";
const CLOUD_CONFIG = "#cloud-config\npackages:\n  - amazon-ssm-agent\n";

describe("EC2NodeClass settings: every variant valid against the CRD", () => {
    const cases: [string, Partial<Resolved>][] = [
        ["a custom AL2023 AMI by ID", { amiSelectorTerms: [{ id: "ami-0123456789abcdef0" }] }],
        ["a custom AMI by name and owner", { amiSelectorTerms: [{ name: "team-al2023-eks-1.35-*", owner: "111122223333" }] }],
        [
            "a custom Bottlerocket AMI by tags",
            { amiFamily: AmiFamily.Bottlerocket, amiSelectorTerms: [{ tags: { "team/image": "bottlerocket-hardened" } }] },
        ],
        [
            "subnets and security groups of the class's own",
            {
                subnetSelectorTerms: [{ id: "subnet-0123456789abcdef0" }, { tags: { tier: "private", team: "billing" } }],
                securityGroupSelectorTerms: [{ id: "sg-0123456789abcdef0" }, { name: "billing-nodes" }, { tags: { team: "billing" } }],
            },
        ],
        [
            "a shell and a cloud-config part of its own",
            {
                userData: [
                    { format: UserDataFormat.Shell, content: SHELL },
                    { format: UserDataFormat.CloudConfig, content: CLOUD_CONFIG },
                ],
            },
        ],
        [
            "every kubelet setting, with image GC thresholds of its own",
            { kubelet: KUBELET, imageGC: { highThresholdPercent: 75, lowThresholdPercent: 60 } },
        ],
        ["two IMDS hops", { imdsHopLimit: 2 }],
        ["an instance profile of its own", { role: undefined, instanceProfile: "team-nodes" }],
    ];
    for (const [name, overrides] of cases) test(name, () => assert.deepEqual(ec2NodeClassErrors(render(overrides)), []));

    test("a custom AMI names its family and no alias; the default keeps the alias alone", () => {
        const custom = render({ amiSelectorTerms: [{ id: "ami-0123456789abcdef0" }] }).spec;
        assert.deepEqual(custom.amiSelectorTerms, [{ id: "ami-0123456789abcdef0" }]);
        assert.equal(custom.amiFamily, "AL2023");
        assert.equal("amiFamily" in render().spec, false);
    });

    test("the class's parts follow the containerd part, and the containerd guardrail reads them", () => {
        const userData = render({
            userData: [
                { format: UserDataFormat.Shell, content: SHELL },
                { format: UserDataFormat.CloudConfig, content: CLOUD_CONFIG },
            ],
        }).spec.userData!;
        const containerd = userData.indexOf("CONTAINERD_VOLUME_DEVICE");
        assert.ok(
            containerd > 0 &&
                containerd < userData.indexOf("vm.max_map_count") &&
                userData.indexOf("vm.max_map_count") < userData.indexOf("amazon-ssm-agent"),
        );
        assert.match(userData, /Content-Type: text\/cloud-config; charset="us-ascii"\n\n#cloud-config/);
        assert.equal(containerdStoreLoss(userData), undefined);
        // Negative controls: a part of the class's own that empties the store, or is not bash, is seen in the merged document.
        const emptied = render({ userData: [{ format: UserDataFormat.Shell, content: "#!/bin/bash\nrm -rf /var/lib/containerd/*\n" }] })
            .spec.userData!;
        assert.equal(containerdStoreLoss(emptied)?.kind, "lost");
        const broken = render({ userData: [{ format: UserDataFormat.Shell, content: "#!/bin/bash\nif then\n" }] }).spec.userData!;
        assert.equal(containerdStoreLoss(broken)?.kind, "unreadable");
    });
});

describe("EC2NodeClass settings: bad values refused, naming the field", () => {
    test("an alias version beside a custom AMI", () =>
        assertConfigError(
            () => render({ amiVersion: "v20260801", amiSelectorTerms: [{ id: "ami-0123456789abcdef0" }] }),
            `${at}.amiVersion`,
            /left out with amiSelectorTerms/,
        ));
    test("an AMI ID with a name", () =>
        assertConfigError(
            () => render({ amiSelectorTerms: [{ tags: { a: "b" } }, { id: "ami-0123456789abcdef0", name: "x" }] }),
            `${at}.amiSelectorTerms[1].id`,
            /id alone.*name/,
        ));
    test("a malformed AMI ID", () =>
        assertConfigError(() => render({ amiSelectorTerms: [{ id: "img-1" }] }), `${at}.amiSelectorTerms[0].id`, /ami-0123456789abcdef0/));
    test("an owner alone", () =>
        assertConfigError(
            () => render({ amiSelectorTerms: [{ owner: "self" }] }),
            `${at}.amiSelectorTerms[0]`,
            /an id, a name .* or tags/,
        ));
    test("an empty tag value", () =>
        assertConfigError(
            () => render({ subnetSelectorTerms: [{ tags: { tier: "" } }] }),
            `${at}.subnetSelectorTerms[0].tags`,
            /non-empty tag keys and values/,
        ));
    test("no terms", () =>
        assertConfigError(() => render({ securityGroupSelectorTerms: [] }), `${at}.securityGroupSelectorTerms`, /1 to 30 terms/));
    test("a security group name with tags", () =>
        assertConfigError(
            () => render({ securityGroupSelectorTerms: [{ name: "a", tags: { b: "c" } }] }),
            `${at}.securityGroupSelectorTerms[0].name`,
            /name alone/,
        ));
    test("user data on Bottlerocket", () =>
        assertConfigError(
            () => render({ amiFamily: AmiFamily.Bottlerocket, userData: [{ format: UserDataFormat.Shell, content: SHELL }] }),
            `${at}.userData`,
            /TOML/,
        ));
    test("a script without #!", () =>
        assertConfigError(
            () => render({ userData: [{ format: UserDataFormat.Shell, content: "echo hi" }] }),
            `${at}.userData[0].content`,
            /#!/,
        ));
    test("cloud-config without its header", () =>
        assertConfigError(
            () => render({ userData: [{ format: UserDataFormat.CloudConfig, content: "packages: []" }] }),
            `${at}.userData[0].content`,
            /#cloud-config/,
        ));
    test("a part that would split Karpenter's MIME document", () =>
        assertConfigError(
            () => render({ userData: [{ format: UserDataFormat.Shell, content: "#!/bin/sh\n--//\n" }] }),
            `${at}.userData[0].content`,
            /MIME boundary/,
        ));
    test("an unknown format", () =>
        assertConfigError(
            () => render({ userData: [{ format: "toml" as UserDataFormat, content: "x" }] }),
            `${at}.userData[0].format`,
            /shell or cloud-config/,
        ));
    test("an unknown eviction signal", () =>
        assertConfigError(
            () => render({ kubelet: { evictionHard: { "memory.free": "5%" } } }),
            `${at}.kubelet.evictionHard`,
            /memory\.available/,
        ));
    test("a soft threshold without its grace period", () =>
        assertConfigError(
            () => render({ kubelet: { evictionSoft: { "memory.available": "5%" } } }),
            `${at}.kubelet.evictionSoftGracePeriod`,
            /exactly the signals of evictionSoft \(memory\.available\)/,
        ));
    test("a negative reservation", () =>
        assertConfigError(() => render({ kubelet: { kubeReserved: { cpu: "-1" } } }), `${at}.kubelet.kubeReserved.cpu`, /at least zero/));
    test("a reservation of an unknown resource", () =>
        assertConfigError(
            () => render({ kubelet: { systemReserved: { gpu: "1" } } }),
            `${at}.kubelet.systemReserved`,
            /cpu, memory, ephemeral-storage, pid/,
        ));
    test("kubelet's settings and the image GC thresholds render together", () =>
        assert.deepEqual(render({ kubelet: { maxPods: 58 }, imageGC: { highThresholdPercent: 90 } }).spec.kubelet, {
            maxPods: 58,
            imageGCHighThresholdPercent: 90,
            imageGCLowThresholdPercent: 80,
        }));
    test("a threshold over 100%", () =>
        assertConfigError(
            () => render({ kubelet: { evictionHard: { "nodefs.available": "101%" } } }),
            `${at}.kubelet.evictionHard.nodefs.available`,
            /percentage/,
        ));
    test("no IMDS hop", () => assertConfigError(() => render({ imdsHopLimit: 0 }), `${at}.imdsHopLimit`, /1 to 64/));

    // Negative controls: what the component refuses, the CRD refuses too (the checks are not stricter than the API server's).
    test("the CRD refuses the same soft threshold without grace period and the same GC thresholds", () => {
        const spec = render().spec;
        const errors = ec2NodeClassErrors({
            ...render(),
            spec: {
                ...spec,
                kubelet: { evictionSoft: { "memory.available": "5%" }, imageGCHighThresholdPercent: 70, imageGCLowThresholdPercent: 70 },
            },
        });
        assert.ok(
            errors.some((e) => e.includes("evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod")),
            errors.join("\n"),
        );
        assert.ok(
            errors.some((e) => e.includes("imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent")),
            errors.join("\n"),
        );
    });
});

const team: NodePoolArgs = {
    name: "billing",
    nodeClassName: "default",
    weight: 60,
    architectures: [Architecture.Arm64],
    capacityTypes: [CapacityType.Spot, CapacityType.OnDemand],
    instanceCategories: ["c", "m", "r"],
    limits: { cpu: "64", memory: "256Gi" },
};

describe("NodePool settings: every variant valid against the CRD", () => {
    const full: NodePoolArgs = {
        ...team,
        excludedInstanceCategories: ["t"],
        excludedInstanceFamilies: ["m6g", "c6g"],
        minInstanceGeneration: 6,
        maxInstanceGeneration: 8,
        instanceSizes: ["large", "xlarge", "2xlarge", "4xlarge"],
        excludedInstanceSizes: ["metal"],
        excludedInstanceTypes: ["m8g.48xlarge", "c8g.48xlarge", "r8g.48xlarge"],
        zones: ["eu-west-1a", "eu-west-1b"],
        labels: { "billing-team": "true" },
        taints: [{ key: "billing-team", value: "true", effect: TaintEffect.NoSchedule }],
        startupTaints: [{ key: "node.cilium.io/agent-not-ready", value: "true", effect: TaintEffect.NoExecute }],
        disruption: { consolidateAfter: "10m", budgets: [{ nodes: "1" }, { nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h" }] },
    };
    test("every setting at once", () => assert.deepEqual(nodePoolErrors(renderNodePool(full)), []));

    test("each setting is one requirement on its well-known label", () => {
        const reqs = renderNodePool(full).spec.template.spec.requirements;
        const on = (key: string) => reqs.filter((r) => r.key === key).map((r) => [r.operator, r.values]);
        assert.deepEqual(on("karpenter.k8s.aws/instance-category"), [
            ["In", ["c", "m", "r"]],
            ["NotIn", ["t"]],
        ]);
        assert.deepEqual(on("karpenter.k8s.aws/instance-family"), [["NotIn", ["m6g", "c6g"]]]);
        assert.deepEqual(on("karpenter.k8s.aws/instance-generation"), [
            ["Gt", ["5"]],
            ["Lt", ["9"]],
        ]);
        assert.deepEqual(on("karpenter.k8s.aws/instance-size"), [
            ["In", ["large", "xlarge", "2xlarge", "4xlarge"]],
            ["NotIn", ["metal"]],
        ]);
        assert.deepEqual(on("node.kubernetes.io/instance-type"), [["NotIn", ["m8g.48xlarge", "c8g.48xlarge", "r8g.48xlarge"]]]);
        assert.deepEqual(on("topology.kubernetes.io/zone"), [["In", ["eu-west-1a", "eu-west-1b"]]]);
        assert.deepEqual(renderNodePool(full).spec.template.spec.startupTaints, [
            { key: "node.cilium.io/agent-not-ready", value: "true", effect: "NoExecute" },
        ]);
    });

    const p = (overrides: Partial<NodePoolArgs>) => () => renderNodePool({ ...team, ...overrides });
    test("a highest generation below the lowest", () =>
        assertConfigError(
            p({ minInstanceGeneration: 7, maxInstanceGeneration: 6 }),
            "NodePool[billing].maxInstanceGeneration",
            /7 to 99.*at least minInstanceGeneration/,
        ));
    test("an empty zone list", () =>
        assertConfigError(p({ zones: [] }), "NodePool[billing].zones", /non-empty list \(omit it to allow any\)$/));
    test("an instance type that is not a label value", () =>
        assertConfigError(
            p({ excludedInstanceTypes: ["m8g.48xlarge", "m8g 24xlarge"] }),
            "NodePool[billing].excludedInstanceTypes[1]",
            /63 letters/,
        ));
    test("a startup taint without effect", () =>
        assertConfigError(
            p({ startupTaints: [{ key: "agent-not-ready" } as never] }),
            "NodePool[billing].startupTaints[0].effect",
            /NoSchedule/,
        ));
});
