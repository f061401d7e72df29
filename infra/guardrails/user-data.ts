/**
 * Reads node user data (a shell script, cloud-config, or a MIME multi-part holding them) the way the
 * node would run it, far enough to tell whether `/var/lib/containerd` still holds its original
 * contents when the script is done. AL2023 AMIs cache the sandbox image `localhost/kubernetes/pause`
 * there, and nothing pulls it again: a blank volume mounted over the directory, or the directory
 * emptied, leaves every pod sandbox failing and the node never Ready (see shared/reference/README.md).
 *
 * A heuristic, not a shell: it follows variables, `;`/`&&`/`|` lists, here-documents, `mount`,
 * `systemd-mount`, fstab entries (echo/printf/tee/here-document, cloud-config `mounts`), systemd mount
 * units, `rm`, `cp`, `rsync` and `mv`, in the order they appear. It does not follow functions, loops,
 * conditions, `tar` or `find -delete`.
 */

export const CONTAINERD_DIR = "/var/lib/containerd";

/** Where the containerd store was lost, and how. */
export interface ContainerdLoss {
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
    analysis.run(userData.replace(/\r\n?/g, "\n").split("\n"), 1);
    return analysis.finish();
}

type Segment = { text: string; quote: "none" | "single" | "double" };
type Token = { kind: "word"; segments: Segment[] } | { kind: "op"; text: string };

/** A simple command: words (expanded later, with the variables of its turn) and redirection targets. */
interface Command {
    words: Segment[][];
    redirects: { op: string; target: Segment[] }[];
    /** Its output is piped into the next command. */
    piped?: boolean;
    /** Here-document body lines, when the command reads one. */
    heredoc?: { delimiter: string; stripTabs: boolean; body: string[]; firstLine: number };
}

/** A copy of the store's contents somewhere else. */
interface Copy {
    /** Where the contents now sit, as a directory. */
    locations: string[];
    /** The device of the volume the copy went onto, when it went to the top of a mounted volume. */
    volume?: string;
}

class Analysis {
    private readonly vars = new Map<string, string>();
    /** Mount points of other volumes, with their devices (a copy onto one seeds that volume). */
    private readonly mountPoints = new Map<string, string>();
    private readonly copies: Copy[] = [];
    /** Mounts declared for later (an fstab entry, a systemd mount unit), not mounted yet. */
    private declared: { source?: string; line: number; command: string } | undefined;
    /** The directory on the root volume still holds the AMI's store. */
    private original = true;
    /** A volume mounted over the store's path, and whether it holds the store's contents. */
    private mounted: { hasContents: boolean } | undefined;
    private lost: ContainerdLoss | undefined;
    private cloudConfigKey = "";

    run(lines: string[], firstLine: number): void {
        for (let i = 0; i < lines.length; i++) {
            const lineNo = firstLine + i;
            let text = lines[i];
            // Line continuations.
            while (text.endsWith("\\") && i + 1 < lines.length) text = text.slice(0, -1) + lines[++i];
            if (/^\s*Where\s*=\s*\/var\/lib\/containerd\/?\s*$/.test(text)) {
                this.declare(undefined, lineNo, text.trim());
                continue;
            }
            const source = this.cloudConfig(text, lineNo);
            if (source === undefined) continue;
            const commands = parse(tokenize(source));
            for (const c of commands) {
                if (!c.heredoc) continue;
                const h = c.heredoc;
                h.firstLine = firstLine + i + 1;
                while (i + 1 < lines.length) {
                    const body = lines[++i];
                    if ((h.stripTabs ? body.replace(/^\t+/, "") : body) === h.delimiter) break;
                    h.body.push(body);
                }
            }
            this.execute(commands, lineNo, text.trim());
        }
    }

