import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { AwsScope, AwsScopeArgs, Statement, policyDocument, servicePrincipal } from "../iam/policy";
import {
    CONTROLLER_LOG_ALARMS,
    DISK_AGENT,
    DISK_METRIC,
    FARGATE_LOGGING,
    NODE_DISKS,
    fargateLoggingData,
    metricNamespace,
} from "../model/observability";
import { VERSIONS } from "../model/versions";
import { ObservabilityPlanArgs, ResolvedObservability, describeDiskAgent, resolveObservability } from "./plan";

export interface ObservabilityArgs extends ObservabilityPlanArgs, AwsScopeArgs {
    /** The cluster's name as its resource outputs it (the add-on waits for the cluster). */
    clusterNameOutput: pulumi.Input<string>;
    /** The cluster's secrets KMS key: when set, it encrypts the log group (its policy gains CloudWatch Logs). @default none */
    kmsKeyArn?: pulumi.Input<string | undefined>;
    /** Name of the Fargate pod execution role: it gets the log router's permissions. */
    podExecutionRoleName: pulumi.Input<string>;
    /** Name of the node role: the disk agent (host network) publishes with it. */
    nodeRoleName: pulumi.Input<string>;
    /**
     * The node-disk agent's image: in a private cluster, where the nodes reach no public registry, the
     * environment's pull-through cache of it. @default VERSIONS.cloudwatchAgentImage (ECR Public)
     */
    diskAgentImage?: pulumi.Input<string>;
    /** What the disk agent's DaemonSet waits for besides its ConfigMap: what its image pull needs (the pull-through cache). @default [] */
    diskAgentDependsOn?: pulumi.Resource[];
    /** Name of the interruption queue, for its alarms. @default none */
    interruptionQueueName?: pulumi.Input<string>;
}

/** Who may publish to the alerts topic: CloudWatch alarms, AWS Budgets and Cost Anomaly Detection of this account. */
export function alertsTopicPolicy(scope: AwsScope, topicArn: string): aws.iam.PolicyDocument {
    const sourceAccount = { StringEquals: { "aws:SourceAccount": scope.accountId } };
    return policyDocument([
        {
            Sid: "AllowCloudWatchAlarms",
            Effect: "Allow",
            Principal: { Service: servicePrincipal(scope, "cloudwatch") },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: {
                ...sourceAccount,
                ArnLike: { "aws:SourceArn": `arn:${scope.partition}:cloudwatch:${scope.region}:${scope.accountId}:alarm:*` },
            },
        },
        {
            Sid: "AllowBudgets",
            Effect: "Allow",
            Principal: { Service: "budgets.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: { ...sourceAccount, ArnLike: { "aws:SourceArn": `arn:${scope.partition}:budgets::${scope.accountId}:*` } },
        },
        {
            Sid: "AllowCostAnomalyDetection",
            Effect: "Allow",
            Principal: { Service: "costalerts.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: sourceAccount,
        },
    ]);
}

/** The log group's ARN, as KMS encryption contexts and IAM resources name it. */
export function logGroupArn(scope: Omit<AwsScope, "dnsSuffix">, logGroupName: string): string {
    return `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:${logGroupName}`;
}

/**
 * The cluster key's policy with CloudWatch Logs admitted for this log group only (the encryption-context
 * condition AWS documents), and the account's root kept, so IAM policies (the cluster role's) still grant use.
 */
export function logsKeyPolicy(scope: AwsScope, logGroupName: string): aws.iam.PolicyDocument {
    return policyDocument([
        {
            Sid: "EnableIamPolicies",
            Effect: "Allow",
            Principal: { AWS: `arn:${scope.partition}:iam::${scope.accountId}:root` },
            Action: "kms:*",
            Resource: "*",
        },
        {
            Sid: "AllowCloudWatchLogsForFargateLogGroup",
            Effect: "Allow",
            Principal: { Service: `logs.${scope.region}.${scope.dnsSuffix}` },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn(scope, logGroupName) } },
        },
    ]);
}

