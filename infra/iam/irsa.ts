import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { ConfigError } from "../errors";
import { ResourceDescription, TYPES } from "../guardrails";
import { IRSA_AUDIENCE } from "../model/eks";
import { knownAfterDeployment, knownString } from "../plan";
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

/** An unresolved value in a trust policy would silently produce "undefined:sub" and a role nobody can assume. */
function checkTrustValue(field: string, value: unknown): void {
    if (typeof value !== "string" || value === "" || value.includes("undefined")) {
        throw new ConfigError(`IrsaRole.${field}`, value, "a resolved, non-empty string");
    }
}

/**
 * Trust policy that lets exactly one Kubernetes service account assume a role through the
 * cluster's OIDC provider (IAM Roles for Service Accounts).
 */
export function irsaTrustPolicy(trust: IrsaTrust): aws.iam.PolicyDocument {
    for (const [field, value] of Object.entries(trust)) checkTrustValue(field, value);
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

/**
 * The IRSA role's plan: the role, by the name the component registers it under, with its name, tags and,
 * when the provider, issuer, namespace and service account are all known, its trust policy (else known
 * after deployment). What is known is checked now, before anything is registered: an empty namespace or
 * service account is refused here rather than inside the policy's Output.
 */
export function planIrsaRole(name: string, args: IrsaRoleArgs) {
    const known = {
        oidcProviderArn: knownString(args.oidcProviderArn),
        oidcIssuerUrl: knownString(args.oidcIssuerUrl),
        namespace: knownString(args.namespace),
        serviceAccount: knownString(args.serviceAccount),
    };
    for (const [field, value] of Object.entries(known)) if (value !== undefined) checkTrustValue(field, value);
    const trust = Object.values(known).every((v) => v !== undefined) ? (known as IrsaTrust) : undefined;
    const role = {
        type: TYPES.iamRole,
        name,
        inputs: {
            name: args.roleName,
            assumeRolePolicy: trust ? JSON.stringify(irsaTrustPolicy(trust)) : knownAfterDeployment<string>(),
            tags: args.tags,
        } satisfies aws.iam.RoleArgs,
    };
    return { settings: args, role, descriptions: [role] as ResourceDescription[] };
}

/** An IAM role assumable by exactly one service account through the cluster's OIDC provider. */
export class IrsaRole extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planIrsaRole(name, args);
        super(componentType("IrsaRole"), name, {}, componentOptions("IrsaRole", opts));
        const s = plan.settings;
        // The trust policy from the resolved values: the plan's where it knew them all, the same function's otherwise.
        const trust = pulumi
            .all([s.oidcProviderArn, s.oidcIssuerUrl, s.namespace, s.serviceAccount])
            .apply(([oidcProviderArn, oidcIssuerUrl, namespace, serviceAccount]) =>
                JSON.stringify(irsaTrustPolicy({ oidcProviderArn, oidcIssuerUrl, namespace, serviceAccount })),
            );
        const role = new aws.iam.Role(plan.role.name, { ...plan.role.inputs, assumeRolePolicy: trust }, { parent: this });
        this.roleArn = role.arn;
        this.roleName = role.name;
        this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName });
    }
}
