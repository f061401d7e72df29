import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { check } from "../errors";
import { parseQuantity } from "../karpenter/quantity";
import { TYPES } from "../model/tokens";
import { VERSIONS } from "../model/versions";
import { checkDuration, checkInteger, checkLabelValue, checkObjectName, checkQualifiedKey, checkUnrestrictedKey } from "./validation";

/** CPU architecture of a node. */
export enum Architecture {
    /** Graviton. */
    Arm64 = "arm64",
    /** Intel or AMD x86. */
    Amd64 = "amd64",
}

/** Operating system of a pool's nodes: the family of its EC2NodeClass's AMI. */
export enum OperatingSystem {
    Linux = "linux",
    /** Windows Server (a Windows EC2NodeClass): amd64 only. */
    Windows = "windows",
}

/** How an EC2 instance is bought. */
export enum CapacityType {
    /** Spare capacity at a discount; EC2 can take it back with two minutes' notice. */
    Spot = "spot",
    /** Full price, never interrupted. */
    OnDemand = "on-demand",
}

/** Which nodes consolidation may remove or replace. */
export enum ConsolidationPolicy {
    /** Remove only nodes without workload pods (for work that must not be moved, such as GPU jobs). */
    WhenEmpty = "WhenEmpty",
    /** Also replace or remove underused nodes, moving their pods. */
    WhenEmptyOrUnderutilized = "WhenEmptyOrUnderutilized",
}

/** Why Karpenter disrupts a node (what a disruption budget can limit). */
export enum DisruptionReason {
    /** Consolidation of an underused node. */
    Underutilized = "Underutilized",
    /** Removal of a node without workload pods. */
    Empty = "Empty",
    /** Replacement of a node that no longer matches its NodePool or EC2NodeClass (a new AMI, for one). */
    Drifted = "Drifted",
}

/** What a taint does to pods that do not tolerate it. */
export enum TaintEffect {
    NoSchedule = "NoSchedule",
    PreferNoSchedule = "PreferNoSchedule",
    NoExecute = "NoExecute",
}

/** How a node requirement compares a label's value. */
export enum RequirementOperator {
    In = "In",
    NotIn = "NotIn",
    Exists = "Exists",
    DoesNotExist = "DoesNotExist",
    Gt = "Gt",
    Lt = "Lt",
}

/** A node requirement beyond the ones a NodePool's settings name (zones, CPU, custom labels...). */
export interface NodeRequirement {
    /** Label key, e.g. `topology.kubernetes.io/zone`. */
    key: string;
    /** How the node's label value is compared with `values`. */
    operator: RequirementOperator;
    /** Values: at least one for In, exactly one whole number for Gt and Lt, none for Exists and DoesNotExist. @default [] */
    values?: string[];
}

/** A taint on a pool's nodes: only pods that tolerate it are scheduled there. */
export interface Taint {
    /** Taint key, a qualified name (`nvidia.com/gpu`). */
    key: string;
    /** Taint value. @default no value */
    value?: string;
    /** What the taint does to pods that do not tolerate it. */
    effect: TaintEffect;
}

/** A disruption budget: how many nodes Karpenter may disrupt at once, optionally only in a time window. */
export interface DisruptionBudget {
    /** A node count (`"2"`) or a percentage of the pool's nodes (`"10%"`); `"0"` blocks disruption. */
    nodes: string;
    /** Cron schedule (UTC) at which the budget starts, e.g. `"0 9 * * mon-fri"`; needs `duration`. @default always */
    schedule?: string;
    /** How long the budget applies after each `schedule` start, in hours and minutes (`"8h"`); needs `schedule`. @default always */
    duration?: string;
    /** The disruption reasons the budget limits. @default all reasons */
    reasons?: DisruptionReason[];
}

/** When and how fast Karpenter may remove or replace a pool's nodes. */
export interface NodePoolDisruption {
    /** Which nodes consolidation may remove or replace. @default ConsolidationPolicy.WhenEmptyOrUnderutilized */
    consolidationPolicy?: ConsolidationPolicy;
    /** How long a node must be consolidatable before Karpenter acts (`30s`, `5m`, `Never`). @default "1m" */
    consolidateAfter?: string;
    /** Disruption budgets; the most restrictive active one applies. @default [{ nodes: "10%" }] */
    budgets?: DisruptionBudget[];
}

