import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { ResourceDescription, TYPES } from "../guardrails";
import { AwsScope, AwsScopeArgs, managedPolicyArn, policyDocument } from "../iam/policy";

/** Trust policy of the Fargate pod execution role, limited to this cluster's Fargate profiles. */
export function podExecutionTrustPolicy(scope: AwsScope, clusterName: string): aws.iam.PolicyDocument {
    return policyDocument([
        {
            Sid: "AllowFargatePods",
            Effect: "Allow",
            Principal: { Service: `eks-fargate-pods.${scope.dnsSuffix}` },
            Action: "sts:AssumeRole",
            Condition: {
                ArnLike: {
                    "aws:SourceArn": `arn:${scope.partition}:eks:${scope.region}:${scope.accountId}:fargateprofile/${clusterName}/*`,
                },
            },
        },
    ]);
}

/** Pods a Fargate profile selects: a namespace and the labels they carry. */
export interface FargateSelector {
    namespace: pulumi.Input<string>;
    labels: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface KarpenterFargateProfileArgs extends AwsScopeArgs {
    /** The cluster's name as its resource outputs it: the profile is created once the cluster exists. */
    clusterName: pulumi.Input<string>;
    /**
     * The physical cluster name as configured, a plain string. It scopes the pod execution role's trust,
     * so the role is created alongside the cluster instead of after it.
     */
    configuredClusterName: string;
    /** Private subnets only: Fargate pods get no public IP. */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Namespace of the Karpenter controller. */
    namespace: pulumi.Input<string>;
    /** Labels the controller's pods carry; the chart's `podLabels` are set from the same value. */
    podLabels: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Other pods the profile runs (CoreDNS's, when it is placed on Fargate). One profile for all: EKS creates
     * and deletes one Fargate profile at a time per cluster, so a second profile would wait for the first on
     * every `up` and `destroy`. @default []
     */
    additionalSelectors?: FargateSelector[];
    /** Physical name of the pod execution role (at most 64 characters). */
    podExecutionRoleName: pulumi.Input<string>;
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The profile's plan: its name and selectors (the controller's namespace and pod labels first, then the
 * others'), what the component registers and what the guardrails check before anything is registered.
 */
export function planKarpenterFargateProfile(name: string, args: KarpenterFargateProfileArgs) {
    const settings = { ...args, additionalSelectors: args.additionalSelectors ?? [] };
    const profile = {
        type: TYPES.fargateProfile,
        name,
        inputs: {
            fargateProfileName: "karpenter",
            selectors: [{ namespace: args.namespace, labels: args.podLabels }, ...settings.additionalSelectors],
            clusterName: args.clusterName,
            subnetIds: args.subnetIds,
            tags: args.tags,
        },
    } satisfies ResourceDescription<Omit<aws.eks.FargateProfileArgs, "podExecutionRoleArn">>;
    return { settings, profile, descriptions: [profile] as ResourceDescription[] };
}

/**
 * The cluster's Fargate profile: it runs the Karpenter controller (its namespace and pod labels, so the
 * controller never runs on nodes it manages) and whatever else `additionalSelectors` names (CoreDNS).
 */
export class KarpenterFargateProfile extends pulumi.ComponentResource {
    public readonly profileName: pulumi.Output<string>;
    public readonly podExecutionRoleArn: pulumi.Output<string>;
    public readonly podExecutionRoleName: pulumi.Output<string>;

    constructor(name: string, args: KarpenterFargateProfileArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planKarpenterFargateProfile(name, args);
        super(componentType("KarpenterFargateProfile"), name, {}, componentOptions("KarpenterFargateProfile", opts));
        const role = new aws.iam.Role(
            `${name}-pod-execution`,
            {
                name: args.podExecutionRoleName,
                assumeRolePolicy: pulumi
                    .all([args.partition, args.region, args.accountId, args.dnsSuffix])
                    .apply(([partition, region, accountId, dnsSuffix]) =>
                        JSON.stringify(podExecutionTrustPolicy({ partition, region, accountId, dnsSuffix }, args.configuredClusterName)),
                    ),
                tags: args.tags,
            },
            { parent: this },
        );
        const attachment = new aws.iam.RolePolicyAttachment(
            `${name}-pod-execution`,
            {
                role: role.name,
                policyArn: pulumi
                    .output(args.partition)
                    .apply((p) => managedPolicyArn(p, "AmazonEKSFargatePodExecutionRolePolicy")),
            },
            { parent: this },
        );
        const profile = new aws.eks.FargateProfile(
            plan.profile.name,
            { ...plan.profile.inputs, podExecutionRoleArn: role.arn },
            // Every input replaces a profile, and its name is fixed: the old one must go before the new one comes.
            { parent: this, dependsOn: [attachment], deleteBeforeReplace: true },
        );
        this.profileName = profile.fargateProfileName;
        this.podExecutionRoleArn = role.arn;
        this.podExecutionRoleName = role.name;
        this.registerOutputs({
            profileName: this.profileName,
            podExecutionRoleArn: this.podExecutionRoleArn,
            podExecutionRoleName: this.podExecutionRoleName,
        });
    }
}
