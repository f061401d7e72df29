/**
 * Runs the real stack program (stacks/createStack, what index.ts runs) under Pulumi's mocks with a
 * stack's config from Pulumi.<stack>.yaml, and records every registration as the engine receives it.
 * The tests (through tests/harness.ts) and `npm run plan` both use it: no cloud account, no Pulumi CLI.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { YAMLError, parse } from "yaml";
import { ConfigError } from "../infra/errors";
import { REPO_ROOT } from "../infra/root";
import { createStack, createStacks } from "../stacks";
import { EnvironmentStack } from "../stacks/base";
import { AwsMocks } from "./mocks";
import { MockMonitor, RegisterResourceRequest, rpc, settings } from "./pulumi-internals";

export { REPO_ROOT };

export interface Registered {
    urn: string;
    /** The physical ID the provider returned; empty for a component. */
    id: string;
    type: string;
    name: string;
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
}

/**
 * The region a stack runs in, as the AWS provider reads it: `aws:region`, else AWS_REGION, else
 * AWS_DEFAULT_REGION. None is "": the program then stops on its region check.
 */
function regionOf(config: Record<string, string>): string {
    return config["aws:region"] ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "";
}

let registrations: Registered[] = [];
const original = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (req: RegisterResourceRequest, callback) {
    const record: Registered = {
        urn: "",
        id: "",
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent(),
        custom: req.getCustom(),
        remote: req.getRemote(),
        protect: req.getProtect(),
        provider: req.getProvider(),
        dependencies: req.getDependenciesList(),
        propertyDependencies: {},
        inputs: rpc.deserializeProperties(req.getObject()),
        outputs: {},
    };
    req.getPropertydependenciesMap().forEach((deps, key) => {
        record.propertyDependencies[key] = deps.getUrnsList();
    });
    registrations.push(record);
    return original.call(this, req, (err: unknown, resp: any) => {
        if (resp) {
            record.urn = resp.getUrn();
            record.id = resp.getId();
            record.outputs = rpc.deserializeProperties(resp.getObject());
        }
        callback(err, resp);
    });
};

