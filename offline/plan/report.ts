/** The plan of a stack, from what its program registered under mocks: as data (`--json`) and as text. */
import type { GuardrailSettings } from "../../infra/guardrails";
import type { Registered } from "../runner";
import { UNKNOWN_TYPE_MINUTES } from "./catalog";
import { Ceilings, poolCeilings } from "./ceiling";
import { CostEstimate, baselineCost } from "./cost";
import { PoolDrift, poolDrift, renderDrift } from "./drift";
import { Violation, checkGuardrails } from "./guardrails";
import { CriticalPath, criticalPath, explainUnneeded } from "./schedule";
import { TreeNode, buildTree, markSuffixes, randomSuffixes } from "./tree";

export interface Plan {
    stack: string;
    /** The environment class the stack name picked. */
    environment: string;
    region: string;
    resourceCount: number;
    tree: TreeNode[];
    criticalPath: CriticalPath;
    cost: CostEstimate | { region: string; unavailable: string };
    /** Per NodePool, the monthly worst case if Karpenter filled its limits; undefined for a region without prices. */
    ceilings?: Ceilings;
    violations: Violation[];
    /** Per NodePool, the hash of the settings whose change rolls its nodes. */
    drift: PoolDrift[];
    /** What the plan could not account for: types without an estimate, dependencies it could not place. */
    warnings: string[];
    /** What the offline mocks made up because only AWS knows it (an adopted VPC's subnets' zones and CIDRs). */
    assumedNotRead: string[];
    /** The stack outputs (`pulumi stack output`), secrets hidden; values from mocks stand for the deployed ones. */
    outputs: Record<string, unknown>;
}

export interface PlanInput {
    stack: string;
    environment: string;
    region: string;
    resources: readonly Registered[];
    /** The options the program ran the guardrails with. */
    guardrailOptions: GuardrailSettings;
    /** What the mocks assumed (Program.assumptions). @default [] */
    assumptions?: string[];
    /** The stack outputs (Program.outputs()). @default {} */
    outputs?: Record<string, unknown>;
}

export function buildPlan(input: PlanInput, options: { date: Date }): Plan {
    const path = criticalPath(input.resources);
    return {
        stack: input.stack,
        environment: input.environment,
        region: input.region,
        resourceCount: input.resources.length,
        tree: buildTree(input.resources),
        criticalPath: path,
        cost: baselineCost(input.resources, input.region, options.date),
        ceilings: poolCeilings(input.resources, input.region),
        violations: checkGuardrails(input.resources, input.guardrailOptions),
        drift: poolDrift(input.resources),
        warnings: [
            ...path.unknownTypes.map(
                (t) => `no time estimate for ${t}: assumed ${UNKNOWN_TYPE_MINUTES} min; add it to offline/plan/catalog.ts`,
            ),
            ...path.unresolved.map((u) => `dependency on ${u}, which was never registered: left out of the critical path`),
        ],
        assumedNotRead: input.assumptions ?? [],
        outputs: markSuffixes(input.outputs ?? {}, randomSuffixes(input.resources)) as Record<string, unknown>,
    };
}

