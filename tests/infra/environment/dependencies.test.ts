import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Program, Registered, runProgram } from "../../harness";

// What waits for what on a first `pulumi up`: only what needs a value of the cluster waits for it
// (~10 minutes), and only the controller release waits for the controller's prerequisites.
describe("the environment's dependencies", () => {
    let p: Program;
    before(async () => {
        p = await runProgram("dev");
    });
    /** Whether `r` waits for the EKS cluster, directly or through what it depends on (the OIDC provider, say). */
    const waitsForCluster = (r: Registered, seen = new Set<string>()): boolean =>
        p.dependsOn(r, p.one("aws:eks/cluster:Cluster")) ||
        r.dependencies.some((urn) => {
            const d = p.byUrn(urn);
            if (d === undefined || seen.has(urn)) return false;
            seen.add(urn);
            return waitsForCluster(d, seen) || p.children(d).some((c) => waitsForCluster(c, seen));
        });

    test("IAM policies and the Fargate pod execution role do not wait for the cluster", () => {
        const independent = [
            ...p.ofType("aws:iam/policy:Policy"),
            p.one("aws:iam/role:Role", "dev-karpenter-fargate-pod-execution"),
            p.one("aws:iam/role:Role", "dev-node-role"),
            p.one("aws:sqs/queue:Queue"),
        ];
        for (const r of independent) assert.ok(!waitsForCluster(r), `${r.type} ${r.name} does not wait for the cluster`);
        // Their documents still name the cluster, from its configured name.
        assert.match(
            p.one("aws:iam/role:Role", "dev-karpenter-fargate-pod-execution").inputs.assumeRolePolicy,
            /fargateprofile\/eks-karpenter-dev\/\*/,
        );
        assert.match(p.one("aws:iam/policy:Policy", "dev-controller-role-eks-integration").inputs.policy, /cluster\/eks-karpenter-dev"/);
    });

    test("what needs the cluster still waits for it", () => {
        for (const [type, name] of [
            ["aws:iam/role:Role", "dev-controller-role"], // its trust names the cluster's OIDC provider
            ["aws:eks/accessEntry:AccessEntry", undefined],
            ["aws:eks/fargateProfile:FargateProfile", "dev-karpenter-fargate"],
            ["aws:ec2/tag:Tag", "dev-cluster-security-group-discovery"],
        ] as const) {
            assert.ok(waitsForCluster(p.one(type, name)), `${type} ${name ?? ""} waits for the cluster`);
        }
    });

    test("only the controller release waits for its Fargate profile, role and queue; CRDs and namespace go meanwhile", () => {
        const prerequisites = [
            p.one("aws:eks/fargateProfile:FargateProfile", "dev-karpenter-fargate"),
            p.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "dev-controller-role-node-lifecycle"),
            p.one("aws:eks/accessEntry:AccessEntry"),
            p.one("aws:sqs/queue:Queue"),
        ];
        assert.deepEqual(p.one("eks-karpenter:index:Karpenter").dependencies, []);
        for (const r of [
            p.one("kubernetes:core/v1:Namespace", "dev-karpenter"),
            p.one("kubernetes:helm.sh/v3:Release", "dev-karpenter-crd"),
            ...p.ofType("kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema"),
        ]) {
            for (const q of prerequisites) assert.ok(!p.dependsOn(r, q), `${r.name} does not wait for ${q.name}`);
        }
        const release = p.one("kubernetes:helm.sh/v3:Release", "dev-karpenter");
        for (const q of prerequisites) assert.ok(p.dependsOn(release, q), `the release waits for ${q.name}`);
    });
});
