import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CostBudget, CostBudgetSettings, planCostBudget } from "../addons/budget";
import { AddonSettings, ClusterAddons, planClusterAddons } from "../addons/cluster-addons";
import { WorkloadNamespace, WorkloadNamespaces, planWorkloadNamespaces } from "../addons/namespaces";
import { NodePoolLimitsSummary, summarizeNodePoolLimits } from "../addons/node-pool-limits";
import { componentOptions, componentType } from "../aliases";
import { Cluster, ClusterSettings, kubernetesProvider, planCluster } from "../cluster/cluster";
import { ConfigErrorCollector, check } from "../errors";
import { GuardrailSettings, ResourceDescription } from "../guardrails";
import { enforceGuardrails } from "../guardrails/enforce";
import { physicalName } from "../iam/names";
import { AwsScopeArgs } from "../iam/policy";
import { PodIdentityAssociation, planPodIdentityAssociations, podIdentityAssociations } from "../iam/pod-identity";
import { KarpenterControllerRole, planKarpenterControllerRole } from "../karpenter/controller-role";
import { KarpenterFargateProfile, planKarpenterFargateProfile } from "../karpenter/fargate-profile";
import { InterruptionQueue, planInterruptionQueue } from "../karpenter/interruption";
import { Karpenter, KarpenterSettings, planKarpenter } from "../karpenter/karpenter";
import { NodeAccessEntryType, NodeRole, planNodeRole } from "../karpenter/node-role";
import { PrivateEndpoints, planPrivateEndpoints } from "../network/endpoints";
import {
    CLOUDWATCH_AGENT_IMAGE_PATH,
    PublicEcrPullThroughCache,
    checkControllerImage,
    planPublicEcrPullThroughCache,
} from "../network/image";
import { NatGateways, Network, NetworkSettings, planNetwork } from "../network/network";
import { KarpenterNodes, KarpenterNodesSettings, planKarpenterNodes } from "../nodes/karpenter-nodes";
import { nodePoolAllowsSpot } from "../nodes/node-pool";
import { isWindowsFamily } from "../nodes/ec2-node-class";
import { DevicePluginImage, planNvidiaDevicePlugin } from "../nodes/nvidia-device-plugin";
import { SPOT_SERVICE_LINKED_ROLE } from "../model/service-linked-roles";
import { VersionSettingNames, versionProblems } from "../model/kubernetes-versions";
import { Observability } from "../observability/observability";
import { ObservabilitySettings, describeObservability, observabilityEndpoints, resolveObservability } from "../observability/plan";
import { UNKNOWN } from "../guardrails/types";
import { AWS_REGIONS, isAwsRegion } from "../model/regions";
import { partitionOfRegion } from "../model/eks";
import { forRules, knownAfterDeployment } from "../plan";
import { VERSIONS } from "../model/versions";

/** Karpenter settings of an environment: the controller's own settings, and what the environment builds around it. */
export interface EnvironmentKarpenter extends KarpenterSettings {
    /**
     * Controller image repository, a registry the VPC reaches (a mirror). A private cluster without one
     * pulls it through the environment's ECR pull-through cache. @default Karpenter's public ECR image
     */
    imageRepository?: string;
    /** Spot interruption handling: an SQS queue fed by EventBridge rules. @default true */
    interruptionHandling?: boolean;
    /**
     * Labels on the controller's pods, selected by its Fargate profile.
     * @default { "eks-karpenter.io/compute": "fargate" }
     */
    podLabels?: Record<string, string>;
    /** Pre-create the node instance profile (private clusters with no IAM endpoint). @default privateCluster */
    createInstanceProfile?: boolean;
    /**
     * Create EC2's Spot service-linked role (`AWSServiceRoleForEC2Spot`), without which the first Spot launch
     * in an account fails (`AuthFailure.ServiceLinkedRoleCreationNotPermitted`). The role is account-wide and
     * creating it where it exists fails: set false in an account that has it (another stack created it, or a
     * Spot instance was ever launched there). @default true when some NodePool allows Spot, else false
     */
    createSpotServiceLinkedRole?: boolean;
}

/** Node settings of an environment: the classes and pools, and what the environment installs for them. */
export interface EnvironmentNodes extends KarpenterNodesSettings {
    /**
     * Image of NVIDIA's device plugin, installed when an AL2023 NVIDIA GPU pool exists. A private cluster
     * with such a pool must give one in a registry its VPC reaches (a mirror in private ECR): nvcr.io is on
     * the internet. @default the chart's, `nvcr.io/nvidia/k8s-device-plugin:v<chart version>`
     */
    devicePluginImage?: DevicePluginImage;
}

/** Add-on settings of an environment: ClusterAddons' choices, plus the workload namespaces. */
export interface EnvironmentAddons extends AddonSettings {
    /** Namespaces for workloads, each with a LimitRange and an optional ResourceQuota. @default [] */
    namespaces?: WorkloadNamespace[];
}

/** Interface and gateway VPC endpoints, for a cluster whose nodes have no internet route. */
export interface EnvironmentEndpoints {
    /** Create the endpoints. Each interface endpoint is billed per zone-hour. @default privateCluster */
    enabled?: boolean;
    /** Endpoints beyond the required set, by service name (`logs`, `elasticloadbalancing`, ...). @default [] */
    additionalEndpoints?: string[];
}