export function renderText(plan: Plan): string {
    const out: string[] = [];
    out.push(
        `Plan of stack ${plan.stack} (${plan.environment}) in ${plan.region}: ${plan.resourceCount} resources, run offline under Pulumi mocks.`,
    );

    out.push("", "Resources");
    const drawTree = (nodes: TreeNode[], indent: string): void =>
        nodes.forEach((n, i) => {
            const last = i === nodes.length - 1;
            const settings = Object.entries(n.settings).map(([k, v]) => `${k}: ${formatValue(v)}`);
            out.push(`${indent}${last ? "└─ " : "├─ "}${n.type} ${n.name}${settings.length ? `  · ${settings.join(" · ")}` : ""}`);
            drawTree(n.children, indent + (last ? "   " : "│  "));
        });
    drawTree(plan.tree, "");

    out.push("", "Stack outputs");
    for (const [k, v] of Object.entries(plan.outputs)) out.push(`  ${k}: ${formatValue(v)}`);

    const cp = plan.criticalPath;
    out.push(
        "",
        `Critical path of a first \`pulumi up\`: ~${cp.totalMinutes.toFixed(1)} min (per-type estimates: README, The offline plan)`,
    );
    out.push("   start    min  resource  ← what it waits for");
    for (const s of cp.steps) {
        out.push(
            `  ${s.start.toFixed(2).padStart(6)} ${s.minutes.toFixed(2).padStart(6)}  ${s.type} ${s.name}${s.waitsFor ? `  ← ${s.waitsFor}` : ""}`,
        );
        if (s.unneeded) out.push(`                 ! not needed: ${s.unneeded}`);
    }
    out.push(
        cp.unneededWaits.length === 0
            ? "  Unneeded waits: none (no resource waits for another whose values it does not use)."
            : "  Unneeded waits (minutes lost; * on the critical path):",
    );
    for (const w of cp.unneededWaits) {
        out.push(`  ${w.onCriticalPath ? "*" : " "} ${w.delayMinutes.toFixed(1).padStart(4)}  ${w.type} ${w.name}: ${explainUnneeded(w)}`);
    }

    const cost = plan.cost;
    out.push("");
    if ("unavailable" in cost) {
        out.push(`Baseline monthly cost: not estimated (${cost.unavailable}).`);
    } else {
        out.push(
            `Baseline monthly cost, before any workload: $${cost.totalMonthly.toFixed(2)} ` +
                `(${cost.region}; prices as of ${cost.pricesAsOf}, EKS support calendar as of ${cost.supportCalendarAsOf}; for ${cost.date})`,
        );
        for (const l of cost.lines) {
            out.push(`  $${l.monthly.toFixed(2).padStart(8)}  ${l.item} (${l.resource.name}): ${l.detail}`);
        }
        for (const n of cost.notes) out.push(`  note: ${n}`);
        for (const a of cost.assumptions) out.push(`  assumes: ${a}`);
    }

    if (plan.ceilings) out.push("", ...renderCeilings(plan.ceilings));

    if (plan.assumedNotRead.length > 0) {
        out.push("", "Assumed, not read: offline, these values are made up by the mocks; the real ones come from AWS at deployment");
        for (const a of plan.assumedNotRead) out.push(`  ${a}`);
    }
    out.push("", ...renderDrift(plan.drift));
    out.push("", ...renderViolations(plan.violations));
    for (const w of plan.warnings) out.push(`warning: ${w}`);
    return out.join("\n") + "\n";
}

/** The worst case of every NodePool, and the total beside the budget. */
function renderCeilings(c: Ceilings): string[] {
    const budget =
        c.budgetMonthly === undefined ? "no monthly budget in this stack" : `budget limit $${c.budgetMonthly.toFixed(2)} a month`;
    const out = [
        `NodePool ceilings, if Karpenter filled every pool's limits: $${c.totalMonthly.toFixed(2)} a month in total, ${budget} (${c.region}; prices as of ${c.pricesAsOf})`,
        ...(c.incomplete ? [`  (${c.incomplete})`] : []),
    ];
    for (const p of c.pools) {
        const limits =
            Object.entries(p.limits)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => `${k} ${v}`)
                .join(", ") || "no limits";
        const figure = p.onDemandMonthly === undefined ? "         —" : `$${p.onDemandMonthly.toFixed(2).padStart(9)}`;
        out.push(`  ${figure}  ${p.pool} (${limits}): ${p.detail}`);
        if (p.spot) out.push(`              ${p.spot}`);
        if (p.familiesNotPriced.length > 0) out.push(`              no ${c.region} price for ${p.familiesNotPriced.join(", ")}`);
    }
    out.push(`  method: ${c.method}`);
    if (c.warning) out.push(`  ! ${c.warning}`);
    return out;
}

/** The text when the program stopped on its own guardrails: nothing was registered, so only the violations. */
export function renderStopped(stack: string, violations: readonly Violation[]): string {
    return (
        [
            `Plan of stack ${stack}: not planned, the program stopped on its guardrails before registering anything.`,
            "",
            ...renderViolations(violations),
        ].join("\n") + "\n"
    );
}

/** The guardrails section: every violation with its rule and resource. */
export function renderViolations(violations: readonly Violation[]): string[] {
    if (violations.length === 0) return ["Guardrails: no violations."];
    return [
        `Guardrails: ${violations.length} violation(s)`,
        ...violations.map((v) => `  ✗ [${v.rule}] ${v.resource.type} ${v.resource.name}: ${v.message}`),
    ];
}

function formatValue(v: unknown): string {
    if (Array.isArray(v) && v.every((x) => typeof x !== "object" || x === null)) return v.join(", ");
    return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
}
