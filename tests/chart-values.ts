/** Paths of our values that a chart's values.yaml does not declare (a typo there is silently ignored by Helm). */
export function unknownPaths(ours: unknown, theirs: unknown, at: string[] = []): string[] {
    if (ours === null || typeof ours !== "object" || Array.isArray(ours)) return [];
    // An empty map or a list in the chart's values is free-form (annotations, labels, env).
    if (theirs !== null && typeof theirs === "object" && !Array.isArray(theirs) && Object.keys(theirs).length === 0) return [];
    if (theirs === null || typeof theirs !== "object" || Array.isArray(theirs)) return [at.join(".")];
    return Object.entries(ours).flatMap(([k, v]) =>
        k in theirs ? unknownPaths(v, (theirs as Record<string, unknown>)[k], [...at, k]) : [[...at, k].join(".")],
    );
}
