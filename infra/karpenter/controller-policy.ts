import { AwsScope, NamedPolicy, Statement, policyDocument } from "../iam/policy";
import { KarpenterVersion, POLICY_SUBSTITUTIONS } from "../model/karpenter-versions";

/** What the controller policy is scoped to; plain strings, resolved. */
export interface ControllerPolicyScope extends AwsScope {
    clusterName: string;
    /** ARN of the node role the controller may pass to EC2 (and to the instance profiles it makes). */
    nodeRoleArn: string;
    /** ARN of the Windows node role, which the controller may pass too; undefined without Windows nodes. */
    windowsNodeRoleArn?: string;
    /** ARN of the interruption queue, or undefined when interruption handling is off. */
    interruptionQueueArn?: string;
}

/** The names of the controller's managed policies for `version`, in order (they name the resources). */
export function controllerPolicyNames(version: KarpenterVersion, interruptionHandling: boolean): string[] {
    return version.controllerPolicies.filter((p) => interruptionHandling || !p.needsInterruptionQueue).map((p) => p.name);
}

/**
 * The Karpenter controller's permissions for `version`: its table's statements (Karpenter's getting-started
 * CloudFormation of that version, statement for statement) with the substitutions filled in, grouped as the
 * table groups them so that no managed policy passes IAM's 6,144-character limit.
 */
export function controllerPolicies(version: KarpenterVersion, s: ControllerPolicyScope): NamedPolicy[] {
    const values: Record<string, string | undefined> = Object.fromEntries(
        Object.entries(POLICY_SUBSTITUTIONS).map(([substitution, key]) => [substitution, s[key]]),
    );
    const fill = (text: string): string =>
        text.replace(/\$\{[^}]+\}/g, (substitution) => {
            const value = values[substitution];
            if (value === undefined) throw new Error(`controller policy of Karpenter ${version.minor}: no value for ${substitution}`);
            return value;
        });
    // Where the reference names the node role alone (iam:PassRole's resource), a Windows node role joins it.
    const nodeRole = "${KarpenterNodeRole.Arn}" satisfies keyof typeof POLICY_SUBSTITUTIONS;
    const render = (value: unknown): unknown =>
        value === nodeRole && s.windowsNodeRoleArn !== undefined
            ? [s.nodeRoleArn, s.windowsNodeRoleArn]
            : typeof value === "string"
              ? fill(value)
              : Array.isArray(value)
                ? value.map(render)
                : value !== null && typeof value === "object"
                  ? Object.fromEntries(Object.entries(value).map(([k, v]) => [fill(k), render(v)]))
                  : value;
    const names = controllerPolicyNames(version, s.interruptionQueueArn !== undefined);
    return version.controllerPolicies
        .filter((p) => names.includes(p.name))
        .map((p) => ({ name: p.name, document: policyDocument(p.statements.map((st) => render(st) as Statement)) }));
}
