// `npm run docs`: writes what is generated from the documented interfaces: the JSON Schema of the stack config
// (stacks/config.schema.json, from StackConfig), the guardrails' options schema (infra/guardrails/options.schema.json,
// from GuardrailSettings) and the README's generated blocks: the configuration table, the Kubernetes versions
// (from infra/model/versions.ts and the calendar the plan prices by), the guardrails' rule and option tables (from
// the rule list, infra/guardrails/index.ts, and the options schema) and the table of contents. Tests fail when any
// of them is stale.
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../infra/root";
import { JsonSchema, interfaceSchema, repositoryProgram, schemaText } from "../package/json-schema";
import { KARPENTER_VERSIONS, kubernetesRange } from "../infra/model/karpenter-versions";
import { VERSIONS } from "../infra/model/versions";
import { EKS_STANDARD_SUPPORT_END } from "../offline/plan/prices";
import { NOT_IN_CONFIG } from "../stacks/config";
import { RULES, Rule } from "../infra/guardrails";

/** Each generated schema: the file it is written to, and the interface it comes from. */
export const GENERATED_SCHEMAS = [
    {
        file: "stacks/config.schema.json",
        source: "stacks/stack-config.ts",
        name: "StackConfig",
        title: "eks-karpenter stack config (eks-karpenter:<key> in Pulumi.<stack>.yaml)",
    },
    {
        file: "infra/guardrails/options.schema.json",
        source: "infra/guardrails/types.ts",
        name: "GuardrailSettings",
        title: "eks-karpenter guardrail options",
    },
] as const;

/** The generated schemas, by file. */
export function generateSchemas(root = REPO_ROOT): Map<string, string> {
    const program = repositoryProgram(root);
    return new Map(GENERATED_SCHEMAS.map((g) => [g.file, schemaText(interfaceSchema(program, root, g.source, g.name, g.title))]));
}

/** The README's generated blocks, each between `<!-- <name>: generated … -->` and `<!-- /<name> -->`. */
export type Block = "config-table" | "versions" | "guardrail-rules" | "guardrail-options" | "toc";