/** Caps on the total resources of the pool's nodes: Karpenter launches no node beyond them. */
export interface NodePoolLimits {
    /** Total CPU, a Kubernetes quantity (`"1000"`). */
    cpu: string;
    /** Total memory, a Kubernetes quantity (`"4000Gi"`). */
    memory: string;
    /** Total NVIDIA GPUs (`nvidia.com/gpu`). @default no limit */
    nvidiaGpus?: number;
}

/** The settings of one NodePool. */
export interface NodePoolSettings {
    /** Kubernetes name of the NodePool. A DNS-1123 subdomain. */
    name: string;
    /** Name of the EC2NodeClass the nodes are launched with. */
    nodeClassName: string;
    /**
     * Priority among pools that can all take a pod (1-100, higher first). Pools of one set never share a
     * weight: a pod with no node selector and the right tolerations fits any of them. @default unweighted
     */
    weight?: number;
    /**
     * Operating system of the nodes (the `kubernetes.io/os` requirement): that of the EC2NodeClass's AMI family,
     * which KarpenterNodes sets; a value contradicting the class is refused. @default linux; windows on a Windows class
     */
    operatingSystem?: OperatingSystem;
    /** CPU architectures (Windows: amd64 only). */
    architectures: Architecture[];
    /** Capacity types. With Spot allowed, keep the instance choice broad (many families). */
    capacityTypes: CapacityType[];
    /** Instance categories (`c`, `m`, `r`, `g`...). @default any */
    instanceCategories?: string[];
    /** Instance families (`m8g`, `c7i`...). @default any */
    instanceFamilies?: string[];
    /** Lowest instance generation (`6` allows m6g, m7g, m8g...). @default any */
    minInstanceGeneration?: number;
    /** Instance categories never launched (`t`, `a`...). @default none */
    excludedInstanceCategories?: string[];
    /** Instance families never launched (`m6g`, `c5a`...). @default none */
    excludedInstanceFamilies?: string[];
    /** Highest instance generation (`7` allows up to m7g, not m8g). @default any */
    maxInstanceGeneration?: number;
    /** Instance sizes allowed (`large`, `xlarge`, `2xlarge`...). @default any but excludedInstanceSizes */
    instanceSizes?: string[];
    /** Instance sizes never launched (`nano`, `metal`...). @default none */
    excludedInstanceSizes?: string[];
    /**
     * Instance types never launched, by name (`m8g.48xlarge`): the guides leave out the largest Graviton sizes,
     * whose one node would take a large share of a pool's limits. @default none
     */
    excludedInstanceTypes?: string[];
    /** Availability Zones the nodes may launch in (`eu-west-1a`). @default every zone of the EC2NodeClass's subnets */
    zones?: string[];
    /** Further requirements. @default [] */
    requirements?: NodeRequirement[];
    /** Resource caps; cpu and memory are required so no pool can grow without bound. */
    limits: NodePoolLimits;
    /** Consolidation and budgets. @default see NodePoolDisruption */
    disruption?: NodePoolDisruption;
    /** Node lifetime: Karpenter replaces older nodes (they pick up new AMIs and stay short-lived). @default "720h" */
    expireAfter?: string;
    /**
     * Longest a node may drain before its pods are forced off, so a drain stuck on a PodDisruptionBudget
     * or a finalizer ends. Changing it replaces the pool's nodes (drift). @default "48h" (Karpenter's docs' example)
     */
    terminationGracePeriod?: string;
    /** Taints of the nodes: only pods tolerating them land there. @default [] */
    taints?: Taint[];
    /**
     * Taints Karpenter puts on a new node for an agent (a CNI, a security agent) to remove once it has set the
     * node up; pods need not tolerate them to be scheduled onto the pool. @default []
     */
    startupTaints?: Taint[];
    /** Labels of the nodes. @default {} */
    labels?: Record<string, string>;
}

export interface NodePoolArgs extends NodePoolSettings {}

