import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Cluster, ClusterArgs } from "../cluster/cluster";
import { check } from "../errors";
import { GuardrailOptions } from "../guardrails";
import { enforceGuardrails } from "../guardrails/enforce";
import { physicalName } from "../iam/names";
import { PodIdentityAssociationArgs, describePodIdentityAssociations, podIdentityAssociations } from "../iam/pod-identity";
import { KarpenterControllerRole } from "../karpenter/controller-role";
import { KarpenterFargateProfile, describeKarpenterFargateProfile } from "../karpenter/fargate-profile";
import { InterruptionQueue } from "../karpenter/interruption";
import { Karpenter, KarpenterArgs, describeKarpenterRelease, resolveKarpenterArgs } from "../karpenter/karpenter";
import { NodeRole } from "../karpenter/node-role";

/** Karpenter settings of an environment: the controller chart's args less what the environment wires. */
export type EnvironmentKarpenterArgs = Omit<
    KarpenterArgs,
    "clusterName" | "clusterEndpoint" | "region" | "controllerRoleArn" | "interruptionQueueName" | "podLabels"
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
     * account is refused (guardrail no-pod-identity-on-fargate): it runs on Fargate, where Pod Identity
     * does not work.
     * @default []
     */
    podIdentityAssociations?: PodIdentityAssociationArgs[];
    /** Tags for every AWS resource. */
    tags?: Record<string, string>;
    /**
     * Thresholds of the guardrails (docs/guardrails.md). The Karpenter controller's service account is
     * always among `fargateServiceAccounts`. @default the guardrails' defaults
     */
    guardrails?: Partial<GuardrailOptions>;
}

export const DEFAULT_FARGATE_POD_LABELS = { "eks-karpenter.io/compute": "fargate" };

/** Stands in, in what the guardrails check, for a value only deployment knows (a name, ARN or endpoint). */
const KNOWN_AFTER_DEPLOYMENT = "(known after deployment)";

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
        super("eks-karpenter:index:Environment", name, {}, opts);
        const tags = { ...(args.tags ?? {}), ...(args.cluster.tags ?? {}) };
        const k = args.karpenter ?? {};
        const podLabels = k.podLabels ?? DEFAULT_FARGATE_POD_LABELS;
        const interruptionHandling = k.interruptionHandling ?? true;
        // Validate everything before the first resource is registered.
        const karpenterSettings = resolveKarpenterArgs({
            ...k,
            podLabels,
            clusterName: KNOWN_AFTER_DEPLOYMENT,
            clusterEndpoint: KNOWN_AFTER_DEPLOYMENT,
            region: KNOWN_AFTER_DEPLOYMENT,
            controllerRoleArn: KNOWN_AFTER_DEPLOYMENT,
            interruptionQueueName: interruptionHandling ? KNOWN_AFTER_DEPLOYMENT : undefined,
        });
        check(
            args.cluster.privateSubnetIds !== undefined,
            "Environment.cluster.privateSubnetIds",
            args.cluster.privateSubnetIds,
            "the private subnets of the cluster's VPC",
        );
        // The guardrails, over the descriptions the components below register from. They run on plain
        // data known while the program runs, so they hold in a preview where every Output is unknown.
        enforceGuardrails(
            [
                ...describePodIdentityAssociations(`${name}-pod-identity`, args.cluster.clusterName, args.podIdentityAssociations ?? []),
                describeKarpenterFargateProfile(`${name}-karpenter-fargate`, karpenterSettings.namespace, podLabels),
                describeKarpenterRelease(`${name}-karpenter`, karpenterSettings, karpenterSettings.namespace),
            ],
            {
                ...args.guardrails,
                fargateServiceAccounts: [
                    ...(args.guardrails?.fargateServiceAccounts ?? []),
                    `${karpenterSettings.namespace}/${karpenterSettings.serviceAccountName}`,
                ],
            },
        );

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
                clusterName,
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
            },
            {
                parent: this,
                providers: { kubernetes: this.cluster.provider },
                dependsOn: [fargate, controllerRole, nodeRole, ...(queue ? [queue] : [])],
            },
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
