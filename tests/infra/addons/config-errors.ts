import assert from "node:assert/strict";
import { ConfigError } from "../../../infra/errors";

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
 * Asserts `program` (a runProgram) rejects with a ConfigError naming `setting`, and returns it (the
 * engine lets what the program registered before it threw settle before it rejects).
 */
export async function rejectsWithConfigError(program: Promise<unknown>, setting: string): Promise<ConfigError> {
    let caught: unknown;
    await program.catch((e: unknown) => (caught = e));
    assert.ok(caught instanceof ConfigError, `expected a ConfigError for ${setting}, got ${String(caught)}`);
    assert.equal(caught.setting, setting);
    return caught;
}
