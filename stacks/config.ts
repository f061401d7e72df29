import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import Ajv, { ErrorObject } from "ajv";
import { ConfigError, ConfigErrors } from "../infra/errors";
import type { JsonSchema } from "../infra/model/json-schema";
import { REPO_ROOT } from "../infra/root";
import type { StackConfig } from "./stack-config";

export type { StackConfig } from "./stack-config";

/** Config namespace of this project (`eks-karpenter:<key>` in Pulumi.<stack>.yaml). */
export const NAMESPACE = "eks-karpenter";

/**
 * The JSON Schema of a stack's config, generated from StackConfig (stacks/stack-config.ts) by `npm run docs`:
 * types and shapes. Ranges and cross-field rules live in the components. Read from the repository (as
 * infra/root.ts says of every file that is not TypeScript), never from a copy in dist/.
 */
export const CONFIG_SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "stacks", "config.schema.json"), "utf8")) as JsonSchema;

/**
 * Enums whose values the loader checks itself. The other enums' values are checked by the component that
 * takes them (`Cluster.enabledClusterLogTypes: "audits" is not valid; one of api, ...`), so that their
 * errors come with that component's other checks, in one run.
 */
const ENUMS_CHECKED_ON_LOAD = ["NatGateways", "AmiFamily"];

const validateConfig = new Ajv({ allErrors: true, verbose: true }).compile<StackConfig>(CONFIG_SCHEMA);

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
    if (!validateConfig(values)) errors.push(...(validateConfig.errors ?? []).flatMap((e) => loadError(values, e)));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new ConfigErrors(errors);
    return values as unknown as StackConfig;
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

/**
 * Config keys of the classes and pools a stack file declares (`nodes.classes`, `nodes.pools`): a component's
 * setting of one (`NodePool[billing].weight`) named as its stack-file key (`nodes.pools[1].weight`).
 */
export function nodesConfigKeys(nodes: StackConfig["nodes"]): [string, string][] {
    return [
        ...(nodes?.pools ?? []).flatMap((p, i): [string, string][] => [
            [`NodePool[${p.name}].`, `nodes.pools[${i}].`],
            [`KarpenterNodes.nodePools[${p.name}].`, `nodes.pools[${i}].`],
        ]),
        ...(nodes?.classes ?? []).map((c, i): [string, string] => [`EC2NodeClass[${c.name}].`, `nodes.classes[${i}].`]),
        ["KarpenterNodes.nodePools", "nodes.pools"],
        ["Environment.nodes.nodePools", "nodes.pools"],
        ["KarpenterNodes.nodeClasses", "nodes.classes"],
    ];
}

/**
 * The config key of a component setting (see CONFIG_KEYS, after `keys`, a stack's own: nodesConfigKeys);
 * `aws:` and `eks-karpenter:` keys are already config keys.
 */
export function configKey(setting: string, keys: readonly [string, string][] = []): string {
    if (/^[a-z][a-z0-9-]*:/.test(setting)) return setting;
    const [prefix, key] = [...keys, ...CONFIG_KEYS].find(([p]) => setting.startsWith(p)) ?? [];
    if (prefix === undefined) return setting;
    const mapped = key + setting.slice(prefix.length);
    return mapped.includes(":") ? mapped : `${NAMESPACE}:${mapped}`;
}

/** `e` (one ConfigError or several) with every setting, and every other setting its text mentions, named by its config key. */
export function asConfigKeys(e: ConfigError, keys: readonly [string, string][] = []): ConfigError {
    const one = (x: ConfigError) => {
        const mentions = [...x.mentions].sort((a, b) => b.length - a.length);
        const allowed = mentions.reduce((text, m) => text.split(m).join(configKey(m, keys)), x.allowed);
        return new ConfigError(
            configKey(x.setting, keys),
            x.value,
            allowed,
            mentions.map((m) => configKey(m, keys)),
        );
    };
    return e instanceof ConfigErrors ? new ConfigErrors(e.errors.map(one)) : one(e);
}