/** Well-known label keys of the requirements a NodePool's settings name. */
export const LABELS = {
    arch: "kubernetes.io/arch",
    os: "kubernetes.io/os",
    capacityType: "karpenter.sh/capacity-type",
    category: "karpenter.k8s.aws/instance-category",
    family: "karpenter.k8s.aws/instance-family",
    generation: "karpenter.k8s.aws/instance-generation",
    size: "karpenter.k8s.aws/instance-size",
    instanceType: "node.kubernetes.io/instance-type",
    zone: "topology.kubernetes.io/zone",
    gpuManufacturer: "karpenter.k8s.aws/instance-gpu-manufacturer",
    nodePool: "karpenter.sh/nodepool",
} as const;

/** Args with defaults applied and every value checked; throws ConfigError naming the setting. */
export function resolveNodePoolArgs(args: NodePoolSettings) {
    const at = `NodePool[${args.name}]`;
    checkObjectName(`${at}.name`, args.name);
    checkObjectName(`${at}.nodeClassName`, args.nodeClassName);
    if (args.weight !== undefined) checkInteger(`${at}.weight`, args.weight, 1, 100);

    const operatingSystem = args.operatingSystem ?? OperatingSystem.Linux;
    checkEnumList(`${at}.operatingSystem`, [operatingSystem], OperatingSystem);
    checkEnumList(`${at}.architectures`, args.architectures, Architecture);
    check(
        operatingSystem !== OperatingSystem.Windows || args.architectures.every((a) => a === Architecture.Amd64),
        `${at}.architectures`,
        args.architectures,
        "amd64 only on a Windows pool: there is no Windows Server AMI for Graviton (arm64)",
    );
    checkEnumList(`${at}.capacityTypes`, args.capacityTypes, CapacityType);
    const spot = args.capacityTypes.includes(CapacityType.Spot);
    for (const field of ["instanceCategories", "instanceFamilies", "instanceSizes", "zones"] as const) {
        const values = args[field];
        if (values === undefined) continue;
        check(
            Array.isArray(values) && values.length > 0,
            `${at}.${field}`,
            values,
            spot && field !== "zones"
                ? "a non-empty list (omit it to allow any); with Spot allowed, list many so EC2 can choose the deepest Spot pools"
                : "a non-empty list (omit it to allow any)",
        );
        for (const v of values) checkLabelValue(`${at}.${field}`, v);
    }
    if (args.minInstanceGeneration !== undefined) checkInteger(`${at}.minInstanceGeneration`, args.minInstanceGeneration, 1, 99);
    if (args.maxInstanceGeneration !== undefined) {
        checkInteger(
            `${at}.maxInstanceGeneration`,
            args.maxInstanceGeneration,
            Math.max(1, args.minInstanceGeneration ?? 1),
            99,
            "at least minInstanceGeneration",
        );
    }
    for (const field of [
        "excludedInstanceCategories",
        "excludedInstanceFamilies",
        "excludedInstanceSizes",
        "excludedInstanceTypes",
    ] as const) {
        (args[field] ?? []).forEach((v, i) => checkLabelValue(`${at}.${field}[${i}]`, v));
    }
    const requirements = args.requirements ?? [];
    requirements.forEach((r, i) => {
        checkRequirement(`${at}.requirements[${i}]`, r);
        check(
            r.key !== LABELS.os,
            `${at}.requirements[${i}].key`,
            r.key,
            `a key other than ${LABELS.os}: the pool's operating system is its EC2NodeClass's (operatingSystem)`,
        );
    });

    check(args.limits !== undefined, `${at}.limits`, args.limits, 'cpu and memory caps, e.g. { cpu: "100", memory: "400Gi" }');
    for (const r of ["cpu", "memory"] as const) {
        const quantity = args.limits[r];
        check(
            typeof quantity === "string",
            `${at}.limits.${r}`,
            quantity,
            "a Kubernetes quantity such as 100 or 400Gi: every pool needs a cpu and a memory cap",
        );
        check(parseQuantity(`${at}.limits.${r}`, quantity) > 0n, `${at}.limits.${r}`, quantity, "more than zero");
    }
    if (args.limits.nvidiaGpus !== undefined) checkInteger(`${at}.limits.nvidiaGpus`, args.limits.nvidiaGpus, 0, 100000);

    const d = args.disruption ?? {};
    const consolidationPolicy = d.consolidationPolicy ?? ConsolidationPolicy.WhenEmptyOrUnderutilized;
    checkEnumList(`${at}.disruption.consolidationPolicy`, [consolidationPolicy], ConsolidationPolicy);
    const consolidateAfter = d.consolidateAfter ?? "1m";
    checkDuration(`${at}.disruption.consolidateAfter`, consolidateAfter, true);
    const budgets = d.budgets ?? [{ nodes: "10%" }];
    check(budgets.length <= 50, `${at}.disruption.budgets`, budgets.length, "at most 50 budgets");
    budgets.forEach((b, i) => checkBudget(`${at}.disruption.budgets[${i}]`, b));

    const expireAfter = args.expireAfter ?? "720h";
    checkDuration(`${at}.expireAfter`, expireAfter, true);
    const terminationGracePeriod = args.terminationGracePeriod ?? "48h";
    checkDuration(`${at}.terminationGracePeriod`, terminationGracePeriod, false);

    const taints = args.taints ?? [];
    taints.forEach((t, i) => checkTaint(`${at}.taints[${i}]`, t));
    const startupTaints = args.startupTaints ?? [];
    startupTaints.forEach((t, i) => checkTaint(`${at}.startupTaints[${i}]`, t));
    const labels = args.labels ?? {};
    check(Object.keys(labels).length <= 100, `${at}.labels`, Object.keys(labels).length, "at most 100 labels");
    for (const [key, value] of Object.entries(labels)) {
        checkQualifiedKey(`${at}.labels`, key);
        checkUnrestrictedKey(`${at}.labels`, key);
        checkLabelValue(`${at}.labels["${key}"]`, value);
    }
    return {
        ...args,
        operatingSystem,
        requirements,
        consolidationPolicy,
        consolidateAfter,
        budgets,
        expireAfter,
        terminationGracePeriod,
        taints,
        startupTaints,
        labels,
    };
}