/**
 * An ECR pull-through cache of ECR Public, from which a private cluster's Fargate pods and nodes pull the
 * ECR Public images: Karpenter's controller (unless karpenter.imageRepository names a mirror) and the
 * node-disk agent.
 */
export interface EnvironmentImageCache {
    /** Create the cache and pull the ECR Public images through it. @default privateCluster */
    enabled?: boolean;
    /** Prefix of the cache's repositories. @default "ecr-public" */
    repositoryPrefix?: string;
    /** Create the account-wide cache rule (false where another stack made it). @default true */
    createRule?: boolean;
}

export interface EnvironmentArgs {
    /** The EKS cluster. */
    cluster: ClusterSettings;
    /** The VPC: created, or adopted with `existingVpc`. */
    network: NetworkSettings;
    /**
     * A private cluster: the nodes have no internet route (no NAT, no public subnets), AWS APIs are reached
     * through VPC endpoints, the controller image through a pull-through cache or mirror, the node
     * instance profile is made in advance (there is no IAM endpoint) and Karpenter runs with isolatedVPC.
     * The API endpoint must be private. @default false
     */
    privateCluster?: boolean;
    /** VPC endpoints. @default created exactly when privateCluster */
    endpoints?: EnvironmentEndpoints;
    /** Pull-through cache for the ECR Public images (the controller's, the disk agent's). @default created exactly when privateCluster */
    imageCache?: EnvironmentImageCache;
    /** Karpenter's controller, roles and interruption queue. @default the controller's defaults */
    karpenter?: EnvironmentKarpenter;
    /**
     * EKS Pod Identity associations, for pods on EC2 nodes. One for the Karpenter controller's service
     * account is refused (guardrail no-pod-identity-on-fargate): it runs on Fargate, where Pod Identity
     * does not work.
     * @default []
     */
    podIdentityAssociations?: PodIdentityAssociation[];
    /** EKS add-ons, the default StorageClass and workload namespaces. @default the add-ons' defaults, no namespaces */
    addons?: EnvironmentAddons;
    /** A monthly cost budget with notifications; it is named after the cluster. @default none */
    budget?: CostBudgetSettings;
    /**
     * Monitoring and alerts (README: Monitoring and alerts): controller logs in CloudWatch, an alerts topic,
     * alarms on the controller's log, the interruption queue and node disks, cost anomaly detection, the node
     * monitoring agent. The budget notifies the alerts topic unless it names its own. @default enabled, the defaults of ObservabilitySettings
     */
    observability?: ObservabilitySettings;
    /** Karpenter's EC2NodeClasses and NodePools: the classes and pools, or the default pools' options; the device plugin's image. */
    nodes: EnvironmentNodes;
    /** Tags for every AWS resource. @default {} */
    tags?: Record<string, string>;
    /**
     * Thresholds of the guardrails (README: Guardrails). The Karpenter controller's service account is
     * always among `fargateServiceAccounts`. @default the guardrails' defaults
     */
    guardrails?: GuardrailSettings;
}

export const DEFAULT_FARGATE_POD_LABELS = { "eks-karpenter.io/compute": "fargate" };

/**
 * How an Environment's version errors name the settings: as the components do, so that a stack names them
 * by its config keys (`eks-karpenter:kubernetesVersion`, `eks-karpenter:karpenter.version`).
 */
const VERSION_SETTINGS: VersionSettingNames = {
    kubernetesVersion: "Cluster.kubernetesVersion",
    karpenterVersion: "Karpenter.version",
    addonVersion: (addon) => `ClusterAddons.versions.${addon}`,
};

/** The partition, region, account and DNS suffix, as the environment's plan sees them: known after deployment. */
const UNKNOWN_SCOPE: AwsScopeArgs = {
    partition: knownAfterDeployment(),
    region: knownAfterDeployment(),
    accountId: knownAfterDeployment(),
    dnsSuffix: knownAfterDeployment(),
};

/**
 * The node roles of an environment, by the suffix of their registered names (stable: the Windows one exists only
 * with Windows nodes, and adding it changes nothing of the Linux one) and physical names: one access entry each.
 */
function nodeRoles(windowsNodes: boolean): { name: string; purpose: string; accessEntryType: NodeAccessEntryType }[] {
    return [
        { name: "node-role", purpose: "karpenter-node", accessEntryType: "EC2_LINUX" },
        ...(windowsNodes
            ? [{ name: "windows-node-role", purpose: "karpenter-windows-node", accessEntryType: "EC2_WINDOWS" as const }]
            : []),
    ];
}

/** AWS's limit of tags on one resource, less what this program and Karpenter add to some (Name, discovery and Karpenter's own tags). */
const MAX_USER_TAGS = 50 - 10;
/** AWS's limits on a tag's key and value. */
const TAG_LIMITS = { key: 128, value: 256 };

/** Tags every AWS resource gets: AWS's own limits, checked before any resource meets them. */
function checkAwsTags(tags: Record<string, string>): void {
    check(
        Object.keys(tags).length <= MAX_USER_TAGS,
        "Environment.tags",
        Object.keys(tags),
        `at most ${MAX_USER_TAGS} tags, environment and managed-by included: AWS allows 50 per resource, and the program and Karpenter add up to 10 of their own`,
    );
    for (const [key, value] of Object.entries(tags)) {
        check(!key.toLowerCase().startsWith("aws:"), "Environment.tags", key, "a key not starting with aws: (AWS reserves the prefix)");
        check(key.length >= 1 && key.length <= TAG_LIMITS.key, "Environment.tags", key, `a key of 1 to ${TAG_LIMITS.key} characters`);
        check(
            typeof value === "string" && value.length <= TAG_LIMITS.value,
            `Environment.tags.${key}`,
            value,
            `a value of at most ${TAG_LIMITS.value} characters`,
        );
    }
}