/** Pulumi keeps every config value as a string: objects and lists as JSON. Parse what the schema expects. */
function parseValue(key: string, value: string): unknown {
    const type = CONFIG_SCHEMA.properties?.[key]?.type;
    if (type === "boolean") return value === "true" ? true : value === "false" ? false : value;
    if (type === "number" || type === "integer") return value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value;
    if (type === "object" || type === "array") {
        try {
            return JSON.parse(value);
        } catch {
            return value;
        }
    }
    return value;
}

/** A config key from a path of keys and list indices: `accessEntries[0].principalArn`. */
export function keyOfPath(path: readonly (string | number)[]): string {
    return path.reduce<string>((key, part) => (typeof part === "number" ? `${key}[${part}]` : key === "" ? part : `${key}.${part}`), "");
}

/** The schema's error as a ConfigError naming the config key, the value and what is allowed (none for an enum a component checks). */
function loadError(values: Record<string, unknown>, e: ErrorObject): ConfigError[] {
    const path = e.instancePath
        .split("/")
        .slice(1)
        .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
        .map((p, i, all) => (Array.isArray(valueAt(values, all.slice(0, i))) ? Number(p) : p));
    const parent = e.parentSchema as JsonSchema;
    const at = (p: (string | number)[]) => [`${NAMESPACE}:${keyOfPath(p)}`, valueAt(values, p)] as const;
    switch (e.keyword) {
        case "required": {
            const missing = [...path, (e.params as { missingProperty: string }).missingProperty];
            return [new ConfigError(`${NAMESPACE}:${keyOfPath(missing)}`, undefined, "required")];
        }
        case "additionalProperties": {
            const unknown = [...path, (e.params as { additionalProperty: string }).additionalProperty];
            return [new ConfigError(...at(unknown), `unknown key; known keys: ${Object.keys(parent.properties ?? {}).join(", ")}`)];
        }
        case "enum":
            if (!ENUMS_CHECKED_ON_LOAD.includes(parent.title ?? "")) return [];
            return [
                new ConfigError(
                    ...at(path),
                    `Invalid enum value. Expected ${parent.enum!.map((v) => `'${v}'`).join(" | ")}, received '${String(e.data)}'`,
                ),
            ];
        case "type":
            return [new ConfigError(...at(path), `Expected ${parent.type}, received ${typeName(e.data)}`)];
        default:
            return [new ConfigError(...at(path), e.message ?? e.keyword)];
    }
}

function typeName(value: unknown): string {
    return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
    return path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), root);
}

/**
 * Component settings a stack's config does not reach, each with the reason: the one place that says what
 * config leaves out (the README lists it under Configuration).
 */
export const NOT_IN_CONFIG: readonly { setting: string; reason: string }[] = [
    { setting: "Network.region", reason: "the stack's `aws:region` is the VPC's region" },
    {
        setting: "EnvironmentKarpenter.isolatedVpc",
        reason: "follows `privateCluster`: Karpenter must not call the pricing API from a VPC without an internet route, and has no reason to skip it in one with",
    },
    {
        setting: "EnvironmentKarpenter.createInstanceProfile",
        reason: "follows `privateCluster`: without an IAM endpoint Karpenter cannot make the node instance profile, so the program makes it in advance",
    },
    {
        setting: "EnvironmentArgs.guardrails",
        reason: "the guardrails' thresholds are the house's rules, not a stack's: a program sets them in `EnvironmentArgs.guardrails`, the policy pack from policy config (see [Guardrails, Options](#options))",
    },
    {
        setting: "EnvironmentNodes.nodeClasses / nodePools / defaultPools.profile",
        reason: "the stacks make one `default` EC2NodeClass and the default pools of their environment; other classes and pools are a program's (`KarpenterNodes`)",
    },
    { setting: "NodeClassSettings.kmsKeyId / tags", reason: "the volumes use the account's default EBS key and the environment's `tags`" },
    { setting: "ClusterSettings.tags / NetworkArgs.tags", reason: "every resource gets the environment's `tags`" },
];
