import assert from "node:assert/strict";
import { ConfigError } from "../../../infra/errors";
import { settings } from "../../../offline/pulumi-internals";

/** Asserts `fn` throws a ConfigError naming `setting`, and returns it. */
export function configError(fn: () => unknown, setting: string): ConfigError {
    let caught: unknown;
    try {
        fn();
    } catch (e) {
        caught = e;
    }
    assert.ok(caught instanceof ConfigError, `expected a ConfigError for ${setting}, got ${String(caught)}`);
    assert.equal(caught.setting, setting);
    return caught;
}

/**
 * Asserts `program` (a runProgram) rejects with a ConfigError naming `setting`, and returns it. Waits
 * for what the program registered before it threw, so it does not reach the next program's mocks.
 */
export async function rejectsWithConfigError(program: Promise<unknown>, setting: string): Promise<ConfigError> {
    let caught: unknown;
    await program.catch((e: unknown) => (caught = e));
    await settings.waitForRPCs();
    assert.ok(caught instanceof ConfigError, `expected a ConfigError for ${setting}, got ${String(caught)}`);
    assert.equal(caught.setting, setting);
    return caught;
}
