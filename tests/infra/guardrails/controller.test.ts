import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../../infra/errors";
import { UNKNOWN } from "../../../infra/guardrails";
import { avoidsKarpenterNodes, controllerPlacement, controllerQos, qosGaps } from "../../../infra/guardrails/controller";
import { resolveKarpenterArgs } from "../../../infra/karpenter/karpenter";
import { fargateProfile, karpenterRelease, messages } from "./fixtures";

const resources = (requests: Record<string, unknown>, limits: Record<string, unknown>) => ({
    controller: { resources: { requests, limits } },
});

describe("qosGaps", () => {
    it("compares quantities by value and needs both a request and a limit", () => {
        assert.deepEqual(qosGaps({ requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1000m", memory: "1024Mi" } }), []);
        assert.deepEqual(qosGaps({ requests: { cpu: 1, memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } }), [
            { resource: "memory", request: "1Gi", limit: "2Gi" },
        ]);
        assert.deepEqual(
            qosGaps({}).map((g) => g.resource),
            ["cpu", "memory"],
        );
    });
});

describe("rule karpenter-guaranteed-qos", () => {
    it("accepts equal requests and limits", () => {
        assert.deepEqual(
            messages(controllerQos, [karpenterRelease(resources({ cpu: "1", memory: "1Gi" }, { cpu: "1", memory: "1Gi" }))]),
            [],
        );
    });

    it("refuses requests that differ from limits, or none (the chart's default)", () => {
        const [message] = messages(controllerQos, [
            karpenterRelease(resources({ cpu: "500m", memory: "1Gi" }, { cpu: "1", memory: "1Gi" })),
        ]);
        assert.match(message, /^Karpenter release "karpenter" controller\.resources: cpu request 500m vs limit 1\. /);
        assert.match(message, /Why: The controller must run with Guaranteed QoS/);
        assert.match(message, /Fix: Set controller\.resources\.requests and \.limits to the same cpu and memory/);
        const [none] = messages(controllerQos, [karpenterRelease({})]);
        assert.match(none, /cpu request \(none\) vs limit \(none\), memory request \(none\) vs limit \(none\)/);
    });

    it("is the check the Karpenter component applies to its settings", () => {
        const args = { clusterName: "c", clusterEndpoint: "e", region: "r", controllerRoleArn: "a", podLabels: { a: "b" } };
        assert.throws(
            () => resolveKarpenterArgs({ ...args, requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2" } }),
            (e: unknown) =>
                e instanceof ConfigError &&
                e.message ===
                    'Karpenter.limits.cpu: "2" is not valid; equal to requests.cpu (1): the controller must run with Guaranteed QoS',
        );
        assert.doesNotThrow(() => resolveKarpenterArgs({ ...args, requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1000m" } }));
    });
});

const offAffinity = {
    affinity: {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }] }],
            },
        },
    },
};

describe("avoidsKarpenterNodes", () => {
    it("follows Helm's merge: left out keeps the chart's default, null removes it, a list replaces it", () => {
        assert.equal(avoidsKarpenterNodes({}), true);
        assert.equal(avoidsKarpenterNodes({ affinity: { podAntiAffinity: {} } }), true);
        assert.equal(avoidsKarpenterNodes({ affinity: null }), false);
        assert.equal(avoidsKarpenterNodes(offAffinity), false);
        const kept = {
            affinity: {
                nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [{ matchExpressions: [{ key: "karpenter.sh/nodepool", operator: "DoesNotExist" }] }],
                    },
                },
            },
        };
        assert.equal(avoidsKarpenterNodes(kept), true);
        assert.equal(avoidsKarpenterNodes({ affinity: UNKNOWN }), undefined);
    });
});

describe("rule karpenter-off-own-nodes", () => {
    const selector = { namespace: "karpenter", labels: { "eks-karpenter.io/compute": "fargate" } };
    const release = karpenterRelease({ ...offAffinity, podLabels: { "eks-karpenter.io/compute": "fargate" } });

    it("accepts the chart's default affinity, and a controller a Fargate profile selects", () => {
        assert.deepEqual(messages(controllerPlacement, [karpenterRelease({})]), []);
        assert.deepEqual(messages(controllerPlacement, [release, fargateProfile([selector])]), []);
        assert.deepEqual(
            messages(controllerPlacement, [
                release,
                fargateProfile([{ namespace: "karp*", labels: { "app.kubernetes.io/name": "karpenter" } }]),
            ]),
            [],
        );
    });

    it("refuses an affinity without karpenter.sh/nodepool DoesNotExist off Fargate", () => {
        const [message] = messages(controllerPlacement, [release, fargateProfile([{ ...selector, namespace: "kube-system" }])]);
        assert.match(
            message,
            /^Karpenter release "karpenter" can schedule the controller onto Karpenter's own nodes: its affinity lacks karpenter\.sh\/nodepool DoesNotExist and no Fargate profile selects namespace "karpenter" with labels \{"app\.kubernetes\.io\/name":"karpenter","app\.kubernetes\.io\/instance":"karpenter","eks-karpenter\.io\/compute":"fargate"\}\. /,
        );
        assert.match(message, /Why: A controller on a node it manages can take itself down/);
        assert.match(
            message,
            /Fix: Keep the chart's default affinity \(karpenter\.sh\/nodepool DoesNotExist\) or run the controller on Fargate/,
        );
        const otherLabels = fargateProfile([{ namespace: "karpenter", labels: { "eks-karpenter.io/compute": "ec2" } }]);
        assert.equal(messages(controllerPlacement, [release, otherLabels]).length, 1);
    });
});
