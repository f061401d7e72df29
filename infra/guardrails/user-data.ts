/**
 * Reads node user data (a shell script, cloud-config, or a MIME multi-part holding them) the way the
 * node would run it, far enough to tell whether `/var/lib/containerd` still holds its original
 * contents when the script is done. AL2023 AMIs cache the sandbox image `localhost/kubernetes/pause`
 * there, and nothing pulls it again: a blank volume mounted over the directory, or the directory
 * emptied, leaves every pod sandbox failing and the node never Ready (see reference/README.md).
 *
 * The parts run in cloud-init's order, not the document's (CLOUD_INIT_STAGES, checked against
 * cloud-init's own files in reference/cloud-init/): boothooks when the user data is read, then a
 * cloud-config's bootcmd, write_files, disk_setup/fs_setup and mounts in the init stage, and only in
 * the final stage the shell parts (in part order) and runcmd. What is mounted over the store is a
 * stack, whatever lies under the top: a volume shows the store only if it was seeded with it (volumes
 * are told apart by device name; `$(readlink -f X)` names X), a tmpfs never, a bind mount only of a
 * directory the store was copied to. So once the store is on its volume, another mount over it, a
 * tmpfs, an empty bind, mkfs of its device or an fstab entry for another device loses it again.
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

/**
 * The cloud-init modules that can touch the store, by the section of cloud.cfg that lists them, in the
 * order cloud-init runs them (reference/cloud-init/cloud.cfg.tmpl; a test checks this table against
 * it). The sections are the init, config and final stages. Before the init stage's modules, cloud-init
 * reads the user data and runs its boothooks (text/cloud-boothook). `disk_setup` also applies
 * `fs_setup`; `runcmd` only writes its commands to a script that `scripts_user` runs with the shell parts.
 */
export const CLOUD_INIT_STAGES = [
    { section: "cloud_init_modules", modules: ["bootcmd", "write_files", "disk_setup", "mounts"] },
    { section: "cloud_config_modules", modules: ["runcmd"] },
    { section: "cloud_final_modules", modules: ["write_files_deferred", "scripts_user"] },
] as const;

type CloudInitModule = (typeof CLOUD_INIT_STAGES)[number]["modules"][number];

/**
 * The files `scripts_user` runs, in sorted order (`subp.runparts`): a shell part without a file name is
 * saved as `partTemplate` with its index among the user data's parts (handlers/__init__.py), runcmd's
 * commands as `runcmd` (cc_runcmd.py). So every shell part runs before runcmd.
 */
export const CLOUD_INIT_SCRIPT_NAMES = { partTemplate: "part-%03d", runcmd: "runcmd" } as const;

/** Why the store would be gone after the script runs, or undefined when it is intact. */
export function containerdStoreLoss(userData: string): ContainerdLoss | undefined {
    const analysis = new Analysis();
    const lines = userData.replace(/\r\n?/g, "\n").split("\n");
    try {
        analysis.userData(lines.map((text, k) => ({ text, line: k + 1 })));
    } catch (e) {
        if (!(e instanceof UnreadableShell)) throw e;
        return { kind: "unreadable", line: e.line, command: e.text, effect: `is not valid bash (${e.reason})` };
    }
    return analysis.finish();
}

/** Text with the user-data line each of its lines came from. */
type Lines = { text: string; line: number }[];

/** A part of the user data as cloud-init's part handlers take it; `index` counts every part before it. */
interface Part {
    kind: "shell" | "boothook" | "cloud-config" | "other";
    lines: Lines;
    index: number;
}

/** One item of a cloud-config list, with the user-data line of a node of the part it came from. */
interface ConfigItem {
    node: unknown;
    lineOf(node: unknown): number;
    lines: Lines;
}

class UnreadableShell extends Error {
    constructor(
        readonly line: number,
        readonly text: string,
        readonly reason: string,
    ) {
        super(reason);
    }
}

