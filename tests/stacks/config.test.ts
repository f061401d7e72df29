import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { StackConfig } from "../../stacks/config";
import { createStack } from "../../stacks";
import { runProgram } from "../harness";
import { failure } from "./failure";

/** A role ARN of the mocks' account, for the cases that need a well-formed principal. */
const ROLE = "arn:aws:iam::123456789012:role/admin";

describe("bad config fails the preview with the setting, the value and what is allowed", () => {
    const cases: [string, string, Record<string, unknown | null>, RegExp][] = [
        ["missing cluster name", "dev", { clusterName: null }, /^eks-karpenter:clusterName: \(missing\) is not valid; required$/],
        [
            "Kubernetes version format",
            "dev",
            { kubernetesVersion: "1.3x" },
            /^eks-karpenter:kubernetesVersion: "1\.3x" is not valid; a minor version such as "1\.33"$/,
        ],
        [
            "requests not equal to limits",
            "prod",
            { karpenter: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } } },
            /^eks-karpenter:karpenter\.limits\.cpu: "2" is not valid; equal to requests\.cpu \(1\)/,
        ],
        [
            "a Pod Identity association for Karpenter",
            "dev",
            {
                podIdentityAssociations: [
                    { namespace: "karpenter", serviceAccount: "karpenter", roleArn: "arn:aws:iam::123456789012:role/x" },
                ],
            },
            /^1 guardrail violation\(s\) \(see README\.md, Guardrails\):\n- \[no-pod-identity-on-fargate\] .*karpenter\/karpenter, whose pods run on Fargate\. Why: .*Fix: /s,
        ],
        [
            "an unknown key (typo)",
            "dev",
            { karpenter: { replica: 2 } },
            /^eks-karpenter:karpenter\.replica: 2 is not valid; unknown key; known keys: namespace, serviceAccountName, requests/,
        ],
        [
            "a wrong type",
            "dev",
            { karpenter: { replicas: "two" } },
            /^eks-karpenter:karpenter\.replicas: "two" is not valid; Expected number, received string$/,
        ],
        [
            "a public endpoint in prod",
            "prod",
            { endpointPublicAccess: "true" },
            /^3 config errors:\n- eks-karpenter:endpointPublicAccess: true is not valid; false in the prod environment$/m,
        ],
        ["unprotected prod", "prod", { protect: "false" }, /^eks-karpenter:protect: false is not valid; true in the prod environment$/],
        [
            "a log type",
            "prod",
            { clusterLogTypes: ["api", "audits"] },
            /^- eks-karpenter:clusterLogTypes: "audits" is not valid; one of api, audit, authenticator, controllerManager, scheduler$/m,
        ],
        [
            "a malformed VPC CIDR",
            "dev",
            { network: { cidrBlock: "10.0.0.0/33" } },
            /^eks-karpenter:network\.cidrBlock: "10\.0\.0\.0\/33" is not valid; an IPv4 CIDR from \/16 to \/22/,
        ],
        [
            "a zone count outside 2–3",
            "prod",
            { network: { zoneCount: 5 } },
            /^eks-karpenter:network\.zoneCount: 5 is not valid; a whole number from 2 to 3$/,
        ],
        [
            "an unknown endpoint name",
            "prod",
            { endpoints: { additionalEndpoints: ["dynamo"] } },
            /^eks-karpenter:endpoints\.additionalEndpoints: "dynamo" is not valid; one of ec2, ecr\.api/,
        ],
        [
            "a private cluster pulling the controller from public ECR",
            "prod",
            { karpenter: { imageRepository: "public.ecr.aws/karpenter/controller" } },
            /^eks-karpenter:karpenter\.imageRepository: "public\.ecr\.aws\/karpenter\/controller" is not valid; in a private cluster, a registry the VPC reaches/,
        ],
        [
            "a private cluster with NAT",
            "prod",
            { network: { natGateways: "PerZone" } },
            /^eks-karpenter:network\.natGateways: "PerZone" is not valid; None when publicSubnets is false/,
        ],
        ["a bad cluster name", "dev", { clusterName: "my cluster" }, /^eks-karpenter:clusterName: "my cluster" is not valid/],
        [
            "an access entry for an assumed-role session",
            "dev",
            { accessEntries: [{ principalArn: "arn:aws:sts::123456789012:assumed-role/admin/me", policy: "admin" }] },
            /^eks-karpenter:accessEntries\[0\]\.principalArn: "arn:aws:sts::123456789012:assumed-role\/admin\/me" is not valid; an IAM role or user ARN such as arn:aws:iam::111122223333:role\/platform-admin/,
        ],
        [
            "an access entry of another partition",
            "dev",
            { accessEntries: [{ principalArn: "arn:aws-cn:iam::123456789012:role/admin", policy: "view" }] },
            /^eks-karpenter:accessEntries\[0\]\.principalArn: "arn:aws-cn:iam::123456789012:role\/admin" is not valid; an ARN of the aws partition, the stack region's$/,
        ],
        [
            "an unknown access policy",
            "dev",
            { accessEntries: [{ principalArn: "ROLE", policy: "owner" }] },
            /^eks-karpenter:accessEntries\[0\]\.policy: "owner" is not valid; one of cluster-admin, admin, edit, view$/,
        ],
        [
            "cluster-admin in namespaces",
            "dev",
            { accessEntries: [{ principalArn: "ROLE", policy: "cluster-admin", namespaces: ["web"] }] },
            /^eks-karpenter:accessEntries\[0\]\.namespaces: \["web"\] is not valid; unset with cluster-admin/,
        ],
        [
            "an empty namespace list",
            "dev",
            { accessEntries: [{ principalArn: "ROLE", policy: "edit", namespaces: [] }] },
            /^eks-karpenter:accessEntries\[0\]\.namespaces: \[\] is not valid; a non-empty list/,
        ],
        [
            "a bad namespace",
            "dev",
            { accessEntries: [{ principalArn: "ROLE", policy: "edit", namespaces: ["Web"] }] },
            /^eks-karpenter:accessEntries\[0\]\.namespaces: "Web" is not valid; namespace names/,
        ],
        [
            "one principal twice",
            "dev",
            {
                accessEntries: [
                    { principalArn: "ROLE", policy: "view" },
                    { principalArn: "ROLE", policy: "edit" },
                ],
            },
            /^eks-karpenter:accessEntries\[1\]\.principalArn: "arn:aws:iam::123456789012:role\/admin" is not valid; each principal once/,
        ],
        [
            "no creator admin and no cluster-admin entry",
            "dev",
            { bootstrapClusterCreatorAdminPermissions: "false", accessEntries: [{ principalArn: "ROLE", policy: "admin" }] },
            /^eks-karpenter:bootstrapClusterCreatorAdminPermissions: false is not valid; true unless accessEntries has a cluster-wide cluster-admin/,
        ],
        [
            "a malformed deployer CIDR",
            "prod",
            { deployerCidrs: ["10.0.0.0/33"] },
            /^eks-karpenter:deployerCidrs: "10\.0\.0\.0\/33" is not valid; IPv4 CIDRs/,
        ],
        [
            "a malformed deployer security group",
            "prod",
            { deployerSecurityGroupIds: ["sg-xyz"] },
            /^eks-karpenter:deployerSecurityGroupIds: "sg-xyz" is not valid; security group IDs such as sg-0123456789abcdef0$/,
        ],
        [
            "an unknown support type",
            "dev",
            { supportType: "LONG" },
            /^eks-karpenter:supportType: "LONG" is not valid; one of STANDARD, EXTENDED$/,
        ],
        [
            "a Pod Identity association for the EBS CSI controller, which its add-on binds to its own role",
            "dev",
            { podIdentityAssociations: [{ namespace: "kube-system", serviceAccount: "ebs-csi-controller-sa", roleArn: "ROLE" }] },
            /^eks-karpenter:podIdentityAssociations\[0\]\.serviceAccount: "kube-system\/ebs-csi-controller-sa" is not valid; a service account no add-on binds: the aws-ebs-csi-driver add-on binds it/,
        ],
    ];
    for (const [what, stack, overrides, message] of cases) {
        test(what, async () => {
            assert.match(await failure(stack, JSON.parse(JSON.stringify(overrides).replaceAll('"ROLE"', `"${ROLE}"`))), message);
        });
    }

    test("an unknown stack name is refused", async () => {
        await assert.rejects(createStack("staging", {} as StackConfig), /stack name: "staging" is not valid; one of dev, prod/);
    });

    test("stack names may carry a suffix (dev-alice)", async () => {
        const p = await runProgram("dev-alice");
        assert.equal(p.stack.name, "dev");
    });
});
