/**
 * The config of a stack (`eks-karpenter:<key>` in Pulumi.<stack>.yaml), described once: each key's type,
 * doc comment and `@default` (dev / prod). From these interfaces `npm run docs` generates the JSON Schema the
 * config is validated with (stacks/config.schema.json) and the README's configuration table; tests fail when
 * either is stale. Types and shapes only: ranges and cross-field rules live in the components, whose errors
 * name these keys too. A section's interface here is one level of keys (`network.cidrBlock`); a component's
 * type (`ExistingVpc`) is one key whose value has that type's fields.
 */
import type { CostBudgetSettings } from "../infra/addons/budget";
import type { AddonSettings } from "../infra/addons/cluster-addons";
import type { WorkloadNamespace } from "../infra/addons/namespaces";
import type { ClusterLogType, ClusterSettings } from "../infra/cluster/cluster";
import type { PodIdentityAssociation } from "../infra/iam/pod-identity";
import type { KarpenterLogLevel, KarpenterResources, KarpenterSettings } from "../infra/karpenter/karpenter";
import type { NetworkSettings } from "../infra/network/network";
import type { AmiFamily, DataVolume, EbsVolume, NodeClassSettings } from "../infra/nodes/ec2-node-class";
import type { NodePoolSettings } from "../infra/nodes/node-pool";
import type { DevicePluginImage } from "../infra/nodes/nvidia-device-plugin";
import type { ObservabilitySettings } from "../infra/observability/plan";

/**
 * The config of a dev or prod stack. The cluster's access and upgrade keys are ClusterSettings' own, as
 * documented there.
 */
export interface StackConfig extends Pick<
    ClusterSettings,
    "bootstrapClusterCreatorAdminPermissions" | "supportType" | "accessEntries" | "deployerCidrs" | "deployerSecurityGroupIds"
> {
    /**
     * 1–100 letters, digits, `-`, `_`. Names tag conditions in IAM, discovery tags.
     * @default required
     */
    clusterName: string;
    /**
     * `1.NN`, within the Karpenter version's support (its compatibility matrix); checked with
     * `karpenter.version` and with a pinned `addons.versions.kube-proxy` (its build must be the cluster's
     * minor). Past standard support a version is in EKS extended support (6× the control-plane price): see
     * [Kubernetes versions](#kubernetes-versions) and [Upgrades](#upgrades).
     * @default `1.35`
     */
    kubernetesVersion?: string;
    /** The VPC: created, or adopted with `existingVpc`. */
    network?: NetworkConfig;
    /**
     * No internet route; VPC endpoints, image through a pull-through cache, node instance profile made in
     * advance, Karpenter `isolatedVPC`. See [Private clusters](#private-clusters).
     * @default `false` / `true` (fixed)
     */
    privateCluster?: boolean;
    /** VPC endpoints of the cluster's AWS APIs. */
    endpoints?: EndpointsConfig;
    /** ECR pull-through cache of ECR Public for the controller image. */
    imageCache?: ImageCacheConfig;
    /** Prod refuses `true`. @default `true` / `false` (fixed) */
    endpointPublicAccess?: boolean;
    /**
     * Only with a public endpoint, at least one CIDR. Dev's endpoint is public by default but never open by
     * default: the stack file lists who may reach it (dev's file writes `0.0.0.0/0` on purpose; narrow it to
     * your office or CI egress), or sets `endpointPublicAccess: false`.
     * @default required when public
     */
    publicAccessCidrs?: string[];
    /** Prod requires `audit`. @default `[]` / `api, audit, authenticator` */
    clusterLogTypes?: ClusterLogType[];
    /** A customer-managed KMS key with rotation. @default `false` / `true` (fixed) */
    secretsEncryption?: boolean;
    /**
     * Pulumi `protect` on every resource of the environment (inherited from the Environment component), plus
     * EKS deletion protection on the cluster. See [tearing prod down](#running-it-against-aws).
     * @default `false` / `true` (fixed)
     */
    protect?: boolean;
    /** Karpenter's controller. */
    karpenter?: KarpenterConfig;
    /** Logs, alarms and alerts of the cluster and its controller: see the Observability section. */
    observability?: ObservabilitySettings;
    /** The default EC2NodeClass and NodePools. */
    nodes?: NodesConfig;
    /** EKS add-ons, the default StorageClass and workload namespaces: see [Add-ons](#cluster-add-ons-and-cost-controls). */
    addons?: AddonsConfig;
    /** A monthly cost budget with notifications, named after the cluster: see [Cost controls](#cost-controls). @default none */
    budget?: CostBudgetSettings;
    /**
     * For pods on EC2 nodes; one for a service account on Fargate or bound by an add-on is refused.
     * @default `[]`
     */
    podIdentityAssociations?: PodIdentityAssociation[];
    /** Added to every AWS resource; at most 40, no `aws:` keys. @default `environment`, `managed-by` */
    tags?: Record<string, string>;
}

