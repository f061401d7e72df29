/**
 * Runs the real stack program (stacks/createStack, what index.ts runs) on the mock engine
 * (offline/engine.ts) with a stack's config from Pulumi.<stack>.yaml. The tests (through
 * tests/harness.ts) and `npm run plan` both use it: no cloud account, no Pulumi CLI.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { YAMLError, parse } from "yaml";
import { ConfigError } from "../infra/errors";
import { REPO_ROOT } from "../infra/root";
import { createStack, createStacks } from "../stacks";
import { EnvironmentStack } from "../stacks/base";
import { AwsMockOptions, AwsMocks } from "./mocks";
import { Registered, runEngine } from "./engine";

export { REPO_ROOT };
export { lastRegistrations, runEngine } from "./engine";
export type { EngineOptions, EngineRun, Registered, RegisteredAlias } from "./engine";

/**
 * The region a stack runs in, as the AWS provider reads it: `aws:region`, else AWS_REGION, else
 * AWS_DEFAULT_REGION. None is "": the program then stops on its region check.
 */
function regionOf(config: Record<string, string>): string {
    return config["aws:region"] ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "";
}

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

/** Resolves an Output's value (mocks know every value). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/**
 * Runs the program for `stack` with the config of `configFile` (by default the stack's own) plus
 * `overrides` (`null` removes a key; keys without a namespace are `eks-karpenter:` keys). Throws what
 * the program throws. `environments` above 1 makes that many environments of the stack's kind in one
 * program (stacks/createStacks). `mockOptions` tell the mocks what AWS holds beyond their defaults (IDs
 * that do not exist). The program is async, as index.ts's: it looks the network up before registering.
 */
export async function runProgram(
    stack: string,
    overrides: Record<string, unknown | null> = {},
    configFile = configFileOf(stack),
    environments = 1,
    mockOptions: AwsMockOptions = {},
): Promise<Program> {
    const config = stackConfig(configFile);
    for (const [k, v] of Object.entries(overrides)) {
        const key = k.includes(":") ? k : `eks-karpenter:${k}`;
        if (v === null) delete config[key];
        else config[key] = typeof v === "string" ? v : JSON.stringify(v);
    }
    const mocks = new AwsMocks(regionOf(config), mockOptions);
    const run = await runEngine(async () => (environments === 1 ? [await createStack(stack)] : createStacks(stack, environments)), {
        stack,
        config,
        mocks,
        outputs: (created: EnvironmentStack[]) => created[0].outputs,
    });
    return new Program(run.result, run.resources, config, mocks.assumptions);
}
