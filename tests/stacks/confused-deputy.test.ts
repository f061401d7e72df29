/**
 * Every policy that lets an AWS service act on this account's resources names whose behalf it acts on
 * (`aws:SourceArn` / `aws:SourceAccount`), so that no other account, rule or cluster can use the service
 * against them: forged interruption events would drain nodes; another cluster's Fargate profile or Pod
 * Identity association could get our roles. Checked on the policies the stacks render, against the ARNs
 * of what they register.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ACCOUNT_ID } from "../../offline/mocks";
import { Program, Registered, runProgram } from "../harness";

/**
 * Services whose statements need no condition, and why. EC2 documents no `aws:SourceArn` or
 * `aws:SourceAccount` for the role of an instance profile, and an instance gets the role only through
 * `iam:PassRole` in this account (the controller's is limited to `iam:PassedToService: ec2`): a
 * condition there would risk every node's credentials for no protection.
 */
const NO_CONDITION_NEEDED = new Set(["ec2.amazonaws.com"]);

interface Statement {
    Sid?: string;
    Effect: string;
    Principal?: { Service?: string | string[] } | string;
    Condition?: Record<string, Record<string, string | string[]>>;
}

const services = (s: Statement) =>
    typeof s.Principal === "object" && s.Principal.Service !== undefined ? [s.Principal.Service].flat() : [];
const conditionKeys = (s: Statement) => Object.values(s.Condition ?? {}).flatMap((c) => Object.keys(c));

/** The Allow statements for a service principal that say neither whose resource (SourceArn) nor whose account (SourceAccount). */
function unguarded(document: { Statement: Statement[] }): string[] {
    return document.Statement.filter((s) => s.Effect === "Allow")
        .filter((s) => services(s).some((svc) => !NO_CONDITION_NEEDED.has(svc)))
        .filter((s) => !conditionKeys(s).some((k) => k === "aws:SourceArn" || k === "aws:SourceAccount"))
        .map((s) => `${s.Sid ?? "(no Sid)"}: ${services(s).join(", ")}`);
}

/** The policy documents a program renders: role trust policies and queue policies. */
function documents(p: Program): [Registered, { Statement: Statement[] }][] {
    return [
        ...p.ofType("aws:iam/role:Role").map((r) => [r, JSON.parse(r.inputs.assumeRolePolicy)] as [Registered, any]),
        ...p.ofType("aws:sqs/queuePolicy:QueuePolicy").map((r) => [r, JSON.parse(r.inputs.policy)] as [Registered, any]),
    ];
}

/** IAM's ArnLike: `*` any run of characters, `?` one. */
function arnLike(pattern: string, arn: string): boolean {
    const regex = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${regex}$`).test(arn);
}

for (const stack of ["dev", "prod"]) {
    describe(`${stack}: confused-deputy conditions`, () => {
        let p: Program;
        before(async () => {
            p = await runProgram(stack);
        });

        test("every service principal in a trust or queue policy is limited to this account's sources", () => {
            const docs = documents(p);
            assert.ok(docs.length >= 4, `roles and the queue policy are rendered (${docs.length})`);
            for (const [r, doc] of docs) assert.deepEqual(unguarded(doc), [], `${r.type} ${r.name}`);
        });

        test("the interruption queue takes messages from this stack's four EventBridge rules, and from nothing else", () => {
            const [allow] = JSON.parse(p.one("aws:sqs/queuePolicy:QueuePolicy").inputs.policy).Statement;
            const rules = p
                .ofType("aws:cloudwatch/eventRule:EventRule")
                .map((r) => r.outputs.arn)
                .sort();
            assert.equal(rules.length, 4);
            assert.deepEqual(allow.Principal, { Service: "events.amazonaws.com" });
            assert.deepEqual([...allow.Condition.ArnEquals["aws:SourceArn"]].sort(), rules);
            // The targets wait for the policy: a rule firing before it would have its sends refused.
            const policy = p.one("aws:sqs/queuePolicy:QueuePolicy");
            for (const t of p.ofType("aws:cloudwatch/eventTarget:EventTarget")) assert.ok(p.dependsOn(t, policy), t.name);
        });

        test("the Fargate pod execution role trusts this cluster's Fargate profiles, each of them and no other cluster's", () => {
            const role = p.one("aws:iam/role:Role", `${stack}-karpenter-fargate-pod-execution`);
            const [allow] = JSON.parse(role.inputs.assumeRolePolicy).Statement;
            const pattern: string = allow.Condition.ArnLike["aws:SourceArn"];
            const profiles = p.ofType("aws:eks/fargateProfile:FargateProfile");
            assert.ok(profiles.length >= 1);
            for (const profile of profiles) assert.ok(arnLike(pattern, profile.outputs.arn), `${pattern} matches ${profile.outputs.arn}`);
            const other = profiles[0].outputs.arn.replace(`/eks-karpenter-${stack}/`, "/another-cluster/");
            assert.ok(!arnLike(pattern, other), `${pattern} does not match ${other}`);
        });

        test("the EBS CSI role (IRSA, its controller runs on Fargate): this cluster's OIDC provider, the add-on's own service account", () => {
            const addon = p.one("aws:eks/addon:Addon", `${stack}-addons-aws-ebs-csi-driver`);
            assert.equal(addon.inputs.podIdentityAssociations, undefined);
            const role = p.ofType("aws:iam/role:Role").find((r) => r.outputs.arn === addon.inputs.serviceAccountRoleArn)!;
            const [allow] = JSON.parse(role.inputs.assumeRolePolicy).Statement;
            assert.equal(allow.Action, "sts:AssumeRoleWithWebIdentity");
            assert.match(allow.Principal.Federated, new RegExp(`^arn:aws:iam::${ACCOUNT_ID}:oidc-provider/`));
            const conditions = Object.entries(allow.Condition.StringEquals as Record<string, string>);
            assert.deepEqual(
                conditions.map(([k, v]) => [k.split(":").pop(), v]),
                [
                    ["sub", "system:serviceaccount:kube-system:ebs-csi-controller-sa"],
                    ["aud", "sts.amazonaws.com"],
                ],
            );
        });
    });
}

describe("the confused-deputy check itself", () => {
    test("negative control: Karpenter's reference queue policy (no condition) is flagged; EC2's trust is not", () => {
        const reference = {
            Statement: [
                { Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] } },
                { Sid: "DenyHTTP", Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
            ],
        };
        assert.deepEqual(unguarded(reference), ["(no Sid): events.amazonaws.com, sqs.amazonaws.com"]);
        assert.deepEqual(unguarded({ Statement: [{ Sid: "Nodes", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" } }] }), []);
        assert.deepEqual(
            unguarded({
                Statement: [
                    {
                        Sid: "Pods",
                        Effect: "Allow",
                        Principal: { Service: "pods.eks.amazonaws.com" },
                        Condition: { StringEquals: { "aws:RequestTag/x": "y" } },
                    },
                ],
            }),
            ["Pods: pods.eks.amazonaws.com"],
        );
    });

    test("negative control: ArnLike as IAM reads it", () => {
        assert.ok(arnLike("arn:aws:eks:eu-west-1:1:fargateprofile/c/*", "arn:aws:eks:eu-west-1:1:fargateprofile/c/karpenter/ab"));
        assert.ok(!arnLike("arn:aws:eks:eu-west-1:1:fargateprofile/c/*", "arn:aws:eks:eu-west-1:1:fargateprofile/cx/karpenter/ab"));
    });
});
