/**
 * When each resource could start and finish on a first `pulumi up`, the longest chain (the critical
 * path), and the waits in it that the resources do not need.
 *
 * How Pulumi orders creation, and so what the model follows:
 * - A resource starts when everything it depends on has finished: its recorded dependencies (from its
 *   inputs, or `dependsOn`) and its provider (a Kubernetes provider waits for its cluster's kubeconfig).
 * - Depending on a component means waiting for every resource inside it: a component finishes with
 *   its last child.
 * - A child is registered only once its parent's registration returns, and a component registers only
 *   once its own dependencies have finished: a component's `dependsOn` holds back all its children.
 * Each resource takes its type's estimate from the catalog; nothing else limits parallelism.
 */
import type { Registered } from "../runner";
import { UNKNOWN_TYPE_MINUTES, entryOf, minutesOf } from "./catalog";

/** Why a resource waits: for another to finish (`input`, `dependsOn`, `provider`) or for its parent to start. */
type Wait = { kind: "input"; on: Registered; inputs: string[] } | { kind: "dependsOn" | "provider" | "parent"; on: Registered };

export interface ResourceRef {
    type: string;
    name: string;
    urn: string;
}

export interface Step extends ResourceRef {
    /** Minute it starts, from the beginning of the update. */
    start: number;
    minutes: number;
    /** How it waits for the step before it. */
    waitsFor?: string;
    /** Why that wait is not needed, when it is not. */
    unneeded?: string;
}

/**
 * A resource held back by another it does not need: it waits through inputs that carry nothing the other
 * creates, or only because its component waits.
 */
export interface UnneededWait extends ResourceRef {
    waitsFor: ResourceRef;
    /** The inputs it waits through; none when it inherits the wait. */
    inputs: string[];
    /** The component whose wait it inherits, when it does. */
    inheritedFrom?: ResourceRef;
    /** How much later it starts than it would without the wait. */
    delayMinutes: number;
    onCriticalPath: boolean;
}

/** Why an unneeded wait is not needed, and what to do about it. */
export function explainUnneeded(w: Omit<UnneededWait, "onCriticalPath">): string {
    return w.inheritedFrom
        ? `${w.name} waits for ${w.waitsFor.name} only because its component ${w.inheritedFrom.name} does ` +
              "(a component's dependsOn holds back all its children): give that wait to the children that need it"
        : `${w.name} uses none of the values ${w.waitsFor.name} creates through ${w.inputs.join(", ")} ` +
              "(only names known from config): pass those instead";
}

export interface CriticalPath {
    totalMinutes: number;
    steps: Step[];
    unneededWaits: UnneededWait[];
    /** Custom resource types the catalog has no estimate for (each assumed UNKNOWN_TYPE_MINUTES). */
    unknownTypes: string[];
    /** Dependencies on URNs that were never registered. */
    unresolved: string[];
}

export function criticalPath(resources: readonly Registered[]): CriticalPath {
    return new Schedule(resources).criticalPath();
}

class Schedule {
    private readonly byUrn = new Map<string, Registered>();
    private readonly children = new Map<string, Registered[]>();
    private readonly starts = new Map<Registered, { at: number; by?: Wait }>();
    private readonly finishes = new Map<Registered, { at: number; by?: Registered }>();
    private readonly visiting = new Set<string>();
    private readonly unresolved = new Set<string>();
    private readonly waitLists = new Map<Registered, Wait[]>();

    constructor(private readonly resources: readonly Registered[]) {
        for (const r of resources) {
            this.byUrn.set(r.urn, r);
            this.children.set(r.parent, [...(this.children.get(r.parent) ?? []), r]);
        }
    }

    criticalPath(): CriticalPath {
        const roots = this.resources.filter((r) => !this.byUrn.has(r.parent));
        const last = roots.reduce((a, b) => (this.finish(b).at > this.finish(a).at ? b : a));
        const steps = this.trace(last);
        const onPath = new Set(steps.map((s) => s.urn));
        return {
            totalMinutes: round(this.finish(last).at),
            steps,
            unneededWaits: this.resources.flatMap((r) => {
                const needless = this.needless(r);
                return needless ? [{ ...ref(r), ...needless, onCriticalPath: onPath.has(r.urn) }] : [];
            }),
            unknownTypes: [...new Set(this.resources.filter((r) => minutesOf(r) === undefined).map((r) => r.type))].sort(),
            unresolved: [...this.unresolved].sort(),
        };
    }

