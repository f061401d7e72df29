import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { INTERFACE_ENDPOINTS } from "../../../infra/model/endpoints";
import {
    endpointIngressRules,
    endpointServiceName,
    interfaceEndpointServices,
    resolvePrivateEndpointsArgs,
} from "../../../infra/network/endpoints";

const KARPENTER = ["ec2", "ecr.api", "ecr.dkr", "sts", "ssm", "eks"];

describe("endpoint service names", () => {
    it("are com.amazonaws.<region>.<service> in the commercial and GovCloud partitions", () => {
        assert.equal(endpointServiceName("aws", "eu-west-1", "ecr.dkr", "Interface"), "com.amazonaws.eu-west-1.ecr.dkr");
        assert.equal(endpointServiceName("aws", "ap-southeast-5", "s3", "Gateway"), "com.amazonaws.ap-southeast-5.s3");
        assert.equal(endpointServiceName("aws-us-gov", "us-gov-west-1", "sts", "Interface"), "com.amazonaws.us-gov-west-1.sts");
    });

    it("carry China's cn. prefix only where China's endpoint has it", () => {
        const names = Object.fromEntries(
            ["ec2", "ecr.api", "ecr.dkr", "sts", "eks", "sqs", "ssm", "eks-auth", "logs"].map((s) => [
                s,
                endpointServiceName("aws-cn", "cn-north-1", s, "Interface"),
            ]),
        );
        assert.deepEqual(names, {
            ec2: "cn.com.amazonaws.cn-north-1.ec2",
            "ecr.api": "cn.com.amazonaws.cn-north-1.ecr.api",
            "ecr.dkr": "cn.com.amazonaws.cn-north-1.ecr.dkr",
            sts: "cn.com.amazonaws.cn-north-1.sts",
            eks: "cn.com.amazonaws.cn-north-1.eks",
            sqs: "cn.com.amazonaws.cn-north-1.sqs",
            ssm: "com.amazonaws.cn-north-1.ssm",
            "eks-auth": "com.amazonaws.cn-north-1.eks-auth",
            logs: "com.amazonaws.cn-north-1.logs",
        });
        // China's S3 gateway endpoint keeps the plain prefix (its S3 interface endpoint is the cn. one).
        assert.equal(endpointServiceName("aws-cn", "cn-northwest-1", "s3", "Gateway"), "com.amazonaws.cn-northwest-1.s3");
    });

    it("refuse partitions whose names are not known, and malformed regions", () => {
        assert.throws(() => endpointServiceName("aws-iso", "us-iso-east-1", "ec2", "Interface"), {
            name: "ConfigError",
            message: `aws:region: "us-iso-east-1" is not valid; a region of the aws, aws-us-gov, aws-cn partitions (aws-iso's endpoint names are not known here)`,
        });
        assert.throws(() => endpointServiceName("aws", "eu-west-1a", "ec2", "Interface"), /aws:region: "eu-west-1a" is not valid/);
    });
});

describe("the endpoint set", () => {
    it("is what Karpenter needs, plus SQS with interruption handling", () => {
        assert.deepEqual(interfaceEndpointServices({ interruptionHandling: false, podIdentity: false, additional: [] }), KARPENTER);
        assert.deepEqual(interfaceEndpointServices({ interruptionHandling: true, podIdentity: false, additional: [] }), [
            ...KARPENTER,
            "sqs",
        ]);
    });

    it("adds eks-auth for Pod Identity and named extras once each, in catalogue order", () => {
        assert.deepEqual(
            interfaceEndpointServices({
                interruptionHandling: true,
                podIdentity: true,
                additional: ["logs", "ec2", "elasticloadbalancing"],
            }),
            [...KARPENTER, "sqs", "eks-auth", "logs", "elasticloadbalancing"],
        );
        assert.deepEqual(interfaceEndpointServices({ interruptionHandling: false, podIdentity: false, additional: ["sqs"] }), [
            ...KARPENTER,
            "sqs",
        ]);
    });

    it("rejects an unknown endpoint, listing the known ones", () => {
        const known = INTERFACE_ENDPOINTS.map((e) => e.service).join(", ");
        assert.throws(
            () =>
                resolvePrivateEndpointsArgs({
                    vpcId: "",
                    vpcCidrBlocks: [],
                    subnetIds: [],
                    routeTableIds: [],
                    additionalEndpoints: ["iam"],
                }),
            {
                name: "ConfigError",
                message: `PrivateEndpoints.additionalEndpoints: "iam" is not valid; one of ${known}`,
            },
        );
        assert.match(known, /^ec2, ecr\.api, ecr\.dkr, sts, ssm, eks, sqs, eks-auth, logs, /);
    });

    it("gives every endpoint a reason", () => {
        for (const e of INTERFACE_ENDPOINTS) assert.ok(e.reason.length > 20, e.service);
        assert.equal(new Set(INTERFACE_ENDPOINTS.map((e) => e.service)).size, INTERFACE_ENDPOINTS.length);
    });

    it("defaults to interruption handling on and Pod Identity off", () => {
        const a = resolvePrivateEndpointsArgs({ vpcId: "vpc-1", vpcCidrBlocks: [], subnetIds: [], routeTableIds: [] });
        assert.deepEqual(a.services, [...KARPENTER, "sqs"]);
    });
});

describe("the endpoints' security group", () => {
    it("admits HTTPS from the VPC's ranges and nothing else", () => {
        assert.deepEqual(endpointIngressRules(["10.0.0.0/16", "100.64.0.0/16"]), [
            {
                protocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrBlocks: ["10.0.0.0/16", "100.64.0.0/16"],
                description: "HTTPS from the VPC to AWS service endpoints",
            },
        ]);
    });

    it("refuses no range or a malformed one", () => {
        assert.throws(() => endpointIngressRules([]), /PrivateEndpoints\.vpcCidrBlocks: \[\] is not valid/);
        assert.throws(() => endpointIngressRules(["0.0.0.0"]), /PrivateEndpoints\.vpcCidrBlocks: "0\.0\.0\.0" is not valid; IPv4 CIDRs/);
    });
});
