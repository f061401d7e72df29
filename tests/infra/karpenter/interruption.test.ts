import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Document, parseDocument } from "yaml";
import { INTERRUPTION_EVENTS, eventPattern, queuePolicy } from "../../../infra/karpenter/interruption";
import { referenceText } from "../../harness";

/**
 * The EventBridge rules of Karpenter's getting-started CloudFormation for the pinned version
 * (reference/karpenter-1.9): each AWS::Events::Rule's EventPattern. CloudFormation's short-form
 * intrinsics (`!Sub`, `!GetAtt`) are kept as plain values: the patterns use none.
 */
function upstreamEventPatterns(): unknown[] {
    const intrinsics = ["!Sub", "!GetAtt", "!Ref", "!Join", "!If", "!Equals", "!Not", "!Select", "!Split"].flatMap((tag) =>
        (["scalar", "seq", "map"] as const).map((collection) => ({ tag, collection, resolve: (v: unknown) => v })),
    );
    const doc: Document = parseDocument(referenceText("karpenter-1.9/getting-started/cloudformation.yaml"), { customTags: intrinsics as never });
    const resources = (doc.toJS() as { Resources: Record<string, { Type: string; Properties: { EventPattern?: unknown } }> }).Resources;
    return Object.values(resources).filter((r) => r.Type === "AWS::Events::Rule").map((r) => r.Properties.EventPattern);
}

describe("interruption events", () => {
    test("match the exact source and detail-type strings EventBridge emits", () => {
        assert.deepEqual(
            INTERRUPTION_EVENTS.map((e) => JSON.parse(eventPattern(e))),
            [
                { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
                { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
                { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
                { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
            ],
        );
    });

    test("are exactly the EventBridge rules of Karpenter's own CloudFormation for the pinned version", () => {
        const upstream = upstreamEventPatterns();
        assert.equal(upstream.length, 4);
        const ours = INTERRUPTION_EVENTS.map((e) => JSON.parse(eventPattern(e)));
        assert.deepEqual(ours.map((p) => JSON.stringify(p)).sort(), upstream.map((p) => JSON.stringify(p)).sort());
        // Negative control: one misspelt detail-type (accepted by AWS, never matched) is told apart.
        const misspelt = ours.map((p, i) => (i === 1 ? { ...p, "detail-type": ["EC2 Spot Interruption Warning"] } : p));
        assert.notDeepEqual(misspelt.map((p) => JSON.stringify(p)).sort(), upstream.map((p) => JSON.stringify(p)).sort());
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
