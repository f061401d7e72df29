/**
 * What the plan knows about each resource type, in one table: which inputs a reviewer wants to see,
 * how long the type takes to create, which inputs name a resource that must exist first, and what the
 * type costs while nothing runs on the cluster. A new type (a NodePool, a VPC endpoint, an add-on)
 * plugs in with an entry here; nothing else in the plan names a type.
 *
 * Keys are a full type token or a prefix of one (`aws:iam/`, `kubernetes:`): a type's entry is every
 * matching key's entry merged, the longest last, so an exact entry refines its family's.
 */
import { ADDON_NAMESPACE, COREDNS_POD_LABELS, EBS_CSI_CONTROLLER_POD_LABELS } from "../../infra/model/addons";
import { CONTROLLER_DEFAULTS } from "../../infra/model/karpenter";
import { parseQuantity } from "../../infra/karpenter/quantity";
import { FargateSelectorPattern, fargateSelectorMatches } from "../../infra/model/fargate";
import { DISK_AGENT } from "../../infra/model/observability";
import { GIB, ONE, toNumber } from "../../infra/model/quantity";
import { TYPES } from "../../infra/model/tokens";
import type { Registered } from "../runner";
import * as review from "./review";
import { EKS_STANDARD_SUPPORT_END, HOURS_PER_MONTH, RegionPrices, fargateSize } from "./prices";

export type Inputs = Record<string, any>;

/** What a cost function gets: the region's prices, the day the estimate is for, every resource. */
export interface CostContext {
    prices: RegionPrices;
    date: Date;
    resources: Registered[];
}

export interface CostLine {
    /** What is billed (`EKS control plane`). */
    item: string;
    /** How the figure is made, with the rates. */
    detail: string;
    /** USD per month. */
    monthly: number;
}

export interface TypeEntry {
    /** The inputs shown in the tree: label → dotted input path, or a function of the inputs. */
    show?: Record<string, string | ((inputs: Inputs) => unknown)>;
    /** Estimated minutes to create, or a function of the inputs. Components without one take none. */
    minutes?: number | ((inputs: Inputs) => number);
    /** Inputs whose value names a resource that must exist first (an EKS cluster, an IAM role). */
    references?: string[];
    /** Monthly baseline cost. */
    cost?: (r: Registered, ctx: CostContext) => CostLine[];
    /** A cost that depends on use rather than on what is created: printed as a note. */
    note?: (r: Registered, ctx: CostContext) => string | undefined;
}

/** Log volume assumed of the Fargate pods (the Karpenter controller at info level, CoreDNS), GB a month. */
const ASSUMED_FARGATE_LOG_GB_MONTH = 1;

/**
 * Custom metrics the node-disk agent publishes per cluster: `disk_used_percent` of two paths, each with the
 * `path` dimension alone (aggregated) and with `path` and `fstype`.
 */
const DISK_AGENT_METRICS = 4;

function round2(n: number): number {
    return Math.round(n * 100) / 100;
}

/** Minutes assumed for a custom resource type with no entry; the plan names such types. */
export const UNKNOWN_TYPE_MINUTES = 0.5;

/** Minutes of a Helm release that starts pods and waits for them: on Fargate a micro-VM per pod (~1 min), image pull, readiness. */
const HELM_WORKLOAD_MINUTES = 3;
/** Minutes of a chart that only applies API objects (CRDs). */
const HELM_CRD_MINUTES = 0.5;
/** Minutes of an EKS add-on until ACTIVE (1–2 min), where its pods can be scheduled at once (DaemonSets, Fargate). */
const ADDON_MINUTES = 1.5;
/**
 * Minutes more for an add-on whose pods need an EC2 node: on a first `pulumi up` none exists, and EKS
 * reports the add-on ACTIVE only once Karpenter has launched one and it is Ready (launch, boot, join).
 */
const FIRST_NODE_MINUTES = 1.5;

/** What a chart or an EKS add-on keeps running, read from its values or configuration. */
export interface Workload {
    namespace: string;
    replicas: number;
    /** Per pod; what a Fargate pod is sized from. */
    requests?: { cpu?: string; memory?: string };
    podLabels: Record<string, string>;
    /** The pods ask for EC2 whatever Fargate profile selects them. */
    ec2Only?: boolean;
}

