import * as pulumi from "@pulumi/pulumi";
import { ReclaimPolicy } from "../infra/addons/cluster-addons";
import { NodePoolLimitsSummary } from "../infra/addons/node-pool-limits";
import { ClusterLogType } from "../infra/cluster/cluster";
import { Environment, EnvironmentArgs, resolveEnvironmentArgs } from "../infra/environment/environment";
import { ConfigError, ConfigErrorCollector, check } from "../infra/errors";
import { NodePoolProfile } from "../infra/nodes/default-pools";
import { isWindowsFamily } from "../infra/nodes/ec2-node-class";
import { NAMESPACE, StackConfig, asConfigKeys, nodesConfigKeys } from "./config";
import { NetworkLookups } from "./lookups";

/** What an environment decides where its config is silent, and what it refuses to relax. */
export interface EnvironmentProfile {
    /** The environment's name; also the name of its top-level component. */
    name: string;
    endpointPublicAccess: boolean;
    secretsEncryption: boolean;
    clusterLogTypes: ClusterLogType[];
    protect: boolean;
    /** Nodes without an internet route, AWS reached through VPC endpoints (see the README). */
    privateCluster: boolean;
    /** Which default NodePools (limits, disruption) the environment gets. */
    nodePoolProfile: NodePoolProfile;
    /** Whether the default GPU pool exists where config (`nodes.gpu`) is silent. */
    gpu: boolean;
    /** Reclaim policy of the default StorageClass where config sets none. */
    storageReclaimPolicy: ReclaimPolicy;
    /** The Karpenter controller's replicas and requests where config sets none. */
    karpenter: { replicas: number; requests: { cpu: string; memory: string } };
    /** Monitoring where config sets none: the log group's retention and the node monitoring agent. */
    observability: { logRetentionDays: number; nodeMonitoringAgent: boolean };
    /** Whether alerts must reach a subscriber (guardrail alerts-reach-someone). */
    requireAlertSubscribers: boolean;
    /** Settings this environment does not let config change, with the only value allowed. */
    fixed: Partial<Record<"endpointPublicAccess" | "secretsEncryption" | "protect" | "privateCluster", boolean>>;
    /** Control-plane log types config may not leave out. */
    requiredClusterLogTypes: ClusterLogType[];
}

/** The stack outputs every environment exports. */
export interface StackOutputs {
    clusterName: pulumi.Output<string>;
    clusterEndpoint: pulumi.Output<string>;
    kubeconfig: pulumi.Output<string>;
    controllerRoleArn: pulumi.Output<string>;
    nodeRoleName: pulumi.Output<string>;
    interruptionQueueName: pulumi.Output<string | undefined>;
    addonVersions: pulumi.Output<Record<string, string>>;
    workloadNamespaces: pulumi.Output<string[]>;
    budgetName: pulumi.Output<string | undefined>;
    nodePoolLimits: pulumi.Output<NodePoolLimitsSummary>;
}

/** One environment: typed config plus the environment's profile, composed into an Environment component. */
export abstract class EnvironmentStack {
    public readonly name: string;
    public readonly environment: Environment;
    public readonly outputs: StackOutputs;

