/**
 * The components of the library: one list, from which the type tokens and their aliases (infra/aliases.ts),
 * the package provider (package/provider.ts, which binds each public name to its class), the schema test and
 * the offline plan derive. Pure data, no imports.
 */

/** The Pulumi package name: the first part of every component's type token. */
export const PACKAGE_NAME = "eks-karpenter";

/** What the library knows of one component. */
export interface ComponentEntry {
    /**
     * The module its type token was in before the components became a Pulumi package. A multi-language
     * package has one module, `index`, so each token is now `eks-karpenter:index:<Name>`; the old token stays
     * as an alias, so a stack created before the change keeps its resources (and, through the parent, their
     * children) instead of replacing them.
     */
    formerModule: "index" | "cluster" | "network" | "karpenter" | "nodes" | "addons" | "iam";
    /**
     * Part of the multi-language package (`pulumi package add`): other languages construct it. A component
     * whose args carry resources (ClusterAddons' `nodesReady`) cannot be, and the others are parts the
     * public ones create.
     */
    public: boolean;
}

/** Every component of the library, by class name. */
export const COMPONENT_REGISTRY = {
    Environment: { formerModule: "index", public: true },
    Cluster: { formerModule: "cluster", public: true },
    Network: { formerModule: "network", public: true },
    PrivateEndpoints: { formerModule: "network", public: true },
    PublicEcrPullThroughCache: { formerModule: "network", public: false },
    Karpenter: { formerModule: "karpenter", public: true },
    KarpenterControllerRole: { formerModule: "karpenter", public: false },
    KarpenterFargateProfile: { formerModule: "karpenter", public: false },
    NodeRole: { formerModule: "karpenter", public: false },
    InterruptionQueue: { formerModule: "karpenter", public: false },
    EC2NodeClass: { formerModule: "nodes", public: true },
    NodePool: { formerModule: "nodes", public: true },
    KarpenterNodes: { formerModule: "nodes", public: true },
    ClusterAddons: { formerModule: "addons", public: false },
    WorkloadNamespaces: { formerModule: "addons", public: false },
    CostBudget: { formerModule: "addons", public: false },
    IrsaRole: { formerModule: "iam", public: false },
    Observability: { formerModule: "index", public: false },
} as const satisfies Record<string, ComponentEntry>;

export type ComponentName = keyof typeof COMPONENT_REGISTRY;

/** The components other languages use, by name. */
export type PublicComponentName = {
    [K in ComponentName]: (typeof COMPONENT_REGISTRY)[K]["public"] extends true ? K : never;
}[ComponentName];

/** Every component's name, in the registry's order. */
export const COMPONENT_NAMES = Object.keys(COMPONENT_REGISTRY) as ComponentName[];

/** The public components' names, in the registry's order. */
export const PUBLIC_COMPONENT_NAMES = COMPONENT_NAMES.filter((n) => COMPONENT_REGISTRY[n].public) as PublicComponentName[];

/** The type token of a component: `eks-karpenter:index:<Name>`. */
export function componentType(name: ComponentName): string {
    return `${PACKAGE_NAME}:index:${name}`;
}

/** The token a component had before it moved to the `index` module (the token itself for Environment). */
export function formerComponentType(name: ComponentName): string {
    return `${PACKAGE_NAME}:${COMPONENT_REGISTRY[name].formerModule}:${name}`;
}

/** Whether a type token is one of this library's components (any other `eks-karpenter:` token is not). */
export function isComponentType(type: string): boolean {
    return (COMPONENT_NAMES as string[]).some((n) => componentType(n as ComponentName) === type);
}
