/** Rule 8: the Karpenter controller runs with Guaranteed QoS, and never on nodes it manages. */
import { parseQuantity } from "../model/quantity";
import { fargateSelectorMatches } from "../model/fargate";
import { HELM_TYPES, TYPES } from "../model/tokens";
import { controllerPodLabels, helmNamespace, helmValues, isKarpenterChart } from "./resources";
import { Finding, ResourceDescription, ResourceRule, StackRule, at, containsUnknown, isRecord, isUnknown } from "./types";

/** A resource whose request and limit are not both set and equal. */
export interface QosGap {
    resource: "cpu" | "memory";
    request: unknown;
    limit: unknown;
}

/**
 * The container resources (`{ requests, limits }`) that keep a pod out of Guaranteed QoS: cpu and
 * memory each need a request and a limit of the same quantity (`1` equals `1000m`).
 */
export function qosGaps(resources: unknown): QosGap[] {
    return (["cpu", "memory"] as const).flatMap((resource): QosGap[] => {
        const request = at(resources, "requests", resource);
        const limit = at(resources, "limits", resource);
        if (isUnknown(request) || isUnknown(limit)) return [];
        const value = (q: unknown) => (typeof q === "string" || typeof q === "number" ? parseQuantity(String(q)) : undefined);
        const same = value(request) !== undefined && value(request) === value(limit);
        return same ? [] : [{ resource, request, limit }];
    });
}

export const controllerQos: ResourceRule = {
    id: "karpenter-guaranteed-qos",
    scope: "resource",
    title: "The Karpenter controller's requests equal its limits (Guaranteed QoS)",
    why:
        "the controller must run with Guaranteed QoS: with a limit above its request it is throttled, or evicted first under " +
        "memory pressure; on Fargate the pod is sized from its requests, so a missing or small request starves it. A starved " +
        "controller stops scaling the cluster.",
    fix: "set controller.resources.requests and .limits to the same cpu and memory (this library: karpenter.requests, with limits left to follow them).",
    types: HELM_TYPES,
    options: [],
    check(resource) {
        if (!isKarpenterChart(resource)) return [];
        const resources = at(helmValues(resource), "controller", "resources");
        if (isUnknown(resources)) return [];
        const gaps = qosGaps(resources);
        if (gaps.length === 0) return [];
        const show = (q: unknown) => (q === undefined ? "(none)" : String(q));
        return [
            {
                resource,
                problem:
                    `Karpenter release "${resource.name}" controller.resources: ` +
                    gaps.map((g) => `${g.resource} request ${show(g.request)} vs limit ${show(g.limit)}`).join(", "),
            },
        ];
    },
};

const NODEPOOL_LABEL = "karpenter.sh/nodepool";
const NODE_SELECTOR_PATH = ["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"];

/**
 * Whether the chart's values keep the controller off Karpenter's nodes. Helm merges values into the
 * chart's defaults (whose affinity requires `karpenter.sh/nodepool DoesNotExist`): a path left out keeps
 * the default, `null` removes it, and a list replaces it. Undefined when not known yet.
 */
export function avoidsKarpenterNodes(values: unknown): boolean | undefined {
    let node = values;
    for (const key of NODE_SELECTOR_PATH) {
        if (isUnknown(node)) return undefined;
        if (node === null) return false;
        if (!isRecord(node) || node[key] === undefined) return true;
        node = node[key];
    }
    if (containsUnknown(node)) return undefined;
    const excludes = (term: unknown) => {
        const expressions = at(term, "matchExpressions");
        return (
            Array.isArray(expressions) && expressions.some((e) => at(e, "key") === NODEPOOL_LABEL && at(e, "operator") === "DoesNotExist")
        );
    };
    return Array.isArray(node) && node.length > 0 && node.every(excludes);
}

/** Whether a Fargate profile selects pods in `namespace` with `labels`; true when not known yet. */
function selects(profile: ResourceDescription, namespace: string, labels: Record<string, string>): boolean {
    const selectors = at(profile.inputs, "selectors");
    if (containsUnknown(selectors)) return true;
    if (!Array.isArray(selectors)) return false;
    return selectors.some((s) => {
        const ns = at(s, "namespace");
        const wanted = at(s, "labels") ?? {};
        if (typeof ns !== "string" || !isRecord(wanted)) return false;
        return fargateSelectorMatches(
            { namespace: ns, labels: Object.fromEntries(Object.entries(wanted).map(([k, v]) => [k, String(v)])) },
            namespace,
            labels,
        );
    });
}

export const controllerPlacement: StackRule = {
    id: "karpenter-off-own-nodes",
    scope: "stack",
    title: "The Karpenter controller never runs on nodes Karpenter manages",
    why:
        "a controller on a node it manages can take itself down with its own consolidation, drift replacement or interruption " +
        "handling, and then nothing launches the node it needs to come back: the cluster stops scaling and can deadlock.",
    fix:
        "keep the chart's default affinity (karpenter.sh/nodepool DoesNotExist) or run the controller on Fargate: a Fargate " +
        "profile selecting its namespace and pod labels (what this library's Environment does).",
    types: [...HELM_TYPES, TYPES.fargateProfile],
    options: [],
    check(resources) {
        const profiles = resources.filter((r) => r.type === TYPES.fargateProfile);
        return resources.filter(isKarpenterChart).flatMap((release): Finding[] => {
            const values = helmValues(release);
            if (isUnknown(values) || avoidsKarpenterNodes(values) !== false) return [];
            const namespace = helmNamespace(release);
            const labels = controllerPodLabels(release);
            if (typeof namespace !== "string" || containsUnknown(labels)) return [];
            const stringLabels = Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
            if (profiles.some((p) => selects(p, namespace, stringLabels))) return [];
            return [
                {
                    resource: release,
                    problem:
                        `Karpenter release "${release.name}" can schedule the controller onto Karpenter's own nodes: its affinity ` +
                        `lacks ${NODEPOOL_LABEL} DoesNotExist and no Fargate profile selects namespace "${namespace}" with labels ` +
                        JSON.stringify(stringLabels),
                },
            ];
        });
    },
};
