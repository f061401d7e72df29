/**
 * `npm run plan -- --stack dev|prod [--json]`: what a stack would create, how long a first `pulumi up`
 * takes along its critical path, and what it costs a month before any workload, with no AWS credentials
 * and no Pulumi CLI: the real stack program runs under Pulumi's mocks (offline/runner.ts).
 *
 * `--compare <git-ref | config file>`: what changes from that baseline (another commit's program and stack
 * file, or another config file) to this tree and config (offline/plan/compare.ts).
 *
 * Exit codes: 0 planned; 1 guardrail violations (in what was registered, or the program stopped on its
 * own guardrails before registering anything); 2 not planned (bad arguments, unknown stack, config error).
 */
import { Command, CommanderError } from "commander";
import { ConfigError } from "../infra/errors";
import { environmentParts } from "../infra/environment/environment";
import { planViolations } from "./plan/guardrails";
import { Plan, buildPlan, renderStopped, renderText } from "./plan/report";
import type { AwsMockOptions } from "./mocks";
import type { Program } from "./runner";

export const EXIT = { planned: 0, violations: 1, notPlanned: 2 } as const;

export interface Io {
    stdout(text: string): void;
    stderr(text: string): void;
}

const processIo: Io = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
};

/**
 * Runs the plan command on `argv`. `options.mocks` tell the mocks what AWS holds beyond their defaults
 * (tests: IDs that do not exist).
 */
export async function main(argv: string[], io: Io = processIo, options: { mocks?: AwsMockOptions } = {}): Promise<number> {
    const cli = new Command("plan")
        .description("Plan a stack offline: resource tree, critical path of a first `pulumi up`, baseline monthly cost, guardrails.")
        .requiredOption("-s, --stack <name>", "the stack: dev or prod (a Pulumi.<stack>.yaml), or dev-<suffix> / prod-<suffix>")
        .option("--config-file <path>", "the stack's config from this file instead of its Pulumi.<stack>.yaml (as `pulumi --config-file`)")
        .option("--compare <baseline>", "show what changes from a baseline: a git ref (its program and stack file) or another config file")
        .option("--json", "print the plan as JSON, for tools")
        .exitOverride()
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    try {
        cli.parse(argv, { from: "user" });
    } catch (e) {
        if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.planned : EXIT.notPlanned;
        throw e;
    }
    const {
        stack,
        json,
        configFile,
        compare: against,
    } = cli.opts<{ stack: string; json?: boolean; configFile?: string; compare?: string }>();

    // Loading the Pulumi SDK and the providers' SDKs is most of the run: say so while it happens.
    const started = process.hrtime.bigint();
    const seconds = () => (Number(process.hrtime.bigint() - started) / 1e9).toFixed(1);
    io.stderr(`plan: loading the ${stack} stack program (Pulumi SDK and providers)…\n`);
    const [{ runProgram }, { GuardrailError }] = await Promise.all([import("./runner"), import("../infra/guardrails/enforce")]);
    io.stderr(`plan: running it under mocks…\n`);
    let program;
    try {
        program = await runProgram(stack, {}, configFile, 1, options.mocks);
    } catch (e) {
        if (e instanceof GuardrailError) {
            const violations = planViolations(e.violations);
            io.stderr(
                `plan: the program stopped on ${violations.length} guardrail violation(s) in ${seconds()} s, before registering anything\n`,
            );
            io.stdout(json ? JSON.stringify({ stack, violations }, null, 2) + "\n" : renderStopped(stack, violations));
            return EXIT.violations;
        }
        if (!(e instanceof ConfigError)) throw e;
        io.stderr(`plan: stack ${stack} cannot be planned: ${e.message}\n`);
        if (json)
            io.stdout(
                JSON.stringify({ stack, error: { setting: e.setting, value: e.value, allowed: e.allowed, message: e.message } }, null, 2) +
                    "\n",
            );
        return EXIT.notPlanned;
    }
    io.stderr(`plan: ${program.resources.length} resources registered in ${seconds()} s\n`);

    if (against !== undefined) {
        const [{ baseline }, { compare, renderComparison }] = await Promise.all([import("./baseline"), import("./plan/compare")]);
        const after = { label: configFile ?? `this tree (Pulumi.${stack.split("-")[0]}.yaml)`, resources: program.resources };
        let before;
        try {
            before = await baseline(against, stack, io.stderr);
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            io.stderr(`plan: cannot compare: ${e.message}\n`);
            return EXIT.notPlanned;
        }
        const comparison = compare(before, after);
        io.stderr(`plan: compared in ${seconds()} s\n`);
        io.stdout(json ? JSON.stringify(comparison, null, 2) + "\n" : renderComparison(comparison));
        return EXIT.planned;
    }

    const plan = await planOf(stack, program, new Date());
    io.stdout(json ? JSON.stringify(plan, null, 2) + "\n" : renderText(plan));
    return plan.violations.length > 0 ? EXIT.violations : EXIT.planned;
}

/** The plan of a program that ran for `stack`, for the day `date`. */
export async function planOf(stack: string, program: Program, date: Date): Promise<Plan> {
    return buildPlan(
        {
            stack,
            environment: program.stack.constructor.name,
            region: program.region,
            resources: program.resources,
            guardrailOptions: environmentParts(program.stack.environment).guardrailOptions,
            assumptions: program.assumptions,
            outputs: await program.outputs(),
        },
        { date },
    );
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (e: unknown) => {
            process.stderr.write(`plan: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
            process.exitCode = EXIT.notPlanned;
        },
    );
}
