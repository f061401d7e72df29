/**
 * Reads node user data (a shell script, cloud-config, or a MIME multi-part holding them) the way the
 * node would run it, far enough to tell whether `/var/lib/containerd` still holds its original
 * contents when the script is done. AL2023 AMIs cache the sandbox image `localhost/kubernetes/pause`
 * there, and nothing pulls it again: a blank volume mounted over the directory, or the directory
 * emptied, leaves every pod sandbox failing and the node never Ready (see reference/README.md).
 *
 * Shell is parsed by a real bash parser (./shell.ts); this file is the analysis over its tree. It
 * follows, in the order they run: variables (with `${X:-default}`), `cd`, `&&`/`||`/`|` lists, every
 * branch of `if`/`case` (a known `case` word takes its branch only), `for` loops over their items,
 * functions, `eval`, `sh -c`, scripts written to a file and run later, `xargs`, here-documents,
 * `mount`, `systemd-mount`, fstab entries (echo/printf/tee/here-document, cloud-config `mounts`),
 * systemd mount units, `rm -r`, `find -delete`/`-exec rm`, `cp`, `rsync`, `mv` and `mkfs`. Values it
 * cannot know (command substitutions, unset variables) stay opaque: the same opaque value matches
 * itself (a temporary mount point held in a variable), never the store's path.
 */
import { LineCounter, Node as YamlNode, isMap, isScalar, isSeq, parseDocument } from "yaml";
import { Command, ShellSyntaxError, Stmt, Word, parseShell } from "./shell";

export const CONTAINERD_DIR = "/var/lib/containerd";

/** Where the containerd store was lost, and how. */
export interface ContainerdLoss {
    /** `lost`: the store is gone; `unreadable`: a shell part is not valid bash, so nothing can be said. */
    kind: "lost" | "unreadable";
    /** 1-based line in the user data. */
    line: number;
    /** The command (or fstab entry) as written. */
    command: string;
    /** What it did: the start of a sentence, e.g. "mounts a volume over /var/lib/containerd". */
    effect: string;
}

/** Why the store would be gone after the script runs, or undefined when it is intact. */
export function containerdStoreLoss(userData: string): ContainerdLoss | undefined {
    const analysis = new Analysis();
    const lines = userData.replace(/\r\n?/g, "\n").split("\n");
    try {
        analysis.document(lines.map((text, k) => ({ text, line: k + 1 })));
    } catch (e) {
        if (!(e instanceof UnreadableShell)) throw e;
        return { kind: "unreadable", line: e.line, command: e.text, effect: `is not valid bash (${e.reason})` };
    }
    return analysis.finish();
}

/** Text with the user-data line each of its lines came from. */
type Lines = { text: string; line: number }[];

class UnreadableShell extends Error {
    constructor(
        readonly line: number,
        readonly text: string,
        readonly reason: string,
    ) {
        super(reason);
    }
}

/** A copy of the store's contents somewhere else. */
interface Copy {
    /** Where the contents now sit, as a directory. */
    locations: string[];
    /** The device of the volume the copy went onto, when it went to the top of a mounted volume. */
    volume?: string;
}

/** What a command is running: where its lines come from in the user data. */
interface Frame {
    /** The user-data line of a line of the parsed text. */
    line(parsedLine: number): number;
}

/** An opaque value: not known before the node runs, equal only to itself. */
const opaque = (what: string) => `\u27e8${what}\u27e9`;
const isOpaque = (value: string) => value.includes("\u27e8");

/** Commands that run the rest of their arguments as a command. */
const WRAPPERS = new Set(["sudo", "exec", "nohup", "command", "builtin", "env", "nice", "ionice", "time", "setsid", "stdbuf", "chroot"]);
const MOUNT_OPTIONS_WITH_VALUE = new Set(["-t", "-o", "-O", "-L", "-U", "--types", "--options", "--source", "--label", "--uuid"]);
const XARGS_OPTIONS_WITH_VALUE = new Set([
    "-n",
    "-L",
    "-P",
    "-s",
    "-d",
    "-a",
    "-E",
    "-e",
    "--max-args",
    "--max-procs",
    "--delimiter",
    "--arg-file",
]);
/** find predicates that still select everything below the start paths. */
const FIND_SELECTS_ALL = new Set([
    "-mindepth",
    "-maxdepth",
    "-depth",
    "-xdev",
    "-mount",
    "-type",
    "-print",
    "-print0",
    "-delete",
    "-exec",
    "-execdir",
    "-ok",
    "-okdir",
]);
/** Deepest nesting of function calls, eval and scripts run from the user data. */
const MAX_DEPTH = 20;
/** Most items of a `for` loop walked one by one. */
const MAX_LOOP_ITEMS = 100;

