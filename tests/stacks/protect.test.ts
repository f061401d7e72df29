/**
 * `pulumi destroy -s prod` must not take anything down. Pulumi checks `protect` on each delete step and
 * deletes in reverse dependency order, so a protected cluster alone stops a destroy only after the pools
 * (and every node), the controller, the add-ons and the namespaces are gone. Prod protects every resource
 * it registers; dev none.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PROD_GPU_NODES, Program, runProgram } from "../harness";

/** What an outage is made of: at least one of each must be registered (and so, in prod, protected). */
const OUTAGE_IF_DELETED = [
    "kubernetes:karpenter.sh/v1:NodePool",
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
    "kubernetes:helm.sh/v3:Release",
    "aws:eks/addon:Addon",
    "kubernetes:core/v1:Namespace",
    "aws:eks/fargateProfile:FargateProfile",
    "aws:iam/role:Role",
    "aws:sqs/queue:Queue",
];

const unprotected = (p: Program) => p.resources.filter((r) => !r.protect).map((r) => `${r.type} ${r.name}`);

describe("protection from deletion", () => {
    test("prod registers every resource protected, those whose loss is an outage included", async () => {
        const p = await runProgram("prod");
        for (const type of OUTAGE_IF_DELETED) assert.ok(p.ofType(type).length > 0, `prod registers a ${type}`);
        assert.ok(p.resources.length > 100);
        assert.deepEqual(unprotected(p), []);
    });

    test("so does prod with its opt-in GPU pool: the pool and NVIDIA's device plugin release are protected too", async () => {
        const p = await runProgram("prod", { nodes: PROD_GPU_NODES });
        assert.equal(p.one("kubernetes:helm.sh/v3:Release", "prod-nvidia-device-plugin").protect, true);
        assert.equal(p.one("kubernetes:karpenter.sh/v1:NodePool", "prod-nodes-gpu").protect, true);
        assert.deepEqual(unprotected(p), []);
    });

    test("dev registers nothing protected (a dev stack is torn down and rebuilt freely)", async () => {
        const p = await runProgram("dev");
        assert.deepEqual(
            p.resources.filter((r) => r.protect).map((r) => `${r.type} ${r.name}`),
            [],
        );
    });

    test("a dev stack that sets protect gets the whole environment protected, not only the cluster", async () => {
        const p = await runProgram("dev", { protect: true });
        assert.deepEqual(unprotected(p), []);
    });
});
