import { ConfigError } from "../errors";

const SUFFIXES: Record<string, number> = {
    "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The value of a Kubernetes resource quantity (`1`, `500m`, `1Gi`), so `1` and `1000m` compare equal; undefined if it is none. */
export function quantityValue(quantity: string): number | undefined {
    const match = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(quantity);
    return match ? Number(match[1]) * SUFFIXES[match[2] ?? ""] : undefined;
}

/** {@link quantityValue}, throwing a ConfigError naming `setting` when `quantity` is not one. */
export function parseQuantity(setting: string, quantity: string): number {
    const value = quantityValue(quantity);
    if (value === undefined) {
        throw new ConfigError(setting, quantity, "a Kubernetes quantity such as 1, 500m, 1Gi or 512Mi");
    }
    return value;
}
