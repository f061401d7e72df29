/**
 * The guardrails check the environment's children's plans before anything is registered. Each planned
 * resource must be one the program then registers, by type and name: a description naming a resource
 * that does not exist would report violations against it and check something other than what is built.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../../infra/errors";
import { ResourceDescription, UNKNOWN, isRecord } from "../../../infra/guardrails";
import { environmentParts } from "../../../infra/environment/environment";
import { irsaTrustPolicy, planIrsaRole } from "../../../infra/iam/irsa";
import { componentType } from "../../../infra/aliases";
import { knownAfterDeployment } from "../../../infra/plan";
import { PROD_GPU_NODES, Program, Registered, runProgram } from "../../harness";

/** The planned resources no registered resource matches by type and name. */
function unregistered(planned: readonly ResourceDescription[], p: Program): string[] {
    const registered = new Set(p.resources.map((r) => `${r.type} ${r.name}`));
    return planned.map((d) => `${d.type} ${d.name}`).filter((d) => !registered.has(d));
}

/** Every known leaf of `planned` (UNKNOWN left out) whose value differs from `registered`'s at the same path. */
function differences(planned: unknown, registered: unknown, at = ""): string[] {
    if (planned === UNKNOWN) return [];
    if (Array.isArray(planned) || isRecord(planned)) {
        if (typeof registered !== "object" || registered === null)
            return [`${at}: planned ${JSON.stringify(planned)}, registered ${JSON.stringify(registered)}`];
        return Object.entries(planned).flatMap(([k, v]) => differences(v, (registered as Record<string, unknown>)[k], `${at}.${k}`));
    }
    return planned === registered ? [] : [`${at}: planned ${JSON.stringify(planned)}, registered ${JSON.stringify(registered)}`];
}

/** The resources registered inside a component of `component`'s type (a Network, an IrsaRole). */
function inside(p: Program, component: Parameters<typeof componentType>[0]): Registered[] {
    return p.resources.filter((r) => r.custom && p.ancestors(r).some((a) => a.type === componentType(component)));
}

/**
 * How `planned` and what `component` registered differ: a registered resource no description names, a description
 * naming none, an input the plan knew with another value than the one registered.
 */
function planVersusRegistered(planned: readonly ResourceDescription[], p: Program, component: "Network" | "IrsaRole"): string[] {
    const registered = inside(p, component);
    const key = (d: { type: string; name: string }) => `${d.type} ${d.name}`;
    const byKey = new Map(registered.map((r) => [key(r), r]));
    const plannedKeys = new Set(planned.map(key));
    return [
        ...registered.filter((r) => !plannedKeys.has(key(r))).map((r) => `not planned: ${key(r)}`),
        ...planned.flatMap((d) => {
            const r = byKey.get(key(d));
            return r ? differences(d.inputs, r.inputs).map((x) => `${key(d)}${x}`) : [`not registered: ${key(d)}`];
        }),
    ];
}

const NETWORK_TYPES = /^aws:ec2\/(vpc|subnet|internetGateway|routeTable|route|routeTableAssociation|eip|natGateway|tag):/;
const ADOPTED_VPC = {
    "eks-karpenter:network": JSON.stringify({
        existingVpc: {
            vpcId: "vpc-0123456789abcdef0",
            privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
            publicSubnetIds: ["subnet-0123456789abcdef2"],
        },
    }),
};

describe("the network's and the IRSA role's plans are what they register", () => {
    for (const [label, stack, config] of [
        ["prod (private: no public subnet, no NAT)", "prod", {}],
        ["dev (public subnets, NAT gateways)", "dev", {}],
        ["dev with an adopted VPC (subnet tags)", "dev", ADOPTED_VPC],
    ] as const) {
        it(`${label}: every resource the Network registers is planned, with the inputs the plan knew`, async () => {
            const p = await runProgram(stack, config);
            const planned = environmentParts(p.stack.environment).planned.filter((d) => NETWORK_TYPES.test(d.type));
            assert.ok(planned.length >= 2, `${planned.length} planned network resources`);
            assert.deepEqual(planVersusRegistered(planned, p, "Network"), []);
        });
    }

    it("the controller's IRSA role is planned (name and tags), and its trust is known after deployment only", async () => {
        const p = await runProgram("prod");
        const planned = environmentParts(p.stack.environment).planned.filter((d) => d.type === "aws:iam/role:Role");
        const irsa = planned.filter((d) => inside(p, "IrsaRole").some((r) => r.name === d.name && r.type === d.type));
        assert.equal(irsa.length, 1);
        assert.deepEqual(planVersusRegistered(irsa, p, "IrsaRole"), []);
        assert.equal((irsa[0].inputs as { assumeRolePolicy: unknown }).assumeRolePolicy, UNKNOWN);
    });

    it("negative controls: a changed planned input, a resource left out of the plan and a misnamed one are each reported", async () => {
        const p = await runProgram("dev");
        const planned = environmentParts(p.stack.environment).planned.filter((d) => NETWORK_TYPES.test(d.type));
        const vpc = planned.find((d) => d.type === "aws:ec2/vpc:Vpc")!;
        const changed = planned.map((d) => (d === vpc ? { ...d, inputs: { ...vpc.inputs, cidrBlock: "192.168.0.0/16" } } : d));
        assert.deepEqual(planVersusRegistered(changed, p, "Network"), [
            `aws:ec2/vpc:Vpc dev-network.cidrBlock: planned "192.168.0.0/16", registered "10.10.0.0/16"`,
        ]);
        const nat = planned.find((d) => d.type === "aws:ec2/natGateway:NatGateway")!;
        assert.deepEqual(
            planVersusRegistered(
                planned.filter((d) => d !== nat),
                p,
                "Network",
            ),
            [`not planned: aws:ec2/natGateway:NatGateway ${nat.name}`],
        );
        const renamed = planned.map((d) => (d === nat ? { ...d, name: `${d.name}x` } : d));
        assert.deepEqual(planVersusRegistered(renamed, p, "Network"), [
            `not planned: aws:ec2/natGateway:NatGateway ${nat.name}`,
            `not registered: aws:ec2/natGateway:NatGateway ${nat.name}x`,
        ]);
    });
});

describe("planIrsaRole", () => {
    const trust = {
        oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
        oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
        namespace: "karpenter",
        serviceAccount: "karpenter",
    };
    it("with everything known, the role's trust policy is the one the component registers from the same values", () => {
        const plan = planIrsaRole("r", { ...trust, roleName: "r" });
        assert.equal(plan.role.inputs.assumeRolePolicy, JSON.stringify(irsaTrustPolicy(trust)));
        assert.deepEqual(plan.descriptions, [plan.role]);
    });
    it("checks what it knows before anything is registered: an empty service account is refused, naming it; an unknown one is not", () => {
        assert.throws(
            () => planIrsaRole("r", { ...trust, serviceAccount: "", roleName: "r" }),
            (e: unknown) => e instanceof ConfigError && /IrsaRole\.serviceAccount/.test(e.message),
        );
        const later = planIrsaRole("r", { ...trust, oidcProviderArn: knownAfterDeployment(), roleName: "r" });
        assert.equal(later.role.inputs.assumeRolePolicy, UNKNOWN);
    });
});

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
