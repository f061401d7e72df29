import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ProdStack } from "../../stacks/prod";
import { Program, runProgram } from "../harness";

describe("prod stack under mocks", () => {
    let p: Program;
    before(async () => {
        p = await runProgram("prod");
    });

    test("the stack name picks the ProdStack class", () => {
        assert.ok(p.stack instanceof ProdStack);
    });

    test("private API endpoint only", () => {
        const c = p.one("aws:eks/cluster:Cluster");
        assert.equal(c.inputs.vpcConfig.endpointPublicAccess, false);
        assert.equal(c.inputs.vpcConfig.endpointPrivateAccess, true);
        assert.equal(c.inputs.vpcConfig.publicAccessCidrs, undefined);
        assert.equal(c.inputs.name, "eks-karpenter-prod");
    });

    test("secrets encrypted with a rotating KMS key, control-plane logs on", () => {
        const key = p.one("aws:kms/key:Key");
        assert.equal(key.inputs.enableKeyRotation, true);
        const c = p.one("aws:eks/cluster:Cluster");
        assert.match(c.inputs.encryptionConfig.provider.keyArn, /^arn:aws:kms:eu-west-1:123456789012:key\//);
        assert.deepEqual(c.inputs.encryptionConfig.resources, ["secrets"]);
        const keyUse = JSON.parse(p.one("aws:iam/rolePolicy:RolePolicy", "prod-cluster-role-secrets-encryption").inputs.policy);
        assert.equal(keyUse.Statement[0].Resource, c.inputs.encryptionConfig.provider.keyArn, "the cluster role may use the key");
        assert.deepEqual(c.inputs.enabledClusterLogTypes, ["api", "audit", "authenticator"]);
    });

    test("the cluster and its key are protected from deletion", () => {
        assert.equal(p.one("aws:eks/cluster:Cluster").protect, true);
        assert.equal(p.one("aws:eks/cluster:Cluster").inputs.deletionProtection, true);
        assert.equal(p.one("aws:kms/key:Key").protect, true);
        // Not only the data-bearing resources: everything prod registers is protected (tests/stacks/protect.test.ts).
        assert.equal(p.one("aws:sqs/queue:Queue").protect, true);
    });

    test("Karpenter keeps spot-to-spot consolidation off and requests equal to limits", () => {
        const v = p.one("kubernetes:helm.sh/v3:Release", "prod-karpenter").inputs.values;
        assert.equal(v.settings.featureGates.spotToSpotConsolidation, false);
        assert.deepEqual(v.controller.resources, { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } });
        assert.equal(v.replicas, 2);
    });

    test("dev and prod get names of their own", () => {
        for (const r of p.ofType("aws:iam/role:Role")) assert.match(r.inputs.name, /^eks-karpenter-prod-/);
        assert.match(p.one("aws:sqs/queue:Queue").inputs.name, /^eks-karpenter-prod-karpenter-/);
    });
});
