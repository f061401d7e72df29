import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { ConfigErrorCollector, check } from "../errors";
import { DefaultNodePoolsOptions, defaultNodePools } from "./default-pools";
import {
    EC2NodeClass,
    EC2NodeClassArgs,
    NodeClassSettings,
    isWindowsFamily,
    planEC2NodeClass,
    resolveEC2NodeClassArgs,
} from "./ec2-node-class";
import { NodePool, NodePoolSettings, OperatingSystem, checkNodePoolWeights, planNodePool, resolveNodePoolArgs } from "./node-pool";

/** The EC2NodeClasses and NodePools of a cluster, less what the cluster decides (its name, the node role). */
export interface KarpenterNodesSettings {
    /** The EC2NodeClasses. @default one AL2023 class named "default" */
    nodeClasses?: NodeClassSettings[];
    /** NodePools, each naming one of nodeClasses; with defaultPools, added to the default pools. Give this, defaultPools or both. @default none */
    nodePools?: NodePoolSettings[];
    /**
     * Options of the default pools (arm64 preferred, amd64, GPU), at least the profile (dev or prod): no default,
     * so a production stack cannot get development pools by omission. Give this, nodePools or both. @default none: no default pools
     */
    defaultPools?: DefaultNodePoolsOptions;
}

export interface KarpenterNodesArgs extends KarpenterNodesSettings {
    /** EKS cluster name (the discovery tag value of the nodes' subnets and security groups). */
    clusterName: pulumi.Input<string>;
    /** Name of the node IAM role. Give exactly one of role and instanceProfile. */
    role?: pulumi.Input<string>;
    /** Name of a pre-created instance profile (private clusters without an IAM endpoint). Give exactly one of role and instanceProfile. */
    instanceProfile?: pulumi.Input<string>;
    /**
     * Name of the Windows node IAM role (its EKS access entry is `EC2_WINDOWS`: one IAM principal has one access
     * entry, so Windows nodes cannot share the Linux nodes' role). Required, with windowsInstanceProfile instead
     * in a private cluster, when a Windows class names neither role nor instanceProfile. @default none
     */
    windowsRole?: pulumi.Input<string>;
    /** Name of the Windows node role's pre-created instance profile (private clusters). @default none */
    windowsInstanceProfile?: pulumi.Input<string>;
    /** Tags for every node class's EC2 resources; a class's own tags win. @default {} */
    tags?: Record<string, string>;
}

/** Args with defaults applied and the whole set checked (names, references, weights); throws ConfigError. */
export function resolveKarpenterNodesArgs(args: KarpenterNodesArgs) {
    check(
        args.nodePools !== undefined || args.defaultPools !== undefined,
        "KarpenterNodes.defaultPools",
        args.defaultPools,
        "the default pools' options, at least the profile (dev or prod), unless nodePools is given",
    );
    const errors = new ConfigErrorCollector();
    /** Windows classes left without a role: reported once, as the set's missing Windows role. */
    const roleless = new Set<string>();
    const nodeClasses: EC2NodeClassArgs[] = (args.nodeClasses ?? [{ name: "default" }]).map((c) => {
        const windows = isWindowsFamily(c.amiFamily);
        const own = c.role !== undefined || c.instanceProfile !== undefined;
        if (windows && !own && args.windowsRole === undefined && args.windowsInstanceProfile === undefined) {
            roleless.add(c.name);
            errors.attempt(() =>
                check(
                    false,
                    "KarpenterNodes.windowsRole",
                    undefined,
                    `the Windows node role (or windowsInstanceProfile) for Windows class ${c.name}: its access entry is EC2_WINDOWS, ` +
                        "and an IAM role has only one access entry, so the Linux nodes' role cannot serve",
                ),
            );
        }
        return {
            ...c,
            clusterName: args.clusterName,
            // A class naming its own role or instance profile keeps it; the others get the cluster's (Linux or Windows).
            ...(own
                ? { role: c.role, instanceProfile: c.instanceProfile }
                : windows
                  ? { role: args.windowsRole, instanceProfile: args.windowsInstanceProfile }
                  : { role: args.role, instanceProfile: args.instanceProfile }),
            tags: { ...(args.tags ?? {}), ...(c.tags ?? {}) },
        };
    });
    check(nodeClasses.length > 0, "KarpenterNodes.nodeClasses", [], "at least one EC2NodeClass");
    // Each class and each pool on its own, so one run reports every bad one; the set's rules on valid ones.
    nodeClasses.filter((c) => !roleless.has(c.name)).forEach((c) => errors.attempt(() => resolveEC2NodeClassArgs(c)));
    const classNames = nodeClasses.map((c) => c.name);
    errors.attempt(() => checkUnique("KarpenterNodes.nodeClasses", classNames));

    const windowsClasses = new Set(nodeClasses.filter((c) => isWindowsFamily(c.amiFamily)).map((c) => c.name));
    const osOf = (pool: NodePoolSettings) => (windowsClasses.has(pool.nodeClassName) ? OperatingSystem.Windows : OperatingSystem.Linux);
    // A pool's operating system is its class's.
    const nodePools = [...(args.defaultPools ? defaultNodePools(args.defaultPools) : []), ...(args.nodePools ?? [])].map((pool) => ({
        ...pool,
        operatingSystem: pool.operatingSystem ?? osOf(pool),
    }));
    check(nodePools.length > 0, "KarpenterNodes.nodePools", args.nodePools, "at least one NodePool");
    nodePools.forEach((pool) =>
        errors.attempt(() => {
            check(
                pool.operatingSystem === osOf(pool),
                `NodePool[${pool.name}].operatingSystem`,
                pool.operatingSystem,
                `${osOf(pool)}, that of its EC2NodeClass ${pool.nodeClassName}`,
            );
            const p = resolveNodePoolArgs(pool);
            check(
                classNames.includes(p.nodeClassName),
                `NodePool[${p.name}].nodeClassName`,
                p.nodeClassName,
                `one of the EC2NodeClasses: ${classNames.join(", ")}`,
            );
        }),
    );
    errors.throwIfAny();
    checkUnique(
        "KarpenterNodes.nodePools",
        nodePools.map((p) => p.name),
    );
    checkNodePoolWeights("KarpenterNodes.nodePools", nodePools);
    return { nodeClasses, nodePools };
}

