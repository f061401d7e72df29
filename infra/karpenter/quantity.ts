import { ConfigError } from "../errors";

const SUFFIXES: Record<string, number> = {
    "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The value of a Kubernetes resource quantity (`1`, `500m`, `1Gi`), so `1` and `1000m` compare equal. */
export function parseQuantity(setting: string, quantity: string): number {
    const match = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(quantity);
    if (!match) {
        throw new ConfigError(setting, quantity, "a Kubernetes quantity such as 1, 500m, 1Gi or 512Mi");
    }
    return Number(match[1]) * SUFFIXES[match[2] ?? ""];
}