/** A copy of the store's contents in a directory: a bind mount of it, or a copy back from it, shows the store. */
interface Copy {
    /** Where the contents now sit, as a directory. */
    locations: string[];
}

/** How a volume is mounted: a device (or fstab source), a tmpfs, or a directory bound there. */
interface MountSpec {
    source?: string;
    /** The filesystem type, when given (`-t`, fstab's third field, a unit's `Type=`). */
    type?: string;
    bind: boolean;
}

/** Something mounted over the store's path. */
interface Layer {
    /** The device, when a device is mounted (not a tmpfs nor a bind mount). */
    device?: string;
    /** What was mounted. */
    spec: MountSpec;
    /** It shows the store's contents. */
    hasContents: boolean;
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
    /** Devices whose filesystem holds the store's contents at its top (copied onto it, or filled while mounted there). */
    private readonly seeded = new Set<string>();
    /** Mounts declared for later (fstab entries, systemd mount units), in the order written, not mounted yet. */
    private declared: { spec: MountSpec; line: number; command: string }[] = [];
    /** The directory on the root volume still holds the AMI's store. */
    private original = true;
    /** What is mounted over the store's path, bottom first: the last one is what containerd sees. */
    private readonly layers: Layer[] = [];
    private lost: Omit<ContainerdLoss, "kind"> | undefined;

    /** The whole user data, its parts run in cloud-init's order (CLOUD_INIT_STAGES). */
    userData(lines: Lines): void {
        const parts = leafParts(lines);
        for (const part of parts) if (part.kind === "boothook") this.script(part.lines);
        const config = mergeCloudConfig(parts.filter((p) => p.kind === "cloud-config"));
        for (const stage of CLOUD_INIT_STAGES) for (const module of stage.modules) this.module(module, config, parts);
    }

    private module(module: CloudInitModule, config: Map<string, ConfigItem[]>, parts: Part[]): void {
        const items = (key: string) => config.get(key) ?? [];
        switch (module) {
            case "bootcmd":
                return this.commands(items("bootcmd"));
            case "write_files":
            case "write_files_deferred":
                return this.writeFiles(items("write_files"), module === "write_files_deferred");
            case "disk_setup":
                // fs_setup makes a filesystem on each device it names, but leaves one that already has it
                // (taken to be so for a seeded device) unless told to `overwrite`.
                for (const { node, lineOf, lines } of items("fs_setup")) {
                    const device = isMap(node) ? node.get("device") : undefined;
                    const overwrite = isMap(node) && String(node.get("overwrite") ?? "") === "true";
                    if (typeof device !== "string" || (!overwrite && this.seeded.has(device))) continue;
                    const line = lineOf(node);
                    this.wipe(device, line, lines.find((l) => l.line === line)?.text.trim() ?? "");
                }
                return;
            case "mounts":
                // cc_mounts writes each entry to fstab, then runs `mount -a`.
                for (const item of items("mounts")) {
                    if (!isSeq(item.node)) continue;
                    const [device, point, type, options] = item.node.items.map((f) => (isScalar(f) ? String(f.value) : undefined));
                    if (point === undefined || this.path(point) !== CONTAINERD_DIR) continue;
                    const line = item.lineOf(item.node);
                    const spec = { source: device, type, bind: /(^|,)r?bind(,|$)/.test(options ?? "") };
                    this.mount(spec, line, item.lines.find((l) => l.line === line)?.text.trim() ?? "");
                }
                return;
            case "runcmd":
                // cc_runcmd writes the commands to a script; scripts_user runs it.
                return;
            case "scripts_user": {
                const scripts = parts
                    .filter((p) => p.kind === "shell")
                    .map((p) => ({ name: partFileName(p.index), run: () => this.script(p.lines) }));
                if (config.has("runcmd")) scripts.push({ name: CLOUD_INIT_SCRIPT_NAMES.runcmd, run: () => this.commands(items("runcmd")) });
                scripts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
                for (const s of scripts) s.run();
                return;
            }
        }
    }

