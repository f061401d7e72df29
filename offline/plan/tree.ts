/** The resource tree: components with their children, each with the settings its type's entry shows. */
import type { Registered } from "../runner";
import { settingsOf } from "./catalog";

export interface TreeNode {
    type: string;
    name: string;
    urn: string;
    settings: Record<string, unknown>;
    children: TreeNode[];
}

/** How a value made from a random suffix reads in the plan: the suffix is only known after deployment. */
export const RANDOM_SUFFIX = "<random suffix>";

/**
 * The registrations as a forest, in registration order; a resource whose parent was not registered is a root.
 * A setting made from a random suffix (a name like `eks-karpenter-prod-karpenter-node-k3x9qz`) shows the
 * suffix as `<random suffix>` and says it is known after deployment: the mocks' suffix is not the real one.
 */
export function buildTree(resources: readonly Registered[]): TreeNode[] {
    const children = new Map<string, Registered[]>();
    for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const suffixes = randomSuffixes(resources);
    const node = (r: Registered): TreeNode => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        settings: Object.fromEntries(Object.entries(settingsOf(r)).map(([k, v]) => [k, markSuffixes(v, suffixes)])),
        children: (children.get(r.urn) ?? []).map(node),
    });
    const urns = new Set(resources.map((r) => r.urn));
    return resources.filter((r) => !urns.has(r.parent)).map(node);
}

/** The random strings the program made (under mocks, made-up values). */
export function randomSuffixes(resources: readonly Registered[]): string[] {
    return resources
        .filter(
            (r) => r.type === "random:index/randomString:RandomString" && typeof r.outputs.result === "string" && r.outputs.result !== "",
        )
        .map((r) => r.outputs.result as string);
}

/** `value` with every random suffix in its strings shown as `<random suffix>`, and marked known after deploy. */
export function markSuffixes(value: unknown, suffixes: string[]): unknown {
    if (typeof value === "string") {
        const marked = suffixes.reduce((v, s) => v.split(s).join(RANDOM_SUFFIX), value);
        return marked === value ? value : `${marked} (known after deploy)`;
    }
    if (Array.isArray(value)) return value.map((v) => markSuffixes(v, suffixes));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markSuffixes(v, suffixes)]));
    }
    return value;
}
