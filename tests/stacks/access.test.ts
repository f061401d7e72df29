/**
 * Who reaches the cluster: the deployer's networks get HTTPS into the EKS-managed cluster security group
 * (prod's endpoint is private), and IAM roles and users from config get access entries with an access policy.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { parse } from "yaml";
import { CLUSTER_SECURITY_GROUP_ID } from "../mocks";
import { Program, REPO_ROOT, runProgram } from "../harness";

const RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const ENTRY = "aws:eks/accessEntry:AccessEntry";
const ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";

/** The access entries Pulumi.prod.yaml shows, commented out: the block's `# ` taken away and parsed. */
function prodExampleEntries(): unknown {
    const lines = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8").split("\n");
    const start = lines.findIndex((l) => l.trim() === "# eks-karpenter:accessEntries:");
    assert.ok(start >= 0, "Pulumi.prod.yaml shows access entries");
    const block = [];
    for (let n = start; n < lines.length && lines[n].startsWith("  #"); n++) block.push(lines[n].replace(/^ {2}# ?/, ""));
    return parse(block.join("\n"))["eks-karpenter:accessEntries"];
}

describe("deployer networks into a private endpoint", () => {
    let p: Program;
    before(async () => {
        p = await runProgram("prod");
    });

    test("prod's file admits its VPC on 443 into the EKS-managed cluster security group, and nothing else", () => {
        const rules = p.ofType(RULE).filter((r) => r.inputs.securityGroupId === CLUSTER_SECURITY_GROUP_ID);
        assert.deepEqual(
            rules.map((r) => [r.name, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]),
            [["prod-cluster-deployer-10.20.0.0/16", "tcp", 443, 443, "10.20.0.0/16"]],
        );
    });

    test("the Kubernetes provider waits for the rules: the program reaches the API only through them", async () => {
        const provider = p.one("pulumi:providers:kubernetes", "prod-cluster-k8s");
        for (const rule of p.ofType(RULE).filter((r) => r.inputs.securityGroupId === CLUSTER_SECURITY_GROUP_ID)) {
            assert.ok(p.dependsOn(provider, rule), rule.name);
        }
    });

    test("security groups are admitted by reference; names follow the network, not the list's order", async () => {
        const a = await runProgram("dev", {
            deployerCidrs: ["10.0.0.0/24", "192.168.0.0/16"],
            deployerSecurityGroupIds: ["sg-0123456789abcdef0"],
        });
        const b = await runProgram("dev", {
            deployerCidrs: ["192.168.0.0/16", "10.0.0.0/24"],
            deployerSecurityGroupIds: ["sg-0123456789abcdef0"],
        });
        const urns = (q: Program) =>
            q
                .ofType(RULE)
                .map((r) => r.urn)
                .sort();
        assert.deepEqual(urns(a), urns(b));
        const bySg = a.one(RULE, "dev-cluster-deployer-sg-0123456789abcdef0");
        assert.equal(bySg.inputs.referencedSecurityGroupId, "sg-0123456789abcdef0");
        assert.equal(bySg.inputs.cidrIpv4, undefined);
        // Negative control: dev's file has none.
        assert.equal((await runProgram("dev")).ofType(RULE).length, 0);
    });
});

describe("access entries from config", () => {
    test("prod's examples: an admin role cluster-wide and a read-only role in two namespaces", async () => {
        const p = await runProgram("prod", { accessEntries: prodExampleEntries() });
        const entries = p.ofType(ENTRY).filter((e) => e.inputs.type === "STANDARD");
        assert.deepEqual(entries.map((e) => [e.inputs.clusterName, e.inputs.principalArn]).sort(), [
            ["eks-karpenter-prod", "arn:aws:iam::111122223333:role/developers-read-only"],
            ["eks-karpenter-prod", "arn:aws:iam::111122223333:role/platform-admin"],
        ]);
        const associations = Object.fromEntries(p.ofType(ASSOCIATION).map((a) => [a.inputs.principalArn.split("/").pop(), a.inputs]));
        assert.equal(associations["platform-admin"].policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
        assert.deepEqual(associations["platform-admin"].accessScope, { type: "cluster" });
        assert.equal(associations["developers-read-only"].policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy");
        assert.deepEqual(associations["developers-read-only"].accessScope, { type: "namespace", namespaces: ["payments", "web"] });
        for (const a of p.ofType(ASSOCIATION)) {
            const entry = p.one(ENTRY, a.name);
            assert.ok(p.dependsOn(a, entry), "the policy is associated once its entry exists");
            assert.equal(a.name, `prod-cluster-access-111122223333:role/${a.inputs.principalArn.split("/").pop()}`);
        }
        // The creator stays cluster-admin unless told otherwise (EKS's default).
        assert.equal(p.one("aws:eks/cluster:Cluster").inputs.accessConfig.bootstrapClusterCreatorAdminPermissions, true);
    });

    test("without the creator bootstrapped, the program's own access comes from an entry it waits for", async () => {
        const admin = { principalArn: "arn:aws:iam::123456789012:role/ci-deployer", policy: "cluster-admin" };
        const p = await runProgram("dev", { bootstrapClusterCreatorAdminPermissions: "false", accessEntries: [admin] });
        assert.equal(p.one("aws:eks/cluster:Cluster").inputs.accessConfig.bootstrapClusterCreatorAdminPermissions, false);
        assert.ok(p.dependsOn(p.one("pulumi:providers:kubernetes", "dev-cluster-k8s"), p.one(ASSOCIATION)));
    });

    test("the support type is passed to EKS", async () => {
        const p = await runProgram("dev", { supportType: "STANDARD" });
        assert.deepEqual(p.one("aws:eks/cluster:Cluster").inputs.upgradePolicy, { supportType: "STANDARD" });
    });
});