/** The stacks that have a `Pulumi.<stack>.yaml` in the repository. */
function knownStacks(): string[] {
    return fs
        .readdirSync(REPO_ROOT)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * The config file of `stack`: `Pulumi.<stack>.yaml`; a `dev-<suffix>` or `prod-<suffix>` stack reads
 * its environment's file (`Pulumi.dev.yaml`, `Pulumi.prod.yaml`).
 */
function configFileOf(stack: string): string {
    const file = path.join(REPO_ROOT, `Pulumi.${stack.split("-")[0]}.yaml`);
    if (!fs.existsSync(file)) {
        throw new ConfigError("stack", stack, `one of ${knownStacks().join(", ")} (a Pulumi.<stack>.yaml in ${REPO_ROOT})`);
    }
    return file;
}

/** The config of a stack config file, as Pulumi hands it to a program (structured values as JSON). */
export function stackConfig(file: string): Record<string, string> {
    if (!fs.existsSync(file)) throw new ConfigError("--config-file", file, "no such file");
    let document: { config?: Record<string, unknown> } | null;
    try {
        document = parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        if (!(e instanceof YAMLError)) throw e;
        const line = e.linePos?.[0];
        throw new ConfigError(line ? `${file}:${line.line}:${line.col}` : file, e.code, `YAML: ${e.message.split("\n")[0]}`);
    }
    const values: Record<string, unknown> = document?.config ?? {};
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

export class Program {
    constructor(
        /** The environments the program made; most programs make one. */
        public readonly stacks: EnvironmentStack[],
        public readonly resources: Registered[],
        /** The config the program ran with. */
        public readonly config: Record<string, string> = {},
        /** What the mocks assumed because only AWS knows it (an adopted VPC's subnets' zones and CIDRs). */
        public readonly assumptions: string[] = [],
    ) {}

    /** The (first) environment. */
    get stack(): EnvironmentStack {
        return this.stacks[0];
    }

    /** The AWS region the program ran in (`aws:region`). */
    get region(): string {
        return regionOf(this.config);
    }

    /** The stack outputs of the (first) environment, as `pulumi stack output` would list them; secrets as `[secret]`. */
    async outputs(): Promise<Record<string, unknown>> {
        const entries = await Promise.all(
            Object.entries(this.stack.outputs).map(async ([key, output]: [string, pulumi.Output<unknown>]) => {
                const secret = await (output as unknown as { isSecret: Promise<boolean> }).isSecret;
                return [key, secret ? "[secret]" : await valueOf(output)] as const;
            }),
        );
        return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
    }

    ofType(type: string): Registered[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The one resource of a type (and name, if given); fails when there is not exactly one. */
    one(type: string, name?: string): Registered {
        const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1) {
            throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.map((r) => r.name).join(", ") || "none"}`);
        }
        return found[0];
    }

    byUrn(urn: string): Registered | undefined {
        return this.resources.find((r) => r.urn === urn);
    }

    /** Whether `a` waits for `b`: `b`'s URN, or a component containing it, is among `a`'s dependencies. */
    dependsOn(a: Registered, b: Registered): boolean {
        return a.dependencies.some((d) => d === b.urn || this.ancestors(b).some((x) => x.urn === d));
    }

    ancestors(r: Registered): Registered[] {
        const parent = this.byUrn(r.parent);
        return parent ? [parent, ...this.ancestors(parent)] : [];
    }

    children(r: Registered): Registered[] {
        return this.resources.filter((c) => c.parent === r.urn);
    }
}

/** What the last run registered, also when it threw. */
export function lastRegistrations(): Registered[] {
    return [...registrations];
}

/** Resolves an Output's value (mocks know every value). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/**
 * Runs the program for `stack` with the config of `configFile` (by default the stack's own) plus
 * `overrides` (`null` removes a key; keys without a namespace are `eks-karpenter:` keys). Throws what
 * the program throws. `environments` above 1 makes that many environments of the stack's kind in one
 * program (stacks/createStacks).
 */
export async function runProgram(
    stack: string,
    overrides: Record<string, unknown | null> = {},
    configFile = configFileOf(stack),
    environments = 1,
): Promise<Program> {
    const config = stackConfig(configFile);
    for (const [k, v] of Object.entries(overrides)) {
        const key = k.includes(":") ? k : `eks-karpenter:${k}`;
        if (v === null) delete config[key];
        else config[key] = typeof v === "string" ? v : JSON.stringify(v);
    }
    registrations = [];
    const region = regionOf(config);
    return withoutPromiseStacks(async () => {
        const mocks = new AwsMocks(region);
        await pulumi.runtime.setMocks(mocks, "eks-karpenter", stack, false);
        pulumi.runtime.setAllConfig(config);
        const created = environments === 1 ? [createStack(stack)] : createStacks(stack, environments);
        await settings.waitForRPCs();
        return new Program(created, registrations, config, mocks.assumptions);
    });
}

/**
 * Runs `work` with `Error.stackTraceLimit = 0`, restoring the limit afterwards (also when it throws).
 *
 * Why: Pulumi's SDK records `new Error().stack` on every promise it tracks (runtime/debuggable.js, for
 * its leaked-promise report), thousands per stack program. With source maps on (tsx always turns them
 * on), formatting those traces is about 40 % of a program run. Under mocks nobody reads them: a limit
 * of 0 makes each one the bare "Error" line. Resource source positions are unaffected (the SDK raises
 * the limit itself while it reads them), and errors the program throws still carry their messages.
 */
export async function withoutPromiseStacks<T>(work: () => Promise<T>): Promise<T> {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return await work();
    } finally {
        Error.stackTraceLimit = limit;
    }
}
