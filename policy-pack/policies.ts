/**
 * The guardrails as CrossGuard policies: one policy per rule of ../infra/guardrails, named by the
 * rule's id, calling the rule itself. Resource rules become ResourceValidationPolicies, rules across
 * resources StackValidationPolicies. Kept apart from index.ts, which starts the policy server.
 */
import { PolicyConfigSchema, ReportViolation, ResourceValidationPolicy, StackValidationPolicy, UnknownValueError } from "@pulumi/policy";
import { DEFAULT_OPTIONS, GuardrailOptions, RULES, ResourceDescription, Rule, UNKNOWN, runRule } from "../infra/guardrails";
import optionsSchema from "../infra/guardrails/options.schema.json";

/**
 * Policy config of each option a rule reads (set with `--policy-pack-config`): the options schema generated
 * from GuardrailSettings (infra/guardrails/options.schema.json), each with its default value.
 */
const OPTION_SCHEMA = Object.fromEntries(
    Object.entries(optionsSchema.properties).map(([o, schema]) => [
        o,
        { ...schema, default: DEFAULT_OPTIONS[o as keyof GuardrailOptions] },
    ]),
) as { [K in keyof GuardrailOptions]: PolicyConfigSchema["properties"][string] };

/**
 * A resource as the rules read it. Values not known during a preview become UNKNOWN instead of
 * throwing on access, so a rule still sees the rest of the resource (and of the stack).
 */
export function describe(resource: {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    provider?: { urn: string };
}): ResourceDescription {
    return {
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        inputs: materialize(resource.props) as object,
        ...(resource.provider ? { cluster: resource.provider.urn } : {}),
    };
}

function materialize(value: unknown): unknown {
    if (value === null || typeof value !== "object") return value;
    const copy: Record<string, unknown> = Array.isArray(value) ? ([] as unknown as Record<string, unknown>) : {};
    for (const key of Object.keys(value)) {
        try {
            copy[key] = materialize((value as Record<string, unknown>)[key]);
        } catch (e) {
            if (!(e instanceof UnknownValueError)) throw e;
            copy[key] = UNKNOWN;
        }
    }
    return copy;
}

function common(rule: Rule) {
    return {
        name: rule.id,
        description: rule.title,
        remediationSteps: rule.fix,
        enforcementLevel: "mandatory" as const,
        configSchema: { properties: Object.fromEntries(rule.options.map((o) => [o, OPTION_SCHEMA[o]])) },
    };
}

function options(config: Partial<GuardrailOptions>): GuardrailOptions {
    return { ...DEFAULT_OPTIONS, ...config };
}

function report(violations: ReturnType<typeof runRule>, reportViolation: ReportViolation): void {
    for (const v of violations) reportViolation(v.message, v.resource.urn);
}

/** One policy per rule. */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = RULES.map((rule) =>
    rule.scope === "resource"
        ? {
              ...common(rule),
              validateResource: (args, reportViolation) => {
                  if (!rule.types.includes(args.type)) return;
                  report(runRule(rule, [describe(args)], options(args.getConfig())), reportViolation);
              },
          }
        : {
              ...common(rule),
              validateStack: (args, reportViolation) => {
                  const resources = args.resources.filter((r) => rule.types.includes(r.type)).map(describe);
                  report(runRule(rule, resources, options(args.getConfig())), reportViolation);
              },
          },
);
