import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { irsaTrustPolicy } from "../../../infra/iam/irsa";

const trust = {
    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    namespace: "karpenter",
    serviceAccount: "karpenter",
};

describe("irsaTrustPolicy", () => {
    // What the conditions say (issuer, audience, service account) is checked against AWS's documentation and the
    // service accounts the charts really create in irsa-trust.test.ts.
    test("takes the issuer with or without https://", () => {
        const bare = irsaTrustPolicy({ ...trust, oidcIssuerUrl: "oidc.eks.eu-west-1.amazonaws.com/id/ABC" });
        assert.deepEqual(bare, irsaTrustPolicy(trust));
    });

    for (const field of ["oidcProviderArn", "oidcIssuerUrl", "namespace", "serviceAccount"] as const) {
        test(`refuses an unresolved ${field} instead of writing "undefined:sub"`, () => {
            assert.throws(() => irsaTrustPolicy({ ...trust, [field]: undefined as unknown as string }), new RegExp(`IrsaRole\\.${field}`));
            assert.throws(() => irsaTrustPolicy({ ...trust, [field]: "" }), /a resolved, non-empty string/);
        });
    }
});
