/**
 * CloudWatch Logs JSON filter patterns (the subset the library writes), evaluated the way the service
 * documents them ("Using filter patterns to match terms in JSON log events"): `{ <expression> }` where an
 * expression is a comparison `$.a.b <op> <value>` or expressions joined by `&&` / `||` (`&&` binds tighter)
 * and grouped in parentheses. A string value in double quotes may hold `*` wildcards (any run of
 * characters); `=` and `!=` compare strings exactly otherwise, case included. Numbers compare with
 * `= != < <= > >=`. A selector that names no field matches no comparison. Anything else is refused, so a
 * pattern outside the subset fails the test instead of being half-understood.
 */

type Json = unknown;

interface Comparison {
    kind: "cmp";
    path: string[];
    op: "=" | "!=" | "<" | "<=" | ">" | ">=";
    value: { type: "string"; text: string } | { type: "number"; n: number };
}
type Expr = Comparison | { kind: "and"; left: Expr; right: Expr } | { kind: "or"; left: Expr; right: Expr };

const TOKEN = /\s*(\$(?:\.[A-Za-z0-9_-]+)+|"(?:[^"\\]|\\.)*"|-?[0-9]+(?:\.[0-9]+)?|&&|\|\||!=|<=|>=|=|<|>|\(|\)|\{|\})/y;

function tokenize(pattern: string): string[] {
    const tokens: string[] = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < pattern.length) {
        if (/^\s*$/.test(pattern.slice(TOKEN.lastIndex))) break;
        const at = TOKEN.lastIndex;
        const m = TOKEN.exec(pattern);
        if (!m) throw new Error(`filter pattern: cannot read ${JSON.stringify(pattern.slice(at))}`);
        tokens.push(m[1]);
    }
    return tokens;
}

/** Parses a JSON filter pattern; throws on anything outside the subset. */
export function parseFilterPattern(pattern: string): Expr {
    const tokens = tokenize(pattern);
    let i = 0;
    const expect = (t: string) => {
        if (tokens[i] !== t) throw new Error(`filter pattern: expected ${t} at token ${i} (${tokens[i] ?? "end"}) in ${pattern}`);
        i++;
    };
    const comparison = (): Expr => {
        if (tokens[i] === "(") {
            i++;
            const e = or();
            expect(")");
            return e;
        }
        const selector = tokens[i++];
        if (!selector?.startsWith("$.")) throw new Error(`filter pattern: expected a $.selector, got ${selector} in ${pattern}`);
        const op = tokens[i++] as Comparison["op"];
        if (!["=", "!=", "<", "<=", ">", ">="].includes(op)) throw new Error(`filter pattern: bad operator ${op} in ${pattern}`);
        const raw = tokens[i++];
        if (raw === undefined) throw new Error(`filter pattern: missing value in ${pattern}`);
        const value: Comparison["value"] = raw.startsWith('"')
            ? { type: "string", text: JSON.parse(raw) }
            : { type: "number", n: Number(raw) };
        if (value.type === "number" && Number.isNaN(value.n)) throw new Error(`filter pattern: bad value ${raw}`);
        if (value.type === "string" && op !== "=" && op !== "!=") throw new Error(`filter pattern: ${op} on a string in ${pattern}`);
        return { kind: "cmp", path: selector.slice(2).split("."), op, value };
    };
    const and = (): Expr => {
        let left = comparison();
        while (tokens[i] === "&&") {
            i++;
            left = { kind: "and", left, right: comparison() };
        }
        return left;
    };
    const or = (): Expr => {
        let left = and();
        while (tokens[i] === "||") {
            i++;
            left = { kind: "or", left, right: and() };
        }
        return left;
    };
    expect("{");
    const e = or();
    expect("}");
    if (i !== tokens.length) throw new Error(`filter pattern: trailing ${tokens.slice(i).join(" ")} in ${pattern}`);
    return e;
}

function wildcard(text: string): RegExp {
    return new RegExp(
        `^${text
            .split("*")
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join("[\\s\\S]*")}$`,
    );
}

function evaluate(e: Expr, event: Json): boolean {
    if (e.kind === "and") return evaluate(e.left, event) && evaluate(e.right, event);
    if (e.kind === "or") return evaluate(e.left, event) || evaluate(e.right, event);
    return compare(e, event);
}

function compare(e: Comparison, event: Json): boolean {
    let v: Json = event;
    for (const key of e.path) {
        if (v === null || typeof v !== "object" || !(key in (v as object))) return false;
        v = (v as Record<string, Json>)[key];
    }
    if (e.value.type === "string") {
        if (typeof v !== "string") return false;
        const equal = wildcard(e.value.text).test(v);
        return e.op === "=" ? equal : !equal;
    }
    if (typeof v !== "number") return false;
    const n = e.value.n;
    return { "=": v === n, "!=": v !== n, "<": v < n, "<=": v <= n, ">": v > n, ">=": v >= n }[e.op];
}

/** Whether a log event (a line of text) matches a JSON filter pattern; a line that is not JSON never does. */
export function matchesFilterPattern(pattern: string, line: string): boolean {
    const expr = parseFilterPattern(pattern);
    let event: Json;
    try {
        event = JSON.parse(line);
    } catch {
        return false;
    }
    return evaluate(expr, event);
}
