/**
 * How the resources the rules read look in a Pulumi program: how to find the Karpenter controller's
 * chart among Helm releases (their type tokens are in model/tokens.ts).
 */
import { HELM_TYPES } from "../model/tokens";
import { ResourceDescription, at, isUnknown } from "./types";

/** `NodePool` or `EC2NodeClass` name for messages: metadata.name, else the Pulumi name. */
export function objectName(d: ResourceDescription): string {
    const name = at(d.inputs, "metadata", "name");
    return typeof name === "string" ? name : d.name;
}

/**
 * The Karpenter controller chart (`oci://public.ecr.aws/karpenter/karpenter`, `karpenter/karpenter`,
 * `karpenter` with a repository option), not `karpenter-crd`.
 */
export function isKarpenterChart(d: ResourceDescription): boolean {
    if (!(HELM_TYPES as readonly string[]).includes(d.type)) return false;
    const chart = at(d.inputs, "chart");
    return typeof chart === "string" && chart.split("/").pop() === "karpenter";
}

/** The chart's values as given (a value not known yet is UNKNOWN; none is `{}`). */
export function helmValues(d: ResourceDescription): unknown {
    return at(d.inputs, "values") ?? {};
}

/** Namespace the chart installs into (Helm's default is `default`). */
export function helmNamespace(d: ResourceDescription): unknown {
    return at(d.inputs, "namespace") ?? "default";
}

/** Labels on the controller's pods: the chart's selector labels plus `podLabels`. */
export function controllerPodLabels(d: ResourceDescription): Record<string, unknown> {
    const values = helmValues(d);
    const release = at(d.inputs, "name");
    const podLabels = at(values, "podLabels");
    return {
        "app.kubernetes.io/name": at(values, "nameOverride") || "karpenter",
        ...(typeof release === "string" || isUnknown(release) ? { "app.kubernetes.io/instance": release } : {}),
        ...(podLabels !== null && typeof podLabels === "object" ? podLabels : {}),
    };
}