/** The stack's region: `aws:region`, else AWS_REGION or AWS_DEFAULT_REGION (what the AWS provider reads), a region that exists. */
function resolveRegion(): string {
    const region = aws.config.region;
    check(
        region !== undefined && region !== "",
        "aws:region",
        region,
        "the stack's AWS region: set aws:region (or AWS_REGION / AWS_DEFAULT_REGION)",
    );
    check(isAwsRegion(region), "aws:region", region, `an AWS region: ${AWS_REGIONS.join(", ")}`);
    return region!;
}

/** A private cluster's network, resolved: no public subnet, NAT gateway or internet gateway (so no 0.0.0.0/0 route). */
function checkPrivateNetwork(n: ReturnType<typeof planNetwork>["settings"]): void {
    const why = "in a private cluster nothing routes to the internet (no internet gateway, NAT gateway or 0.0.0.0/0 route)";
    if (n.existing) {
        check(n.existing.publicSubnetIds.length === 0, "Network.existingVpc.publicSubnetIds", n.existing.publicSubnetIds, `empty: ${why}`);
        return;
    }
    check(n.created.publicSubnetCidrs.length === 0, "Environment.network.publicSubnets", true, `false: ${why}`);
    check(n.created.natGateways === NatGateways.None, "Environment.network.natGateways", n.created.natGateways, `None: ${why}`);
}

/**
 * Checks every setting of an environment and applies its defaults. Independent settings are checked
 * independently: every ConfigError is reported at once (ConfigErrors when there are several).
 */
