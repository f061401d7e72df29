/**
 * The policy pack's policies are the rules: one per rule, calling it on what the engine hands a
 * policy (resource props behind @pulumi/policy's unknown-checking proxy), reporting its messages.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_OPTIONS, RULES, ResourceDescription, TYPES, runRule } from "../../../infra/guardrails";
import { podIdentityOnFargate } from "../../../infra/guardrails/pod-identity";
import { policies } from "../../../policy-pack/policies";
import { ec2NodeClass, karpenterRelease, nodePool, poolSpec, req } from "./fixtures";

/** @pulumi/policy's proxy module, from the pack's own dependencies. */
const proxy: { unknownCheckingProxy(o: object): Record<string, unknown>; unknownStringValue: unknown; unknownBooleanValue: unknown } =
    createRequire(path.resolve(__dirname, "../../../policy-pack/package.json"))("@pulumi/policy/proxy");

type Report = (message: string, urn?: string) => void;

const policy = (name: string) => {
    const found = policies.find((p) => p.name === name);
    assert.ok(found, `no policy ${name}`);
    return found;
};
/** A policy's validation, called with the arguments the engine would pass. */
const validateResource = (name: string) =>
    (policy(name) as unknown as { validateResource: (args: unknown, report: Report) => Promise<void> | void }).validateResource;
const validateStack = (name: string) =>
    (policy(name) as unknown as { validateStack: (args: unknown, report: Report) => Promise<void> | void }).validateStack;

/** What a violation report receives. */
function spy() {
    const calls: { message: string; urn?: string }[] = [];
    return { calls, report: (message: string, urn?: string) => void calls.push({ message, urn }) };
}

function resourceArgs(d: ResourceDescription, config: object = {}) {
    return {
        type: d.type,
        name: d.name,
        urn: `urn:pulumi:dev::p::${d.type}::${d.name}`,
        props: proxy.unknownCheckingProxy(d.inputs),
        getConfig: () => config,
    };
}

function stackArgs(resources: ResourceDescription[], config: object = {}) {
    return {
        resources: resources.map((d) => ({
            type: d.type,
            name: d.name,
            urn: `urn:${d.name}`,
            props: proxy.unknownCheckingProxy(d.inputs),
        })),
        getConfig: () => config,
    };
}

const association = (namespace: string) => ({
    type: TYPES.podIdentityAssociation,
    name: `pi-${namespace}`,
    inputs: { clusterName: "eks", namespace, serviceAccount: "karpenter", roleArn: "arn:aws:iam::123456789012:role/r" },
});

describe("policy pack", () => {
    it("has one mandatory policy per rule, named by its id, of the rule's kind, with its options as config", () => {
        assert.deepEqual(
            policies.map((p) => p.name),
            RULES.map((r) => r.id),
        );
        for (const rule of RULES) {
            const p = policy(rule.id);
            assert.equal(p.description, rule.title);
            assert.equal(p.remediationSteps, rule.fix);
            assert.equal(p.enforcementLevel, "mandatory");
            assert.deepEqual(Object.keys(p.configSchema?.properties ?? {}), [...rule.options]);
            assert.equal("validateStack" in p, rule.scope === "stack", rule.id);
        }
    });

    it("resource policies report the rule's messages, and nothing for other resources", async () => {
        const validate = validateResource("no-pod-identity-on-fargate");
        const bad = spy();
        await validate(resourceArgs(association("karpenter")), bad.report);
        const expected = runRule(podIdentityOnFargate, [association("karpenter")], { ...DEFAULT_OPTIONS }).map((v) => v.message);
        assert.deepEqual(
            bad.calls.map((c) => c.message),
            expected,
        );
        assert.equal(expected.length, 1);

        const ok = spy();
        await validate(resourceArgs(association("kube-system")), ok.report);
        await validate(resourceArgs(ec2NodeClass("x", {})), ok.report);
        assert.deepEqual(ok.calls, []);
    });

    it("passes the policy's config to the rule", async () => {
        const validate = validateResource("no-pod-identity-on-fargate");
        const s = spy();
        await validate(resourceArgs(association("kube-system"), { fargateServiceAccounts: ["kube-system/karpenter"] }), s.report);
        await validate(resourceArgs(association("karpenter"), { fargateServiceAccounts: ["kube-system/karpenter"] }), s.report);
        assert.equal(s.calls.length, 1);
        assert.match(s.calls[0].message, /^Pod Identity association for kube-system\/karpenter/);
    });

    it("stack policies run the rule over the stack's resources and report on the offending resource", async () => {
        const validate = validateStack("nodepools-unambiguous");
        const s = spy();
        await validate(stackArgs([nodePool("a", poolSpec()), nodePool("b", poolSpec()), ec2NodeClass("default", {})]), s.report);
        assert.equal(s.calls.length, 1);
        assert.match(s.calls[0].message, /^NodePools "a" and "b" can take the same pods/);
        assert.equal(s.calls[0].urn, "urn:b");

        const none = spy();
        await validate(stackArgs([nodePool("a", poolSpec({ weight: 10 })), nodePool("b", poolSpec())]), none.report);
        assert.deepEqual(none.calls, []);
    });

    it("reads resources with values unknown during a preview: the unknown ones are skipped, the rest still checked", async () => {
        // The queue name is not known before the queue exists; it still means interruption handling is on.
        const release = karpenterRelease({ settings: { isolatedVPC: true, interruptionQueue: proxy.unknownStringValue }, controller: {} });
        const s = spy();
        await validateStack("private-cluster-endpoints")(stackArgs([release]), s.report);
        assert.equal(s.calls.length, 1);
        assert.match(s.calls[0].message, /sqs \(Karpenter reads interruption events from its SQS queue\)/);

        const pending = ec2NodeClass("pending", {
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: proxy.unknownBooleanValue } }],
        });
        const none = spy();
        await validateResource("node-ebs-encrypted")(resourceArgs(pending), none.report);
        assert.deepEqual(none.calls, []);
    });

    it("applies the spot threshold from config", async () => {
        const validate = validateResource("spot-instance-diversity");
        const pool = nodePool(
            "spot",
            poolSpec({
                requirements: [req("karpenter.sh/capacity-type", "In", "spot"), req("karpenter.k8s.aws/instance-family", "In", "m5", "c5")],
            }),
        );
        const strict = spy();
        await validate(resourceArgs(pool), strict.report);
        assert.equal(strict.calls.length, 1);
        const relaxed = spy();
        await validate(resourceArgs(pool, { minSpotInstanceFamilies: 2 }), relaxed.report);
        assert.deepEqual(relaxed.calls, []);
    });
});