/** `network.*`: the VPC, created or adopted: NetworkSettings' keys but its region (the stack's `aws:region`). */
export interface NetworkConfig extends Pick<
    NetworkSettings,
    | "existingVpc"
    | "cidrBlock"
    | "zoneCount"
    | "availabilityZones"
    | "publicSubnets"
    | "natGateways"
    | "privateSubnetCidrs"
    | "publicSubnetCidrs"
> {}

/** `endpoints.*`: VPC endpoints. */
export interface EndpointsConfig {
    /** Interface endpoints cost per zone-hour: dev has none unless asked. @default `privateCluster` */
    enabled?: boolean;
    /** Endpoints beyond the required set, by service name (`logs`, `elasticloadbalancing`, ...). @default `[]` */
    additionalEndpoints?: string[];
}

/** `imageCache.*`: the pull-through cache of ECR Public images (the controller's and the node-disk agent's). */
export interface ImageCacheConfig {
    /**
     * Create the cache and pull the controller image (unless `karpenter.imageRepository` names a mirror) and the
     * node-disk agent's through it. A private cluster without it must set `observability.nodeDisks.enabled: false`.
     * @default `privateCluster`
     */
    enabled?: boolean;
    /** Prefix of the cache's repositories. @default `ecr-public` */
    repositoryPrefix?: string;
    /** Create the account-wide cache rule (false where another stack made it). @default `true` */
    createRule?: boolean;
}

/** `karpenter.*`: the controller; its namespace and service account are KarpenterSettings' own, as documented there. */
export interface KarpenterConfig extends Pick<KarpenterSettings, "namespace" | "serviceAccountName"> {
    /** Quantities above zero, at most 16 / `122624Mi` (Fargate's largest pod). @default `1` / `1Gi` (dev: `250m` / `768Mi`) */
    requests?: KarpenterResources;
    /** Must equal the requests (Guaranteed QoS). @default the requests */
    limits?: KarpenterResources;
    /** 1–10, spread across zones. @default `2` (dev: `1`) */
    replicas?: number;
    /** Dev's file turns it on. @default `false` */
    spotToSpotConsolidation?: boolean;
    /** SQS queue + EventBridge rules. @default `true` */
    interruptionHandling?: boolean;
    /** Set on the pods and selected by the Fargate profile. @default `eks-karpenter.io/compute: fargate` */
    podLabels?: Record<string, string>;
    /**
     * Each image setting applies on its own: a tag without a repository changes the public image's tag. See
     * [The images](#the-images-controller-device-plugin-disk-agent).
     * @default `public.ecr.aws/karpenter/controller`
     */
    imageRepository?: string;
    /** The controller image's tag. @default the chart's tag of `karpenter.version` */
    imageTag?: string;
    /** The pinned digest belongs to the pinned tag, so another tag without `imageDigest` is pulled by tag alone. @default that tag's digest */
    imageDigest?: string;
    /** The controller's log level. @default `info` */
    logLevel?: KarpenterLogLevel;
    /**
     * EC2's account-wide `AWSServiceRoleForEC2Spot`; set `false` where the account has it. See [The Spot
     * service-linked role](#the-spot-service-linked-role).
     * @default `true` when some NodePool allows Spot (both stacks' pools do)
     */
    createSpotServiceLinkedRole?: boolean;
    /**
     * Node auto repair (the chart's `settings.featureGates.nodeRepair`, alpha in Karpenter 1.9): a node whose
     * health conditions stay bad past their toleration is replaced without draining.
     * @default `false`
     */
    nodeRepair?: boolean;
    /**
     * The Karpenter minor (`"1.9"`, `"1.14"`): its charts, controller image and digest, reference IAM policy,
     * interruption rules and supported Kubernetes versions come from its table
     * (`infra/model/karpenter-versions.ts`). See [Upgrades](#upgrades).
     * @default `"1.9"`
     */
    version?: string;
}

