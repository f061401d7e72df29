/** The plan of a stack that adopts a VPC the mocks never heard of, and the labels of what only deployment knows. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { EXIT, main } from "../../offline/plan";

async function planHere(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out = { stdout: "", stderr: "" };
    const code = await main(args, { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) });
    return { code, ...out };
}

function configFile(network: Record<string, unknown>): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "adopt-")), "Pulumi.dev-adopt.yaml");
    const config = {
        "aws:region": "eu-west-1",
        "eks-karpenter:clusterName": "eks-karpenter-adopt",
        "eks-karpenter:kubernetesVersion": "1.35",
        // Dev's public endpoint is never open by default: the stack file names who may reach it.
        "eks-karpenter:publicAccessCidrs": ["203.0.113.0/24"],
        "eks-karpenter:network": network,
        "eks-karpenter:nodes": { gpu: false },
    };
    fs.writeFileSync(file, stringify({ config }));
    return file;
}

const ADOPTED = { vpcId: "vpc-0fedcba9876543210", privateSubnetIds: ["subnet-0aaaabbbbccccdddd", "subnet-0eeeeffff00001111"] };

describe("adopting an existing VPC, offline", () => {
    test("any well-formed VPC and subnet IDs plan cleanly, and the plan says their zones and CIDRs are assumed", async () => {
        const r = await planHere("--stack", "dev-adopt", "--config-file", configFile({ existingVpc: ADOPTED }), "--json");
        assert.equal(r.code, EXIT.planned, r.stderr);
        const plan = JSON.parse(r.stdout);
        assert.deepEqual(plan.assumedNotRead, [
            "VPC vpc-0fedcba9876543210: CIDR 10.0.0.0/16, DNS support and hostnames on, its main route table (assumed, not read from AWS)",
            "subnet subnet-0aaaabbbbccccdddd: zone eu-west-1a, CIDR 10.0.0.0/24, in vpc-0fedcba9876543210 (assumed, not read from AWS)",
            "subnet subnet-0eeeeffff00001111: zone eu-west-1b, CIDR 10.0.1.0/24, in vpc-0fedcba9876543210 (assumed, not read from AWS)",
        ]);
        const text = await planHere("--stack", "dev-adopt", "--config-file", configFile({ existingVpc: ADOPTED }));
        assert.match(text.stdout, /\nAssumed, not read: .*\n {2}VPC vpc-0fedcba9876543210: /);
    });

    test("a malformed ID is still refused, naming the setting (negative control: not anything is answered)", async () => {
        const bad = { ...ADOPTED, privateSubnetIds: ["subnet-nothex!", ADOPTED.privateSubnetIds[1]] };
        const r = await planHere("--stack", "dev-adopt", "--config-file", configFile({ existingVpc: bad }));
        assert.equal(r.code, EXIT.notPlanned);
        assert.match(r.stderr, /existingVpc\.privateSubnetIds.*subnet-nothex!/);
    });

    test("a created VPC assumes nothing; subnets say mapPublicIpOnLaunch; names with the random suffix are marked", async () => {
        const r = await planHere("--stack", "dev");
        assert.equal(r.code, EXIT.planned, r.stderr);
        assert.doesNotMatch(r.stdout, /Assumed, not read/);
        assert.match(r.stdout, /Subnet dev-network-public-0 .*· load balancers: internet-facing · mapPublicIpOnLaunch: false/);
        assert.match(r.stdout, /Subnet dev-network-private-0 .*· load balancers: internal · mapPublicIpOnLaunch: false/);
        assert.doesNotMatch(r.stdout, /public: (true|false)/);
        assert.match(r.stdout, /Role dev-node-role .*· name: eks-karpenter-dev-karpenter-node-<random suffix> \(known after deploy\)/);
        assert.doesNotMatch(r.stdout, /k3x9qz/, "the mocks' suffix is never printed as if real");
    });
});
