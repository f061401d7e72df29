import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UNKNOWN } from "../../../infra/guardrails";
import { nodePoolLimits, nodePoolsUnambiguous, spotInstanceDiversity, spotInterruptionHandling } from "../../../infra/guardrails/nodepools";
import { karpenterRelease, messages, nodePool, poolSpec, req } from "./fixtures";

const ARCH = "kubernetes.io/arch";
const CAPACITY = "karpenter.sh/capacity-type";
const TYPE = "node.kubernetes.io/instance-type";
const FAMILY = "karpenter.k8s.aws/instance-family";

const ambiguous = (a: ReturnType<typeof poolSpec>, b: ReturnType<typeof poolSpec>) =>
    messages(nodePoolsUnambiguous, [nodePool("a", a), nodePool("b", b)]);

describe("rule nodepools-unambiguous", () => {
    it("refuses two pools with overlapping requirements, equal taints and equal (missing = 0) weight", () => {
        const [message, ...rest] = ambiguous(
            poolSpec({ requirements: [req(ARCH, "In", "amd64", "arm64"), req(CAPACITY, "In", "spot")] }),
            poolSpec({ requirements: [req(ARCH, "In", "amd64")], weight: 0 }),
        );
        assert.equal(rest.length, 0);
        assert.match(
            message,
            /^NodePools "a" and "b" can take the same pods: same weight \(0\), same taints \(none\), and no requirement or label whose allowed values are disjoint\. /,
        );
        assert.match(
            message,
            /Why: When several NodePools can take a pending pod, Karpenter orders them by weight only; at equal weight the pool a pod lands on is arbitrary/,
        );
        assert.match(message, /Fix: Give the preferred pool a higher spec\.weight, or make the pools mutually exclusive/);
    });

    it("accepts the same pools with different weights or different taints", () => {
        assert.deepEqual(ambiguous(poolSpec({ weight: 100 }), poolSpec({ weight: 50 })), []);
        const gpu = poolSpec({ taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }] });
        assert.deepEqual(ambiguous(gpu, poolSpec()), []);
        const sameTaints = (order: number[]) => poolSpec({ taints: order.map((n) => ({ key: `t${n}`, effect: "NoSchedule" })) });
        assert.equal(ambiguous(sameTaints([1, 2]), sameTaints([2, 1])).length, 1, "taints compare as a set");
    });

    it("accepts pools separated by a well-known key (In/In, In/NotIn, Exists/DoesNotExist)", () => {
        assert.deepEqual(
            ambiguous(poolSpec({ requirements: [req(ARCH, "In", "arm64")] }), poolSpec({ requirements: [req(ARCH, "In", "amd64")] })),
            [],
        );
        assert.deepEqual(
            ambiguous(
                poolSpec({ requirements: [req(CAPACITY, "In", "spot")] }),
                poolSpec({ requirements: [req(CAPACITY, "NotIn", "spot")] }),
            ),
            [],
        );
        const gpu = "karpenter.k8s.aws/instance-gpu-count";
        assert.deepEqual(
            ambiguous(poolSpec({ requirements: [req(gpu, "Exists")] }), poolSpec({ requirements: [req(gpu, "DoesNotExist")] })),
            [],
        );
    });

    it("treats a well-known key one pool leaves out as any value", () => {
        assert.equal(ambiguous(poolSpec({ requirements: [req(ARCH, "In", "arm64")] }), poolSpec()).length, 1);
        assert.equal(ambiguous(poolSpec({ requirements: [req(CAPACITY, "NotIn", "on-demand")] }), poolSpec()).length, 1);
    });

    it("treats a custom label one pool leaves out as absent from its nodes (pods select the other by it)", () => {
        assert.deepEqual(ambiguous(poolSpec({ labels: { "billing-team": "my-team" } }), poolSpec()), []);
        assert.deepEqual(
            ambiguous(poolSpec({ requirements: [req("team", "In", "a")] }), poolSpec({ requirements: [req("team", "In", "b")] })),
            [],
        );
        // NotIn also allows nodes without the label, so it separates nothing.
        assert.equal(ambiguous(poolSpec({ requirements: [req("team", "NotIn", "a")] }), poolSpec()).length, 1);
    });

    it("compares Gt/Lt (and Gte/Lte) bounds as integer ranges", () => {
        const gen = "karpenter.k8s.aws/instance-generation";
        assert.deepEqual(
            ambiguous(poolSpec({ requirements: [req(gen, "Gt", "5")] }), poolSpec({ requirements: [req(gen, "Lt", "6")] })),
            [],
        );
        assert.equal(
            ambiguous(poolSpec({ requirements: [req(gen, "Gt", "5")] }), poolSpec({ requirements: [req(gen, "Lt", "7")] })).length,
            1,
        );
        assert.deepEqual(
            ambiguous(poolSpec({ requirements: [req(gen, "Gte", "6")] }), poolSpec({ requirements: [req(gen, "Lte", "5")] })),
            [],
        );
        assert.deepEqual(
            ambiguous(poolSpec({ requirements: [req(gen, "In", "4", "5")] }), poolSpec({ requirements: [req(gen, "Gt", "5")] })),
            [],
        );
    });

    it("intersects a pool's own requirements on one key and its template labels", () => {
        const narrowed = poolSpec({ requirements: [req(ARCH, "In", "amd64", "arm64"), req(ARCH, "NotIn", "amd64")] });
        assert.deepEqual(ambiguous(narrowed, poolSpec({ requirements: [req(ARCH, "In", "amd64")] })), []);
        assert.deepEqual(ambiguous(poolSpec({ labels: { [ARCH]: "arm64" } }), poolSpec({ requirements: [req(ARCH, "In", "amd64")] })), []);
    });

    it("compares only pools of the same cluster (their Kubernetes provider)", () => {
        const on = (cluster: string, name: string) => ({ ...nodePool(name, poolSpec()), cluster });
        assert.deepEqual(messages(nodePoolsUnambiguous, [on("provider-1", "a"), on("provider-2", "b")]), []);
        // Negative control: the same two pools on one cluster overlap.
        assert.equal(messages(nodePoolsUnambiguous, [on("provider-1", "a"), on("provider-1", "b")]).length, 1);
    });

    it("finds the one overlapping pair among many pools a label separates (the index skips only separated pairs)", () => {
        const team = (n: number, value = `team-${n}`) => nodePool(`p${n}`, poolSpec({ labels: { team: value } }));
        const pools = Array.from({ length: 200 }, (_, n) => team(n));
        assert.deepEqual(messages(nodePoolsUnambiguous, pools), []);
        pools.push(team(200, "team-17"));
        const [message, ...rest] = messages(nodePoolsUnambiguous, pools);
        assert.equal(rest.length, 0);
        assert.match(message, /^NodePools "p17" and "p200" can take the same pods/);
        // A value list that shares a value with every pool is compared with each.
        pools.push(nodePool("wide", poolSpec({ requirements: [req("team", "In", "team-3", "team-4")] })));
        assert.deepEqual(
            messages(nodePoolsUnambiguous, pools).map((m) => /^NodePools "(\w+)" and "(\w+)"/.exec(m)!.slice(1).join("+")),
            ["p3+wide", "p4+wide", "p17+p200"],
        );
    });

    it("leaves static NodePools (spec.replicas) out: they take no pending pods", () => {
        assert.deepEqual(ambiguous({ ...poolSpec(), replicas: 3 } as ReturnType<typeof poolSpec>, poolSpec()), []);
    });
});