/** The registered name of a class's or pool's component (and object) in KarpenterNodes `name`. */
function childName(name: string, object: string): string {
    return `${name}-${object}`;
}

/** The set's plan: its checked settings, and every EC2NodeClass and NodePool it registers, by their registered names. */
export function planKarpenterNodes(name: string, args: KarpenterNodesArgs) {
    const settings = resolveKarpenterNodesArgs(args);
    const descriptions = [
        ...settings.nodeClasses.flatMap((c) => planEC2NodeClass(childName(name, c.name), c).descriptions),
        ...settings.nodePools.flatMap((p) => planNodePool(childName(name, p.name), p).descriptions),
    ];
    return { settings, descriptions };
}

function checkUnique(setting: string, names: string[]): void {
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    check(duplicate === undefined, setting, duplicate, "distinct names");
}

/**
 * A set of EC2NodeClasses and the NodePools that use them, checked as a whole before anything is
 * created: by default one AL2023 class and the default pools.
 *
 * Pass the cluster's Kubernetes provider in `opts.providers` (or `opts.provider`) and the Karpenter
 * release in `opts.dependsOn`. Every object then depends on the release, so `pulumi destroy` deletes
 * them while the controller still runs to drain and terminate their nodes and remove its instance
 * profiles (their finalizers); the controller goes after them. Pools also depend on their class.
 */
export class KarpenterNodes extends pulumi.ComponentResource {
    /** Kubernetes names of the EC2NodeClasses. */
    public readonly nodeClassNames: pulumi.Output<string[]>;
    /** Kubernetes names of the NodePools. */
    public readonly nodePoolNames: pulumi.Output<string[]>;

    constructor(name: string, args: KarpenterNodesArgs, opts?: pulumi.ComponentResourceOptions) {
        const { settings: a } = planKarpenterNodes(name, args); // the whole set, before registering anything
        super(componentType("KarpenterNodes"), name, {}, componentOptions("KarpenterNodes", opts));
        const after = toArray(opts?.dependsOn);

        const classes = new Map(
            a.nodeClasses.map((c) => [c.name, new EC2NodeClass(childName(name, c.name), c, { parent: this, dependsOn: after })]),
        );
        const pools = a.nodePools.map(
            (p) => new NodePool(childName(name, p.name), p, { parent: this, dependsOn: [...after, classes.get(p.nodeClassName)!] }),
        );
        this.nodeClassNames = pulumi.all([...classes.values()].map((c) => c.name));
        this.nodePoolNames = pulumi.all(pools.map((p) => p.name));
        this.registerOutputs({ nodeClassNames: this.nodeClassNames, nodePoolNames: this.nodePoolNames });
    }
}

function toArray(value: pulumi.ResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value as pulumi.Input<pulumi.Resource>];
}
