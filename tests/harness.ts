// The offline runner lives in offline/ (the plan command uses it too); the tests keep importing it from here.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../offline/runner";

export * from "../offline/runner";

/** Upstream data the tests compare with, kept in the repository: one folder per upstream and version. */
export const REFERENCE = path.join(REPO_ROOT, "reference");

/**
 * The text of a file under reference/. Call it inside a test (not at import): a missing file then fails
 * the tests that need it, each naming the file, instead of taking every file of its process down.
 */
export function referenceText(relative: string): string {
    const file = path.join(REFERENCE, relative);
    if (!fs.existsSync(file)) {
        const folder = relative.split("/")[0];
        throw new Error(`reference/${relative} is missing: upstream data the tests compare with, kept in the repository (reference/${folder}/README.md says where it comes from)`);
    }
    return fs.readFileSync(file, "utf8");
}

/** A YAML or JSON file under reference/, parsed (see referenceText). */
export function referenceData(relative: string): any { // eslint-disable-line @typescript-eslint/no-explicit-any
    return parse(referenceText(relative));
}