    /** The shell text of a line, after cloud-config list syntax; undefined when the line is data. */
    private cloudConfig(text: string, lineNo: number): string | undefined {
        const key = /^([A-Za-z_][\w-]*):(\s|$)/.exec(text);
        if (key) {
            this.cloudConfigKey = key[1];
            return undefined;
        }
        const item = /^\s*-\s+(.*)$/.exec(text);
        if (!item) return text;
        const value = item[1].trim();
        if (value.startsWith("[") && value.endsWith("]")) {
            const fields = value
                .slice(1, -1)
                .split(",")
                .map((f) => unquoteYaml(f.trim()));
            if (this.cloudConfigKey === "mounts") {
                // cloud-init's mounts module writes the entry to fstab and mounts it during boot.
                if (normalize(fields[1] ?? "") === CONTAINERD_DIR) this.mount(fields[0], lineNo, text.trim());
                return undefined;
            }
            return fields.map((f) => `'${f.replace(/'/g, "'\\''")}'`).join(" ");
        }
        return unquoteYaml(value);
    }

    private execute(commands: Command[], lineNo: number, text: string): void {
        for (let c = 0; c < commands.length; c++) {
            const command = commands[c];
            const argv = this.argv(command);
            if (argv.length === 0) continue;
            const redirects = command.redirects.map((r) => ({ op: r.op, target: this.expand(r.target) }));
            const next = commands[c + 1];
            const toFstab =
                redirects.some((r) => (r.op === ">" || r.op === ">>") && r.target === "/etc/fstab") ||
                (command.piped === true && next !== undefined && isTeeToFstab(withoutPrefixes(next.words.map((w) => this.expand(w))))) ||
                isTeeToFstab(argv);
            const name = argv[0].split("/").pop() ?? "";
            if (command.heredoc) {
                const h = command.heredoc;
                if (toFstab) h.body.forEach((entry, k) => this.fstabEntry(entry, h.firstLine + k));
                else this.run(h.body, h.firstLine);
            }
            if ((name === "echo" || name === "printf") && toFstab) {
                argv.slice(1)
                    .filter((a, k) => !(name === "echo" && k === 0 && /^-[neE]+$/.test(a)))
                    .join(" ")
                    .split(/\\n|\n/)
                    .forEach((entry) => this.fstabEntry(entry, lineNo));
            } else if (name === "mount" || name === "systemd-mount") this.mountCommand(argv, lineNo, text);
            else if (name === "umount") this.umountCommand(argv);
            else if (name === "systemctl") this.systemctl(argv, lineNo, text);
            else if (name === "rm") this.rm(argv, lineNo, text);
            else if (name.startsWith("mkfs")) this.wipe(argv[argv.length - 1]);
            else if ((name === "sh" || name === "bash") && argv[1] === "-c" && argv[2] !== undefined) this.run(argv[2].split("\n"), lineNo);
            else if (name === "cp" || name === "rsync" || name === "mv") this.transfer(name, argv, lineNo, text);
        }
    }

    /** Expanded words of a command; assignments set variables and are dropped. */
    private argv(command: Command): string[] {
        const words = withoutPrefixes(command.words.map((w) => this.expand(w)));
        if (words.length > 0 && SUFFIXES.has(words[0])) return [];
        const assignments: [string, string][] = [];
        while (words.length > 0 && /^[A-Za-z_]\w*=/.test(words[0])) {
            const [k, ...v] = words.shift()!.split("=");
            assignments.push([k, v.join("=")]);
        }
        // `NAME=value cmd` sets NAME for cmd only; `NAME=value` alone sets it for the script.
        if (words.length === 0) for (const [k, v] of assignments) this.vars.set(k, v);
        return words;
    }