export function resolveEnvironmentArgs(name: string, args: EnvironmentArgs) {
    check(args.cluster !== undefined, "Environment.cluster", args.cluster, "the cluster's settings");
    check(args.network !== undefined, "Environment.network", args.network, "the VPC to create or adopt");
    check(args.nodes !== undefined, "Environment.nodes", args.nodes, "the node classes and pools (or the default pools' options)");
    const errors = new ConfigErrorCollector();
    const k = args.karpenter ?? {};
    const privateCluster = args.privateCluster ?? false;
    const region = errors.attempt(resolveRegion);
    // Windows nodes need a node role of their own, the VPC resource controller policy and the VPC CNI's Windows IPAM.
    const windowsNodes = (args.nodes.nodeClasses ?? []).some((c) => isWindowsFamily(c.amiFamily));
    const clusterPlan = errors.attempt(() => planCluster(`${name}-cluster`, { ...args.cluster, windowsNodes }));
    const cluster = clusterPlan?.settings;
    if (privateCluster && cluster) {
        errors.attempt(() =>
            check(!cluster.endpointPublicAccess, "Environment.cluster.endpointPublicAccess", true, "false in a private cluster"),
        );
    }
    const network = {
        ...args.network,
        publicSubnets: args.network.existingVpc ? undefined : (args.network.publicSubnets ?? !privateCluster),
        clusterName: args.cluster.clusterName,
    };
    const tags = { ...(args.tags ?? {}), ...(args.cluster.tags ?? {}) };
    // The network's own plan, as the environment constructs it.
    const networkPlan = errors.attempt(() => {
        if (!region) return undefined;
        const plan = planNetwork(`${name}-network`, { ...network, tags }, region);
        // On what the program builds, defaults included: nothing that routes to the internet.
        if (privateCluster) checkPrivateNetwork(plan.settings);
        return plan;
    });
    const endpointsEnabled = args.endpoints?.enabled ?? privateCluster;
    const interruptionHandling = k.interruptionHandling ?? true;
    const observability = errors.attempt(() =>
        resolveObservability({
            ...args.observability,
            clusterName: args.cluster.clusterName,
            tags: { ...(args.tags ?? {}), ...(args.cluster.tags ?? {}) },
            interruptionQueue: interruptionHandling,
            encryptLogs: cluster?.secretsEncryption ?? false,
            settingPrefix: "Environment.observability",
            windowsNodes,
        }),
    );
    // Fargate's log router and the disk agent reach CloudWatch through endpoints in a private cluster.
    const additionalEndpoints = [
        ...new Set([...(args.endpoints?.additionalEndpoints ?? []), ...(observability ? observabilityEndpoints(observability) : [])]),
    ];
    const endpoints = {
        additionalEndpoints: additionalEndpoints.length > 0 ? additionalEndpoints : args.endpoints?.additionalEndpoints,
        interruptionHandling,
        podIdentity: true,
    };
    const partition = region ? partitionOfRegion(region) : undefined;
    // The endpoints' own plan, wired to the network the environment builds (known after deployment).
    const endpointsPlan = errors.attempt(() => {
        check(
            !privateCluster || endpointsEnabled,
            "Environment.endpoints.enabled",
            false,
            "true in a private cluster: without endpoints nothing reaches AWS",
        );
        if (!region) return undefined;
        const wired = {
            vpcId: knownAfterDeployment<string>(),
            vpcCidrBlocks: knownAfterDeployment<string[]>(),
            subnetIds: knownAfterDeployment<string[]>(),
            routeTableIds: knownAfterDeployment<string[]>(),
        };
        return planPrivateEndpoints(`${name}-endpoints`, { ...endpoints, ...wired, region, partition, tags });
    });
    const imageCache = args.imageCache?.enabled ?? privateCluster;
    // The controller image comes from a mirror when one is named, else through the cache when there is one.
    errors.attempt(() => {
        if ((k.imageRepository !== undefined || !imageCache) && region)
            checkControllerImage(privateCluster, k.imageRepository, region, aws.config.allowedAccountIds);
    });
    const imageCacheArgs = { repositoryPrefix: args.imageCache?.repositoryPrefix, createRule: args.imageCache?.createRule, tags };
    const imageCachePlan = imageCache
        ? errors.attempt(() =>
              planPublicEcrPullThroughCache(`${name}-image-cache`, {
                  ...imageCacheArgs,
                  pullerRoleNames: [knownAfterDeployment(), knownAfterDeployment()],
              }),
          )
        : undefined;
    // The disk agent's image is on ECR Public: a private cluster's nodes pull it through the cache.
    if (privateCluster && !imageCache && observability?.enabled && observability.nodeDisks.enabled) {
        errors.attempt(() =>
            check(
                false,
                "Environment.observability.nodeDisks.enabled",
                true,
                "false in a private cluster without the image cache (Environment.imageCache.enabled false): the nodes reach no public registry, " +
                    `and pull the disk agent's image (${VERSIONS.cloudwatchAgentImage}) through the environment's pull-through cache of ECR Public; or enable the cache`,
                ["Environment.imageCache.enabled"],
            ),
        );
    }
    const podLabels = k.podLabels ?? DEFAULT_FARGATE_POD_LABELS;
    // Karpenter's own plan: what only deployment knows (the cluster's endpoint, the role, the queue, the
    // cache's repository in this account) stays unknown.
    const karpenterPlan = errors.attempt(() =>
        planKarpenter(`${name}-karpenter`, {
            ...k,
            podLabels,
            clusterName: args.cluster.clusterName,
            clusterEndpoint: knownAfterDeployment(),
            region: region ?? knownAfterDeployment(),
            controllerRoleArn: knownAfterDeployment(),
            interruptionQueueName: interruptionHandling ? knownAfterDeployment<string>() : undefined,
            imageRepository: k.imageRepository ?? (imageCache ? knownAfterDeployment<string>() : undefined),
            isolatedVpc: k.isolatedVpc ?? privateCluster,
        }),
    );
    const karpenter = karpenterPlan?.settings;
    if (cluster && karpenter) {
        for (const p of versionProblems(
            { kubernetesVersion: cluster.kubernetesVersion, karpenter: karpenter.release, addonVersions: args.addons?.versions ?? {} },
            VERSION_SETTINGS,
        )) {
            errors.attempt(() => check(false, p.setting, p.value, p.allowed, p.mentions));
        }
    }
    const karpenterServiceAccount = karpenter ? `${karpenter.namespace}/${karpenter.serviceAccountName}` : undefined;
    errors.attempt(() => checkAwsTags(tags));
    const { namespaces, ...addons } = args.addons ?? {};
    const addonsArgs = { ...addons, windowsNodes, tags };
    const addonsPlan = errors.attempt(() =>
        planClusterAddons(`${name}-addons`, {
            ...addonsArgs,
            // The cluster is registered under its configured name: the rules see each add-on's identity.
            clusterName: args.cluster.clusterName,
            configuredClusterName: args.cluster.clusterName,
            ...UNKNOWN_SCOPE,
            oidcProviderArn: knownAfterDeployment(),
            oidcIssuerUrl: knownAfterDeployment(),
        }),
    );
    const addonsResolved = addonsPlan?.settings;
    const podIdentityArgs = { associations: args.podIdentityAssociations, addonServiceAccounts: addonsResolved?.serviceAccounts.bound };
    const podIdentityPlan = addonsResolved
        ? errors.attempt(() =>
              planPodIdentityAssociations(`${name}-pod-identity`, { ...podIdentityArgs, clusterName: args.cluster.clusterName }),
          )
        : undefined;
    const namespacesArgs = { namespaces, reservedNamespaces: karpenter ? [karpenter.namespace] : [] };
    const namespacesPlan = errors.attempt(() => planWorkloadNamespaces(`${name}-namespaces`, namespacesArgs));
    const budgetArgs = args.budget ? { ...args.budget, budgetName: `${args.cluster.clusterName}-monthly-cost`, tags } : undefined;
    // With alerts on, a budget that names no topic of its own notifies the alerts topic.
    const budgetAlerts = (observability?.enabled ?? false) && budgetArgs?.snsTopicArn === undefined;
    const budgetPlan = budgetArgs
        ? errors.attempt(() =>
              planCostBudget(`${name}-budget`, {
                  ...budgetArgs,
                  alertsTopicArn: budgetAlerts ? knownAfterDeployment<string>() : undefined,
              }),
          )
        : undefined;
    // The role or instance profile is known after deployment; which of the two is known now.
    // With no IAM endpoint the controller cannot create instance profiles: make the node's in advance.
    const createInstanceProfile = k.createInstanceProfile ?? privateCluster;
    const { devicePluginImage, ...nodeSettings } = args.nodes;
    const nodesPlan = errors.attempt(() =>
        planKarpenterNodes(`${name}-nodes`, {
            ...nodeSettings,
            clusterName: knownAfterDeployment(),
            ...(createInstanceProfile ? { instanceProfile: knownAfterDeployment<string>() } : { role: knownAfterDeployment<string>() }),
            ...(windowsNodes
                ? createInstanceProfile
                    ? { windowsInstanceProfile: knownAfterDeployment<string>() }
                    : { windowsRole: knownAfterDeployment<string>() }
                : {}),
            tags,
        }),
    );
    const nodes = nodesPlan?.settings;
    // The image's form is checked even when the pools are not valid; whether the pools' nodes reach it, on valid pools.
    const devicePluginPlan = !region
        ? undefined
        : errors.attempt(() =>
              planNvidiaDevicePlugin(`${name}-nvidia-device-plugin`, {
                  privateCluster,
                  region,
                  allowedAccountIds: aws.config.allowedAccountIds,
                  nodeClasses: nodes?.nodeClasses ?? [],
                  nodePools: nodes?.nodePools ?? [],
                  image: devicePluginImage,
                  names: {
                      image: "Environment.nodes.devicePluginImage",
                      // The default GPU pool is turned off by its option; a declared one, by leaving it out.
                      withoutPools:
                          nodeSettings.defaultPools && (nodeSettings.defaultPools.gpu ?? true)
                              ? { setting: "Environment.nodes.defaultPools.gpu", value: "false" }
                              : { setting: "Environment.nodes.nodePools", value: "no NVIDIA GPU pool on an AL2023 EC2NodeClass" },
                  },
              }),
          );
    errors.throwIfAny();
    const { specs: addonSpecs, serviceAccounts: addonAccounts } = addonsResolved!;
    // The add-ons' Fargate pods (the EBS CSI controller, CoreDNS there) share the controller's profile:
    // one profile, one wait (EKS creates one profile at a time per cluster).
    const fargateSelectors = addonSpecs.flatMap((spec) => spec.fargateSelector ?? []);
    const createSpotServiceLinkedRole = k.createSpotServiceLinkedRole ?? nodes!.nodePools.some(nodePoolAllowsSpot);
    const nvidiaDevicePlugin = devicePluginPlan!.release;

    const guardrails = {
        ...args.guardrails,
        fargateServiceAccounts: [...(args.guardrails?.fargateServiceAccounts ?? []), karpenterServiceAccount!, ...addonAccounts.onFargate],
    };
    // The guardrails, once, over the children's own plans: the resources they register, by the names they register.
    const descriptions = [
        ...podIdentityPlan!.descriptions,
        ...planKarpenterFargateProfile(`${name}-karpenter-fargate`, {
            // The cluster is registered under its configured name: the rules see the profile's identity.
            clusterName: args.cluster.clusterName,
            configuredClusterName: args.cluster.clusterName,
            subnetIds: knownAfterDeployment(),
            namespace: karpenter!.namespace,
            podLabels,
            additionalSelectors: fargateSelectors,
            podExecutionRoleName: knownAfterDeployment(),
            ...UNKNOWN_SCOPE,
            tags,
        }).descriptions,
        ...nodeRoles(windowsNodes).flatMap(
            (role) =>
                planNodeRole(`${name}-${role.name}`, {
                    // The cluster is registered under its configured name: the rules see the access entry's cluster.
                    clusterName: args.cluster.clusterName,
                    roleName: knownAfterDeployment(),
                    partition: knownAfterDeployment(),
                    dnsSuffix: knownAfterDeployment(),
                    createInstanceProfile,
                    accessEntryType: role.accessEntryType,
                    tags,
                }).descriptions,
        ),
        ...(interruptionHandling
            ? planInterruptionQueue(`${name}-interruption`, {
                  queueName: knownAfterDeployment(),
                  events: karpenter!.release.interruptionEvents,
                  dnsSuffix: knownAfterDeployment<string>(),
                  tags,
              }).descriptions
            : []),
        ...planKarpenterControllerRole(`${name}-controller-role`, {
            clusterName: args.cluster.clusterName,
            oidcProviderArn: knownAfterDeployment(),
            oidcIssuerUrl: knownAfterDeployment(),
            namespace: karpenter!.namespace,
            serviceAccount: karpenter!.serviceAccountName,
            roleName: knownAfterDeployment(),
            nodeRoleArn: knownAfterDeployment(),
            karpenterVersion: karpenter!.release,
            interruptionQueueArn: interruptionHandling ? knownAfterDeployment<string>() : undefined,
            ...UNKNOWN_SCOPE,
            tags,
        }).descriptions,
        ...networkPlan!.descriptions,
        ...clusterPlan!.descriptions,
        ...karpenterPlan!.descriptions,
        ...nodesPlan!.descriptions,
        ...devicePluginPlan!.descriptions,
        ...(endpointsEnabled ? endpointsPlan!.descriptions : []),
        ...describeObservability(
            `${name}-observability`,
            observability!,
            imageCache ? knownAfterDeployment<string>() : VERSIONS.cloudwatchAgentImage,
            UNKNOWN,
        ),
        ...(budgetPlan?.descriptions ?? []),
        ...(imageCachePlan?.descriptions ?? []),
        ...namespacesPlan!.descriptions,
        ...addonsPlan!.descriptions,
    ].map(forRules);
    enforceGuardrails(descriptions, guardrails);
    return {
        guardrails,
        descriptions,
        windowsNodes,
        region: region!,
        partition: partition!,
        cluster: cluster!,
        karpenter: karpenter!,
        podLabels,
        fargateSelectors,
        interruptionHandling,
        tags,
        addonsArgs,
        namespacesArgs,
        budgetArgs,
        budgetAlerts,
        podIdentityArgs,
        observability: observability!,
        createInstanceProfile,
        createSpotServiceLinkedRole,
        nvidiaDevicePlugin,
        nodeSettings,
        privateCluster,
        network,
        endpointsEnabled,
        endpoints,
        imageCache,
        imageCacheArgs,
        nodePoolLimits: summarizeNodePoolLimits(
            "Environment.nodes.nodePools",
            Object.fromEntries(nodes!.nodePools.map((p) => [p.name, { cpu: p.limits.cpu, memory: p.limits.memory }])),
        ),
    };
}