/** Per chart name (the last segment of `chart`): its workload, from the release's namespace and values. */
export const CHARTS: Record<string, (namespace: string, values: Inputs) => Workload> = {
    karpenter: (namespace, v) => ({
        namespace,
        replicas: v.replicas ?? 2,
        requests: v.controller?.resources?.requests ?? {},
        podLabels: v.podLabels ?? {},
    }),
};

/**
 * Per EKS add-on name: the Deployment it runs, from its configuration values. Unset values are the
 * add-on's defaults (`aws eks describe-addon-configuration`). DaemonSets run on whatever nodes there are.
 */
export const ADDONS: Record<string, (config: Inputs) => Workload> = {
    // Without `computeType: Fargate` the add-on annotates its pods for EC2.
    coredns: (c) => ({
        namespace: ADDON_NAMESPACE,
        replicas: c.replicaCount ?? 2,
        requests: c.resources?.requests ?? { cpu: "100m", memory: "70Mi" },
        podLabels: COREDNS_POD_LABELS,
        ec2Only: c.computeType !== "Fargate",
    }),
    // Its controller runs on Fargate where the cluster's profile selects it (the driver chart's default
    // requests); the node DaemonSet runs on each EC2 node and is not a baseline cost.
    "aws-ebs-csi-driver": (c) => ({
        namespace: ADDON_NAMESPACE,
        replicas: c.controller?.replicaCount ?? 2,
        requests: c.controller?.resources?.requests ?? { cpu: "10m", memory: "40Mi" },
        podLabels: EBS_CSI_CONTROLLER_POD_LABELS,
    }),
};

