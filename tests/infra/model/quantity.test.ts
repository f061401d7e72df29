import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GIB, ONE, compareQuantities, formatIn, isQuantity, parseQuantity, toNumber } from "../../../infra/model/quantity";
import { parseQuantity as settingQuantity } from "../../../infra/karpenter/quantity";
import { qosGaps } from "../../../infra/guardrails/controller";

describe("Kubernetes quantities, exactly", () => {
    test("the same amount written differently is equal", () => {
        const same: [string, string][] = [
            ["0.7", "700m"],
            ["1", "1000m"],
            ["1e3", "1k"],
            ["1E3", "1000"],
            [".5", "500m"],
            ["+1", "1"],
            ["1.", "1"],
            ["1Gi", "1024Mi"],
            ["0.5Gi", "512Mi"],
            ["1.5Gi", "1536Mi"],
            ["1u", "1000n"],
            ["0.1", "100m"],
            ["1e-3", "1m"],
            ["2E", "2000P"],
        ];
        for (const [a, b] of same) assert.equal(compareQuantities(a, b), 0, `${a} = ${b}`);
    });

    test("values in nano-units, big ones exact beyond 2^53", () => {
        assert.equal(parseQuantity("1"), ONE);
        assert.equal(parseQuantity("250m"), 250_000_000n);
        assert.equal(parseQuantity("1n"), 1n);
        assert.equal(parseQuantity("-2"), -2n * ONE);
        assert.equal(parseQuantity("8Ei"), 8n * (1n << 60n) * ONE);
        assert.equal(parseQuantity("9007199254740993"), 9007199254740993n * ONE, "2^53 + 1 stays exact");
        // Finer than a nano-unit is rounded up, away from zero, as Kubernetes does.
        assert.equal(parseQuantity("0.1n"), 1n);
        assert.equal(parseQuantity("-0.1n"), -1n);
    });

    test("orders quantities without floating point", () => {
        assert.equal(compareQuantities("0.1", "0.3"), -1);
        assert.equal(compareQuantities("1Gi", "1G"), 1);
        assert.equal(compareQuantities("999m", "1"), -1);
        assert.equal(compareQuantities("9007199254740993", "9007199254740992"), 1, "differs beyond a double's precision");
        assert.throws(() => compareQuantities("1", "one"), /not a Kubernetes quantity: "one"/);
    });

    test("refuses what is not a quantity", () => {
        for (const bad of [
            "",
            "one",
            "1 Gi",
            "1gi",
            "1GiB",
            "1.2.3",
            ".",
            "+",
            "1e",
            "1e3Gi",
            "1K",
            "Gi",
            "--1",
            "1e1000",
            " 1",
            "0x10",
            "1_000",
        ]) {
            assert.equal(isQuantity(bad), false, JSON.stringify(bad));
        }
    });

    test("writes sums exactly", () => {
        assert.equal(formatIn(parseQuantity("1536Mi")!, GIB), "1.5");
        assert.equal(formatIn(parseQuantity("100")! + parseQuantity("0.7")!, ONE), "100.7");
        assert.equal(formatIn(parseQuantity("1m")! + parseQuantity("1m")!, ONE, 2), "0");
        assert.equal(formatIn(parseQuantity("5m")!, ONE, 2), "0.01", "half up");
        assert.equal(toNumber(parseQuantity("250m")!, ONE), 0.25);
    });

    test("its users: settings refuse negatives and non-quantities by name; the QoS check sees 0.7 = 700m", () => {
        assert.equal(settingQuantity("x.cpu", ".5"), 500_000_000n);
        assert.throws(() => settingQuantity("x.cpu", "-1"), /x\.cpu: "-1" is not valid; a Kubernetes quantity .* \(not negative\)/);
        assert.throws(() => settingQuantity("x.cpu", "1 core"), /x\.cpu: "1 core" is not valid/);
        assert.deepEqual(qosGaps({ requests: { cpu: "0.7", memory: "1Gi" }, limits: { cpu: "700m", memory: "1024Mi" } }), []);
        assert.equal(qosGaps({ requests: { cpu: "0.7", memory: "1Gi" }, limits: { cpu: "701m", memory: "1Gi" } }).length, 1);
    });
});