class Analysis {
    private readonly vars = new Map<string, string>();
    /** Functions defined so far, with where their lines come from. */
    private readonly functions = new Map<string, { body: Stmt; frame: Frame }>();
    /** Files the user data wrote, by path: a script run later runs these lines. */
    private readonly files = new Map<string, Lines>();
    private positional: string[] = [];
    private cwd: string | undefined;
    private depth = 0;
    /** Mount points of other volumes, with their devices (a copy onto one seeds that volume). */
    private readonly mountPoints = new Map<string, string>();
    private readonly copies: Copy[] = [];
    /** Mounts declared for later (an fstab entry, a systemd mount unit), not mounted yet. */
    private declared: { source?: string; line: number; command: string } | undefined;
    /** The directory on the root volume still holds the AMI's store. */
    private original = true;
    /** A volume mounted over the store's path, and whether it holds the store's contents. */
    private mounted: { hasContents: boolean } | undefined;
    private lost: Omit<ContainerdLoss, "kind"> | undefined;

    /** A whole user-data document, or one MIME part's body. */
    document(lines: Lines, contentType = ""): void {
        const type = contentType.split(";")[0].trim().toLowerCase();
        const first = lines.find((l) => l.text.trim() !== "")?.text.trim() ?? "";
        const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
        if (type === "" && /^(mime-version|content-type):/i.test(first)) return this.mime(lines);
        if (type.startsWith("multipart/") && boundary) return this.multipart(lines, boundary);
        if (type === "text/cloud-config" || ((type === "" || type === "text/plain") && first.startsWith("#cloud-config")))
            return this.cloudConfig(lines);
        const shell = type.startsWith("text/x-shellscript") || type === "text/cloud-boothook";
        // Bare user data that is none of the above: Bottlerocket's TOML and nodeadm's NodeConfig are data.
        const data = /^\[[\w.-]+\]$/.test(first) || /^apiVersion:\s*node\.eks\.aws\//m.test(lines.map((l) => l.text).join("\n"));
        if (shell || (type === "" && !data) || (type === "text/plain" && first.startsWith("#!"))) this.script(lines);
    }

    /** A document with MIME headers: its own Content-Type says what the body is. */
    private mime(lines: Lines): void {
        const end = lines.findIndex((l) => l.text.trim() === "");
        const headers = parseHeaders(lines.slice(0, end < 0 ? lines.length : end));
        this.document(end < 0 ? [] : lines.slice(end + 1), headers["content-type"] ?? "text/plain");
    }

    /** RFC 2046 multipart: parts between `--boundary` lines, each with its headers. */
    private multipart(lines: Lines, boundary: string): void {
        let part: Lines | undefined;
        for (const l of lines) {
            const t = l.text.trimEnd();
            if (t === `--${boundary}` || t === `--${boundary}--`) {
                if (part) this.part(part);
                if (t === `--${boundary}--`) break;
                part = [];
            } else part?.push(l);
        }
    }

    private part(lines: Lines): void {
        const end = lines.findIndex((l) => l.text.trim() === "");
        const headers = parseHeaders(lines.slice(0, end < 0 ? lines.length : end));
        let body = end < 0 ? [] : lines.slice(end + 1);
        if ((headers["content-transfer-encoding"] ?? "").toLowerCase() === "base64") {
            const at = body[0]?.line ?? 0;
            body = decodeBase64(body.map((l) => l.text).join(""))
                .split("\n")
                .map((text) => ({ text, line: at }));
        }
        this.document(body, headers["content-type"] ?? "text/plain");
    }

