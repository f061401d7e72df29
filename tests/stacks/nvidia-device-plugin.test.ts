import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { Architecture, CapacityType, NodePoolSettings, RequirementOperator, nodePoolIsNvidiaGpu } from "../../infra/nodes/node-pool";
import { nvidiaDevicePluginValues } from "../../infra/nodes/nvidia-device-plugin";
import { REPO_ROOT } from "../../infra/root";
import { VERSIONS } from "../../infra/versions";
import { unknownPaths } from "../chart-values";
import { Program, Registered, runProgram } from "../harness";

const CHART = path.join(REPO_ROOT, "reference", "nvidia-device-plugin-0.20.0");
const chartValues = parse(fs.readFileSync(path.join(CHART, "values.yaml"), "utf8"));
const RELEASE = "kubernetes:helm.sh/v3:Release";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";

const plugin = (p: Program) => p.ofType(RELEASE).filter((r) => r.inputs.chart === "nvidia-device-plugin");

type Labels = Record<string, string>;
type Expression = { key: string; operator: string; values?: string[] };
type Taint = { key: string; value?: string; effect: string };
type Toleration = { key?: string; operator?: string; value?: string; effect?: string };

/** Kubernetes' node affinity: some term whose every expression the node's labels satisfy. */
function affinityMatches(affinity: any, labels: Labels): boolean {
    const terms: { matchExpressions: Expression[] }[] = affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    return terms.some((t) =>
        t.matchExpressions.every((e) => {
            const v = labels[e.key];
            if (e.operator === "In") return v !== undefined && e.values!.includes(v);
            if (e.operator === "NotIn") return v === undefined || !e.values!.includes(v);
            if (e.operator === "Exists") return v !== undefined;
            if (e.operator === "DoesNotExist") return v === undefined;
            throw new Error(`operator ${e.operator}`);
        }),
    );
}

/** Kubernetes' rule: a toleration tolerates a taint when key, effect and (for Equal) value match. */
function tolerates(tolerations: Toleration[], taint: Taint): boolean {
    return tolerations.some(
        (t) =>
            (t.key === undefined || t.key === taint.key) &&
            (t.effect === undefined || t.effect === taint.effect) &&
            ((t.operator ?? "Equal") === "Exists" || (t.value ?? "") === (taint.value ?? "")),
    );
}

/** The labels Karpenter gives a node of this NodePool on an instance of this GPU manufacturer. */
function nodeLabels(pool: Registered, gpuManufacturer?: string): Labels {
    return {
        "karpenter.sh/nodepool": pool.inputs.metadata.name,
        "kubernetes.io/arch": "amd64",
        ...(gpuManufacturer ? { "karpenter.k8s.aws/instance-gpu-manufacturer": gpuManufacturer } : {}),
    };
}