export const RESOURCE_TYPES: Record<string, TypeEntry> = {
    "aws:": { show: { tags: "tags" }, references: ["clusterName", "role", "rule", "queueUrl", "vpcId", "subnetId", "subnetIds", "routeTableId", "allocationId"] },

    // EKS: the control plane takes ~10 min (8–12); the OIDC provider after it (it needs the issuer) and the
    // cluster role before it are IAM calls of seconds.
    "aws:eks/cluster:Cluster": {
        minutes: 10,
        show: {
            version: "version",
            endpoint: (i) => [i.vpcConfig?.endpointPublicAccess && "public", i.vpcConfig?.endpointPrivateAccess && "private"].filter(Boolean).join(" + "),
            "public CIDRs": "vpcConfig.publicAccessCidrs",
            logs: (i) => (i.enabledClusterLogTypes?.length ? i.enabledClusterLogTypes : "none"),
            "secrets encryption": (i) => (i.encryptionConfig ? "KMS" : "none"),
            authentication: "accessConfig.authenticationMode",
            "creator is admin": "accessConfig.bootstrapClusterCreatorAdminPermissions",
            "self-managed add-ons": "bootstrapSelfManagedAddons",
            support: "upgradePolicy.supportType",
            "deletion protection": "deletionProtection",
        },
        cost: (r, ctx) => [eksControlPlane(r.inputs.version, r.inputs.upgradePolicy?.supportType, ctx)],
        note: (r, ctx) => controlPlaneLogsNote(r.inputs.enabledClusterLogTypes, ctx),
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": { show: { "client IDs": "clientIdLists" } },
    "aws:eks/fargateProfile:FargateProfile": {
        minutes: 3,
        show: { profile: "fargateProfileName", selectors: "selectors" },
    },
    "aws:eks/addon:Addon": {
        minutes: (i) => ADDON_MINUTES + (addonWorkload(i)?.ec2Only ? FIRST_NODE_MINUTES : 0),
        show: {
            addon: "addonName",
            version: "addonVersion",
            replicas: (i) => addonWorkload(i)?.replicas,
            requests: (i) => addonWorkload(i)?.requests,
            "compute type": (i) => safeJson(i.configurationValues)?.computeType,
        },
        cost: (r, ctx) => fargatePods(addonWorkload(r.inputs), ctx),
    },
    "aws:eks/accessEntry:AccessEntry": { minutes: 0.1, show: { principal: "principalArn", type: "type" } },
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {
        minutes: 0.1,
        show: {
            principal: "principalArn",
            policy: (i) => String(i.policyArn ?? "").split("/").pop(),
            scope: (i) => (i.accessScope?.type === "namespace" ? i.accessScope.namespaces : i.accessScope?.type),
        },
    },
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
        minutes: 0.1,
        show: { "service account": (i) => `${i.namespace}/${i.serviceAccount}` },
    },

    // IAM, SQS, EventBridge, KMS, logs, budgets: API calls of a few seconds.
    "aws:iam/": { minutes: 0.1 },
    "aws:iam/role:Role": { show: { name: "name", trust: (i) => review.statements(i.assumeRolePolicy), inline: (i) => i.inlinePolicies?.flatMap((p: Inputs) => review.statements(p.policy) ?? []) } },
    "aws:iam/policy:Policy": { show: { name: "name", statements: (i) => review.statements(i.policy) } },
    "aws:iam/rolePolicy:RolePolicy": { show: { statements: (i) => review.statements(i.policy) } },
    "aws:sqs/queuePolicy:QueuePolicy": { show: { statements: (i) => review.statements(i.policy) } },
    "aws:ec2/securityGroup:SecurityGroup": { show: { rules: (i) => review.securityGroupRules(i) } },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { show: { policy: (i) => String(i.policyArn ?? "").split("/").pop() } },
    "aws:iam/instanceProfile:InstanceProfile": { show: { name: "name" } },
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": { show: { service: "awsServiceName" } },
    "aws:sqs/": { minutes: 0.1 },
    "aws:sqs/queue:Queue": {
        show: { name: "name", "retention (s)": "messageRetentionSeconds", "SSE (SQS-managed)": "sqsManagedSseEnabled" },
        note: () => "SQS: Karpenter long-polls the interruption queue (~130,000 requests a month), inside the 1 million free requests: negligible.",
    },
    "aws:cloudwatch/": { minutes: 0.1 },
    "aws:cloudwatch/eventRule:EventRule": { show: { event: (i) => safeJson(i.eventPattern)?.["detail-type"] } },
    "aws:cloudwatch/logGroup:LogGroup": {
        show: { name: "name", "retention (days)": "retentionInDays" },
        note: (r, ctx) => {
            const stored = Math.min(1, (r.inputs.retentionInDays ?? 30) / 30) * ASSUMED_FARGATE_LOG_GB_MONTH;
            const monthly = ASSUMED_FARGATE_LOG_GB_MONTH * ctx.prices.logsIngestGb + stored * ctx.prices.logsStorageGbMonth;
            return (
                `CloudWatch Logs (${r.name}): ${usd(ctx.prices.logsIngestGb)}/GB ingested, ${usd(ctx.prices.logsStorageGbMonth)}/GB-month stored; ` +
                `assuming ${ASSUMED_FARGATE_LOG_GB_MONTH} GB a month from the Fargate pods (the controller at info level, CoreDNS) kept ${r.inputs.retentionInDays ?? "forever"} days: about ${usd(round2(monthly))} a month.`
            );
        },
    },
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": {
        show: { pattern: "pattern", metric: (i) => `${i.metricTransformation?.namespace}/${i.metricTransformation?.name}` },
        note: (r, ctx) =>
            `CloudWatch metric (${r.name}): a custom metric, ${usd(ctx.prices.customMetricMonth)} a month in each month it records a match ` +
            "(a log-derived metric is billed only while the filter publishes it).",
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        show: {
            metric: (i) => `${i.namespace}/${i.metricName}`,
            dimensions: "dimensions",
            when: (i) => `${i.statistic} ${i.comparisonOperator} ${i.threshold} over ${i.period}s`,
        },
        cost: (_r, ctx) => [{ item: "CloudWatch alarm", detail: `${usd(ctx.prices.cloudwatchAlarmMonth)}/alarm-month (standard resolution)`, monthly: ctx.prices.cloudwatchAlarmMonth }],
    },
    "aws:sns/": { minutes: 0.1 },
    "aws:sns/topic:Topic": { show: { name: "name" }, note: (r) => `SNS (${r.name}): e-mail notifications, the first 1,000 a month free; an alarm sends a few: negligible.` },
    "aws:sns/topicPolicy:TopicPolicy": { show: { statements: (i) => review.statements(i.policy) } },
    "aws:sns/topicSubscription:TopicSubscription": { show: { protocol: "protocol", endpoint: "endpoint" } },
    "aws:costexplorer/": { minutes: 0.1 },
    "aws:costexplorer/anomalyMonitor:AnomalyMonitor": {
        show: { type: "monitorType", specification: (i) => safeJson(i.monitorSpecification) },
        note: (r) => `Cost Anomaly Detection (${r.name}): monitors and subscriptions are free.`,
    },
    "aws:costexplorer/anomalySubscription:AnomalySubscription": {
        show: { frequency: "frequency", threshold: (i) => i.thresholdExpression?.dimension?.values?.[0] && `impact >= $${i.thresholdExpression.dimension.values[0]}` },
    },
    "aws:kms/keyPolicy:KeyPolicy": { minutes: 0.1, show: { statements: (i) => review.statements(i.policy) } },
    "aws:kms/key:Key": {
        minutes: 0.1,
        show: { rotation: "enableKeyRotation", "deletion window (days)": "deletionWindowInDays" },
        cost: (_r, ctx) => [{ item: "KMS key", detail: `${usd(ctx.prices.kmsKeyMonth)}/month (each of the first two yearly rotations adds as much)`, monthly: ctx.prices.kmsKeyMonth }],
    },
    "aws:ecr/": { minutes: 0.1 },
    "aws:ecr/pullThroughCacheRule:PullThroughCacheRule": {
        show: { prefix: "ecrRepositoryPrefix", upstream: "upstreamRegistryUrl" },
        note: (r, ctx) =>
            `ECR pull-through cache (${r.name}): the rule costs nothing; the images it caches are private ECR storage at ` +
            `${usd(ctx.prices.ecrStorageGbMonth)}/GB-month (the controller image: cents), so it is not in the total.`,
    },
    "aws:budgets/budget:Budget": {
        minutes: 0.1,
        show: {
            limit: (i) => (i.limitAmount ? `${i.limitAmount} ${i.limitUnit ?? "USD"} per ${String(i.timeUnit ?? "MONTHLY").toLowerCase()}` : undefined),
            notifications: (i) => review.budgetNotifications(i),
        },
    },

    // Network.
    "aws:ec2/": { minutes: 0.1 },
    "aws:vpc/": { minutes: 0.1 },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        show: {
            ports: (i) => (i.fromPort === i.toPort ? i.fromPort : `${i.fromPort}-${i.toPort}`),
            from: (i) => i.cidrIpv4 ?? i.referencedSecurityGroupId ?? i.prefixListId,
        },
    },
    "aws:ec2/tag:Tag": { minutes: 0.05, show: { tag: (i) => `${i.key}=${i.value}` } },
    "aws:ec2/vpc:Vpc": { show: { cidr: "cidrBlock" } },
    "aws:ec2/subnet:Subnet": {
        show: {
            cidr: "cidrBlock",
            zone: "availabilityZone",
            // Which load balancers the subnet takes (its role tag), and whether instances get a public IP by themselves.
            "load balancers": (i) => (i.tags?.["kubernetes.io/role/elb"] ? "internet-facing" : i.tags?.["kubernetes.io/role/internal-elb"] ? "internal" : undefined),
            mapPublicIpOnLaunch: "mapPublicIpOnLaunch",
        },
    },
    "aws:ec2/natGateway:NatGateway": {
        minutes: 2,
        show: { connectivity: "connectivityType" },
        cost: (_r, ctx) => [hourly("NAT gateway", ctx.prices.natGatewayHour, 1, "per gateway; data processing per GB not included")],
    },
    "aws:ec2/eip:Eip": {
        cost: (_r, ctx) => [hourly("Public IPv4 address", ctx.prices.publicIpv4Hour, 1, "per Elastic IP")],
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": {
        minutes: (i) => (isInterfaceEndpoint(i) ? 2.5 : 0.2),
        show: {
            service: "serviceName",
            type: (i) => i.vpcEndpointType ?? "Gateway",
            "private DNS": "privateDnsEnabled",
            zones: (i) => (isInterfaceEndpoint(i) ? (i.subnetIds ?? []).length : undefined),
        },
        cost: (r, ctx) => {
            if (!isInterfaceEndpoint(r.inputs)) return [];
            const zones = (r.inputs.subnetIds ?? []).length;
            return [hourly(`Interface endpoint ${r.inputs.serviceName ?? r.name}`, ctx.prices.interfaceEndpointAzHour, zones, `× ${zones} AZ; data processing per GB not included`)];
        },
    },

    // Kubernetes: API objects apply in seconds; a chart that starts pods waits for them to be ready.
    // An object lives in a namespace; a chart's values and an object's spec name what its pods use (a
    // queue, a role): all must exist first.
    "kubernetes:": { minutes: 0.05, show: { name: "metadata.name" }, references: ["namespace", "metadata", "values", "spec"] },
    "kubernetes:helm.sh/v3:Release": {
        minutes: (i) => (String(i.chart ?? "").endsWith("-crd") ? HELM_CRD_MINUTES : HELM_WORKLOAD_MINUTES),
        show: {
            chart: "chart",
            version: "version",
            namespace: "namespace",
            replicas: (i) => chartWorkload(i)?.replicas,
            requests: (i) => chartWorkload(i)?.requests,
            "values off the chart's defaults": (i) => review.valuesOffDefaults(i),
        },
        cost: (r, ctx) => fargatePods(chartWorkload(r.inputs), ctx),
        note: (r, ctx) => controllerSavingNote(r, ctx),
    },
    "kubernetes:karpenter.sh/v1:NodePool": {
        show: {
            weight: "spec.weight",
            limits: "spec.limits",
            "node class": "spec.template.spec.nodeClassRef.name",
            architectures: (i) => requirement(i, "kubernetes.io/arch"),
            "capacity types": (i) => requirement(i, "karpenter.sh/capacity-type"),
            families: (i) => requirement(i, "karpenter.k8s.aws/instance-family"),
            "spread label": (i) => requirement(i, "capacity-spread"),
            requirements: (i) => review.requirements(i),
            taints: "spec.template.spec.taints",
            disruption: (i) => review.disruption(i),
        },
    },
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": {
        show: {
            ami: (i) => i.spec?.amiSelectorTerms?.map((t: Inputs) => t.alias ?? t.id ?? t.name),
            role: "spec.role",
            "instance profile": "spec.instanceProfile",
            volumes: (i) => review.volumes(i),
            IMDS: (i) => review.imds(i),
            "user data": (i) => review.userDataParts(i),
            tags: "spec.tags",
        },
    },
    "kubernetes:core/v1:ResourceQuota": { show: { hard: "spec.hard" } },
    "kubernetes:apps/v1:DaemonSet": {
        show: { image: "spec.template.spec.containers[0].image", requests: (i) => i.spec?.template?.spec?.containers?.[0]?.resources?.requests },
        cost: (r, ctx) =>
            r.inputs.metadata?.name === DISK_AGENT.name
                ? [{ item: "CloudWatch custom metrics (node disks)", detail: `${DISK_AGENT_METRICS} metrics × ${usd(ctx.prices.customMetricMonth)}/metric-month`, monthly: DISK_AGENT_METRICS * ctx.prices.customMetricMonth }]
                : [],
        note: (r) => `DaemonSet ${r.inputs.metadata?.name}: its requests are taken on every node Karpenter launches (in the nodes' price, not the baseline).`,
    },
    "kubernetes:core/v1:LimitRange": {
        show: { limits: (i) => i.spec?.limits?.map((l: Inputs) => `${l.type}: default ${JSON.stringify(l.default ?? {})}, request ${JSON.stringify(l.defaultRequest ?? {})}`) },
    },

    // Configuration only: no cloud call.
    "pulumi:providers:": { minutes: 0 },
    "random:": { minutes: 0, show: { length: "length" } },
};

