/** The in-program check: the real dev and prod programs pass it, and a bad setting stops them. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../../infra/errors";
import { TYPES, validate } from "../../../infra/guardrails";
import { GuardrailError } from "../../../infra/guardrails/enforce";
import { failure, lastRegistrations, runProgram } from "../../harness";
import { checkGuardrails } from "../../../offline/plan/guardrails";

const ROLE = "arn:aws:iam::123456789012:role/some-role";

/** Custom (cloud) resources the engine received while `run` ran (and failed). */
async function customRegistrations(run: () => Promise<unknown>): Promise<string[]> {
    await failure(run());
    return lastRegistrations()
        .filter((r) => r.custom)
        .map((r) => `${r.type}::${r.name}`);
}

describe("guardrails in the stack program", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: passes, and what it registers passes the rules too`, async () => {
            const program = await runProgram(stack);
            assert.deepEqual(validate(program.resources), []);
            // Not vacuous: the resources the rules read are there.
            assert.match(program.one(TYPES.helmRelease, `${stack}-karpenter`).inputs.chart, /\/karpenter$/);
            assert.equal(program.ofType(TYPES.fargateProfile).length, 1, "one profile for Karpenter, the EBS CSI controller and CoreDNS");
            // Five add-ons of ClusterAddons, and in prod the node monitoring agent.
            assert.ok(program.ofType(TYPES.nodePool).length >= 2 && program.ofType(TYPES.addon).length === (stack === "prod" ? 6 : 5));
        });
    }

    it("stops on a Pod Identity association for the controller, before any cloud resource is registered", async () => {
        const overrides = { podIdentityAssociations: [{ namespace: "karpenter", serviceAccount: "karpenter", roleArn: ROLE }] };
        const e = await failure(runProgram("dev", overrides));
        assert.ok(e instanceof GuardrailError);
        assert.deepEqual(
            e.violations.map((v) => v.rule),
            ["no-pod-identity-on-fargate"],
        );
        assert.match(
            e.message,
            /^1 guardrail violation\(s\) \(see README\.md, Guardrails\):\n- \[no-pod-identity-on-fargate\] aws:eks\/podIdentityAssociation:PodIdentityAssociation "dev-pod-identity-karpenter-karpenter": Pod Identity association for karpenter\/karpenter, whose pods run on Fargate\. Why: Pod Identity's agent is a DaemonSet/,
        );
        assert.deepEqual(await customRegistrations(() => runProgram("prod", overrides)), []);
    });

    it("follows the controller's namespace: in platform, that service account is the one refused", async () => {
        const karpenter = { spotToSpotConsolidation: false, replicas: 2, namespace: "platform" };
        const to = (namespace: string) => ({
            karpenter,
            podIdentityAssociations: [{ namespace, serviceAccount: "karpenter", roleArn: ROLE }],
        });
        const e = await failure(runProgram("prod", to("platform")));
        assert.match(String(e), /Pod Identity association for platform\/karpenter, whose pods run on Fargate/);
        const program = await runProgram("prod", to("karpenter"));
        assert.equal(program.ofType(TYPES.podIdentityAssociation).length, 1);
    });

    it("stops on controller limits that differ from its requests (the rule's check, on the setting)", async () => {
        const karpenter = { replicas: 2, requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } };
        const e = await failure(runProgram("prod", { karpenter }));
        assert.ok(e instanceof ConfigError);
        assert.equal(
            e.message,
            'eks-karpenter:karpenter.limits.memory: "2Gi" is not valid; equal to requests.memory (1Gi): the controller must run with Guaranteed QoS',
        );
    });
});

describe("guardrails over a program with several environments", () => {
    it("compare each cluster's NodePools among themselves: no false violation across clusters, a real overlap still found", async () => {
        const program = await runProgram("dev", {}, undefined, 3);
        const pools = program.ofType(TYPES.nodePool);
        assert.equal(new Set(pools.map((p) => p.provider)).size, 3, "one Kubernetes provider per cluster");
        assert.deepEqual(checkGuardrails(program.resources), []);
        // Without the cluster each pool belongs to, every environment's pools overlap the others'.
        const clusterBlind = validate(program.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })));
        assert.ok(clusterBlind.filter((v) => v.rule === "nodepools-unambiguous").length >= 3);
        // A real overlap on one cluster: a copy of one of its pools under another name.
        const original = pools.find((p) => p.name.startsWith("dev2-"))!;
        const copy = { ...original, name: "copy", urn: `${original.urn}-copy`, inputs: { ...original.inputs, metadata: { name: "copy" } } };
        const found = checkGuardrails([...program.resources, copy]);
        assert.deepEqual(
            found.map((v) => [v.rule, v.resource.name]),
            [["nodepools-unambiguous", "copy"]],
        );
    });
});
