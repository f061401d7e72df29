/**
 * Short forms of what decides behaviour and money, for the plan's tree: NodePool requirements and
 * disruption, EC2NodeClass volumes, IMDS and user-data parts, IAM statements, security-group rules, budget
 * notifications, namespace quotas, and the Helm values that differ from the pinned chart's defaults.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../infra/root";

type Inputs = Record<string, any>;

/** `key In [a, b]` per requirement, in the pool's order. */
export function requirements(pool: Inputs): string[] | undefined {
    return pool.spec?.template?.spec?.requirements?.map((r: Inputs) => `${r.key} ${r.operator}${r.values ? ` ${r.values.join(",")}` : ""}`);
}

/** The pool's disruption: policy, wait, budgets, and how long a node lives. */
export function disruption(pool: Inputs): string | undefined {
    const d = pool.spec?.disruption;
    if (!d) return undefined;
    const budgets = (d.budgets ?? []).map((b: Inputs) =>
        [b.nodes, b.reasons && `for ${b.reasons.join(",")}`, b.schedule && `at "${b.schedule}" for ${b.duration}`]
            .filter(Boolean)
            .join(" "),
    );
    const expire = pool.spec?.template?.spec?.expireAfter;
    return [
        d.consolidationPolicy,
        d.consolidateAfter && `after ${d.consolidateAfter}`,
        budgets.length && `budgets ${budgets.join("; ")}`,
        expire && `expireAfter ${expire}`,
    ]
        .filter(Boolean)
        .join(", ");
}

/** Each block device: name, size, type, IOPS, throughput, encryption. */
export function volumes(nodeClass: Inputs): string[] | undefined {
    return nodeClass.spec?.blockDeviceMappings?.map((m: Inputs) => {
        const e = m.ebs ?? {};
        return [
            `${m.deviceName}${m.rootVolume ? " (root)" : ""}`,
            e.volumeSize,
            e.volumeType,
            e.iops !== undefined && `${e.iops} IOPS`,
            e.throughput !== undefined && `${e.throughput} MiB/s`,
            e.encrypted ? "encrypted" : "unencrypted",
            e.kmsKeyID && `key ${e.kmsKeyID}`,
        ]
            .filter(Boolean)
            .join(" ");
    });
}

export function imds(nodeClass: Inputs): string | undefined {
    const m = nodeClass.spec?.metadataOptions;
    return m && `tokens ${m.httpTokens}, hop limit ${m.httpPutResponseHopLimit}, endpoint ${m.httpEndpoint}, IPv6 ${m.httpProtocolIPv6}`;
}

/** The MIME parts of the user data: content type, and the first comment of a script (what it does). */
export function userDataParts(nodeClass: Inputs): string[] | undefined {
    const text: unknown = nodeClass.spec?.userData;
    if (typeof text !== "string") return undefined;
    const boundary = /boundary="?([^"\n;]+)"?/.exec(text)?.[1];
    const parts = boundary
        ? text
              .split(`--${boundary}`)
              .slice(1)
              .filter((p) => !p.startsWith("--"))
        : [text];
    return parts.map((part) => {
        const type = /Content-Type:\s*([^;\n]+)/i.exec(part)?.[1]?.trim() ?? "text/x-shellscript";
        const lines = part.split("\n");
        const comment = lines.find((l) => /^# [A-Z]/.test(l))?.slice(2);
        return `${type}, ${lines.length} lines${comment ? `: ${comment}` : ""}`;
    });
}

/** Each statement as `Sid: Effect actions on resources`. */
export function statements(document: unknown): string[] | undefined {
    const doc = (typeof document === "string" ? safeParse(document) : document) as Inputs | undefined;
    const list = doc?.Statement;
    if (!Array.isArray(list)) return undefined;
    const many = (v: unknown) => (Array.isArray(v) ? v.join(",") : String(v));
    return list.map((s: Inputs) =>
        [
            `${s.Sid ?? "(no Sid)"}: ${s.Effect}`,
            s.Action ? many(s.Action) : s.NotAction && `all but ${many(s.NotAction)}`,
            s.Principal && `by ${JSON.stringify(s.Principal)}`,
            s.Resource && `on ${many(s.Resource)}`,
            s.Condition && `if ${JSON.stringify(s.Condition)}`,
        ]
            .filter(Boolean)
            .join(" "),
    );
}

/** Security-group rules: direction, protocol, ports, peers. */
export function securityGroupRules(group: Inputs): string[] | undefined {
    const rule = (direction: string) => (r: Inputs) =>
        `${direction} ${r.protocol} ${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`} ${direction === "in" ? "from" : "to"} ${[...(r.cidrBlocks ?? []), ...(r.securityGroups ?? []), ...(r.self ? ["self"] : [])].join(",")}`;
    const rules = [...(group.ingress ?? []).map(rule("in")), ...(group.egress ?? []).map(rule("out"))];
    return rules.length ? rules : ["none"];
}

/** Each budget notification: what, when, to whom. */
export function budgetNotifications(budget: Inputs): string[] | undefined {
    return budget.notifications?.map(
        (n: Inputs) =>
            `${n.notificationType} ${n.comparisonOperator === "GREATER_THAN" ? ">" : n.comparisonOperator} ${n.threshold}${n.thresholdType === "PERCENTAGE" ? " %" : ""} → ${[
                ...(n.subscriberEmailAddresses ?? []),
                ...(n.subscriberSnsTopicArns ?? []),
            ].join(", ")}`,
    );
}

/**
 * The chart values that differ from the pinned chart's values.yaml (reference/<chart>-<version>/chart/), as
 * dotted paths; undefined when the repository holds no reference copy of that chart version.
 */
export function valuesOffDefaults(release: Inputs): Record<string, unknown> | undefined {
    const chart = String(release.chart ?? "")
        .split("/")
        .pop();
    const file = path.join(REPO_ROOT, "reference", `${chart}-${String(release.version ?? "").replace(/\.0$/, "")}`, "chart", "values.yaml");
    if (!release.values || !fs.existsSync(file)) return undefined;
    const defaults = chartDefaults(file);
    const off: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(flatten(release.values))) {
        if (JSON.stringify(defaults[key]) !== JSON.stringify(value)) off[key] = value;
    }
    return off;
}

const defaultsCache = new Map<string, Record<string, unknown>>();
function chartDefaults(file: string): Record<string, unknown> {
    if (!defaultsCache.has(file)) defaultsCache.set(file, flatten(parse(fs.readFileSync(file, "utf8")) ?? {}));
    return defaultsCache.get(file)!;
}

/** Plain objects as dotted paths to their leaves (arrays are leaves). */
function flatten(value: unknown, prefix = ""): Record<string, unknown> {
    if (value === null || typeof value !== "object" || Array.isArray(value) || Object.keys(value).length === 0)
        return prefix ? { [prefix]: value } : {};
    return Object.assign({}, ...Object.entries(value).map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k)));
}

function safeParse(text: string): Inputs | undefined {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
