import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DNS1123_LABEL, DNS1123_SUBDOMAIN, isCidr, isLabelValue, isQualifiedName } from "../../../infra/model/names";

describe("Kubernetes names and labels (one definition each)", () => {
    it("DNS-1123 subdomains: dot-separated labels, at most 253 characters, no empty label", () => {
        for (const ok of ["a", "gp3", "kube-system", "a.b", "ebs.csi.aws.com", `${"a".repeat(63)}.${"b".repeat(63)}`])
            assert.ok(DNS1123_SUBDOMAIN.test(ok), ok);
        for (const bad of ["a..b", ".a", "a.", "-a", "a-", "A", "a_b", "", "a".repeat(254), "a.-b"])
            assert.ok(!DNS1123_SUBDOMAIN.test(bad), bad);
        assert.ok(DNS1123_SUBDOMAIN.test("a".repeat(253)));
    });

    it("DNS-1123 labels: at most 63 characters, no dot", () => {
        assert.ok(DNS1123_LABEL.test("a".repeat(63)));
        for (const bad of ["a".repeat(64), "a.b", "-a", "A", ""]) assert.ok(!DNS1123_LABEL.test(bad), bad);
    });

    it("qualified names and label values", () => {
        for (const ok of ["app", "app.kubernetes.io/name", "karpenter.sh/nodepool", "A_b.c-D"]) assert.ok(isQualifiedName(ok), ok);
        for (const bad of ["", "/a", "a/", "-a", "a..b/c", "Example.com/a", `${"a".repeat(64)}`, "a/b/c"])
            assert.ok(!isQualifiedName(bad), bad);
        for (const ok of ["", "v1", "a.b_c-d", "a".repeat(63)]) assert.ok(isLabelValue(ok), ok);
        for (const bad of ["-a", "a-", "a b", "a".repeat(64)]) assert.ok(!isLabelValue(bad), bad);
    });

    it("IPv4 CIDRs", () => {
        assert.ok(isCidr("10.0.0.0/16"));
        for (const bad of ["10.0.0.0", "256.0.0.0/8", "10.0.0.0/33", "::/0"]) assert.ok(!isCidr(bad), bad);
    });
});