    /**
     * @param config the stack's config
     * @param options.name the Environment component's name, where a program makes several environments
     *   (each needs its own). @default the profile's name (`dev`, `prod`)
     * @param options.lookups what `lookUpNetwork` found for this config: the network is built with it (a
     *   created VPC's zones resolved) and its errors are reported with this stack's. @default none: the
     *   network as configured, its zones and adopted VPC checked by the Network component while the
     *   engine resolves them (createStack always looks them up first)
     */
    constructor(
        public readonly config: StackConfig,
        options: { name?: string; lookups?: NetworkLookups } = {},
    ) {
        const profile = this.profile();
        this.name = options.name ?? profile.name;
        const args = { ...this.environmentArgs(config, profile), ...(options.lookups && { network: options.lookups.network }) };
        const errors = options.lookups?.errors ?? new ConfigErrorCollector();
        for (const [key, only] of Object.entries(profile.fixed) as [keyof StackConfig, boolean][]) {
            errors.attempt(() =>
                check(
                    config[key] === undefined || config[key] === only,
                    `${NAMESPACE}:${key}`,
                    config[key],
                    `${only} in the ${profile.name} environment`,
                ),
            );
        }
        const logTypes = args.cluster.enabledClusterLogTypes ?? [];
        const missing = profile.requiredClusterLogTypes.filter((t) => !logTypes.includes(t));
        errors.attempt(() =>
            check(
                missing.length === 0,
                `${NAMESPACE}:clusterLogTypes`,
                config.clusterLogTypes,
                `a list including ${missing.join(", ")} in the ${profile.name} environment`,
            ),
        );
        // A world-open endpoint is a choice written in the stack file, never a default.
        errors.attempt(() =>
            check(
                !args.cluster.endpointPublicAccess || config.publicAccessCidrs !== undefined,
                `${NAMESPACE}:publicAccessCidrs`,
                config.publicAccessCidrs,
                'the CIDRs that may reach the public API endpoint (write ["0.0.0.0/0"] to open it to the internet on purpose), or endpointPublicAccess: false',
            ),
        );
        errors.attempt(() => checkDeclaredNodes(config.nodes));
        try {
            // With errors already, the environment's own checks add theirs (a guardrail waits for valid settings).
            if (errors.found) {
                errors.attempt(() => {
                    try {
                        resolveEnvironmentArgs(this.name, args);
                    } catch (e) {
                        if (e instanceof ConfigError) throw e;
                    }
                });
            }
            errors.throwIfAny();
            // `protect` on the Environment is inherited by every resource inside it (Pulumi's rule for a
            // parent's `protect`): the engine checks it per delete step, so protecting only the cluster would
            // let `pulumi destroy` delete the pools, controller, add-ons and namespaces before it stopped.
            this.environment = new Environment(this.name, args, { protect: config.protect ?? profile.protect });
        } catch (e) {
            throw e instanceof ConfigError ? asConfigKeys(e, nodesConfigKeys(config.nodes)) : e;
        }
        const e = this.environment;
        this.outputs = {
            clusterName: e.clusterName,
            clusterEndpoint: e.clusterEndpoint,
            kubeconfig: pulumi.secret(e.kubeconfig),
            controllerRoleArn: e.controllerRoleArn,
            nodeRoleName: e.nodeRoleName,
            interruptionQueueName: e.interruptionQueueName,
            addonVersions: e.addonVersions,
            workloadNamespaces: e.workloadNamespaces,
            budgetName: e.budgetName,
            nodePoolLimits: e.nodePoolLimits,
        };
    }

    protected abstract profile(): EnvironmentProfile;

