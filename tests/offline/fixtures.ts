// Hand-made registrations for the plan's pure functions: only what they read.
import type { Registered } from "../../offline/runner";

export function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::eks-karpenter::${type}::${name}`;
}

export function resource(
    type: string,
    name: string,
    more: Partial<Omit<Registered, "type" | "name">> & { dependsOn?: Registered[]; inputsFrom?: Record<string, Registered[]> } = {},
): Registered {
    const { dependsOn = [], inputsFrom = {}, ...rest } = more;
    const propertyDependencies = Object.fromEntries(Object.entries(inputsFrom).map(([k, rs]) => [k, rs.map((r) => r.urn)]));
    return {
        urn: urnOf(type, name),
        id: "",
        type,
        name,
        parent: "",
        custom: !type.startsWith("eks-karpenter:"),
        remote: false,
        protect: false,
        provider: "",
        dependencies: [...dependsOn, ...Object.values(inputsFrom).flat()].map((r) => r.urn),
        propertyDependencies,
        inputs: {},
        outputs: {},
        ...rest,
    };
}
