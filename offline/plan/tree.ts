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

/** The registrations as a forest, in registration order; a resource whose parent was not registered is a root. */
export function buildTree(resources: readonly Registered[]): TreeNode[] {
    const children = new Map<string, Registered[]>();
    for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const node = (r: Registered): TreeNode => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        settings: settingsOf(r),
        children: (children.get(r.urn) ?? []).map(node),
    });
    const urns = new Set(resources.map((r) => r.urn));
    return resources.filter((r) => !urns.has(r.parent)).map(node);
}

