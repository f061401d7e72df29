/**
 * A setting that cannot work. Thrown while the program builds its resource graph, so
 * `pulumi preview` stops before any cloud call and nothing is half-created.
 */
export class ConfigError extends Error {
    constructor(
        /** The setting, as the user wrote it (`eks-karpenter:cluster.name`, `NodePool.weight`). */
        public readonly setting: string,
        /** The offending value. */
        public readonly value: unknown,
        /** What is allowed, and why where it is not obvious. */
        public readonly allowed: string,
    ) {
        super(`${setting}: ${formatValue(value)} is not valid; ${allowed}`);
        this.name = "ConfigError";
    }
}

function formatValue(value: unknown): string {
    if (value === undefined) return "(missing)";
    if (typeof value === "string") return JSON.stringify(value);
    try {
        return JSON.stringify(value);
    } catch {
        return String(value);
    }
}

/** Throws a ConfigError unless `ok`. */
export function check(ok: boolean, setting: string, value: unknown, allowed: string): void {
    if (!ok) throw new ConfigError(setting, value, allowed);
}
