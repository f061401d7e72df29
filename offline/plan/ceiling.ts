/**
 * The worst case of every NodePool, in dollars: what a month costs if Karpenter filled the pool's CPU and
 * memory limits with the dearest instance types its requirements allow, On-Demand, and at the typical Spot
 * discount where the pool allows Spot. Karpenter launches no node that would take a pool past a limit
 * (https://karpenter.sh/v1.9/concepts/nodepools/, spec.limits), so no fill holds more vCPUs or GiB than the
 * limits: every vCPU costs at most the highest per-vCPU rate of the allowed priced types and every GiB at most
 * the highest per-GiB rate, and the ceiling is the smaller of (CPU limit × that vCPU rate) and (memory limit ×
 * that GiB rate), × 730 h. Only types with facts and a price in the region count; the families the pool allows
 * beyond them are named, not guessed.
 */
import { parseQuantity } from "../../infra/karpenter/quantity";
import { INSTANCE_TYPES } from "../../infra/model/instance-types";
import { GIB, ONE, toNumber } from "../../infra/model/quantity";
import type { Registered } from "../runner";
import { usd } from "./catalog";
import { cents } from "./cost";
import { allowedKnownTypes, allows } from "./node";
import { HOURS_PER_MONTH, PRICES } from "./prices";
import { SPOT_SAVINGS } from "./spot-savings";

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const BUDGET = "aws:budgets/budget:Budget";

/** How far above the budget the total ceiling may go before the plan warns. */
export const CEILING_WARN_FACTOR = 3;

type Requirement = { key: string; operator: string; values?: string[] };

export interface PoolCeiling {
    /** Kubernetes name of the NodePool. */
    pool: string;
    /** Its limits as the pool states them. */
    limits: { cpu?: string; memory?: string };
    /** The On-Demand worst case a month, when the pool's limits and allowed priced types bound it. */
    onDemandMonthly?: number;
    /** How the figure was reached, or why there is none. */
    detail: string;
    /** The same fill at the typical Spot discount of each type, when the pool allows Spot and it could be estimated. */
    spotTypicalMonthly?: number;
    /** How the Spot figure was reached, or why there is none, when the pool allows Spot. */
    spot?: string;
    /**
     * Families the pool allows that the region's price table does not price: a family it lists that the
     * instance-type facts do not hold, a family none of whose allowed sizes has a price here, `f (only s1, s2)` for
     * a family priced in some sizes only, and `any family beyond …` when the pool lists no families.
     */
    familiesNotPriced: string[];
}

export interface Ceilings {
    region: string;
    pricesAsOf: string;
    /** Month of the Spot Instance Advisor savings the Spot figures use. */
    spotSavingsAsOf: string;
    method: string;
    pools: PoolCeiling[];
    /** Sum of the pools' On-Demand figures. */
    totalMonthly: number;
    /** What the total leaves out, when a pool has no figure or allows families not priced here. */
    incomplete?: string;
    /** The monthly budget limit(s) of the stack, in USD, when it has a budget. */
    budgetMonthly?: number;
    warning?: string;
}

export const CEILING_METHOD =
    "Karpenter launches no node that would take a pool past its limits, so a full pool holds at most its CPU and memory limits; " +
    "each vCPU costs at most the highest per-vCPU On-Demand rate, and each GiB the highest per-GiB rate, of the priced types the pool allows " +
    "(nominal vCPU and memory; requirements on labels the instance-type facts do not hold narrow nothing, so the figure can only be higher); " +
    `the ceiling is the smaller of the two products, × ${HOURS_PER_MONTH} h. Types the region's table does not price may cost more: a pool with families not priced there can exceed its figure. ` +
    "Spot, typical: the same with each type's On-Demand rate less its Spot Instance Advisor saving (a type without one at On-Demand, which Spot never exceeds). " +
    "Linux only; volumes and traffic are not included.";

/** The dearest fill of the limits at `rate` per type-hour: the smaller of the CPU and memory bounds. */
function fill(limits: { cpu?: string; memory?: string }, types: readonly string[], rate: (t: string) => number) {
    const dearest = (per: (t: string) => number) =>
        types.map((t) => ({ type: t, rate: rate(t) / per(t) })).sort((a, b) => b.rate - a.rate)[0];
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
    return { ...bound, monthly: cents(bound.hourly * HOURS_PER_MONTH) };
}

