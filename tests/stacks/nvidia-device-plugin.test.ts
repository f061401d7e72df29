import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { Architecture, CapacityType, NodePoolSettings, RequirementOperator, nodePoolIsNvidiaGpu } from "../../infra/nodes/node-pool";
import { nvidiaDevicePluginValues } from "../../infra/nodes/nvidia-device-plugin";
import { REPO_ROOT } from "../../infra/root";
import { VERSIONS } from "../../infra/model/versions";
import { unknownPaths } from "../chart-values";
import { DEVICE_PLUGIN_MIRROR, PROD_GPU_NODES, PROD_NODES, Program, Registered, lastRegistrations, runProgram } from "../harness";

const CHART = path.join(REPO_ROOT, "reference", "nvidia-device-plugin-0.20.0");
const chartValues = parse(fs.readFileSync(path.join(CHART, "values.yaml"), "utf8"));
const RELEASE = "kubernetes:helm.sh/v3:Release";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";

const plugin = (p: Program) => p.ofType(RELEASE).filter((r) => r.inputs.chart === "nvidia-device-plugin");
const chart = parse(fs.readFileSync(path.join(CHART, "Chart.yaml"), "utf8"));

/** The image reference the chart renders (`nvidia-device-plugin.fullimage` in its _helpers.tpl): `repository:tag`, the tag `v<appVersion>` when empty. */
function renderedImage(values: { image?: { repository?: string; tag?: string } }): string {
    return `${values.image?.repository ?? chartValues.image.repository}:${values.image?.tag || `v${chart.appVersion}`}`;
}

const MIRROR = DEVICE_PLUGIN_MIRROR;
const PROD_GPU = PROD_GPU_NODES;

type Labels = Record<string, string>;
type Expression = { key: string; operator: string; values?: string[] };
type Taint = { key: string; value?: string; effect: string };
type Toleration = { key?: string; operator?: string; value?: string; effect?: string };

/** Kubernetes' node affinity: some term whose every expression the node's labels satisfy. */
function affinityMatches(affinity: any, labels: Labels): boolean {
    const terms: { matchExpressions: Expression[] }[] =
        affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
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
        prod = await runProgram("prod", { nodes: PROD_GPU });
    });

    test("prod with nodes.gpu and a mirrored image: the pinned chart from NVIDIA's repository, in kube-system, through the cluster's provider", () => {
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
        assert.equal(chart.version, VERSIONS.nvidiaDevicePlugin);
        assert.equal(chart.name, "nvidia-device-plugin");
    });

    test("dev: absent without a GPU pool (its file), present with nodes.gpu", async () => {
        assert.equal(plugin(await runProgram("dev")).length, 0);
        const withGpu = await runProgram("dev", { nodes: { gpu: true } });
        assert.equal(plugin(withGpu).length, 1);
        assert.deepEqual(
            plugin(withGpu)[0].inputs.values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
                .matchExpressions[0].values,
            ["gpu"],
        );
    });

    test("Bottlerocket (its NVIDIA variants ship the plugin): not installed a second time", async () => {
        const prodBottlerocket = await runProgram("prod", { nodes: { ...PROD_GPU, amiFamily: "Bottlerocket" } });
        assert.equal(
            prodBottlerocket.ofType(NODE_POOL).filter((p) => p.name === "prod-nodes-gpu").length,
            1,
            "the GPU pool is still there",
        );
        assert.equal(plugin(prodBottlerocket).length, 0);
        assert.equal(plugin(await runProgram("dev", { nodes: { gpu: true, amiFamily: "Bottlerocket" } })).length, 0);
    });

    test("prod without the GPU pool: absent", async () => {
        assert.equal(plugin(await runProgram("prod", { nodes: { ...PROD_GPU, gpu: false } })).length, 0);
    });
});

/** What the program threw (`<name>: <message>`), after checking that nothing was registered. */
async function refusal(stack: string, overrides: Record<string, unknown>): Promise<string> {
    try {
        await runProgram(stack, overrides);
    } catch (e) {
        assert.deepEqual(lastRegistrations(), [], "nothing is registered");
        return `${(e as Error).name}: ${(e as Error).message}`;
    }
    assert.fail(`expected ${stack} with ${JSON.stringify(overrides)} to be refused`);
}

