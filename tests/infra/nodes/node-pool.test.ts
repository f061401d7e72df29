import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
    CAPACITY_SPREAD_LABEL,
    DefaultNodePoolsOptions,
    GPU_TAINT,
    NodePoolProfile,
    defaultNodePools,
} from "../../../infra/nodes/default-pools";
import {
    Architecture,
    CapacityType,
    ConsolidationPolicy,
    DisruptionReason,
    NodePoolArgs,
    RequirementOperator,
    TaintEffect,
    checkNodePoolWeights,
    renderNodePool,
} from "../../../infra/nodes/node-pool";
import { VERSIONS } from "../../../infra/model/versions";
import { NODE_POOL_CRD, celMessages, nodePoolErrors, refusedBy, v1Schema } from "./crds";
import { assertConfigError } from "./helpers";

const base: NodePoolArgs = {
    name: "general",
    nodeClassName: "default",
    weight: 20,
    architectures: [Architecture.Arm64],
    capacityTypes: [CapacityType.Spot, CapacityType.OnDemand],
    instanceCategories: ["c", "m", "r"],
    limits: { cpu: "100", memory: "400Gi" },
};
const pool = (overrides: Partial<NodePoolArgs> = {}) => ({ ...base, ...overrides });

/** Every option combination of the default set. */
const DEFAULT_SETS: DefaultNodePoolsOptions[] = [NodePoolProfile.Dev, NodePoolProfile.Prod].flatMap((profile) =>
    [undefined, 70, 10, 90].flatMap((spotPercent) => [true, false].map((gpu) => ({ profile, spotPercent, gpu }))),
);

const requirement = (p: NodePoolArgs, key: string) => renderNodePool(p).spec.template.spec.requirements.find((r) => r.key === key);

