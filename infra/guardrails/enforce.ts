/** The in-program side of the guardrails: stop the program (and so `pulumi preview`) on any violation. */
import * as pulumi from "@pulumi/pulumi";
import { GuardrailOptions, ResourceDescription, Violation, validate } from "./index";

/**
 * Violations of the guardrails. A RunError, so Pulumi prints the message without a stack trace: the
 * message already says what is wrong, why and how to fix it.
 */
export class GuardrailError extends pulumi.RunError {
    constructor(public readonly violations: readonly Violation[]) {
        super(
            `${violations.length} guardrail violation(s) (see README.md, Guardrails):\n` +
                violations.map((v) => `- [${v.rule}] ${v.resource.type} "${v.resource.name}": ${v.message}`).join("\n"),
        );
        this.name = "GuardrailError";
    }
}

/** Throws a GuardrailError listing every violation among `resources`; call it before registering them. */
export function enforceGuardrails(resources: readonly ResourceDescription[], options: Partial<GuardrailOptions> = {}): void {
    const violations = validate(resources, options);
    if (violations.length > 0) throw new GuardrailError(violations);
}
