/**
 * What a NodePool allows for each node label, as Karpenter computes it: its requirements and its
 * template labels (a label is an `In [value]` requirement), intersected per key. A key a NodePool
 * does not mention is unconstrained when it is a well-known label Karpenter sets from the instance
 * (any value), and absent from its nodes otherwise (a custom label only exists where a pool sets it).
 */
import { objectName } from "./resources";
import { ResourceDescription, at, containsUnknown, isRecord } from "./types";

/** The values a pool allows for one label key; `gt`/`lt` are exclusive integer bounds. */
export interface ValueSet {
    /** Nodes without the label are allowed. */
    absent: boolean;
    /** Only these values (undefined: any value). */
    only?: ReadonlySet<string>;
    /** Never these values. */
    except: ReadonlySet<string>;
    gt?: number;
    lt?: number;
}

const ANY_OR_ABSENT: ValueSet = { absent: true, except: new Set() };
const ABSENT_ONLY: ValueSet = { absent: true, only: new Set(), except: new Set() };

/** Label domains whose keys Karpenter or Kubernetes set on every node from the instance it runs on. */
const WELL_KNOWN_DOMAINS = ["kubernetes.io", "k8s.io", "karpenter.sh", "karpenter.k8s.aws", "topology.k8s.aws"];

export function isWellKnown(key: string): boolean {
    const slash = key.indexOf("/");
    if (slash < 0) return false;
    const domain = key.slice(0, slash);
    return WELL_KNOWN_DOMAINS.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/** The intersection of two value sets. */
export function intersect(a: ValueSet, b: ValueSet): ValueSet {
    const only = a.only && b.only ? new Set([...a.only].filter((v) => b.only!.has(v))) : (a.only ?? b.only);
    return {
        absent: a.absent && b.absent,
        only,
        except: new Set([...a.except, ...b.except]),
        gt: a.gt === undefined ? b.gt : b.gt === undefined ? a.gt : Math.max(a.gt, b.gt),
        lt: a.lt === undefined ? b.lt : b.lt === undefined ? a.lt : Math.min(a.lt, b.lt),
    };
}

/** Whether a label value is allowed. */
export function allows(set: ValueSet, value: string): boolean {
    if (set.only && !set.only.has(value)) return false;
    if (set.except.has(value)) return false;
    if (set.gt === undefined && set.lt === undefined) return true;
    const n = Number(value);
    return Number.isInteger(n) && (set.gt === undefined || n > set.gt) && (set.lt === undefined || n < set.lt);
}

/** Whether no node can satisfy the set: the label must exist and no value is allowed. */
export function isEmpty(set: ValueSet): boolean {
    if (set.absent) return false;
    if (set.only) return ![...set.only].some((v) => allows(set, v));
    if (set.gt === undefined || set.lt === undefined) return false;
    const inRange = set.lt - set.gt - 1;
    const excluded = [...set.except].filter((v) => allows({ ...set, except: new Set() }, v)).length;
    return inRange - excluded <= 0;
}

/** The set one requirement allows (Karpenter's operators, with Gte/Lte). */
function requirementSet(operator: string, values: string[]): ValueSet {
    const n = Number(values[0]);
    switch (operator) {
        case "In":
            return { absent: false, only: new Set(values), except: new Set() };
        case "NotIn":
            return { absent: true, except: new Set(values) };
        case "Exists":
            return { absent: false, except: new Set() };
        case "DoesNotExist":
            return ABSENT_ONLY;
        case "Gt":
            return { absent: false, except: new Set(), gt: n };
        case "Gte":
            return { absent: false, except: new Set(), gt: n - 1 };
        case "Lt":
            return { absent: false, except: new Set(), lt: n };
        case "Lte":
            return { absent: false, except: new Set(), lt: n + 1 };
        default:
            return ANY_OR_ABSENT;
    }
}

export interface NodePoolShape {
    resource: ResourceDescription;
    name: string;
    /** `spec.weight`; none is 0. */
    weight: number;
    /** `spec.template.spec.taints`, as a canonical, order-free string ("" for none). */
    taints: string;
    /** A static NodePool (`spec.replicas`) keeps a fixed node count and takes no pending pods. */
    static: boolean;
    /** What the pool allows, per key it mentions. */
    keys: Map<string, ValueSet>;
}

/** The scheduling shape of a NodePool, or undefined while the fields it is made of are not known. */
export function nodePoolShape(resource: ResourceDescription): NodePoolShape | undefined {
    const spec = at(resource.inputs, "spec");
    const template = at(spec, "template");
    const requirements = at(template, "spec", "requirements") ?? [];
    const labels = at(template, "metadata", "labels") ?? {};
    const taints = at(template, "spec", "taints") ?? [];
    const weight = at(spec, "weight") ?? 0;
    if ([requirements, labels, taints, weight].some(containsUnknown)) return undefined;
    if (!Array.isArray(requirements) || !isRecord(labels) || !Array.isArray(taints) || typeof weight !== "number") return undefined;

    const keys = new Map<string, ValueSet>();
    const add = (key: string, set: ValueSet) => keys.set(key, intersect(keys.get(key) ?? ANY_OR_ABSENT, set));
    for (const r of requirements) {
        const values = Array.isArray(at(r, "values")) ? (at(r, "values") as unknown[]).map(String) : [];
        add(String(at(r, "key")), requirementSet(String(at(r, "operator")), values));
    }
    for (const [key, value] of Object.entries(labels)) add(key, requirementSet("In", [String(value)]));

    return {
        resource,
        name: objectName(resource),
        weight,
        taints: taints
            .map((t) => `${String(at(t, "key"))}=${String(at(t, "value") ?? "")}:${String(at(t, "effect"))}`)
            .sort()
            .join(","),
        static: at(spec, "replicas") !== undefined,
        keys,
    };
}

/** What a pool allows for `key`, including keys it does not mention. */
export function allowed(pool: NodePoolShape, key: string): ValueSet {
    return pool.keys.get(key) ?? (isWellKnown(key) ? ANY_OR_ABSENT : ABSENT_ONLY);
}

/** A label key on which two pools allow nothing in common (so no pod can fit both), if any. */
export function separatingKey(a: NodePoolShape, b: NodePoolShape): string | undefined {
    const keys = new Set([...a.keys.keys(), ...b.keys.keys()]);
    return [...keys].find((k) => isEmpty(intersect(allowed(a, k), allowed(b, k))));
}
