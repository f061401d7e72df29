// The policy pack compiles from its own entry point (policy-pack/tsconfig.json lists files), so mvdan-sh's
// types reach it only through this reference.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./mvdan-sh.d.ts" />
/**
 * Bash parsed by mvdan/sh's parser (the one shfmt uses; npm `mvdan-sh`, a synchronous GopherJS build),
 * turned into the small typed tree the user-data analysis walks. Only the shapes the analysis reads are
 * kept: quoting is resolved into literal text here, so a word is literal pieces and expansions.
 *
 * Why this build: the rules run synchronously (in the program, the offline plan and the policy pack).
 * `sh-syntax`, the WebAssembly build of the same parser, only parses asynchronously and its syntax tree
 * keeps positions but not the commands themselves. mvdan-sh is pinned (package.json): its last release,
 * no longer developed upstream, on a mature parser; a bump must pass tests/infra/guardrails/containerd.test.ts.
 */
import type { GoNode } from "mvdan-sh";

/** A piece of a word: literal text (quotes and escapes already removed) or an expansion. */
export type WordPart =
    | { type: "lit"; value: string }
    /** `$NAME`, `${NAME}`, `${NAME:-word}` and friends; `op` is the operator as written (`:-`, `=`...). */
    | { type: "param"; name: string; op?: string; word?: Word; length: boolean }
    /** `$(...)` or backquotes: the commands run when the word is expanded. */
    | { type: "subst"; stmts: Stmt[]; offset: number }
    /** Anything else ($((...)), <(...), ${x/a/b}...): a value not known before the node runs. */
    | { type: "opaque"; offset: number };

export type Word = WordPart[];

export interface Assign {
    name: string;
    /** Undefined for `local x` / `export x` without a value. */
    value?: Word;
}

export interface Redirect {
    /** As written: `>`, `>>`, `<`, `<<`, `<<-`, `<<<`, `&>`, `&>>`, `>&`, `<&`, `>|`, `<>`. */
    op: string;
    word: Word;
    /** A here-document's body (tabs already stripped for `<<-`). */
    heredoc?: { body: Word; line: number };
}

export type Command =
    | { type: "call"; assigns: Assign[]; args: Word[] }
    | { type: "binary"; op: "&&" | "||" | "|" | "|&"; x: Stmt; y: Stmt }
    /** if/elif/else, while, until, `{ }`, `( )`, `time`: statements that run in order (every branch). */
    | { type: "block"; stmts: Stmt[] }
    | { type: "for"; name?: string; items?: Word[]; body: Stmt[] }
    | { type: "case"; word: Word; items: { patterns: Word[]; stmts: Stmt[] }[] }
    | { type: "function"; name: string; body: Stmt }
    /** export, local, declare, readonly, typeset. */
    | { type: "declare"; assigns: Assign[] }
    /** [[ ]], (( )), let, coproc: nothing the analysis follows. */
    | { type: "other" };

export interface Stmt {
    command?: Command;
    redirects: Redirect[];
    /** 1-based line of the statement in the parsed text. */
    line: number;
    /** The statement as written (its first line, for multi-line statements). */
    text: string;
}

/** The text is not valid bash. */
export class ShellSyntaxError extends Error {
    constructor(
        readonly line: number,
        readonly reason: string,
    ) {
        super(`line ${line}: ${reason}`);
    }
}

/** The statements of a bash script. */
export function parseShell(source: string): Stmt[] {
    const sh = mvdan();
    let file: GoNode;
    try {
        file = sh.parser.Parse(source, "user-data");
    } catch (e) {
        const message = typeof (e as { Error?: unknown }).Error === "function" ? (e as { Error(): string }).Error() : String(e);
        const m = /^user-data:(\d+):\d+: (.*)$/s.exec(message);
        throw new ShellSyntaxError(m ? Number(m[1]) : 1, m ? m[2] : message);
    }
    return new Converter(source, sh.ops).stmts(file.Stmts);
}

type Mvdan = { parser: { Parse(src: string, name: string): GoNode }; nodeType(node: GoNode): string; ops: Operators };
interface Operators {
    redirect: Map<number, string>;
    binary: Map<number, string>;
    param: Map<number, string>;
}

let loaded: Mvdan | undefined;
/** CommonJS's require (declared here: the policy pack type-checks these files without Node's types). */
declare const require: (id: string) => unknown;

