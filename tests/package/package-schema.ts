/**
 * The package schema, built once per test run. Pulumi's component analyzer type-checks the whole project
 * to build it (about 0.8 GB and 10 to 40 s), so the schema contract (schema-contract.ts), the examples
 * (examples.ts, whose provider also constructs components from the analysis) and the test of the
 * `npm run schema` command share one provider in one process: package.test.ts imports them all.
 */
import assert from "node:assert/strict";
import { EksKarpenterProvider, PackageSchema } from "../../package/provider";
import { main } from "../../scripts/schema";

export const provider = new EksKarpenterProvider();

let run: Promise<{ code: number; stdout: string; stderr: string }> | undefined;

/** What the `npm run -s schema` command prints (its `main`, in this process, with the shared provider). */
export function schemaCommand(): Promise<{ code: number; stdout: string; stderr: string }> {
    run ??= (async () => {
        const out = { stdout: "", stderr: "" };
        const code = await main({ stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) }, provider);
        return { code, ...out };
    })();
    return run;
}

/** The schema the command prints. */
export async function packageSchema(): Promise<PackageSchema> {
    const printed = await schemaCommand();
    assert.equal(printed.code, 0, printed.stderr);
    return JSON.parse(printed.stdout) as PackageSchema;
}
