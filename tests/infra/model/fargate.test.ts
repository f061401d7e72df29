/** Fargate selector matching against the EKS user guide's own examples ("Fargate profile wildcards"). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fargateSelectorMatches, fargateWildcardMatch } from "../../../infra/model/fargate";

describe("Fargate selectors", () => {
    it("`*` is none, one or several characters; `?` exactly one (the user guide's examples)", () => {
        assert.ok(fargateWildcardMatch("prod*", "prod"));
        assert.ok(fargateWildcardMatch("prod*", "prod-metrics"));
        assert.ok(fargateWildcardMatch("value?", "valuea"));
        assert.ok(!fargateWildcardMatch("value?", "value"));
        assert.ok(!fargateWildcardMatch("value?", "value-a"));
        assert.ok(fargateWildcardMatch("*dev", "team-dev"));
        assert.ok(fargateWildcardMatch("frontend*?", "frontend1"));
        assert.ok(!fargateWildcardMatch("frontend*?", "frontend"));
    });

    it("no other pattern syntax: regular-expression characters are literal", () => {
        assert.ok(!fargateWildcardMatch("a.c", "abc"));
        assert.ok(fargateWildcardMatch("a.c", "a.c"));
        assert.ok(!fargateWildcardMatch("[ab]", "a"));
    });

    it("a pod matches when its namespace matches and it carries every label of the selector", () => {
        const selector = { namespace: "karpenter", labels: { "eks-karpenter.io/compute": "fargate" } };
        assert.ok(fargateSelectorMatches(selector, "karpenter", { "eks-karpenter.io/compute": "fargate", app: "x" }));
        assert.ok(!fargateSelectorMatches(selector, "karpenter", { app: "x" }));
        assert.ok(!fargateSelectorMatches(selector, "kube-system", { "eks-karpenter.io/compute": "fargate" }));
        assert.ok(fargateSelectorMatches({ namespace: "kube-*" }, "kube-system", {}));
        assert.ok(fargateSelectorMatches({ namespace: "ns", labels: { "app*": "web-?" } }, "ns", { "app.kubernetes.io/name": "web-1" }));
    });
});
