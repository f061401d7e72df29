/**
 * Kubernetes resource quantities (`500m`, `1Gi`, `0.7`, `1e3`), parsed exactly: a quantity is an integer
 * number of nano-units (a BigInt), the finest precision Kubernetes keeps, so `"0.7"` equals `"700m"`,
 * `"1Gi"` equals `"1024Mi"`, and no comparison goes through floating point. Dependency-free.
 *
 * The grammar is Kubernetes' (k8s.io/apimachinery/pkg/api/resource, quantity.go):
 * `[+-]` then `digits`, `digits.`, `digits.digits` or `.digits`, then a binary suffix (Ki Mi Gi Ti Pi Ei),
 * a decimal suffix (n u m "" k M G T P E) or a decimal exponent (`e`/`E` and a signed integer). Like
 * Kubernetes, a value finer than one nano-unit is rounded up (away from zero).
 */

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const NANO_EXPONENT = 9;
/** Largest decimal exponent accepted (`1e100`): bounds the BigInt a hostile value could ask for. */
const MAX_EXPONENT = 100;

const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/** The quantity in nano-units (`"1"` is 1_000_000_000n), or undefined if the text is not a quantity. */
export function parseQuantity(text: string): bigint | undefined {
    const m = QUANTITY.exec(text);
    if (m === null) return undefined;
    const [, sign, number, exponent, suffix = ""] = m;
    const [whole, fraction = ""] = number.split(".");
    const power = (exponent !== undefined ? Number(exponent) : (DECIMAL[suffix] ?? 0)) - fraction.length + NANO_EXPONENT;
    if (exponent !== undefined && Math.abs(Number(exponent)) > MAX_EXPONENT) return undefined;
    let value = BigInt(`${whole}${fraction}` || "0") * (BINARY[suffix] ?? 1n);
    if (power >= 0) value *= 10n ** BigInt(power);
    else {
        const divisor = 10n ** BigInt(-power);
        value = value / divisor + (value % divisor === 0n ? 0n : 1n);
    }
    return sign === "-" ? -value : value;
}

/** Whether the text is a Kubernetes quantity. */
export function isQuantity(text: string): boolean {
    return parseQuantity(text) !== undefined;
}

/** -1, 0 or 1 as `a` is less than, equal to or more than `b` (both quantities; throws if either is not). */
export function compareQuantities(a: string, b: string): -1 | 0 | 1 {
    const [x, y] = [a, b].map((q) => {
        const v = parseQuantity(q);
        if (v === undefined) throw new Error(`not a Kubernetes quantity: ${JSON.stringify(q)}`);
        return v;
    });
    return x < y ? -1 : x > y ? 1 : 0;
}

/** Nano-units in one core (CPU) or one unit of a count. */
export const ONE = 10n ** BigInt(NANO_EXPONENT);
/** Nano-units in one GiB of memory. */
export const GIB = (1n << 30n) * ONE;

/**
 * `nanos / unit` written in decimal with at most `digits` decimals, rounded half up, exactly
 * (`formatIn(parseQuantity("1536Mi")!, GIB)` is "1.5"): for summaries such as the sum of the pools' limits.
 */
export function formatIn(nanos: bigint, unit: bigint, digits = 3): string {
    const negative = nanos < 0n;
    const scale = 10n ** BigInt(digits);
    const magnitude = negative ? -nanos : nanos;
    const scaled = (magnitude * scale * 2n + unit) / (unit * 2n);
    const whole = scaled / scale;
    const fraction = (scaled % scale).toString().padStart(digits, "0").replace(/0+$/, "");
    return `${negative && scaled !== 0n ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** `nanos / unit` as a JavaScript number, for arithmetic where an estimate is the point (prices), never for comparing quantities. */
export function toNumber(nanos: bigint, unit: bigint): number {
    return Number(nanos) / Number(unit);
}
