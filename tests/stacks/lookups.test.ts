/**
 * What only AWS knows about the network (the region's zones, an adopted VPC and its subnets) is looked up
 * by the stack program before its first registration: a wrong zone, a VPC that does not exist or a subnet
 * of another VPC stops it with a config error naming the key, nothing registered, also in the offline plan
 * (its config-error exit code) and in index.ts's program (a RunError: Pulumi prints no stack trace). Each
 * case has a passing neighbour, which registers normally.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { ConfigError, ConfigErrors } from "../../infra/errors";
import { EXIT, main } from "../../offline/plan";
import { AwsMockOptions, EXISTING_VPC, OTHER_VPC } from "../mocks";
import { REPO_ROOT, lastRegistrations, runEngine, runProgram, stackConfig, valueOf } from "../harness";
import stackProgram = require("../../index");

const { cidrBlock: _, ...ADOPTED } = EXISTING_VPC;

/** The config errors the dev program stopped with, after checking it registered nothing. */
async function refused(overrides: Record<string, unknown>, mocks: AwsMockOptions = {}): Promise<ConfigError[]> {
    const e = await runProgram("dev", overrides, undefined, 1, mocks).then(
        () => assert.fail("the program ran"),
        (error: unknown) => error,
    );
    assert.deepEqual(
        lastRegistrations().map((r) => `${r.type} ${r.name}`),
        [],
        "nothing registered",
    );
    assert.ok(e instanceof ConfigError, `a ConfigError, not ${String(e)}`);
    return e instanceof ConfigErrors ? [...e.errors] : [e];
}

/** The messages of `errors`, one a line, for assertion messages. */
const messages = (errors: ConfigError[]) => errors.map((e) => e.message).join("\n");