    /** cloud-config, in cloud-init's module order: bootcmd, write_files, mounts, then runcmd. */
    private cloudConfig(lines: Lines): void {
        const counter = new LineCounter();
        const doc = parseDocument(lines.map((l) => l.text).join("\n"), { lineCounter: counter });
        const lineOf = (node: YamlNode | null | undefined) =>
            lines[counter.linePos(node?.range?.[0] ?? 0).line - 1]?.line ?? lines[0]?.line ?? 1;
        const seq = (key: string) => {
            const node = doc.get(key, true);
            return isSeq(node) ? node.items : [];
        };
        const commands = (key: string) => {
            for (const item of seq(key)) {
                const line = lineOf(item as YamlNode);
                // A list item is an argv, run as it is (cloud-init quotes each word).
                const text = isSeq(item)
                    ? item.items.map((w) => shellQuote(String(isScalar(w) ? w.value : ""))).join(" ")
                    : isScalar(item)
                      ? String(item.value)
                      : "";
                this.script(text.split("\n").map((t) => ({ text: t, line })));
            }
        };
        commands("bootcmd");
        for (const item of seq("write_files")) {
            if (!isMap(item)) continue;
            const path = item.get("path");
            const content = item.get("content", true);
            if (typeof path !== "string" || !isScalar(content)) continue;
            const at = lineOf(content);
            this.writeFile(
                path,
                String(content.value)
                    .split("\n")
                    .map((text, k) => ({ text, line: at + k })),
                String(item.get("append") ?? "") === "true",
            );
        }
        for (const item of seq("mounts")) {
            if (!isSeq(item)) continue;
            const [device, point] = item.items.map((f) => String(isScalar(f) ? f.value : ""));
            // cloud-init's mounts module writes the entry to fstab and mounts it during boot.
            if (point !== undefined && this.path(point) === CONTAINERD_DIR)
                this.mount(device, lineOf(item), lines.find((l) => l.line === lineOf(item))?.text.trim() ?? "");
        }
        commands("runcmd");
    }

    /** A shell script: parsed, then run statement by statement. */
    private script(lines: Lines): void {
        const text = lines.map((l) => l.text).join("\n");
        const frame: Frame = { line: (n) => lines[n - 1]?.line ?? lines[lines.length - 1]?.line ?? 1 };
        let stmts: Stmt[];
        try {
            stmts = parseShell(text);
        } catch (e) {
            if (!(e instanceof ShellSyntaxError)) throw e;
            throw new UnreadableShell(frame.line(e.line), lines[e.line - 1]?.text.trim() ?? "", e.reason);
        }
        this.nested(() => this.stmts(stmts, frame));
    }

    private nested(run: () => void): void {
        if (this.depth >= MAX_DEPTH) return;
        this.depth++;
        try {
            run();
        } finally {
            this.depth--;
        }
    }

    private stmts(stmts: Stmt[], frame: Frame): void {
        for (const s of stmts) this.stmt(s, frame);
    }

    /** Runs one statement; returns what it writes to its standard output, when that is known. */
    private stmt(stmt: Stmt, frame: Frame, stdin?: Lines): Lines | undefined {
        const line = frame.line(stmt.line);
        // Here-documents and here-strings feed the command; `< file` a file written earlier.
        for (const r of stmt.redirects) {
            if (r.heredoc) {
                stdin = this.expand(r.heredoc.body, frame)
                    .replace(/\n$/, "")
                    .split("\n")
                    .map((text, k) => ({ text, line: frame.line(r.heredoc!.line) + k }));
            } else if (r.op === "<<<") stdin = [{ text: this.expand(r.word, frame), line }];
            else if (r.op === "<") stdin = this.files.get(this.path(this.expand(r.word, frame)));
        }
        const stdout = stmt.command ? this.command(stmt.command, stmt, frame, line, stdin) : undefined;
        let redirected = false;
        for (const r of stmt.redirects) {
            if (![">", ">>", ">|", "&>", "&>>"].includes(r.op)) continue;
            redirected = true;
            if (stdout) this.writeFile(this.expand(r.word, frame), stdout, r.op.endsWith(">>"));
        }
        return redirected ? undefined : stdout;
    }

