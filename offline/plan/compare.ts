/**
 * What changes between two runs of the program under mocks (a baseline and this tree or config), in the
 * words a reviewer needs: resources added, removed and replaced, changed inputs, IAM statements by Sid, the
 * Karpenter and Kubernetes versions with what their reference data says changed (CRDs, chart values, upgrade
 * notes), which NodePools roll and how fast their budgets let them, and the order the update must follow.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { KarpenterVersion, UpgradeNote, karpenterVersionOfChart } from "../../infra/model/karpenter-versions";
import { REPO_ROOT } from "../../infra/root";
import { Program, Registered } from "../runner";
import { poolDrift, rolledPools } from "./drift";

/** One run: what it registered, and what to call it. */
export interface CompareSide {
    /** `HEAD~1`, `Pulumi.prod.yaml`, `this tree`. */
    label: string;
    resources: Registered[];
}

export interface ResourceRef {
    type: string;
    name: string;
    urn: string;
}

export interface InputChange {
    /** Dotted path of the input (JSON-string inputs such as policies are compared parsed). */
    path: string;
    before: unknown;
    after: unknown;
}

export interface PolicyChange {
    /** Resource type and name of the policy, role or queue policy. */
    resource: string;
    added: string[];
    removed: string[];
    changed: string[];
}

export interface ReferenceChanges {
    crdsAdded: string[];
    crdsRemoved: string[];
    /** Per CRD: schema fields (shallowest) added and removed, enums changed, CEL rules added and removed. */
    crds: {
        crd: string;
        fieldsAdded: string[];
        fieldsRemoved: string[];
        enumsChanged: string[];
        rulesAdded: string[];
        rulesRemoved: string[];
    }[];
    /** Chart values (dotted paths) added, removed, or with another default. */
    valuesAdded: string[];
    valuesRemoved: string[];
    valuesChanged: string[];
}

export interface KarpenterChange {
    before: string;
    after: string;
    /** From the two versions' reference data; undefined when a side is no supported version. */
    reference?: ReferenceChanges;
    /** Upgrade notes between the two (an upgrade); a downgrade says so. */
    notes: UpgradeNote[];
    downgrade: boolean;
}

export interface PoolRoll {
    pool: string;
    nodeClass: string;
    /** Why its nodes are replaced. */
    why: string[];
    /** How fast its disruption budgets let drift replace nodes. */
    pace: string;
}

export interface UpdateStep {
    step: string;
    resources: string[];
    /** Whether the program's dependencies make the engine follow this order; a sentence when they do not. */
    enforced: string;
}

export interface Comparison {
    before: string;
    after: string;
    added: ResourceRef[];
    removed: ResourceRef[];
    /** A resource whose URN changed (same type and physical name): Pulumi deletes and recreates it. */
    replaced: { type: string; before: string; after: string; physicalName: string }[];
    changed: (ResourceRef & { inputs: InputChange[] })[];
    iam: PolicyChange[];
    karpenter?: KarpenterChange;
    kubernetes?: { before: string; after: string };
    rolls: PoolRoll[];
    order: UpdateStep[];
}

const TYPES = {
    cluster: "aws:eks/cluster:Cluster",
    addon: "aws:eks/addon:Addon",
    release: "kubernetes:helm.sh/v3:Release",
    nodePool: "kubernetes:karpenter.sh/v1:NodePool",
    nodeClass: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
    policy: "aws:iam/policy:Policy",
} as const;

/** Inputs holding a JSON document, compared parsed. */
const JSON_INPUTS = new Set(["policy", "assumeRolePolicy", "eventPattern", "configurationValues"]);

const ref = (r: Registered): ResourceRef => ({ type: r.type, name: r.name, urn: r.urn });

/** The physical name a resource is known by outside Pulumi, if it has one of its own. */
function physicalName(r: Registered): string | undefined {
    const name = r.inputs.metadata?.name ?? r.inputs.name;
    return typeof name === "string" && name !== "" ? `${r.inputs.metadata?.namespace ?? ""}/${name}` : undefined;
}