/** The components inside an environment, for TypeScript programs that add resources to its cluster. */
export interface EnvironmentParts {
    /** The cluster: its Kubernetes provider is `kubernetesProvider(cluster)`. */
    cluster: Cluster;
    /** The Karpenter release; depend on it for NodePools and EC2NodeClasses. */
    karpenter: Karpenter;
    /** The EKS add-ons and default StorageClass. */
    addons: ClusterAddons;
    /** The options the guardrails ran with; checks of what was registered (the offline plan) use the same. */
    guardrailOptions: GuardrailSettings;
    /** What the guardrails checked before anything was registered: the children's planned resources, by their registered names. */
    planned: readonly ResourceDescription[];
}

const environmentPartsOf = new WeakMap<Environment, EnvironmentParts>();

/**
 * The cluster, Karpenter release and add-ons of an environment, and its guardrail options, from TypeScript. They are not outputs:
 * a component's outputs are what other languages see, and these are resources of this library.
 */
export function environmentParts(environment: Environment): EnvironmentParts {
    return environmentPartsOf.get(environment)!;
}

/**
 * A whole environment: the VPC (created or adopted) and its endpoints, the EKS cluster, the Karpenter
 * controller on Fargate with its IRSA role, the node role and its access entry, the interruption queue,
 * the EC2NodeClasses and NodePools, the EKS add-ons, workload namespaces and a cost budget. Stacks
 * compose this from config. In TypeScript, `environmentParts(environment)` gives the components inside.
 *
 * What only AWS knows (the region's zones, an adopted VPC and its subnets) the Network inside checks
 * while the engine resolves its look-ups, after registration has begun. The stack program looks them up
 * first (stacks/lookups.ts) and passes the resolved zones explicitly, so for stacks those checks cannot
 * fail; a program that constructs Environment directly keeps this behaviour.
 */