    /** bootcmd and runcmd: each item a command line, or an argv run as it is (cloud-init quotes each word). */
    private commands(items: ConfigItem[]): void {
        for (const { node, lineOf } of items) {
            const line = lineOf(node);
            const text = isSeq(node)
                ? node.items.map((w) => shellQuote(String(isScalar(w) ? w.value : ""))).join(" ")
                : isScalar(node)
                  ? String(node.value)
                  : "";
            this.script(text.split("\n").map((t) => ({ text: t, line })));
        }
    }

    /** write_files entries, those with `defer: true` only in the final stage. */
    private writeFiles(items: ConfigItem[], deferred: boolean): void {
        for (const { node, lineOf } of items) {
            if (!isMap(node) || (String(node.get("defer") ?? "") === "true") !== deferred) continue;
            const path = node.get("path");
            const content = node.get("content", true);
            if (typeof path !== "string" || !isScalar(content)) continue;
            const at = lineOf(content);
            this.writeFile(
                path,
                String(content.value)
                    .split("\n")
                    .map((text, k) => ({ text, line: at + k })),
                String(node.get("append") ?? "") === "true",
            );
        }
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
                if (name.startsWith("mkfs")) this.wipe(argv[argv.length - 1], line, text);
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
                    // The commands of a substitution run; what they print is not known, but for a path resolved.
                    this.nested(() => this.stmts(p.stmts, frame));
                    return this.resolvedPath(p.stmts, frame) ?? opaque(`$(@${p.offset})`);
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

    /**
     * `$(readlink -f X)`, `$(realpath X)`: X, for the analysis compares paths and devices through their
     * links (the containerd part mounts `$(readlink -f /dev/xvdb)`, the NVMe device /dev/xvdb links to).
     */
    private resolvedPath(stmts: Stmt[], frame: Frame): string | undefined {
        const command = stmts.length === 1 && stmts[0].redirects.length === 0 ? stmts[0].command : undefined;
        if (command?.type !== "call" || command.args.some((w) => w.some((p) => p.type === "subst"))) return undefined;
        const [name, ...args] = command.args.map((w) => this.expand(w, frame));
        const operands = args.filter((a) => !a.startsWith("-"));
        const canonical =
            name === "realpath" || (name === "readlink" && args.some((a) => /^-[a-z]*[fem]/.test(a) || a.startsWith("--canonicalize")));
        return canonical && operands.length === 1 && !isOpaque(operands[0]) ? operands[0] : undefined;
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
            const setting = (name: string) => {
                const found = lines.find((l) => new RegExp(`^\\s*${name}\\s*=`).test(l.text));
                return found && { value: found.text.split("=").slice(1).join("=").trim(), line: found.line, text: found.text.trim() };
            };
            const where = setting("Where");
            if (where && this.path(where.value) === CONTAINERD_DIR) {
                const options = setting("Options")?.value ?? "";
                const spec = { source: setting("What")?.value, type: setting("Type")?.value, bind: /(^|,)r?bind(,|$)/.test(options) };
                this.declare(spec, where.line, where.text);
            }
        }
    }

    private fstabEntry(entry: string, lineNo: number): void {
        const [source, point, type, options] = entry.trim().split(/\s+/);
        if (type !== undefined && !source.startsWith("#") && this.path(point) === CONTAINERD_DIR) {
            this.declare({ source, type, bind: /(^|,)r?bind(,|$)/.test(options ?? "") }, lineNo, entry.trim());
        }
    }

    private declare(spec: MountSpec, line: number, command: string): void {
        // Written while something is mounted there, an entry for it describes that mount.
        const top = this.layers[this.layers.length - 1];
        if (!top || !describes(spec, top)) this.declared.push({ spec, line, command });
    }

    /** Mounts the declared entries `which` selects, in the order they were written. */
    private mountDeclared(which: (spec: MountSpec) => boolean, line: number, command: string): void {
        const chosen = this.declared.filter((d) => which(d.spec));
        this.declared = this.declared.filter((d) => !which(d.spec));
        for (const d of chosen) this.mount(d.spec, line, command);
    }

