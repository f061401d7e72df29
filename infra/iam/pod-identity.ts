import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../errors";

/** A service account that must authenticate with IRSA because its pods run on Fargate. */
export interface FargateServiceAccount {
    namespace: string;
    serviceAccount: string;
}

export interface PodIdentityAssociationArgs {
    /** Namespace of the service account. */
    namespace: string;
    /** Name of the service account. */
    serviceAccount: string;
    /** ARN of the role (trusted by `pods.eks.amazonaws.com`) the pods receive. */
    roleArn: pulumi.Input<string>;
}

/**
 * Refuses a Pod Identity association for a service account whose pods run on Fargate. Pod Identity's
 * agent is a DaemonSet, which Fargate does not run; an association still takes precedence over IRSA,
 * so the pods get credentials from an agent that is not there and crash-loop.
 */
export function checkPodIdentityTargets(
    setting: string,
    associations: readonly { namespace: string; serviceAccount: string }[],
    fargate: readonly FargateServiceAccount[],
): void {
    for (const a of associations) {
        const hit = fargate.find((f) => f.namespace === a.namespace && f.serviceAccount === a.serviceAccount);
        if (hit) {
            throw new ConfigError(
                setting,
                `${a.namespace}/${a.serviceAccount}`,
                "no EKS Pod Identity association for a service account that runs on Fargate (the Karpenter controller): " +
                    "Fargate has no Pod Identity agent, the association overrides IRSA and the controller crash-loops. " +
                    "Karpenter authenticates with its IRSA role; use Pod Identity only for pods on EC2 nodes.",
            );
        }
    }
}

/** Creates the associations, one per service account, named `<name>-<namespace>-<serviceAccount>`. */
export function podIdentityAssociations(
    name: string,
    clusterName: pulumi.Input<string>,
    associations: readonly PodIdentityAssociationArgs[],
    opts: pulumi.CustomResourceOptions,
): aws.eks.PodIdentityAssociation[] {
    return associations.map(
        (a) =>
            new aws.eks.PodIdentityAssociation(
                `${name}-${a.namespace}-${a.serviceAccount}`,
                { clusterName, namespace: a.namespace, serviceAccount: a.serviceAccount, roleArn: a.roleArn },
                opts,
            ),
    );
}