describe("NVIDIA's device plugin, wherever an AL2023 GPU pool exists", () => {
    let prod: Program;
    before(async () => {
        prod = await runProgram("prod");
    });

    test("prod (GPU pool on by default): the pinned chart from NVIDIA's repository, in kube-system, through the cluster's provider", () => {
        const [release] = plugin(prod);
        assert.ok(release, "prod installs the device plugin");
        assert.equal(release.name, "prod-nvidia-device-plugin");
        assert.equal(release.inputs.version, VERSIONS.nvidiaDevicePlugin);
        assert.equal(release.inputs.repositoryOpts.repo, "https://nvidia.github.io/k8s-device-plugin");
        assert.equal(release.inputs.namespace, "kube-system");
        assert.equal(release.provider, prod.one(RELEASE, "prod-karpenter").provider);
        assert.equal(plugin(prod).length, 1);
    });

    test("its pods land on the GPU pool's NVIDIA nodes only, and tolerate every taint of that pool and karpenter.sh/disrupted", () => {
        const values = plugin(prod)[0].inputs.values;
        const gpu = prod.one(NODE_POOL, "prod-nodes-gpu");
        assert.ok(affinityMatches(values.affinity, nodeLabels(gpu, "nvidia")));
        for (const other of prod.ofType(NODE_POOL).filter((p) => p !== gpu)) {
            assert.ok(!affinityMatches(values.affinity, nodeLabels(other)), other.name);
        }
        const taints: Taint[] = gpu.inputs.spec.template.spec.taints;
        assert.ok(taints.some((t) => t.key === "nvidia.com/gpu" && t.effect === "NoSchedule"));
        for (const taint of [...taints, { key: "karpenter.sh/disrupted", effect: "NoSchedule" }]) {
            assert.ok(tolerates(values.tolerations, taint), `${taint.key}:${taint.effect}`);
        }
        // Negative controls: the chart's own affinity (Node Feature Discovery labels) matches no Karpenter
        // GPU node, and a taint nobody set is not tolerated.
        assert.ok(!affinityMatches(chartValues.affinity, nodeLabels(gpu, "nvidia")));
        assert.ok(!tolerates(values.tolerations, { key: "example.com/other", effect: "NoSchedule" }));
    });

    test("every value set is one the pinned chart's values.yaml declares, at the pinned version", () => {
        const values = plugin(prod)[0].inputs.values;
        assert.deepEqual(unknownPaths(values, chartValues), []);
        assert.deepEqual(unknownPaths({ affinity: { nodeAfinity: {} } }, chartValues), ["affinity.nodeAfinity"]);
        const chart = parse(fs.readFileSync(path.join(CHART, "Chart.yaml"), "utf8"));
        assert.equal(chart.version, VERSIONS.nvidiaDevicePlugin);
        assert.equal(chart.name, "nvidia-device-plugin");
    });

    test("dev: absent without a GPU pool (its file), present with nodes.gpu", async () => {
        assert.equal(plugin(await runProgram("dev")).length, 0);
        const withGpu = await runProgram("dev", { nodes: { gpu: true } });
        assert.equal(plugin(withGpu).length, 1);
        assert.deepEqual(plugin(withGpu)[0].inputs.values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values, ["gpu"]);
    });

    test("Bottlerocket (its NVIDIA variants ship the plugin): not installed a second time", async () => {
        const prodBottlerocket = await runProgram("prod", { nodes: { spotPercent: 70, amiFamily: "Bottlerocket" } });
        assert.equal(prodBottlerocket.ofType(NODE_POOL).filter((p) => p.name === "prod-nodes-gpu").length, 1, "the GPU pool is still there");
        assert.equal(plugin(prodBottlerocket).length, 0);
        assert.equal(plugin(await runProgram("dev", { nodes: { gpu: true, amiFamily: "Bottlerocket" } })).length, 0);
    });

    test("prod without the GPU pool: absent", async () => {
        assert.equal(plugin(await runProgram("prod", { nodes: { spotPercent: 70, gpu: false } })).length, 0);
    });
});

describe("which pools are NVIDIA GPU pools", () => {
    const base: NodePoolSettings = {
        name: "p",
        nodeClassName: "default",
        architectures: [Architecture.Amd64],
        capacityTypes: [CapacityType.OnDemand],
        limits: { cpu: "8", memory: "32Gi" },
    };
    const manufacturer = (operator: RequirementOperator, values?: string[]) => [{ key: "karpenter.k8s.aws/instance-gpu-manufacturer", operator, values }];

    test("one that requires NVIDIA GPU instances or caps nvidia.com/gpu", () => {
        assert.equal(nodePoolIsNvidiaGpu({ ...base, requirements: manufacturer(RequirementOperator.In, ["nvidia"]) }), true);
        assert.equal(nodePoolIsNvidiaGpu({ ...base, limits: { ...base.limits, nvidiaGpus: 4 } }), true);
    });

    test("not one without GPUs, nor one that also admits other manufacturers", () => {
        assert.equal(nodePoolIsNvidiaGpu(base), false);
        assert.equal(nodePoolIsNvidiaGpu({ ...base, requirements: manufacturer(RequirementOperator.In, ["nvidia", "amd"]) }), false);
        assert.equal(nodePoolIsNvidiaGpu({ ...base, requirements: manufacturer(RequirementOperator.NotIn, ["nvidia"]) }), false);
    });

    test("the values tolerate each distinct taint once", () => {
        const pool = { ...base, taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }] } as NodePoolSettings;
        const values = nvidiaDevicePluginValues([pool, { ...pool, name: "q" }]) as { tolerations: Toleration[] };
        assert.deepEqual(values.tolerations, [
            { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
            { key: "karpenter.sh/disrupted", operator: "Exists", effect: "NoSchedule" },
        ]);
    });
});
