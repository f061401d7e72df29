import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { it } from "node:test";
import { DEFAULT_OPTIONS, RULES } from "../../../infra/guardrails";
import { REPO_ROOT } from "../../harness";

it("docs/guardrails.md lists every rule and option", () => {
    const doc = fs.readFileSync(path.join(REPO_ROOT, "docs", "guardrails.md"), "utf8");
    for (const name of [...RULES.map((r) => r.id), ...Object.keys(DEFAULT_OPTIONS)]) assert.ok(doc.includes(`\`${name}\``), name);
});