/**
 * Plain objects as dotted paths to their leaves; JSON-document inputs parsed first. A policy's statements are
 * keyed by Sid (`policy.Statement.AllowRegionalReadActions.Action`), other lists of objects by index
 * (`spec.template.spec.requirements[3].values`); lists of plain values are leaves.
 */
function flatten(value: unknown, at = ""): Record<string, unknown> {
    if (Array.isArray(value) && value.length > 0 && value.every((s) => typeof s?.Sid === "string")) {
        return flatten(Object.fromEntries(value.map((s) => [s.Sid, s])), at);
    }
    if (Array.isArray(value) && value.length > 0 && value.every((x) => x !== null && typeof x === "object" && !Array.isArray(x))) {
        return Object.assign({}, ...value.map((x, i) => flatten(x, `${at}[${i}]`)));
    }
    if (value === null || typeof value !== "object" || Array.isArray(value) || Object.keys(value).length === 0)
        return at ? { [at]: value } : {};
    return Object.assign(
        {},
        ...Object.entries(value)
            .filter(([k]) => !k.startsWith("__"))
            .map(([k, v]) => flatten(JSON_INPUTS.has(k) && typeof v === "string" ? parseJson(v) : v, at ? `${at}.${k}` : k)),
    );
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

function inputChanges(before: Registered, after: Registered): InputChange[] {
    const a = flatten(before.inputs);
    const b = flatten(after.inputs);
    return [...new Set([...Object.keys(a), ...Object.keys(b)])]
        .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
        .sort()
        .map((k) => ({ path: k, before: a[k], after: b[k] }));
}

/** Statements by Sid of the policy documents a resource holds. */
function statementsOf(r: Registered | undefined): Map<string, string> {
    const found = new Map<string, string>();
    for (const key of ["policy", "assumeRolePolicy"]) {
        const doc = typeof r?.inputs[key] === "string" ? parseJson(r.inputs[key]) : undefined;
        const list = (doc as { Statement?: unknown })?.Statement;
        if (!Array.isArray(list)) continue;
        list.forEach((s, i) => found.set(s.Sid ?? `(statement ${i + 1}, no Sid)`, JSON.stringify(s)));
    }
    return found;
}

function iamChanges(before: Map<string, Registered>, after: Map<string, Registered>): PolicyChange[] {
    const urns = [...new Set([...before.keys(), ...after.keys()])];
    return urns.flatMap((urn) => {
        const a = statementsOf(before.get(urn));
        const b = statementsOf(after.get(urn));
        if (a.size === 0 && b.size === 0) return [];
        const r = (after.get(urn) ?? before.get(urn))!;
        const change = {
            resource: `${r.type} ${r.name}`,
            added: [...b.keys()].filter((s) => !a.has(s)),
            removed: [...a.keys()].filter((s) => !b.has(s)),
            changed: [...b.keys()].filter((s) => a.has(s) && a.get(s) !== b.get(s)),
        };
        return change.added.length + change.removed.length + change.changed.length > 0 ? [change] : [];
    });
}

/** The Karpenter version a run installs: its controller chart's version. */
function karpenterChart(resources: Registered[]): string | undefined {
    return resources.find((r) => r.type === TYPES.release && String(r.inputs.chart).endsWith("/karpenter"))?.inputs.version;
}

function kubernetesVersion(resources: Registered[]): string | undefined {
    return resources.find((r) => r.type === TYPES.cluster)?.inputs.version;
}

/** Compares dotted versions (`1.9.0` < `1.14.1`). */
function compareVersions(a: string, b: string): number {
    const x = a.split(".").map(Number);
    const y = b.split(".").map(Number);
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
}

function karpenterChange(beforeChart: string, afterChart: string): KarpenterChange {
    const from = karpenterVersionOfChart(beforeChart);
    const to = karpenterVersionOfChart(afterChart);
    const downgrade = compareVersions(afterChart, beforeChart) < 0;
    const [low, high] = downgrade ? [afterChart, beforeChart] : [beforeChart, afterChart];
    const notes = [...new Map([from, to].flatMap((v) => v?.upgradeNotes ?? []).map((n) => [n.since, n])).values()].filter(
        (n) => compareVersions(n.since, low) > 0 && compareVersions(n.since, high) <= 0,
    );
    return { before: beforeChart, after: afterChart, reference: from && to ? referenceChanges(from, to) : undefined, notes, downgrade };
}

const referenceDir = (v: KarpenterVersion) => path.join(REPO_ROOT, "reference", `karpenter-${v.minor}`);

/** A version's CRDs by name, each served version's schema flattened. */
function crdsOf(v: KarpenterVersion): Map<string, { fields: Map<string, string>; rules: Set<string> }> {
    const dir = path.join(referenceDir(v), "crds");
    const crds = new Map<string, { fields: Map<string, string>; rules: Set<string> }>();
    for (const file of fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort()) {
        const crd = parse(fs.readFileSync(path.join(dir, file), "utf8"));
        const fields = new Map<string, string>();
        const rules = new Set<string>();
        const walk = (schema: any, at: string) => {
            for (const rule of schema?.["x-kubernetes-validations"] ?? []) rules.add(`${at || "(root)"}: ${rule.rule}`);
            if (at) fields.set(at, JSON.stringify({ type: schema.type, enum: schema.enum }));
            for (const [k, child] of Object.entries<any>(schema?.properties ?? {})) walk(child, at ? `${at}.${k}` : k);
            if (schema?.items) walk(schema.items, `${at}[]`);
        };
        for (const version of crd.spec.versions.filter((x: any) => x.served)) walk(version.schema.openAPIV3Schema, version.name);
        crds.set(crd.metadata.name, { fields, rules });
    }
    return crds;
}

/** The paths of `paths` not under another of them: `spec.a` stands for `spec.a.b`. */
function shallowest(paths: string[]): string[] {
    const set = new Set(paths);
    return paths.filter((p) => ![...set].some((q) => q !== p && (p.startsWith(`${q}.`) || p.startsWith(`${q}[]`))));
}

function referenceChanges(from: KarpenterVersion, to: KarpenterVersion): ReferenceChanges {
    const a = crdsOf(from);
    const b = crdsOf(to);
    const crds = [...b.keys()]
        .filter((name) => a.has(name))
        .map((crd) => {
            const x = a.get(crd)!;
            const y = b.get(crd)!;
            const enumOf = (f: string, m: Map<string, string>) => JSON.parse(m.get(f)!).enum;
            return {
                crd,
                fieldsAdded: shallowest([...y.fields.keys()].filter((f) => !x.fields.has(f))),
                fieldsRemoved: shallowest([...x.fields.keys()].filter((f) => !y.fields.has(f))),
                enumsChanged: [...y.fields.keys()]
                    .filter((f) => x.fields.has(f) && JSON.stringify(enumOf(f, x.fields)) !== JSON.stringify(enumOf(f, y.fields)))
                    .map((f) => `${f}: ${(enumOf(f, x.fields) ?? []).join("|")} → ${(enumOf(f, y.fields) ?? []).join("|")}`),
                rulesAdded: [...y.rules].filter((r) => !x.rules.has(r)),
                rulesRemoved: [...x.rules].filter((r) => !y.rules.has(r)),
            };
        })
        .filter(
            (c) => c.fieldsAdded.length + c.fieldsRemoved.length + c.enumsChanged.length + c.rulesAdded.length + c.rulesRemoved.length > 0,
        );
    const values = (v: KarpenterVersion) =>
        flatten(parse(fs.readFileSync(path.join(referenceDir(v), "chart", "values.yaml"), "utf8")) ?? {});
    const va = values(from);
    const vb = values(to);
    return {
        crdsAdded: [...b.keys()].filter((n) => !a.has(n)),
        crdsRemoved: [...a.keys()].filter((n) => !b.has(n)),
        crds,
        valuesAdded: Object.keys(vb).filter((k) => !(k in va)),
        valuesRemoved: Object.keys(va).filter((k) => !(k in vb)),
        valuesChanged: Object.keys(vb)
            .filter((k) => k in va && JSON.stringify(va[k]) !== JSON.stringify(vb[k]))
            .map((k) => `${k}: ${JSON.stringify(va[k])} → ${JSON.stringify(vb[k])}`),
    };
}

/** How fast drift may replace a pool's nodes: the budgets that apply to drift (no reasons, or Drifted among them). */
export function driftPace(pool: Registered): string {
    const budgets: { nodes: string; reasons?: string[]; schedule?: string; duration?: string }[] = pool.inputs.spec?.disruption
        ?.budgets ?? [{ nodes: "10%" }];
    const forDrift = budgets.filter((b) => b.reasons === undefined || b.reasons.includes("Drifted"));
    if (forDrift.length === 0) return "no budget limits drift: every drifted node may be replaced at once";
    const always = forDrift.filter((b) => b.schedule === undefined).map((b) => b.nodes);
    const windows = forDrift.filter((b) => b.schedule !== undefined).map((b) => `${b.nodes} from "${b.schedule}" for ${b.duration}`);
    return [
        always.length ? `at most ${always.join(" and ")} of its nodes at a time` : "no limit outside its scheduled budgets",
        ...(windows.length ? [`and ${windows.join(", ")}`] : []),
    ].join(" ");
}

function rolls(
    before: Registered[],
    after: Registered[],
    karpenter: KarpenterChange | undefined,
    kubernetes: Comparison["kubernetes"],
): PoolRoll[] {
    const driftBefore = poolDrift(before);
    const driftAfter = poolDrift(after);
    const changed = new Set(rolledPools(driftBefore, driftAfter));
    const existed = new Set(driftBefore.map((d) => d.pool));
    const everyNode = (karpenter?.notes ?? []).filter((n) => n.rollsEveryNode);
    return driftAfter
        .filter((d) => existed.has(d.pool))
        .map((d) => {
            const why = [
                ...(changed.has(d.pool) ? ["its template or EC2NodeClass changed (drift hash)"] : []),
                ...everyNode.map((n) => `Karpenter ${n.since}: ${n.note.split(";")[0]}`),
                ...(kubernetes
                    ? [`Kubernetes ${kubernetes.before} → ${kubernetes.after}: the AMI alias resolves to the new version's AMI`]
                    : []),
            ];
            const pool = after.find((r) => r.type === TYPES.nodePool && r.inputs.metadata?.name === d.pool)!;
            return { pool: d.pool, nodeClass: d.nodeClass, why, pace: driftPace(pool) };
        })
        .filter((r) => r.why.length > 0);
}

/** The order the update must follow, each step with whether the program's dependencies enforce it. */
function updateOrder(c: Omit<Comparison, "order">, after: Registered[]): UpdateStep[] {
    const program = new Program([], after);
    const touched = new Set([...c.added, ...c.changed].map((r) => r.urn));
    const touchedOf = (pick: (r: Registered) => boolean) => after.filter((r) => touched.has(r.urn) && pick(r));
    const names = (rs: Registered[]) => rs.map((r) => `${r.type.split(":").pop()} ${r.name}`);
    const waits = (later: Registered[], earlier: Registered[], what: string) => {
        const missing = later.filter((l) => earlier.some((e) => !program.dependsOn(l, e)));
        return missing.length === 0
            ? "yes: the program's dependencies order it"
            : `NO: ${names(missing).join(", ")} do not wait for ${what}; apply in two updates`;
    };
    const crdRelease = after.filter((r) => r.type === TYPES.release && String(r.inputs.chart).endsWith("/karpenter-crd"));
    const controllerRelease = after.filter((r) => r.type === TYPES.release && String(r.inputs.chart).endsWith("/karpenter"));
    const cluster = after.filter((r) => r.type === TYPES.cluster);
    const steps: UpdateStep[] = [];
    if (c.kubernetes) {
        steps.push({
            step: `control plane: Kubernetes ${c.kubernetes.before} → ${c.kubernetes.after} (EKS upgrades one minor per update)`,
            resources: names(cluster),
            enforced:
                Math.abs(Number(c.kubernetes.after.split(".")[1]) - Number(c.kubernetes.before.split(".")[1])) > 1
                    ? "NO: more than one minor at once; EKS refuses it, upgrade one minor per update"
                    : "yes",
        });
        const addons = after.filter((r) => r.type === TYPES.addon);
        steps.push({
            step: "EKS add-ons, after the control plane (unpinned ones resolve to the new version's default)",
            resources: names(addons),
            enforced: waits(addons, cluster, "the cluster"),
        });
    }
    const crdTouched = touchedOf((r) => crdRelease.includes(r));
    if (c.karpenter || crdTouched.length > 0)
        steps.push({ step: "Karpenter's CRDs (the karpenter-crd chart)", resources: names(crdRelease), enforced: "yes: first" });
    const controller = touchedOf(
        (r) => controllerRelease.includes(r) || /^aws:iam\//.test(r.type) || /^aws:(sqs|cloudwatch)\//.test(r.type),
    );
    if (controller.length > 0 || c.karpenter) {
        steps.push({
            step: "the controller, its IAM policies and interruption queue",
            resources: names(controller.length ? controller : controllerRelease),
            enforced: waits(
                controllerRelease,
                [...crdRelease, ...after.filter((r) => r.type === TYPES.policy)],
                "the CRDs and its IAM policies",
            ),
        });
    }
    const nodes = touchedOf((r) => r.type === TYPES.nodeClass || r.type === TYPES.nodePool);
    if (nodes.length > 0 || c.rolls.length > 0) {
        const all = after.filter((r) => r.type === TYPES.nodeClass || r.type === TYPES.nodePool);
        steps.push({
            step: "node classes and pools; then nodes roll by drift within their budgets",
            resources: names(nodes.length ? nodes : all),
            enforced: waits(all, controllerRelease, "the controller"),
        });
    }
    return steps;
}

export function compare(before: CompareSide, after: CompareSide): Comparison {
    const a = new Map(before.resources.map((r) => [r.urn, r]));
    const b = new Map(after.resources.map((r) => [r.urn, r]));
    let added = after.resources.filter((r) => !a.has(r.urn));
    let removed = before.resources.filter((r) => !b.has(r.urn));
    const replaced: Comparison["replaced"] = [];
    for (const r of [...removed]) {
        const name = physicalName(r);
        const twin = name === undefined ? undefined : added.find((x) => x.type === r.type && physicalName(x) === name);
        if (twin) {
            replaced.push({ type: r.type, before: r.urn, after: twin.urn, physicalName: name! });
            added = added.filter((x) => x !== twin);
            removed = removed.filter((x) => x !== r);
        }
    }
    const changed = after.resources
        .filter((r) => a.has(r.urn))
        .map((r) => ({ ...ref(r), inputs: inputChanges(a.get(r.urn)!, r) }))
        .filter((r) => r.inputs.length > 0);
    const charts = [karpenterChart(before.resources), karpenterChart(after.resources)];
    const karpenter = charts[0] && charts[1] && charts[0] !== charts[1] ? karpenterChange(charts[0], charts[1]) : undefined;
    const versions = [kubernetesVersion(before.resources), kubernetesVersion(after.resources)];
    const kubernetes = versions[0] && versions[1] && versions[0] !== versions[1] ? { before: versions[0], after: versions[1] } : undefined;
    const partial = {
        before: before.label,
        after: after.label,
        added: added.map(ref),
        removed: removed.map(ref),
        replaced,
        changed,
        iam: iamChanges(a, b),
        karpenter,
        kubernetes,
        rolls: rolls(before.resources, after.resources, karpenter, kubernetes),
    };
    return { ...partial, order: updateOrder(partial, after.resources) };
}

const short = (v: unknown) => {
    const text = v === undefined ? "(none)" : JSON.stringify(v);
    return text.length > 100 ? `${text.slice(0, 97)}...` : text;
};

export function renderComparison(c: Comparison): string {
    const out: string[] = [`Compare: ${c.before} → ${c.after} (both run offline under Pulumi mocks)`];
    const none = c.added.length + c.removed.length + c.replaced.length + c.changed.length === 0;
    if (none) out.push("", "No change: both register the same resources with the same inputs.");
    if (c.kubernetes) out.push("", `Kubernetes: ${c.kubernetes.before} → ${c.kubernetes.after}`);
    if (c.karpenter) {
        const k = c.karpenter;
        out.push(
            "",
            `Karpenter: ${k.before} → ${k.after}${k.downgrade ? " (a DOWNGRADE: CRDs are not downgraded by Helm; check the upgrade guide before rolling back)" : ""}`,
        );
        for (const n of k.notes) out.push(`  ${n.since}: ${n.note}${n.rollsEveryNode ? " [rolls every node]" : ""}`);
        const r = k.reference;
        if (r) {
            if (r.crdsAdded.length) out.push(`  CRDs added: ${r.crdsAdded.join(", ")}`);
            if (r.crdsRemoved.length) out.push(`  CRDs removed: ${r.crdsRemoved.join(", ")}`);
            for (const crd of r.crds) {
                out.push(`  CRD ${crd.crd}:`);
                for (const f of crd.fieldsAdded) out.push(`    + field ${f}`);
                for (const f of crd.fieldsRemoved) out.push(`    - field ${f}`);
                for (const e of crd.enumsChanged) out.push(`    ~ enum ${e}`);
                out.push(
                    ...(crd.rulesAdded.length ? [`    + ${crd.rulesAdded.length} CEL rule(s)`] : []),
                    ...(crd.rulesRemoved.length ? [`    - ${crd.rulesRemoved.length} CEL rule(s)`] : []),
                );
            }
            if (r.valuesAdded.length) out.push(`  chart values added: ${r.valuesAdded.join(", ")}`);
            if (r.valuesRemoved.length) out.push(`  chart values removed: ${r.valuesRemoved.join(", ")}`);
            for (const v of r.valuesChanged) out.push(`  chart default changed: ${v}`);
        }
    }
    if (c.added.length) out.push("", `Added (${c.added.length})`, ...c.added.map((r) => `  + ${r.type} ${r.name}`));
    if (c.removed.length) out.push("", `Removed (${c.removed.length})`, ...c.removed.map((r) => `  - ${r.type} ${r.name}`));
    if (c.replaced.length) {
        out.push("", `Replaced: URN changed without an alias, deleted and created again (${c.replaced.length})`);
        for (const r of c.replaced) out.push(`  ± ${r.type} ${r.physicalName}: ${r.before} → ${r.after}`);
    }
    if (c.changed.length) {
        out.push("", `Changed inputs (${c.changed.length} resources)`);
        for (const r of c.changed) {
            out.push(`  ~ ${r.type} ${r.name}`);
            for (const i of r.inputs) out.push(`      ${i.path}: ${short(i.before)} → ${short(i.after)}`);
        }
    }
    if (c.iam.length) {
        out.push("", "IAM statements, by Sid");
        for (const p of c.iam) {
            out.push(`  ${p.resource}`);
            out.push(...p.added.map((s) => `    + ${s}`), ...p.removed.map((s) => `    - ${s}`), ...p.changed.map((s) => `    ~ ${s}`));
        }
    }
    out.push("", c.rolls.length ? `NodePools that roll (${c.rolls.length})` : "NodePools that roll: none");
    for (const r of c.rolls) out.push(`  ${r.pool} (EC2NodeClass ${r.nodeClass}): ${r.why.join("; ")}`, `      pace: ${r.pace}`);
    if (c.order.length) {
        out.push("", "Order of the update");
        c.order.forEach((s, i) =>
            out.push(`  ${i + 1}. ${s.step}`, `     ${s.resources.join(", ") || "(nothing registered)"}`, `     enforced: ${s.enforced}`),
        );
    }
    return out.join("\n") + "\n";
}
