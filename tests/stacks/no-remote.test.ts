/**
 * Nothing the engine creates is hidden from the tests: every registration of the stack programs is this
 * program's own (no remote component, whose children a provider plugin creates where mocks never look),
 * and the check that says so fails on a remote component registered the way @pulumi/eks's Cluster is.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { HIDDEN_RULE, checkGuardrails, hiddenFromMocks } from "../../offline/plan/guardrails";
import { runEngine, runProgram } from "../harness";

describe("no remote component", () => {
    for (const stack of ["dev", "prod"]) {
        test(`${stack}: every registration is this program's own, of this program's packages`, async () => {
            const p = await runProgram(stack);
            assert.ok(p.resources.length > 50);
            assert.deepEqual(
                p.resources.filter((r) => r.remote).map((r) => r.type),
                [],
            );
            assert.deepEqual(hiddenFromMocks(p.resources), []);
            assert.deepEqual(
                checkGuardrails(p.resources).filter((v) => v.rule === HIDDEN_RULE),
                [],
            );
            // The cluster's own resources are registered, not made by a plugin.
            for (const type of [
                "aws:eks/cluster:Cluster",
                "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
                "pulumi:providers:kubernetes",
            ]) {
                assert.equal(p.ofType(type).length, 1, type);
            }
        });
    }

    test("negative control: a remote component, registered as @pulumi/eks registers its Cluster, is caught", async () => {
        const { resources } = await runEngine(
            () => {
                // What `new eks.Cluster(...)` does: a component of package `eks`, registered with `remote: true`.
                new pulumi.ComponentResource("eks:index:Cluster", "legacy", {}, {}, true);
                new pulumi.ComponentResource("eks-karpenter:index:Cluster", "remote-but-ours", {}, {}, true);
            },
            { stack: "remote-control" },
        );
        const registered = resources.filter((r) => r.name === "legacy" || r.name === "remote-but-ours");
        assert.deepEqual(
            registered.map((r) => [r.name, r.remote]),
            [
                ["legacy", true],
                ["remote-but-ours", true],
            ],
        );
        assert.deepEqual(hiddenFromMocks(registered), [
            "eks:index:Cluster (a remote component)",
            "eks-karpenter:index:Cluster (a remote component)",
        ]);
        const violations = checkGuardrails(registered).filter((v) => v.rule === HIDDEN_RULE);
        assert.deepEqual(
            violations.map((v) => v.resource.name),
            ["legacy", "remote-but-ours"],
        );
        assert.match(violations[0].message, /invisible to the mocks, this plan, the guardrails and the policy pack/);
        // A type of another package is caught even when registered as a local component.
        assert.deepEqual(hiddenFromMocks([{ type: "eks:index:Cluster", remote: false }]), [
            "eks:index:Cluster (package eks, not one of eks-karpenter, aws, kubernetes, random, pulumi)",
        ]);
        // A token of this package that the component registry does not list is not one of its components;
        // a listed one registered locally is (the negative control).
        assert.deepEqual(hiddenFromMocks([{ type: "eks-karpenter:index:Kluster", remote: false }]), [
            "eks-karpenter:index:Kluster (not a component of eks-karpenter)",
        ]);
        assert.deepEqual(hiddenFromMocks([{ type: "eks-karpenter:index:Cluster", remote: false }]), []);
    });
});