/** Each NodePool's ceiling and the environment's total beside its budget; undefined for a region without prices. */
export function poolCeilings(resources: readonly Registered[], region: string): Ceilings | undefined {
    const prices = PRICES.regions[region];
    if (!prices) return undefined;
    const savings = SPOT_SAVINGS.regions[region] ?? {};
    const pools = resources
        .filter((r) => r.type === NODE_POOL)
        .map((r): PoolCeiling => {
            const spec = r.inputs.spec ?? {};
            const limits: { cpu?: string; memory?: string } = { cpu: spec.limits?.cpu, memory: spec.limits?.memory };
            const requirements: Requirement[] = spec.template?.spec?.requirements ?? [];
            const listed = requirements.find((q) => q.key === "karpenter.k8s.aws/instance-family" && q.operator === "In")?.values;
            const allowsSpot =
                requirements.some((q) => q.key === "karpenter.sh/capacity-type") && allows(r.inputs, "karpenter.sh/capacity-type", "spot");
            const base = { pool: r.inputs.metadata?.name as string, limits };
            const without = (familiesNotPriced: string[], detail: string): PoolCeiling => ({
                ...base,
                detail,
                familiesNotPriced,
                ...(allowsSpot ? { spot: "Spot: not estimated (no On-Demand figure to start from)" } : {}),
            });
            if (!allows(r.inputs, "kubernetes.io/os", "linux")) {
                return without(
                    listed ?? ["any family"],
                    "no ceiling: its nodes run Windows (kubernetes.io/os), and the price table is Linux On-Demand: Windows adds a licence to every hour",
                );
            }
            const known = allowedKnownTypes(r.inputs);
            const types = known.filter((t) => prices.ec2Hour[t] !== undefined);
            const familiesNotPriced = notPriced(listed, known, types);
            if (types.length === 0) return without(familiesNotPriced, `no ceiling: none of the types it allows is priced in ${region}`);
            if (limits.cpu === undefined && limits.memory === undefined)
                return without(familiesNotPriced, "no ceiling: the pool has no cpu or memory limit (unbounded)");
            const onDemand = fill(limits, types, (t) => prices.ec2Hour[t]);
            const detail =
                `${onDemand.amount} ${onDemand.unit} × ${rateText(onDemand.rate)}/${onDemand.unit}-h (${onDemand.type}, the dearest per ${onDemand.unit} of the ` +
                `${types.length} priced types it allows: ${familiesOf(types).join(", ")}) × ${HOURS_PER_MONTH} h, On-Demand`;
            if (!allowsSpot) return { ...base, familiesNotPriced, onDemandMonthly: onDemand.monthly, detail };
            const withSaving = types.filter((t) => savings[t] !== undefined);
            if (withSaving.length === 0) {
                return {
                    ...base,
                    familiesNotPriced,
                    onDemandMonthly: onDemand.monthly,
                    detail,
                    spot: `Spot: not estimated (the Spot Instance Advisor data has none of its types in ${region})`,
                };
            }
            const spot = fill(limits, types, (t) => prices.ec2Hour[t] * (1 - (savings[t] ?? 0) / 100));
            const saving = savings[spot.type];
            const atOnDemand = types.length - withSaving.length;
            return {
                ...base,
                familiesNotPriced,
                onDemandMonthly: onDemand.monthly,
                detail,
                spotTypicalMonthly: spot.monthly,
                spot:
                    `Spot, typical: $${spot.monthly.toFixed(2)} a month: ${spot.amount} ${spot.unit} × ${rateText(spot.rate)}/${spot.unit}-h (${spot.type}, ` +
                    `${saving === undefined ? "no advisor saving, at On-Demand" : `${saving} % under On-Demand`}, the dearest per ${spot.unit} at Spot) × ${HOURS_PER_MONTH} h; ` +
                    `savings of the Spot Instance Advisor, ${SPOT_SAVINGS.asOf}${atOnDemand > 0 ? `, ${atOnDemand} types without one counted at On-Demand` : ""}; Spot prices move`,
            };
        });
    const totalMonthly = cents(pools.reduce((sum, p) => sum + (p.onDemandMonthly ?? 0), 0));
    const noFigure = pools.filter((p) => p.onDemandMonthly === undefined).length;
    const partly = pools.filter((p) => p.onDemandMonthly !== undefined && p.familiesNotPriced.length > 0).length;
    const incomplete =
        noFigure + partly > 0
            ? `not in the total: ${[
                  ...(noFigure > 0 ? [`${noFigure} pool${noFigure === 1 ? "" : "s"} without a figure`] : []),
                  ...(partly > 0 ? [`the families not priced in ${region} of ${partly} more`] : []),
              ].join(", and ")}; the real ceiling is higher`
            : undefined;
    const budgets = resources.filter(
        (r) => r.type === BUDGET && (r.inputs.timeUnit ?? "MONTHLY") === "MONTHLY" && r.inputs.limitAmount !== undefined,
    );
    const budgetMonthly = budgets.length ? budgets.reduce((sum, b) => sum + Number(b.inputs.limitAmount), 0) : undefined;
    const warning =
        budgetMonthly !== undefined && totalMonthly > CEILING_WARN_FACTOR * budgetMonthly
            ? `the NodePools' ceiling, $${totalMonthly.toFixed(2)} a month, is more than ${CEILING_WARN_FACTOR}× the budget's $${budgetMonthly.toFixed(2)}: lower the pools' limits or raise the budget`
            : undefined;
    return {
        region,
        pricesAsOf: PRICES.asOf,
        spotSavingsAsOf: SPOT_SAVINGS.asOf,
        method: CEILING_METHOD,
        pools,
        totalMonthly,
        ...(incomplete ? { incomplete } : {}),
        budgetMonthly,
        warning,
    };
}

/** A per-vCPU or per-GiB hourly rate, to four significant digits. */
function rateText(rate: number): string {
    return usd(Number(rate.toPrecision(4)));
}

/** The families of `types`, in order, once each. */
function familiesOf(types: readonly string[]): string[] {
    return [...new Set(types.map((t) => t.split(".")[0]))];
}

/** What the pool allows that the region does not price (see {@link PoolCeiling.familiesNotPriced}). */
function notPriced(listed: string[] | undefined, known: readonly string[], priced: readonly string[]): string[] {
    const inFacts = new Set(familiesOf(Object.keys(INSTANCE_TYPES.types)));
    const families = listed ?? familiesOf(known);
    const sizes = (types: readonly string[], family: string) => types.filter((t) => t.split(".")[0] === family).map((t) => t.split(".")[1]);
    const gaps = families.flatMap((f) => {
        if (!inFacts.has(f)) return [f];
        const allowed = sizes(known, f);
        const withPrice = sizes(priced, f);
        if (allowed.length === 0 || withPrice.length === allowed.length) return [];
        return withPrice.length === 0 ? [f] : [`${f} (only ${withPrice.join(", ")})`];
    });
    return listed ? gaps : [...gaps, `any family beyond ${families.join(", ") || "none"}`];
}
