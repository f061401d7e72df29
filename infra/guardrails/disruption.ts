/**
 * Rule 9: node agents that must finish cleanup on a node Karpenter is disrupting (EBS CSI node: unmount
 * and detach volumes; VPC CNI: networking until the last pod is gone) tolerate Karpenter's
 * `karpenter.sh/disrupted:NoSchedule` taint, so they are not evicted with the workloads.
 */
import { TYPES } from "../model/tokens";
import { ResourceRule, at, isRecord } from "./types";

const DISRUPTED = { key: "karpenter.sh/disrupted", effect: "NoSchedule" };

/** Whether one toleration tolerates the disrupted taint (an `Exists` with no key tolerates every taint). */
export function toleratesDisruption(toleration: unknown): boolean {
    const key = at(toleration, "key");
    const operator = at(toleration, "operator") ?? "Equal";
    const effect = at(toleration, "effect");
    const value = at(toleration, "value");
    const keyMatches =
        operator === "Exists"
            ? key === undefined || key === "" || key === DISRUPTED.key
            : key === DISRUPTED.key && (value === undefined || value === "");
    return keyMatches && (effect === undefined || effect === "" || effect === DISRUPTED.effect);
}

/** A driver version (`v1.35.0-eksbuild.1`) as [major, minor], or undefined. */
function version(text: unknown): [number, number] | undefined {
    const m = typeof text === "string" ? /^v?(\d+)\.(\d+)/.exec(text) : null;
    return m ? [Number(m[1]), Number(m[2])] : undefined;
}

interface AgentConfig {
    /** What the DaemonSet is, for messages. */
    daemonSet: string;
    /** Where its tolerations are set in the add-on's configurationValues. */
    setting: string;
    /** Why it must outlive the workloads. */
    cleanup: string;
    /** The DaemonSet's tolerations under this configuration and add-on version. */
    tolerations(config: Record<string, unknown>, addonVersion: unknown): unknown[];
}

/** The add-ons whose node DaemonSet cleans up after the workloads, keyed by add-on name. */
const AGENTS: Record<string, AgentConfig> = {
    "aws-ebs-csi-driver": {
        daemonSet: "ebs-csi-node",
        setting: "node.tolerations (or node.tolerateAllTaints)",
        cleanup: "unmounts and detaches the node's EBS volumes",
        tolerations(config, addonVersion) {
            // The add-on tolerates every taint unless told otherwise; from v1.36 its chart adds the
            // Karpenter taints to whatever node.tolerations says.
            if (at(config, "node", "tolerateAllTaints") !== false) return [{ operator: "Exists" }];
            const v = version(addonVersion);
            const recommended = v === undefined || v[0] > 1 || v[1] >= 36 ? [{ key: DISRUPTED.key, operator: "Exists" }] : [];
            const own = at(config, "node", "tolerations") ?? [{ operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }];
            return [...(Array.isArray(own) ? own : []), ...recommended];
        },
    },
    "vpc-cni": {
        daemonSet: "aws-node",
        setting: "tolerations",
        cleanup: "keeps pod networking up until the last pod on the node is gone",
        tolerations(config) {
            // Default: `- operator: Exists`; a configured list replaces it.
            const own = at(config, "tolerations") ?? [{ operator: "Exists" }];
            return Array.isArray(own) ? own : [];
        },
    },
};

export const daemonSetsTolerateDisruption: ResourceRule = {
    id: "daemonsets-tolerate-disruption",
    scope: "resource",
    title: "The EBS CSI node and VPC CNI DaemonSets tolerate karpenter.sh/disrupted:NoSchedule",
    why:
        "Karpenter taints a node it is about to disrupt with karpenter.sh/disrupted:NoSchedule and drains it; an agent that " +
        "does not tolerate the taint is evicted with the workloads, before it has finished cleaning up after them: volumes stay " +
        "attached (the next pod waits ~6 minutes for a force-detach) and pods lose networking while terminating.",
    fix:
        'add { "key": "karpenter.sh/disrupted", "operator": "Exists", "effect": "NoSchedule" } (or { "operator": "Exists" }) ' +
        "to the add-on's tolerations in configurationValues, or leave its default tolerations in place.",
    types: [TYPES.addon],
    options: [],
    check(resource) {
        const name = at(resource.inputs, "addonName");
        const agent = typeof name === "string" ? AGENTS[name] : undefined;
        const raw = at(resource.inputs, "configurationValues");
        if (!agent || (raw !== undefined && typeof raw !== "string")) return [];
        let config: unknown;
        try {
            config = raw ? JSON.parse(raw) : {};
        } catch {
            // Not JSON (EKS also takes YAML): EKS validates it; this rule cannot read it.
            return [];
        }
        if (!isRecord(config) || agent.tolerations(config, at(resource.inputs, "addonVersion")).some(toleratesDisruption)) return [];
        return [
            {
                resource,
                problem: `EKS add-on ${name} configures ${agent.setting} so that its ${agent.daemonSet} DaemonSet, which ${agent.cleanup}, does not tolerate karpenter.sh/disrupted:NoSchedule`,
            },
        ];
    },
};
