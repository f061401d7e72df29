import assert from "node:assert/strict";
import { lastRegistrations, runProgram } from "../harness";

/** Runs the program with overrides and returns what it threw, after checking nothing was registered. */
export async function thrownBy(stack: string, overrides: Record<string, unknown | null>): Promise<Error> {
    try {
        await runProgram(stack, overrides);
    } catch (e) {
        assert.deepEqual(
            lastRegistrations().map((r) => r.type),
            [],
            "nothing is half-created",
        );
        return e as Error;
    }
    assert.fail(`expected the ${stack} program to fail with ${JSON.stringify(overrides)}`);
}

/** The message of what the program threw with overrides (see thrownBy). */
export async function failure(stack: string, overrides: Record<string, unknown | null>): Promise<string> {
    return (await thrownBy(stack, overrides)).message;
}
