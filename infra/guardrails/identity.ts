import { TYPES } from "../model/tokens";
import { Finding, ResourceDescription, StackRule, at, isRecord, isUnknown } from "./types";

/** A value that names something: a known, non-empty string. */
function known(value: unknown): value is string {
    return typeof value === "string" && value !== "" && !isUnknown(value);
}

/** `parts` joined when every one is known; undefined (nothing claimed that the rule can see) otherwise. */
function key(...parts: unknown[]): string | undefined {
    return parts.every(known) ? parts.join("/") : undefined;
}

/**
 * The real identities a resource claims, each as "what: key". IAM names are unique per account whatever
 * their path and case; EKS holds one add-on of a name, one Fargate profile of a name and one access entry
 * per principal on a cluster, and one Pod Identity association per service account (an add-on's own
 * `podIdentityAssociations` included). A name Pulumi generates (unset here) claims nothing the rule can see.
 */
export function physicalIdentities(d: ResourceDescription): string[] {
    const i = d.inputs;
    const cluster = at(i, "clusterName");
    const podIdentity = (namespace: unknown, serviceAccount: unknown) => {
        const k = key(cluster, namespace, serviceAccount);
        return k ? [`Pod Identity association for ${k}`] : [];
    };
    const iamName = (what: string) => {
        const name = at(i, "name");
        return known(name) ? [`${what} ${name.toLowerCase()}`] : [];
    };
    switch (d.type) {
        case TYPES.addon: {
            const addon = key(cluster, at(i, "addonName"));
            const associations = at(i, "podIdentityAssociations");
            return [
                ...(addon ? [`add-on ${addon}`] : []),
                ...(Array.isArray(associations)
                    ? associations.flatMap((a) => (isRecord(a) ? podIdentity("kube-system", a.serviceAccount) : []))
                    : []),
            ];
        }
        case TYPES.fargateProfile: {
            const k = key(cluster, at(i, "fargateProfileName"));
            return k ? [`Fargate profile ${k}`] : [];
        }
        case TYPES.accessEntry: {
            const k = key(cluster, at(i, "principalArn"));
            return k ? [`access entry ${k}`] : [];
        }
        case TYPES.podIdentityAssociation:
            return podIdentity(at(i, "namespace"), at(i, "serviceAccount"));
        case TYPES.iamRole:
            return iamName("IAM role");
        case TYPES.iamPolicy:
            return iamName("IAM policy");
        case TYPES.instanceProfile:
            return iamName("instance profile");
        default:
            return [];
    }
}

/** Rule: no two resources of a program claim one real identity. */
export const uniquePhysicalIdentity: StackRule = {
    id: "unique-physical-identity",
    scope: "stack",
    title: "No two resources claim one real identity (an add-on, Fargate profile or access entry of a cluster, an IAM name, a Pod Identity association)",
    why:
        "AWS holds one of each: the second create fails (ResourceInUseException: Addon already exists, EntityAlreadyExists) after " +
        "everything before it was made, so a first `pulumi up` stops half-way; where it does not fail, two resources own one object " +
        "and each update undoes the other's.",
    fix:
        "keep one of them. A component that makes its own add-on or role beside yours (a remote component such as @pulumi/eks's " +
        "Cluster, which creates a vpc-cni add-on) must be told not to, or replaced by the resources themselves.",
    types: [
        TYPES.addon,
        TYPES.fargateProfile,
        TYPES.accessEntry,
        TYPES.podIdentityAssociation,
        TYPES.iamRole,
        TYPES.iamPolicy,
        TYPES.instanceProfile,
    ],
    options: [],
    check(resources) {
        const first = new Map<string, ResourceDescription>();
        const findings: Finding[] = [];
        for (const resource of resources) {
            for (const identity of physicalIdentities(resource)) {
                const earlier = first.get(identity);
                if (earlier === undefined) first.set(identity, resource);
                else
                    findings.push({
                        resource,
                        problem: `${resource.type} "${resource.name}" claims the ${identity}, which ${earlier.type} "${earlier.name}" claims too`,
                    });
            }
        }
        return findings;
    },
};
