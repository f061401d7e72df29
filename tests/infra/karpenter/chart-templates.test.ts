/**
 * Every value the library sets on the Karpenter chart is read by one of the pinned chart's templates
 * (reference/karpenter-1.9/chart/templates, helpers included): by its own path (`.Values.a.b`), or through
 * a parent the template takes whole (`with`/`range`/`toYaml`) or that the chart's values.yaml leaves
 * free-form (`{}`). A value renamed in a chart bump would otherwise be dropped by Helm without a word.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REFERENCE, referenceData, runProgram } from "../../harness";

type Json = any;

const CHART = "karpenter-1.9/chart";

interface ValueRef {
    path: string[];
    /** Taken whole (`with`, `range`, `toYaml`, `tpl`): what is under it is read too. */
    whole: boolean;
}

/** Every `.Values.<path>` a template mentions. */
function valueRefs(templates: string[]): ValueRef[] {
    const refs: ValueRef[] = [];
    for (const text of templates) {
        for (const m of text.matchAll(/(?:\b(with|range|toYaml|tpl)\s+)?\$?\.Values((?:\.[A-Za-z0-9_]+)+)/g)) {
            refs.push({ path: m[2].slice(1).split("."), whole: m[1] !== undefined });
        }
    }
    return refs;
}

function chartTemplates(): string[] {
    const dir = path.join(REFERENCE, CHART, "templates");
    assert.ok(fs.existsSync(dir), `reference/${CHART}/templates is missing (reference/karpenter-1.9/README.md says where it comes from)`);
    return fs
        .readdirSync(dir)
        .sort()
        .map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
}

/** The leaf paths of a values object: objects are walked into, lists and scalars are leaves. */
function leafPaths(values: Json, at: string[] = []): string[][] {
    if (values === null || typeof values !== "object" || Array.isArray(values) || Object.keys(values).length === 0)
        return at.length ? [at] : [];
    return Object.entries(values).flatMap(([k, v]) => leafPaths(v, [...at, k]));
}

const isPrefix = (prefix: string[], of: string[]) => prefix.length <= of.length && prefix.every((s, i) => of[i] === s);

/** Whether the chart's default at a path is free-form: an empty map, a list or null. */
function freeForm(defaults: Json, at: string[]): boolean {
    const v = at.reduce((o, k) => (o !== null && typeof o === "object" ? o[k] : undefined), defaults);
    return v === null || Array.isArray(v) || (typeof v === "object" && Object.keys(v).length === 0);
}

/** The paths of `values` that no template reads. */
function unread(values: Json, templates: string[], defaults: Json): string[] {
    const refs = valueRefs(templates);
    return leafPaths(values)
        .filter((p) => !refs.some((r) => isPrefix(r.path, p) && (r.path.length === p.length || r.whole || freeForm(defaults, r.path))))
        .map((p) => p.join("."));
}

describe("the Karpenter chart's templates read every value the library sets", () => {
    for (const stack of ["dev", "prod"]) {
        test(`${stack}: the release's values`, async () => {
            const p = await runProgram(stack);
            const values = p.one("kubernetes:helm.sh/v3:Release", `${stack}-karpenter`).inputs.values;
            const defaults = referenceData(`${CHART}/values.yaml`);
            assert.ok(leafPaths(values).length >= 15, "the values are walked down to their leaves");
            assert.deepEqual(unread(values, chartTemplates(), defaults), []);
        });
    }

    test("prod's mirrored image is read by the image helper", async () => {
        const values = (await runProgram("prod")).one("kubernetes:helm.sh/v3:Release", "prod-karpenter").inputs.values;
        assert.deepEqual(Object.keys(values.controller.image).sort(), ["digest", "repository", "tag"]);
        assert.deepEqual(
            unread({ controller: { image: values.controller.image } }, chartTemplates(), referenceData(`${CHART}/values.yaml`)),
            [],
        );
    });

    test("negative controls: a made-up value, and a value the chart renamed, are reported", async () => {
        const defaults = referenceData(`${CHART}/values.yaml`);
        const templates = chartTemplates();
        const values = (await runProgram("dev")).one("kubernetes:helm.sh/v3:Release", "dev-karpenter").inputs.values;
        assert.deepEqual(unread({ ...values, settings: { ...values.settings, clusterNmae: "x" } }, templates, defaults), [
            "settings.clusterNmae",
        ]);
        assert.deepEqual(
            unread({ controller: { resources: { limits: { cpu: "1" } } }, podLabels: { any: "label" } }, templates, defaults),
            [],
            "free-form maps",
        );
        const renamed = templates.map((t) => t.replaceAll(".Values.settings.interruptionQueue", ".Values.settings.interruptionQueueName"));
        assert.deepEqual(unread(values, renamed, defaults), ["settings.interruptionQueue"]);
    });
});
