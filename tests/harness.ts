// The offline runner lives in offline/ (the plan command uses it too); the tests keep importing it from here.
import assert from "node:assert/strict";
import * as path from "node:path";
import { settings } from "../offline/pulumi-internals";
import { REPO_ROOT } from "../offline/runner";

export * from "../offline/runner";

/** `shared/` sits beside the repository (in CI too: a fresh clone with shared/ next to it). */
export const SHARED = path.resolve(REPO_ROOT, "..", "shared");

/**
 * The error a program run fails with, once the registrations it started (its components) have
 * settled, so they do not finish under the next run's mocks. Fails when the run succeeds.
 */
export async function failure(run: Promise<unknown>): Promise<unknown> {
    const error = await run.then(
        () => assert.fail("the program ran"),
        (e: unknown) => e,
    );
    await settings.waitForRPCs();
    return error;
}
