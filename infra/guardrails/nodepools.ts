import { NodePoolShape, allowed, allows, nodePoolShape, separatingKey } from "./requirements";
import { HELM_TYPES, TYPES } from "../model/tokens";
import { helmValues, isKarpenterChart, objectName } from "./resources";
import { Finding, ResourceDescription, ResourceRule, StackRule, at, containsUnknown, isUnknown } from "./types";

const CAPACITY_TYPE = "karpenter.sh/capacity-type";
const INSTANCE_TYPE = "node.kubernetes.io/instance-type";
const INSTANCE_FAMILY = "karpenter.k8s.aws/instance-family";

function shapes(resources: ResourceDescription[]): NodePoolShape[] {
    return resources.flatMap((r) => nodePoolShape(r) ?? []);
}

/** Rule 3: no two NodePools that can take the same pods with the same weight. */
export const nodePoolsUnambiguous: StackRule = {
    id: "nodepools-unambiguous",
    scope: "stack",
    title: "NodePools are mutually exclusive or weighted: no two take the same pods with the same weight",
    why:
        "when several NodePools can take a pending pod, Karpenter orders them by weight only; at equal weight the pool a pod " +
        "lands on is arbitrary, so capacity type, architecture, AMI and cost change from one node to the next.",
    fix:
        "give the preferred pool a higher spec.weight, or make the pools mutually exclusive: a requirement or template label " +
        "whose values do not overlap (kubernetes.io/arch In [arm64] vs In [amd64], a team label pods select), or a taint only " +
        "the intended pods tolerate.",
    types: [TYPES.nodePool],
    options: [],
    check(resources) {
        const findings: Finding[] = [];
        for (const [a, b] of candidatePairs(shapes(resources).filter((p) => !p.static))) {
            if (separatingKey(a, b) !== undefined) continue;
            findings.push({
                resource: b.resource,
                problem:
                    `NodePools "${a.name}" and "${b.name}" can take the same pods: same weight (${a.weight}), ` +
                    `same taints (${a.taints || "none"}), and no requirement or label whose allowed values are disjoint`,
            });
        }
        return findings;
    },
};

/**
 * The pairs of pools that may overlap, in registration order, without comparing every pair of the program:
 * only pools of the same cluster, weight and taints compete for a pod, so pools are grouped by those first.
 * Inside a group, when a key has a finite value list in every pool (`kubernetes.io/arch In [...]`, a team
 * label), two pools sharing none of its values are separated by it; an index from value to pools yields the
 * pairs that share one. Each pair returned is then checked in full (separatingKey), so the index only skips
 * pairs that are separated anyway.
 */
function candidatePairs(pools: NodePoolShape[]): [NodePoolShape, NodePoolShape][] {
    const groups = new Map<string, number[]>();
    pools.forEach((p, i) => {
        const key = JSON.stringify([p.resource.cluster ?? "", p.weight, p.taints]);
        groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    const pairs: [number, number][] = [];
    for (const members of groups.values())
        pairs.push(
            ...pairsSharingValues(
                members.map((i) => pools[i]),
                members,
            ),
        );
    return pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]).map(([i, j]) => [pools[i], pools[j]]);
}

/** Index pairs (by `ids`) of `group` that no finitely listed key separates; all pairs when no key lists values in every pool. */
function pairsSharingValues(group: NodePoolShape[], ids: number[]): [number, number][] {
    const listed = (p: NodePoolShape, key: string): string[] | undefined => {
        const set = allowed(p, key);
        return set.only && !set.absent ? [...set.only].filter((v) => allows(set, v)) : undefined;
    };
    let best: Set<string> | undefined;
    for (const key of new Set(group.flatMap((p) => [...p.keys.keys()]))) {
        const lists = group.map((p) => listed(p, key));
        if (lists.some((l) => l === undefined)) continue;
        const byValue = new Map<string, number[]>();
        lists.forEach((values, n) => values!.forEach((v) => byValue.set(v, [...(byValue.get(v) ?? []), n])));
        const found = new Set<string>();
        for (const members of byValue.values()) members.forEach((a, x) => members.slice(x + 1).forEach((b) => found.add(`${a},${b}`)));
        if (best === undefined || found.size < best.size) best = found;
    }
    if (best === undefined) return ids.flatMap((a, x) => ids.slice(x + 1).map((b): [number, number] => [a, b]));
    return [...best].map((pair) => pair.split(",").map((n) => ids[Number(n)]) as [number, number]);
}