/** Loads the parser on first use (about 80 ms) and learns its operator numbers from samples. */
function mvdan(): Mvdan {
    if (loaded) return loaded;
    const { syntax } = require("mvdan-sh") as typeof import("mvdan-sh");
    const parser = syntax.NewParser();
    const first = (src: string) => parser.Parse(src, "sample").Stmts[0];
    const learn = <T>(spellings: string[], code: (spelling: string) => number) =>
        new Map(spellings.map((s) => [code(s), s] as [number, T & string]));
    const ops: Operators = {
        redirect: learn(["<", ">", ">>", "<>", ">&", "<&", ">|", "<<", "<<-", "<<<", "&>", "&>>"], (op) => {
            const src = op.startsWith("<<") && op !== "<<<" ? `x ${op}E\nE\n` : `x ${op}y`;
            return first(src).Redirs[0].Op;
        }),
        binary: learn(["&&", "||", "|", "|&"], (op) => first(`x ${op} y`).Cmd.Op),
        param: learn([":-", "-", ":=", "=", ":+", "+", ":?", "?"], (op) => first(`x \${y${op}z}`).Cmd.Args[1].Parts[0].Exp.Op),
    };
    loaded = { parser, nodeType: (n) => syntax.NodeType(n), ops };
    return loaded;
}

type Quoting = "none" | "double" | "heredoc";

class Converter {
    /** Byte offset (what the parser reports) to string index, for non-ASCII scripts. */
    private readonly index: (byteOffset: number) => number;

    constructor(
        private readonly source: string,
        private readonly ops: Operators,
    ) {
        this.index = byteIndex(source);
    }

    stmts(nodes: GoNode[] | null | undefined): Stmt[] {
        return (nodes ?? []).map((n) => this.stmt(n));
    }

    private stmt(node: GoNode): Stmt {
        const text = this.source.slice(this.index(node.Pos().Offset()), this.index(node.End().Offset()));
        return {
            command: node.Cmd ? this.command(node.Cmd) : undefined,
            redirects: (node.Redirs ?? []).map((r: GoNode) => this.redirect(r)),
            line: node.Pos().Line(),
            text: text.split("\n")[0].trim().replace(/\s*;$/, ""),
        };
    }

    private command(node: GoNode): Command {
        const type = mvdan().nodeType(node);
        switch (type) {
            case "CallExpr":
                return {
                    type: "call",
                    assigns: (node.Assigns ?? []).map((a: GoNode) => this.assign(a)),
                    args: (node.Args ?? []).map((w: GoNode) => this.word(w)),
                };
            case "BinaryCmd":
                return { type: "binary", op: (this.ops.binary.get(node.Op) ?? "&&") as "&&", x: this.stmt(node.X), y: this.stmt(node.Y) };
            case "IfClause": {
                const stmts: Stmt[] = [];
                // `else` is an IfClause without a condition.
                for (let c: GoNode | null = node; c; c = c.Else) stmts.push(...this.stmts(c.Cond), ...this.stmts(c.Then));
                return { type: "block", stmts };
            }
            case "WhileClause":
                return { type: "block", stmts: [...this.stmts(node.Cond), ...this.stmts(node.Do)] };
            case "Block":
            case "Subshell":
                return { type: "block", stmts: this.stmts(node.Stmts) };
            case "TimeClause":
                return { type: "block", stmts: node.Stmt ? [this.stmt(node.Stmt)] : [] };
            case "ForClause": {
                const loop = node.Loop;
                const body = this.stmts(node.Do);
                if (mvdan().nodeType(loop) !== "WordIter") return { type: "for", body };
                // `for d; do` (no `in`) walks the positional parameters, unknown here.
                const items = loop.InPos && loop.InPos.Line() > 0 ? (loop.Items ?? []).map((w: GoNode) => this.word(w)) : undefined;
                return { type: "for", name: loop.Name.Value, items, body };
            }
            case "CaseClause":
                return {
                    type: "case",
                    word: this.word(node.Word),
                    items: (node.Items ?? []).map((i: GoNode) => ({
                        patterns: (i.Patterns ?? []).map((w: GoNode) => this.word(w)),
                        stmts: this.stmts(i.Stmts),
                    })),
                };
            case "FuncDecl":
                return { type: "function", name: node.Name.Value, body: this.stmt(node.Body) };
            case "DeclClause":
                return { type: "declare", assigns: (node.Args ?? []).filter((a: GoNode) => a.Name).map((a: GoNode) => this.assign(a)) };
            default:
                return { type: "other" };
        }
    }