    private command(command: Command, stmt: Stmt, frame: Frame, line: number, stdin: Lines | undefined): Lines | undefined {
        switch (command.type) {
            case "call":
                return this.call(command, stmt, frame, line, stdin);
            case "binary":
                if (command.op === "|" || command.op === "|&") return this.stmt(command.y, frame, this.stmt(command.x, frame, stdin));
                this.stmt(command.x, frame, stdin);
                return this.stmt(command.y, frame);
            case "block":
                this.stmts(command.stmts, frame);
                return undefined;
            case "for": {
                const items = command.items
                    ?.map((w) => this.expand(w, frame))
                    .flatMap((v) => (isOpaque(v) ? [v] : v.split(/\s+/).filter(Boolean)));
                for (const item of (items ?? [opaque(`$${command.name}`)]).slice(0, MAX_LOOP_ITEMS)) {
                    if (command.name) this.vars.set(command.name, item);
                    this.stmts(command.body, frame);
                }
                return undefined;
            }
            case "case": {
                const value = this.expand(command.word, frame);
                const matches = command.items.filter(
                    (i) => isOpaque(value) || i.patterns.some((p) => globMatch(this.expand(p, frame), value)),
                );
                // A known word takes the first branch it matches; an unknown one may take any.
                for (const item of isOpaque(value) ? matches : matches.slice(0, 1)) this.stmts(item.stmts, frame);
                return undefined;
            }
            case "function":
                this.functions.set(command.name, { body: command.body, frame });
                return undefined;
            case "declare":
                for (const a of command.assigns) if (a.value) this.vars.set(a.name, this.expand(a.value, frame));
                return undefined;
            case "other":
                return undefined;
        }
    }

    /** A simple command: assignments, a function, a builtin or a program the analysis knows. */
    private call(
        command: Extract<Command, { type: "call" }>,
        stmt: Stmt,
        frame: Frame,
        line: number,
        stdin: Lines | undefined,
    ): Lines | undefined {
        const values = command.assigns.map((a) => [a.name, this.expand(a.value ?? [], frame)] as const);
        let argv = command.args.map((w) => this.expand(w, frame));
        // `NAME=value` alone sets NAME for the script; before a command, for that command only.
        if (argv.length === 0) for (const [k, v] of values) this.vars.set(k, v);
        argv = withoutWrappers(argv);
        if (argv.length === 0) return undefined;
        return this.run(argv, stmt, frame, line, stdin);
    }

    private run(argv: string[], stmt: Stmt, frame: Frame, line: number, stdin: Lines | undefined): Lines | undefined {
        const name = argv[0].split("/").pop() ?? "";
        const text = stmt.text;
        const fn = this.functions.get(argv[0]);
        if (fn) {
            const saved = this.positional;
            this.positional = argv.slice(1);
            this.nested(() => this.stmt(fn.body, fn.frame));
            this.positional = saved;
            return undefined;
        }
        const written = this.files.get(this.path(argv[0]));
        if (written && argv[0].includes("/")) return void this.script(written);
        switch (name) {
            case "echo":
            case "printf":
                return splitLines(name === "echo" ? echo(argv.slice(1)) : printf(argv.slice(1)), line);
            case "cat": {
                const files = argv.slice(1).filter((a) => !a.startsWith("-"));
                return files.length === 0 ? stdin : files.flatMap((f) => this.files.get(this.path(f)) ?? []);
            }
            case "tee":
                for (const f of argv.slice(1).filter((a) => !a.startsWith("-")))
                    this.writeFile(f, stdin ?? [], argv.includes("-a") || argv.includes("--append"));
                return stdin;
            case "cd":
                this.cwd = argv[1] !== undefined && !isOpaque(argv[1]) && argv[1] !== "-" ? this.path(argv[1]) : undefined;
                return undefined;
            case "eval":
                this.script(
                    argv
                        .slice(1)
                        .join(" ")
                        .split("\n")
                        .map((t) => ({ text: t, line })),
                );
                return undefined;
            case "sh":
            case "bash":
            case "source":
            case ".":
                return void this.shell(name, argv, line, stdin);
            case "xargs":
                return this.xargs(argv, stmt, frame, line, stdin);
            case "find":
                return this.find(argv, line, text);
            case "ls":
                return splitLines(
                    argv
                        .slice(1)
                        .filter((a) => !a.startsWith("-"))
                        .join("\n"),
                    line,
                );
            case "mount":
            case "systemd-mount":
                return void this.mountCommand(argv, line, text);
            case "umount":
                return void this.umountCommand(argv);
            case "systemctl":
                return void this.systemctl(argv, line, text);
            case "rm":
                return void this.rm(argv, line, text);
            case "cp":
            case "rsync":
            case "mv":
                return void this.transfer(name, argv, line, text);
            default:
                if (name.startsWith("mkfs")) this.wipe(argv[argv.length - 1]);
                return undefined;
        }
    }