    private mountCommand(argv: string[], lineNo: number, text: string): void {
        const positional: string[] = [];
        let all = false;
        let type: string | undefined;
        let bind = false;
        for (let k = 1; k < argv.length; k++) {
            const a = argv[k];
            if (a === "-a" || a === "--all") all = true;
            else if (["--bind", "-B", "--rbind", "-R"].includes(a)) bind = true;
            else if (a === "-t" || a === "--types") type = argv[++k];
            else if (a === "-o" || a === "--options") bind ||= /(^|,)r?bind(,|$)/.test(argv[++k] ?? "");
            else if (MOUNT_OPTIONS_WITH_VALUE.has(a)) k++;
            else if (!a.startsWith("-")) positional.push(a);
        }
        if (all || positional.length === 1) {
            // `mount -a` mounts fstab; `mount X` mounts X's fstab entry.
            const named = all || this.path(positional[0]) === CONTAINERD_DIR;
            this.mountDeclared((spec) => named || positional[0] === spec.source, lineNo, text);
            return;
        }
        const [source, target] = positional.slice(-2);
        if (target === undefined) return;
        if (this.path(target) === CONTAINERD_DIR) this.mount({ source, type, bind }, lineNo, text);
        else this.mountPoints.set(this.path(target), source);
    }

    private umountCommand(argv: string[]): void {
        for (const a of argv.slice(1).filter((x) => !x.startsWith("-"))) {
            // The store's path, or the device mounted there: the layer under it shows again.
            const at = this.path(a) === CONTAINERD_DIR ? this.layers.length - 1 : this.layers.map((l) => l.device).lastIndexOf(a);
            if (at >= 0) this.layers.splice(at, 1);
            for (const [point, device] of this.mountPoints) {
                if (point !== this.path(a) && device !== a) continue;
                this.mountPoints.delete(point);
                // What was copied there stays on the volume, no longer in the directory.
                for (const c of this.copies) c.locations = c.locations.filter((l) => l !== point && !l.startsWith(`${point}/`));
            }
        }
    }

    private systemctl(argv: string[], lineNo: number, text: string): void {
        const [verb, ...units] = argv.slice(1).filter((a) => !a.startsWith("-"));
        const starts = verb === "start" || verb === "restart" || (verb === "enable" && argv.includes("--now"));
        if (starts && units.some((u) => u === "var-lib-containerd.mount" || u === "local-fs.target"))
            this.mountDeclared(() => true, lineNo, text);
    }

    /**
     * Something is mounted over the store's path, on top of whatever is there: it shows the store only
     * if it holds a copy (a seeded device, a directory the store was copied to, the store itself bound there).
     */
    private mount(spec: MountSpec, line: number, command: string): void {
        const source = spec.source === undefined ? undefined : this.path(spec.source);
        const copied = source !== undefined && this.copies.some((c) => c.locations.includes(source));
        let layer: Layer;
        let effect: string;
        if (isTmpfs(spec)) {
            layer = { spec, hasContents: false };
            effect = `mounts an empty ${spec.type ?? spec.source} over ${CONTAINERD_DIR}`;
        } else if (spec.bind) {
            // The store itself, a directory it was copied to, or the top of a seeded volume mounted there.
            const volume = source === undefined ? undefined : this.mountPoints.get(source);
            const seededVolume = volume !== undefined && this.seeded.has(volume);
            layer = { spec, hasContents: source === CONTAINERD_DIR ? this.storeVisible() : copied || seededVolume };
            effect = `bind-mounts ${spec.source ?? "a directory"}, which holds none of its contents, over ${CONTAINERD_DIR}`;
        } else {
            const device = spec.source;
            layer = { spec, device, hasContents: copied || (device !== undefined && this.seeded.has(device)) };
            effect = `mounts a volume over ${CONTAINERD_DIR} that holds none of its contents`;
        }
        this.layers.push(layer);
        // Entries declared for what was just mounted describe this mount.
        this.declared = this.declared.filter((d) => !describes(d.spec, layer));
        if (!layer.hasContents) this.lose({ line, command, effect });
    }