function checkTaint(setting: string, t: Taint): void {
    checkQualifiedKey(`${setting}.key`, t.key);
    if (t.value !== undefined) {
        check(t.value !== "", `${setting}.value`, t.value, "a non-empty value, or no value");
        checkLabelValue(`${setting}.value`, t.value);
    }
    checkEnumList(`${setting}.effect`, [t.effect], TaintEffect);
}

function checkEnumList<T extends Record<string, string>>(setting: string, values: unknown, choices: T): void {
    const allowed = Object.values(choices);
    check(
        Array.isArray(values) && values.length > 0 && new Set(values).size === values.length && values.every((v) => allowed.includes(v)),
        setting,
        values,
        `${Array.isArray(values) && values.length > 1 ? "distinct values, each " : ""}one of ${allowed.join(", ")}`,
    );
}

function checkRequirement(setting: string, r: NodeRequirement): void {
    checkQualifiedKey(`${setting}.key`, r.key);
    checkUnrestrictedKey(`${setting}.key`, r.key);
    checkEnumList(`${setting}.operator`, [r.operator], RequirementOperator);
    const values = r.values ?? [];
    values.forEach((v) => checkLabelValue(`${setting}.values`, v));
    switch (r.operator) {
        case RequirementOperator.In:
            check(values.length > 0, `${setting}.values`, values, "at least one value for In");
            break;
        case RequirementOperator.Gt:
        case RequirementOperator.Lt:
            check(values.length === 1 && /^[0-9]+$/.test(values[0]), `${setting}.values`, values, `one whole number for ${r.operator}`);
            break;
        case RequirementOperator.Exists:
        case RequirementOperator.DoesNotExist:
            check(values.length === 0, `${setting}.values`, values, `no values for ${r.operator}`);
            break;
    }
}

