import { ConfigError } from "../infra/errors";
import { EnvironmentStack } from "./base";
import { StackConfig, loadConfig } from "./config";
import { DevStack } from "./dev";
import { ProdStack } from "./prod";

/** Environment classes by the stack name that selects them (`dev`, `prod`, or `dev-<anything>`...). */
export const ENVIRONMENTS = { dev: DevStack, prod: ProdStack } as const;

/** The environment for a Pulumi stack name, built from that stack's config. */
export function createStack(stackName: string, config?: StackConfig): EnvironmentStack {
    const key = (Object.keys(ENVIRONMENTS) as (keyof typeof ENVIRONMENTS)[]).find(
        (k) => stackName === k || stackName.startsWith(`${k}-`),
    );
    if (key === undefined) {
        throw new ConfigError("stack name", stackName, `one of ${Object.keys(ENVIRONMENTS).join(", ")}, optionally followed by -<suffix>`);
    }
    return new ENVIRONMENTS[key](config ?? loadConfig());
}
