/**
 * Which pods a Fargate profile runs. EKS user guide, "Define which Pods use AWS Fargate when launched"
 * (Fargate profile wildcards): a pod matches a selector when its namespace matches the selector's and it
 * carries every label of the selector; `*` and `?` may appear anywhere in the namespace, label keys and
 * label values, `*` standing for none, one or several characters and `?` for exactly one. No other
 * pattern syntax. A pod matching any selector of a profile runs on Fargate. No imports.
 */

/** A Fargate profile selector: a namespace and the labels the pods must carry. */
export interface FargateSelectorPattern {
    namespace: string;
    labels?: Readonly<Record<string, string>>;
}

/** Whether `pattern`, with Fargate's `*` and `?` wildcards, matches all of `value`. */
export function fargateWildcardMatch(pattern: string, value: string): boolean {
    const regex = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, "[\\s\\S]*")
        .replace(/\?/g, "[\\s\\S]");
    return new RegExp(`^${regex}$`).test(value);
}

/** Whether a selector selects a pod in `namespace` carrying `labels`. */
export function fargateSelectorMatches(
    selector: FargateSelectorPattern,
    namespace: string,
    labels: Readonly<Record<string, string>>,
): boolean {
    return (
        fargateWildcardMatch(selector.namespace, namespace) &&
        Object.entries(selector.labels ?? {}).every(([key, value]) =>
            Object.entries(labels).some(([podKey, podValue]) => fargateWildcardMatch(key, podKey) && fargateWildcardMatch(value, podValue)),
        )
    );
}
