/**
 * The plan of an environment's monitoring: its settings resolved and checked, and the descriptions of what
 * the Observability component registers (what the guardrails and the offline plan read). Pure apart from
 * types: no resource is registered here, and inputs may be pulumi.Inputs (names known after deployment).
 */
import type * as pulumi from "@pulumi/pulumi";
import { check } from "../errors";
import { ResourceDescription, UNKNOWN } from "../guardrails/types";
import { LINUX_NODE_SELECTOR } from "../model/node-class";
import { TYPES } from "../model/tokens";
import {
    CONTROLLER_LOG_ALARMS,
    COST_ANOMALY_DEFAULT_THRESHOLD_USD,
    DISK_AGENT,
    EMAIL_ADDRESS,
    LOG_RETENTION_DAYS,
    NODE_DISKS,
    QUEUE_ALARM_DEFAULTS,
    SNS_TOPIC_ARN,
    fargateLogGroupName,
} from "../model/observability";

/** Where alarms, cost anomalies and budget notifications go. */
export interface AlertSettings {
    /** An existing SNS topic to publish to instead of creating one; its policy must admit CloudWatch, Budgets and Cost Anomaly Detection (README, Monitoring and alerts). @default a topic created here */
    topicArn?: string;
    /** E-mail addresses subscribed to the created topic (each confirms by e-mail). @default [] */
    emailAddresses?: string[];
}

/** The interruption queue's alarms. */
export interface QueueAlarmSettings {
    /** Age in seconds of the oldest message that fires the alarm (the queue keeps messages 300 s). @default 120 */
    oldestMessageAgeSeconds?: number;
    /** Visible messages that fire the alarm. @default 100 */
    visibleMessages?: number;
}

/** AWS Cost Anomaly Detection for the environment's spend. */
export interface CostAnomalySettings {
    /** Create the monitor and its subscription (both free). @default true */
    enabled?: boolean;
    /** Total impact in USD of an anomaly that is reported. @default 100 */
    thresholdUsd?: number;
    /**
     * Cost allocation tags whose spend the monitor watches (activated in the Billing console).
     * @default { environment: <the environment's `environment` tag> }
     */
    costAllocationTags?: Record<string, string>;
}

/** Usage of the nodes' root and containerd volumes, by the CloudWatch agent (README: why the agent). */
export interface NodeDiskSettings {
    /** Run the agent and create the alarms. @default true */
    enabled?: boolean;
    /** Root volume usage, percent, that fires its alarm. @default 80 */
    rootThresholdPercent?: number;
    /** Containerd volume usage, percent, that fires its alarm. @default 90 */
    containerdThresholdPercent?: number;
}

/** The monitoring of an environment: what a user chooses. */
export interface ObservabilitySettings {
    /** Build any of it. @default true */
    enabled?: boolean;
    /** Days the Fargate pods' log group keeps events (a CloudWatch Logs retention). @default 30 */
    logRetentionDays?: number;
    /** The alerts topic and its subscribers. @default a created topic with no subscriber */
    alerts?: AlertSettings;
    /** Metric filters and alarms on the Karpenter controller's log. @default true */
    controllerLogAlarms?: boolean;
    /** The interruption queue's alarms (when the environment has the queue). @default the defaults of QueueAlarmSettings */
    queueAlarms?: QueueAlarmSettings;
    /** Cost Anomaly Detection. @default enabled, 100 USD */
    costAnomaly?: CostAnomalySettings;
    /** Node disk metrics and alarms. @default enabled, 80 % root, 90 % containerd */
    nodeDisks?: NodeDiskSettings;
    /**
     * The EKS node monitoring agent add-on (`eks-node-monitoring-agent`): a DaemonSet that reports node health
     * conditions (storage, networking, kernel, container runtime, accelerators) and events. @default true
     */
    nodeMonitoringAgent?: boolean;
}

/** What the plan needs beyond the user's settings: the cluster and what the environment decided. */
export interface ObservabilityPlanArgs extends ObservabilitySettings {
    /** The configured cluster name (a plain string: names and metric namespaces derive from it). */
    clusterName: string;
    /** The environment's tags (the cost monitor's default tag comes from `environment`). */
    tags: Record<string, string>;
    /** Whether the environment has an interruption queue. */
    interruptionQueue: boolean;
    /** Whether the cluster has a KMS key that will encrypt the log group. */
    encryptLogs: boolean;
    /** Where the settings are written, for error messages. @default "Observability" */
    settingPrefix?: string;
    /** Some nodes run Windows: the disk agent (a Linux image) is kept to Linux nodes by a node selector. @default false */
    windowsNodes?: boolean;
}

function checkPercent(setting: string, value: number): void {
    check(Number.isInteger(value) && value >= 1 && value <= 99, setting, value, "a whole percentage from 1 to 99");
}

