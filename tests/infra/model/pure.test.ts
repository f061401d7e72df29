/**
 * The pure layer loads no provider SDK: the model, the CIDR arithmetic and the guardrails (which the policy
 * pack compiles) are imported in a child process, which then lists the Pulumi packages in require.cache.
 * A component module, imported the same way, loads @pulumi/aws: the negative control.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.resolve(__dirname, "../../..");
const MODEL = path.join(ROOT, "infra/model");
const modelFiles = fs
    .readdirSync(MODEL)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join(MODEL, f));

/** The `@pulumi/*` packages in require.cache after a fresh process requires `modules`. */
function pulumiPackagesLoadedBy(modules: string[]): string[] {
    const script =
        `for (const m of ${JSON.stringify(modules)}) require(m);` +
        `const loaded = Object.keys(require.cache).map((f) => /node_modules[\\\\/](@pulumi[\\\\/][^\\\\/]+)/.exec(f)?.[1]).filter(Boolean);` +
        `process.stdout.write(JSON.stringify([...new Set(loaded)].map((p) => p.replace("\\\\", "/")).sort()));`;
    return JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8" }));
}

describe("the pure layer", () => {
    it("loads no Pulumi package: the model, the CIDR arithmetic and the guardrails", () => {
        const pure = [...modelFiles, path.join(ROOT, "infra/network/cidr.ts"), path.join(ROOT, "infra/guardrails/index.ts")];
        assert.ok(modelFiles.length >= 10, `the model's files: ${modelFiles.join(", ")}`);
        assert.deepEqual(pulumiPackagesLoadedBy(pure), []);
    });

    it("negative control: a component module loads @pulumi/aws", () => {
        assert.ok(pulumiPackagesLoadedBy([path.join(ROOT, "infra/network/endpoints.ts")]).includes("@pulumi/aws"));
    });

    it("the model imports nothing: no package, no other folder", () => {
        for (const file of modelFiles) {
            const imports = [...fs.readFileSync(file, "utf8").matchAll(/^(?:import|export)\b[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]);
            assert.deepEqual(
                imports.filter((i) => !i.startsWith("./")),
                [],
                path.relative(ROOT, file),
            );
        }
    });
});
