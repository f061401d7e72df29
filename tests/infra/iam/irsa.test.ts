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
    test("lets exactly one service account assume the role through the OIDC provider", () => {
        const doc = irsaTrustPolicy(trust);
        assert.deepEqual(doc.Statement, [
            {
                Sid: "AllowServiceAccountWebIdentity",
                Effect: "Allow",
                Principal: { Federated: trust.oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:karpenter:karpenter",
                        "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
                    },
                },
            },
        ]);
    });

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