/** The merged entry of a type. */
export function entryOf(type: string): TypeEntry {
    return Object.keys(RESOURCE_TYPES)
        .filter((key) => type === key || ((key.endsWith(":") || key.endsWith("/")) && type.startsWith(key)))
        .sort((a, b) => a.length - b.length)
        // `show` adds up (a family's tags, then the type's own settings); the rest of an exact entry replaces its family's.
        .reduce<TypeEntry>((merged, key) => ({ ...merged, ...RESOURCE_TYPES[key], show: { ...merged.show, ...RESOURCE_TYPES[key].show } }), {});
}

/** Estimated minutes to create `r`; undefined for a custom type the table does not know. */
export function minutesOf(r: Pick<Registered, "type" | "custom" | "inputs">): number | undefined {
    const minutes = entryOf(r.type).minutes;
    if (minutes === undefined) return r.custom ? undefined : 0;
    return typeof minutes === "function" ? minutes(r.inputs) : minutes;
}

/** The settings of `r` a reviewer cares about, from its type's `show`; unset ones left out. */
export function settingsOf(r: Pick<Registered, "type" | "inputs" | "protect">): Record<string, unknown> {
    const settings: Record<string, unknown> = {};
    for (const [label, how] of Object.entries(entryOf(r.type).show ?? {})) {
        const value = typeof how === "function" ? how(r.inputs) : valueAt(r.inputs, how);
        if (value !== undefined && value !== "" && !(Array.isArray(value) && value.length === 0)) settings[label] = value;
    }
    if (r.protect) settings.protect = true;
    return settings;
}

