/**
 * The plan's interface to guardrails: a rule looks at every registered resource and returns what it
 * finds wrong. Any violation makes `npm run plan` exit non-zero.
 */
import type { Registered } from "../runner";
import type { ResourceRef } from "./schedule";

export interface Violation {
    /** The rule's name (`eks-private-endpoint`). */
    rule: string;
    message: string;
    /** The offending resource, when there is one. */
    resource?: ResourceRef;
}

export type GuardrailRule = (resources: readonly Registered[]) => Violation[];

/** The rules `npm run plan` runs. The rules of infra/guardrails are added here when that module is merged. */
export const GUARDRAIL_RULES: GuardrailRule[] = [];

export function checkGuardrails(resources: readonly Registered[], rules: readonly GuardrailRule[]): Violation[] {
    return rules.flatMap((rule) => rule(resources));
}
