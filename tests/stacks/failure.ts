import assert from "node:assert/strict";
import { lastRegistrations, runProgram } from "../harness";

/** Runs the program with overrides and returns what it threw, after checking nothing was registered. */
export async function failure(stack: string, overrides: Record<string, unknown | null>): Promise<string> {
    try {
        await runProgram(stack, overrides);
    } catch (e) {
        assert.deepEqual(lastRegistrations().map((r) => r.type), [], "nothing is half-created");
        return (e as Error).message;
    }
    assert.fail(`expected the ${stack} program to fail with ${JSON.stringify(overrides)}`);
}
