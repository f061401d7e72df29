import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { CONTROLLER_LOG_ALARMS } from "../../../infra/model/observability";
import { REPO_ROOT } from "../../harness";
import { matchesFilterPattern, parseFilterPattern } from "./filter-pattern";

interface Sample {
    id: string;
    expect: string[];
    line: Record<string, unknown>;
}

const SAMPLES: Sample[] = fs
    .readFileSync(path.join(REPO_ROOT, "reference", "karpenter-1.9", "controller-log", "samples.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));

/** The event as CloudWatch holds it: Fluent Bit's kubernetes filter merges the JSON line beside its metadata. */
function event(line: Record<string, unknown>): string {
    return JSON.stringify({
        ...line,
        stream: "stderr",
        logtag: "F",
        kubernetes: { pod_name: "karpenter-7d9c6b5f4-abcde", namespace_name: "karpenter", container_name: "controller" },
    });
}

function alarmsMatching(line: Record<string, unknown>): string[] {
    return CONTROLLER_LOG_ALARMS.filter((a) => matchesFilterPattern(a.filterPattern, event(line))).map((a) => a.id);
}

describe("the filter pattern evaluator", () => {
    test("equality, wildcards, && and ||, missing fields, numbers", () => {
        const line = JSON.stringify({ level: "ERROR", error: "x UnauthorizedOperation y", n: 3, nested: { a: "b" } });
        assert.ok(matchesFilterPattern('{ $.level = "ERROR" }', line));
        assert.ok(!matchesFilterPattern('{ $.level = "error" }', line), "case-sensitive");
        assert.ok(matchesFilterPattern('{ $.error = "*UnauthorizedOperation*" }', line));
        assert.ok(!matchesFilterPattern('{ $.error = "UnauthorizedOperation*" }', line), "an anchored wildcard");
        assert.ok(!matchesFilterPattern('{ $.error = "UnauthorizedOperation" }', line), "no wildcard is an exact match");
        assert.ok(matchesFilterPattern('{ $.nested.a = "b" && $.n >= 3 }', line));
        assert.ok(!matchesFilterPattern('{ $.nested.a = "b" && $.n > 3 }', line));
        assert.ok(matchesFilterPattern('{ ($.level = "INFO") || ($.n = 3) }', line));
        assert.ok(!matchesFilterPattern('{ $.missing = "*" }', line), "a missing field matches nothing");
        assert.ok(matchesFilterPattern('{ $.level != "INFO" }', line));
        assert.ok(!matchesFilterPattern('{ $.level = "ERROR" }', "ERROR not json"), "a line that is not JSON");
    });

    test("refuses what it does not understand (negative control: no silent half-parse)", () => {
        for (const bad of [
            '$.level = "ERROR"',
            '{ $.level ~ "ERROR" }',
            '{ $.level = "ERROR" ',
            '{ $.level = "ERROR" } extra',
            '{ $.level < "E" }',
            "{ %ERROR% }",
        ]) {
            assert.throws(() => parseFilterPattern(bad), /filter pattern/, bad);
        }
    });
});

describe("controller-log alarms against Karpenter v1.9.0's log lines", () => {
    test("the samples cover every alarm, and some match none", () => {
        const covered = new Set(SAMPLES.flatMap((s) => s.expect));
        assert.deepEqual([...covered].sort(), CONTROLLER_LOG_ALARMS.map((a) => a.id).sort());
        assert.ok(SAMPLES.filter((s) => s.expect.length === 0).length >= 3, "negative controls");
    });

    for (const sample of SAMPLES) {
        test(`${sample.id}: ${sample.expect.length ? sample.expect.join(", ") : "no alarm"}`, () => {
            assert.deepEqual(alarmsMatching(sample.line), sample.expect);
        });
    }

    test("each pattern depends on what it names (negative control: the same line with the message or error changed)", () => {
        const limit = SAMPLES.find((s) => s.id === "nodepool-limit-one-pool")!.line;
        assert.deepEqual(alarmsMatching({ ...limit, message: "could not schedule pods" }), []);
        assert.deepEqual(
            alarmsMatching({ ...limit, error: "all available instance types exceed limit for nodepool (NodePool=default)" }),
            [],
        );
        const unauthorized = SAMPLES.find((s) => s.id === "launch-unauthorized")!.line;
        assert.deepEqual(alarmsMatching({ ...unauthorized, level: "INFO" }), []);
        const interruption = SAMPLES.find((s) => s.id === "interruption-parse-error")!.line;
        assert.deepEqual(alarmsMatching({ ...interruption, controller: "nodeclaim.lifecycle" }), []);
        // Without Merge_Log the line stays a string in `log`: no JSON field to match (why the ConfigMap merges).
        assert.ok(
            !CONTROLLER_LOG_ALARMS.some((a) => matchesFilterPattern(a.filterPattern, JSON.stringify({ log: JSON.stringify(limit) }))),
        );
    });
});
