/**
 * The guardrails: the hard lessons of running Karpenter on EKS as rules over resource descriptions,
 * written once and run both inside the program before it registers anything (`./enforce`) and by the
 * CrossGuard policy pack in `policy-pack/` on any Pulumi program. The README's rule table (Guardrails) is generated
 * from `RULES` by `npm run docs`.
 *
 * Everything reachable from this file is free of package imports, so the policy pack can compile it.
 */
import { alertsReachSomeone } from "./alerts";
import { containerdStoreKept } from "./containerd";
import { controllerPlacement, controllerQos } from "./controller";
import { daemonSetsTolerateDisruption } from "./disruption";
import { uniquePhysicalIdentity } from "./identity";
import { nodeEbsEncrypted, nodeImds } from "./launch";
import { nodePoolLimits, nodePoolsUnambiguous, spotInstanceDiversity, spotInterruptionHandling } from "./nodepools";
import { podIdentityOnFargate } from "./pod-identity";
import { privateClusterEndpoints, privateClusterImages } from "./private-cluster";
import { windowsNodesSeparate } from "./windows";
import { DEFAULT_OPTIONS, Finding, GuardrailOptions, ResourceDescription, Rule, Violation } from "./types";

export * from "./types";
export { TYPES } from "../model/tokens";
export { qosGaps } from "./controller";

/** Every rule; the README's rule table lists them in this order. */
export const RULES: readonly Rule[] = [
    podIdentityOnFargate,
    containerdStoreKept,
    nodePoolsUnambiguous,
    spotInstanceDiversity,
    nodePoolLimits,
    privateClusterEndpoints,
    privateClusterImages,
    nodeImds,
    nodeEbsEncrypted,
    controllerQos,
    controllerPlacement,
    daemonSetsTolerateDisruption,
    spotInterruptionHandling,
    uniquePhysicalIdentity,
    alertsReachSomeone,
    windowsNodesSeparate,
];

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The message of a finding: what is wrong, why it breaks, how to fix it. */
export function violationMessage(rule: Rule, finding: Finding): string {
    return `${finding.problem}. Why: ${sentence(rule.why)} Fix: ${sentence(rule.fix)}`;
}

/** Runs one rule over the resources of its types (a resource rule on each, a stack rule on all together). */
export function runRule(rule: Rule, resources: readonly ResourceDescription[], options: GuardrailOptions): Violation[] {
    const relevant = resources.filter((r) => rule.types.includes(r.type));
    const findings = rule.scope === "resource" ? relevant.flatMap((r) => rule.check(r, options)) : rule.check(relevant, options);
    return findings.map((f) => ({ rule: rule.id, resource: f.resource, message: violationMessage(rule, f) }));
}

/** Every violation of every rule among `resources`. */
export function validate(resources: readonly ResourceDescription[], options: Partial<GuardrailOptions> = {}): Violation[] {
    const resolved = { ...DEFAULT_OPTIONS, ...options };
    return RULES.flatMap((rule) => runRule(rule, resources, resolved));
}