describe("the default pools", () => {
    test("every pool of every default set is valid against the NodePool CRD", () => {
        for (const options of DEFAULT_SETS) {
            for (const p of defaultNodePools(options)) {
                assert.deepEqual(nodePoolErrors(renderNodePool(p)), [], `${JSON.stringify(options)}: ${p.name}`);
            }
        }
    });

    test("no two pools of a set share a weight", () => {
        for (const options of DEFAULT_SETS) {
            const weights = defaultNodePools(options).map((p) => p.weight);
            assert.equal(new Set(weights).size, weights.length, JSON.stringify(options));
            assert.doesNotThrow(() => checkNodePoolWeights("pools", defaultNodePools(options)));
        }
    });

    test("Graviton first (100), x86 second (50), GPU last (10), Spot with On-Demand fallback", () => {
        const pools = defaultNodePools({ profile: NodePoolProfile.Prod });
        assert.deepEqual(
            pools.map((p) => [p.name, p.weight, p.architectures, p.capacityTypes]),
            [
                ["arm64", 100, ["arm64"], ["spot", "on-demand"]],
                ["amd64", 50, ["amd64"], ["spot", "on-demand"]],
                ["gpu", 10, ["amd64"], ["on-demand"]],
            ],
        );
        const families = (name: string) => pools.find((p) => p.name === name)!.instanceFamilies!;
        for (const f of ["m8g", "c7g", "r7g", "m7g", "c8g", "r8g", "m6g", "c6g", "r6g"]) assert.ok(families("arm64").includes(f), f);
        for (const f of ["m7i", "c7i", "r7i"]) assert.ok(families("amd64").includes(f), f);
    });

    test("pools allowing Spot choose among many instance families, never a short list of types", () => {
        for (const options of DEFAULT_SETS) {
            for (const p of defaultNodePools(options).filter((x) => x.capacityTypes.includes(CapacityType.Spot))) {
                assert.ok((p.instanceFamilies ?? []).length >= 9, `${p.name}: ${p.instanceFamilies}`);
                assert.equal(requirement(p, "node.kubernetes.io/instance-type"), undefined);
            }
        }
    });

    test("the GPU pool: tainted nvidia.com/gpu=true:NoSchedule, On-Demand, NVIDIA G instances", () => {
        const gpu = defaultNodePools({ profile: NodePoolProfile.Prod }).find((p) => p.name === "gpu")!;
        const rendered = renderNodePool(gpu).spec.template.spec;
        assert.deepEqual(rendered.taints, [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }]);
        assert.deepEqual(GPU_TAINT.effect, TaintEffect.NoSchedule);
        assert.deepEqual(requirement(gpu, "karpenter.sh/capacity-type")?.values, ["on-demand"]);
        assert.deepEqual(requirement(gpu, "karpenter.k8s.aws/instance-gpu-manufacturer")?.values, ["nvidia"]);
        assert.equal(
            defaultNodePools({ profile: NodePoolProfile.Dev, gpu: false }).some((p) => p.name === "gpu"),
            false,
        );
    });

    test("in production GPU nodes are consolidated only when empty; in dev like the others", () => {
        const policy = (profile: NodePoolProfile, name: string) =>
            renderNodePool(defaultNodePools({ profile }).find((p) => p.name === name)!).spec.disruption.consolidationPolicy;
        assert.equal(policy(NodePoolProfile.Prod, "gpu"), ConsolidationPolicy.WhenEmpty);
        assert.equal(policy(NodePoolProfile.Prod, "arm64"), ConsolidationPolicy.WhenEmptyOrUnderutilized);
        assert.equal(policy(NodePoolProfile.Dev, "gpu"), ConsolidationPolicy.WhenEmptyOrUnderutilized);
    });

    test("production keeps a business-hours budget with a schedule and a duration", () => {
        const budgets = renderNodePool(defaultNodePools({ profile: NodePoolProfile.Prod })[0]).spec.disruption.budgets;
        assert.deepEqual(budgets, [
            { nodes: "10%" },
            { nodes: "0", schedule: "0 8 * * mon-fri", duration: "10h", reasons: [DisruptionReason.Underutilized] },
        ]);
    });

    test("the 70/30 split: Spot and On-Demand pools own 7 and 3 of the ten capacity-spread values", () => {
        const pools = defaultNodePools({ profile: NodePoolProfile.Prod, spotPercent: 70 });
        assert.deepEqual(
            pools.map((p) => [p.name, p.weight]),
            [
                ["arm64", 100],
                ["arm64-on-demand", 99],
                ["amd64", 50],
                ["amd64-on-demand", 49],
                ["gpu", 10],
            ],
        );
        for (const arch of ["arm64", "amd64"]) {
            const spot = pools.find((p) => p.name === arch)!;
            const onDemand = pools.find((p) => p.name === `${arch}-on-demand`)!;
            assert.deepEqual(spot.capacityTypes, [CapacityType.Spot]);
            assert.deepEqual(onDemand.capacityTypes, [CapacityType.OnDemand]);
            const spotValues = requirement(spot, CAPACITY_SPREAD_LABEL)!.values!;
            const onDemandValues = requirement(onDemand, CAPACITY_SPREAD_LABEL)!.values!;
            assert.deepEqual(spotValues, ["1", "2", "3", "4", "5", "6", "7"]);
            assert.deepEqual(onDemandValues, ["8", "9", "10"]);
        }
    });

    test("the split follows spotPercent and always covers the ten values exactly once", () => {
        for (let percent = 10; percent <= 90; percent += 10) {
            const pools = defaultNodePools({ profile: NodePoolProfile.Dev, spotPercent: percent });
            const values = (name: string) =>
                requirement(
                    pools.find((p) => p.name === name)!,
                    CAPACITY_SPREAD_LABEL,
                )!.values!;
            assert.equal(values("arm64").length, percent / 10);
            assert.deepEqual([...values("arm64"), ...values("arm64-on-demand")], ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
        }
    });

    test("callers may adjust the result without changing the next one", () => {
        const first = defaultNodePools({ profile: NodePoolProfile.Prod });
        first[0].disruption!.budgets!.push({ nodes: "1" });
        first[0].limits.cpu = "1";
        const second = defaultNodePools({ profile: NodePoolProfile.Prod });
        assert.equal(second[0].disruption!.budgets!.length, 2);
        assert.equal(second[0].limits.cpu, "1000");
        assert.equal(second[1].disruption!.budgets!.length, 2);
    });

    test("a bad split or profile is refused", () => {
        for (const spotPercent of [0, 75, 100, 70.5]) {
            assertConfigError(
                () => defaultNodePools({ profile: NodePoolProfile.Prod, spotPercent }),
                "defaultNodePools.spotPercent",
                /multiple of 10 from 10 to 90/,
            );
        }
        assertConfigError(() => defaultNodePools({ profile: "staging" as NodePoolProfile }), "defaultNodePools.profile", /dev or prod/);
    });
});

