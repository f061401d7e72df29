import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { StackConfig } from "../../stacks/config";
import { createStack } from "../../stacks";
import { lastRegistrations, runProgram } from "../harness";

/** Runs the program with overrides and returns what it threw, after checking nothing was registered. */
async function failure(stack: string, overrides: Record<string, unknown | null>): Promise<string> {
    try {
        await runProgram(stack, overrides);
    } catch (e) {
        assert.deepEqual(lastRegistrations().map((r) => r.type), [], "nothing is half-created");
        return (e as Error).message;
    }
    assert.fail(`expected the ${stack} program to fail with ${JSON.stringify(overrides)}`);
}

describe("bad config fails the preview with the setting, the value and what is allowed", () => {
    const cases: [string, string, Record<string, unknown | null>, RegExp][] = [
        ["missing cluster name", "dev", { clusterName: null }, /^eks-karpenter:clusterName: \(missing\) is not valid; required$/],
        ["Kubernetes version format", "dev", { kubernetesVersion: "1.3x" }, /^eks-karpenter:kubernetesVersion: "1\.3x" is not valid; a minor version such as "1\.33"$/],
        ["requests not equal to limits", "prod", { karpenter: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } } }, /^eks-karpenter:karpenter\.limits\.cpu: "2" is not valid; equal to requests\.cpu \(1\)/],
        [
            "a Pod Identity association for Karpenter",
            "dev",
            { podIdentityAssociations: [{ namespace: "karpenter", serviceAccount: "karpenter", roleArn: "arn:aws:iam::123456789012:role/x" }] },
            /^1 guardrail violation\(s\) \(see README\.md, Guardrails\):\n- \[no-pod-identity-on-fargate\] .*karpenter\/karpenter, whose pods run on Fargate\. Why: .*Fix: /s,
        ],
        ["an unknown key (typo)", "dev", { karpenter: { replica: 2 } }, /^eks-karpenter:karpenter\.replica: 2 is not valid; unknown key; known keys: namespace, serviceAccountName, requests/],
        ["a wrong type", "dev", { karpenter: { replicas: "two" } }, /^eks-karpenter:karpenter\.replicas: "two" is not valid; Expected number, received string$/],
        ["a public endpoint in prod", "prod", { endpointPublicAccess: "true" }, /^3 config errors:\n- eks-karpenter:endpointPublicAccess: true is not valid; false in the prod environment$/m],
        ["unprotected prod", "prod", { protect: "false" }, /^eks-karpenter:protect: false is not valid; true in the prod environment$/],
        ["a log type", "prod", { clusterLogTypes: ["api", "audits"] }, /^- eks-karpenter:clusterLogTypes: "audits" is not valid; one of api, audit, authenticator, controllerManager, scheduler$/m],
        ["a malformed VPC CIDR", "dev", { network: { cidrBlock: "10.0.0.0/33" } }, /^eks-karpenter:network\.cidrBlock: "10\.0\.0\.0\/33" is not valid; an IPv4 CIDR from \/16 to \/22/],
        ["a zone count outside 2–3", "prod", { network: { zoneCount: 5 } }, /^eks-karpenter:network\.zoneCount: 5 is not valid; a whole number from 2 to 3$/],
        ["an unknown endpoint name", "prod", { endpoints: { additionalEndpoints: ["dynamo"] } }, /^eks-karpenter:endpoints\.additionalEndpoints: "dynamo" is not valid; one of ec2, ecr\.api/],
        [
            "a private cluster pulling the controller from public ECR",
            "prod",
            { karpenter: { imageRepository: "public.ecr.aws/karpenter/controller" } },
            /^eks-karpenter:karpenter\.imageRepository: "public\.ecr\.aws\/karpenter\/controller" is not valid; in a private cluster, a registry the VPC reaches/,
        ],
        ["a private cluster with NAT", "prod", { network: { natGateways: "PerZone" } }, /^eks-karpenter:network\.natGateways: "PerZone" is not valid; None when publicSubnets is false/],
        ["a bad cluster name", "dev", { clusterName: "my cluster" }, /^eks-karpenter:clusterName: "my cluster" is not valid/],
    ];
    for (const [what, stack, overrides, message] of cases) {
        test(what, async () => {
            assert.match(await failure(stack, overrides), message);
        });
    }

    test("an unknown stack name is refused", () => {
        assert.throws(() => createStack("staging", {} as StackConfig), /stack name: "staging" is not valid; one of dev, prod/);
    });

    test("stack names may carry a suffix (dev-alice)", async () => {
        const p = await runProgram("dev-alice");
        assert.equal(p.stack.name, "dev");
    });
});