/** `readme` with the block `name` holding `content`. */
export function withBlock(readme: string, name: Block, content: string): string {
    const begin = readme.search(new RegExp(`<!-- ${name}: generated[^\n]*-->`));
    const end = readme.indexOf(`<!-- /${name} -->`);
    if (begin < 0 || end < begin) throw new Error(`README.md has no <!-- ${name}: generated … --> … <!-- /${name} --> markers`);
    const open = readme.indexOf("-->", begin) + 3;
    return `${readme.slice(0, open)}\n${content}\n${readme.slice(end)}`;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes; a repeated one gets `-1`, `-2`. */
function anchors(headings: string[]): string[] {
    const seen = new Map<string, number>();
    return headings.map((h) => {
        const base = h
            .toLowerCase()
            .replace(/[^\p{L}\p{N} _-]/gu, "")
            .replace(/ /g, "-");
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        return n === 0 ? base : `${base}-${n}`;
    });
}

/** The table of contents: every `##` and `###` heading outside code blocks, linked. */
export function tableOfContents(readme: string): string {
    let fenced = false;
    const headings: { level: number; text: string }[] = [];
    for (const line of readme.split("\n")) {
        if (line.startsWith("```")) fenced = !fenced;
        const m = fenced ? null : /^(#{1,6}) (.+)$/.exec(line);
        if (m) headings.push({ level: m[1].length, text: m[2].trim() });
    }
    const ids = anchors(headings.map((h) => h.text));
    return headings
        .map((h, i) => ({ ...h, id: ids[i] }))
        .filter((h) => (h.level === 2 || h.level === 3) && h.text !== "Contents")
        .map((h) => `${h.level === 3 ? "  " : ""}- [${h.text.replace(/[[\]]/g, "")}](#${h.id})`)
        .join("\n");
}

/** The Kubernetes versions block: the default, what the pinned Karpenter supports, and EKS's calendar the plan prices by. */
export function versionsBlock(): string {
    const ranges = Object.values(KARPENTER_VERSIONS).map((k) => `${kubernetesRange(k)} with Karpenter ${k.minor}`);
    const rows = Object.entries(EKS_STANDARD_SUPPORT_END.versions).map(
        ([v, end]) => `| ${v}${v === VERSIONS.kubernetes ? " (default)" : ""} | ${end} |`,
    );
    return [
        `New clusters get Kubernetes ${VERSIONS.kubernetes} (\`VERSIONS.kubernetes\`); \`kubernetesVersion\` takes ${ranges.join(", ")}`,
        `(each Karpenter version's compatibility matrix). After its end of standard support a version is in EKS extended support, at six times the`,
        `control-plane price, unless \`supportType\` is \`STANDARD\` (EKS then upgrades it). The plan prices each version by`,
        `this calendar (\`EKS_STANDARD_SUPPORT_END\`, ${EKS_STANDARD_SUPPORT_END.asOf}, from ${EKS_STANDARD_SUPPORT_END.source}):`,
        "",
        "| version | end of standard support |",
        "|---|---|",
        ...rows,
    ].join("\n");
}

/** The schemas the README's tables are generated from. */
export interface ReadmeSources {
    /** stacks/config.schema.json, parsed. */
    config: JsonSchema;
    /** infra/guardrails/options.schema.json, parsed. */
    guardrailOptions: JsonSchema;
}

/** `readme` with every generated block as the sources make it now. */
export function generatedReadme(readme: string, sources: ReadmeSources, rules: readonly Rule[] = RULES): string {
    const blocks = [
        { name: "config-table", content: configTable(sources.config) },
        { name: "versions", content: versionsBlock() },
        { name: "guardrail-rules", content: rulesTable(rules) },
        { name: "guardrail-options", content: optionsTable(sources.guardrailOptions, rules) },
    ] as const;
    const filled = blocks.reduce((text, b) => withBlock(text, b.name, b.content), readme);
    return withBlock(filled, "toc", tableOfContents(filled));
}

/** Text for one cell of a Markdown table: one line, `|` escaped. */
const cell = (text: string) => text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The guardrails' rule table: one row per rule of `RULES`, in its order, from the rule's own id, title, the
 * kinds of resource it reads (`(stack)`: all of them together), why and fix: the words a violation's message uses.
 */
export function rulesTable(rules: readonly Rule[]): string {
    const rows = rules.map((r, i) => {
        const kinds = [...new Set(r.types.map((t) => t.slice(t.lastIndexOf(":") + 1)))].join(", ");
        const reads = `${kinds}${r.scope === "stack" ? " (stack)" : ""}`;
        const options = r.options.map((o) => `\`${o}\``).join(", ");
        return `| ${i + 1} | \`${r.id}\`: ${cell(r.title)} | ${reads} | ${options} | ${cell(sentence(r.why))} | ${cell(sentence(r.fix))} |`;
    });
    return ["| # | Rule (policy name) | Reads | Options | Why it breaks | How to fix |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

/**
 * The guardrails' option table: one row per option of the options schema (generated from `GuardrailSettings`),
 * with its default and description from the doc comment and the rules that declare they read it. An option no
 * rule reads is refused: it would be a setting that does nothing.
 */
export function optionsTable(schema: JsonSchema, rules: readonly Rule[]): string {
    const rows = Object.entries(schema.properties ?? {}).map(([option, p]) => {
        const users = rules.filter((r) => (r.options as readonly string[]).includes(option));
        if (users.length === 0) throw new Error(`guardrail option ${option} is read by no rule (no rule lists it in its options)`);
        const d = split(p.description);
        return `| \`${option}\` | \`${d.default ?? ""}\` | ${users.map((r) => `\`${r.id}\``).join(", ")} | ${cell(d.text)} |`;
    });
    return ["| Option | Default | Used by | What it is |", "|---|---|---|---|", ...rows].join("\n");
}

/** A key's type as the table shows it. */
function typeText(s: JsonSchema): string {
    if (s.enum !== undefined) return s.enum.map((v) => `\`${v}\``).join(", ");
    if (s.type === "boolean") return "bool";
    if (s.type === "integer") return "number";
    if (s.type === "array") return s.items?.type === "object" || s.items?.enum ? `list of ${typeText(s.items)}` : "list";
    if (s.type === "object" && s.properties === undefined) return "map";
    if (s.type === "object")
        return `\`{${Object.keys(s.properties!)
            .map((k) => (s.required?.includes(k) ? k : `${k}?`))
            .join(", ")}}\``;
    return s.type ?? "";
}

/** A description split into its text and its default. */
function split(description = ""): { text: string; default?: string } {
    const [text, def] = description.split("\n\nDefault: ");
    return { text: text.replace(/\s*\n\s*/g, " "), default: def?.replace(/\s*\n\s*/g, " ") };
}

/**
 * The configuration table: one row per key. A section (an object without a default of its own, such as
 * `network`) is not a row: its keys are (`network.cidrBlock`).
 */
export function configTable(schema: JsonSchema): string {
    const rows: string[] = [];
    const walk = (s: JsonSchema, prefix: string) => {
        for (const [key, p] of Object.entries(s.properties ?? {})) {
            const d = split(p.description);
            if (p.type === "object" && p.properties !== undefined && d.default === undefined) {
                walk(p, `${prefix}${key}.`);
                continue;
            }
            rows.push(`| \`${prefix}${key}\` | ${typeText(p)} | ${d.default ?? ""} | ${d.text} |`);
        }
    };
    walk(schema, "");
    const notInConfig = NOT_IN_CONFIG.map((n) => `- \`${n.setting}\`: ${n.reason}.`);
    return [
        "| key | type | default (dev / prod) | notes |",
        "|---|---|---|---|",
        ...rows,
        "",
        "Component settings a stack's config does not reach (`NOT_IN_CONFIG` in `stacks/config.ts`):",
        "",
        ...notInConfig,
    ].join("\n");
}

/** The README's sources among the generated schemas. */
export function readmeSources(schemas: Map<string, string>): ReadmeSources {
    const parse = (file: string) => JSON.parse(schemas.get(file)!) as JsonSchema;
    return { config: parse("stacks/config.schema.json"), guardrailOptions: parse("infra/guardrails/options.schema.json") };
}

/** Writes every generated file; returns the ones that changed. */
export function main(root = REPO_ROOT): string[] {
    const changed: string[] = [];
    const write = (file: string, text: string) => {
        const full = path.join(root, file);
        if (fs.existsSync(full) && fs.readFileSync(full, "utf8") === text) return;
        fs.writeFileSync(full, text);
        changed.push(file);
    };
    const schemas = generateSchemas(root);
    for (const [file, text] of schemas) write(file, text);
    const readme = path.join(root, "README.md");
    write("README.md", generatedReadme(fs.readFileSync(readme, "utf8"), readmeSources(schemas)));
    return changed;
}

if (require.main === module) {
    const changed = main();
    process.stderr.write(changed.length === 0 ? "docs: up to date\n" : `docs: wrote ${changed.join(", ")}\n`);
}