function valueAt(root: unknown, dotted: string): unknown {
    return dotted
        .split(".")
        .reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), root);
}

export function chartWorkload(inputs: Inputs): Workload | undefined {
    const chart = String(inputs.chart ?? "").split("/").pop() ?? "";
    return CHARTS[chart]?.(inputs.namespace ?? "default", inputs.values ?? {});
}

export function addonWorkload(inputs: Inputs): Workload | undefined {
    return ADDONS[inputs.addonName]?.(safeJson(inputs.configurationValues) ?? {});
}

function hourly(item: string, rate: number, count: number, what: string): CostLine {
    return { item, detail: `${usd(rate)}/h ${what}`, monthly: rate * count * HOURS_PER_MONTH };
}

/** A rate in dollars, with at least cents (`$0.60`, `$0.004865`). */
export function usd(rate: number): string {
    return `$${rate.toFixed(Math.max(2, (String(rate).split(".")[1] ?? "").length))}`;
}

function isInterfaceEndpoint(i: Inputs): boolean {
    return i.vpcEndpointType === "Interface";
}

function requirement(i: Inputs, key: string): unknown {
    return i.spec?.template?.spec?.requirements?.find((r: Inputs) => r.key === key)?.values;
}

function safeJson(text: unknown): Inputs | undefined {
    try {
        return typeof text === "string" ? JSON.parse(text) : undefined;
    } catch {
        return undefined;
    }
}

