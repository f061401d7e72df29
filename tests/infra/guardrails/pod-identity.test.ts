import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TYPES } from "../../../infra/guardrails";
import { podIdentityOnFargate } from "../../../infra/guardrails/pod-identity";
import { messages } from "./fixtures";

const association = (namespace: string, serviceAccount: string) => ({
    type: TYPES.podIdentityAssociation,
    name: `pi-${namespace}-${serviceAccount}`,
    inputs: { clusterName: "eks", namespace, serviceAccount, roleArn: "arn:aws:iam::123456789012:role/r" },
});

describe("rule no-pod-identity-on-fargate", () => {
    it("allows an association for a service account on EC2 nodes", () => {
        assert.deepEqual(messages(podIdentityOnFargate, [association("kube-system", "ebs-csi-controller-sa")]), []);
    });

    it("refuses one for the Karpenter controller on Fargate, saying why and how to fix it", () => {
        const [message, ...rest] = messages(podIdentityOnFargate, [association("karpenter", "karpenter")]);
        assert.equal(rest.length, 0);
        assert.match(message, /^Pod Identity association for karpenter\/karpenter, whose pods run on Fargate\. /);
        assert.match(
            message,
            /Why: Pod Identity's agent is a DaemonSet, which Fargate does not run, and an association takes precedence over IRSA/,
        );
        assert.match(message, /controller crash-loops/);
        assert.match(message, /Fix: Delete the association\. The Karpenter controller authenticates with its IRSA role/);
    });

    it("checks the service accounts it is told run on Fargate", () => {
        const options = { fargateServiceAccounts: ["kube-system/karpenter"] };
        assert.equal(messages(podIdentityOnFargate, [association("kube-system", "karpenter")], options).length, 1);
        assert.equal(messages(podIdentityOnFargate, [association("karpenter", "karpenter")], options).length, 0);
    });
});