/** What Fargate's log router may do with the log group (it writes streams; the group is this program's). */
export function logRouterPolicy(scope: Omit<AwsScope, "dnsSuffix">, logGroupName: string): aws.iam.PolicyDocument {
    const group = logGroupArn(scope, logGroupName);
    return policyDocument([
        {
            Sid: "FargateLogRouterWritesStreams",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [group, `${group}:*`],
        },
    ]);
}

/** What the disk agent may publish with the node role: metrics into this cluster's namespace only. */
export function diskMetricsPolicy(clusterName: string): aws.iam.PolicyDocument {
    const statement: Statement = {
        Sid: "PublishNodeDiskMetrics",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": metricNamespace(clusterName) } },
    };
    return policyDocument([statement]);
}

/**
 * The CloudWatch agent's configuration: the `disk` plugin's `used_percent` of the root and containerd
 * volumes, published into the cluster's namespace with a `path` dimension only (aggregated over every node,
 * so two metrics per cluster whatever Karpenter launches; the alarm takes their Maximum).
 */
export function diskAgentConfig(clusterName: string): Record<string, unknown> {
    return {
        agent: { metrics_collection_interval: 60, omit_hostname: true },
        metrics: {
            namespace: metricNamespace(clusterName),
            metrics_collected: {
                disk: {
                    measurement: ["used_percent"],
                    resources: [NODE_DISKS.root.path, NODE_DISKS.containerd.path],
                    drop_device: true,
                },
            },
            aggregation_dimensions: [["path"]],
        },
    };
}

/** The plan's resolved settings of a component (for tests and the offline plan). */
const resolvedOf = new WeakMap<Observability, ResolvedObservability>();
export function observabilityPlan(o: Observability): ResolvedObservability {
    return resolvedOf.get(o)!;
}

/**
 * An environment's monitoring: the Fargate pods' logs in CloudWatch (the aws-observability namespace and its
 * aws-logging ConfigMap, a retained and, with a cluster key, encrypted log group, the pod execution role's
 * permissions), an alerts topic, metric filters and alarms on the Karpenter controller's log, the
 * interruption queue's alarms, Cost Anomaly Detection, node disk metrics (a CloudWatch agent DaemonSet) and
 * their alarms, and the EKS node monitoring agent. Pass the cluster's Kubernetes provider in `opts.providers`.
 */
export class Observability extends pulumi.ComponentResource {
    /** ARN of the alerts topic (created, or the one configured). */
    public readonly alertsTopicArn: pulumi.Output<string>;
    /** Name of the Fargate pods' log group. */
    public readonly logGroupName: pulumi.Output<string>;
    /**
     * What Fargate pods need before they start for their logs to be routed (the router reads its ConfigMap
     * once per pod): the Karpenter release waits for these.
     */
    public readonly logRouting: pulumi.Resource[];

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        const o = resolveObservability(args);
        super(componentType("Observability"), name, {}, componentOptions("Observability", opts));
        resolvedOf.set(this, o);
        const parent = { parent: this };
        const scope = pulumi
            .all([args.partition, args.region, args.accountId, args.dnsSuffix])
            .apply(([partition, region, accountId, dnsSuffix]) => ({
                partition,
                region,
                accountId,
                dnsSuffix,
            }));

        // Alerts.
        let topicArn: pulumi.Output<string>;
        if (o.alerts.createTopic) {
            const topic = new aws.sns.Topic(`${name}-alerts`, { name: `${o.clusterName}-alerts`, tags: args.tags }, parent);
            new aws.sns.TopicPolicy(
                `${name}-alerts`,
                { arn: topic.arn, policy: pulumi.all([scope, topic.arn]).apply(([s, arn]) => JSON.stringify(alertsTopicPolicy(s, arn))) },
                parent,
            );
            for (const email of o.alerts.emailAddresses) {
                new aws.sns.TopicSubscription(`${name}-alerts-${email}`, { topic: topic.arn, protocol: "email", endpoint: email }, parent);
            }
            topicArn = topic.arn;
        } else {
            topicArn = pulumi.output(o.alerts.topicArn!);
        }
        /** An alarm at or above its threshold in one period, to the topic; no data is not a breach. */
        const metricAlarm = (
            id: string,
            physical: string,
            meaning: string,
            metric: Pick<aws.cloudwatch.MetricAlarmArgs, "namespace" | "metricName" | "dimensions" | "statistic" | "period" | "threshold">,
        ) =>
            new aws.cloudwatch.MetricAlarm(
                `${name}-${id}`,
                {
                    name: `${o.clusterName}-${physical}`,
                    alarmDescription: `${meaning}. README: Monitoring and alerts.`,
                    ...metric,
                    evaluationPeriods: 1,
                    comparisonOperator: "GreaterThanOrEqualToThreshold",
                    treatMissingData: "notBreaching",
                    alarmActions: [topicArn],
                    okActions: [topicArn],
                    tags: args.tags,
                },
                parent,
            );

