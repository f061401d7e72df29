import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { BudgetNotificationType } from "../infra/addons/budget";
import { CoreDnsPlacement } from "../infra/model/addons";
import { ReclaimPolicy } from "../infra/addons/cluster-addons";
import { AccessPolicy, ClusterLogType, ClusterSupportType } from "../infra/cluster/cluster";
import { ConfigError, ConfigErrors } from "../infra/errors";
import { KarpenterLogLevel } from "../infra/karpenter/karpenter";
import { NatGateways } from "../infra/network/network";
import { AmiFamily } from "../infra/nodes/ec2-node-class";

/** Config namespace of this project (`eks-karpenter:<key>` in Pulumi.<stack>.yaml). */
export const NAMESPACE = "eks-karpenter";

const volume = z.object({ sizeGiB: z.number().optional(), iops: z.number().optional(), throughputMiBps: z.number().optional() }).strict();

const resources = z.object({ cpu: z.string().optional(), memory: z.string().optional() }).strict();

/**
 * A value of one of the components' enums, read as any string: the component checks it, and its error names
 * the component's setting and lists the values (`Cluster.enabledClusterLogTypes: "audits" is not valid; one of
 * api, ...`). Typed as the enum, so the config passes to the components as it is.
 */
function checkedByComponent<E extends Record<string, string>>(_values: E): z.ZodType<E[keyof E], z.ZodTypeDef, string> {
    return z.string() as unknown as z.ZodType<E[keyof E], z.ZodTypeDef, string>;
}

/** The schema of a stack's config: types and shapes. Ranges and cross-field rules live in the components. */
export const configSchema = z
    .object({
        clusterName: z.string(),
        kubernetesVersion: z.string().optional(),
        network: z
            .object({
                existingVpc: z
                    .object({ vpcId: z.string(), privateSubnetIds: z.array(z.string()), publicSubnetIds: z.array(z.string()).optional() })
                    .strict()
                    .optional(),
                cidrBlock: z.string().optional(),
                zoneCount: z.number().optional(),
                availabilityZones: z.array(z.string()).optional(),
                publicSubnets: z.boolean().optional(),
                natGateways: z.nativeEnum(NatGateways).optional(),
            })
            .strict()
            .optional(),
        privateCluster: z.boolean().optional(),
        endpoints: z
            .object({ enabled: z.boolean().optional(), additionalEndpoints: z.array(z.string()).optional() })
            .strict()
            .optional(),
        imageCache: z
            .object({ enabled: z.boolean().optional(), repositoryPrefix: z.string().optional(), createRule: z.boolean().optional() })
            .strict()
            .optional(),
        endpointPublicAccess: z.boolean().optional(),
        publicAccessCidrs: z.array(z.string()).optional(),
        clusterLogTypes: z.array(checkedByComponent(ClusterLogType)).optional(),
        secretsEncryption: z.boolean().optional(),
        protect: z.boolean().optional(),
        bootstrapClusterCreatorAdminPermissions: z.boolean().optional(),
        supportType: checkedByComponent(ClusterSupportType).optional(),
        accessEntries: z
            .array(z.object({ principalArn: z.string(), policy: checkedByComponent(AccessPolicy), namespaces: z.array(z.string()).optional() }).strict())
            .optional(),
        deployerCidrs: z.array(z.string()).optional(),
        deployerSecurityGroupIds: z.array(z.string()).optional(),
        karpenter: z
            .object({
                namespace: z.string().optional(),
                serviceAccountName: z.string().optional(),
                requests: resources.optional(),
                limits: resources.optional(),
                replicas: z.number().optional(),
                spotToSpotConsolidation: z.boolean().optional(),
                interruptionHandling: z.boolean().optional(),
                imageRepository: z.string().optional(),
                imageTag: z.string().optional(),
                imageDigest: z.string().optional(),
                logLevel: checkedByComponent(KarpenterLogLevel).optional(),
                podLabels: z.record(z.string()).optional(),
                createSpotServiceLinkedRole: z.boolean().optional(),
                nodeRepair: z.boolean().optional(),
                // One of the supported minors (KARPENTER_VERSIONS), checked with kubernetesVersion.
                version: z.string().optional(),
            })
            .strict()
            .optional(),
        nodes: z
            .object({
                spotPercent: z.number().optional(),
                gpu: z.boolean().optional(),
                devicePluginImage: z.object({ repository: z.string(), tag: z.string().optional() }).strict().optional(),
                amiFamily: z.nativeEnum(AmiFamily).optional(),
                amiVersion: z.string().optional(),
                rootVolume: volume.optional(),
                dataVolume: volume.extend({ deviceName: z.string().optional() }).strict().optional(),
            })
            .strict()
            .optional(),
        addons: z
            .object({
                versions: z.record(z.string()).optional(),
                coreDns: z
                    .object({ placement: checkedByComponent(CoreDnsPlacement).optional(), replicas: z.number().optional(), lameduck: z.string().optional() })
                    .strict()
                    .optional(),
                storageClass: z.object({ name: z.string().optional(), reclaimPolicy: checkedByComponent(ReclaimPolicy).optional() }).strict().optional(),
                namespaces: z
                    .array(
                        z
                            .object({
                                name: z.string(),
                                defaultCpuRequest: z.string().optional(),
                                defaultCpuLimit: z.string().optional(),
                                defaultMemory: z.string().optional(),
                                quota: z
                                    .object({ cpu: z.string().optional(), memory: z.string().optional(), pods: z.number().optional() })
                                    .strict()
                                    .optional(),
                                labels: z.record(z.string()).optional(),
                            })
                            .strict(),
                    )
                    .optional(),
            })
            .strict()
            .optional(),
        budget: z
            .object({
                limitAmount: z.number({ required_error: "required: the monthly limit in USD" }),
                notifications: z.array(z.object({ threshold: z.number(), type: checkedByComponent(BudgetNotificationType).optional() }).strict()).optional(),
                emailAddresses: z.array(z.string()).optional(),
                snsTopicArn: z.string().optional(),
                costAllocationTags: z.record(z.string()).optional(),
            })
            .strict()
            .optional(),
        observability: z
            .object({
                enabled: z.boolean().optional(),
                logRetentionDays: z.number().optional(),
                alerts: z.object({ topicArn: z.string().optional(), emailAddresses: z.array(z.string()).optional() }).strict().optional(),
                controllerLogAlarms: z.boolean().optional(),
                queueAlarms: z.object({ oldestMessageAgeSeconds: z.number().optional(), visibleMessages: z.number().optional() }).strict().optional(),
                costAnomaly: z
                    .object({ enabled: z.boolean().optional(), thresholdUsd: z.number().optional(), costAllocationTags: z.record(z.string()).optional() })
                    .strict()
                    .optional(),
                nodeDisks: z
                    .object({ enabled: z.boolean().optional(), rootThresholdPercent: z.number().optional(), containerdThresholdPercent: z.number().optional() })
                    .strict()
                    .optional(),
                nodeMonitoringAgent: z.boolean().optional(),
            })
            .strict()
            .optional(),
        podIdentityAssociations: z
            .array(z.object({ namespace: z.string(), serviceAccount: z.string(), roleArn: z.string() }).strict())
            .optional(),
        tags: z.record(z.string()).optional(),
    })
    .strict();