export class Environment extends pulumi.ComponentResource {
    /** Physical name of the EKS cluster. */
    public readonly clusterName: pulumi.Output<string>;
    /** URL of the cluster's Kubernetes API server. */
    public readonly clusterEndpoint: pulumi.Output<string>;
    /** Kubeconfig (JSON), a secret: it names the cluster and how to authenticate to it (`aws eks get-token`). @secret */
    public readonly kubeconfig: pulumi.Output<string>;
    /** ARN of the Karpenter controller's IRSA role. */
    public readonly controllerRoleArn: pulumi.Output<string>;
    /** Name of the IAM role of the nodes Karpenter launches. */
    public readonly nodeRoleName: pulumi.Output<string>;
    /** ARN of the IAM role of the nodes Karpenter launches. */
    public readonly nodeRoleArn: pulumi.Output<string>;
    /** Interruption queue name; undefined when interruption handling is off. */
    public readonly interruptionQueueName: pulumi.Output<string | undefined>;
    /** Namespace of the Karpenter controller. */
    public readonly karpenterNamespace: pulumi.Output<string>;
    /** Installed version of each EKS add-on, by add-on name. */
    public readonly addonVersions: pulumi.Output<Record<string, string>>;
    /** Names of the workload namespaces. */
    public readonly workloadNamespaces: pulumi.Output<string[]>;
    /** Name of the cost budget; undefined without one. */
    public readonly budgetName: pulumi.Output<string | undefined>;
    /** The NodePools' limits and their total. */
    public readonly nodePoolLimits: pulumi.Output<NodePoolLimitsSummary>;

    constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        // Every setting is checked before the first registration, so a typo stops the preview with
        // nothing created (a later throw would leave resources already sent to the engine).
        const settings = resolveEnvironmentArgs(name, args);
        super(componentType("Environment"), name, {}, componentOptions("Environment", opts));
        const { tags, karpenter: karpenterSettings, podLabels } = settings;
        const k = args.karpenter ?? {};
        const {
            interruptionHandling,
            addonsArgs,
            namespacesArgs,
            budgetArgs,
            nodePoolLimits,
            createInstanceProfile,
            createSpotServiceLinkedRole,
            nvidiaDevicePlugin,
            windowsNodes,
        } = settings;

        const awsPartition = aws.getPartitionOutput({}, { parent: this });
        const scope: AwsScopeArgs = {
            partition: awsPartition.partition,
            region: aws.getRegionOutput({}, { parent: this }).region,
            accountId: aws.getCallerIdentityOutput({}, { parent: this }).accountId,
            dnsSuffix: awsPartition.dnsSuffix,
        };
        const { partition, dnsSuffix } = scope;

