import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { EnvironmentArgs } from "../../infra/environment/environment";
import { Architecture, CapacityType, NodePoolSettings, RequirementOperator, nodePoolAllowsSpot } from "../../infra/nodes/node-pool";
import { REPO_ROOT } from "../../infra/root";
import { EnvironmentProfile } from "../../stacks/base";
import { StackConfig, loadConfig } from "../../stacks/config";
import { DevStack } from "../../stacks/dev";
import { Program, lastRegistrations, runEngine, runProgram, stackConfig } from "../harness";

const SLR = "aws:iam/serviceLinkedRole:ServiceLinkedRole";
const NODE_POOL = "eks-karpenter:index:NodePool";

function assertSpotRoleBeforeEveryPool(p: Program): void {
    const role = p.one(SLR);
    assert.equal(role.inputs.awsServiceName, "spot.amazonaws.com");
    const pools = p.ofType(NODE_POOL);
    assert.ok(pools.length > 0);
    // The pools (and so every Spot launch) wait for it; on destroy they and their nodes go first.
    for (const pool of pools) assert.ok(p.dependsOn(pool, role), `${pool.name} waits for the Spot service-linked role`);
}

describe("the Spot service-linked role (AWSServiceRoleForEC2Spot)", () => {
    let prod: Program;
    let dev: Program;
    before(async () => {
        prod = await runProgram("prod");
        dev = await runProgram("dev");
    });

    test("prod (70 % Spot) creates it by default, protected like the rest of prod, before its pools", () => {
        assertSpotRoleBeforeEveryPool(prod);
        assert.equal(prod.one(SLR).name, "prod-spot-service-linked-role");
        assert.equal(prod.one(SLR).protect, true);
        assert.equal(prod.one(SLR).inputs.tags.environment, "prod");
    });

    test("dev (Spot first, On-Demand fallback) creates it by default too", () => {
        assertSpotRoleBeforeEveryPool(dev);
        assert.equal(dev.one(SLR).name, "dev-spot-service-linked-role");
    });

    test("karpenter.createSpotServiceLinkedRole: false leaves it out (an account that has it), in both stacks", async () => {
        for (const stack of ["dev", "prod"]) {
            const p = await runProgram(stack, {
                karpenter: {
                    ...JSON.parse(stackConfig(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`))["eks-karpenter:karpenter"]),
                    createSpotServiceLinkedRole: false,
                },
            });
            assert.equal(p.ofType(SLR).length, 0, stack);
            // Nothing else changes: the pools are all there, still allowing Spot.
            assert.equal(p.ofType(NODE_POOL).length, (stack === "dev" ? dev : prod).ofType(NODE_POOL).length);
        }
    });

    test("a value that is not a boolean is refused, naming the setting", async () => {
        await assert.rejects(
            runProgram("dev", { karpenter: { createSpotServiceLinkedRole: "no" } }),
            /^ConfigError: eks-karpenter:karpenter\.createSpotServiceLinkedRole: "no" is not valid; Expected boolean, received string$/,
        );
        assert.deepEqual(lastRegistrations(), []);
    });

    test("pools that never allow Spot: not created unless asked for", async () => {
        assert.equal((await runWithPools(ON_DEMAND_ONLY)).ofType(SLR).length, 0);
        assert.equal((await runWithPools(ON_DEMAND_ONLY, true)).ofType(SLR).length, 1);
        // Negative control: the same run with one pool allowing Spot creates it.
        assert.equal(
            (
                await runWithPools([
                    ...ON_DEMAND_ONLY,
                    { ...ON_DEMAND_ONLY[0], name: "spot", weight: 20, capacityTypes: [CapacityType.Spot] },
                ])
            ).ofType(SLR).length,
            1,
        );
    });
});

const ON_DEMAND_ONLY: NodePoolSettings[] = [
    {
        name: "general",
        nodeClassName: "default",
        weight: 10,
        architectures: [Architecture.Arm64],
        capacityTypes: [CapacityType.OnDemand],
        limits: { cpu: "16", memory: "64Gi" },
    },
];

/** The dev stack's program with these NodePools instead of the default pools. */
async function runWithPools(nodePools: NodePoolSettings[], createSpotServiceLinkedRole?: boolean): Promise<Program> {
    class Custom extends DevStack {
        protected environmentArgs(c: StackConfig, p: EnvironmentProfile): EnvironmentArgs {
            const args = super.environmentArgs(c, p);
            return {
                ...args,
                karpenter: { ...args.karpenter, createSpotServiceLinkedRole },
                nodes: { ...args.nodes, defaultPools: undefined, nodePools },
            };
        }
    }
    const config = stackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml"));
    const { result: stack, resources } = await runEngine(() => new Custom(loadConfig(config)), { stack: "dev", config });
    return new Program([stack], resources, config);
}

describe("nodePoolAllowsSpot reads the rendered requirements", () => {
    const pool = (capacityTypes: CapacityType[], requirements: NodePoolSettings["requirements"] = []): NodePoolSettings => ({
        ...ON_DEMAND_ONLY[0],
        capacityTypes,
        requirements,
    });

    test("Spot in capacityTypes, alone or with On-Demand", () => {
        assert.equal(nodePoolAllowsSpot(pool([CapacityType.Spot])), true);
        assert.equal(nodePoolAllowsSpot(pool([CapacityType.Spot, CapacityType.OnDemand])), true);
        assert.equal(nodePoolAllowsSpot(pool([CapacityType.OnDemand])), false);
    });

    test("a further requirement on karpenter.sh/capacity-type narrows it (Karpenter intersects them)", () => {
        const notSpot = [{ key: "karpenter.sh/capacity-type", operator: RequirementOperator.NotIn, values: ["spot"] }];
        assert.equal(nodePoolAllowsSpot(pool([CapacityType.Spot, CapacityType.OnDemand], notSpot)), false);
        const onlySpot = [{ key: "karpenter.sh/capacity-type", operator: RequirementOperator.In, values: ["spot"] }];
        assert.equal(nodePoolAllowsSpot(pool([CapacityType.Spot, CapacityType.OnDemand], onlySpot)), true);
        const exists = [{ key: "karpenter.sh/capacity-type", operator: RequirementOperator.Exists }];
        assert.equal(nodePoolAllowsSpot(pool([CapacityType.OnDemand], exists)), false);
    });
});
