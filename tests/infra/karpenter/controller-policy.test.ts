import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { controllerPolicies } from "../../../infra/karpenter/controller-policy";
import { KARPENTER_VERSIONS, KarpenterVersion } from "../../../infra/model/karpenter-versions";
import { POLICY_SCOPE } from "./fixtures";

const scope = POLICY_SCOPE;

type Stmt = aws.iam.PolicyStatement & { Sid: string };
const resources = (st: Stmt) => [st.Resource].flat() as string[];

// Statement for statement against each version's reference, and the size split: versions.test.ts.
for (const version of Object.values(KARPENTER_VERSIONS) as KarpenterVersion[]) {
    const statements = (s = scope) => controllerPolicies(version, s).flatMap((p) => p.document.Statement as Stmt[]);
    const bySid = (sid: string, s = scope) => {
        const found = statements(s).find((x) => x.Sid === sid);
        assert.ok(found, `statement ${sid}`);
        return found;
    };

    describe(`controllerPolicies of Karpenter ${version.minor}`, () => {
        test("launches and deletes only resources tagged for this cluster and a NodePool", () => {
            const withTags = bySid("AllowScopedEC2InstanceActionsWithTags");
            assert.deepEqual(withTags.Condition, {
                StringEquals: { "aws:RequestTag/kubernetes.io/cluster/prod": "owned", "aws:RequestTag/eks:eks-cluster-name": "prod" },
                StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            });
            const deletion = bySid("AllowScopedDeletion");
            assert.deepEqual(deletion.Action, ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"]);
            assert.deepEqual(deletion.Condition, {
                StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/prod": "owned" },
                StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
            });
            for (const st of statements().filter((s) => s.Sid.startsWith("AllowScoped"))) {
                assert.ok(st.Condition || st.Sid === "AllowScopedEC2InstanceAccessActions", `${st.Sid} is unconditioned`);
            }
        });

        test("passes only the node role, only to EC2", () => {
            const pass = bySid("AllowPassingInstanceRole");
            assert.equal(pass.Resource, scope.nodeRoleArn);
            assert.deepEqual(pass.Condition, { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } });
        });

        test("reads only this queue and describes only this cluster", () => {
            assert.equal(bySid("AllowInterruptionQueueActions").Resource, scope.interruptionQueueArn);
            assert.equal(bySid("AllowAPIServerEndpointDiscovery").Resource, "arn:aws:eks:eu-west-1:123456789012:cluster/prod");
            assert.deepEqual(bySid("AllowRegionalReadActions").Condition, { StringEquals: { "aws:RequestedRegion": "eu-west-1" } });
        });

        test("has no SQS permission when interruption handling is off", () => {
            const policies = controllerPolicies(version, { ...scope, interruptionQueueArn: undefined });
            assert.deepEqual(
                policies.map((p) => p.name),
                controllerPolicies(version, scope)
                    .map((p) => p.name)
                    .filter((n) => n !== "interruption"),
            );
            assert.ok(controllerPolicies(version, scope).some((p) => p.name === "interruption"));
            assert.ok(!JSON.stringify(policies).includes("sqs:"));
        });

        test("builds every ARN in the account's partition and region", () => {
            const cn = {
                ...scope,
                partition: "aws-cn",
                region: "cn-north-1",
                dnsSuffix: "amazonaws.com.cn",
                nodeRoleArn: "arn:aws-cn:iam::123456789012:role/n",
                interruptionQueueArn: "arn:aws-cn:sqs:cn-north-1:123456789012:q",
            };
            for (const st of statements(cn)) {
                for (const r of resources(st)) {
                    assert.ok(r === "*" || r.startsWith("arn:aws-cn:"), `${st.Sid}: ${r}`);
                    assert.ok(r === "*" || !r.includes(":eu-west-1:"), `${st.Sid}: ${r}`);
                }
            }
            assert.deepEqual(bySid("AllowPassingInstanceRole", cn).Condition, {
                StringEquals: { "iam:PassedToService": "ec2.amazonaws.com.cn" },
            });
        });
    });
}
