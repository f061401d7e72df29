/**
 * The vocabulary of the guardrails: what a rule reads (a resource description), what it reports
 * (a finding, then a violation) and what can be tuned. Plain TypeScript with no package imports, so
 * the policy pack (`policy-pack/`) compiles these files with its own dependencies.
 */

/**
 * A resource as a Pulumi program presents it: its type token, logical name and inputs (all of them,
 * or those the rules read). A program can register a resource from its description's inputs.
 */
export interface ResourceDescription<Inputs extends object = object> {
    /** Pulumi type token, e.g. `kubernetes:karpenter.sh/v1:NodePool`. */
    type: string;
    /** Logical (Pulumi) name. */
    name: string;
    /** Inputs; a value not known yet is {@link UNKNOWN}. */
    inputs: Inputs;
    /** URN, when the description comes from the engine (the policy pack). */
    urn?: string;
    /**
     * The cluster a Kubernetes object is applied to: the URN of its Kubernetes provider (this library makes
     * one per cluster). Rules across resources compare objects of the same cluster only; descriptions
     * without it (one environment's own check) are taken to share one cluster.
     */
    cluster?: string;
}

/**
 * A value that is not known yet (an output of a resource not created yet, during `pulumi preview`).
 * Rules never report a violation on a value they cannot see.
 */
export const UNKNOWN: unique symbol = Symbol.for("eks-karpenter.guardrails.unknown");

export function isUnknown(value: unknown): value is typeof UNKNOWN {
    return value === UNKNOWN;
}

/** Whether `value` is, or contains anywhere, an {@link UNKNOWN}. */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) return true;
    if (value === null || typeof value !== "object") return false;
    return Object.values(value).some(containsUnknown);
}

/** The value at `path` inside `root`, or undefined where the path does not exist. */
export function at(root: unknown, ...path: (string | number)[]): unknown {
    let value = root;
    for (const key of path) {
        if (value === null || typeof value !== "object") return undefined;
        value = (value as Record<string | number, unknown>)[key];
    }
    return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Thresholds of the guardrails and facts they cannot see in the resources themselves (README: Guardrails,
 * Options); each one unset keeps its default. The policy pack's options schema (options.schema.json) is
 * generated from this interface by `npm run docs`.
 */
export interface GuardrailSettings {
    /**
     * Service accounts (`namespace/name`) whose pods run on Fargate, where EKS Pod Identity does not work.
     * The program adds its controller's own and those of add-ons on Fargate to the ones given.
     * @default ["karpenter/karpenter"]
     */
    fargateServiceAccounts?: string[];
    /**
     * A Spot NodePool restricted by an instance-type list must allow at least this many types.
     * @integer
     * @minimum 1
     * @default 10
     */
    minSpotInstanceTypes?: number;
    /**
     * A Spot NodePool restricted by an instance-type or instance-family list must span this many families.
     * @integer
     * @minimum 1
     * @default 3
     */
    minSpotInstanceFamilies?: number;
    /**
     * Highest IMDS `httpPutResponseHopLimit` allowed on nodes. 1 keeps pods (one network hop further) from
     * reaching the node role's credentials; raise it only for host-network pods that need IMDS.
     * @integer
     * @minimum 1
     * @maximum 64
     * @default 1
     */
    maxHopLimit?: number;
    /**
     * VPC endpoint services (`sts`, `ecr.api`, ...) a private cluster gets from outside this program, e.g.
     * `["sts", "ecr.api"]` from a network stack of its own. @default []
     */
    externalVpcEndpoints?: string[];
    /**
     * Alerts must reach someone (rule alerts-reach-someone): alarms with actions, topics with subscribers,
     * budgets notifying a topic. The prod stack sets it. @default false
     */
    requireAlertSubscribers?: boolean;
}

/** Every option of the guardrails, set: what the rules read. */
export type GuardrailOptions = Required<GuardrailSettings>;

export const DEFAULT_OPTIONS: Readonly<GuardrailOptions> = Object.freeze({
    fargateServiceAccounts: ["karpenter/karpenter"],
    minSpotInstanceTypes: 10,
    minSpotInstanceFamilies: 3,
    maxHopLimit: 1,
    externalVpcEndpoints: [],
    requireAlertSubscribers: false,
});

/** What a rule found wrong with one resource. */
export interface Finding {
    resource: ResourceDescription;
    /** What is wrong, naming the resource's setting and value. */
    problem: string;
}

interface RuleBase {
    /** Stable id; also the policy's name in the policy pack. */
    id: string;
    /** One line: what the rule demands. */
    title: string;
    /** Why a violation breaks the cluster (or the bill). */
    why: string;
    /** How to fix a violation, in general. */
    fix: string;
    /** Type tokens of the resources the rule reads. */
    types: readonly string[];
    /** The options the rule reads (the policy pack exposes them as policy config). */
    options: readonly (keyof GuardrailOptions)[];
}

/** A rule about one resource at a time. */
export interface ResourceRule extends RuleBase {
    scope: "resource";
    check(resource: ResourceDescription, options: GuardrailOptions): Finding[];
}

/** A rule about several resources together (given all resources of its `types`). */
export interface StackRule extends RuleBase {
    scope: "stack";
    check(resources: ResourceDescription[], options: GuardrailOptions): Finding[];
}

export type Rule = ResourceRule | StackRule;

/** A finding with the rule that made it and the full, actionable message. */
export interface Violation {
    rule: string;
    resource: ResourceDescription;
    /** What is wrong, why it breaks, how to fix it. */
    message: string;
}
