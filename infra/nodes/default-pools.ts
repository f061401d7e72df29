import { check } from "../errors";
import {
    Architecture,
    CapacityType,
    ConsolidationPolicy,
    DisruptionBudget,
    DisruptionReason,
    NodePoolLimits,
    NodePoolSettings,
    RequirementOperator,
    TaintEffect,
} from "./node-pool";

/** What kind of environment the default pools are for. */
export enum NodePoolProfile {
    /** Short consolidation delays, weekly node refresh, small caps, GPU nodes consolidated like the others. */
    Dev = "dev",
    /** Longer delays, no consolidation of underused nodes in business hours, larger caps, GPU nodes removed only when empty. */
    Prod = "prod",
}

/** Node label that splits capacity between Spot and On-Demand (see `spotPercent`). */
export const CAPACITY_SPREAD_LABEL = "capacity-spread";
/** Values of CAPACITY_SPREAD_LABEL: ten, so percentages go in steps of 10. */
const SPREAD_DOMAINS = 10;

/**
 * Graviton general-purpose, compute and memory families of three generations: many Spot pools for
 * EC2's price-capacity-optimized choice, and On-Demand fallbacks.
 */
export const GRAVITON_FAMILIES = ["m8g", "c8g", "r8g", "m7g", "c7g", "r7g", "m6g", "c6g", "r6g"];
/** Intel and AMD x86 families of the same kinds and generations, for images without an arm64 build. */
export const X86_FAMILIES = ["m7i", "c7i", "r7i", "m6i", "c6i", "r6i", "m7a", "c7a", "r7a", "m6a", "c6a", "r6a"];
/** Sizes too small for the per-node overhead (DaemonSets) or slow to launch (bare metal). */
export const EXCLUDED_SIZES = ["nano", "micro", "small", "metal", "metal-24xl", "metal-48xl"];

export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: TaintEffect.NoSchedule };

/** Options of the default NodePools (arm64 preferred, amd64, GPU). */
export interface DefaultNodePoolsOptions {
    /** The kind of environment. */
    profile: NodePoolProfile;
    /** EC2NodeClass of every pool. @default "default" */
    nodeClassName?: string;
    /**
     * Split the arm64 and amd64 capacity between Spot and On-Demand by percentage (10 to 90, steps of 10):
     * each architecture's pool (`arm64`, `amd64`) becomes its Spot part, beside a new On-Demand pool
     * (`arm64-on-demand`, `amd64-on-demand`), labelling nodes `capacity-spread=1..10`, and pods that spread
     * over that label (topologySpreadConstraints, maxSkew 1) land in this ratio. The base pools keep their
     * names either way, so turning the split on or off never deletes them (which would terminate all their
     * nodes at once, ignoring budgets): their nodes that no longer match drift and are replaced within the
     * disruption budgets. Turning it off deletes the On-Demand pools, and with them their nodes.
     * @default no split: one pool per architecture, Spot first with On-Demand fallback
     */
    spotPercent?: number;
    /** Include the GPU pool (tainted `nvidia.com/gpu=true:NoSchedule`, On-Demand). @default true */
    gpu?: boolean;
}

const PROFILES = {
    [NodePoolProfile.Dev]: {
        consolidateAfter: "30s",
        budgets: [{ nodes: "20%" }] as DisruptionBudget[],
        expireAfter: "168h",
        limits: {
            arm64: { cpu: "64", memory: "256Gi" },
            amd64: { cpu: "32", memory: "128Gi" },
            gpu: { cpu: "48", memory: "384Gi", nvidiaGpus: 4 },
        },
        gpuConsolidation: ConsolidationPolicy.WhenEmptyOrUnderutilized,
    },
    [NodePoolProfile.Prod]: {
        consolidateAfter: "5m",
        budgets: [
            { nodes: "10%" },
            // Business hours, Monday to Friday 08:00-18:00 UTC: no pods moved to pack nodes tighter.
            { nodes: "0", schedule: "0 8 * * mon-fri", duration: "10h", reasons: [DisruptionReason.Underutilized] },
        ] as DisruptionBudget[],
        expireAfter: "720h",
        limits: {
            arm64: { cpu: "1000", memory: "4000Gi" },
            amd64: { cpu: "500", memory: "2000Gi" },
            gpu: { cpu: "384", memory: "3072Gi", nvidiaGpus: 32 },
        },
        gpuConsolidation: ConsolidationPolicy.WhenEmpty,
    },
};

