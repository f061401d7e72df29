import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Cluster, ClusterArgs, resolveClusterArgs } from "../cluster/cluster";
import { check } from "../errors";
import { physicalName } from "../iam/names";
import { PodIdentityAssociationArgs, checkPodIdentityTargets, podIdentityAssociations } from "../iam/pod-identity";
import { KarpenterControllerRole } from "../karpenter/controller-role";
import { KarpenterFargateProfile } from "../karpenter/fargate-profile";
import { InterruptionQueue } from "../karpenter/interruption";
import { Karpenter, KarpenterArgs, resolveKarpenterArgs } from "../karpenter/karpenter";
import { NodeRole } from "../karpenter/node-role";

/** Karpenter settings of an environment: the controller chart's args less what the environment wires. */
export type EnvironmentKarpenterArgs = Omit<
    KarpenterArgs,
    "clusterName" | "clusterEndpoint" | "region" | "controllerRoleArn" | "interruptionQueueName" | "podLabels" | "controllerDependsOn"
> & {
    /** Spot interruption handling: an SQS queue fed by EventBridge rules. @default true */
    interruptionHandling?: boolean;
    /**
     * Labels on the controller's pods, selected by its Fargate profile.
     * @default { "eks-karpenter.io/compute": "fargate" }
     */
    podLabels?: Record<string, string>;
    /** Pre-create the node instance profile (private clusters with no IAM endpoint). @default false */
    createInstanceProfile?: boolean;
};

export interface EnvironmentArgs {
    /** The EKS cluster. */
    cluster: ClusterArgs;
    /** Karpenter's controller, roles and interruption queue. */
    karpenter?: EnvironmentKarpenterArgs;
    /**
     * EKS Pod Identity associations, for pods on EC2 nodes. One for the Karpenter controller's service
     * account is refused: it runs on Fargate, where Pod Identity does not work.
     * @default []
     */
    podIdentityAssociations?: PodIdentityAssociationArgs[];
    /** Tags for every AWS resource. */
    tags?: Record<string, string>;
}

export const DEFAULT_FARGATE_POD_LABELS = { "eks-karpenter.io/compute": "fargate" };

/** Checks every setting of an environment and applies its defaults; throws ConfigError naming the first bad one. */
export function resolveEnvironmentArgs(args: EnvironmentArgs) {
    check(args.cluster !== undefined, "Environment.cluster", args.cluster, "the cluster's settings");
    const cluster = resolveClusterArgs(args.cluster);
    check(
        args.cluster.privateSubnetIds !== undefined,
        "Environment.cluster.privateSubnetIds",
        args.cluster.privateSubnetIds,
        "the private subnets of the cluster's VPC",
    );
    const k = args.karpenter ?? {};
    const podLabels = k.podLabels ?? DEFAULT_FARGATE_POD_LABELS;
    // Wired values are placeholders here: only the user's settings are being checked.
    const karpenter = resolveKarpenterArgs({ ...k, podLabels, clusterName: "", clusterEndpoint: "", region: "", controllerRoleArn: "" });
    checkPodIdentityTargets("Environment.podIdentityAssociations", args.podIdentityAssociations ?? [], [
        { namespace: karpenter.namespace, serviceAccount: karpenter.serviceAccountName },
    ]);
    return {
        cluster,
        karpenter,
        podLabels,
        interruptionHandling: k.interruptionHandling ?? true,
        tags: { ...(args.tags ?? {}), ...(args.cluster.tags ?? {}) },
    };
}

/**
 * A whole environment: the EKS cluster, the Karpenter controller on Fargate with its IRSA role, the
 * node role and its access entry, and the interruption queue. Stacks compose this from config.
 */
