import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** A policy statement as plain data: every statement the library writes carries a `Sid`. */
export type Statement = aws.iam.PolicyStatement & { Sid: string };

/** A named group of statements that becomes one IAM managed policy. */
export interface NamedPolicy {
    /** Stable suffix of the policy's name and Pulumi resource name (`node-lifecycle`). */
    name: string;
    document: aws.iam.PolicyDocument;
}

/** IAM's limit on a managed policy document, in characters excluding white space. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/** The size IAM counts against MANAGED_POLICY_MAX_CHARS. */
export function policySize(document: aws.iam.PolicyDocument): number {
    return JSON.stringify(document).replace(/\s/g, "").length;
}

export function policyDocument(statements: Statement[]): aws.iam.PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/** Where an account lives: everything an ARN or a service principal needs. */
export interface AwsScope {
    partition: string;
    region: string;
    accountId: string;
    /** DNS suffix of the partition (`amazonaws.com`, `amazonaws.com.cn`). */
    dnsSuffix: string;
}

/** An {@link AwsScope} of inputs: the account a component writes ARNs and service principals for. */
export interface AwsScopeArgs {
    /** AWS partition (`aws`, `aws-cn`, `aws-us-gov`). */
    partition: pulumi.Input<string>;
    /** Region of the cluster. */
    region: pulumi.Input<string>;
    /** Account of the cluster. */
    accountId: pulumi.Input<string>;
    /** DNS suffix of the partition (`amazonaws.com`, `amazonaws.com.cn`). */
    dnsSuffix: pulumi.Input<string>;
}

export function managedPolicyArn(partition: string, name: string): string {
    return `arn:${partition}:iam::aws:policy/${name}`;
}

/** A service principal in this partition (`ec2.amazonaws.com`, `ec2.amazonaws.com.cn`). */
export function servicePrincipal(scope: Pick<AwsScope, "dnsSuffix">, service: string): string {
    return `${service}.${scope.dnsSuffix}`;
}
