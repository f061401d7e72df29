/**
 * What a stack costs a month before any workload runs: what it keeps running (the control plane, NAT
 * gateways, interface endpoints, the controller's Fargate pods, keys), from each type's catalog entry
 * and the region's dated prices.
 */
import type { Registered } from "../runner";
import { CostLine, entryOf } from "./catalog";
import { alwaysOnNode } from "./node";
import { EKS_STANDARD_SUPPORT_END, HOURS_PER_MONTH, PRICES } from "./prices";
import type { ResourceRef } from "./schedule";

export interface CostEstimate {
    region: string;
    /** The day the estimate is for (it decides standard or extended EKS support). */
    date: string;
    pricesAsOf: string;
    supportCalendarAsOf: string;
    lines: (CostLine & { resource: ResourceRef })[];
    totalMonthly: number;
    /** Costs that follow use (logs, requests) and are not in the total. */
    notes: string[];
    assumptions: string[];
    sources: string[];
}

/** The baseline estimate, or why there is none (a region the price table does not cover). */
export function baselineCost(
    resources: readonly Registered[],
    region: string,
    date: Date,
): CostEstimate | { region: string; unavailable: string } {
    const prices = PRICES.regions[region];
    if (!prices) {
        return { region, unavailable: `no prices for ${region}; offline/plan/prices.ts covers ${Object.keys(PRICES.regions).join(", ")}` };
    }
    const ctx = { prices, date, resources: [...resources] };
    const lines = resources.flatMap((r) =>
        (entryOf(r.type).cost?.(r, ctx) ?? []).map((line) => ({
            ...line,
            monthly: cents(line.monthly),
            resource: { type: r.type, name: r.name, urn: r.urn },
        })),
    );
    const node = alwaysOnNode(ctx);
    lines.push(
        ...node.lines.map(({ resource: r, ...line }) => ({
            ...line,
            monthly: cents(line.monthly),
            resource: { type: r.type, name: r.name, urn: r.urn },
        })),
    );
    const notes = [...new Set([...resources.flatMap((r) => entryOf(r.type).note?.(r, ctx) ?? []), ...(node.note ? [node.note] : [])])];
    const day = date.toISOString().slice(0, 10);
    return {
        region,
        date: day,
        pricesAsOf: PRICES.asOf,
        supportCalendarAsOf: EKS_STANDARD_SUPPORT_END.asOf,
        lines,
        totalMonthly: cents(lines.reduce((sum, l) => sum + l.monthly, 0)),
        notes,
        assumptions: [
            `${HOURS_PER_MONTH} hours a month; on-demand list prices in USD before tax, no Savings Plans, credits or free tier beyond what a line says.`,
            "Only what the stack keeps running: no data transfer, no NAT or endpoint data processing, no API requests.",
            "No workload: beyond the one EC2 node that pods needing EC2 keep up (priced on-demand, as the cheapest priced type the highest-weight NodePool allows, with its EC2NodeClass's gp3 volumes), the nodes Karpenter launches, their volumes and traffic are not included.",
            "Fargate pods: Linux/x86, sized from their requests plus 256 MB and rounded up to a Fargate size, running all month.",
            `EKS control plane at the standard or extended-support rate of its Kubernetes version on ${day}.`,
        ],
        sources: [...PRICES.sources.map((s) => `${s.page} (${s.prices.join(", ")}): ${s.checked}`), EKS_STANDARD_SUPPORT_END.source],
    };
}

/** Rounded to the cent. */
export function cents(usd: number): number {
    return Math.round(usd * 100) / 100;
}
