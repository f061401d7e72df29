/**
 * The plan names the pools whose nodes a change rolls (drift): run the real program before and after a
 * config change and compare the pools' drift hashes.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { poolDrift, renderDrift, rolledPools } from "../../offline/plan/drift";
import { PROD_GPU_NODES, Program, Registered, runProgram } from "../harness";

// Prod with its (opt-in) GPU pool, so that every kind of pool is there to roll or not.
const PROD_NODES = PROD_GPU_NODES;
const ALL = ["amd64", "amd64-on-demand", "arm64", "arm64-on-demand", "billing-team", "gpu"];

describe("node drift in the plan", () => {
    let prod: Program;
    before(async () => {
        prod = await runProgram("prod", { nodes: PROD_NODES });
    });

    const cases: [string, Record<string, unknown>, string[]][] = [
        ["a new AMI release rolls every pool of the class", { nodes: { ...PROD_NODES, amiVersion: "v20260801" } }, ALL],
        ["another AMI family rolls every pool", { nodes: { ...PROD_NODES, amiFamily: "Bottlerocket" } }, ALL],
        [
            "a bigger data volume rolls every pool",
            { nodes: { ...PROD_NODES, dataVolume: { sizeGiB: 300, iops: 10000, throughputMiBps: 500 } } },
            ALL,
        ],
        [
            "another split rolls the split pools (their requirements), not the GPU pool",
            { nodes: { ...PROD_NODES, spotPercent: 50 } },
            ["amd64", "amd64-on-demand", "arm64", "arm64-on-demand"],
        ],
        [
            "a controller setting rolls no node",
            { karpenter: { spotToSpotConsolidation: false, replicas: 3, requests: { cpu: "1", memory: "1Gi" } } },
            [],
        ],
        [
            "a tag on every AWS resource rolls every node (EC2NodeClass tags)",
            { tags: { team: "platform", "cost-center": "eng-prod", owner: "x" } },
            ALL,
        ],
    ];
    for (const [title, overrides, rolled] of cases) {
        test(title, async () => {
            const after = await runProgram("prod", { nodes: PROD_NODES, ...overrides });
            assert.deepEqual(rolledPools(poolDrift(prod.resources), poolDrift(after.resources)).sort(), rolled);
        });
    }

    test("weight, limits and disruption budgets are not drift (negative control: the template is)", () => {
        const pool = prod.resources.find((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool")!;
        const withSpec = (spec: object): Registered => ({ ...pool, inputs: { ...pool.inputs, spec: { ...pool.inputs.spec, ...spec } } });
        const base = poolDrift([...prod.resources.filter((r) => r.type !== pool.type), pool]);
        const behaviour = poolDrift([
            ...prod.resources.filter((r) => r.type !== pool.type),
            withSpec({ weight: 1, limits: { cpu: "1", memory: "1Gi" }, disruption: { budgets: [{ nodes: "0" }] } }),
        ]);
        assert.deepEqual(rolledPools(base, behaviour), []);
        const template = { ...pool.inputs.spec.template, spec: { ...pool.inputs.spec.template.spec, expireAfter: "1h" } };
        assert.deepEqual(rolledPools(base, poolDrift([...prod.resources.filter((r) => r.type !== pool.type), withSpec({ template })])), [
            pool.inputs.metadata.name,
        ]);
    });

    test("the plan's text lists each pool with its class and hash", () => {
        const lines = renderDrift(poolDrift(prod.resources));
        assert.match(lines[0], /rolls every node of that pool/);
        assert.equal(lines.length, 1 + ALL.length);
        for (const pool of ALL)
            assert.ok(
                lines.some((l) => new RegExp(`^  [0-9a-f]{12}  NodePool ${pool} \\(EC2NodeClass default\\)$`).test(l)),
                pool,
            );
    });
});
