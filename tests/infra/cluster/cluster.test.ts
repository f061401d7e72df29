import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ClusterLogType, clusterTrustPolicy, kubeconfigOf, resolveClusterArgs } from "../../../infra/cluster/cluster";
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
        assert.equal(a.bootstrapClusterCreatorAdminPermissions, true);
        assert.equal(a.supportType, "EXTENDED");
        assert.deepEqual([a.accessEntries, a.deployerCidrs, a.deployerSecurityGroupIds], [[], [], []]);
    });

    test("refuses bad names, versions, CIDRs and log types, naming the setting", () => {
        assert.throws(() => resolveClusterArgs({ ...base, clusterName: "" }), /Cluster\.clusterName: "" is not valid; 1 to 100 letters/);
        assert.throws(() => resolveClusterArgs({ ...base, clusterName: "-x" }), /Cluster\.clusterName/);
        assert.throws(() => resolveClusterArgs({ ...base, clusterName: "x".repeat(101) }), /Cluster\.clusterName/);
        assert.throws(
            () => resolveClusterArgs({ ...base, kubernetesVersion: "v1.33" }),
            /Cluster\.kubernetesVersion: "v1\.33" is not valid; a minor version such as "1\.33"/,
        );
        assert.throws(
            () => resolveClusterArgs({ ...base, endpointPublicAccess: true, publicAccessCidrs: ["10.0.0.0/33"] }),
            /Cluster\.publicAccessCidrs: "10\.0\.0\.0\/33"/,
        );
        assert.throws(
            () => resolveClusterArgs({ ...base, publicAccessCidrs: ["10.0.0.0/8"] }),
            /empty unless endpointPublicAccess is true/,
        );
        assert.throws(
            () => resolveClusterArgs({ ...base, enabledClusterLogTypes: [ClusterLogType.Api, "scheduling" as ClusterLogType] }),
            /Cluster\.enabledClusterLogTypes: "scheduling" is not valid; one of api, audit/,
        );
    });
});

describe("the cluster role's trust", () => {
    test("EKS's control plane only, for this cluster of this account, in the account's partition", () => {
        const [statement, ...rest] = clusterTrustPolicy({ partition: "aws-cn", region: "cn-north-1", accountId: "111122223333" }, "prod")
            .Statement as any[];
        assert.deepEqual(rest, []);
        assert.equal(statement.Sid, "AllowEksControlPlane");
        assert.deepEqual(statement.Principal, { Service: "eks.amazonaws.com" });
        assert.deepEqual(statement.Action, ["sts:AssumeRole", "sts:TagSession"]);
        assert.deepEqual(statement.Condition, {
            StringEquals: { "aws:SourceAccount": "111122223333" },
            ArnLike: { "aws:SourceArn": "arn:aws-cn:eks:cn-north-1:111122223333:cluster/prod" },
        });
    });
});

describe("kubeconfigOf", () => {
    test("exec aws eks get-token for the cluster's name in its region; no credential in it", () => {
        const config = JSON.parse(
            kubeconfigOf({
                name: "prod",
                endpoint: "https://X.gr7.eu-west-1.eks.amazonaws.com",
                certificateAuthorityData: "LS0t",
                region: "eu-west-1",
            }),
        );
        assert.equal(config["current-context"], "prod");
        assert.deepEqual(config.clusters, [
            { name: "prod", cluster: { server: "https://X.gr7.eu-west-1.eks.amazonaws.com", "certificate-authority-data": "LS0t" } },
        ]);
        const exec = config.users[0].user.exec;
        assert.deepEqual(
            [exec.command, ...exec.args],
            ["aws", "eks", "get-token", "--cluster-name", "prod", "--region", "eu-west-1", "--output", "json"],
        );
        assert.equal(exec.apiVersion, "client.authentication.k8s.io/v1beta1");
        assert.deepEqual(Object.keys(config.users[0].user), ["exec"], "no token, password or client key");
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
