import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TYPES, UNKNOWN } from "../../../infra/guardrails";
import { privateClusterEndpoints, privateClusterImage } from "../../../infra/guardrails/private-cluster";
import { endpointService } from "../../../infra/model/endpoints";
import { karpenterRelease, messages, vpcEndpoints } from "./fixtures";

const ALL = ["ec2", "ecr.api", "ecr.dkr", "s3", "sts", "ssm", "eks", "sqs"];
const privateRelease = (settings: Record<string, unknown> = {}, controller: Record<string, unknown> = {}) =>
    karpenterRelease({ settings: { clusterName: "eks", isolatedVPC: true, interruptionQueue: "eks-karpenter", ...settings }, controller });

describe("endpointService", () => {
    it("reads the service from commercial, China and GovCloud endpoint names", () => {
        assert.equal(endpointService("com.amazonaws.eu-west-1.ecr.dkr"), "ecr.dkr");
        assert.equal(endpointService("cn.com.amazonaws.cn-north-1.sts"), "sts");
        assert.equal(endpointService("com.amazonaws.us-gov-west-1.ssm"), "ssm");
        assert.equal(endpointService("com.amazonaws.vpce.eu-west-1.vpce-svc-0123"), undefined);
    });
});

describe("rule private-cluster-endpoints", () => {
    it("accepts a private cluster with every endpoint, and a cluster that is not private", () => {
        assert.deepEqual(messages(privateClusterEndpoints, [privateRelease(), ...vpcEndpoints(...ALL)]), []);
        assert.deepEqual(messages(privateClusterEndpoints, [karpenterRelease({ settings: { isolatedVPC: false } })]), []);
    });

    it("refuses missing endpoints, naming each with what needs it", () => {
        const [message, ...rest] = messages(privateClusterEndpoints, [privateRelease(), ...vpcEndpoints("ec2", "ecr.api", "ecr.dkr", "s3", "ssm", "eks")]);
        assert.equal(rest.length, 0);
        assert.match(
            message,
            /^Karpenter release "karpenter" runs in a private cluster \(settings\.isolatedVPC\) without VPC endpoints for sts \(the controller exchanges its IRSA token for credentials \(AssumeRoleWithWebIdentity\)\), sqs \(Karpenter reads interruption events from its SQS queue\)\. /,
        );
        assert.match(message, /Why: With no route to public endpoints, a missing endpoint is a call that times out/);
        assert.match(message, /Fix: Create the missing aws\.ec2\.VpcEndpoint resources/);
    });

    it("needs sqs only with interruption handling, and counts endpoints another stack provides", () => {
        const noSqs = ALL.filter((s) => s !== "sqs");
        assert.deepEqual(messages(privateClusterEndpoints, [privateRelease({ interruptionQueue: "" }), ...vpcEndpoints(...noSqs)]), []);
        assert.equal(messages(privateClusterEndpoints, [privateRelease({ interruptionQueue: UNKNOWN }), ...vpcEndpoints(...noSqs)]).length, 1);
        assert.deepEqual(messages(privateClusterEndpoints, [privateRelease()], { externalVpcEndpoints: ALL }), []);
    });

    it("waits while an endpoint's service is not known", () => {
        const pending = { type: TYPES.vpcEndpoint, name: "pending", inputs: { serviceName: UNKNOWN } };
        assert.deepEqual(messages(privateClusterEndpoints, [privateRelease(), pending]), []);
    });
});

describe("rule private-cluster-image", () => {
    it("accepts a private cluster pulling from private ECR, and a public image in a cluster that is not private", () => {
        const mirrored = privateRelease({}, { image: { repository: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/karpenter/controller", tag: "1.9.0" } });
        assert.deepEqual(messages(privateClusterImage, [mirrored]), []);
        assert.deepEqual(messages(privateClusterImage, [karpenterRelease({})]), []);
    });

    it("refuses the chart's public image (the default) or a Docker Hub one in a private cluster", () => {
        const [message] = messages(privateClusterImage, [privateRelease()]);
        assert.match(message, /^Karpenter release "karpenter" runs in a private cluster \(settings\.isolatedVPC\) but pulls its controller image from public\.ecr\.aws\/karpenter\/controller\. /);
        assert.match(message, /Why: The chart's default image is on public\.ecr\.aws/);
        assert.match(message, /Fix: Mirror the image into private ECR/);
        assert.equal(messages(privateClusterImage, [privateRelease({}, { image: { repository: "someone/karpenter" } })]).length, 1);
    });

    it("compares registries as hosts: any case, with or without a port, Docker Hub under any of its names", () => {
        for (const repository of ["PUBLIC.ECR.AWS/karpenter/controller", "public.ecr.aws:443/karpenter/controller", "DOCKER.IO/karpenter/controller", "registry-1.docker.io:443/karpenter/controller"]) {
            assert.equal(messages(privateClusterImage, [privateRelease({}, { image: { repository } })]).length, 1, repository);
        }
        const mirrored = "123456789012.DKR.ECR.EU-WEST-1.AMAZONAWS.COM:443/karpenter/controller";
        assert.deepEqual(messages(privateClusterImage, [privateRelease({}, { image: { repository: mirrored } })]), []);
    });

    it("ignores other charts", () => {
        const crds = karpenterRelease({ settings: { isolatedVPC: true } }, { chart: "oci://public.ecr.aws/karpenter/karpenter-crd" });
        assert.deepEqual(messages(privateClusterImage, [crds]), []);
    });
});