/**
 * The control plane at the standard or extended-support rate, by the version's support calendar. A cluster
 * whose support type is STANDARD never pays extended support: EKS upgrades it when standard support ends.
 */
function eksControlPlane(version: string | undefined, supportType: string | undefined, ctx: CostContext): CostLine {
    const end = version ? EKS_STANDARD_SUPPORT_END.versions[version] : undefined;
    const past = end !== undefined && ctx.date.toISOString().slice(0, 10) > end;
    const extended = past && supportType !== "STANDARD";
    const rate = extended ? ctx.prices.eksExtendedClusterHour : ctx.prices.eksClusterHour;
    const support = end === undefined
        ? `Kubernetes ${version}: not in the support calendar, standard support assumed`
        : extended
          ? `Kubernetes ${version} is in extended support since ${end}: upgrade to return to the standard rate`
          : past
            ? `Kubernetes ${version} left standard support on ${end}: with support type STANDARD, EKS upgrades the control plane`
            : `Kubernetes ${version}, standard support until ${end}${supportType === "STANDARD" ? " (then upgraded automatically)" : ""}`;
    return { item: "EKS control plane", detail: `${usd(rate)}/h; ${support}`, monthly: rate * HOURS_PER_MONTH };
}

function controlPlaneLogsNote(types: string[] | undefined, ctx: CostContext): string | undefined {
    if (!types?.length) return undefined;
    return `CloudWatch Logs: control-plane logs (${types.join(", ")}) cost ${usd(ctx.prices.logsIngestGb)}/GB ingested and ${usd(ctx.prices.logsStorageGbMonth)}/GB-month stored; the volume follows API traffic (audit logs dominate), so it is not in the total.`;
}

