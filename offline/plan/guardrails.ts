/**
 * The plan's guardrails: the rules of infra/guardrails (those the program enforces before it registers
 * anything, and the policy pack runs), over what the program did register. Any violation makes
 * `npm run plan` exit 1.
 */
import { GuardrailSettings, Violation as RuleViolation, validate } from "../../infra/guardrails";
import { PACKAGE_NAME, isComponentType } from "../../infra/model/components";
import { PROGRAM_PACKAGES } from "../../infra/model/eks";
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
 * Registrations whose resources this program does not create itself, so that the mocks, the plan and the
 * guardrails never see what they contain: remote (multi-language) components, and any type of a package
 * other than this program's (`eks:index:Cluster` of `@pulumi/eks`, say, whatever the SDK calls it), or of
 * this package but not one of its components (infra/model/components.ts), as another version would make.
 */
export function hiddenFromMocks(resources: readonly Pick<Registered, "type" | "remote">[]): string[] {
    const packages: readonly string[] = PROGRAM_PACKAGES;
    const why = (r: Pick<Registered, "type" | "remote">): string | undefined => {
        const pkg = r.type.split(":")[0];
        if (r.remote) return "a remote component";
        if (!packages.includes(pkg)) return `package ${pkg}, not one of ${packages.join(", ")}`;
        if (pkg === PACKAGE_NAME && !isComponentType(r.type)) return `not a component of ${PACKAGE_NAME}`;
        return undefined;
    };
    return resources.flatMap((r) => {
        const reason = why(r);
        return reason === undefined ? [] : [`${r.type} (${reason})`];
    });
}

/** The id under which the plan reports a registration whose contents it cannot see. */
export const HIDDEN_RULE = "nothing-hidden-from-mocks";

/**
 * Every rule over the registered resources, with the options the program enforced them with; and every
 * registration whose resources a provider plugin would create out of the mocks' sight (a remote component).
 */
export function checkGuardrails(resources: readonly Registered[], options: GuardrailSettings = {}): Violation[] {
    const hidden = resources.flatMap((r) =>
        hiddenFromMocks([r]).map((what) => ({
            rule: HIDDEN_RULE,
            message:
                `${what}: what it creates is invisible to the mocks, this plan, the guardrails and the policy pack. ` +
                "Build it from @pulumi/aws and @pulumi/kubernetes resources instead.",
            resource: { type: r.type, name: r.name, urn: r.urn },
        })),
    );
    // Each resource's provider names its cluster, so a program with several environments compares each
    // cluster's NodePools among themselves only.
    const described = resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        inputs: r.inputs,
        ...(r.provider ? { cluster: providerUrn(r.provider) } : {}),
    }));
    return [...hidden, ...planViolations(validate(described, options))];
}

/** The URN of a provider reference (`<urn>::<id>`). */
export function providerUrn(reference: string): string {
    return reference.slice(0, reference.lastIndexOf("::"));
}