function checkBudget(setting: string, b: DisruptionBudget): void {
    check(
        typeof b.nodes === "string" && /^((100|[0-9]{1,2})%|[0-9]+)$/.test(b.nodes),
        `${setting}.nodes`,
        b.nodes,
        'a node count ("2") or a percentage from 0% to 100% ("10%")',
    );
    check(
        (b.schedule === undefined) === (b.duration === undefined),
        `${setting}.${b.schedule === undefined ? "schedule" : "duration"}`,
        b.schedule ?? b.duration,
        "schedule and duration together: a budget with a schedule applies for its duration",
    );
    if (b.schedule !== undefined) {
        check(
            /^@(annually|yearly|monthly|weekly|daily|midnight|hourly)$/.test(b.schedule) ||
                /^[0-9A-Za-z*/,?-]+( [0-9A-Za-z*/,?-]+){4}$/.test(b.schedule),
            `${setting}.schedule`,
            b.schedule,
            'a cron schedule of five fields (minute hour day-of-month month day-of-week, UTC) such as "0 9 * * mon-fri", or @daily, @weekly...',
        );
    }
    if (b.duration !== undefined) {
        check(
            /^([0-9]+h|[0-9]+m|[0-9]+h[0-9]+m)(0s)?$/.test(b.duration),
            `${setting}.duration`,
            b.duration,
            "hours and minutes such as 30m, 8h or 1h30m",
        );
    }
    if (b.reasons !== undefined) checkEnumList(`${setting}.reasons`, b.reasons, DisruptionReason);
}

/**
 * Pools of one set must not share a weight (an unweighted pool counts as weight 0): Karpenter would
 * pick between them at random for a pod that fits both.
 */
export function checkNodePoolWeights(setting: string, pools: NodePoolSettings[]): void {
    const byWeight = new Map<number, string>();
    for (const pool of pools) {
        const weight = pool.weight ?? 0;
        const other = byWeight.get(weight);
        check(
            other === undefined,
            `${setting}[${pool.name}].weight`,
            pool.weight,
            `a weight no other pool has (${other} has it too): Karpenter would choose between them at random`,
        );
        byWeight.set(weight, pool.name);
    }
}

/** The NodePool object (apiVersion, kind, metadata, spec). Pure; throws ConfigError. */
export function renderNodePool(args: NodePoolSettings) {
    const a = resolveNodePoolArgs(args);
    const requirement = (key: string, operator: RequirementOperator, values?: string[]) => ({
        key,
        operator,
        ...(values ? { values } : {}),
    });
    const requirements = [
        requirement(LABELS.arch, RequirementOperator.In, a.architectures),
        requirement(LABELS.os, RequirementOperator.In, [a.operatingSystem]),
        requirement(LABELS.capacityType, RequirementOperator.In, a.capacityTypes),
        ...(a.instanceCategories ? [requirement(LABELS.category, RequirementOperator.In, a.instanceCategories)] : []),
        ...(a.instanceFamilies ? [requirement(LABELS.family, RequirementOperator.In, a.instanceFamilies)] : []),
        ...(a.excludedInstanceCategories?.length
            ? [requirement(LABELS.category, RequirementOperator.NotIn, a.excludedInstanceCategories)]
            : []),
        ...(a.excludedInstanceFamilies?.length ? [requirement(LABELS.family, RequirementOperator.NotIn, a.excludedInstanceFamilies)] : []),
        ...(a.minInstanceGeneration !== undefined
            ? [requirement(LABELS.generation, RequirementOperator.Gt, [String(a.minInstanceGeneration - 1)])]
            : []),
        ...(a.maxInstanceGeneration !== undefined
            ? [requirement(LABELS.generation, RequirementOperator.Lt, [String(a.maxInstanceGeneration + 1)])]
            : []),
        ...(a.instanceSizes ? [requirement(LABELS.size, RequirementOperator.In, a.instanceSizes)] : []),
        ...(a.excludedInstanceSizes?.length ? [requirement(LABELS.size, RequirementOperator.NotIn, a.excludedInstanceSizes)] : []),
        ...(a.excludedInstanceTypes?.length ? [requirement(LABELS.instanceType, RequirementOperator.NotIn, a.excludedInstanceTypes)] : []),
        ...(a.zones ? [requirement(LABELS.zone, RequirementOperator.In, a.zones)] : []),
        ...a.requirements.map((r) => requirement(r.key, r.operator, r.values?.length ? r.values : undefined)),
    ];
    return {
        apiVersion: VERSIONS.apiVersions.nodePool,
        kind: "NodePool",
        metadata: { name: a.name },
        spec: {
            ...(a.weight !== undefined ? { weight: a.weight } : {}),
            limits: {
                cpu: a.limits.cpu,
                memory: a.limits.memory,
                ...(a.limits.nvidiaGpus !== undefined ? { "nvidia.com/gpu": String(a.limits.nvidiaGpus) } : {}),
            },
            disruption: {
                consolidationPolicy: a.consolidationPolicy,
                consolidateAfter: a.consolidateAfter,
                budgets: a.budgets.map((b) =>
                    withoutUndefined({ nodes: b.nodes, schedule: b.schedule, duration: b.duration, reasons: b.reasons }),
                ),
            },
            template: {
                ...(Object.keys(a.labels).length > 0 ? { metadata: { labels: a.labels } } : {}),
                spec: {
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: a.nodeClassName },
                    requirements,
                    ...(a.taints.length > 0 ? { taints: a.taints.map(renderTaint) } : {}),
                    ...(a.startupTaints.length > 0 ? { startupTaints: a.startupTaints.map(renderTaint) } : {}),
                    expireAfter: a.expireAfter,
                    terminationGracePeriod: a.terminationGracePeriod,
                },
            },
        },
    };
}

