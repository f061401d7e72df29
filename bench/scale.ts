// Prints, as JSON lines, how the guardrails and the program scale: {kind: "pools"|"environments", n, ms}.
// Pools: the guardrails over one cluster's NodePools, each with a team label of its own (the unambiguous-pools
// rule compares pools pairwise). Environments: the dev program with n environments in one program, then the
// plan's guardrail check over everything it registered.
import { TYPES, validate } from "../infra/guardrails";
import { checkGuardrails } from "../offline/plan/guardrails";
import { runProgram } from "../offline/runner";

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function main(): Promise<void> {
    const base = await runProgram("dev");
    const pool = base.ofType(TYPES.nodePool)[0];
    const poolsOf = (n: number) =>
        Array.from({ length: n }, (_, i) => ({
            type: pool.type,
            name: `team-${i}`,
            inputs: {
                ...pool.inputs,
                metadata: { name: `team-${i}` },
                spec: { ...pool.inputs.spec, template: { ...pool.inputs.spec.template, metadata: { labels: { team: `t${i}` } } } },
            },
        }));
    // Warm the JIT first, so that the smallest sizes do not pay for compiling the rules.
    for (let k = 0; k < 20; k++) validate(poolsOf(100));
    for (const n of [1, 10, 50, 100]) {
        const pools = poolsOf(n);
        const start = process.hrtime.bigint();
        for (let k = 0; k < 50; k++) validate(pools);
        console.log(JSON.stringify({ kind: "pools", n, ms: ms(start) / 50 }));
    }
    for (const n of [1, 5, 20]) {
        const start = process.hrtime.bigint();
        const program = await runProgram("dev", {}, undefined, n);
        const violations = checkGuardrails(program.resources);
        console.log(
            JSON.stringify({ kind: "environments", n, ms: ms(start), resources: program.resources.length, violations: violations.length }),
        );
    }
}

main();
