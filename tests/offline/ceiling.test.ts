import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { environmentParts } from "../../infra/environment/environment";
import { INSTANCE_TYPES } from "../../infra/model/instance-types";
import { CEILING_WARN_FACTOR, Ceilings, PoolCeiling, poolCeilings } from "../../offline/plan/ceiling";
import { HOURS_PER_MONTH, PRICES } from "../../offline/plan/prices";
import { buildPlan, renderText } from "../../offline/plan/report";
import { DEV_NODES, Program, runProgram } from "../harness";
import { resource } from "./fixtures";

function ceilingsOf(program: Program): Ceilings {
    const c = poolCeilings(program.resources, program.region);
    if (!c) assert.fail(`no prices for ${program.region}`);
    return c;
}

function pool(c: Ceilings, name: string): PoolCeiling {
    const p = c.pools.find((x) => x.pool === name);
    if (!p) assert.fail(`no ceiling for ${name}: ${c.pools.map((x) => x.pool).join(", ")}`);
    return p;
}

/** DEV_NODES with the billing-team pool changed by `change`. */
function devWithTeamPool(change: (p: Record<string, unknown>) => Record<string, unknown>): Record<string, unknown> {
    const pools = DEV_NODES.pools as Record<string, unknown>[];
    return { ...DEV_NODES, pools: pools.map((p) => (p.name === "billing-team" ? change(p) : p)) };
}