/** The settings with defaults applied and every value checked; throws ConfigError naming the setting. */
export function resolveObservability(args: ObservabilityPlanArgs) {
    const at = (key: string) => `${args.settingPrefix ?? "Observability"}.${key}`;
    const enabled = args.enabled ?? true;
    const logRetentionDays = args.logRetentionDays ?? 30;
    check(
        (LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays),
        at("logRetentionDays"),
        logRetentionDays,
        `one of CloudWatch Logs' retentions: ${LOG_RETENTION_DAYS.join(", ")}`,
    );
    const topicArn = args.alerts?.topicArn;
    if (topicArn !== undefined)
        check(SNS_TOPIC_ARN.test(topicArn), at("alerts.topicArn"), topicArn, "an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)");
    const emailAddresses = args.alerts?.emailAddresses ?? [];
    emailAddresses.forEach((e, i) =>
        check(
            typeof e === "string" && EMAIL_ADDRESS.test(e),
            at(`alerts.emailAddresses[${i}]`),
            e,
            "an e-mail address such as platform-team@example.com",
        ),
    );
    check(
        topicArn === undefined || emailAddresses.length === 0,
        at("alerts.emailAddresses"),
        emailAddresses,
        "empty when alerts.topicArn names an existing topic: subscribe to that topic where it is managed",
    );
    check(new Set(emailAddresses).size === emailAddresses.length, at("alerts.emailAddresses"), emailAddresses, "each address once");
    const queueAlarms = {
        oldestMessageAgeSeconds: args.queueAlarms?.oldestMessageAgeSeconds ?? QUEUE_ALARM_DEFAULTS.oldestMessageAgeSeconds,
        visibleMessages: args.queueAlarms?.visibleMessages ?? QUEUE_ALARM_DEFAULTS.visibleMessages,
    };
    check(
        Number.isInteger(queueAlarms.oldestMessageAgeSeconds) &&
            queueAlarms.oldestMessageAgeSeconds >= 60 &&
            queueAlarms.oldestMessageAgeSeconds < 300,
        at("queueAlarms.oldestMessageAgeSeconds"),
        queueAlarms.oldestMessageAgeSeconds,
        "whole seconds from 60 to 299: the queue drops a message after 300 s, so an older one is never seen",
    );
    check(
        Number.isInteger(queueAlarms.visibleMessages) && queueAlarms.visibleMessages >= 1,
        at("queueAlarms.visibleMessages"),
        queueAlarms.visibleMessages,
        "a whole number of messages, at least 1",
    );
    const costAllocationTags =
        args.costAnomaly?.costAllocationTags ?? (args.tags.environment !== undefined ? { environment: args.tags.environment } : {});
    const costAnomaly = {
        enabled: args.costAnomaly?.enabled ?? true,
        thresholdUsd: args.costAnomaly?.thresholdUsd ?? COST_ANOMALY_DEFAULT_THRESHOLD_USD,
        costAllocationTags,
    };
    check(
        typeof costAnomaly.thresholdUsd === "number" && Number.isFinite(costAnomaly.thresholdUsd) && costAnomaly.thresholdUsd > 0,
        at("costAnomaly.thresholdUsd"),
        costAnomaly.thresholdUsd,
        "a positive amount of USD",
    );
    check(
        !costAnomaly.enabled || Object.keys(costAllocationTags).length > 0,
        at("costAnomaly.costAllocationTags"),
        costAllocationTags,
        "at least one tag (key: value) whose spend the monitor watches, or costAnomaly.enabled false",
    );
    for (const [key, value] of Object.entries(costAllocationTags)) {
        check(
            key !== "" && typeof value === "string" && value !== "",
            at(`costAnomaly.costAllocationTags.${key}`),
            value,
            "a non-empty tag key and value",
        );
    }
    const nodeDisks = {
        enabled: args.nodeDisks?.enabled ?? true,
        rootThresholdPercent: args.nodeDisks?.rootThresholdPercent ?? NODE_DISKS.root.defaultThresholdPercent,
        containerdThresholdPercent: args.nodeDisks?.containerdThresholdPercent ?? NODE_DISKS.containerd.defaultThresholdPercent,
    };
    checkPercent(at("nodeDisks.rootThresholdPercent"), nodeDisks.rootThresholdPercent);
    checkPercent(at("nodeDisks.containerdThresholdPercent"), nodeDisks.containerdThresholdPercent);
    return {
        enabled,
        clusterName: args.clusterName,
        logGroupName: fargateLogGroupName(args.clusterName),
        logRetentionDays,
        encryptLogs: args.encryptLogs,
        alerts: { topicArn, emailAddresses, createTopic: topicArn === undefined },
        controllerLogAlarms: args.controllerLogAlarms ?? true,
        queueAlarms: args.interruptionQueue ? queueAlarms : undefined,
        costAnomaly,
        nodeDisks,
        nodeMonitoringAgent: args.nodeMonitoringAgent ?? true,
        windowsNodes: args.windowsNodes ?? false,
    };
}

