import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { eventPattern, queuePolicy } from "../../../infra/karpenter/interruption";
import { KARPENTER_VERSIONS } from "../../../infra/model/karpenter-versions";

describe("interruption events", () => {
    test("match the exact source and detail-type strings EventBridge emits", () => {
        assert.deepEqual(
            KARPENTER_VERSIONS["1.9"].interruptionEvents.map((e) => JSON.parse(eventPattern(e))),
            [
                { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
                { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
                { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
                { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
            ],
        );
    });

    test("queue policy admits only the given EventBridge rules, over TLS", () => {
        const arn = "arn:aws:sqs:eu-west-1:123456789012:q";
        const rules = ["arn:aws:events:eu-west-1:123456789012:rule/a", "arn:aws:events:eu-west-1:123456789012:rule/b"];
        const [allow, deny] = queuePolicy({ dnsSuffix: "amazonaws.com" }, arn, rules).Statement as any[];
        assert.deepEqual(allow.Principal, { Service: "events.amazonaws.com" });
        assert.equal(allow.Action, "sqs:SendMessage");
        assert.equal(allow.Resource, arn);
        assert.deepEqual(allow.Condition, { ArnEquals: { "aws:SourceArn": rules } });
        assert.equal(deny.Effect, "Deny");
        assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
    });
});