    protected environmentArgs(c: StackConfig, p: EnvironmentProfile): EnvironmentArgs {
        const declaredClasses = c.nodes?.classes ?? [];
        return {
            cluster: {
                clusterName: c.clusterName,
                kubernetesVersion: c.kubernetesVersion,
                endpointPublicAccess: c.endpointPublicAccess ?? p.endpointPublicAccess,
                publicAccessCidrs: c.publicAccessCidrs,
                enabledClusterLogTypes: c.clusterLogTypes ?? p.clusterLogTypes,
                secretsEncryption: c.secretsEncryption ?? p.secretsEncryption,
                protect: c.protect ?? p.protect,
                bootstrapClusterCreatorAdminPermissions: c.bootstrapClusterCreatorAdminPermissions,
                supportType: c.supportType,
                accessEntries: c.accessEntries,
                deployerCidrs: c.deployerCidrs,
                deployerSecurityGroupIds: c.deployerSecurityGroupIds,
            },
            network: c.network ?? {},
            privateCluster: c.privateCluster ?? p.privateCluster,
            endpoints: c.endpoints,
            imageCache: c.imageCache,
            karpenter: {
                ...c.karpenter,
                replicas: c.karpenter?.replicas ?? p.karpenter.replicas,
                requests: { ...p.karpenter.requests, ...c.karpenter?.requests },
            },
            podIdentityAssociations: c.podIdentityAssociations,
            nodes: {
                // The default class, unless the stack file declares one named "default" in its place.
                nodeClasses: [
                    ...(declaredClasses.some((d) => d.name === "default")
                        ? []
                        : [
                              {
                                  name: "default",
                                  amiFamily: c.nodes?.amiFamily,
                                  amiVersion: c.nodes?.amiVersion,
                                  rootVolume: c.nodes?.rootVolume,
                                  dataVolume: c.nodes?.dataVolume,
                              },
                          ]),
                    ...declaredClasses,
                ],
                ...(c.nodes?.pools ? { nodePools: c.nodes.pools } : {}),
                // Without pools in their place the default pools stay (and `defaultPools: false` is reported).
                ...((c.nodes?.defaultPools ?? true) || c.nodes?.pools === undefined
                    ? { defaultPools: { profile: p.nodePoolProfile, spotPercent: c.nodes?.spotPercent, gpu: c.nodes?.gpu ?? p.gpu } }
                    : {}),
                devicePluginImage: c.nodes?.devicePluginImage,
            },
            addons: { ...c.addons, storageClass: { reclaimPolicy: p.storageReclaimPolicy, ...c.addons?.storageClass } },
            budget: c.budget,
            observability: { ...p.observability, ...c.observability },
            guardrails: { requireAlertSubscribers: p.requireAlertSubscribers },
            tags: { environment: p.name, "managed-by": "pulumi", ...(c.tags ?? {}) },
        };
    }
}

/**
 * What only the stack file can get wrong about its declared classes and pools: the default pools turned off
 * with nothing in their place or with their options still set, the default class's keys beside a declared
 * class taking its place. Everything else the components check (their errors named by nodesConfigKeys).
 */
function checkDeclaredNodes(nodes: StackConfig["nodes"]): void {
    const errors = new ConfigErrorCollector();
    const key = (k: string) => `${NAMESPACE}:nodes.${k}`;
    if (nodes?.defaultPools === false) {
        errors.attempt(() =>
            check(nodes.pools !== undefined, key("defaultPools"), false, "true, or pools in their place under nodes.pools"),
        );
        for (const k of ["spotPercent", "gpu"] as const) {
            errors.attempt(() =>
                check(nodes[k] === undefined, key(k), nodes[k], "left out when defaultPools is false: it only shapes the default pools"),
            );
        }
    }
    const replaced = (nodes?.classes ?? []).findIndex((c) => c.name === "default");
    // The default pools (arm64 first, GPU) are Linux pools: the class they use stays Linux while they are kept.
    if (nodes?.defaultPools !== false) {
        const [setting, family] =
            replaced >= 0 ? [`classes[${replaced}].amiFamily`, nodes!.classes![replaced].amiFamily] : ["amiFamily", nodes?.amiFamily];
        errors.attempt(() =>
            check(
                !isWindowsFamily(family),
                key(setting),
                family,
                "a Linux family (AL2023, Bottlerocket) while the default pools use the default class (they include arm64 pools, and Windows runs " +
                    "amd64 only): declare a Windows class of another name under nodes.classes, with its pools",
            ),
        );
    }
    if (replaced >= 0) {
        for (const k of ["amiFamily", "amiVersion", "rootVolume", "dataVolume"] as const) {
            errors.attempt(() =>
                check(
                    nodes![k] === undefined,
                    key(k),
                    nodes![k],
                    `left out when nodes.classes[${replaced}] is the "default" class: set it there`,
                ),
            );
        }
    }
    errors.throwIfAny();
}