/** Whether a Fargate profile selects the workload's pods (their namespace, and labels they carry) and they may run there. */
export function onFargate(workload: Workload, ctx: CostContext): boolean {
    return (
        !workload.ec2Only &&
        ctx.resources
            .filter((p) => p.type === TYPES.fargateProfile)
            .flatMap((p) => (p.inputs.selectors ?? []) as FargateSelectorPattern[])
            .some((s) => fargateSelectorMatches(s, workload.namespace, workload.podLabels))
    );
}

/** A workload's pods on Fargate: replicas × the Fargate size of their requests, running all month. */
function fargatePods(workload: Workload | undefined, ctx: CostContext): CostLine[] {
    if (!workload || !onFargate(workload, ctx)) return [];
    const requests = workload.requests ?? {};
    // Numbers for the price estimate only (Fargate's sizes are multiples of 0.25 vCPU and 0.5 GB).
    const cpu = toNumber(parseQuantity("requests.cpu", requests.cpu ?? "0"), ONE);
    const memoryGb = toNumber(parseQuantity("requests.memory", requests.memory ?? "0"), GIB);
    const size = fargateSize(cpu, memoryGb);
    const perPodHour = size.vcpu * ctx.prices.fargateVcpuHour + size.memoryGb * ctx.prices.fargateGbHour;
    return [
        {
            item: "Fargate pods",
            detail:
                `${workload.replicas} × ${size.vcpu} vCPU / ${size.memoryGb} GB (requests ${requests.cpu ?? "none"} CPU, ` +
                `${requests.memory ?? "none"} + 256 MB, rounded up to a Fargate size) at ${usd(ctx.prices.fargateVcpuHour)}/vCPU-h + ${usd(ctx.prices.fargateGbHour)}/GB-h`,
            monthly: workload.replicas * perPodHour * HOURS_PER_MONTH,
        },
    ];
}

/**
 * What the Karpenter controller's replicas and requests save against the library's defaults (2 × 1 CPU /
 * 1Gi), when they are smaller: dev's cheaper default, reported with its trade-off.
 */
function controllerSavingNote(r: Registered, ctx: CostContext): string | undefined {
    const actual = chartWorkload(r.inputs);
    if (!actual || !String(r.inputs.chart ?? "").endsWith("/karpenter")) return undefined;
    const standard = { ...actual, replicas: CONTROLLER_DEFAULTS.replicas, requests: { ...CONTROLLER_DEFAULTS.requests } };
    const monthly = (w: Workload) => fargatePods(w, ctx).reduce((sum, l) => sum + l.monthly, 0);
    const saving = monthly(standard) - monthly(actual);
    if (saving <= 0) return undefined;
    return (
        `Saving: ${r.name} runs ${actual.replicas} × ${actual.requests?.cpu} CPU / ${actual.requests?.memory} instead of the library's ` +
        `${CONTROLLER_DEFAULTS.replicas} × ${CONTROLLER_DEFAULTS.requests.cpu} / ${CONTROLLER_DEFAULTS.requests.memory}: $${saving.toFixed(2)} a month less. ` +
        (actual.replicas < CONTROLLER_DEFAULTS.replicas
            ? "Trade-off: with one replica, no node is launched, consolidated or drained while its pod restarts (about a minute on Fargate)."
            : "Trade-off: smaller requests schedule large bursts of pending pods more slowly.")
    );
}