    /** `mkfs` (or fs_setup) makes a new filesystem: whatever was copied onto the device is gone. */
    private wipe(device: string, line: number, command: string): void {
        this.seeded.delete(device);
        const top = this.layers[this.layers.length - 1];
        for (const layer of this.layers) if (layer.device === device) layer.hasContents = false;
        if (top?.device === device) this.lose({ line, command, effect: `formats the volume that holds ${CONTAINERD_DIR}` });
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
            // A directory copied into an existing directory lands in <dest>/containerd.
            this.copies.push({ locations: contents ? [to] : [to, `${to}/containerd`] });
            // Onto the top of a mounted volume: that volume is seeded.
            const volume = contents ? this.mountPoints.get(to) : undefined;
            if (volume !== undefined) this.seeded.add(volume);
            if (name === "mv") this.destroy({ line: lineNo, command: text, effect: `moves the contents of ${CONTAINERD_DIR} away` });
        }
        const restored =
            this.path(dest) === CONTAINERD_DIR &&
            preserves &&
            sources.some((s) => contentsOf(s) && this.copies.some((c) => c.locations.includes(this.path(s))));
        if (restored) {
            this.setVisible(true);
            this.lost = undefined;
        }
    }

    private storeVisible(): boolean {
        const top = this.layers[this.layers.length - 1];
        return top ? top.hasContents : this.original;
    }

    /** What is seen at the store's path now holds the store, or no longer does (and so does its device). */
    private setVisible(hasContents: boolean): void {
        const top = this.layers[this.layers.length - 1];
        if (!top) this.original = hasContents;
        else {
            top.hasContents = hasContents;
            if (top.device !== undefined) {
                if (hasContents) this.seeded.add(top.device);
                else this.seeded.delete(top.device);
            }
        }
    }

    /** The visible store is deleted or moved away. */
    private destroy(loss: Omit<ContainerdLoss, "kind">): void {
        const wasVisible = this.storeVisible();
        this.setVisible(false);
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
        // fstab entries and mount units nothing mounted yet are mounted at the next boot.
        for (const d of this.declared.splice(0)) this.mount(d.spec, d.line, d.command);
        if (this.storeVisible() || !this.lost) return undefined;
        return { kind: "lost", ...this.lost };
    }
}

/**
 * The parts of user data in document order, as cloud-init walks them: a MIME document's leaf parts
 * (nested multi-parts included), or the whole of bare user data as one part. A part's kind comes from
 * its Content-Type, or from its first line where that is text/plain or absent (`#!`, `#cloud-config`,
 * `#cloud-boothook`).
 */
function leafParts(lines: Lines, contentType = "", parts: Part[] = []): Part[] {
    const type = contentType.split(";")[0].trim().toLowerCase();
    const first = lines.find((l) => l.text.trim() !== "")?.text.trim() ?? "";
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (type === "" && /^(mime-version|content-type):/i.test(first)) {
        // A document with MIME headers: its own Content-Type says what the body is.
        const end = lines.findIndex((l) => l.text.trim() === "");
        const headers = parseHeaders(lines.slice(0, end < 0 ? lines.length : end));
        return leafParts(end < 0 ? [] : lines.slice(end + 1), headers["content-type"] ?? "text/plain", parts);
    }
    if (type.startsWith("multipart/") && boundary) {
        // RFC 2046: parts between `--boundary` lines, each with its headers.
        let part: Lines | undefined;
        for (const l of lines) {
            const t = l.text.trimEnd();
            if (t === `--${boundary}` || t === `--${boundary}--`) {
                if (part) mimePart(part, parts);
                if (t === `--${boundary}--`) break;
                part = [];
            } else part?.push(l);
        }
        return parts;
    }
    const plain = type === "" || type === "text/plain";
    // Bare user data that is none of the others: Bottlerocket's TOML and nodeadm's NodeConfig are data.
    const data = /^\[[\w.-]+\]$/.test(first) || /^apiVersion:\s*node\.eks\.aws\//m.test(lines.map((l) => l.text).join("\n"));
    const kind: Part["kind"] =
        type === "text/cloud-config" || (plain && first.startsWith("#cloud-config"))
            ? "cloud-config"
            : type === "text/cloud-boothook" || (plain && first.startsWith("#cloud-boothook"))
              ? "boothook"
              : type.startsWith("text/x-shellscript") || (type === "" && !data) || (type === "text/plain" && first.startsWith("#!"))
                ? "shell"
                : "other";
    parts.push({ kind, lines, index: parts.length });
    return parts;
}