        const network = new Network(`${name}-network`, { ...settings.network, tags }, { parent: this });
        // Endpoints take their inputs from the network only: they are created beside the cluster, not after it.
        const endpoints = settings.endpointsEnabled
            ? new PrivateEndpoints(
                  `${name}-endpoints`,
                  {
                      ...settings.endpoints,
                      vpcId: network.vpcId,
                      vpcCidrBlocks: network.cidrBlocks,
                      subnetIds: network.endpointSubnetIds,
                      routeTableIds: network.privateRouteTableIds,
                      // Known now (the stack's region, its partition): the plan checked these very names.
                      region: settings.region,
                      partition: settings.partition,
                      tags,
                  },
                  { parent: this },
              )
            : undefined;

        // The suffix keeps account-wide names unique (two environments, one account) and stable.
        const suffix = new random.RandomString(`${name}-suffix`, { length: 6, special: false, upper: false }, { parent: this }).result;
        const base = args.cluster.clusterName;
        const iamName = (purpose: string) => suffix.apply((s) => physicalName(base, purpose, s, 64));

        const cluster = new Cluster(
            `${name}-cluster`,
            { ...args.cluster, windowsNodes, privateSubnetIds: network.privateSubnetIds, roleName: iamName("cluster"), tags },
            { parent: this },
        );
        const clusterName = cluster.clusterName;
        const provider = kubernetesProvider(cluster);

        const [nodeRole, windowsNodeRole] = nodeRoles(windowsNodes).map(
            (role) =>
                new NodeRole(
                    `${name}-${role.name}`,
                    {
                        clusterName,
                        roleName: iamName(role.purpose),
                        partition,
                        dnsSuffix,
                        createInstanceProfile,
                        accessEntryType: role.accessEntryType,
                        tags,
                    },
                    { parent: this },
                ),
        ) as [NodeRole, NodeRole | undefined];
        const queueName = suffix.apply((s) => physicalName(base, "karpenter", s, 80));
        const queue = interruptionHandling
            ? new InterruptionQueue(
                  `${name}-interruption`,
                  { queueName, events: karpenterSettings.release.interruptionEvents, dnsSuffix, tags },
                  { parent: this },
              )
            : undefined;
        const controllerRole = new KarpenterControllerRole(
            `${name}-controller-role`,
            {
                // The configured name: the policies need no value of the cluster, so they need not wait for it.
                clusterName: base,
                oidcProviderArn: cluster.oidcProviderArn,
                oidcIssuerUrl: cluster.oidcIssuerUrl,
                namespace: karpenterSettings.namespace,
                serviceAccount: karpenterSettings.serviceAccountName,
                roleName: iamName("karpenter"),
                nodeRoleArn: nodeRole.roleArn,
                windowsNodeRoleArn: windowsNodeRole?.roleArn,
                karpenterVersion: karpenterSettings.release,
                interruptionQueueArn: queue?.queueArn,
                ...scope,
                tags,
            },
            { parent: this },
        );
        const fargate = new KarpenterFargateProfile(
            `${name}-karpenter-fargate`,
            {
                clusterName,
                configuredClusterName: base,
                subnetIds: network.privateSubnetIds,
                namespace: karpenterSettings.namespace,
                podLabels,
                additionalSelectors: settings.fargateSelectors,
                podExecutionRoleName: iamName("fargate"),
                ...scope,
                tags,
            },
            { parent: this },
        );
        const imageCache = settings.imageCache
            ? new PublicEcrPullThroughCache(
                  `${name}-image-cache`,
                  {
                      ...settings.imageCacheArgs,
                      // Fargate pulls the controller image with the pod execution role, the nodes' kubelet the
                      // disk agent's with the node role; the first pull of each imports it.
                      pullerRoleNames: [fargate.podExecutionRoleName, nodeRole.roleName],
                  },
                  { parent: this },
              )
            : undefined;
        const observability = settings.observability.enabled
            ? new Observability(
                  `${name}-observability`,
                  {
                      ...args.observability,
                      clusterName: base,
                      clusterNameOutput: clusterName,
                      tags,
                      interruptionQueue: queue !== undefined,
                      encryptLogs: settings.observability.encryptLogs,
                      settingPrefix: "Environment.observability",
                      windowsNodes,
                      kmsKeyArn: cluster.kmsKeyArn,
                      podExecutionRoleName: fargate.podExecutionRoleName,
                      nodeRoleName: nodeRole.roleName,
                      diskAgentImage: imageCache?.imageOf(CLOUDWATCH_AGENT_IMAGE_PATH),
                      // Its first pull through the cache needs the rule and the node role's import rights.
                      diskAgentDependsOn: imageCache ? [imageCache] : [],
                      // The configured name: an alarm needs no queue to exist, so it need not wait for it.
                      interruptionQueueName: queue ? queueName : undefined,
                      ...scope,
                  },
                  { parent: this, providers: { kubernetes: provider } },
              )
            : undefined;
        podIdentityAssociations(`${name}-pod-identity`, { ...settings.podIdentityArgs, clusterName }, { parent: this });

