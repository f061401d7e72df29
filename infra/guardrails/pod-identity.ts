import { TYPES } from "../model/tokens";
import { ResourceRule, at } from "./types";

/** Rule 1: no EKS Pod Identity association for a service account whose pods run on Fargate. */
export const podIdentityOnFargate: ResourceRule = {
    id: "no-pod-identity-on-fargate",
    scope: "resource",
    title: "No EKS Pod Identity association for a service account whose pods run on Fargate (the Karpenter controller)",
    why:
        "Pod Identity's agent is a DaemonSet, which Fargate does not run, and an association takes precedence over IRSA: " +
        "the pods are handed credentials from an agent that is not there, fail every AWS call and the controller crash-loops.",
    fix:
        "delete the association. The Karpenter controller authenticates with its IRSA role (the eks.amazonaws.com/role-arn " +
        "annotation on its service account); use Pod Identity only for pods on EC2 nodes.",
    types: [TYPES.podIdentityAssociation],
    options: ["fargateServiceAccounts"],
    check(resource, options) {
        const account = `${String(at(resource.inputs, "namespace"))}/${String(at(resource.inputs, "serviceAccount"))}`;
        if (!options.fargateServiceAccounts.includes(account)) return [];
        return [{ resource, problem: `Pod Identity association for ${account}, whose pods run on Fargate` }];
    },
};
