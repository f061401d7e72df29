import { ConfigError } from "../infra/errors";
import { EnvironmentStack } from "./base";
import { StackConfig, loadConfig } from "./config";
import { DevStack } from "./dev";
import { ProdStack } from "./prod";

/** Environment classes by the stack name that selects them (`dev`, `prod`, or `dev-<anything>`...). */
export const ENVIRONMENTS = { dev: DevStack, prod: ProdStack } as const;

/** The environment class a Pulumi stack name selects. */
export function environmentClass(stackName: string): (typeof ENVIRONMENTS)[keyof typeof ENVIRONMENTS] {
    const key = (Object.keys(ENVIRONMENTS) as (keyof typeof ENVIRONMENTS)[]).find(
        (k) => stackName === k || stackName.startsWith(`${k}-`),
    );
    if (key === undefined) {
        throw new ConfigError("stack name", stackName, `one of ${Object.keys(ENVIRONMENTS).join(", ")}, optionally followed by -<suffix>`);
    }
    return ENVIRONMENTS[key];
}

/** The environment for a Pulumi stack name, built from that stack's config. */
export function createStack(stackName: string, config?: StackConfig): EnvironmentStack {
    return new (environmentClass(stackName))(config ?? loadConfig());
}

/**
 * `count` environments of the kind `stackName` selects in one program, each with its own component name
 * and cluster (`dev1`, `eks-karpenter-dev-1`, ...): how a program with several clusters looks to the
 * guardrails, the plan and the bench.
 */
export function createStacks(stackName: string, count: number, config: StackConfig = loadConfig()): EnvironmentStack[] {
    const Kind = environmentClass(stackName);
    return Array.from({ length: count }, (_, i) => {
        const n = i + 1;
        return new Kind({ ...config, clusterName: `${config.clusterName}-${n}` }, { name: `${stackName.split("-")[0]}${n}` });
    });
}
