/**
 * The layering rules of .dependency-cruiser.cjs (run by `npm test`'s lint step over the real tree) catch what
 * they are for: each rule is run on a small tree that breaks it, and must report it by name.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../harness";

/** depcruise's findings on a tree of `files` (path → source), with the repository's rules. */
function violations(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "layering-"));
    try {
        fs.writeFileSync(
            path.join(dir, "tsconfig.json"),
            JSON.stringify({ compilerOptions: { module: "commonjs", moduleResolution: "node" } }),
        );
        for (const [file, source] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.writeFileSync(path.join(dir, file), source);
        }
        const roots = [...new Set(Object.keys(files).map((f) => f.split("/")[0]))];
        const r = spawnSync(
            path.join(REPO_ROOT, "node_modules", ".bin", "depcruise"),
            ["--config", path.join(REPO_ROOT, ".dependency-cruiser.cjs"), "--output-type", "err", ...roots],
            { cwd: dir, encoding: "utf8" },
        );
        return `${r.stdout}${r.stderr}`;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("the layering rules", () => {
    test("a tree that keeps the layers passes", () => {
        const out = violations({
            "infra/model/names.ts": "export const NAME = 1;\n",
            "infra/nodes/pool.ts": 'import { NAME } from "../model/names";\nexport const POOL = NAME;\n',
            "stacks/dev.ts": 'import { POOL } from "../infra/nodes/pool";\nexport const DEV = POOL;\n',
        });
        assert.match(out, /no dependency violations found/);
    });

    test("the model importing a component is reported", () => {
        const out = violations({
            "infra/model/names.ts": 'import { POOL } from "../nodes/pool";\nexport const NAME = POOL;\n',
            "infra/nodes/pool.ts": "export const POOL = 1;\n",
        });
        assert.match(out, /model-is-dependency-free/);
    });

    test("a component importing a stack, and a cycle, are reported", () => {
        const out = violations({
            "infra/nodes/pool.ts": 'import { DEV } from "../../stacks/dev";\nexport const POOL = DEV;\n',
            "stacks/dev.ts": 'import { POOL } from "../infra/nodes/pool";\nexport const DEV = POOL;\n',
        });
        assert.match(out, /library-does-not-import-its-users/);
        assert.match(out, /no-cycles/);
    });

    test("a component importing the environment is reported", () => {
        const out = violations({
            "infra/nodes/pool.ts": 'import { ENV } from "../environment/environment";\nexport const POOL = ENV;\n',
            "infra/environment/environment.ts": "export const ENV = 1;\n",
        });
        assert.match(out, /components-do-not-import-the-environment/);
    });
});
