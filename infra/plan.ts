/**
 * What a component's `plan` returns, and how its descriptions are shown to the guardrails. A plan is
 * pure: it checks and resolves the component's args (which may hold `pulumi.Input`s) and describes the
 * resources the constructor then registers from it. A value only deployment knows (an Output, a
 * Promise, or UNKNOWN given by a caller planning before its siblings exist) is UNKNOWN to the rules.
 */
import * as pulumi from "@pulumi/pulumi";
import { ResourceDescription, UNKNOWN } from "./guardrails/types";

/** A component's plan: its resolved settings, and the resources the guardrails and the offline plan check. */
export interface Plan<Settings> {
    settings: Settings;
    descriptions: ResourceDescription[];
}

/**
 * An input only deployment knows (a sibling's output, when an environment plans before constructing):
 * UNKNOWN, typed as the input it stands for. Never an invented value.
 */
export function knownAfterDeployment<T>(): pulumi.Input<T> {
    return UNKNOWN as unknown as pulumi.Input<T>;
}

/** `value` as the rules read it: every Output or Promise inside it, UNKNOWN. */
export function asKnown(value: unknown): unknown {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return UNKNOWN;
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map(asKnown);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asKnown(v)]));
}

/** A description as the rules read it. */
export function forRules(d: ResourceDescription): ResourceDescription {
    return { ...d, inputs: asKnown(d.inputs) as object };
}

/** A known string, or undefined when it is an Input not known yet. */
export function knownString(value: pulumi.Input<string> | undefined): string | undefined {
    return typeof value === "string" ? value : undefined;
}
