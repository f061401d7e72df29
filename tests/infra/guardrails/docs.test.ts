import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { it } from "node:test";
import { DEFAULT_OPTIONS, RULES } from "../../../infra/guardrails";
import { REPO_ROOT } from "../../harness";

it("the README's Guardrails section lists every rule and option", () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const section = readme.split(/^## /m).find((s) => s.startsWith("Guardrails\n"));
    assert.ok(section, "a '## Guardrails' section");
    for (const name of [...RULES.map((r) => r.id), ...Object.keys(DEFAULT_OPTIONS)]) assert.ok(section.includes(`\`${name}\``), name);
});