    /** `sh -c '...'`, `bash script`, `bash <<EOF`, `source file`. */
    private shell(name: string, argv: string[], line: number, stdin: Lines | undefined): void {
        const args = argv.slice(1);
        const c = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
        if (c >= 0 && args[c + 1] !== undefined) return this.script(args[c + 1].split("\n").map((t) => ({ text: t, line })));
        const file = args.find((a) => !a.startsWith("-") && a !== "-s");
        if (file !== undefined) {
            const lines = this.files.get(this.path(file));
            if (lines) this.script(lines);
        } else if (stdin && (name === "sh" || name === "bash")) this.script(stdin);
    }

    /** `xargs [options] command [args]`: the command with the words of its input appended. */
    private xargs(argv: string[], stmt: Stmt, frame: Frame, line: number, stdin: Lines | undefined): Lines | undefined {
        let k = 1;
        let replace: string | undefined;
        for (; k < argv.length && argv[k].startsWith("-"); k++) {
            if (argv[k] === "-I" || argv[k] === "-i") replace = argv[++k] ?? "{}";
            else if (argv[k].startsWith("-I")) replace = argv[k].slice(2);
            else if (XARGS_OPTIONS_WITH_VALUE.has(argv[k])) k++;
        }
        const command = argv.slice(k).length > 0 ? argv.slice(k) : ["echo"];
        const words = (stdin ?? [{ text: opaque("stdin"), line }]).flatMap((l) => l.text.split(/\s+/).filter(Boolean));
        const runs = replace !== undefined ? words.map((w) => command.map((a) => a.split(replace!).join(w))) : [[...command, ...words]];
        for (const r of runs) this.run(withoutWrappers(r), stmt, frame, line, undefined);
        return undefined;
    }

    /** `find`: lists its start paths; `-delete` or `-exec rm` over all of them deletes them. */
    private find(argv: string[], line: number, text: string): Lines {
        const first = argv.findIndex((a, k) => k > 0 && (a.startsWith("-") || a === "(" || a === "!"));
        const starts = argv.slice(1, first < 0 ? undefined : first);
        const expression = first < 0 ? [] : argv.slice(first);
        const exec = expression.findIndex((a) => a === "-exec" || a === "-execdir");
        const deletes = expression.includes("-delete") || (exec >= 0 && (expression[exec + 1]?.split("/").pop() ?? "") === "rm");
        const selectsAll = expression.every((a, k) => !a.startsWith("-") || FIND_SELECTS_ALL.has(a) || (exec >= 0 && k > exec));
        if (deletes && selectsAll && starts.some((s) => this.path(s) === CONTAINERD_DIR)) {
            this.destroy({ line, command: text, effect: `deletes the contents of ${CONTAINERD_DIR}` });
        }
        return starts.map((s) => ({ text: s, line }));
    }

    /** The value of a word, with the variables of this point of the script. */
    private expand(word: Word, frame: Frame): string {
        return word
            .map((p) => {
                if (p.type === "lit") return p.value;
                if (p.type === "opaque") return opaque(`@${p.offset}`);
                if (p.type === "subst") {
                    // The commands of a substitution run; what they print is not known.
                    this.nested(() => this.stmts(p.stmts, frame));
                    return opaque(`$(@${p.offset})`);
                }
                const value = this.variable(p.name);
                if (p.length) return value === undefined ? opaque(`#${p.name}`) : String(value.length);
                const set = value !== undefined;
                const nonEmpty = set && value !== "";
                switch (p.op) {
                    case ":-":
                    case "-":
                        return (p.op === ":-" ? nonEmpty : set) ? value! : this.expand(p.word ?? [], frame);
                    case ":=":
                    case "=": {
                        if (p.op === ":=" ? nonEmpty : set) return value!;
                        // Positional parameters cannot be assigned this way: bash refuses, as if unset.
                        if (this.positionalName(p.name)) return "";
                        const fallback = this.expand(p.word ?? [], frame);
                        this.vars.set(p.name, fallback);
                        return fallback;
                    }
                    case ":+":
                    case "+":
                        return (p.op === ":+" ? nonEmpty : set) ? this.expand(p.word ?? [], frame) : "";
                    default:
                        return value ?? opaque(`$${p.name}`);
                }
            })
            .join("");
    }

