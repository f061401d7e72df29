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
        /** Other settings `allowed` names, written as `setting` is (so that a stack can name them by its config keys too). */
        public readonly mentions: readonly string[] = [],
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
export function check(ok: boolean, setting: string, value: unknown, allowed: string, mentions: readonly string[] = []): void {
    if (!ok) throw new ConfigError(setting, value, allowed, mentions);
}

/**
 * Every ConfigError of one run, reported together, so a stack file is fixed in one pass. Its own
 * setting, value and allowed are those of the first error; `errors` holds them all.
 */
export class ConfigErrors extends ConfigError {
    constructor(public readonly errors: readonly ConfigError[]) {
        super(errors[0].setting, errors[0].value, errors[0].allowed, errors[0].mentions);
        this.message = `${errors.length} config errors:\n${errors.map((e) => `- ${e.message}`).join("\n")}`;
        this.name = "ConfigErrors";
    }
}

/**
 * Runs independent checks and keeps going past a failed one: `attempt` runs a section and keeps the
 * ConfigError it throws (returning undefined), `throwIfAny` then throws them all (one as itself,
 * several as ConfigErrors). A section that needs another's result skips when that result is undefined.
 */
export class ConfigErrorCollector {
    private readonly errors: ConfigError[] = [];

    attempt<T>(section: () => T): T | undefined {
        try {
            return section();
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            this.errors.push(...(e instanceof ConfigErrors ? e.errors : [e]));
            return undefined;
        }
    }

    /** Whether a section has failed. */
    get found(): boolean {
        return this.errors.length > 0;
    }

    throwIfAny(): void {
        if (this.errors.length === 1) throw this.errors[0];
        if (this.errors.length > 1) throw new ConfigErrors(this.errors);
    }
}
