/**
 * The plan's guardrails: the rules of infra/guardrails (those the program enforces before it registers
 * anything, and the policy pack runs), over what the program did register. Any violation makes
 * `npm run plan` exit 1.
 */
import { GuardrailSettings, Violation as RuleViolation, validate } from "../../infra/guardrails";
import type { Registered } from "../runner";

export interface Violation {
    /** The rule's id (`no-pod-identity-on-fargate`). */
    rule: string;
    /** What is wrong, why it breaks, how to fix it. */
    message: string;
    /** The offending resource; no URN when the program stopped before registering it. */
    resource: { type: string; name: string; urn?: string };
}

/** Violations as the plan reports them. */
export function planViolations(violations: readonly RuleViolation[]): Violation[] {
    return violations.map((v) => ({
        rule: v.rule,
        message: v.message,
        resource: { type: v.resource.type, name: v.resource.name, ...(v.resource.urn ? { urn: v.resource.urn } : {}) },
    }));
}

/**
 * Every rule over the registered resources, with the options the program enforced them with. Each
 * resource's provider names its cluster, so a program with several environments compares each
 * cluster's NodePools among themselves only.
 */
export function checkGuardrails(resources: readonly Registered[], options: GuardrailSettings = {}): Violation[] {
    const described = resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, inputs: r.inputs, ...(r.provider ? { cluster: providerUrn(r.provider) } : {}) }));
    return planViolations(validate(described, options));
}

/** The URN of a provider reference (`<urn>::<id>`). */
export function providerUrn(reference: string): string {
    return reference.slice(0, reference.lastIndexOf("::"));
}