    /**
     * The steps that end at `last`'s finish, earliest first. From each step's start it follows the wait
     * that bound it back to the previous step: through inherited component waits, and through a
     * component to the child it finished with.
     */
    private trace(last: Registered): Step[] {
        const steps: Step[] = [];
        let node: Registered | undefined = this.ownWork(last);
        while (node) {
            const step: Step = { ...ref(node), start: round(this.start(node).at), minutes: this.minutes(node) };
            const needless = this.needless(node);
            if (needless) step.unneeded = explainUnneeded({ ...ref(node), ...needless });
            steps.unshift(step);
            const via: string[] = [];
            let from: Registered = node;
            let wait: Wait | undefined = this.start(from).by;
            node = undefined;
            while (wait) {
                if (wait.kind === "parent") {
                    via.push(`inherits the waits of its component ${wait.on.name}`);
                    from = wait.on;
                    wait = this.start(from).by;
                    continue;
                }
                via.push(describe(wait));
                const prior = this.ownWork(wait.on);
                if (prior !== wait.on) via.push(`${wait.on.name} finishes with its child ${prior.name}`);
                node = prior;
                wait = undefined;
            }
            if (via.length > 0) step.waitsFor = via.join("; ");
        }
        return steps;
    }

    /**
     * The wait that sets `r`'s start when `r` does not need it (inputs that use nothing the awaited
     * resource creates, or a wait inherited from its component), and how much later `r` starts because of it.
     */
    private needless(r: Registered): Omit<UnneededWait, keyof ResourceRef | "onCriticalPath"> | undefined {
        const { at, by } = this.start(r);
        if (by === undefined || (by.kind !== "parent" && (by.kind !== "input" || this.uses(r, by.on, by.inputs)))) return undefined;
        const others = this.waits(r)
            .filter((w) => w !== by)
            .map((w) => (w.kind === "parent" ? this.start(w.on).at : this.finish(w.on).at));
        const delay = round(at - Math.max(0, ...others));
        if (delay <= 0) return undefined;
        if (by.kind === "input") return { waitsFor: ref(by.on), inputs: by.inputs, delayMinutes: delay };
        // Up the components to the one whose own dependency holds `r` back.
        let component = by.on;
        let wait = this.start(component).by;
        while (wait?.kind === "parent") [component, wait] = [wait.on, this.start(wait.on).by];
        return wait && { waitsFor: ref(wait.on), inputs: [], inheritedFrom: ref(component), delayMinutes: delay };
    }

    /** The resource whose own work ends `r`'s finish: `r`, or for a component the child it finishes with. */
    private ownWork(r: Registered): Registered {
        const by = this.finish(r).by;
        return by ? this.ownWork(by) : r;
    }

    private minutes(r: Registered): number {
        return minutesOf(r) ?? UNKNOWN_TYPE_MINUTES;
    }

    private start(r: Registered): { at: number; by?: Wait } {
        return this.memo(this.starts, r, "start", () => {
            let at = 0;
            let by: Wait | undefined;
            for (const w of this.waits(r)) {
                const t = w.kind === "parent" ? this.start(w.on).at : this.finish(w.on).at;
                if (t > at) [at, by] = [t, w];
            }
            return { at, by };
        });
    }

    private finish(r: Registered): { at: number; by?: Registered } {
        return this.memo(this.finishes, r, "finish", () => {
            let at = this.start(r).at + this.minutes(r);
            let by: Registered | undefined;
            for (const c of this.children.get(r.urn) ?? []) {
                const t = this.finish(c).at;
                if (t > at) [at, by] = [t, c];
            }
            return { at, by };
        });
    }

