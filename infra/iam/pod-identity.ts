import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { check } from "../errors";
import { ResourceDescription, TYPES } from "../guardrails";
import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from "../model/names";

/** An EKS Pod Identity association: the pods of one service account receive one IAM role's credentials. */
export interface PodIdentityAssociation {
    /** Namespace of the service account. */
    namespace: string;
    /** Name of the service account. */
    serviceAccount: string;
    /** ARN of the role (trusted by `pods.eks.amazonaws.com`) the pods receive. */
    roleArn: pulumi.Input<string>;
}

export interface PodIdentityAssociationsArgs {
    /** The cluster's name (its resource's output, or UNKNOWN when planned before the cluster exists). */
    clusterName: pulumi.Input<string>;
    /** The associations. @default [] */
    associations?: readonly PodIdentityAssociation[];
    /**
     * Service accounts (`namespace/name`) an add-on binds to its own role, by add-on: none may have an
     * association too (an association takes precedence over the add-on's IRSA role). @default {}
     */
    addonServiceAccounts?: Record<string, string>;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[\w+=,.@/-]{1,512}$/;

/**
 * The user's Pod Identity associations: well-formed, one per service account, none for a service account
 * an add-on binds to its own role. Those whose pods run on Fargate are the guardrail no-pod-identity-on-fargate's.
 * One report per fault: these config errors stop the program before the guardrails run, so
 * unique-physical-identity (which also sees two associations of one service account) and
 * no-pod-identity-on-fargate (the EBS CSI controller's account is on Fargate too) never report the same
 * association again in other words.
 */
function checkPodIdentityAssociations(associations: readonly PodIdentityAssociation[], addonAccounts: Record<string, string>): void {
    const seen = new Set<string>();
    associations.forEach((a, i) => {
        const at = `Environment.podIdentityAssociations[${i}]`;
        check(typeof a.namespace === "string" && DNS1123_LABEL.test(a.namespace), `${at}.namespace`, a.namespace, "a namespace name (a DNS-1123 label)");
        check(typeof a.serviceAccount === "string" && DNS1123_SUBDOMAIN.test(a.serviceAccount), `${at}.serviceAccount`, a.serviceAccount, "a service account name (a DNS-1123 subdomain)");
        check(typeof a.roleArn !== "string" || ROLE_ARN.test(a.roleArn), `${at}.roleArn`, a.roleArn, "an IAM role ARN such as arn:aws:iam::123456789012:role/my-role");
        const account = `${a.namespace}/${a.serviceAccount}`;
        check(addonAccounts[account] === undefined, `${at}.serviceAccount`, account, `a service account no add-on binds: the ${addonAccounts[account]} add-on binds it to its own role`);
        check(!seen.has(account), `${at}.serviceAccount`, account, "one association per service account (EKS refuses a second)");
        seen.add(account);
    });
}

/**
 * The associations checked, one per service account, named `<name>-<namespace>-<serviceAccount>`: what
 * `podIdentityAssociations` registers, and what the guardrails check before anything is registered
 * (none may target a service account whose pods run on Fargate, such as the Karpenter controller's).
 */
export function planPodIdentityAssociations(name: string, args: PodIdentityAssociationsArgs) {
    const associations = args.associations ?? [];
    checkPodIdentityAssociations(associations, args.addonServiceAccounts ?? {});
    const descriptions: ResourceDescription<aws.eks.PodIdentityAssociationArgs>[] = associations.map((a) => ({
        type: TYPES.podIdentityAssociation,
        name: `${name}-${a.namespace}-${a.serviceAccount}`,
        inputs: { clusterName: args.clusterName, namespace: a.namespace, serviceAccount: a.serviceAccount, roleArn: a.roleArn },
    }));
    return { settings: { ...args, associations }, descriptions };
}

/** Creates the associations {@link planPodIdentityAssociations} plans, every one checked before the first is registered. */
export function podIdentityAssociations(name: string, args: PodIdentityAssociationsArgs, opts: pulumi.CustomResourceOptions): aws.eks.PodIdentityAssociation[] {
    return planPodIdentityAssociations(name, args).descriptions.map((d) => new aws.eks.PodIdentityAssociation(d.name, d.inputs, opts));
}
