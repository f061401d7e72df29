import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { karpenterFlowSchemas, karpenterValues } from "../../../infra/karpenter/helm-values";
import { resolveKarpenterArgs } from "../../../infra/karpenter/karpenter";
import { DEFAULT_KARPENTER_VERSION, KARPENTER_VERSIONS, VERSIONS } from "../../../infra/model/versions";
import { referenceData } from "../../harness";

/** The Karpenter version a stack gets when its config names none. */
const PINNED = KARPENTER_VERSIONS[DEFAULT_KARPENTER_VERSION];
import { unknownPaths } from "../../chart-values";
import { VALUES_INPUT } from "./fixtures";

/** The pinned chart's values.yaml (read inside the tests, so a missing file fails only them). */
const referenceValues = () => referenceData("karpenter-1.9/chart/values.yaml");

const input = VALUES_INPUT;

describe("karpenterValues", () => {
    test("uses only keys the pinned chart's values.yaml declares", () => {
        const withImage = karpenterValues({
            ...input,
            image: { repository: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/karpenter/controller", tag: "1.9.0" },
        });
        assert.deepEqual(unknownPaths(withImage, referenceValues()), []);
        assert.deepEqual(unknownPaths({ settings: { clusterNmae: "x" } }, referenceValues()), ["settings.clusterNmae"]);
    });

    test("sets what the controller needs to find its cluster, queue and region on Fargate", () => {
        const v = karpenterValues(input) as any;
        assert.equal(v.settings.clusterName, "prod");
        assert.equal(v.settings.clusterEndpoint, input.clusterEndpoint);
        assert.equal(v.settings.interruptionQueue, "prod-karpenter-k3x9qz");
        assert.equal(v.settings.featureGates.spotToSpotConsolidation, true);
        assert.deepEqual(v.controller.env, [{ name: "AWS_REGION", value: "eu-west-1" }]);
        assert.deepEqual(v.serviceAccount.annotations, { "eks.amazonaws.com/role-arn": input.controllerRoleArn });
        assert.equal(v.serviceAccount.name, "karpenter");
        assert.deepEqual(v.podLabels, input.podLabels);
        assert.equal(v.dnsPolicy, "Default");
    });

    test("requests equal limits, two replicas spread across zones", () => {
        const v = karpenterValues(input) as any;
        assert.deepEqual(v.controller.resources, { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } });
        assert.equal(v.replicas, 2);
        assert.deepEqual(
            v.topologySpreadConstraints.map((t: any) => t.topologyKey),
            ["topology.kubernetes.io/zone"],
        );
    });

    test("keeps the chart's image unless a mirror is given", () => {
        assert.equal((karpenterValues(input) as any).controller.image, undefined);
        const mirrored = karpenterValues({ ...input, image: { repository: "mirror.example/karpenter/controller", tag: "1.9.0" } }) as any;
        assert.deepEqual(mirrored.controller.image, { repository: "mirror.example/karpenter/controller", tag: "1.9.0", digest: "" });
    });

    test("turns interruption handling off with an empty queue name", () => {
        assert.equal((karpenterValues({ ...input, interruptionQueueName: undefined }) as any).settings.interruptionQueue, "");
    });
});

describe("pinned version", () => {
    test("matches the reference chart, its CRD chart and its default image tag", () => {
        const chart = referenceData("karpenter-1.9/chart/Chart.yaml");
        const crdChart = referenceData("karpenter-1.9/karpenter-crd-chart/Chart.yaml");
        assert.equal(chart.version, PINNED.chart);
        assert.equal(crdChart.version, PINNED.crdChart);
        const image = referenceValues().controller.image;
        assert.equal(image.tag, PINNED.image.tag);
        assert.equal(image.repository, VERSIONS.karpenterImageRepository);
        assert.equal(image.digest, PINNED.image.digest);
        assert.match(PINNED.chart, /^1\.9\.\d+$/);
    });
});

