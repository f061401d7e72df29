/**
 * The EC2 node a cluster keeps running before any workload: pods that need EC2 (CoreDNS when it is placed
 * on Karpenter's nodes; an add-on controller no Fargate profile selects) make Karpenter launch one, and it stays. Priced as the
 * cheapest instance type in the price table that the highest-weight NodePool allows (the pool Karpenter
 * tries first), at the on-demand rate, with the volumes its EC2NodeClass gives every node.
 */
import { parseQuantity } from "../../infra/karpenter/quantity";
import { INSTANCE_TYPES } from "../../infra/model/instance-types";
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
            note: `EC2: ${needers.join(", ")} need an EC2 node, which no NodePool here lets the price table price (${Object.keys(ctx.prices.ec2Hour).join(", ")}); not in the total.`,
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

/** Whether the pool's requirements on `key` let a node have `value`. */
export function allows(pool: Inputs, key: string, value: string): boolean {
    const requirements: Requirement[] = pool.spec?.template?.spec?.requirements ?? [];
    return requirements
        .filter((r) => r.key === key)
        .every((r) =>
            r.operator === "In"
                ? (r.values ?? []).includes(value)
                : r.operator === "NotIn"
                  ? !(r.values ?? []).includes(value)
                  : r.operator !== "DoesNotExist",
        );
}

/** The price table's types (with known vCPU and memory) whose name, family, size and architecture the pool allows. */
export function allowedPricedTypes(pool: Inputs, prices: RegionPrices): string[] {
    return Object.keys(prices.ec2Hour).filter((t) => {
        const [family, size] = t.split(".");
        const facts = INSTANCE_TYPES.types[t];
        return (
            facts !== undefined &&
            allows(pool, "node.kubernetes.io/instance-type", t) &&
            allows(pool, "karpenter.k8s.aws/instance-family", family) &&
            allows(pool, "karpenter.k8s.aws/instance-size", size) &&
            allows(pool, "kubernetes.io/arch", facts.arch)
        );
    });
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