describe("renderNodePool", () => {
    test("the shape: nodeClassRef, requirements in order, weight, limits, disruption defaults, expiry", () => {
        const rendered = renderNodePool(
            pool({
                minInstanceGeneration: 6,
                excludedInstanceSizes: ["metal"],
                requirements: [{ key: "topology.kubernetes.io/zone", operator: RequirementOperator.In, values: ["eu-west-1a"] }],
                taints: [{ key: "dedicated", effect: TaintEffect.NoExecute }],
                labels: { team: "data" },
                terminationGracePeriod: "48h",
                limits: { cpu: "100", memory: "400Gi", nvidiaGpus: 8 },
            }),
        );
        assert.equal(rendered.apiVersion, VERSIONS.apiVersions.nodePool);
        assert.equal(rendered.kind, "NodePool");
        assert.deepEqual(rendered.metadata, { name: "general" });
        assert.equal(rendered.spec.weight, 20);
        assert.deepEqual(rendered.spec.limits, { cpu: "100", memory: "400Gi", "nvidia.com/gpu": "8" });
        assert.deepEqual(rendered.spec.disruption, {
            consolidationPolicy: "WhenEmptyOrUnderutilized",
            consolidateAfter: "1m",
            budgets: [{ nodes: "10%" }],
        });
        const t = rendered.spec.template;
        assert.deepEqual(t.metadata, { labels: { team: "data" } });
        assert.deepEqual(t.spec.nodeClassRef, { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" });
        assert.deepEqual(t.spec.requirements, [
            { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] },
            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
            { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
            { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
            { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
            { key: "karpenter.k8s.aws/instance-size", operator: "NotIn", values: ["metal"] },
            { key: "topology.kubernetes.io/zone", operator: "In", values: ["eu-west-1a"] },
        ]);
        assert.deepEqual(t.spec.taints, [{ key: "dedicated", effect: "NoExecute" }]);
        assert.equal(t.spec.expireAfter, "720h");
        assert.equal(t.spec.terminationGracePeriod, "48h");
        assert.deepEqual(nodePoolErrors(rendered), []);
    });

    test("an unweighted pool renders no weight", () => {
        assert.equal("weight" in renderNodePool(pool({ weight: undefined })).spec, false);
    });
});

describe("the NodePool CRD refuses broken variants (so the checks above can fail)", () => {
    const good = renderNodePool(pool({ labels: { team: "data" } }));
    const variant = (edit: (o: any) => void) => {
        const copy = structuredClone(good) as any;
        edit(copy);
        return copy;
    };
    const requirements = (o: any) => o.spec.template.spec.requirements;
    const cel = (edit: (o: any) => void, message: string) => () => {
        assert.ok(celMessages(v1Schema(NODE_POOL_CRD)).includes(message), `not a CRD message: ${message}`);
        assert.ok(refusedBy(nodePoolErrors(variant(edit)), message), message);
    };
    const schema = (edit: (o: any) => void, pattern: RegExp) => () => {
        const errors = nodePoolErrors(variant(edit));
        assert.ok(
            errors.some((e) => pattern.test(e)),
            errors.join("\n"),
        );
    };
    test(
        "a budget schedule without a duration",
        cel((o) => o.spec.disruption.budgets.push({ nodes: "0", schedule: "@daily" }), "'schedule' must be set with 'duration'"),
    );
    test(
        "a requirement in the karpenter.sh domain",
        cel((o) => requirements(o).push({ key: "karpenter.sh/foo", operator: "Exists" }), 'label domain "karpenter.sh" is restricted'),
    );
    test(
        "a requirement on an unknown karpenter.k8s.aws label",
        cel(
            (o) => requirements(o).push({ key: "karpenter.k8s.aws/foo", operator: "Exists" }),
            'label domain "karpenter.k8s.aws" is restricted',
        ),
    );
    test(
        "a requirement on the hostname",
        cel(
            (o) => requirements(o).push({ key: "kubernetes.io/hostname", operator: "Exists" }),
            'label "kubernetes.io/hostname" is restricted',
        ),
    );
    test(
        "a template label karpenter.sh/nodepool",
        cel((o) => (o.spec.template.metadata.labels["karpenter.sh/nodepool"] = "x"), 'label "karpenter.sh/nodepool" is restricted'),
    );
    test(
        "In without values",
        cel((o) => requirements(o).push({ key: "team", operator: "In" }), "requirements with operator 'In' must have a value defined"),
    );
    test(
        "Gt with a non-number",
        cel(
            (o) => requirements(o).push({ key: "karpenter.k8s.aws/instance-cpu", operator: "Gt", values: ["four"] }),
            "requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value",
        ),
    );
    test(
        "minValues above the values given",
        cel(
            (o) => (requirements(o)[3].minValues = 5),
            "requirements with 'minValues' must have at least that many values specified in the 'values' field",
        ),
    );
    test(
        "an empty nodeClassRef name",
        cel((o) => (o.spec.template.spec.nodeClassRef.name = ""), "name may not be empty"),
    );
    test("a requirement value that is not a label value", () => {
        const errors = nodePoolErrors(variant((o) => requirements(o).push({ key: "team", operator: "In", values: ["a b"] })));
        assert.ok(
            errors.some((e) => e.startsWith("invalid label value")),
            errors.join("\n"),
        );
    });
    test("weight 0 and 101", () => {
        for (const weight of [0, 101])
            assert.ok(nodePoolErrors(variant((o) => (o.spec.weight = weight))).some((e) => /weight must be/.test(e)));
    });
    test(
        "an unknown consolidation policy",
        schema((o) => (o.spec.disruption.consolidationPolicy = "Always"), /consolidationPolicy must be equal to one of the allowed values/),
    );
    test(
        "an expiry in days",
        schema((o) => (o.spec.template.spec.expireAfter = "30d"), /expireAfter must match pattern/),
    );
    test(
        "a budget over 100%",
        schema((o) => (o.spec.disruption.budgets[0].nodes = "110%"), /nodes must match pattern/),
    );
    test(
        "a budget duration in seconds",
        schema((o) => o.spec.disruption.budgets.push({ nodes: "0", schedule: "@daily", duration: "30s" }), /duration must match pattern/),
    );
    test(
        "an unknown taint effect",
        schema((o) => (o.spec.template.spec.taints = [{ key: "a", effect: "NoRun" }]), /effect must be equal to one of the allowed values/),
    );
    test(
        "a misspelt field",
        schema((o) => (o.spec.template.spec.expiresAfter = "1h"), /must NOT have additional properties.*expiresAfter/),
    );
    test(
        "no nodeClassRef",
        schema((o) => delete o.spec.template.spec.nodeClassRef, /must have required property 'nodeClassRef'/),
    );
});

describe("resolveNodePoolArgs: bad config is refused, naming the field and what is allowed", () => {
    const at = "NodePool[general]";
    test("weights outside 1-100", () => {
        for (const weight of [0, 101, 1.5]) assertConfigError(() => renderNodePool(pool({ weight })), `${at}.weight`, /1 to 100/);
    });
    test("an empty instance list with Spot allowed", () =>
        assertConfigError(
            () => renderNodePool(pool({ instanceFamilies: [] })),
            `${at}.instanceFamilies`,
            /non-empty list.*with Spot allowed, list many/,
        ));
    test("an empty instance list On-Demand only", () =>
        assertConfigError(
            () => renderNodePool(pool({ capacityTypes: [CapacityType.OnDemand], instanceCategories: [] })),
            `${at}.instanceCategories`,
            /non-empty list \(omit it to allow any\)$/,
        ));
    test("limits missing", () =>
        assertConfigError(() => renderNodePool(pool({ limits: undefined as never })), `${at}.limits`, /cpu and memory/));
    test("the memory limit missing", () =>
        assertConfigError(
            () => renderNodePool(pool({ limits: { cpu: "10" } as never })),
            `${at}.limits.memory`,
            /every pool needs a cpu and a memory cap/,
        ));
    test("a malformed limit", () =>
        assertConfigError(
            () => renderNodePool(pool({ limits: { cpu: "ten", memory: "1Gi" } })),
            `${at}.limits.cpu`,
            /Kubernetes quantity/,
        ));
    test("a zero limit", () =>
        assertConfigError(() => renderNodePool(pool({ limits: { cpu: "0", memory: "1Gi" } })), `${at}.limits.cpu`, /more than zero/));
    test("malformed durations", () => {
        assertConfigError(() => renderNodePool(pool({ expireAfter: "30d" })), `${at}.expireAfter`, /30s, 5m or 1h30m, or Never/);
        assertConfigError(() => renderNodePool(pool({ expireAfter: "1 hour" })), `${at}.expireAfter`, /duration/);
        assertConfigError(
            () => renderNodePool(pool({ disruption: { consolidateAfter: "-5m" } })),
            `${at}.disruption.consolidateAfter`,
            /duration/,
        );
        assertConfigError(() => renderNodePool(pool({ terminationGracePeriod: "Never" })), `${at}.terminationGracePeriod`, /1h30m$/);
        assertConfigError(
            () => renderNodePool(pool({ disruption: { budgets: [{ nodes: "0", schedule: "@daily", duration: "30s" }] } })),
            `${at}.disruption.budgets[0].duration`,
            /hours and minutes/,
        );
    });
    test("a budget schedule without a duration, and the reverse", () => {
        assertConfigError(
            () => renderNodePool(pool({ disruption: { budgets: [{ nodes: "0", schedule: "@daily" }] } })),
            `${at}.disruption.budgets[0].duration`,
            /schedule and duration together/,
        );
        assertConfigError(
            () => renderNodePool(pool({ disruption: { budgets: [{ nodes: "0", duration: "1h" }] } })),
            `${at}.disruption.budgets[0].schedule`,
            /schedule and duration together/,
        );
    });
    test("a malformed schedule and node count", () => {
        assertConfigError(
            () => renderNodePool(pool({ disruption: { budgets: [{ nodes: "0", schedule: "every day", duration: "1h" }] } })),
            `${at}.disruption.budgets[0].schedule`,
            /five fields/,
        );
        assertConfigError(
            () => renderNodePool(pool({ disruption: { budgets: [{ nodes: "110%" }] } })),
            `${at}.disruption.budgets[0].nodes`,
            /0% to 100%/,
        );
    });
    test("restricted label and requirement keys", () => {
        assertConfigError(
            () => renderNodePool(pool({ labels: { "karpenter.sh/team": "a" } })),
            `${at}.labels`,
            /outside karpenter\.sh and karpenter\.k8s\.aws/,
        );
        assertConfigError(
            () => renderNodePool(pool({ requirements: [{ key: "kubernetes.io/hostname", operator: RequirementOperator.Exists }] })),
            `${at}.requirements[0].key`,
            /not kubernetes\.io\/hostname/,
        );
    });
    test("requirement values that do not fit the operator", () => {
        assertConfigError(
            () => renderNodePool(pool({ requirements: [{ key: "team", operator: RequirementOperator.In }] })),
            `${at}.requirements[0].values`,
            /at least one value for In/,
        );
        assertConfigError(
            () =>
                renderNodePool(
                    pool({
                        requirements: [{ key: "karpenter.k8s.aws/instance-cpu", operator: RequirementOperator.Gt, values: ["4", "8"] }],
                    }),
                ),
            `${at}.requirements[0].values`,
            /one whole number for Gt/,
        );
    });
    test("choices outside the enums, empty and repeated", () => {
        assertConfigError(() => renderNodePool(pool({ architectures: [] })), `${at}.architectures`, /arm64, amd64/);
        assertConfigError(
            () => renderNodePool(pool({ capacityTypes: [CapacityType.Spot, CapacityType.Spot] })),
            `${at}.capacityTypes`,
            /distinct values/,
        );
        assertConfigError(
            () => renderNodePool(pool({ taints: [{ key: "a", effect: "NoRun" as TaintEffect }] })),
            `${at}.taints[0].effect`,
            /NoSchedule/,
        );
    });
    test("pools of one set sharing a weight", () => {
        assertConfigError(
            () => checkNodePoolWeights("KarpenterNodes.nodePools", [pool(), pool({ name: "other" })]),
            "KarpenterNodes.nodePools[other].weight",
            /no other pool has \(general has it too\)/,
        );
        assertConfigError(
            () =>
                checkNodePoolWeights("KarpenterNodes.nodePools", [pool({ weight: undefined }), pool({ name: "other", weight: undefined })]),
            "KarpenterNodes.nodePools[other].weight",
            /at random/,
        );
    });
});