        const karpenter = new Karpenter(
            `${name}-karpenter`,
            {
                ...k,
                podLabels,
                clusterName,
                clusterEndpoint: cluster.endpoint,
                region: scope.region,
                controllerRoleArn: controllerRole.roleArn,
                interruptionQueueName: queue?.queueName,
                imageRepository: k.imageRepository ?? imageCache?.karpenterImageRepository,
                isolatedVpc: k.isolatedVpc ?? settings.privateCluster,
            },
            { parent: this, providers: { kubernetes: provider } },
            // Also the endpoints and the image cache: without them a private cluster's controller cannot start.
            // And the log routing: Fargate's router reads its ConfigMap once, when the pod starts.
            {
                controllerDependsOn: [
                    fargate,
                    controllerRole,
                    nodeRole,
                    ...[windowsNodeRole, queue, endpoints, imageCache].filter((r) => r !== undefined),
                    ...(observability?.logRouting ?? []),
                ],
            },
        );

        // CoreDNS on Karpenter waits for the NodePools, which are created after the add-ons they wait for.
        let nodesCreated!: (nodes: KarpenterNodes) => void;
        const nodesPromise = new Promise<KarpenterNodes>((resolve) => (nodesCreated = resolve));
        const addons = new ClusterAddons(
            `${name}-addons`,
            {
                ...addonsArgs,
                kubernetesVersion: settings.cluster.kubernetesVersion,
                clusterName,
                configuredClusterName: base,
                ...scope,
                oidcProviderArn: cluster.oidcProviderArn,
                oidcIssuerUrl: cluster.oidcIssuerUrl,
                roleNames: { "aws-ebs-csi-driver": iamName("ebs-csi") },
                nodesReady: [karpenter, nodesPromise],
                fargateProfile: fargate,
            },
            { parent: this, providers: { kubernetes: provider } },
        );

        // Account-wide: EC2 launches Spot instances with it. The pools wait for it, so the first Spot
        // launch finds it (and on destroy they and their nodes go first).
        const spotRole = createSpotServiceLinkedRole
            ? new aws.iam.ServiceLinkedRole(
                  `${name}-spot-service-linked-role`,
                  { awsServiceName: SPOT_SERVICE_LINKED_ROLE.awsServiceName, tags },
                  { parent: this },
              )
            : undefined;

        // After the release, the EBS CSI driver and the Spot role, so that on destroy they go first: every node drains
        // while the controller can still terminate it and the driver can still detach its volumes.
        const nodes = new KarpenterNodes(
            `${name}-nodes`,
            {
                ...settings.nodeSettings,
                clusterName,
                ...(createInstanceProfile
                    ? { instanceProfile: nodeRole.instanceProfileName as pulumi.Output<string> }
                    : { role: nodeRole.roleName }),
                ...(windowsNodeRole === undefined
                    ? {}
                    : createInstanceProfile
                      ? { windowsInstanceProfile: windowsNodeRole.instanceProfileName as pulumi.Output<string> }
                      : { windowsRole: windowsNodeRole.roleName }),
                tags,
            },
            {
                parent: this,
                providers: { kubernetes: provider },
                dependsOn: [karpenter, ...addons.beforeNodes, ...(spotRole ? [spotRole] : [])],
            },
        );
        nodesCreated(nodes);

        // GPU nodes of AL2023 pools advertise nvidia.com/gpu (and so become initialized) only through it. A
        // DaemonSet: its pods follow the GPU nodes whenever they come.
        if (nvidiaDevicePlugin) {
            new k8s.helm.v3.Release(nvidiaDevicePlugin.name, nvidiaDevicePlugin.inputs, { parent: this, provider });
        }

        const workloadNamespaces = new WorkloadNamespaces(`${name}-namespaces`, namespacesArgs, {
            parent: this,
            providers: { kubernetes: provider },
        });
        const budget = budgetArgs
            ? new CostBudget(
                  `${name}-budget`,
                  { ...budgetArgs, alertsTopicArn: settings.budgetAlerts ? observability?.alertsTopicArn : undefined },
                  { parent: this },
              )
            : undefined;

        environmentPartsOf.set(this, { cluster, karpenter, addons, guardrailOptions: settings.guardrails, planned: settings.descriptions });
        this.clusterName = clusterName;
        this.clusterEndpoint = cluster.endpoint;
        this.kubeconfig = cluster.kubeconfig;
        this.controllerRoleArn = controllerRole.roleArn;
        this.nodeRoleName = nodeRole.roleName;
        this.nodeRoleArn = nodeRole.roleArn;
        this.interruptionQueueName = queue ? queue.queueName : pulumi.output(undefined);
        this.karpenterNamespace = karpenter.namespace;
        this.addonVersions = addons.addonVersions;
        this.workloadNamespaces = workloadNamespaces.namespaceNames;
        this.budgetName = budget ? budget.budgetName : pulumi.output(undefined);
        this.nodePoolLimits = pulumi.output(nodePoolLimits);
        this.registerOutputs({
            clusterName: this.clusterName,
            clusterEndpoint: this.clusterEndpoint,
            kubeconfig: this.kubeconfig,
            controllerRoleArn: this.controllerRoleArn,
            nodeRoleName: this.nodeRoleName,
            nodeRoleArn: this.nodeRoleArn,
            interruptionQueueName: this.interruptionQueueName,
            karpenterNamespace: this.karpenterNamespace,
            addonVersions: this.addonVersions,
            workloadNamespaces: this.workloadNamespaces,
            budgetName: this.budgetName,
            nodePoolLimits: this.nodePoolLimits,
        });
    }
}
