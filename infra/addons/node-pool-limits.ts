import { parseQuantity } from "../karpenter/quantity";
import { GIB, ONE, formatIn } from "../model/quantity";

/** A NodePool's CPU and memory caps as configured (`spec.limits`): the most capacity Karpenter may launch for it. */
export interface PoolLimits {
    /** Total CPU of the pool's nodes, a Kubernetes quantity. @default unlimited */
    cpu?: string;
    /** Total memory of the pool's nodes, a Kubernetes quantity. @default unlimited */
    memory?: string;
}

/** The most a cluster's Karpenter nodes can add up to. */
export interface NodePoolLimitsTotal {
    /** CPU in cores, or "unlimited" when a pool has no CPU limit (or there is no pool to sum). */
    cpu: string;
    /** Memory in Gi (`"4000Gi"`), or "unlimited" when a pool has no memory limit (or there is no pool to sum). */
    memory: string;
}

/** Every NodePool's limits and their sum: what bounds the spend that a budget only reports. */
export interface NodePoolLimitsSummary {
    /** Each NodePool's limits as configured, by pool name. */
    pools: Record<string, PoolLimits>;
    /** The most the cluster's Karpenter nodes can add up to. Compare it with the budget. */
    total: NodePoolLimitsTotal;
}

/**
 * Summarises the NodePools' limits for the stack outputs: a budget only warns after the money is
 * spent, the limits are what bounds it. `setting` names the input in a ConfigError.
 */
export function summarizeNodePoolLimits(setting: string, pools: Record<string, PoolLimits>): NodePoolLimitsSummary {
    const sum = (resource: "cpu" | "memory"): bigint | undefined => {
        const values = Object.entries(pools).map(([pool, limits]) =>
            limits[resource] === undefined ? undefined : parseQuantity(`${setting}.${pool}.${resource}`, limits[resource]!),
        );
        return values.length > 0 && values.every((v) => v !== undefined) ? values.reduce((a, b) => a! + b!, 0n) : undefined;
    };
    const cpu = sum("cpu");
    const memory = sum("memory");
    return {
        pools,
        total: {
            cpu: cpu === undefined ? "unlimited" : formatIn(cpu, ONE),
            memory: memory === undefined ? "unlimited" : `${formatIn(memory, GIB)}Gi`,
        },
    };
}
