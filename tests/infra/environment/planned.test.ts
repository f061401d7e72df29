/**
 * The guardrails check the environment's children's plans before anything is registered. Each planned
 * resource must be one the program then registers, by type and name: a description naming a resource
 * that does not exist would report violations against it and check something other than what is built.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ResourceDescription, UNKNOWN } from "../../../infra/guardrails";
import { environmentParts } from "../../../infra/environment/environment";
import { PROD_GPU_NODES, Program, runProgram } from "../../harness";

/** The planned resources no registered resource matches by type and name. */
function unregistered(planned: readonly ResourceDescription[], p: Program): string[] {
    const registered = new Set(p.resources.map((r) => `${r.type} ${r.name}`));
    return planned.map((d) => `${d.type} ${d.name}`).filter((d) => !registered.has(d));
}

describe("the environment's plan names what it registers", () => {
    for (const [stack, config] of [
        ["prod", {}],
        ["dev", {}],
        ["prod", { "eks-karpenter:nodes": JSON.stringify(PROD_GPU_NODES) }],
    ] as const) {
        it(`${stack}${Object.keys(config).length ? " with its GPU pool" : ""}: every planned resource is registered, under the same type and name`, async () => {
            const p = await runProgram(stack, config);
            const planned = environmentParts(p.stack.environment).planned;
            assert.ok(planned.length >= 8, `${planned.length} planned resources`);
            assert.deepEqual(unregistered(planned, p), []);
        });
    }

    it("prod's planned endpoints are its VPC endpoints, service names and all (region and partition known)", async () => {
        const p = await runProgram("prod");
        const planned = environmentParts(p.stack.environment).planned.filter((d) => d.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
        const registered = p.ofType("aws:ec2/vpcEndpoint:VpcEndpoint");
        assert.deepEqual(
            planned.map((d) => [d.name, (d.inputs as { serviceName: unknown }).serviceName]).sort(),
            registered.map((r) => [r.name, r.inputs.serviceName]).sort(),
        );
        assert.ok(planned.some((d) => d.name === "prod-endpoints-ecr-api"));
        // Only deployment knows the VPC: unknown to the rules, not a stand-in.
        for (const d of planned) assert.equal((d.inputs as { vpcId: unknown }).vpcId, UNKNOWN);
    });

    it("negative control: a description under the name the environment used to give endpoints is reported", async () => {
        const p = await runProgram("prod");
        const stale = { type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: "prod-endpoints-ecr.api", inputs: {} };
        assert.deepEqual(unregistered([...environmentParts(p.stack.environment).planned, stale], p), [
            "aws:ec2/vpcEndpoint:VpcEndpoint prod-endpoints-ecr.api",
        ]);
    });
});
