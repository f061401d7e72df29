// The offline runner lives in offline/ (the plan command uses it too); the tests keep importing it from here.
import * as path from "node:path";
import { REPO_ROOT } from "../offline/runner";

export * from "../offline/runner";

/** `shared/` sits beside the repository (in CI too: a fresh clone with shared/ next to it). */
export const SHARED = path.resolve(REPO_ROOT, "..", "shared");