/**
 * The default NodePools, as the guides describe them: Graviton first (weight 100), x86 for images
 * without an arm64 build (weight 50), and GPU nodes behind a taint (weight 10). Pure: stacks can
 * adjust the returned args before creating them. No two pools share a weight.
 */
export function defaultNodePools(args: DefaultNodePoolsOptions): NodePoolSettings[] {
    check(Object.values(NodePoolProfile).includes(args.profile), "defaultNodePools.profile", args.profile, "dev or prod");
    const p = PROFILES[args.profile];
    const nodeClassName = args.nodeClassName ?? "default";
    if (args.spotPercent !== undefined) {
        check(
            Number.isInteger(args.spotPercent) && args.spotPercent >= 10 && args.spotPercent <= 90 && args.spotPercent % 10 === 0,
            "defaultNodePools.spotPercent",
            args.spotPercent,
            "a multiple of 10 from 10 to 90: the split uses ten capacity-spread values, and both pools need at least one",
        );
    }
    const disruption = {
        consolidationPolicy: ConsolidationPolicy.WhenEmptyOrUnderutilized,
        consolidateAfter: p.consolidateAfter,
        budgets: p.budgets,
    };

    const general = (
        name: string,
        weight: number,
        architecture: Architecture,
        instanceFamilies: string[],
        limits: NodePoolLimits,
    ): NodePoolSettings[] => {
        const pool = {
            nodeClassName,
            architectures: [architecture],
            instanceFamilies,
            excludedInstanceSizes: EXCLUDED_SIZES,
            limits,
            disruption,
            expireAfter: p.expireAfter,
        };
        if (args.spotPercent === undefined) {
            return [{ ...pool, name, weight, capacityTypes: [CapacityType.Spot, CapacityType.OnDemand] }];
        }
        // Two pools, each owning some values of the spread label; each keeps the architecture's caps. The
        // Spot part keeps the base pool's name (a renamed NodePool is deleted with all its nodes at once).
        const spotDomains = args.spotPercent / SPREAD_DOMAINS;
        const spread = (from: number, to: number) => [
            { key: CAPACITY_SPREAD_LABEL, operator: RequirementOperator.In, values: range(from, to).map(String) },
        ];
        return [
            { ...pool, name, weight, capacityTypes: [CapacityType.Spot], requirements: spread(1, spotDomains) },
            {
                ...pool,
                name: `${name}-on-demand`,
                weight: weight - 1,
                capacityTypes: [CapacityType.OnDemand],
                requirements: spread(spotDomains + 1, SPREAD_DOMAINS),
            },
        ];
    };

    const gpu: NodePoolSettings = {
        name: "gpu",
        nodeClassName,
        weight: 10,
        architectures: [Architecture.Amd64],
        capacityTypes: [CapacityType.OnDemand],
        // NVIDIA G instances from the 5th generation (g5, g6, g6e...).
        instanceCategories: ["g"],
        minInstanceGeneration: 5,
        requirements: [{ key: "karpenter.k8s.aws/instance-gpu-manufacturer", operator: RequirementOperator.In, values: ["nvidia"] }],
        excludedInstanceSizes: EXCLUDED_SIZES,
        taints: [GPU_TAINT],
        limits: p.limits.gpu,
        // In production a GPU node is removed only once empty: its jobs are not moved to pack nodes.
        disruption: { ...disruption, consolidationPolicy: p.gpuConsolidation },
        expireAfter: p.expireAfter,
    };

    // A deep copy: callers may adjust the result without touching these defaults or other pools.
    return structuredClone([
        ...general("arm64", 100, Architecture.Arm64, GRAVITON_FAMILIES, p.limits.arm64),
        ...general("amd64", 50, Architecture.Amd64, X86_FAMILIES, p.limits.amd64),
        ...((args.gpu ?? true) ? [gpu] : []),
    ]);
}

function range(from: number, to: number): number[] {
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
