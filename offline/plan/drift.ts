/**
 * Which nodes a change rolls. Karpenter replaces a node whose NodePool template or EC2NodeClass no longer
 * matches it ("drift"), within the pool's disruption budgets: a new AMI, user data, volumes, IMDS options,
 * tags, role, selectors (an EC2NodeClass's whole spec), or the pool's template (labels, taints,
 * requirements, node class, expireAfter, terminationGracePeriod). A pool's weight, limits and disruption
 * settings are not drift. The plan prints a hash of exactly the drifting fields per pool: compare it
 * between two plans (or with `rolledPools`) to see whose nodes a change would replace.
 */
import { createHash } from "node:crypto";
import type { Registered } from "../runner";

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

export interface PoolDrift {
    /** Kubernetes name of the NodePool. */
    pool: string;
    /** Its EC2NodeClass. */
    nodeClass: string;
    /** Hash of the fields whose change rolls every node of the pool (12 hex digits). */
    hash: string;
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
function canonical(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value !== null && typeof value === "object") {
        return `{${Object.keys(value)
            .sort()
            .filter((k) => (value as any)[k] !== undefined)
            .map((k) => `${JSON.stringify(k)}:${canonical((value as any)[k])}`)
            .join(",")}}`;
    }
    return JSON.stringify(value);
}

/** Each NodePool's drift hash: its template and its EC2NodeClass's spec. */
export function poolDrift(resources: readonly Registered[]): PoolDrift[] {
    const classes = new Map(resources.filter((r) => r.type === NODE_CLASS).map((r) => [r.inputs.metadata?.name as string, r.inputs.spec]));
    return resources
        .filter((r) => r.type === NODE_POOL)
        .map((r) => {
            const template = r.inputs.spec?.template ?? {};
            const nodeClass: string = template.spec?.nodeClassRef?.name;
            const hash = createHash("sha256")
                .update(canonical({ template, nodeClass: classes.get(nodeClass) ?? null }))
                .digest("hex")
                .slice(0, 12);
            return { pool: r.inputs.metadata?.name, nodeClass, hash };
        })
        .sort((a, b) => a.pool.localeCompare(b.pool));
}

/** The pools of both plans whose nodes the change from `before` to `after` replaces (their drift hash changed). */
export function rolledPools(before: readonly PoolDrift[], after: readonly PoolDrift[]): string[] {
    const was = new Map(before.map((d) => [d.pool, d.hash]));
    return after.filter((d) => was.has(d.pool) && was.get(d.pool) !== d.hash).map((d) => d.pool);
}

/** The plan's section: one line per pool. */
export function renderDrift(drift: readonly PoolDrift[]): string[] {
    return [
        "Node drift: a change of a pool's hash rolls every node of that pool (within its disruption budgets; README, Changes that roll nodes)",
        ...drift.map((d) => `  ${d.hash}  NodePool ${d.pool} (EC2NodeClass ${d.nodeClass})`),
    ];
}
