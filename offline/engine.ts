/**
 * The mock engine: runs a Pulumi program under mocks as `pulumi up` would run it, and records every
 * registration as the engine receives it. The only place that calls `pulumi.runtime.setMocks`; the stack
 * runner (offline/runner.ts), the plan and every test run their programs through `runEngine`.
 *
 * A run, like `pulumi up`'s language host:
 * - gets a runtime state of its own (its monitor, config, stack name and root resource), so it leaves
 *   nothing behind and the next run starts clean;
 * - installs the mocks and the config, and registers the root stack (`pulumi:pulumi:Stack`, named
 *   `<project>-<stack>`) with the program inside it, as `pulumi.runtime.runInPulumiStack` does;
 * - calls the program and awaits what it returns, as the language host does with an exported function
 *   (index.ts's `export = async () => outputs`: its look-ups run before its first registration);
 * - waits for the program's registrations with `pulumi.runtime.disconnect()`; a registration that
 *   failed (a rejected input, a mock that threw) fails the run with its error, as it fails `pulumi up`.
 *
 * The SDK internals this needs are in offline/pulumi-internals.ts and nowhere else.
 */
import * as pulumi from "@pulumi/pulumi";
import { AwsMocks } from "./mocks";
import { RegisterResourceRequest, inFreshRuntime, observeMockMonitor } from "./pulumi-internals";

/** The project every program of this repository runs in (Pulumi.yaml's `name`). */
export const PROJECT = "eks-karpenter";

/** The region when a run's config names none. */
export const DEFAULT_REGION = "eu-west-1";

/** An alias a registration carries: a former type, name or parent, or a former URN. */
export interface RegisteredAlias {
    type?: string;
    name?: string;
    parentUrn?: string;
    urn?: string;
}

export interface Registered {
    urn: string;
    /** The physical ID the provider returned; empty for a component. */
    id: string;
    type: string;
    name: string;
    /** The parent's URN: the root stack's for a resource the program made without a parent. */
    parent: string;
    custom: boolean;
    /** A remote (multi-language) component: its children come from a provider plugin, unseen by mocks. */
    remote: boolean;
    protect: boolean;
    provider: string;
    dependencies: string[];
    /** For each input, the URNs it depends on; a dependency in no list came from `dependsOn`. */
    propertyDependencies: Record<string, string[]>;
    inputs: Record<string, any>;
    /** The state the mocks answered with (inputs plus what the provider computes: ARNs, IDs, endpoints). */
    outputs: Record<string, any>;
    /** The aliases sent with the registration (the engine always records them). */
    aliases?: RegisteredAlias[];
}

export interface EngineOptions {
    /** @default "test" */
    stack?: string;
    /** @default PROJECT */
    project?: string;
    /** The stack's config, as Pulumi hands it to a program (`namespace:key` to a string). @default {} */
    config?: Record<string, string>;
    /** @default new AwsMocks(config["aws:region"] ?? DEFAULT_REGION) */
    mocks?: pulumi.runtime.Mocks;
    /** Run as `pulumi preview` rather than `pulumi up`. @default false */
    preview?: boolean;
    /**
     * The root stack's outputs, from what the program returned (index.ts's exports, as `pulumi stack output`
     * lists them). @default none
     */
    outputs?: (result: any) => object | undefined;
}

export interface EngineRun<T> {
    /** What the program function returned. */
    result: T;
    /** Every registration of the program, in the order the monitor received them; the root stack is not one. */
    resources: Registered[];
    /** The root stack (`pulumi:pulumi:Stack`) the program ran in. */
    root: Registered;
    /** The config the program ran with. */
    config: Record<string, string>;
    mocks: pulumi.runtime.Mocks;
}

let registrations: Registered[] = [];

/** What the last run's program registered, also when it threw (the root stack left out). */
export function lastRegistrations(): Registered[] {
    return registrations.filter((r) => r.type !== pulumi.runtime.rootPulumiStackTypeName);
}

/**
 * Runs `program` on a fresh mock engine and returns what it returned and registered, once every
 * registration has been answered. Rejects with what the program threw, or with the first failed
 * registration's error (after the registrations it started have settled); nothing of the run outlives it.
 */
