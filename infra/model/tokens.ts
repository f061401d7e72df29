/**
 * Pulumi type tokens of the resources the guardrails read, the offline plan prices and the components
 * register. No imports.
 */

/** Pulumi type tokens of the resources the rules read. */
export const TYPES = {
    nodePool: "kubernetes:karpenter.sh/v1:NodePool",
    ec2NodeClass: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
    helmRelease: "kubernetes:helm.sh/v3:Release",
    helmChart: "kubernetes:helm.sh/v4:Chart",
    podIdentityAssociation: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    fargateProfile: "aws:eks/fargateProfile:FargateProfile",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    internetGateway: "aws:ec2/internetGateway:InternetGateway",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    eip: "aws:ec2/eip:Eip",
    natGateway: "aws:ec2/natGateway:NatGateway",
    ec2Tag: "aws:ec2/tag:Tag",
    addon: "aws:eks/addon:Addon",
    accessEntry: "aws:eks/accessEntry:AccessEntry",
    iamRole: "aws:iam/role:Role",
    iamPolicy: "aws:iam/policy:Policy",
    instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    sqsQueue: "aws:sqs/queue:Queue",
    sqsQueuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    eventRule: "aws:cloudwatch/eventRule:EventRule",
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    snsTopic: "aws:sns/topic:Topic",
    snsTopicSubscription: "aws:sns/topicSubscription:TopicSubscription",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    anomalySubscription: "aws:costexplorer/anomalySubscription:AnomalySubscription",
    budget: "aws:budgets/budget:Budget",
    pullThroughCacheRule: "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
    namespace: "kubernetes:core/v1:Namespace",
    limitRange: "kubernetes:core/v1:LimitRange",
    resourceQuota: "kubernetes:core/v1:ResourceQuota",
    deployment: "kubernetes:apps/v1:Deployment",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    replicaSet: "kubernetes:apps/v1:ReplicaSet",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    pod: "kubernetes:core/v1:Pod",
} as const;

/** Helm releases and charts: the Karpenter controller is installed by one of them. */
export const HELM_TYPES = [TYPES.helmRelease, TYPES.helmChart] as const;