export type StackConfig = z.infer<typeof configSchema>;

/**
 * A namespace that is a near miss of this project's (`eks_karpenter`, `eks-karpentr`, `EKS-Karpenter`): a
 * typo that would otherwise be ignored, its setting silently left at the default. Near: equal once case,
 * `_` and `.` are folded to `-`, or at most two edits away.
 */
function isNearMiss(ns: string): boolean {
    if (ns === NAMESPACE) return false;
    const folded = ns.toLowerCase().replace(/[_.]/g, "-");
    return folded === NAMESPACE || editDistance(folded, NAMESPACE) <= 2;
}

function editDistance(a: string, b: string): number {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const next = [i];
        for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        row = next;
    }
    return row[b.length];
}

/**
 * Reads `eks-karpenter:*` config once and checks it. A key without a namespace is this project's (as
 * the Pulumi CLI reads it). Every bad key or value is reported at once: one ConfigError, or ConfigErrors
 * for several, each naming the setting as written in Pulumi.<stack>.yaml.
 */
export function loadConfig(raw: Record<string, string> = pulumi.runtime.allConfig()): StackConfig {
    const values: Record<string, unknown> = {};
    const errors: ConfigError[] = [];
    for (const [fullKey, value] of Object.entries(raw)) {
        const colon = fullKey.indexOf(":");
        const [ns, key] = colon < 0 ? [NAMESPACE, fullKey] : [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
        if (isNearMiss(ns)) {
            errors.push(new ConfigError(fullKey, value, `a key of this project's namespace: ${NAMESPACE}:${key}`));
            continue;
        }
        if (ns !== NAMESPACE) continue;
        values[key] = parseValue(key, value);
    }
    const result = configSchema.safeParse(values, {
        errorMap: (issue, ctx) => ({
            message: issue.code === "invalid_type" && issue.received === "undefined" ? "required" : ctx.defaultError,
        }),
    });
    if (!result.success) {
        for (const issue of result.error.issues) {
            const path = issue.path.join(".");
            const setting = `${NAMESPACE}:${issue.code === "unrecognized_keys" ? [path, ...issue.keys].filter(Boolean).join(".") : path}`;
            const value = valueAt(values, issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path);
            const allowed =
                issue.code === "unrecognized_keys"
                    ? `unknown key; known keys: ${knownKeys(issue.path).join(", ")}`
                    : issue.message;
            errors.push(new ConfigError(setting, value, allowed));
        }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new ConfigErrors(errors);
    return result.data!;
}

/**
 * Component settings (`Network.cidrBlock`, `Karpenter.requests.cpu`) as the config keys the stack sets them
 * from (`eks-karpenter:network.cidrBlock`): a stack's errors name what its user writes. Longest prefix
 * first; a setting of none of them is not one config sets, and keeps its name.
 */
const CONFIG_KEYS: readonly [string, string][] = [
    ["Environment.cluster.", ""],
    ["Cluster.enabledClusterLogTypes", "clusterLogTypes"],
    ["Cluster.", ""],
    ["Environment.network.", "network."],
    ["Network.region", "aws:region"],
    ["Network.", "network."],
    ["Environment.endpoints.", "endpoints."],
    ["PrivateEndpoints.", "endpoints."],
    ["Environment.imageCache.", "imageCache."],
    ["PublicEcrPullThroughCache.", "imageCache."],
    ["karpenter.", "karpenter."],
    ["Karpenter.", "karpenter."],
    ["ClusterAddons.", "addons."],
    ["WorkloadNamespaces.", "addons."],
    // The budget is named after the cluster: a name too long for AWS Budgets is the cluster name's.
    ["CostBudget.budgetName", "clusterName"],
    ["CostBudget.", "budget."],
    ["EC2NodeClass[default].", "nodes."],
    ["Environment.nodes.defaultPools.", "nodes."],
    ["Environment.nodes.devicePluginImage", "nodes.devicePluginImage"],
    ["defaultNodePools.", "nodes."],
    ["Environment.podIdentityAssociations", "podIdentityAssociations"],
    ["Environment.tags", "tags"],
    ["Environment.observability.", "observability."],
];

/** The config key of a component setting (see CONFIG_KEYS); `aws:` and `eks-karpenter:` keys are already config keys. */
export function configKey(setting: string): string {
    if (/^[a-z][a-z0-9-]*:/.test(setting)) return setting;
    const [prefix, key] = CONFIG_KEYS.find(([p]) => setting.startsWith(p)) ?? [];
    if (prefix === undefined) return setting;
    const mapped = key + setting.slice(prefix.length);
    return mapped.includes(":") ? mapped : `${NAMESPACE}:${mapped}`;
}

/** `e` (one ConfigError or several) with every setting, and every other setting its text mentions, named by its config key. */
export function asConfigKeys(e: ConfigError): ConfigError {
    const one = (x: ConfigError) => {
        const mentions = [...x.mentions].sort((a, b) => b.length - a.length);
        const allowed = mentions.reduce((text, m) => text.split(m).join(configKey(m)), x.allowed);
        return new ConfigError(configKey(x.setting), x.value, allowed, mentions.map(configKey));
    };
    return e instanceof ConfigErrors ? new ConfigErrors(e.errors.map(one)) : one(e);
}

/** Pulumi keeps every config value as a string: objects and lists as JSON. Parse what the schema expects. */
function parseValue(key: string, value: string): unknown {
    let schema: z.ZodTypeAny | undefined = configSchema.shape[key as keyof typeof configSchema.shape];
    while (schema instanceof z.ZodOptional) schema = schema.unwrap();
    if (schema instanceof z.ZodBoolean) return value === "true" ? true : value === "false" ? false : value;
    if (schema instanceof z.ZodObject || schema instanceof z.ZodArray || schema instanceof z.ZodRecord) {
        try {
            return JSON.parse(value);
        } catch {
            return value;
        }
    }
    return value;
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
    return path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), root);
}

function knownKeys(path: (string | number)[]): string[] {
    let schema: z.ZodTypeAny = configSchema;
    for (const key of path) {
        while (schema instanceof z.ZodOptional) schema = schema.unwrap();
        if (schema instanceof z.ZodObject) schema = schema.shape[key];
        else if (schema instanceof z.ZodArray) schema = schema.element;
    }
    while (schema instanceof z.ZodOptional) schema = schema.unwrap();
    return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}
