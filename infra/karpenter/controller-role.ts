import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { ResourceDescription, TYPES } from "../guardrails";
import { IrsaRole, planIrsaRole } from "../iam/irsa";
import { AwsScopeArgs, MANAGED_POLICY_MAX_CHARS, policySize } from "../iam/policy";
import { KarpenterVersion } from "../model/karpenter-versions";
import { knownAfterDeployment, knownString } from "../plan";
import { controllerPolicies, controllerPolicyNames } from "./controller-policy";

export interface KarpenterControllerRoleArgs extends AwsScopeArgs {
    /**
     * Cluster name the policies are scoped to. Pass the configured name (a plain string) rather than the
     * cluster's output: the policies then need not wait for the cluster.
     */
    clusterName: pulumi.Input<string>;
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuerUrl: pulumi.Input<string>;
    /** Namespace and service account of the controller: the only identity that may assume the role. */
    namespace: pulumi.Input<string>;
    serviceAccount: pulumi.Input<string>;
    /** Physical role name (at most 64 characters); also the prefix of its policies' names. */
    roleName: pulumi.Input<string>;
    nodeRoleArn: pulumi.Input<string>;
    /** ARN of the Windows node role, which the controller may pass as well. @default none: no Windows nodes */
    windowsNodeRoleArn?: pulumi.Input<string>;
    /** The Karpenter version whose reference policy the role gets (KARPENTER_VERSIONS). */
    karpenterVersion: KarpenterVersion;
    /** Queue ARN; without it the role gets no SQS permission. */
    interruptionQueueArn?: pulumi.Input<string>;
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The controller role's plan: the IRSA role and, per policy its version splits the reference into (the
 * queue's only with a queue), the managed policy and its attachment, by the names the component registers
 * them under. A policy is named after the role: known when the role's name is.
 */
export function planKarpenterControllerRole(name: string, args: KarpenterControllerRoleArgs) {
    // The IRSA role registers its role under the controller role's name.
    const irsa = planIrsaRole(name, {
        oidcProviderArn: args.oidcProviderArn,
        oidcIssuerUrl: args.oidcIssuerUrl,
        namespace: args.namespace,
        serviceAccount: args.serviceAccount,
        roleName: args.roleName,
        tags: args.tags,
    });
    const roleName = knownString(args.roleName);
    const policies = controllerPolicyNames(args.karpenterVersion, args.interruptionQueueArn !== undefined).map((policyName) => ({
        type: TYPES.iamPolicy,
        name: `${name}-${policyName}`,
        policyName,
        inputs: {
            name: roleName !== undefined ? `${roleName}-${policyName}` : knownAfterDeployment<string>(),
            description: `Karpenter controller: ${policyName}`,
            tags: args.tags,
        } satisfies Omit<aws.iam.PolicyArgs, "policy">,
    }));
    const attachments = policies.map((p) => ({ type: TYPES.rolePolicyAttachment, name: p.name, inputs: {} }));
    return { settings: args, irsa, policies, descriptions: [...irsa.descriptions, ...policies, ...attachments] as ResourceDescription[] };
}

/** The Karpenter controller's IRSA role and its managed policies (its version's reference, split under IAM's size limit). */
export class KarpenterControllerRole extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;
    public readonly policyArns: pulumi.Output<string>[];

    constructor(name: string, args: KarpenterControllerRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planKarpenterControllerRole(name, args);
        super(componentType("KarpenterControllerRole"), name, {}, componentOptions("KarpenterControllerRole", opts));
        const role = new IrsaRole(plan.irsa.role.name, plan.irsa.settings, { parent: this });
        const documents = pulumi
            .all([
                args.partition,
                args.region,
                args.accountId,
                args.dnsSuffix,
                args.clusterName,
                args.nodeRoleArn,
                args.interruptionQueueArn,
                args.windowsNodeRoleArn,
            ])
            .apply(([partition, region, accountId, dnsSuffix, clusterName, nodeRoleArn, interruptionQueueArn, windowsNodeRoleArn]) => {
                const policies = controllerPolicies(args.karpenterVersion, {
                    partition,
                    region,
                    accountId,
                    dnsSuffix,
                    clusterName,
                    nodeRoleArn,
                    windowsNodeRoleArn,
                    interruptionQueueArn,
                });
                for (const p of policies) {
                    const size = policySize(p.document);
                    if (size > MANAGED_POLICY_MAX_CHARS) {
                        throw new Error(
                            `Karpenter controller policy ${p.name} is ${size} characters; IAM allows ${MANAGED_POLICY_MAX_CHARS}`,
                        );
                    }
                }
                return Object.fromEntries(policies.map((p) => [p.name, JSON.stringify(p.document)]));
            });
        this.policyArns = plan.policies.map((p) => {
            const policy = new aws.iam.Policy(
                p.name,
                {
                    ...p.inputs,
                    name: pulumi.interpolate`${args.roleName}-${p.policyName}`,
                    policy: documents.apply((d) => d[p.policyName]),
                },
                { parent: this },
            );
            new aws.iam.RolePolicyAttachment(p.name, { role: role.roleName, policyArn: policy.arn }, { parent: this });
            return policy.arn;
        });
        this.roleArn = role.roleArn;
        this.roleName = role.roleName;
        this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName });
    }
}