function renderTaint(t: Taint): Taint {
    return withoutUndefined({ key: t.key, value: t.value, effect: t.effect });
}

/** The requirements of a pool's rendered NodePool on one label key. */
function requirementsOn(args: NodePoolSettings, key: string) {
    return renderNodePool(args).spec.template.spec.requirements.filter((r) => r.key === key);
}

/**
 * Whether a pool may launch Spot instances: every requirement of its rendered NodePool on
 * `karpenter.sh/capacity-type` admits `spot` (Karpenter intersects requirements on one key).
 */
export function nodePoolAllowsSpot(args: NodePoolSettings): boolean {
    return requirementsOn(args, LABELS.capacityType).every((r) => requirementAdmits(r.operator, r.values ?? [], CapacityType.Spot));
}

/**
 * Whether a pool is an NVIDIA GPU pool: its rendered NodePool requires NVIDIA GPU instances
 * (`karpenter.k8s.aws/instance-gpu-manufacturer` admitting only `nvidia`, as the default `gpu` pool does)
 * or caps `nvidia.com/gpu`.
 */
export function nodePoolIsNvidiaGpu(args: NodePoolSettings): boolean {
    const manufacturer = requirementsOn(args, LABELS.gpuManufacturer);
    const onlyNvidia =
        manufacturer.length > 0 &&
        manufacturer.every((r) => requirementAdmits(r.operator, r.values ?? [], "nvidia")) &&
        manufacturer.some((r) => r.operator === RequirementOperator.In && r.values!.every((v) => v === "nvidia"));
    return onlyNvidia || (args.limits.nvidiaGpus ?? 0) > 0;
}

/** Whether a requirement with this operator and these values admits a (non-numeric) label value. */
function requirementAdmits(operator: RequirementOperator, values: string[], value: string): boolean {
    switch (operator) {
        case RequirementOperator.In:
            return values.includes(value);
        case RequirementOperator.NotIn:
            return !values.includes(value);
        case RequirementOperator.Exists:
            return true;
        default:
            // DoesNotExist; Gt and Lt admit numbers only.
            return false;
    }
}

/** The object without its undefined fields (the API server takes a field set to null as a value). */
function withoutUndefined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The NodePool's plan: its checked settings and the object it registers as `name`. */
export function planNodePool(name: string, args: NodePoolArgs) {
    const nodePool = { type: TYPES.nodePool, name, inputs: renderNodePool(args) };
    return { settings: resolveNodePoolArgs(args), nodePool, descriptions: [nodePool] };
}

/**
 * A NodePool (`karpenter.sh/v1`). Pass the cluster's Kubernetes provider in `opts.providers` (or
 * `opts.provider`) and the Karpenter release in `opts.dependsOn`: the pool then goes before the
 * controller on `pulumi destroy`, and the controller, still running, drains and terminates its nodes.
 */
export class NodePool extends pulumi.ComponentResource {
    /** Kubernetes name of the NodePool. */
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: NodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planNodePool(name, args); // every check, before registering anything
        super(componentType("NodePool"), name, {}, componentOptions("NodePool", opts));
        const pool = new k8s.apiextensions.CustomResource(plan.nodePool.name, plan.nodePool.inputs, {
            parent: this,
            dependsOn: opts?.dependsOn,
        });
        this.name = pool.metadata.name;
        this.registerOutputs({ name: this.name });
    }
}