describe("karpenterFlowSchemas", () => {
    test("match the controller's service account in its namespace at leader-election and workload-high", () => {
        const schemas = karpenterFlowSchemas("karpenter", "karpenter");
        assert.deepEqual(
            schemas.map((s) => [s.name, s.spec.priorityLevelConfiguration.name, s.spec.matchingPrecedence]),
            [
                ["karpenter-leader-election", "leader-election", 200],
                ["karpenter-workload", "workload-high", 1000],
            ],
        );
        for (const s of schemas) {
            assert.deepEqual(s.spec.rules[0].subjects, [
                { kind: "ServiceAccount", serviceAccount: { name: "karpenter", namespace: "karpenter" } },
            ]);
        }
    });
});

describe("resolveKarpenterArgs", () => {
    const base = { clusterName: "c", clusterEndpoint: "e", region: "r", controllerRoleArn: "a", podLabels: { a: "b" } };

    test("defaults to 1 CPU and 1Gi, limits equal to requests, two replicas", () => {
        const a = resolveKarpenterArgs(base);
        assert.deepEqual(a.resources, { cpu: "1", memory: "1Gi" });
        assert.equal(a.replicas, 2);
        assert.equal(a.namespace, "karpenter");
    });

    test("accepts equal quantities written differently", () => {
        assert.doesNotThrow(() =>
            resolveKarpenterArgs({ ...base, requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1000m", memory: "1024Mi" } }),
        );
    });

    test("refuses limits that differ from requests, naming the setting", () => {
        assert.throws(
            () => resolveKarpenterArgs({ ...base, requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2" } }),
            /Karpenter\.limits\.cpu: "2" is not valid; equal to requests\.cpu \(1\)/,
        );
        assert.throws(() => resolveKarpenterArgs({ ...base, limits: { memory: "2Gi" } }), /Karpenter\.limits\.memory/);
    });

    test("a mirrored image keeps the pinned tag and digest, unless another tag is asked for", () => {
        const pinned = resolveKarpenterArgs({ ...base, imageRepository: "mirror.example/karpenter/controller" });
        assert.deepEqual([pinned.imageTag, pinned.imageDigest], [PINNED.image.tag, PINNED.image.digest]);
        const other = resolveKarpenterArgs({ ...base, imageRepository: "mirror.example/karpenter/controller", imageTag: "1.9.1" });
        assert.deepEqual([other.imageTag, other.imageDigest], ["1.9.1", undefined]);
    });

    test("without a repository, the public image at the pinned tag and digest, or at the tag and digest asked for", () => {
        const pinned = resolveKarpenterArgs(base);
        assert.deepEqual(
            [pinned.imageRepository, pinned.imageTag, pinned.imageDigest],
            [VERSIONS.karpenterImageRepository, PINNED.image.tag, PINNED.image.digest],
        );
        const digest = `sha256:${"b".repeat(64)}`;
        const other = resolveKarpenterArgs({ ...base, imageTag: "1.9.1", imageDigest: digest });
        assert.deepEqual([other.imageRepository, other.imageTag, other.imageDigest], [VERSIONS.karpenterImageRepository, "1.9.1", digest]);
    });

    test("refuses malformed quantities, replica counts, namespaces and empty pod labels", () => {
        assert.throws(
            () => resolveKarpenterArgs({ ...base, requests: { cpu: "one" } }),
            /Karpenter\.requests\.cpu: "one" is not valid; a Kubernetes quantity/,
        );
        assert.throws(
            () => resolveKarpenterArgs({ ...base, replicas: 0 }),
            /Karpenter\.replicas: 0 is not valid; a whole number from 1 to 10/,
        );
        assert.throws(() => resolveKarpenterArgs({ ...base, namespace: "Karpenter" }), /Karpenter\.namespace/);
        assert.throws(() => resolveKarpenterArgs({ ...base, podLabels: {} }), /Karpenter\.podLabels/);
        assert.throws(() => resolveKarpenterArgs({ ...base, imageDigest: "latest" }), /Karpenter\.imageDigest/);
        assert.throws(
            () => resolveKarpenterArgs({ ...base, imageTag: "1.9.1@sha256:abc" }),
            /Karpenter\.imageTag: "1\.9\.1@sha256:abc" is not valid; an image tag/,
        );
        assert.doesNotThrow(() => resolveKarpenterArgs({ ...base, imageTag: "v1.9.1-rc.1_b2" }));
    });
});