    private expand(word: Segment[]): string {
        return word
            .map((s) =>
                s.quote === "single"
                    ? s.text
                    : s.text.replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g, (match, braced, fallback, bare) => {
                          const value = this.vars.get(braced ?? bare);
                          return value ?? fallback ?? match;
                      }),
            )
            .join("");
    }

    private fstabEntry(entry: string, lineNo: number): void {
        const fields = entry.trim().split(/\s+/);
        if (fields.length >= 3 && !fields[0].startsWith("#") && normalize(fields[1]) === CONTAINERD_DIR) {
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
            if (d && (all || normalize(positional[0]) === CONTAINERD_DIR || positional[0] === d.source)) {
                this.declared = undefined;
                this.mount(d.source, lineNo, text);
            }
            return;
        }
        const [source, target] = positional.slice(-2);
        if (target === undefined) return;
        if (normalize(target) === CONTAINERD_DIR) this.mount(source, lineNo, text);
        else this.mountPoints.set(normalize(target), source);
    }

    private umountCommand(argv: string[]): void {
        for (const a of argv.slice(1).filter((x) => !x.startsWith("-"))) {
            if (normalize(a) === CONTAINERD_DIR) this.mounted = undefined;
            else this.mountPoints.delete(normalize(a));
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
        const seeded = this.copies.some(
            (c) => c.volume !== undefined || (source !== undefined && c.locations.includes(normalize(source))),
        );
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
        if (recursive && targets.some(isStorePath)) this.destroy({ line: lineNo, command: text, effect: `deletes the contents of ${CONTAINERD_DIR}` });
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

        for (const source of sources.filter((s) => normalize(s) === CONTAINERD_DIR)) {
            if (!preserves || !this.storeVisible()) continue;
            const to = normalize(dest);
            const contents = contentsOf(source);
            this.copies.push({
                // A directory copied into an existing directory lands in <dest>/containerd.
                locations: contents ? [to] : [to, `${to}/containerd`],
                volume: contents ? this.mountPoints.get(to) : undefined,
            });
            if (name === "mv") this.destroy({ line: lineNo, command: text, effect: `moves the contents of ${CONTAINERD_DIR} away` });
        }
        const restored =
            normalize(dest) === CONTAINERD_DIR &&
            preserves &&
            sources.some((s) => contentsOf(s) && this.copies.some((c) => c.locations.includes(normalize(s))));
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
    private destroy(loss: ContainerdLoss): void {
        const wasVisible = this.storeVisible();
        if (this.mounted) this.mounted.hasContents = false;
        else this.original = false;
        if (wasVisible) this.lose(loss);
    }

    private lose(loss: ContainerdLoss): void {
        this.lost ??= loss;
    }

    finish(): ContainerdLoss | undefined {
        const d = this.declared;
        // An fstab entry or mount unit nothing mounted yet is mounted at the next boot.
        if (d) this.mount(d.source, d.line, d.command);
        if (this.storeVisible()) return undefined;
        return this.lost;
    }
}

const PREFIXES = new Set(["if", "then", "else", "elif", "do", "while", "until", "!", "{", "(", "time", "sudo", "exec", "nohup", "command", "export", "readonly", "local", "declare"]);
const SUFFIXES = new Set(["fi", "done", "}", ")", "esac", "for", "case"]);
const MOUNT_OPTIONS_WITH_VALUE = new Set(["-t", "-o", "-O", "-L", "-U", "--types", "--options", "--source", "--label", "--uuid"]);

/** The words of a command without keywords and wrappers (`if`, `then`, `sudo -E`, `export`...). */
function withoutPrefixes(words: string[]): string[] {
    const rest = [...words];
    while (rest.length > 0 && PREFIXES.has(rest[0])) {
        if (rest.shift() === "sudo") while (rest.length > 0 && rest[0].startsWith("-")) rest.shift();
    }
    return rest;
}

/** `tee [-a] /etc/fstab`. */
function isTeeToFstab(argv: string[]): boolean {
    return (argv[0]?.split("/").pop() ?? "") === "tee" && argv.slice(1).includes("/etc/fstab");
}

/** The store's path, its contents (`/*`, `/.`) or one of containerd's own directories in it. */
function isStorePath(path: string): boolean {
    return normalize(path) === CONTAINERD_DIR || /^\/var\/lib\/containerd\/io\.containerd\./.test(path);
}

/** A path without a trailing `/`, `/.` or `/*`. */
function normalize(path: string): string {
    return path.replace(/(\/\.|\/\*|\/)+$/, "") || "/";
}

function valueOf(args: string[], short: string, long: string): string | undefined {
    for (let k = 0; k < args.length; k++) {
        if (args[k] === short || args[k] === long) return args[k + 1];
        if (args[k].startsWith(`${long}=`)) return args[k].slice(long.length + 1);
    }
    return undefined;
}

function unquoteYaml(value: string): string {
    const m = /^(["'])(.*)\1$/.exec(value);
    return m ? (m[1] === '"' ? m[2].replace(/\\(["\\])/g, "$1") : m[2].replace(/''/g, "'")) : value;
}

/** Shell words and operators of one line; a comment ends the line. */
function tokenize(line: string): Token[] {
    const tokens: Token[] = [];
    let word: Segment[] = [];
    let bare = "";
    const flushBare = () => {
        if (bare !== "") word.push({ text: bare, quote: "none" });
        bare = "";
    };
    const endWord = () => {
        flushBare();
        if (word.length > 0) tokens.push({ kind: "word", segments: word });
        word = [];
    };
    for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (ch === " " || ch === "\t") endWord();
        else if (ch === "#" && bare === "" && word.length === 0) break;
        else if (ch === "'") {
            flushBare();
            const end = line.indexOf("'", i + 1);
            word.push({ text: line.slice(i + 1, end < 0 ? undefined : end), quote: "single" });
            i = end < 0 ? line.length : end;
        } else if (ch === '"') {
            flushBare();
            let text = "";
            // Inside double quotes a backslash escapes only $ ` " and itself; elsewhere it stays.
            for (i++; i < line.length && line[i] !== '"'; i++) text += line[i] === "\\" && '$`"\\'.includes(line[i + 1] ?? "x") ? line[++i] : line[i];
            word.push({ text, quote: "double" });
        } else if (ch === "\\") bare += line[++i] ?? "";
        else if (ch === "$" && line[i + 1] === "(") {
            // Command substitution stays one opaque piece of the word.
            let depth = 0;
            const start = i;
            for (; i < line.length; i++) {
                if (line[i] === "(") depth++;
                else if (line[i] === ")" && --depth === 0) break;
            }
            bare += line.slice(start, i + 1);
        } else if (ch === ";" || ch === "(" || ch === ")") {
            endWord();
            tokens.push({ kind: "op", text: ";" });
        } else if (ch === "&" || ch === "|") {
            endWord();
            if (line[i + 1] === ch) {
                tokens.push({ kind: "op", text: ch === "&" ? "&&" : "||" });
                i++;
            } else if (ch === "&" && line[i + 1] === ">") {
                // `&>file` and `&>>file` redirect both output streams.
                const append = line[i + 2] === ">";
                tokens.push({ kind: "op", text: append ? ">>" : ">" });
                i += append ? 2 : 1;
            } else tokens.push({ kind: "op", text: ch === "|" ? "|" : ";" });
        } else if (ch === ">" || ch === "<") {
            if (word.length === 0 && /^\d+$/.test(bare)) bare = "";
            endWord();
            const op = /^(<<-|<<<|<<|>>|>&|>\||<&|>|<)/.exec(line.slice(i))![1];
            i += op.length - 1;
            tokens.push({ kind: "op", text: op === ">|" ? ">" : op });
        } else bare += ch;
    }
    endWord();
    return tokens;
}

/** Commands of a tokenized line, with their redirections and here-documents. */
function parse(tokens: Token[]): Command[] {
    const commands: Command[] = [];
    let current: Command = { words: [], redirects: [] };
    const end = () => {
        if (current.words.length > 0 || current.heredoc) commands.push(current);
        current = { words: [], redirects: [] };
    };
    for (let k = 0; k < tokens.length; k++) {
        const t = tokens[k];
        if (t.kind === "word") {
            current.words.push(t.segments);
            continue;
        }
        const next = tokens[k + 1];
        if (t.text === "<<" || t.text === "<<-") {
            if (next?.kind === "word") {
                current.heredoc = { delimiter: next.segments.map((s) => s.text).join(""), stripTabs: t.text === "<<-", body: [], firstLine: 0 };
                k++;
            }
        } else if ([">", ">>", "<", "<<<", ">&", "<&"].includes(t.text)) {
            if (next?.kind === "word") {
                current.redirects.push({ op: t.text, target: next.segments });
                k++;
            }
        } else {
            current.piped = t.text === "|";
            end();
        }
    }
    end();
    return commands;
}