export async function runEngine<T>(program: () => T | Promise<T>, options: EngineOptions = {}): Promise<EngineRun<T>> {
    const config = options.config ?? {};
    const mocks = options.mocks ?? new AwsMocks(config["aws:region"] ?? DEFAULT_REGION);
    const recorded: Registered[] = (registrations = []);
    return quietly(async (failures) =>
        inFreshRuntime(async () => {
            await pulumi.runtime.setMocks(mocks, options.project ?? PROJECT, options.stack ?? "test", options.preview ?? false);
            pulumi.runtime.setAllConfig(config);
            observeMockMonitor(pulumi.runtime.getMonitor(), (req) => {
                const record = requested(req);
                recorded.push(record);
                return (resp) => {
                    if (!resp) return;
                    record.urn = resp.getUrn();
                    record.id = resp.getId();
                    record.outputs = pulumi.runtime.deserializeProperties(resp.getObject()!);
                };
            });
            let result: { value: T } | undefined;
            const stack = pulumi.runtime.runInPulumiStack(async () => {
                result = { value: await program() };
                return options.outputs?.(result.value);
            });
            // What the program threw comes first; the registrations it started still settle before the run ends.
            const thrown = await untilSettled(stack, failures).then(
                () => undefined,
                (error: unknown) => ({ error }),
            );
            try {
                // Until a turn of the event loop after the queue drained started nothing new: a rejection
                // is reported, and a late `apply` registers, only once the microtasks of its turn have run.
                for (let seen = -1; seen !== recorded.length && failures.length === 0;) {
                    seen = recorded.length;
                    await untilSettled(pulumi.runtime.disconnect(), failures);
                    await new Promise((resolve) => setImmediate(resolve));
                }
            } finally {
                pulumi.runtime.disconnectSync();
            }
            if (thrown) throw thrown.error;
            if (failures.length > 0) throw failures[0];
            const root = recorded.find((r) => r.type === pulumi.runtime.rootPulumiStackTypeName);
            if (!result || !root) throw new Error("the program did not run in a root stack");
            return { result: result.value, resources: lastRegistrations(), root, config, mocks };
        }),
    );
}

/** A registration request as the engine receives it; URN, ID and outputs come with the answer. */
function requested(req: RegisterResourceRequest): Registered {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
        propertyDependencies[key] = deps.getUrnsList();
    });
    return {
        urn: "",
        id: "",
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent(),
        custom: req.getCustom(),
        remote: req.getRemote(),
        protect: req.getProtect() ?? false,
        provider: req.getProvider(),
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        inputs: pulumi.runtime.deserializeProperties(req.getObject()!),
        outputs: {},
        aliases: req.getAliasesList().map((a) => {
            const spec = a.getSpec();
            if (!spec) return { urn: a.getUrn() };
            const alias: RegisteredAlias = {
                type: spec.getType() || undefined,
                name: spec.getName() || undefined,
                parentUrn: spec.getParenturn() || undefined,
            };
            return Object.fromEntries(Object.entries(alias).filter(([, v]) => v !== undefined));
        }),
    };
}

/**
 * Waits for `work`, or for the first failure, whichever comes first: a registration that failed never
 * resolves its outputs, so what waits on them (the root stack, `disconnect`) never returns. Rejects with
 * what `work` rejects with.
 */
async function untilSettled(work: Promise<unknown>, failures: unknown[]): Promise<void> {
    let poll: NodeJS.Timeout | undefined;
    const failed = new Promise<void>((resolve) => {
        poll = setInterval(() => failures.length > 0 && resolve(), 5);
    });
    try {
        await Promise.race([work, failed]);
    } finally {
        clearInterval(poll);
    }
}

/**
 * Runs `work` the way `pulumi up`'s language host runs a program: the errors of the registrations the
 * program does not await (they surface as unhandled rejections) are collected in `failures` rather than
 * reported to whoever listens in this process (the test runner), and `Error.stackTraceLimit` is 0.
 * Both are restored afterwards, also when `work` throws.
 *
 * Why the stack-trace limit: Pulumi's SDK records `new Error().stack` on every promise it tracks
 * (runtime/debuggable.js, for its leaked-promise report), thousands per stack program. With source maps
 * on (tsx always turns them on), formatting those traces is about 40 % of a program run. Under mocks
 * nobody reads them: a limit of 0 makes each one the bare "Error" line. Resource source positions are
 * unaffected (the SDK raises the limit itself while it reads them), and errors the program throws still
 * carry their messages.
 */
async function quietly<T>(work: (failures: unknown[]) => Promise<T>): Promise<T> {
    const failures: unknown[] = [];
    const collect = (error: unknown) => {
        if (!failures.includes(error)) failures.push(error);
    };
    const listeners = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", collect);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return await work(failures);
    } finally {
        Error.stackTraceLimit = limit;
        process.off("unhandledRejection", collect);
        for (const listener of listeners) process.on("unhandledRejection", listener);
    }
}