    /** A variable's value; undefined when it is not set (as far as the analysis knows). */
    private variable(name: string): string | undefined {
        if (this.positionalName(name)) {
            if (name === "@" || name === "*") return this.positional.join(" ");
            if (name === "#") return String(this.positional.length);
            return this.positional[Number(name) - 1];
        }
        return this.vars.get(name);
    }

    private positionalName(name: string): boolean {
        return /^([1-9]\d*|[@*#])$/.test(name);
    }

    /** A file the script writes: fstab entries and mount units declare mounts; scripts can run later. */
    private writeFile(target: string, lines: Lines, append: boolean): void {
        const path = this.path(target);
        this.files.set(path, [...(append ? (this.files.get(path) ?? []) : []), ...lines]);
        if (path === "/etc/fstab") for (const l of lines) this.fstabEntry(l.text, l.line);
        if (path.endsWith(".mount")) {
            const where = lines.find((l) => /^\s*Where\s*=/.test(l.text));
            const what = lines.find((l) => /^\s*What\s*=/.test(l.text));
            if (where && this.path(where.text.split("=").slice(1).join("=").trim()) === CONTAINERD_DIR) {
                this.declare(what?.text.split("=").slice(1).join("=").trim(), where.line, where.text.trim());
            }
        }
    }

    private fstabEntry(entry: string, lineNo: number): void {
        const fields = entry.trim().split(/\s+/);
        if (fields.length >= 3 && !fields[0].startsWith("#") && this.path(fields[1]) === CONTAINERD_DIR) {
            this.declare(fields[0], lineNo, entry.trim());
        }
    }

    private declare(source: string | undefined, line: number, command: string): void {
        // Written while a volume is mounted there, the entry describes that mount, not another one.
        if (!this.mounted) this.declared = { source, line, command };
    }

    private mountCommand(argv: string[], lineNo: number, text: string): void {
        const positional: string[] = [];
        let all = false;
        for (let k = 1; k < argv.length; k++) {
            const a = argv[k];
            if (a === "-a" || a === "--all") all = true;
            else if (MOUNT_OPTIONS_WITH_VALUE.has(a)) k++;
            else if (!a.startsWith("-")) positional.push(a);
        }
        if (all || positional.length === 1) {
            // `mount -a` mounts fstab; `mount X` mounts X's fstab entry.
            const d = this.declared;
            if (d && (all || this.path(positional[0]) === CONTAINERD_DIR || positional[0] === d.source)) {
                this.declared = undefined;
                this.mount(d.source, lineNo, text);
            }
            return;
        }
        const [source, target] = positional.slice(-2);
        if (target === undefined) return;
        if (this.path(target) === CONTAINERD_DIR) this.mount(source, lineNo, text);
        else this.mountPoints.set(this.path(target), source);
    }

    private umountCommand(argv: string[]): void {
        for (const a of argv.slice(1).filter((x) => !x.startsWith("-"))) {
            if (this.path(a) === CONTAINERD_DIR) this.mounted = undefined;
            else this.mountPoints.delete(this.path(a));
        }
    }

    private systemctl(argv: string[], lineNo: number, text: string): void {
        const [verb, ...units] = argv.slice(1).filter((a) => !a.startsWith("-"));
        const starts = verb === "start" || verb === "restart" || (verb === "enable" && argv.includes("--now"));
        const d = this.declared;
        if (starts && d && units.some((u) => u === "var-lib-containerd.mount" || u === "local-fs.target")) {
            this.declared = undefined;
            this.mount(d.source, lineNo, text);
        }
    }

    /** A volume is mounted over the store's path: it shows the store only if it was seeded with it. */
    private mount(source: string | undefined, line: number, command: string): void {
        // Device names alias on Nitro (/dev/xvdb is /dev/nvme1n1), so any seeded volume counts.
        const seeded = this.copies.some((c) => c.volume !== undefined || (source !== undefined && c.locations.includes(this.path(source))));
        this.declared = undefined;
        this.mounted = { hasContents: seeded };
        if (!seeded) this.lose({ line, command, effect: `mounts a volume over ${CONTAINERD_DIR} that holds none of its contents` });
    }

    /** `mkfs` on a device erases whatever was copied onto it. */
    private wipe(device: string): void {
        for (const c of this.copies) if (c.volume === device) c.volume = undefined;
    }

    private rm(argv: string[], lineNo: number, text: string): void {
        const flags = argv.slice(1).filter((a) => a.startsWith("-"));
        const recursive = flags.some((f) => f === "--recursive" || (/^-[^-]/.test(f) && /[rR]/.test(f)));
        const targets = argv.slice(1).filter((a) => !a.startsWith("-"));
        if (recursive && targets.some((t) => this.isStorePath(t)))
            this.destroy({ line: lineNo, command: text, effect: `deletes the contents of ${CONTAINERD_DIR}` });
    }

    /** `cp`, `rsync` and `mv`: copies of the store out of its path, and copies back into it. */
    private transfer(name: "cp" | "rsync" | "mv", argv: string[], lineNo: number, text: string): void {
        const args = argv.slice(1);
        const flags = args.filter((a) => a.startsWith("-"));
        const short = flags.filter((f) => /^-[^-]/.test(f)).join("");
        let paths = args.filter((a) => !a.startsWith("-"));
        const targetDir = valueOf(args, "-t", "--target-directory");
        if (targetDir !== undefined) paths = [...paths.filter((p) => p !== targetDir), targetDir];
        if (paths.length < 2) return;
        const dest = paths[paths.length - 1];
        const sources = paths.slice(0, -1);
        const preserves =
            name === "mv" ||
            short.includes("a") ||
            flags.includes("--archive") ||
            (name === "cp" && /[rR]/.test(short) && (short.includes("p") || flags.some((f) => f.startsWith("--preserve"))));
        const noTargetDirectory = name === "cp" && (short.includes("T") || flags.includes("--no-target-directory"));
        const contentsOf = (path: string) =>
            path.endsWith("/.") || path.endsWith("/*") || (name === "rsync" && path.endsWith("/")) || noTargetDirectory;

        for (const source of sources.filter((s) => this.path(s) === CONTAINERD_DIR)) {
            if (!preserves || !this.storeVisible()) continue;
            const to = this.path(dest);
            const contents = contentsOf(source);
            this.copies.push({
                // A directory copied into an existing directory lands in <dest>/containerd.
                locations: contents ? [to] : [to, `${to}/containerd`],
                volume: contents ? this.mountPoints.get(to) : undefined,
            });
            if (name === "mv") this.destroy({ line: lineNo, command: text, effect: `moves the contents of ${CONTAINERD_DIR} away` });
        }
        const restored =
            this.path(dest) === CONTAINERD_DIR &&
            preserves &&
            sources.some((s) => contentsOf(s) && this.copies.some((c) => c.locations.includes(this.path(s))));
        if (restored) {
            if (this.mounted) this.mounted.hasContents = true;
            else this.original = true;
            this.lost = undefined;
        }
    }

    private storeVisible(): boolean {
        return this.mounted ? this.mounted.hasContents : this.original;
    }

    /** The visible store is deleted or moved away. */
    private destroy(loss: Omit<ContainerdLoss, "kind">): void {
        const wasVisible = this.storeVisible();
        if (this.mounted) this.mounted.hasContents = false;
        else this.original = false;
        if (wasVisible) this.lose(loss);
    }

    private lose(loss: Omit<ContainerdLoss, "kind">): void {
        this.lost ??= loss;
    }

    /** An absolute, normalised path (relative ones against the known working directory). */
    private path(p: string): string {
        const absolute = p.startsWith("/") || this.cwd === undefined || isOpaque(p) ? p : `${this.cwd}/${p}`;
        return normalize(absolute);
    }

    /** The store's path, its contents (`/*`, `/.`) or one of containerd's own directories in it. */
    private isStorePath(p: string): boolean {
        const path = this.path(p);
        return path === CONTAINERD_DIR || /^\/var\/lib\/containerd\/io\.containerd\./.test(path);
    }

    finish(): ContainerdLoss | undefined {
        const d = this.declared;
        // An fstab entry or mount unit nothing mounted yet is mounted at the next boot.
        if (d) this.mount(d.source, d.line, d.command);
        if (this.storeVisible() || !this.lost) return undefined;
        return { kind: "lost", ...this.lost };
    }
}

/** The command a wrapper runs: `sudo -E x`, `env A=b x`, `exec x`, `timeout 5 x`... */
function withoutWrappers(argv: string[]): string[] {
    let rest = argv;
    for (;;) {
        const name = rest[0]?.split("/").pop() ?? "";
        if (WRAPPERS.has(name)) {
            rest = rest.slice(1);
            while (rest.length > 0 && (rest[0].startsWith("-") || (name === "env" && /^[A-Za-z_]\w*=/.test(rest[0])))) rest = rest.slice(1);
        } else if (name === "timeout") {
            // timeout [-s SIGNAL] [-k DURATION] [--flags] DURATION command...
            rest = rest.slice(1);
            while (rest.length > 0 && rest[0].startsWith("-")) rest = rest.slice(rest[0] === "-s" || rest[0] === "-k" ? 2 : 1);
            rest = rest.slice(1);
        } else return rest;
    }
}

/** `echo` output (`-e` escapes and, as a precaution, literal `\n` sequences become line breaks). */
function echo(args: string[]): string {
    let k = 0;
    while (k < args.length && /^-[neE]+$/.test(args[k])) k++;
    return args.slice(k).join(" ").replace(/\\n/g, "\n");
}

/** `printf FORMAT ARGS...`: %s/%b/%d take the arguments in turn; the format repeats while any are left. */
function printf(args: string[]): string {
    const [format = "", ...rest] = args;
    let out = "";
    let k = 0;
    do {
        out += format.replace(/%%|%[-+ #0-9.]*[sbdiqc]/g, (m) => (m === "%%" ? "%" : (rest[k++] ?? "")));
    } while (k < rest.length && /%[-+ #0-9.]*[sbdiqc]/.test(format));
    return out.replace(/\\n/g, "\n").replace(/\\t/g, "\t");
}

function splitLines(text: string, line: number): Lines {
    return text.split("\n").map((t) => ({ text: t, line }));
}

/** Whether a `case` pattern (`*`, `?`, `[...]`, `a|b` already split by the parser) matches. */
function globMatch(pattern: string, value: string): boolean {
    const regex = pattern
        .replace(/[.+^${}()|\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${regex}$`, "s").test(value);
}

/** A path without `//`, `/./`, `..`, nor a trailing `/`, `/.` or `/*`. */
function normalize(path: string): string {
    const absolute = path.startsWith("/");
    const out: string[] = [];
    const segments = path.split("/");
    segments.forEach((s, k) => {
        if (s === "" || s === ".") return;
        if (s === "*" && k === segments.length - 1) return;
        if (s === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
        else if (!(s === ".." && absolute)) out.push(s);
    });
    return (absolute ? "/" : "") + out.join("/") || (absolute ? "/" : ".");
}

function valueOf(args: string[], short: string, long: string): string | undefined {
    for (let k = 0; k < args.length; k++) {
        if (args[k] === short || args[k] === long) return args[k + 1];
        if (args[k].startsWith(`${long}=`)) return args[k].slice(long.length + 1);
    }
    return undefined;
}

function shellQuote(word: string): string {
    return `'${word.replace(/'/g, "'\\''")}'`;
}

/** MIME headers by lower-case name (continuation lines joined). */
function parseHeaders(lines: Lines): Record<string, string> {
    const headers: Record<string, string> = {};
    let last = "";
    for (const { text } of lines) {
        if (/^\s/.test(text) && last) headers[last] += ` ${text.trim()}`;
        else {
            const m = /^([\w-]+):\s*(.*)$/.exec(text);
            if (m) headers[(last = m[1].toLowerCase())] = m[2].trim();
        }
    }
    return headers;
}

/** Base64 to text (UTF-8), without Node's Buffer (the policy pack type-checks without Node's types). */
function decodeBase64(data: string): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const bytes: number[] = [];
    let bits = 0;
    let value = 0;
    for (const ch of data.replace(/[^A-Za-z0-9+/]/g, "")) {
        value = (value << 6) | alphabet.indexOf(ch);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes.push((value >> bits) & 0xff);
        }
    }
    try {
        return decodeURIComponent(bytes.map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""));
    } catch {
        return String.fromCharCode(...bytes);
    }
}
