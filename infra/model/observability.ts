/**
 * Pure facts of the environment's monitoring: what Fargate's log router reads, the controller-log metric
 * filters and their alarms, the interruption-queue, node-disk and cost defaults. No imports: this layer
 * depends on nothing (no Pulumi, no other infra folder), so the guardrails, the offline plan and the tests
 * read the same values the component registers.
 */

/** Fargate's built-in log router (EKS user guide, "Start AWS Fargate logging for your cluster"). */
export const FARGATE_LOGGING = {
    /** The namespace the router watches; it must carry the label below. */
    namespace: "aws-observability",
    namespaceLabels: { "aws-observability": "enabled" },
    /** The ConfigMap the router reads when a Fargate pod starts (at most 5300 characters). */
    configMapName: "aws-logging",
    maxConfigMapChars: 5300,
} as const;

/**
 * The `aws-logging` ConfigMap's data: the CRI parser and the kubernetes filter of AWS's own example, so that a
 * JSON line (Karpenter's logs) is merged into the event's top level where `{ $.message = ... }` patterns find
 * it, and one CloudWatch Logs output into a group this program creates (so `auto_create_group false`, and the
 * pod execution role needs no logs:CreateLogGroup). `flb_log_cw` false: the router's own logs are not shipped.
 */
export function fargateLoggingData(region: string, logGroupName: string): Record<string, string> {
    return {
        flb_log_cw: "false",
        "filters.conf": [
            "[FILTER]",
            "    Name parser",
            "    Match *",
            "    Key_name log",
            "    Parser crio",
            "[FILTER]",
            "    Name kubernetes",
            "    Match kube.*",
            "    Merge_Log On",
            "    Keep_Log Off",
            "    Buffer_Size 0",
            "    Kube_Meta_Cache_TTL 300s",
            "",
        ].join("\n"),
        "output.conf": [
            "[OUTPUT]",
            "    Name cloudwatch_logs",
            "    Match kube.*",
            `    region ${region}`,
            `    log_group_name ${logGroupName}`,
            "    log_stream_prefix fargate-",
            "    auto_create_group false",
            "",
        ].join("\n"),
        "parsers.conf": [
            "[PARSER]",
            "    Name crio",
            "    Format Regex",
            "    Regex ^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>P|F) (?<log>.*)$",
            "    Time_Key    time",
            "    Time_Format %Y-%m-%dT%H:%M:%S.%L%z",
            "",
        ].join("\n"),
    };
}

/** The log group of the cluster's Fargate pods (the Karpenter controller, and CoreDNS when it runs there). */
export function fargateLogGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/fargate`;
}

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** The CloudWatch namespace of one cluster's controller-log and node-disk metrics. */
export function metricNamespace(clusterName: string): string {
    return `EKSKarpenter/${clusterName}`;
}

/** A metric filter on the controller's log and the alarm on its count. */
export interface ControllerLogAlarm {
    /** Stable suffix of the Pulumi names and the metric name. */
    id: string;
    metricName: string;
    /** CloudWatch Logs JSON filter pattern, matched against Karpenter's JSON log lines. */
    filterPattern: string;
    /** Matching lines within one period that fire the alarm. */
    threshold: number;
    periodSeconds: number;
    /** What a firing alarm means. */
    meaning: string;
}

/**
 * Alarms on Karpenter's own log lines (v1.9.0; the lines and where each comes from are in
 * reference/karpenter-1.9/controller-log/). Karpenter logs JSON with `level`, `message`, `error` and the
 * reconciling `controller`; an error's text keeps the EC2 error code.
 */
export const CONTROLLER_LOG_ALARMS: readonly ControllerLogAlarm[] = [
    {
        id: "nodepool-limit",
        metricName: "NodePoolLimitReached",
        filterPattern: '{ $.message = "could not schedule pod" && $.error = "*all available instance types exceed limits for nodepool*" }',
        threshold: 1,
        periodSeconds: 300,
        meaning: "pods stay Pending because a NodePool reached spec.limits: Karpenter adds no capacity for them",
    },
    {
        id: "insufficient-capacity",
        metricName: "InsufficientInstanceCapacity",
        filterPattern: '{ $.message = "failed launching nodeclaim" && $.error = "*InsufficientInstanceCapacity*" }',
        threshold: 5,
        periodSeconds: 900,
        meaning: "EC2 had none of the requested instance types in the zones tried; occasional with Spot, persistent when the pools are too narrow",
    },
    {
        id: "unauthorized",
        metricName: "UnauthorizedOperation",
        filterPattern: '{ $.level = "ERROR" && $.error = "*UnauthorizedOperation*" }',
        threshold: 1,
        periodSeconds: 300,
        meaning: "an EC2 call of the controller was refused: its role lacks a permission, or it runs without the IRSA role",
    },
    {
        id: "spot-service-linked-role",
        metricName: "SpotServiceLinkedRoleMissing",
        filterPattern: '{ $.level = "ERROR" && $.error = "*AuthFailure.ServiceLinkedRoleCreationNotPermitted*" }',
        threshold: 1,
        periodSeconds: 300,
        meaning: "Spot launches fail: the account has no AWSServiceRoleForEC2Spot and the controller may not create it",
    },
    {
        id: "interruption-handling",
        metricName: "InterruptionHandlingFailed",
        filterPattern: '{ $.level = "ERROR" && $.controller = "interruption" }',
        threshold: 1,
        periodSeconds: 300,
        meaning: "the controller could not read, parse or act on an interruption message: nodes may be reclaimed undrained",
    },
];

/** Defaults of the interruption queue's alarms. The queue keeps a message 300 s, so the age alarm fires well before. */
export const QUEUE_ALARM_DEFAULTS = { oldestMessageAgeSeconds: 120, visibleMessages: 100 } as const;

/** The node disks the CloudWatch agent measures, and where their usage alarms fire by default. */
export const NODE_DISKS = {
    root: { path: "/", defaultThresholdPercent: 80 },
    containerd: { path: "/var/lib/containerd", defaultThresholdPercent: 90 },
} as const;

/** The node-disk agent's namespace, name (DaemonSet and ConfigMap) and the file the agent reads its configuration from. */
export const DISK_AGENT = { namespace: "amazon-cloudwatch", name: "node-disk-agent", configFile: "cwagentconfig.json" } as const;

/** The agent's metric (the `disk` plugin's `used_percent`, named `disk_used_percent` in CloudWatch). */
export const DISK_METRIC = "disk_used_percent";

/**
 * Kubelet image garbage collection on the default EC2NodeClasses: above `high` percent of the image
 * filesystem (the containerd volume on AL2023) kubelet deletes unused images until usage is below `low`.
 * Both below the containerd alarm, so the volume cleans itself before the alarm would fire.
 */
export const IMAGE_GC_DEFAULTS = { highThresholdPercent: 85, lowThresholdPercent: 80 } as const;

/** Default absolute impact (USD) of a cost anomaly that is reported. */
export const COST_ANOMALY_DEFAULT_THRESHOLD_USD = 100;

/** An SNS topic ARN (partition, region, 12-digit account, topic name). */
export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$/;

/** An e-mail address as SNS and AWS Budgets take it. */
export const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/;
