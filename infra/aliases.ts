import * as pulumi from "@pulumi/pulumi";

/** The Pulumi package name: the first part of every component's type token. */
export const PACKAGE_NAME = "eks-karpenter";

/**
 * Every component of the library, with the module its type token was in before the components became a
 * Pulumi package. A multi-language package has one module, `index`, so each token is now
 * `eks-karpenter:index:<Name>`; the old token stays as an alias, so a stack created before the change keeps
 * its resources (and, through the parent, their children) instead of replacing them.
 */
export const FORMER_MODULES = {
    Environment: "index",
    Cluster: "cluster",
    Network: "network",
    PrivateEndpoints: "network",
    PublicEcrPullThroughCache: "network",
    Karpenter: "karpenter",
    KarpenterControllerRole: "karpenter",
    KarpenterFargateProfile: "karpenter",
    NodeRole: "karpenter",
    InterruptionQueue: "karpenter",
    EC2NodeClass: "nodes",
    NodePool: "nodes",
    KarpenterNodes: "nodes",
    ClusterAddons: "addons",
    WorkloadNamespaces: "addons",
    CostBudget: "addons",
    IrsaRole: "iam",
    Observability: "index",
} as const;

export type ComponentName = keyof typeof FORMER_MODULES;

/** The type token of a component: `eks-karpenter:index:<Name>`. */
export function componentType(name: ComponentName): string {
    return `${PACKAGE_NAME}:index:${name}`;
}

/** The token a component had before it moved to the `index` module (the token itself for Environment). */
export function formerComponentType(name: ComponentName): string {
    return `${PACKAGE_NAME}:${FORMER_MODULES[name]}:${name}`;
}

/** `opts` plus an alias for the component's former token, unless that token did not change. */
export function componentOptions(name: ComponentName, opts?: pulumi.ComponentResourceOptions): pulumi.ComponentResourceOptions {
    const former = formerComponentType(name);
    if (former === componentType(name)) return opts ?? {};
    return { ...opts, aliases: [...(opts?.aliases ?? []), { type: former }] };
}