/** `nodes.*`: the default EC2NodeClass and NodePools. */
export interface NodesConfig {
    /** 10–90 in steps of 10: Spot/On-Demand split over a `capacity-spread` label. @default no split / `70` in prod's file */
    spotPercent?: number;
    /**
     * The tainted GPU pool, and with AL2023 NVIDIA's device plugin (see [Nodes](#nodes-ec2nodeclasses-and-nodepools)).
     * In a private cluster (prod) an AL2023 GPU pool needs `nodes.devicePluginImage`: see [GPU nodes in a
     * private cluster](#gpu-nodes-in-a-private-cluster).
     * @default `false` / `false` (opt-in)
     */
    gpu?: boolean;
    /**
     * NVIDIA's device plugin image (the chart's `image.repository`, `image.tag`), for AL2023 GPU pools. A
     * private cluster refuses, at preview, one that is not in a registry its VPC reaches (the controller
     * image's rule).
     * @default `nvcr.io/nvidia/k8s-device-plugin` / the pinned chart's appVersion
     */
    devicePluginImage?: DevicePluginImage;
    /** The AMI family of the default EC2NodeClass. @default `AL2023` */
    amiFamily?: AmiFamily;
    /** The AMI version (the alias's version). @default pinned */
    amiVersion?: string;
    /** gp3, encrypted; see [Nodes](#nodes-ec2nodeclasses-and-nodepools). @default 50 GiB */
    rootVolume?: EbsVolume;
    /** containerd's volume, at least 20 GiB ([why](#the-containerd-volume-on-al2023)). @default 200 GiB, 10000 IOPS, 500 MiB/s */
    dataVolume?: DataVolume;
    /**
     * EC2NodeClasses beside the `default` one (a class named `default` takes its place: `amiFamily`,
     * `amiVersion`, `rootVolume`, `dataVolume` then go there), each with the EC2NodeClass component's settings:
     * AMI family and version or `amiSelectorTerms`, subnet and security-group terms, `userData`, `kubelet`,
     * `imageGC`, volumes, tags, role. See [Team classes and pools](#team-classes-and-pools-from-the-stack-file).
     * @default `[]`
     */
    classes?: NodeClassSettings[];
    /**
     * NodePools beside the default ones, each with the NodePool component's settings (names and weights distinct
     * from the default pools'). See [Team classes and pools](#team-classes-and-pools-from-the-stack-file).
     * @default `[]` / both files: a `billing-team` pool
     */
    pools?: NodePoolSettings[];
    /** `false` drops the default pools: `pools` is then required and `spotPercent`, `gpu` are refused. @default `true` */
    defaultPools?: boolean;
}

/** `addons.*`: the add-on choices components take (versions, CoreDNS, the StorageClass), and the workload namespaces. */
export interface AddonsConfig extends AddonSettings {
    /** Namespaces for workloads, each with a LimitRange and an optional ResourceQuota. @default `[]` */
    namespaces?: WorkloadNamespace[];
}