describe("the region's zones, looked up before anything is registered", () => {
    test("a zone the region does not offer is refused by its key, with the zones it offers", async () => {
        const errors = await refused({ network: { availabilityZones: ["eu-west-1a", "eu-west-1d"] } });
        assert.deepEqual(
            errors.map((e) => e.message),
            [
                'eks-karpenter:network.availabilityZones: "eu-west-1d" is not valid; a zone the region offers: eu-west-1a, eu-west-1b, eu-west-1c',
            ],
        );
    });

    test("negative control: zones the region offers register normally, the subnets in exactly those zones", async () => {
        const p = await runProgram("dev", { network: { availabilityZones: ["eu-west-1a", "eu-west-1c"] } });
        const zones = p.ofType("aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone);
        assert.deepEqual([...new Set(zones)].sort(), ["eu-west-1a", "eu-west-1c"]);
        assert.ok(p.resources.length > 100, `${p.resources.length} registrations`);
    });

    test("is reported with the stack file's other errors, in one run", async () => {
        const errors = await refused({ network: { availabilityZones: ["eu-west-1a", "eu-west-1d"] }, tags: { "aws:team": "x" } });
        assert.deepEqual(
            errors.map((e) => e.setting).sort(),
            ["eks-karpenter:network.availabilityZones", "eks-karpenter:tags"],
            messages(errors),
        );
    });
});

describe("an adopted VPC, looked up before anything is registered", () => {
    test("a VPC that does not exist is refused by its key, with AWS's answer", async () => {
        const errors = await refused({ network: { existingVpc: ADOPTED } }, { missing: [ADOPTED.vpcId] });
        assert.deepEqual(
            errors.map((e) => e.message),
            [
                `eks-karpenter:network.existingVpc.vpcId: "${ADOPTED.vpcId}" is not valid; a VPC of this account in eu-west-1 (the stack's aws:region); AWS answered: no matching EC2 VPC found`,
            ],
        );
    });

    test("a subnet that does not exist is refused by its key", async () => {
        const errors = await refused({ network: { existingVpc: ADOPTED } }, { missing: [ADOPTED.publicSubnetIds[1]] });
        assert.deepEqual(
            errors.map((e) => [e.setting, e.value]),
            [["eks-karpenter:network.existingVpc.publicSubnetIds", ADOPTED.publicSubnetIds[1]]],
            messages(errors),
        );
        assert.match(errors[0].allowed, /AWS answered: no matching EC2 Subnet found$/);
    });

    test("a subnet of another VPC is refused by its key, private or public", async () => {
        const [other] = OTHER_VPC.subnetIds;
        const privateErrors = await refused({
            network: { existingVpc: { ...ADOPTED, privateSubnetIds: [ADOPTED.privateSubnetIds[0], other] } },
        });
        assert.deepEqual(
            privateErrors.map((e) => e.message),
            [
                `eks-karpenter:network.existingVpc.privateSubnetIds: "${other}" is not valid; subnets of ${ADOPTED.vpcId} (this one is in ${OTHER_VPC.vpcId})`,
            ],
        );
        const publicErrors = await refused({ network: { existingVpc: { ...ADOPTED, publicSubnetIds: [other] } } });
        assert.deepEqual(
            publicErrors.map((e) => [e.setting, e.value]),
            [["eks-karpenter:network.existingVpc.publicSubnetIds", other]],
            messages(publicErrors),
        );
    });

    test("negative control: the VPC's own subnets register normally (tagged for discovery, the cluster in them)", async () => {
        const p = await runProgram("dev", { network: { existingVpc: ADOPTED } }, undefined, 1, { missing: ["vpc-0000000000000dead"] });
        const tagged = p
            .ofType("aws:ec2/tag:Tag")
            .map((t) => String(t.inputs.resourceId))
            .filter((id) => id.startsWith("subnet-"));
        assert.deepEqual([...new Set(tagged)].sort(), [...ADOPTED.privateSubnetIds, ...ADOPTED.publicSubnetIds].sort());
        assert.deepEqual(p.one("aws:eks/cluster:Cluster").inputs.vpcConfig.subnetIds, ADOPTED.privateSubnetIds);
    });
});

describe("the offline plan", () => {
    async function plan(network: Record<string, unknown>, mocks?: AwsMockOptions): Promise<{ code: number; stderr: string }> {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lookups-")), "Pulumi.dev-lookups.yaml");
        const dev = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
        fs.writeFileSync(file, stringify({ config: { ...dev.config, "eks-karpenter:network": network } }));
        let stderr = "";
        const code = await main(
            ["--stack", "dev-lookups", "--config-file", file, "--json"],
            { stdout: () => undefined, stderr: (t) => void (stderr += t) },
            { mocks },
        );
        return { code, stderr };
    }

    test("exits with its config-error code for each look-up that fails, naming the key", async () => {
        const cases: [Record<string, unknown>, AwsMockOptions | undefined, RegExp][] = [
            [{ availabilityZones: ["eu-west-1a", "eu-west-1d"] }, undefined, /eks-karpenter:network\.availabilityZones: "eu-west-1d"/],
            [
                { existingVpc: ADOPTED },
                { missing: [ADOPTED.vpcId] },
                /eks-karpenter:network\.existingVpc\.vpcId: .*no matching EC2 VPC found/,
            ],
            [
                { existingVpc: { ...ADOPTED, privateSubnetIds: [ADOPTED.privateSubnetIds[0], OTHER_VPC.subnetIds[0]] } },
                undefined,
                /eks-karpenter:network\.existingVpc\.privateSubnetIds: /,
            ],
        ];
        for (const [network, mocks, message] of cases) {
            const r = await plan(network, mocks);
            assert.equal(r.code, EXIT.notPlanned, r.stderr);
            assert.notEqual(EXIT.notPlanned, EXIT.violations);
            assert.match(r.stderr, message);
        }
    });

    test("negative control: the same network, as AWS holds it, is planned", async () => {
        assert.equal((await plan({ existingVpc: ADOPTED })).code, EXIT.planned);
    });
});

describe("index.ts, the program `pulumi up` runs", () => {
    const config = stackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml"));

    test("a failed look-up is a RunError (Pulumi prints its message, no stack trace), nothing registered", async () => {
        const bad = { ...config, "eks-karpenter:network": JSON.stringify({ availabilityZones: ["eu-west-1a", "eu-west-1d"] }) };
        const e = await runEngine(stackProgram, { stack: "dev", config: bad }).then(
            () => assert.fail("the program ran"),
            (error: unknown) => error,
        );
        assert.ok(pulumi.RunError.isInstance(e), String(e));
        assert.match(
            (e as Error).message,
            /^eks-karpenter:network\.availabilityZones: "eu-west-1d" is not valid; a zone the region offers/,
        );
        assert.deepEqual(lastRegistrations(), []);
    });

    test("negative control: with valid settings it registers and returns the stack outputs", async () => {
        const run = await runEngine(stackProgram, { stack: "dev", config });
        assert.ok(run.resources.length > 100);
        assert.equal(await valueOf(run.result.clusterName), config["eks-karpenter:clusterName"]);
    });
});