    private memo<T>(cache: Map<Registered, T>, r: Registered, what: string, compute: () => T): T {
        const cached = cache.get(r);
        if (cached !== undefined) return cached;
        const key = `${what} ${r.urn}`;
        if (this.visiting.has(key)) throw new Error(`dependency cycle through ${r.type} ${r.name}`);
        this.visiting.add(key);
        const value = compute();
        this.visiting.delete(key);
        cache.set(r, value);
        return value;
    }

    /** What `r` waits for. A dependency on its own ancestor is left out: that component contains it. */
    private waits(r: Registered): Wait[] {
        const cached = this.waitLists.get(r);
        if (cached) return cached;
        const ancestors = new Set(this.ancestors(r));
        const waits: Wait[] = [];
        const seen = new Set<Registered>();
        for (const urn of r.dependencies) {
            const on = this.resolve(urn);
            if (on === undefined || on === r || ancestors.has(on) || seen.has(on)) continue;
            seen.add(on);
            const inputs = Object.keys(r.propertyDependencies ?? {}).filter((k) =>
                r.propertyDependencies[k].some((u) => this.resolve(u) === on),
            );
            waits.push(inputs.length > 0 ? { kind: "input", on, inputs } : { kind: "dependsOn", on });
        }
        const provider = r.provider ? this.byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::"))) : undefined;
        if (provider) waits.push({ kind: "provider", on: provider });
        const parent = this.byUrn.get(r.parent);
        if (parent) waits.push({ kind: "parent", on: parent });
        this.waitLists.set(r, waits);
        return waits;
    }

    private ancestors(r: Registered): Registered[] {
        const parent = this.byUrn.get(r.parent);
        return parent ? [parent, ...this.ancestors(parent)] : [];
    }

    /** A registered resource; a URN never registered is reported (every resource this program creates is registered). */
    private resolve(urn: string): Registered | undefined {
        const r = this.byUrn.get(urn);
        if (!r) this.unresolved.add(urn);
        return r;
    }

    /**
     * Whether `r` needs `on` through these inputs: they name a resource that must exist (the type's
     * `references`), or carry a value `on` (or a resource inside it) creates: an ID, an endpoint, a generated name.
     */
    private uses(r: Registered, on: Registered, inputs: string[]): boolean {
        const references = entryOf(r.type).references ?? [];
        if (inputs.some((i) => references.includes(i))) return true;
        const created = this.subtree(on).flatMap(createdValues);
        return inputs.some((i) => leaves(r.inputs[i]).some((v) => typeof v === "string" && created.some((c) => v.includes(c))));
    }

    private subtree(r: Registered): Registered[] {
        return [r, ...(this.children.get(r.urn) ?? []).flatMap((c) => this.subtree(c))];
    }
}

/**
 * What only exists once `r` is created: its physical ID (a NAT gateway's `nat-…`, which a route names),
 * and strings in its state that were not among its inputs. Of the latter only those that look like
 * identifiers (six characters or more with a digit, `:` or `/`), so that a common word in a generated
 * document does not count as a use. An ID or value given as an input (a configured name) is not created.
 */
function createdValues(r: Registered): string[] {
    const given = new Set(leaves(r.inputs));
    const state = leaves(r.outputs).filter((v): v is string => typeof v === "string" && v.length >= 6 && /[0-9:/]/.test(v));
    return [...(r.id ? [r.id] : []), ...state].filter((v) => !given.has(v));
}

/** The scalar values in plain data (resource objects inside it are skipped). */
function leaves(value: unknown): unknown[] {
    if (Array.isArray(value)) return value.flatMap(leaves);
    if (value !== null && typeof value === "object") {
        return Object.getPrototypeOf(value) === Object.prototype ? Object.values(value).flatMap(leaves) : [];
    }
    return [value];
}

function describe(w: Wait): string {
    if (w.kind === "input") return `input ${w.inputs.join(", ")} from ${w.on.name}`;
    return w.kind === "provider" ? `its provider ${w.on.name}` : `dependsOn ${w.on.name}`;
}

function ref(r: Registered): ResourceRef {
    return { type: r.type, name: r.name, urn: r.urn };
}

function round(minutes: number): number {
    return Math.round(minutes * 100) / 100;
}
