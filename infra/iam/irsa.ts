import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { ConfigError } from "../errors";
import { IRSA_AUDIENCE } from "../model/eks";
import { Statement, policyDocument } from "./policy";

/** What an IRSA trust policy needs; all plain strings, resolved. */
export interface IrsaTrust {
    /** ARN of the cluster's IAM OIDC provider. */
    oidcProviderArn: string;
    /** The provider's issuer URL, with or without `https://`. */
    oidcIssuerUrl: string;
    namespace: string;
    serviceAccount: string;
}

/**
 * Trust policy that lets exactly one Kubernetes service account assume a role through the
 * cluster's OIDC provider (IAM Roles for Service Accounts).
 */
export function irsaTrustPolicy(trust: IrsaTrust): aws.iam.PolicyDocument {
    // An unresolved value here would silently produce "undefined:sub" and a role nobody can assume.
    for (const [field, value] of Object.entries(trust)) {
        if (typeof value !== "string" || value === "" || value.includes("undefined")) {
            throw new ConfigError(`IrsaRole.${field}`, value, "a resolved, non-empty string");
        }
    }
    const issuer = trust.oidcIssuerUrl.replace(/^https:\/\//, "");
    const statement: Statement = {
        Sid: "AllowServiceAccountWebIdentity",
        Effect: "Allow",
        Principal: { Federated: trust.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
            StringEquals: {
                [`${issuer}:sub`]: `system:serviceaccount:${trust.namespace}:${trust.serviceAccount}`,
                [`${issuer}:aud`]: IRSA_AUDIENCE,
            },
        },
    };
    return policyDocument([statement]);
}

export interface IrsaRoleArgs {
    /** ARN of the cluster's IAM OIDC provider. */
    oidcProviderArn: pulumi.Input<string>;
    /** Issuer URL of the cluster's OIDC provider (with or without `https://`). */
    oidcIssuerUrl: pulumi.Input<string>;
    /** Namespace of the service account allowed to assume the role. */
    namespace: pulumi.Input<string>;
    /** Name of the service account allowed to assume the role. */
    serviceAccount: pulumi.Input<string>;
    /** Physical role name. IAM allows at most 64 characters. */
    roleName: pulumi.Input<string>;
    /** Tags for the role. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** An IAM role assumable by exactly one service account through the cluster's OIDC provider. */
export class IrsaRole extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("IrsaRole"), name, {}, componentOptions("IrsaRole", opts));
        const trust = pulumi
            .all([args.oidcProviderArn, args.oidcIssuerUrl, args.namespace, args.serviceAccount])
            .apply(([oidcProviderArn, oidcIssuerUrl, namespace, serviceAccount]) =>
                JSON.stringify(irsaTrustPolicy({ oidcProviderArn, oidcIssuerUrl, namespace, serviceAccount })),
            );
        const role = new aws.iam.Role(name, { name: args.roleName, assumeRolePolicy: trust, tags: args.tags }, { parent: this });
        this.roleArn = role.arn;
        this.roleName = role.name;
        this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName });
    }
}
