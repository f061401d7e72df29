import { AwsScope, NamedPolicy, Statement, policyDocument } from "../iam/policy";

/** What the controller policy is scoped to; plain strings, resolved. */
export interface ControllerPolicyScope extends AwsScope {
    clusterName: string;
    /** ARN of the node role the controller may pass to EC2 (and to the instance profiles it makes). */
    nodeRoleArn: string;
    /** ARN of the interruption queue, or undefined when interruption handling is off. */
    interruptionQueueArn?: string;
}

/**
 * The Karpenter controller's permissions, statement for statement as Karpenter's own reference for
 * the pinned version (website/content/en/v1.9/reference/cloudformation.md), grouped the way that
 * reference groups them so that no managed policy passes IAM's 6,144-character limit, even for a
 * 100-character cluster name.
 */
export function controllerPolicies(s: ControllerPolicyScope): NamedPolicy[] {
    const ec2 = (resource: string, account = "*") => `arn:${s.partition}:ec2:${s.region}:${account}:${resource}`;
    const instanceProfiles = `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`;
    const clusterTag = `kubernetes.io/cluster/${s.clusterName}`;
    const launchedResources = [
        ec2("fleet/*"),
        ec2("instance/*"),
        ec2("volume/*"),
        ec2("network-interface/*"),
        ec2("launch-template/*"),
        ec2("spot-instances-request/*"),
    ];

    const nodeLifecycle: Statement[] = [
        {
            Sid: "AllowScopedEC2InstanceAccessActions",
            Effect: "Allow",
            Resource: [
                ec2("image/*", ""),
                ec2("snapshot/*", ""),
                ec2("security-group/*"),
                ec2("subnet/*"),
                ec2("capacity-reservation/*"),
            ],
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        },
        {
            Sid: "AllowScopedEC2LaunchTemplateAccessActions",
            Effect: "Allow",
            Resource: ec2("launch-template/*"),
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
            Condition: {
                StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
                StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
            },
        },
        {
            Sid: "AllowScopedEC2InstanceActionsWithTags",
            Effect: "Allow",
            Resource: launchedResources,
            Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            Condition: {
                StringEquals: {
                    [`aws:RequestTag/${clusterTag}`]: "owned",
                    "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
                },
                StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            },
        },
        {
            Sid: "AllowScopedResourceCreationTagging",
            Effect: "Allow",
            Resource: launchedResources,
            Action: "ec2:CreateTags",
            Condition: {
                StringEquals: {
                    [`aws:RequestTag/${clusterTag}`]: "owned",
                    "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
                    "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                },
                StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            },
        },
        {
            Sid: "AllowScopedResourceTagging",
            Effect: "Allow",
            Resource: ec2("instance/*"),
            Action: "ec2:CreateTags",
            Condition: {
                StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
                StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": s.clusterName },
                "ForAllValues:StringEquals": {
                    "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
                },
            },
        },
        {
            Sid: "AllowScopedDeletion",
            Effect: "Allow",
            Resource: [ec2("instance/*"), ec2("launch-template/*")],
            Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            Condition: {
                StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
                StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
            },
        },
    ];

    const regionTags = {
        [`aws:ResourceTag/${clusterTag}`]: "owned",
        "aws:ResourceTag/topology.kubernetes.io/region": s.region,
    };
    const requestTags = {
        [`aws:RequestTag/${clusterTag}`]: "owned",
        "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
        "aws:RequestTag/topology.kubernetes.io/region": s.region,
    };
    const iamIntegration: Statement[] = [
        {
            Sid: "AllowPassingInstanceRole",
            Effect: "Allow",
            Resource: s.nodeRoleArn,
            Action: "iam:PassRole",
            Condition: { StringEquals: { "iam:PassedToService": `ec2.${s.dnsSuffix}` } },
        },
        {
            Sid: "AllowScopedInstanceProfileCreationActions",
            Effect: "Allow",
            Resource: instanceProfiles,
            Action: "iam:CreateInstanceProfile",
            Condition: {
                StringEquals: requestTags,
                StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        },
        {
            Sid: "AllowScopedInstanceProfileTagActions",
            Effect: "Allow",
            Resource: instanceProfiles,
            Action: "iam:TagInstanceProfile",
            Condition: {
                StringEquals: { ...regionTags, ...requestTags },
                StringLike: {
                    "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                },
            },
        },
        {
            Sid: "AllowScopedInstanceProfileActions",
            Effect: "Allow",
            Resource: instanceProfiles,
            Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
            Condition: {
                StringEquals: regionTags,
                StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        },
        {
            Sid: "AllowInstanceProfileReadActions",
            Effect: "Allow",
            Resource: instanceProfiles,
            Action: "iam:GetInstanceProfile",
        },
        {
            Sid: "AllowUnscopedInstanceProfileListAction",
            Effect: "Allow",
            Resource: "*",
            Action: "iam:ListInstanceProfiles",
        },
    ];

    const eksIntegration: Statement[] = [
        {
            Sid: "AllowAPIServerEndpointDiscovery",
            Effect: "Allow",
            Resource: `arn:${s.partition}:eks:${s.region}:${s.accountId}:cluster/${s.clusterName}`,
            Action: "eks:DescribeCluster",
        },
    ];

    const resourceDiscovery: Statement[] = [
        {
            Sid: "AllowRegionalReadActions",
            Effect: "Allow",
            Resource: "*",
            Action: [
                "ec2:DescribeCapacityReservations",
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSpotPriceHistory",
                "ec2:DescribeSubnets",
            ],
            Condition: { StringEquals: { "aws:RequestedRegion": s.region } },
        },
        {
            Sid: "AllowSSMReadActions",
            Effect: "Allow",
            Resource: `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`,
            Action: "ssm:GetParameter",
        },
        {
            Sid: "AllowPricingReadActions",
            Effect: "Allow",
            Resource: "*",
            Action: "pricing:GetProducts",
        },
    ];

    const policies: NamedPolicy[] = [
        { name: "node-lifecycle", document: policyDocument(nodeLifecycle) },
        { name: "iam-integration", document: policyDocument(iamIntegration) },
        { name: "eks-integration", document: policyDocument(eksIntegration) },
        { name: "resource-discovery", document: policyDocument(resourceDiscovery) },
    ];
    if (s.interruptionQueueArn !== undefined) {
        policies.push({
            name: "interruption",
            document: policyDocument([
                {
                    Sid: "AllowInterruptionQueueActions",
                    Effect: "Allow",
                    Resource: s.interruptionQueueArn,
                    Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
                },
            ]),
        });
    }
    return policies;
}
