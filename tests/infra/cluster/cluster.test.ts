import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ClusterLogType, resolveClusterArgs } from "../../../infra/cluster/cluster";
import { physicalName } from "../../../infra/iam/names";

const base = { clusterName: "prod", vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"] };

describe("resolveClusterArgs", () => {
    test("is private, encrypted and unprotected by default", () => {
        const a = resolveClusterArgs(base);
        assert.equal(a.endpointPublicAccess, false);
        assert.deepEqual(a.publicAccessCidrs, []);
        assert.equal(a.secretsEncryption, true);
        assert.equal(a.protect, false);
        assert.match(a.kubernetesVersion, /^1\.\d\d$/);
    });

    test("refuses bad names, versions, CIDRs and log types, naming the setting", () => {
        assert.throws(() => resolveClusterArgs({ ...base, clusterName: "" }), /Cluster\.clusterName: "" is not valid; 1 to 100 letters/);
        assert.throws(() => resolveClusterArgs({ ...base, clusterName: "-x" }), /Cluster\.clusterName/);
        assert.throws(() => resolveClusterArgs({ ...base, clusterName: "x".repeat(101) }), /Cluster\.clusterName/);
        assert.throws(() => resolveClusterArgs({ ...base, kubernetesVersion: "v1.33" }), /Cluster\.kubernetesVersion: "v1\.33" is not valid; a minor version such as "1\.33"/);
        assert.throws(() => resolveClusterArgs({ ...base, kubernetesVersion: "1.28" }), /Cluster\.kubernetesVersion: "1\.28" is not valid; 1\.29 to 1\.35, the versions Karpenter 1\.9\.0 supports/);
        assert.throws(() => resolveClusterArgs({ ...base, kubernetesVersion: "1.36" }), /1\.29 to 1\.35/);
        assert.throws(() => resolveClusterArgs({ ...base, endpointPublicAccess: true, publicAccessCidrs: ["10.0.0.0/33"] }), /Cluster\.publicAccessCidrs: "10\.0\.0\.0\/33"/);
        assert.throws(() => resolveClusterArgs({ ...base, publicAccessCidrs: ["10.0.0.0/8"] }), /empty unless endpointPublicAccess is true/);
        assert.throws(() => resolveClusterArgs({ ...base, enabledClusterLogTypes: [ClusterLogType.Api, "scheduling" as ClusterLogType] }), /Cluster\.enabledClusterLogTypes: "scheduling" is not valid; one of api, audit/);
    });
});

describe("physicalName", () => {
    test("fits the limit and keeps the suffix that makes it unique", () => {
        assert.equal(physicalName("prod", "karpenter", "k3x9qz", 64), "prod-karpenter-k3x9qz");
        const long = physicalName("c".repeat(100), "karpenter-node", "k3x9qz", 64);
        assert.equal(long.length, 64);
        assert.ok(long.endsWith("-karpenter-node-k3x9qz"));
    });
});
