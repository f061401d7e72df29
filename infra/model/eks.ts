/**
 * Pure facts about Amazon EKS and IAM that the cluster, its access entries and the checks of what a program
 * registers share. No imports: this layer depends on nothing (no Pulumi, no other infra folder).
 */

/**
 * EKS's service principal. It keeps `amazonaws.com` in every partition (China included), as the
 * `pods.eks.amazonaws.com` principal does.
 */
export const EKS_SERVICE_PRINCIPAL = "eks.amazonaws.com";

/** Audience of the tokens EKS projects for IRSA: the OIDC provider's client ID and the trust policies' `:aud`. */
export const IRSA_AUDIENCE = "sts.amazonaws.com";

/** The AWS managed policy a cluster IAM role needs (EKS user guide, "Amazon EKS cluster IAM role"). */
export const EKS_CLUSTER_POLICY = "AmazonEKSClusterPolicy";

/**
 * The AWS managed policy a cluster IAM role needs for Windows nodes: the control plane's VPC resource controller
 * then assigns Windows pods their IP addresses (EKS user guide, "Deploy Windows nodes on EKS clusters").
 */
export const EKS_VPC_RESOURCE_CONTROLLER_POLICY = "AmazonEKSVPCResourceController";

/** What EKS does when a Kubernetes version leaves standard support (`upgradePolicy.supportType`). */
export enum ClusterSupportType {
    /** Auto-upgraded to the next version at the end of standard support. */
    Standard = "STANDARD",
    /** Stays on its version in extended support, at the extended-support price (EKS's default). */
    Extended = "EXTENDED",
}

/** The EKS access policies an access entry can get, by the short name config uses. */
export enum AccessPolicy {
    /** AmazonEKSClusterAdminPolicy: everything, cluster-wide (Kubernetes' `cluster-admin`). */
    ClusterAdmin = "cluster-admin",
    /** AmazonEKSAdminPolicy: most objects, RBAC included (Kubernetes' `admin`). */
    Admin = "admin",
    /** AmazonEKSEditPolicy: read and write most objects, no RBAC (Kubernetes' `edit`). */
    Edit = "edit",
    /** AmazonEKSViewPolicy: read most objects, not Secrets (Kubernetes' `view`). */
    View = "view",
}

/** Each access policy's name: `arn:<partition>:eks::aws:cluster-access-policy/<name>`. */
export const ACCESS_POLICY_NAMES: Readonly<Record<AccessPolicy, string>> = {
    [AccessPolicy.ClusterAdmin]: "AmazonEKSClusterAdminPolicy",
    [AccessPolicy.Admin]: "AmazonEKSAdminPolicy",
    [AccessPolicy.Edit]: "AmazonEKSEditPolicy",
    [AccessPolicy.View]: "AmazonEKSViewPolicy",
};

export function isAccessPolicy(value: unknown): value is AccessPolicy {
    return (Object.values(AccessPolicy) as unknown[]).includes(value);
}

export function accessPolicyArn(partition: string, policy: AccessPolicy): string {
    return `arn:${partition}:eks::aws:cluster-access-policy/${ACCESS_POLICY_NAMES[policy]}`;
}

/** The partitions of IAM ARNs this library writes and accepts. */
export const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;

/**
 * An IAM role or user ARN, as an access entry takes it: partition, 12-digit account, `role/` or `user/`,
 * an optional path and the name (IAM's characters). Not an STS assumed-role ARN: access entries name the role.
 */
export const IAM_PRINCIPAL_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}):(role|user)\/((?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64})$/;

/** The partition of a region's name (`cn-north-1` → `aws-cn`, `us-gov-west-1` → `aws-us-gov`). */
export function partitionOfRegion(region: string): (typeof PARTITIONS)[number] {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/** An EC2 security group ID: `sg-` and 8 or 17 hexadecimal digits. */
export const SECURITY_GROUP_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** The HTTPS port of the Kubernetes API endpoint. */
export const API_SERVER_PORT = 443;

/**
 * The Pulumi packages whose resources this program registers. A type token of any other package (such as
 * `eks:index:Cluster` of `@pulumi/eks`) would be a component whose children a provider plugin creates
 * where the mocks, the plan and the guardrails cannot see them.
 */
export const PROGRAM_PACKAGES = ["eks-karpenter", "aws", "kubernetes", "random", "pulumi"] as const;
