/**
 * The EC2 node a cluster keeps running before any workload: pods that need EC2 (CoreDNS when it is placed
 * on Karpenter's nodes; an add-on controller no Fargate profile selects) make Karpenter launch one, and it stays. Priced as the
 * cheapest instance type in the price table that the highest-weight NodePool allows (the pool Karpenter
 * tries first), at the on-demand rate, with the volumes its EC2NodeClass gives every node.
 */
import { parseQuantity } from "../../infra/karpenter/quantity";
import { INSTANCE_TYPE_LABEL_KEYS, INSTANCE_TYPES, instanceTypeLabels } from "../../infra/model/instance-types";
import { GIB, toNumber } from "../../infra/model/quantity";
import type { Registered } from "../runner";
import { CostContext, CostLine, Inputs, Workload, addonWorkload, chartWorkload, onFargate, usd } from "./catalog";
import { GP3_FREE, HOURS_PER_MONTH, RegionPrices } from "./prices";

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

export interface AlwaysOnNode {
    /** The lines of the node and its volumes, in the total. */
    lines: (CostLine & { resource: Registered })[];
    /** Why the node could not be priced, when it could not. */
    note?: string;
}

/** The node and its volumes, when pods need EC2; no lines when every known workload runs on Fargate. */
export function alwaysOnNode(ctx: CostContext): AlwaysOnNode {
    const needers = ctx.resources.flatMap((r) => {
        const w: Workload | undefined =
            r.type === "aws:eks/addon:Addon"
                ? addonWorkload(r.inputs)
                : r.type === "kubernetes:helm.sh/v3:Release"
                  ? chartWorkload(r.inputs)
                  : undefined;
        return w && w.replicas > 0 && !onFargate(w, ctx) ? [`${w.replicas} pods of ${r.name}`] : [];
    });
    if (needers.length === 0) return { lines: [] };
    const pool = ctx.resources
        .filter((r) => r.type === NODE_POOL && r.inputs.spec?.replicas === undefined)
        .sort((a, b) => (b.inputs.spec?.weight ?? 0) - (a.inputs.spec?.weight ?? 0))[0];
    const type = pool && cheapestAllowed(pool.inputs, ctx.prices);
    if (!pool || !type) {
        return {
            lines: [],
            note: `EC2: ${needers.join(", ")} need an EC2 node, which no NodePool here lets the price table price (families ${[...new Set(Object.keys(ctx.prices.ec2Hour).map((t) => t.split(".")[0]))].join(", ")}); not in the total.`,
        };
    }
    const rate = ctx.prices.ec2Hour[type];
    const poolName = pool.inputs.metadata?.name;
    const node: CostLine & { resource: Registered } = {
        item: "EC2 node, always on",
        detail:
            `1 × ${type}, the cheapest type NodePool ${poolName} (the highest weight) allows, at ${usd(rate)}/h on-demand ` +
            `(a Spot node costs less); it runs ${needers.join(", ")}`,
        monthly: rate * HOURS_PER_MONTH,
        resource: pool,
    };
    const className = pool.inputs.spec?.template?.spec?.nodeClassRef?.name;
    const nodeClass = ctx.resources.find((r) => r.type === NODE_CLASS && r.inputs.metadata?.name === className);
    return { lines: [node, ...(nodeClass ? volumeLines(nodeClass, ctx.prices) : [])] };
}

/** The cheapest priced type whose family, size and architecture the pool's requirements allow. */
function cheapestAllowed(pool: Inputs, prices: RegionPrices): string | undefined {
    return allowedPricedTypes(pool, prices).sort((a, b) => prices.ec2Hour[a] - prices.ec2Hour[b])[0];
}

/** A NodePool requirement, as Karpenter reads it. */
type Requirement = { key: string; operator: string; values?: string[] };

/** The pool's requirements (`spec.template.spec.requirements`). */
function requirementsOf(pool: Inputs): Requirement[] {
    return pool.spec?.template?.spec?.requirements ?? [];
}

/**
 * Whether a requirement lets a node whose label has `value` (undefined: the node has no such label) through,
 * as Karpenter reads the operators: In and Exists need the label, Gt and Lt compare it as an integer.
 */
function satisfies(r: Requirement, value: string | undefined): boolean {
    const values = r.values ?? [];
    switch (r.operator) {
        case "In":
            return value !== undefined && values.includes(value);
        case "NotIn":
            return value === undefined || !values.includes(value);
        case "Exists":
            return value !== undefined;
        case "DoesNotExist":
            return value === undefined;
        case "Gt":
            return value !== undefined && Number(value) > Number(values[0]);
        case "Lt":
            return value !== undefined && Number(value) < Number(values[0]);
        default:
            return true;
    }
}

/** Whether the pool's requirements on `key` let a node have `value`. */
export function allows(pool: Inputs, key: string, value: string): boolean {
    return requirementsOf(pool)
        .filter((r) => r.key === key)
        .every((r) => satisfies(r, value));
}

/**
 * The instance types of the facts table whose labels the pool's requirements allow: every requirement on a
 * label the facts decide (type, family, size, category, generation, cpu, memory, GPUs, architecture) is read
 * exactly; requirements on other keys do not narrow the set, so a ceiling read from it can only be higher.
 */
export function allowedKnownTypes(pool: Inputs): string[] {
    const requirements = requirementsOf(pool).filter((r) => INSTANCE_TYPE_LABEL_KEYS.includes(r.key));
    return Object.entries(INSTANCE_TYPES.types)
        .filter(([type, facts]) => {
            const labels = instanceTypeLabels(type, facts);
            return requirements.every((r) => satisfies(r, labels[r.key]));
        })
        .map(([type]) => type);
}

/** The allowed types (see {@link allowedKnownTypes}) the region's price table prices. */
export function allowedPricedTypes(pool: Inputs, prices: RegionPrices): string[] {
    return allowedKnownTypes(pool).filter((t) => prices.ec2Hour[t] !== undefined);
}

/** Each gp3 volume of the class: GB-month, IOPS above 3,000 and throughput above 125 MiB/s. */
function volumeLines(nodeClass: Registered, prices: RegionPrices): (CostLine & { resource: Registered })[] {
    const mappings: { deviceName: string; rootVolume?: boolean; ebs?: Inputs }[] = nodeClass.inputs.spec?.blockDeviceMappings ?? [];
    return mappings
        .filter((m) => (m.ebs?.volumeType ?? "gp3") === "gp3" && m.ebs?.volumeSize !== undefined)
        .map((m) => {
            const gb = toNumber(parseQuantity("volumeSize", String(m.ebs!.volumeSize)), GIB);
            const iops = Math.max(0, (m.ebs!.iops ?? GP3_FREE.iops) - GP3_FREE.iops);
            const throughput = Math.max(0, (m.ebs!.throughput ?? GP3_FREE.throughputMiBps) - GP3_FREE.throughputMiBps);
            return {
                item: `EBS gp3 ${m.rootVolume ? "root" : "data"} volume of that node`,
                detail:
                    `${m.deviceName} ${gb} GB × ${usd(prices.gp3GbMonth)}/GB-month + ${iops} IOPS above ${GP3_FREE.iops} × ${usd(prices.gp3IopsMonth)} + ` +
                    `${throughput} MiB/s above ${GP3_FREE.throughputMiBps} × ${usd(prices.gp3ThroughputMonth)} (EC2NodeClass ${nodeClass.inputs.metadata?.name})`,
                monthly: gb * prices.gp3GbMonth + iops * prices.gp3IopsMonth + throughput * prices.gp3ThroughputMonth,
                resource: nodeClass,
            };
        });
}
