import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ResourceDescription, TYPES } from "../guardrails";

/** An EKS Pod Identity association: the pods of one service account receive one IAM role's credentials. */
export interface PodIdentityAssociation {
    /** Namespace of the service account. */
    namespace: string;
    /** Name of the service account. */
    serviceAccount: string;
    /** ARN of the role (trusted by `pods.eks.amazonaws.com`) the pods receive. */
    roleArn: pulumi.Input<string>;
}

/**
 * The associations, one per service account, named `<name>-<namespace>-<serviceAccount>`: what
 * `podIdentityAssociations` registers, and what the guardrails check before anything is registered
 * (none may target a service account whose pods run on Fargate, such as the Karpenter controller's).
 */
export function describePodIdentityAssociations(
    name: string,
    clusterName: pulumi.Input<string>,
    associations: readonly PodIdentityAssociation[],
): ResourceDescription<aws.eks.PodIdentityAssociationArgs>[] {
    return associations.map((a) => ({
        type: TYPES.podIdentityAssociation,
        name: `${name}-${a.namespace}-${a.serviceAccount}`,
        inputs: { clusterName, namespace: a.namespace, serviceAccount: a.serviceAccount, roleArn: a.roleArn },
    }));
}

/** Creates the associations {@link describePodIdentityAssociations} describes. */
export function podIdentityAssociations(
    name: string,
    clusterName: pulumi.Input<string>,
    associations: readonly PodIdentityAssociation[],
    opts: pulumi.CustomResourceOptions,
): aws.eks.PodIdentityAssociation[] {
    return describePodIdentityAssociations(name, clusterName, associations).map(
        (d) => new aws.eks.PodIdentityAssociation(d.name, d.inputs, opts),
    );
}