    private assign(node: GoNode): Assign {
        return { name: node.Name?.Value ?? "", value: node.Naked ? undefined : node.Value ? this.word(node.Value) : [] };
    }

    private redirect(node: GoNode): Redirect {
        const op = this.ops.redirect.get(node.Op) ?? ">";
        const word = this.word(node.Word);
        if (!node.Hdoc) return { op, word };
        // A quoted delimiter (<<'EOF', <<"EOF", <<\EOF) keeps the body literal.
        const quoted = (node.Word.Parts ?? []).some((p: GoNode) => mvdan().nodeType(p) !== "Lit" || p.Value.includes("\\"));
        const body: Word = quoted
            ? [
                  {
                      type: "lit",
                      value: (node.Hdoc.Parts ?? [])
                          .map((p: GoNode) => this.source.slice(this.index(p.Pos().Offset()), this.index(p.End().Offset())))
                          .join(""),
                  },
              ]
            : this.word(node.Hdoc, "heredoc");
        const stripped = op === "<<-" ? stripTabs(body) : body;
        return { op, word, heredoc: { body: stripped, line: node.Hdoc.Pos().Line() } };
    }

    private word(node: GoNode | null | undefined, quoting: Quoting = "none"): Word {
        return this.parts(node?.Parts ?? [], quoting);
    }

    private parts(parts: GoNode[], quoting: Quoting): Word {
        return parts.flatMap((p) => this.part(p, quoting));
    }

    private part(node: GoNode, quoting: Quoting): Word {
        const offset = node.Pos().Offset();
        switch (mvdan().nodeType(node)) {
            case "Lit":
                return [{ type: "lit", value: unescape(node.Value, quoting) }];
            case "SglQuoted":
                return [{ type: "lit", value: node.Dollar ? ansiC(node.Value) : node.Value }];
            case "DblQuoted":
                return this.parts(node.Parts ?? [], "double");
            case "ParamExp": {
                if (node.Excl || node.Index || node.Slice || node.Repl || node.Names) return [{ type: "opaque", offset }];
                const op = node.Exp ? this.ops.param.get(node.Exp.Op) : undefined;
                if (node.Exp && op === undefined) return [{ type: "opaque", offset }];
                return [
                    {
                        type: "param",
                        name: node.Param.Value,
                        op,
                        word: node.Exp ? this.word(node.Exp.Word) : undefined,
                        length: Boolean(node.Length),
                    },
                ];
            }
            case "CmdSubst":
                return [{ type: "subst", stmts: this.stmts(node.Stmts), offset }];
            default:
                return [{ type: "opaque", offset }];
        }
    }
}

/** Removes the quoting backslashes of a literal, as bash does in that context. */
function unescape(value: string, quoting: Quoting): string {
    if (quoting === "none") return value.replace(/\\\n/g, "").replace(/\\(.)/gs, "$1");
    const special = quoting === "double" ? /\\([$`"\\])/g : /\\([$`\\])/g;
    return value.replace(/\\\n/g, "").replace(special, "$1");
}

/** `$'...'` escapes (the common ones). */
function ansiC(value: string): string {
    const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', a: "\x07", e: "\x1b" };
    return value.replace(/\\(.)/g, (m, c: string) => map[c] ?? m);
}

/** `<<-` removes leading tabs from every line of the body. */
function stripTabs(body: Word): Word {
    let lineStart = true;
    return body.map((p) => {
        if (p.type !== "lit") {
            lineStart = false;
            return p;
        }
        const value = (lineStart ? p.value.replace(/^\t+/, "") : p.value).replace(/\n\t+/g, "\n");
        lineStart = value.endsWith("\n");
        return { ...p, value };
    });
}

/** Maps a UTF-8 byte offset into `text` to its string index. */
function byteIndex(text: string): (byteOffset: number) => number {
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\x7f]*$/.test(text)) return (b) => b;
    const starts: number[] = [];
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
        const code = text.codePointAt(i)!;
        const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
        for (let k = 0; k < width; k++) starts.push(i);
        bytes += width;
        if (code >= 0x10000) i++;
    }
    starts.push(text.length);
    return (b) => starts[Math.min(b, bytes)];
}
