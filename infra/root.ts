import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The repository root: the nearest directory above this file with a package.json. The same whether the
 * code runs from its TypeScript sources (tsx, the tests) or compiled into `dist/` (`npm run plan`,
 * `bench`, `schema`): files that are not TypeScript (shell scripts, `Pulumi.<stack>.yaml`, the sources
 * the schema is built from) are always read from the repository, never from a copy in `dist/`.
 */
export const REPO_ROOT = rootAbove(__dirname);

function rootAbove(dir: string): string {
    for (let d = dir; ; d = path.dirname(d)) {
        if (fs.existsSync(path.join(d, "package.json"))) return d;
        if (path.dirname(d) === d) throw new Error(`no package.json above ${dir}`);
    }
}
