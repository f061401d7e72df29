import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../infra/errors";
import { EnvironmentStack, StackOutputs } from "./base";
import { StackConfig, loadConfig } from "./config";
import { DevStack } from "./dev";
import { NetworkLookups, lookUpNetwork } from "./lookups";
import { ProdStack } from "./prod";

/** Environment classes by the stack name that selects them (`dev`, `prod`, or `dev-<anything>`...). */
export const ENVIRONMENTS = { dev: DevStack, prod: ProdStack } as const;

/** The environment class a Pulumi stack name selects. */
export function environmentClass(stackName: string): (typeof ENVIRONMENTS)[keyof typeof ENVIRONMENTS] {
    const key = (Object.keys(ENVIRONMENTS) as (keyof typeof ENVIRONMENTS)[]).find((k) => stackName === k || stackName.startsWith(`${k}-`));
    if (key === undefined) {
        throw new ConfigError("stack name", stackName, `one of ${Object.keys(ENVIRONMENTS).join(", ")}, optionally followed by -<suffix>`);
    }
    return ENVIRONMENTS[key];
}

/** What AWS knows about `config`'s network (zones, an adopted VPC), looked up before anything is registered. */
function lookUp(config: StackConfig): Promise<NetworkLookups> {
    return lookUpNetwork(config.network ?? {}, config.clusterName, aws.config.region);
}

/**
 * The environment for a Pulumi stack name, built from that stack's config. Its network is looked up in
 * AWS first (lookUpNetwork): every config error, those of the look-ups included, stops it before the
 * first registration.
 */
export async function createStack(stackName: string, config?: StackConfig): Promise<EnvironmentStack> {
    const Kind = environmentClass(stackName);
    const c = config ?? loadConfig();
    return new Kind(c, { lookups: await lookUp(c) });
}

/**
 * The program index.ts exports, as `pulumi up` runs it: the stack of `stackName`, its outputs returned
 * as the stack outputs. A config error is a RunError, which Pulumi prints as its message alone (any
 * other error it prints with its stack trace).
 */
export async function stackProgram(stackName: string): Promise<StackOutputs> {
    try {
        return (await createStack(stackName)).outputs;
    } catch (e) {
        throw e instanceof ConfigError ? new pulumi.RunError(e.message) : e;
    }
}

/**
 * `count` environments of the kind `stackName` selects in one program, each with its own component name
 * and cluster (`dev1`, `eks-karpenter-dev-1`, ...): how a program with several clusters looks to the
 * guardrails, the plan and the bench.
 */
export async function createStacks(stackName: string, count: number, config: StackConfig = loadConfig()): Promise<EnvironmentStack[]> {
    const Kind = environmentClass(stackName);
    const stacks: EnvironmentStack[] = [];
    for (let n = 1; n <= count; n++) {
        const c = { ...config, clusterName: `${config.clusterName}-${n}` };
        stacks.push(new Kind(c, { name: `${stackName.split("-")[0]}${n}`, lookups: await lookUp(c) }));
    }
    return stacks;
}