describe("a GPU pool that is on works: the device plugin's image comes from a registry the nodes reach", () => {
    test("prod's GPU pool is opt-in: its file has none, so no device plugin and no image to mirror", async () => {
        const fromFile = await runProgram("prod");
        assert.equal(fromFile.ofType(NODE_POOL).filter((p) => p.name === "prod-nodes-gpu").length, 0);
        assert.equal(plugin(fromFile).length, 0);
        // Negative control: the same file with nodes.gpu has the pool (and then needs the image, below).
        const on = await runProgram("prod", { nodes: PROD_GPU });
        assert.equal(on.ofType(NODE_POOL).filter((p) => p.name === "prod-nodes-gpu").length, 1);
    });

    test("prod's file shows the two keys that turn it on: uncommented, they pass and the plugin runs the mirror", async () => {
        const text = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8");
        const uncommented = text.replace(/^( {4})# ((gpu|devicePluginImage| {2}repository| {2}tag): .*|devicePluginImage:)$/gm, "$1$2");
        assert.notEqual(uncommented, text, "the file has the commented keys");
        const nodes = parse(uncommented).config["eks-karpenter:nodes"];
        assert.equal(nodes.gpu, true);
        const p = await runProgram("prod", { nodes });
        assert.equal(renderedImage(plugin(p)[0].inputs.values), `${nodes.devicePluginImage.repository}:${nodes.devicePluginImage.tag}`);
        assert.equal(nodes.devicePluginImage.repository, MIRROR, "the mirror of the README's steps, in prod's account and region");
    });

    test("private cluster (prod) + GPU pool + no image: refused before anything is registered, naming both settings and how to mirror", async () => {
        const message = await refusal("prod", { nodes: { ...PROD_NODES, gpu: true } });
        assert.match(
            message,
            /^ConfigError: eks-karpenter:nodes\.devicePluginImage\.repository: \(missing\) is not valid; in a private cluster, a registry the VPC reaches/,
        );
        assert.match(message, /the GPU pools gpu need: nvcr\.io\/nvidia\/k8s-device-plugin is on the internet/);
        assert.match(
            message,
            /`crane copy nvcr\.io\/nvidia\/k8s-device-plugin:v0\.20\.0 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/nvidia\/k8s-device-plugin:v0\.20\.0`/,
        );
        assert.match(message, /docker pull, docker tag and docker push/);
        assert.match(message, /or go without the GPU pool \(eks-karpenter:nodes\.gpu: false/);
    });

    test("an image on the internet, implied Docker Hub, or private ECR of another region: refused the same way", async () => {
        for (const repository of [
            "nvcr.io/nvidia/k8s-device-plugin",
            "nvidia/k8s-device-plugin",
            MIRROR.replace("eu-west-1", "us-east-1"),
        ]) {
            const message = await refusal("prod", { nodes: { ...PROD_GPU, devicePluginImage: { repository } } });
            assert.match(
                message,
                /^ConfigError: eks-karpenter:nodes\.devicePluginImage\.repository: ".*" is not valid; in a private cluster/,
                repository,
            );
        }
    });

    test("private cluster + the image in the account's private ECR: the release runs exactly that image, at the pinned tag unless given", async () => {
        const values = plugin(await runProgram("prod", { nodes: PROD_GPU }))[0].inputs.values;
        assert.deepEqual(values.image, { repository: MIRROR, tag: "v0.20.0" });
        assert.equal(renderedImage(values), `${MIRROR}:v${chart.appVersion}`);
        const tagged = plugin(
            await runProgram("prod", { nodes: { ...PROD_GPU, devicePluginImage: { repository: MIRROR, tag: "v0.20.0-ubi9" } } }),
        )[0];
        assert.equal(renderedImage(tagged.inputs.values), `${MIRROR}:v0.20.0-ubi9`);
        // A host outside private ECR is refused as the controller's image is (the one rule of infra/model/registry.ts).
        for (const key of ["nodes", "karpenter"]) {
            const repository = "registry.corp.example/nvidia/k8s-device-plugin";
            const overrides =
                key === "nodes"
                    ? { nodes: { ...PROD_GPU, devicePluginImage: { repository } } }
                    : { karpenter: { replicas: 2, imageRepository: repository } };
            assert.match(
                await refusal("prod", overrides),
                /; in a private cluster, a registry the VPC reaches through its ecr\.dkr endpoint.*registry\.corp\.example.* is not private ECR/,
                key,
            );
        }
    });

    test("of another account, when the stack names its accounts (aws:allowedAccountIds): refused, the example in that account", async () => {
        const message = await refusal("prod", { nodes: PROD_GPU, "aws:allowedAccountIds": ["210987654321"] });
        assert.match(
            message,
            /^ConfigError: eks-karpenter:nodes\.devicePluginImage\.repository: ".*" is not valid; .* is private ECR of another account than 210987654321/,
        );
        assert.match(message, /crane copy \S+ 210987654321\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/nvidia\/k8s-device-plugin:v0\.20\.0/);
        // Negative control: the stack's own account.
        assert.equal(plugin(await runProgram("prod", { nodes: PROD_GPU, "aws:allowedAccountIds": ["123456789012"] })).length, 1);
    });

    test("reported with the stack file's other config errors in one run, each by its config key", async () => {
        const message = await refusal("prod", {
            nodes: { ...PROD_NODES, gpu: true, devicePluginImage: { repository: "nvcr.io/nvidia/k8s-device-plugin" } },
            karpenter: { replicas: 2, requests: { cpu: "0", memory: "1Gi" } },
        });
        assert.match(message, /^ConfigErrors: 2 config errors:\n/);
        assert.match(message, /^- eks-karpenter:karpenter\.requests\.cpu: "0" is not valid; /m);
        assert.match(
            message,
            /^- eks-karpenter:nodes\.devicePluginImage\.repository: "nvcr\.io\/nvidia\/k8s-device-plugin" is not valid; .* set eks-karpenter:nodes\.devicePluginImage to .* \(eks-karpenter:nodes\.gpu: false\)$/m,
        );
        assert.doesNotMatch(message, /Environment\./, "no component's name for a setting the stack file sets");
    });

    test("Bottlerocket GPU pool in the private cluster, no image: allowed, and no plugin (the variant ships it)", async () => {
        const p = await runProgram("prod", { nodes: { ...PROD_NODES, gpu: true, amiFamily: "Bottlerocket" } });
        assert.equal(p.ofType(NODE_POOL).filter((r) => r.name === "prod-nodes-gpu").length, 1);
        assert.equal(plugin(p).length, 0);
    });

    test("dev (public subnets, NAT) + GPU pool, no image: NVIDIA's public image, the chart's own default, spelled out", async () => {
        const values = plugin(await runProgram("dev", { nodes: { gpu: true } }))[0].inputs.values;
        assert.equal(renderedImage(values), `${chartValues.image.repository}:v${chart.appVersion}`);
        assert.equal(renderedImage(values), renderedImage({}), "what the chart runs when the image is left unset");
        // Negative control: a setting of the image changes what is rendered.
        const mirrored = plugin(
            await runProgram("dev", { nodes: { gpu: true, devicePluginImage: { repository: "registry.corp.example/k8s-device-plugin" } } }),
        )[0];
        assert.notEqual(renderedImage(mirrored.inputs.values), renderedImage({}));
    });

    test("a malformed image is refused in any cluster, naming the setting", async () => {
        assert.match(
            await refusal("dev", { nodes: { gpu: true, devicePluginImage: { repository: `${MIRROR}:v0.20.0` } } }),
            /^ConfigError: eks-karpenter:nodes\.devicePluginImage\.repository: ".*:v0\.20\.0" is not valid; an image repository without tag or digest/,
        );
        assert.match(
            await refusal("dev", { nodes: { gpu: true, devicePluginImage: { repository: MIRROR, tag: "v0.20.0@sha256:x" } } }),
            /^ConfigError: eks-karpenter:nodes\.devicePluginImage\.tag: "v0\.20\.0@sha256:x" is not valid; an image tag/,
        );
        assert.match(
            await refusal("dev", { nodes: { devicePluginImage: { tag: "v1" } } }),
            /^ConfigError: eks-karpenter:nodes\.devicePluginImage\.repository: \(missing\) is not valid; required/,
        );
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
    const manufacturer = (operator: RequirementOperator, values?: string[]) => [
        { key: "karpenter.k8s.aws/instance-gpu-manufacturer", operator, values },
    ];

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
        const values = nvidiaDevicePluginValues([pool, { ...pool, name: "q" }], { repository: "r", tag: "t" }) as {
            tolerations: Toleration[];
        };
        assert.deepEqual(values.tolerations, [
            { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
            { key: "karpenter.sh/disrupted", operator: "Exists", effect: "NoSchedule" },
        ]);
    });
});