export type ResolvedObservability = ReturnType<typeof resolveObservability>;

/** The alarms the plan creates, by Pulumi name suffix: the controller-log ones, the queue's, the disks'. */
export function alarmNames(o: ResolvedObservability): string[] {
    return [
        ...(o.controllerLogAlarms ? CONTROLLER_LOG_ALARMS.map((a) => `log-${a.id}`) : []),
        ...(o.queueAlarms ? ["queue-oldest-message", "queue-visible-messages"] : []),
        ...(o.nodeDisks.enabled ? ["disk-root", "disk-containerd"] : []),
    ];
}

/**
 * The interface endpoints a private cluster needs for this plan: CloudWatch Logs for Fargate's log router,
 * CloudWatch (`monitoring`) for the disk agent's metrics.
 */
export function observabilityEndpoints(o: ResolvedObservability): string[] {
    if (!o.enabled) return [];
    return ["logs", ...(o.nodeDisks.enabled ? ["monitoring"] : [])];
}

/**
 * What the guardrails read of the plan: the topic and its subscriptions, each alarm with its actions, and
 * the disk agent's DaemonSet with its image. `name` is the component's name; a topic ARN not known yet is UNKNOWN.
 */
export function describeObservability(
    name: string,
    o: ResolvedObservability,
    diskAgentImage: pulumi.Input<string>,
    topicArn: pulumi.Input<string> | typeof UNKNOWN = UNKNOWN,
): ResourceDescription[] {
    if (!o.enabled) return [];
    const actions = [o.alerts.topicArn ?? topicArn];
    return [
        ...(o.alerts.createTopic ? [{ type: TYPES.snsTopic, name: `${name}-alerts`, inputs: {} }] : []),
        ...o.alerts.emailAddresses.map((email) => ({
            type: TYPES.snsTopicSubscription,
            name: `${name}-alerts-${email}`,
            inputs: { topic: topicArn, protocol: "email", endpoint: email },
        })),
        ...alarmNames(o).map((alarm) => ({ type: TYPES.metricAlarm, name: `${name}-${alarm}`, inputs: { alarmActions: actions } })),
        ...(o.costAnomaly.enabled
            ? [
                  {
                      type: TYPES.anomalySubscription,
                      name: `${name}-cost-anomaly`,
                      inputs: { subscribers: [{ type: "SNS", address: actions[0] }] },
                  },
              ]
            : []),
        ...(o.nodeDisks.enabled ? [describeDiskAgent(name, diskAgentImage, o.windowsNodes)] : []),
    ];
}

/**
 * The disk agent's DaemonSet: on every node (all taints tolerated), on the host's network so that it
 * reaches IMDS with hop limit 1 and publishes with the node role; the host's root mounted read-only at /rootfs
 * (`HOST_PROC`, `HOST_MOUNT_PREFIX`: the plugin reads the host's mount table and measures host paths), with
 * HostToContainer propagation so the containerd volume mounted at boot is seen. `image`: the CloudWatch agent's.
 * `linuxOnly` (with Windows nodes): a `kubernetes.io/os: linux` node selector, since it tolerates every taint
 * and its image and host paths are Linux's. Without Windows nodes the spec stays as it was (no new rollout).
 */
export function diskAgentSpec(image: pulumi.Input<string>, linuxOnly: boolean) {
    const labels = { "app.kubernetes.io/name": "node-disk-agent" };
    return {
        selector: { matchLabels: labels },
        template: {
            metadata: { labels },
            spec: {
                hostNetwork: true,
                dnsPolicy: "ClusterFirstWithHostNet",
                priorityClassName: "system-node-critical",
                ...(linuxOnly ? { nodeSelector: { ...LINUX_NODE_SELECTOR } } : {}),
                tolerations: [{ operator: "Exists" }],
                containers: [
                    {
                        name: "cloudwatch-agent",
                        image,
                        env: [
                            { name: "HOST_PROC", value: "/rootfs/proc" },
                            { name: "HOST_MOUNT_PREFIX", value: "/rootfs" },
                        ],
                        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                        volumeMounts: [
                            { name: "config", mountPath: "/etc/cwagentconfig" },
                            { name: "rootfs", mountPath: "/rootfs", readOnly: true, mountPropagation: "HostToContainer" },
                        ],
                    },
                ],
                volumes: [
                    { name: "config", configMap: { name: DISK_AGENT.name } },
                    { name: "rootfs", hostPath: { path: "/" } },
                ],
            },
        },
    };
}

/** The disk agent's DaemonSet as the Observability component named `name` registers it (and the guardrails read it). */
export function describeDiskAgent(name: string, image: pulumi.Input<string>, linuxOnly: boolean) {
    return {
        type: TYPES.daemonSet,
        name: `${name}-disk-agent`,
        inputs: { metadata: { name: DISK_AGENT.name, namespace: DISK_AGENT.namespace }, spec: diskAgentSpec(image, linuxOnly) },
    };
}
