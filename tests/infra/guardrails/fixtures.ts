/** Resource descriptions shaped as Pulumi presents them, and a way to run one rule over them. */
import { DEFAULT_OPTIONS, GuardrailOptions, ResourceDescription, Rule, TYPES, runRule } from "../../../infra/guardrails";

/** The messages `rule` reports among `resources`. */
export function messages(rule: Rule, resources: ResourceDescription[], options: Partial<GuardrailOptions> = {}): string[] {
    return runRule(rule, resources, { ...DEFAULT_OPTIONS, ...options }).map((v) => v.message);
}

export function nodePool(name: string, spec: Record<string, unknown>): ResourceDescription {
    return { type: TYPES.nodePool, name, inputs: { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name }, spec } };
}

/** A NodePool spec with these requirements, labels, taints and weight, and a limit. */
export function poolSpec(p: { requirements?: unknown[]; labels?: Record<string, string>; taints?: unknown[]; weight?: number } = {}) {
    return {
        ...(p.weight === undefined ? {} : { weight: p.weight }),
        limits: { cpu: "100" },
        template: {
            ...(p.labels ? { metadata: { labels: p.labels } } : {}),
            spec: {
                nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
                requirements: p.requirements ?? [],
                ...(p.taints ? { taints: p.taints } : {}),
            },
        },
    };
}

export function req(key: string, operator: string, ...values: string[]) {
    return { key, operator, ...(values.length > 0 ? { values } : {}) };
}

export function ec2NodeClass(name: string, spec: Record<string, unknown>): ResourceDescription {
    return {
        type: TYPES.ec2NodeClass,
        name,
        inputs: {
            apiVersion: "karpenter.k8s.aws/v1",
            kind: "EC2NodeClass",
            metadata: { name },
            spec: { amiSelectorTerms: [{ alias: "al2023@latest" }], role: "KarpenterNodeRole", ...spec },
        },
    };
}

export function karpenterRelease(values: Record<string, unknown>, inputs: Record<string, unknown> = {}): ResourceDescription {
    return {
        type: TYPES.helmRelease,
        name: "karpenter",
        urn: "urn:pulumi:dev::eks-karpenter::kubernetes:helm.sh/v3:Release::karpenter",
        inputs: {
            name: "karpenter",
            chart: "oci://public.ecr.aws/karpenter/karpenter",
            version: "1.9.0",
            namespace: "karpenter",
            values,
            ...inputs,
        },
    };
}

export function fargateProfile(selectors: unknown[]): ResourceDescription {
    return { type: TYPES.fargateProfile, name: "karpenter-fargate", inputs: { fargateProfileName: "karpenter", selectors } };
}

export function vpcEndpoints(...services: string[]): ResourceDescription[] {
    return services.map((s) => ({
        type: TYPES.vpcEndpoint,
        name: `endpoint-${s}`,
        inputs: { serviceName: `com.amazonaws.eu-west-1.${s}` },
    }));
}

export function addon(addonName: string, configurationValues?: unknown, addonVersion?: string): ResourceDescription {
    return {
        type: TYPES.addon,
        name: addonName,
        inputs: {
            clusterName: "eks",
            addonName,
            ...(addonVersion ? { addonVersion } : {}),
            ...(configurationValues === undefined ? {} : { configurationValues: JSON.stringify(configurationValues) }),
        },
    };
}
