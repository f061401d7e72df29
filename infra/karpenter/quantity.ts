import { ConfigError } from "../errors";
import { parseQuantity as exactQuantity } from "../model/quantity";

/**
 * A resource quantity from the user's settings, exactly, in nano-units (see infra/model/quantity.ts),
 * throwing a ConfigError naming `setting` when it is not a quantity or is negative.
 */
export function parseQuantity(setting: string, quantity: string): bigint {
    const value = exactQuantity(quantity);
    if (value === undefined || value < 0n) {
        throw new ConfigError(setting, quantity, "a Kubernetes quantity such as 1, 500m, 0.5, 1Gi or 512Mi (not negative)");
    }
    return value;
}