const spotPool = (requirements: unknown[]) =>
    nodePool("spot", poolSpec({ requirements: [req(CAPACITY, "In", "spot", "on-demand"), ...requirements] }));

describe("rule spot-instance-diversity", () => {
    it("accepts a Spot pool with no instance list, or a long one across families", () => {
        assert.deepEqual(
            messages(spotInstanceDiversity, [spotPool([req("karpenter.k8s.aws/instance-category", "In", "c", "m", "r")])]),
            [],
        );
        const types = ["m5", "m6i", "c5", "c6i", "r5"].flatMap((f) => [`${f}.large`, `${f}.xlarge`]);
        assert.deepEqual(messages(spotInstanceDiversity, [spotPool([req(TYPE, "In", ...types)])]), []);
        assert.deepEqual(messages(spotInstanceDiversity, [spotPool([req(FAMILY, "In", "m7g", "c7g", "r7g")])]), []);
    });

    it("refuses a Spot pool restricted to a few types, with the counts and thresholds", () => {
        const [message] = messages(spotInstanceDiversity, [spotPool([req(TYPE, "In", "m5.large", "m5.xlarge", "c5.large")])]);
        assert.match(
            message,
            /^NodePool "spot" allows Spot but only 3 instance type\(s\) \(m5\.large, m5\.xlarge, c5\.large; at least 10\) from 2 instance families \(m5, c5; at least 3\)\. /,
        );
        assert.match(message, /Why: Spot capacity is reclaimed per instance type and zone/);
        assert.match(message, /Fix: Widen the pool/);
    });

    it("refuses a Spot pool restricted to fewer families than configured", () => {
        const [message] = messages(spotInstanceDiversity, [spotPool([req(FAMILY, "In", "m5", "c5")])]);
        assert.match(message, /^NodePool "spot" allows Spot but only 2 instance families \(m5, c5; at least 3\)\. /);
        assert.deepEqual(messages(spotInstanceDiversity, [spotPool([req(FAMILY, "In", "m5", "c5")])], { minSpotInstanceFamilies: 2 }), []);
    });

    it("leaves on-demand pools alone, including pools that say nothing about capacity type (Karpenter's default)", () => {
        const few = req(TYPE, "In", "m5.large");
        assert.deepEqual(
            messages(spotInstanceDiversity, [nodePool("od", poolSpec({ requirements: [req(CAPACITY, "In", "on-demand"), few] }))]),
            [],
        );
        assert.deepEqual(messages(spotInstanceDiversity, [nodePool("default", poolSpec({ requirements: [few] }))]), []);
        assert.equal(
            messages(spotInstanceDiversity, [nodePool("ex", poolSpec({ requirements: [req(CAPACITY, "NotIn", "on-demand"), few] }))])
                .length,
            1,
        );
    });
});

