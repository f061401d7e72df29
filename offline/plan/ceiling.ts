/**
 * The worst case of every NodePool, in dollars: what a month costs if Karpenter filled the pool's CPU and
 * memory limits with the dearest instance types its requirements allow, On-Demand. Karpenter launches no
 * node that would take a pool past a limit (https://karpenter.sh/v1.9/concepts/nodepools/, spec.limits), so
 * no fill holds more vCPUs or GiB than the limits: every vCPU costs at most the highest per-vCPU rate of the
 * allowed priced types and every GiB at most the highest per-GiB rate, and the ceiling is the smaller of
 * (CPU limit × that vCPU rate) and (memory limit × that GiB rate), × 730 h. Only types in the price table
 * with known vCPU and memory count; families the pool allows beyond them are named, not guessed.
 */
import { parseQuantity } from "../../infra/karpenter/quantity";
import { INSTANCE_TYPES } from "../../infra/model/instance-types";
import { GIB, ONE, toNumber } from "../../infra/model/quantity";
import type { Registered } from "../runner";
import { usd } from "./catalog";
import { cents } from "./cost";
import { allowedPricedTypes, allows } from "./node";
import { HOURS_PER_MONTH, PRICES } from "./prices";

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const BUDGET = "aws:budgets/budget:Budget";

/** How far above the budget the total ceiling may go before the plan warns. */
export const CEILING_WARN_FACTOR = 3;

export interface PoolCeiling {
    /** Kubernetes name of the NodePool. */
    pool: string;
    /** Its limits as the pool states them. */
    limits: { cpu?: string; memory?: string };
    /** The On-Demand worst case a month, when the pool's limits and allowed priced types bound it. */
    onDemandMonthly?: number;
    /** How the figure was reached, or why there is none. */
    detail: string;
    /** The Spot figure, or why there is none, when the pool allows Spot. */
    spot?: string;
    /** Families the pool allows that the price table does not price. */
    familiesNotPriced: string[];
}

export interface Ceilings {
    region: string;
    pricesAsOf: string;
    method: string;
    pools: PoolCeiling[];
    /** Sum of the pools that have a figure. */
    totalMonthly: number;
    /** The monthly budget limit(s) of the stack, in USD, when it has a budget. */
    budgetMonthly?: number;
    warning?: string;
}

export const CEILING_METHOD =
    "Karpenter launches no node that would take a pool past its limits, so a full pool holds at most its CPU and memory limits; " +
    "each vCPU costs at most the highest per-vCPU On-Demand rate, and each GiB the highest per-GiB rate, of the priced types the pool allows " +
    `(nominal vCPU and memory); the ceiling is the smaller of the two products, × ${HOURS_PER_MONTH} h. Types the table does not price may cost more: a pool with families not priced can exceed its figure. ` +
    "Volumes and traffic are not included.";

/** Each NodePool's ceiling and the environment's total beside its budget; undefined for a region without prices. */
export function poolCeilings(resources: readonly Registered[], region: string): Ceilings | undefined {
    const prices = PRICES.regions[region];
    if (!prices) return undefined;
    const pools = resources
        .filter((r) => r.type === NODE_POOL)
        .map((r): PoolCeiling => {
            const spec = r.inputs.spec ?? {};
            const limits: { cpu?: string; memory?: string } = { cpu: spec.limits?.cpu, memory: spec.limits?.memory };
            const types = allowedPricedTypes(r.inputs, prices);
            const priced = new Set(types.map((t) => t.split(".")[0]));
            const families: string[] | undefined = (spec.template?.spec?.requirements ?? []).find(
                (q: { key: string; operator: string }) => q.key === "karpenter.k8s.aws/instance-family" && q.operator === "In",
            )?.values;
            const familiesNotPriced = families
                ? families.filter((f) => !priced.has(f))
                : [`any family beyond ${[...priced].join(", ") || "none"}`];
            const capacity = (spec.template?.spec?.requirements ?? []).some((q: { key: string }) => q.key === "karpenter.sh/capacity-type");
            const spot =
                capacity && allows(r.inputs, "karpenter.sh/capacity-type", "spot") ? "Spot: not estimated (no cited discount)" : undefined;
            const base = { pool: r.inputs.metadata?.name as string, limits, spot, familiesNotPriced };
            if (types.length === 0) return { ...base, detail: "no ceiling: none of the types it allows is in the price table" };
            if (limits.cpu === undefined && limits.memory === undefined)
                return { ...base, detail: "no ceiling: the pool has no cpu or memory limit (unbounded)" };
            const dearest = (per: (t: string) => number) =>
                types.map((t) => ({ type: t, rate: prices.ec2Hour[t] / per(t) })).sort((a, b) => b.rate - a.rate)[0];
            const bounds = [
                limits.cpu === undefined
                    ? undefined
                    : {
                          amount: toNumber(parseQuantity("limits.cpu", String(limits.cpu)), ONE),
                          unit: "vCPU",
                          ...dearest((t) => INSTANCE_TYPES.types[t].vcpu),
                      },
                limits.memory === undefined
                    ? undefined
                    : {
                          amount: toNumber(parseQuantity("limits.memory", String(limits.memory)), GIB),
                          unit: "GiB",
                          ...dearest((t) => INSTANCE_TYPES.types[t].memoryGiB),
                      },
            ].flatMap((b) => (b ? [{ ...b, hourly: b.amount * b.rate }] : []));
            const bound = bounds.sort((a, b) => a.hourly - b.hourly)[0];
            return {
                ...base,
                onDemandMonthly: cents(bound.hourly * HOURS_PER_MONTH),
                detail: `${bound.amount} ${bound.unit} × ${usd(bound.rate)}/${bound.unit}-h (${bound.type}, the dearest per ${bound.unit} of ${types.join(", ")}) × ${HOURS_PER_MONTH} h, On-Demand`,
            };
        });
    const totalMonthly = cents(pools.reduce((sum, p) => sum + (p.onDemandMonthly ?? 0), 0));
    const budgets = resources.filter(
        (r) => r.type === BUDGET && (r.inputs.timeUnit ?? "MONTHLY") === "MONTHLY" && r.inputs.limitAmount !== undefined,
    );
    const budgetMonthly = budgets.length ? budgets.reduce((sum, b) => sum + Number(b.inputs.limitAmount), 0) : undefined;
    const warning =
        budgetMonthly !== undefined && totalMonthly > CEILING_WARN_FACTOR * budgetMonthly
            ? `the NodePools' ceiling, $${totalMonthly.toFixed(2)} a month, is more than ${CEILING_WARN_FACTOR}× the budget's $${budgetMonthly.toFixed(2)}: lower the pools' limits or raise the budget`
            : undefined;
    return { region, pricesAsOf: PRICES.asOf, method: CEILING_METHOD, pools, totalMonthly, budgetMonthly, warning };
}