        // Fargate's log router: the namespace and ConfigMap it reads, the group it writes, the role's permissions.
        const namespace = new k8s.core.v1.Namespace(
            `${name}-${FARGATE_LOGGING.namespace}`,
            { metadata: { name: FARGATE_LOGGING.namespace, labels: { ...FARGATE_LOGGING.namespaceLabels } } },
            parent,
        );
        const keyPolicy = args.encryptLogs
            ? new aws.kms.KeyPolicy(
                  `${name}-logs-key`,
                  {
                      keyId: pulumi.output(args.kmsKeyArn).apply((arn) => arn!),
                      policy: scope.apply((s) => JSON.stringify(logsKeyPolicy(s, o.logGroupName))),
                  },
                  parent,
              )
            : undefined;
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-fargate`,
            {
                name: o.logGroupName,
                retentionInDays: o.logRetentionDays,
                kmsKeyId: args.encryptLogs ? (args.kmsKeyArn as pulumi.Input<string>) : undefined,
                tags: args.tags,
            },
            { parent: this, dependsOn: keyPolicy ? [keyPolicy] : [] },
        );
        const configMap = new k8s.core.v1.ConfigMap(
            `${name}-${FARGATE_LOGGING.configMapName}`,
            {
                metadata: { name: FARGATE_LOGGING.configMapName, namespace: FARGATE_LOGGING.namespace },
                data: scope.apply((s) => fargateLoggingData(s.region, o.logGroupName)),
            },
            { parent: this, dependsOn: [namespace, logGroup] },
        );
        const routerPolicy = new aws.iam.RolePolicy(
            `${name}-fargate-log-router`,
            { role: args.podExecutionRoleName, policy: scope.apply((s) => JSON.stringify(logRouterPolicy(s, o.logGroupName))) },
            parent,
        );
        this.logRouting = [configMap, routerPolicy];

        const namespaceName = metricNamespace(o.clusterName);
        if (o.controllerLogAlarms) {
            for (const alarm of CONTROLLER_LOG_ALARMS) {
                new aws.cloudwatch.LogMetricFilter(
                    `${name}-log-${alarm.id}`,
                    {
                        name: `karpenter-${alarm.id}`,
                        logGroupName: o.logGroupName,
                        pattern: alarm.filterPattern,
                        metricTransformation: {
                            name: alarm.metricName,
                            namespace: namespaceName,
                            value: "1",
                            defaultValue: "0",
                            unit: "Count",
                        },
                    },
                    { parent: this, dependsOn: [logGroup] },
                );
                metricAlarm(`log-${alarm.id}`, `karpenter-${alarm.id}`, `Karpenter (${o.clusterName}): ${alarm.meaning}`, {
                    namespace: namespaceName,
                    metricName: alarm.metricName,
                    statistic: "Sum",
                    period: alarm.periodSeconds,
                    threshold: alarm.threshold,
                });
            }
        }

        if (o.queueAlarms && args.interruptionQueueName !== undefined) {
            const queueAlarm = (id: string, metricName: string, threshold: number, meaning: string) =>
                metricAlarm(id, `karpenter-${id}`, `Karpenter (${o.clusterName}) interruption queue: ${meaning}`, {
                    namespace: "AWS/SQS",
                    metricName,
                    dimensions: { QueueName: args.interruptionQueueName! },
                    statistic: "Maximum",
                    period: 300,
                    threshold,
                });
            queueAlarm(
                "queue-oldest-message",
                "ApproximateAgeOfOldestMessage",
                o.queueAlarms.oldestMessageAgeSeconds,
                "the controller is not draining it",
            );
            queueAlarm("queue-visible-messages", "ApproximateNumberOfMessagesVisible", o.queueAlarms.visibleMessages, "messages pile up");
        }

        if (o.costAnomaly.enabled) {
            const monitor = new aws.costexplorer.AnomalyMonitor(
                `${name}-cost-anomaly`,
                {
                    name: `${o.clusterName}-cost`,
                    monitorType: "CUSTOM",
                    monitorSpecification: JSON.stringify(costAnomalySpecification(o.costAnomaly.costAllocationTags)),
                    tags: args.tags,
                },
                parent,
            );
            new aws.costexplorer.AnomalySubscription(
                `${name}-cost-anomaly`,
                {
                    name: `${o.clusterName}-cost-anomalies`,
                    // An SNS subscriber is told of each anomaly as it is found.
                    frequency: "IMMEDIATE",
                    monitorArnLists: [monitor.arn],
                    subscribers: [{ type: "SNS", address: topicArn }],
                    thresholdExpression: {
                        dimension: {
                            key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                            matchOptions: ["GREATER_THAN_OR_EQUAL"],
                            values: [String(o.costAnomaly.thresholdUsd)],
                        },
                    },
                    tags: args.tags,
                },
                parent,
            );
        }

        if (o.nodeDisks.enabled) {
            new aws.iam.RolePolicy(
                `${name}-disk-metrics`,
                { role: args.nodeRoleName, policy: JSON.stringify(diskMetricsPolicy(o.clusterName)) },
                parent,
            );
            const agentNamespace = new k8s.core.v1.Namespace(
                `${name}-${DISK_AGENT.namespace}`,
                { metadata: { name: DISK_AGENT.namespace } },
                parent,
            );
            const agentConfig = new k8s.core.v1.ConfigMap(
                `${name}-disk-agent`,
                {
                    metadata: { name: DISK_AGENT.name, namespace: DISK_AGENT.namespace },
                    data: { [DISK_AGENT.configFile]: JSON.stringify(diskAgentConfig(o.clusterName)) },
                },
                { parent: this, dependsOn: [agentNamespace] },
            );
            const agent = describeDiskAgent(name, args.diskAgentImage ?? VERSIONS.cloudwatchAgentImage, o.windowsNodes);
            new k8s.apps.v1.DaemonSet(agent.name, agent.inputs, {
                parent: this,
                dependsOn: [agentConfig, ...(args.diskAgentDependsOn ?? [])],
            });
            const diskAlarm = (id: "root" | "containerd", threshold: number) =>
                metricAlarm(
                    `disk-${id}`,
                    `node-disk-${id}`,
                    `Nodes of ${o.clusterName}: the ${id} volume (${NODE_DISKS[id].path}) of some node is ${threshold} % full or more`,
                    {
                        namespace: namespaceName,
                        metricName: DISK_METRIC,
                        dimensions: { path: NODE_DISKS[id].path },
                        statistic: "Maximum",
                        period: 300,
                        threshold,
                    },
                );
            diskAlarm("root", o.nodeDisks.rootThresholdPercent);
            diskAlarm("containerd", o.nodeDisks.containerdThresholdPercent);
        }

        if (o.nodeMonitoringAgent) {
            new aws.eks.Addon(
                `${name}-eks-node-monitoring-agent`,
                {
                    clusterName: args.clusterNameOutput,
                    addonName: "eks-node-monitoring-agent",
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "OVERWRITE",
                    tags: args.tags,
                },
                parent,
            );
        }

        this.alertsTopicArn = topicArn;
        this.logGroupName = logGroup.name;
        this.registerOutputs({ alertsTopicArn: this.alertsTopicArn, logGroupName: this.logGroupName });
    }
}

/** A CUSTOM monitor's specification: spend carrying any of the cost allocation tags (Cost Explorer's Expression). */
export function costAnomalySpecification(tags: Record<string, string>): Record<string, unknown> {
    const byTag = Object.entries(tags).map(([key, value]) => ({ Tags: { Key: key, Values: [value], MatchOptions: ["EQUALS"] } }));
    return byTag.length === 1 ? byTag[0] : { Or: byTag };
}