describe("rule nodepool-limits", () => {
    it("accepts a pool with a cpu or a memory limit, and a static pool", () => {
        assert.deepEqual(messages(nodePoolLimits, [nodePool("cpu", { ...poolSpec(), limits: { cpu: "100" } })]), []);
        assert.deepEqual(messages(nodePoolLimits, [nodePool("mem", { ...poolSpec(), limits: { memory: "400Gi" } })]), []);
        assert.deepEqual(messages(nodePoolLimits, [nodePool("static", { ...poolSpec(), limits: { nodes: 3 }, replicas: 3 })]), []);
    });

    it("refuses a pool with no limits, or only a node count", () => {
        const [message] = messages(nodePoolLimits, [nodePool("open", { ...poolSpec(), limits: undefined })]);
        assert.match(message, /^NodePool "open" sets no cpu or memory limit \(spec\.limits\)\. /);
        assert.match(message, /Why: Without spec\.limits Karpenter launches nodes for as long as pods are pending/);
        assert.match(message, /Fix: Set spec\.limits\.cpu and\/or spec\.limits\.memory/);
        assert.equal(messages(nodePoolLimits, [nodePool("nodes", { ...poolSpec(), limits: { nodes: 10 } })]).length, 1);
    });
});

describe("rule spot-interruption-handling", () => {
    const release = (interruptionQueue: unknown) => karpenterRelease({ settings: { clusterName: "eks", interruptionQueue } });
    const spot = nodePool("spot", poolSpec({ requirements: [req(CAPACITY, "In", "spot", "on-demand")] }));
    const anyCapacity = nodePool("any", poolSpec({ requirements: [req(CAPACITY, "Exists")] }));
    const onDemand = nodePool("on-demand", poolSpec({ requirements: [req(CAPACITY, "In", "on-demand")] }));
    const unsaid = nodePool("unsaid", poolSpec());

    it("flags every pool that allows Spot when the release has no interruption queue", () => {
        const [message, ...rest] = messages(spotInterruptionHandling, [release(""), spot, onDemand, unsaid]);
        assert.deepEqual(rest, []);
        assert.match(
            message,
            /^NodePool "spot" allows Spot, but Karpenter release "karpenter" has no interruption queue \(settings\.interruptionQueue\)\. Why: /,
        );
        assert.equal(messages(spotInterruptionHandling, [release(undefined), anyCapacity]).length, 1);
    });

    it("accepts a queue, a queue not known yet, on-demand pools, or no Karpenter release", () => {
        assert.deepEqual(messages(spotInterruptionHandling, [release("eks-karpenter"), spot]), []);
        assert.deepEqual(messages(spotInterruptionHandling, [release(UNKNOWN), spot]), []);
        assert.deepEqual(messages(spotInterruptionHandling, [release(""), onDemand, unsaid]), []);
        assert.deepEqual(messages(spotInterruptionHandling, [spot]), []);
    });
});