function mimePart(lines: Lines, parts: Part[]): void {
    const end = lines.findIndex((l) => l.text.trim() === "");
    const headers = parseHeaders(lines.slice(0, end < 0 ? lines.length : end));
    let body = end < 0 ? [] : lines.slice(end + 1);
    if ((headers["content-transfer-encoding"] ?? "").toLowerCase() === "base64") {
        const at = body[0]?.line ?? 0;
        body = decodeBase64(body.map((l) => l.text).join(""))
            .split("\n")
            .map((text) => ({ text, line: at }));
    }
    leafParts(body, headers["content-type"] ?? "text/plain", parts);
}

/**
 * The cloud-config parts merged as cloud-init merges them by default (`dict(replace)+list()+str()`,
 * handlers/cloud_config.py): a later part's key replaces an earlier part's. A part that sets its own
 * merge rules (`merge_how`, `merge_type`) is taken to append its lists. Only list-valued keys are kept.
 */
function mergeCloudConfig(parts: Part[]): Map<string, ConfigItem[]> {
    const merged = new Map<string, ConfigItem[]>();
    for (const { lines } of parts) {
        const counter = new LineCounter();
        const doc = parseDocument(lines.map((l) => l.text).join("\n"), { lineCounter: counter });
        if (!isMap(doc.contents)) continue;
        const lineOf = (node: unknown) =>
            lines[counter.linePos((node as YamlNode | null)?.range?.[0] ?? 0).line - 1]?.line ?? lines[0]?.line ?? 1;
        const appends = doc.has("merge_how") || doc.has("merge_type");
        for (const pair of doc.contents.items) {
            const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
            const items = isSeq(pair.value) ? pair.value.items.map((node) => ({ node, lineOf, lines })) : [];
            merged.set(key, appends ? [...(merged.get(key) ?? []), ...items] : items);
        }
    }
    return merged;
}

/** The file name cloud-init saves a shell part under (`part-%03d` with its index). */
function partFileName(index: number): string {
    return CLOUD_INIT_SCRIPT_NAMES.partTemplate.replace(/%0(\d)d/, (_, width: string) => String(index).padStart(Number(width), "0"));
}

function isTmpfs(spec: MountSpec): boolean {
    const type = spec.type ?? spec.source;
    return type === "tmpfs" || type === "ramfs";
}

/**
 * An fstab entry or mount unit describes a mount already made: the same tmpfs, the same directory bound,
 * the same device, or a device that cannot be told apart from it (UUID=, LABEL=, a value only known on the node).
 */
function describes(entry: MountSpec, layer: Layer): boolean {
    if (isTmpfs(entry) || isTmpfs(layer.spec)) return isTmpfs(entry) && isTmpfs(layer.spec);
    if (entry.bind || layer.spec.bind) return entry.bind && layer.spec.bind && entry.source === layer.spec.source;
    return entry.source === layer.device || (entry.source !== undefined && !isDevicePath(entry.source));
}

/** A device named by its path (not UUID=, LABEL=, nor a value only known on the node). */
function isDevicePath(source: string): boolean {
    return source.startsWith("/dev/") && !isOpaque(source);
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