/** Rule 4: a NodePool that allows Spot does not restrict itself to a handful of instance types. */
export const spotInstanceDiversity: ResourceRule = {
    id: "spot-instance-diversity",
    scope: "resource",
    title: "A NodePool that allows Spot allows many instance types across several families",
    why:
        "Spot capacity is reclaimed per instance type and zone; Karpenter (price-capacity-optimized) can only pick the " +
        "deepest pools when it has many types to choose from. A short list leaves pods pending when those types are reclaimed " +
        "or unavailable, and raises the interruption rate.",
    fix:
        "widen the pool: drop the node.kubernetes.io/instance-type / karpenter.k8s.aws/instance-family lists in favour of " +
        "karpenter.k8s.aws/instance-category, -generation and -cpu requirements, or list more types and families; or keep " +
        "the short list on an on-demand pool.",
    types: [TYPES.nodePool],
    options: ["minSpotInstanceTypes", "minSpotInstanceFamilies"],
    check(resource, options) {
        const pool = nodePoolShape(resource);
        // Karpenter launches on-demand capacity when a pool says nothing about capacity type.
        if (!pool || !pool.keys.has(CAPACITY_TYPE) || !allows(allowed(pool, CAPACITY_TYPE), "spot")) return [];
        const listed = (key: string) => {
            const set = pool.keys.get(key);
            return set?.only ? [...set.only].filter((v) => !set.except.has(v)) : undefined;
        };
        const familyList = listed(INSTANCE_FAMILY);
        const types = listed(INSTANCE_TYPE)?.filter((t) => !familyList || familyList.includes(t.split(".")[0]));
        const families = types ? [...new Set(types.map((t) => t.split(".")[0]))] : familyList;
        const short: string[] = [];
        if (types && types.length < options.minSpotInstanceTypes) {
            short.push(`${types.length} instance type(s) (${types.join(", ")}; at least ${options.minSpotInstanceTypes})`);
        }
        if (families && families.length < options.minSpotInstanceFamilies) {
            short.push(
                `${families.length} instance famil${families.length === 1 ? "y" : "ies"} (${families.join(", ")}; at least ${options.minSpotInstanceFamilies})`,
            );
        }
        if (short.length === 0) return [];
        return [{ resource, problem: `NodePool "${pool.name}" allows Spot but only ${short.join(" from ")}` }];
    },
};

/** Rule 5: every NodePool bounds what it may launch by CPU or memory. */
export const nodePoolLimits: ResourceRule = {
    id: "nodepool-limits",
    scope: "resource",
    title: "Every NodePool sets a CPU or memory limit",
    why:
        "without spec.limits Karpenter launches nodes for as long as pods are pending: a runaway deployment, a bad HPA or a " +
        "scheduling bug turns into an unbounded EC2 bill. A node-count limit alone does not bound it (a node can be a 48xlarge).",
    fix: 'set spec.limits.cpu and/or spec.limits.memory (e.g. cpu: "1000", memory: 1000Gi) to the most this pool should ever run.',
    types: [TYPES.nodePool],
    options: [],
    check(resource) {
        const spec = at(resource.inputs, "spec");
        const limits = at(spec, "limits");
        if (isUnknown(limits) || at(spec, "replicas") !== undefined) return [];
        const set = (k: string) => at(limits, k) !== undefined && at(limits, k) !== null;
        if (set("cpu") || set("memory")) return [];
        return [{ resource, problem: `NodePool "${objectName(resource)}" sets no cpu or memory limit (spec.limits)` }];
    },
};

/** Rule 10: Spot capacity only with interruption handling: the queue is what drains a node before EC2 reclaims it. */
export const spotInterruptionHandling: StackRule = {
    id: "spot-interruption-handling",
    scope: "stack",
    title: "NodePools that allow Spot run with Karpenter's interruption handling (settings.interruptionQueue)",
    why:
        "EC2 reclaims a Spot instance two minutes after its interruption warning. Karpenter sees the warning only through its " +
        "SQS interruption queue; without one the node is not cordoned or drained, its pods die with the instance and their " +
        "replacements wait for a new node instead of starting while the old one is still there.",
    fix:
        "turn interruption handling on (this library: karpenter.interruptionHandling, the default; the chart: " +
        "settings.interruptionQueue with the queue and its EventBridge rules), or keep the NodePools on-demand.",
    types: [...HELM_TYPES, TYPES.nodePool],
    options: [],
    check(resources) {
        const releases = resources.filter(isKarpenterChart);
        const queues = releases.map((r) => at(helmValues(r), "settings", "interruptionQueue"));
        if (releases.length === 0 || queues.some((q) => containsUnknown(q) || (typeof q === "string" && q !== ""))) return [];
        return shapes(resources.filter((r) => r.type === TYPES.nodePool))
            .filter((pool) => pool.keys.has(CAPACITY_TYPE) && allows(allowed(pool, CAPACITY_TYPE), "spot"))
            .map((pool) => ({
                resource: pool.resource,
                problem: `NodePool "${pool.name}" allows Spot, but Karpenter release "${releases[0].name}" has no interruption queue (settings.interruptionQueue)`,
            }));
    },
};
