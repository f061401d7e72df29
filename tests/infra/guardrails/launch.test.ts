import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UNKNOWN } from "../../../infra/guardrails";
import { nodeEbsEncrypted, nodeImds } from "../../../infra/guardrails/launch";
import { ec2NodeClass, messages } from "./fixtures";

describe("rule node-imdsv2", () => {
    it("accepts Karpenter's defaults (no metadataOptions) and explicit IMDSv2 with hop limit 1", () => {
        assert.deepEqual(messages(nodeImds, [ec2NodeClass("default", {})]), []);
        const explicit = ec2NodeClass("explicit", {
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        });
        assert.deepEqual(messages(nodeImds, [explicit]), []);
    });

    it("refuses IMDSv1 and a hop limit above the maximum", () => {
        const nodeClass = ec2NodeClass("legacy", { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 } });
        const [message] = messages(nodeImds, [nodeClass]);
        assert.match(
            message,
            /^EC2NodeClass "legacy" metadataOptions: httpTokens is "optional" \(IMDSv1 allowed\), httpPutResponseHopLimit is 2 \(at most 1\)\. /,
        );
        assert.match(message, /Why: IMDSv1 \(httpTokens: optional\) answers any request .* node role's credentials/);
        assert.match(message, /Fix: Set spec\.metadataOptions\.httpTokens: required and httpPutResponseHopLimit: 1/);
    });

    it("takes the maximum hop limit from its options, and ignores a disabled endpoint", () => {
        const hops2 = ec2NodeClass("hostnet", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } });
        assert.deepEqual(messages(nodeImds, [hops2], { maxHopLimit: 2 }), []);
        const off = ec2NodeClass("off", { metadataOptions: { httpEndpoint: "disabled", httpTokens: "optional" } });
        assert.deepEqual(messages(nodeImds, [off]), []);
    });
});

describe("rule node-ebs-encrypted", () => {
    it("accepts encrypted volumes and Karpenter's default mapping", () => {
        assert.deepEqual(messages(nodeEbsEncrypted, [ec2NodeClass("default", {})]), []);
        const encrypted = ec2NodeClass("enc", {
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "50Gi", encrypted: true } }],
        });
        assert.deepEqual(messages(nodeEbsEncrypted, [encrypted]), []);
    });

    it("refuses a volume with encrypted false or missing, naming the devices", () => {
        const nodeClass = ec2NodeClass("clear", {
            blockDeviceMappings: [
                { deviceName: "/dev/xvda", ebs: { volumeSize: "50Gi", encrypted: true } },
                { deviceName: "/dev/xvdb", ebs: { volumeSize: "200Gi" } },
                { deviceName: "/dev/xvdc", ebs: { volumeSize: "10Gi", encrypted: false } },
            ],
        });
        const [message] = messages(nodeEbsEncrypted, [nodeClass]);
        assert.match(
            message,
            /^EC2NodeClass "clear" maps unencrypted EBS volume\(s\) \/dev\/xvdb, \/dev\/xvdc \(ebs\.encrypted is not true\)\. /,
        );
        assert.match(message, /Fix: Set encrypted: true/);
    });

    it("does not judge a value not known yet", () => {
        const pending = ec2NodeClass("pending", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: UNKNOWN } }] });
        assert.deepEqual(messages(nodeEbsEncrypted, [pending]), []);
    });
});