export class Environment extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    public readonly clusterEndpoint: pulumi.Output<string>;
    /** Kubeconfig (JSON), a secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly controllerRoleArn: pulumi.Output<string>;
    public readonly nodeRoleName: pulumi.Output<string>;
    public readonly nodeRoleArn: pulumi.Output<string>;
    /** Interruption queue name; undefined when interruption handling is off. */
    public readonly interruptionQueueName: pulumi.Output<string | undefined>;
    public readonly karpenterNamespace: pulumi.Output<string>;
    /** The cluster: its Kubernetes provider is `cluster.provider`. */
    public readonly cluster: Cluster;
    /** The Karpenter release; depend on it for NodePools and EC2NodeClasses. */
    public readonly karpenter: Karpenter;

    constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        // Every setting is checked before the first registration, so a typo stops the preview with
        // nothing created (a later throw would leave resources already sent to the engine).
        const settings = resolveEnvironmentArgs(args);
        super("eks-karpenter:index:Environment", name, {}, opts);
        const { tags, karpenter: karpenterSettings, podLabels } = settings;
        const k = args.karpenter ?? {};
        const interruptionHandling = settings.interruptionHandling;

        const scope = {
            partition: aws.getPartitionOutput({}, { parent: this }),
            region: aws.getRegionOutput({}, { parent: this }).region,
            accountId: aws.getCallerIdentityOutput({}, { parent: this }).accountId,
        };
        const partition = scope.partition.partition;
        const dnsSuffix = scope.partition.dnsSuffix;

        this.cluster = new Cluster(`${name}-cluster`, { ...args.cluster, tags }, { parent: this });
        const clusterName = this.cluster.clusterName;

        // The suffix keeps account-wide names unique (two environments, one account) and stable.
        const suffix = new random.RandomString(
            `${name}-suffix`,
            { length: 6, special: false, upper: false },
            { parent: this },
        ).result;
        const base = args.cluster.clusterName;
        const iamName = (purpose: string) => suffix.apply((s) => physicalName(base, purpose, s, 64));

        const nodeRole = new NodeRole(
            `${name}-node-role`,
            {
                clusterName,
                roleName: iamName("karpenter-node"),
                partition,
                dnsSuffix,
                createInstanceProfile: k.createInstanceProfile ?? false,
                tags,
            },
            { parent: this },
        );
        const queue = interruptionHandling
            ? new InterruptionQueue(
                  `${name}-interruption`,
                  { queueName: suffix.apply((s) => physicalName(base, "karpenter", s, 80)), dnsSuffix, tags },
                  { parent: this },
              )
            : undefined;
        const controllerRole = new KarpenterControllerRole(
            `${name}-controller-role`,
            {
                // The configured name: the policies need no value of the cluster, so they need not wait for it.
                clusterName: base,
                oidcProviderArn: this.cluster.oidcProviderArn,
                oidcIssuerUrl: this.cluster.oidcIssuerUrl,
                namespace: karpenterSettings.namespace,
                serviceAccount: karpenterSettings.serviceAccountName,
                roleName: iamName("karpenter"),
                nodeRoleArn: nodeRole.roleArn,
                interruptionQueueArn: queue?.queueArn,
                partition,
                region: scope.region,
                accountId: scope.accountId,
                dnsSuffix,
                tags,
            },
            { parent: this },
        );
        const fargate = new KarpenterFargateProfile(
            `${name}-karpenter-fargate`,
            {
                clusterName,
                configuredClusterName: base,
                subnetIds: args.cluster.privateSubnetIds,
                namespace: karpenterSettings.namespace,
                podLabels,
                podExecutionRoleName: iamName("fargate"),
                partition,
                region: scope.region,
                accountId: scope.accountId,
                dnsSuffix,
                tags,
            },
            { parent: this },
        );
        podIdentityAssociations(`${name}-pod-identity`, clusterName, args.podIdentityAssociations ?? [], { parent: this });

        this.karpenter = new Karpenter(
            `${name}-karpenter`,
            {
                ...k,
                podLabels,
                clusterName,
                clusterEndpoint: this.cluster.endpoint,
                region: scope.region,
                controllerRoleArn: controllerRole.roleArn,
                interruptionQueueName: queue?.queueName,
                controllerDependsOn: [fargate, controllerRole, nodeRole, ...(queue ? [queue] : [])],
            },
            { parent: this, providers: { kubernetes: this.cluster.provider } },
        );

        this.clusterName = clusterName;
        this.clusterEndpoint = this.cluster.endpoint;
        this.kubeconfig = this.cluster.kubeconfig;
        this.controllerRoleArn = controllerRole.roleArn;
        this.nodeRoleName = nodeRole.roleName;
        this.nodeRoleArn = nodeRole.roleArn;
        this.interruptionQueueName = queue ? queue.queueName : pulumi.output(undefined);
        this.karpenterNamespace = this.karpenter.namespace;
        this.registerOutputs({
            clusterName: this.clusterName,
            clusterEndpoint: this.clusterEndpoint,
            kubeconfig: this.kubeconfig,
            controllerRoleArn: this.controllerRoleArn,
            nodeRoleName: this.nodeRoleName,
            nodeRoleArn: this.nodeRoleArn,
            interruptionQueueName: this.interruptionQueueName,
            karpenterNamespace: this.karpenterNamespace,
        });
    }
}