describe("instance-type facts", () => {
    test("every EC2 type of every region's price table has its vCPU and memory, and the table cites its sources", () => {
        for (const prices of Object.values(PRICES.regions)) {
            for (const t of Object.keys(prices.ec2Hour))
                assert.ok(INSTANCE_TYPES.types[t]?.vcpu > 0 && INSTANCE_TYPES.types[t].memoryGiB > 0, t);
        }
        for (const s of INSTANCE_TYPES.sources) assert.match(s, /^https:\/\/(docs\.aws\.amazon\.com|karpenter\.sh)\//);
    });
});

for (const stack of ["prod", "dev"]) {
    describe(`the ${stack} plan's NodePool ceilings`, () => {
        let program: Program;
        before(async () => {
            program = await runProgram(stack);
        });

        test("every NodePool has a ceiling or says why not; the billing-team pool's is its CPU limit at the dearest per-vCPU rate", () => {
            const c = ceilingsOf(program);
            const names = program.resources
                .filter((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool")
                .map((r) => r.inputs.metadata.name);
            assert.deepEqual(c.pools.map((p) => p.pool).sort(), [...names].sort());
            assert.ok(names.includes("billing-team"));
            const prices = PRICES.regions[program.region].ec2Hour;
            const team = pool(c, "billing-team");
            const cpu = Number(team.limits.cpu);
            // Its families priced in the table: c7g and m7g (medium, 1 vCPU each); m7g is the dearer per vCPU.
            assert.equal(
                team.onDemandMonthly,
                Math.round(cpu * Math.max(prices["c7g.medium"], prices["m7g.medium"]) * HOURS_PER_MONTH * 100) / 100,
            );
            assert.match(team.detail, /m7g\.medium, the dearest per vCPU of c7g\.medium, m7g\.medium/);
            assert.deepEqual(team.familiesNotPriced, ["c8g", "m8g", "r8g", "r7g"]);
            assert.equal(team.spot, "Spot: not estimated (no cited discount)");
            // The amd64 pool's families are none of the table's: no figure, and it says so.
            const amd64 = pool(c, "amd64");
            assert.equal(amd64.onDemandMonthly, undefined);
            assert.match(amd64.detail, /none of the types it allows is in the price table/);
            assert.ok(amd64.familiesNotPriced.includes("m7i"));
            assert.equal(c.totalMonthly, Math.round(c.pools.reduce((s, p) => s + (p.onDemandMonthly ?? 0), 0) * 100) / 100);
            assert.equal(
                c.budgetMonthly,
                Number(program.resources.find((r) => r.type === "aws:budgets/budget:Budget")!.inputs.limitAmount),
            );
        });

        test("the plan prints each pool's ceiling, the total beside the budget, and the method (text and JSON)", () => {
            const plan = buildPlan(
                {
                    stack,
                    environment: "x",
                    region: program.region,
                    resources: program.resources,
                    guardrailOptions: environmentParts(program.stack.environment).guardrailOptions,
                },
                { date: new Date("2026-03-01T00:00:00Z") },
            );
            const c = ceilingsOf(program);
            const text = renderText(plan);
            assert.ok(
                text.includes(
                    `NodePool ceilings, if Karpenter filled every pool's limits: $${c.totalMonthly.toFixed(2)} a month in total, budget limit $${c.budgetMonthly!.toFixed(2)} a month`,
                ),
            );
            assert.ok(text.includes(`$${pool(c, "billing-team").onDemandMonthly!.toFixed(2).padStart(9)}  billing-team (cpu `));
            assert.match(text, /families not priced: m7i, c7i/);
            assert.match(text, /method: Karpenter launches no node that would take a pool past its limits/);
            const json = JSON.parse(JSON.stringify(plan));
            assert.deepEqual(json.ceilings, JSON.parse(JSON.stringify(c)));
            // Both stacks' pools can spend far more than their budgets: the plan warns.
            assert.ok(c.totalMonthly > CEILING_WARN_FACTOR * c.budgetMonthly!);
            assert.ok(text.includes(`  ! ${c.warning}`));
        });
    });
}

describe("a pool's ceiling follows its limits and requirements", () => {
    let base: Ceilings;
    before(async () => {
        base = ceilingsOf(await runProgram("dev"));
    });

    test("halving the pool's CPU limit halves its ceiling; its weight and taints do not move it", async () => {
        const halved = ceilingsOf(
            await runProgram("dev", {
                nodes: devWithTeamPool((p) => ({
                    ...p,
                    limits: { cpu: String(Number((p.limits as any).cpu) / 2), memory: (p.limits as any).memory },
                })),
            }),
        );
        assert.equal(
            pool(halved, "billing-team").onDemandMonthly,
            Math.round((pool(base, "billing-team").onDemandMonthly! / 2) * 100) / 100,
        );
        assert.equal(pool(halved, "arm64").onDemandMonthly, pool(base, "arm64").onDemandMonthly, "another pool's ceiling does not move");
        // Negative control: settings that are not limits or requirements leave the figure as it was.
        const reweighted = ceilingsOf(await runProgram("dev", { nodes: devWithTeamPool((p) => ({ ...p, weight: 10, taints: [] })) }));
        assert.equal(pool(reweighted, "billing-team").onDemandMonthly, pool(base, "billing-team").onDemandMonthly);
    });

    test("a pool of families the table does not price has no figure and names them", async () => {
        const c = ceilingsOf(
            await runProgram("dev", {
                nodes: devWithTeamPool((p) => ({ ...p, instanceFamilies: ["r6g", "r7g", "r8g"], excludedInstanceTypes: [] })),
            }),
        );
        const team = pool(c, "billing-team");
        assert.equal(team.onDemandMonthly, undefined);
        assert.deepEqual(team.familiesNotPriced, ["r6g", "r7g", "r8g"]);
        assert.equal(c.totalMonthly, Math.round((base.totalMonthly - pool(base, "billing-team").onDemandMonthly!) * 100) / 100);
    });
});

describe("the ceiling beside the budget", () => {
    const nodePool = (limits: Record<string, string> | undefined, capacityTypes = ["on-demand"]) =>
        resource("kubernetes:karpenter.sh/v1:NodePool", "p", {
            inputs: {
                metadata: { name: "p" },
                spec: {
                    limits,
                    template: {
                        spec: {
                            requirements: [
                                { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["c6g"] },
                                { key: "karpenter.sh/capacity-type", operator: "In", values: capacityTypes },
                            ],
                        },
                    },
                },
            },
        });
    const budget = (amount: string) => resource("aws:budgets/budget:Budget", "b", { inputs: { limitAmount: amount, timeUnit: "MONTHLY" } });
    const rate = PRICES.regions["us-east-1"].ec2Hour["c6g.medium"];

    test("the smaller bound wins: memory when memory binds first", () => {
        // 10 vCPU of c6g.medium hold 20 GiB; a 4 GiB memory limit stops Karpenter after 2 nodes.
        const c = poolCeilings([nodePool({ cpu: "10", memory: "4Gi" })], "us-east-1")!;
        assert.equal(c.pools[0].onDemandMonthly, Math.round(4 * (rate / 2) * HOURS_PER_MONTH * 100) / 100);
        const cpuOnly = poolCeilings([nodePool({ cpu: "10" })], "us-east-1")!;
        assert.equal(cpuOnly.pools[0].onDemandMonthly, Math.round(10 * rate * HOURS_PER_MONTH * 100) / 100);
        assert.equal(cpuOnly.pools[0].spot, undefined, "an On-Demand-only pool has no Spot line");
        const unbounded = poolCeilings([nodePool(undefined, ["spot"])], "us-east-1")!;
        assert.equal(unbounded.pools[0].onDemandMonthly, undefined);
        assert.match(unbounded.pools[0].detail, /unbounded/);
        assert.match(unbounded.pools[0].spot!, /not estimated \(no cited discount\)/);
    });

    test(`warns above ${CEILING_WARN_FACTOR}× the budget, not below`, () => {
        const monthly = poolCeilings([nodePool({ cpu: "100" })], "us-east-1")!.totalMonthly;
        const over = poolCeilings([nodePool({ cpu: "100" }), budget(String(Math.floor(monthly / CEILING_WARN_FACTOR) - 1))], "us-east-1")!;
        assert.match(over.warning!, /more than 3× the budget/);
        const within = poolCeilings([nodePool({ cpu: "100" }), budget(String(Math.ceil(monthly / CEILING_WARN_FACTOR) + 1))], "us-east-1")!;
        assert.equal(within.warning, undefined);
        assert.equal(poolCeilings([nodePool({ cpu: "100" })], "us-east-1")!.budgetMonthly, undefined);
        assert.equal(poolCeilings([nodePool({ cpu: "100" })], "mars-north-1"), undefined);
    });
});
