import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CostEstimate } from "../../offline/plan/cost";
import { Plan, buildPlan, renderText } from "../../offline/plan/report";
import { TreeNode } from "../../offline/plan/tree";
import { environmentParts } from "../../infra/environment/environment";
import { Program, Registered, runProgram } from "../harness";

/**
 * The library's component type tokens, in one place: a rename (`eks-karpenter:<module>:<Name>` to
 * `eks-karpenter:index:<Name>`) changes them here only.
 */
const COMPONENT = {
    Environment: "eks-karpenter:index:Environment",
    Network: "eks-karpenter:index:Network",
    PrivateEndpoints: "eks-karpenter:index:PrivateEndpoints",
    PublicEcrPullThroughCache: "eks-karpenter:index:PublicEcrPullThroughCache",
    Cluster: "eks-karpenter:index:Cluster",
    NodeRole: "eks-karpenter:index:NodeRole",
    InterruptionQueue: "eks-karpenter:index:InterruptionQueue",
    KarpenterControllerRole: "eks-karpenter:index:KarpenterControllerRole",
    KarpenterFargateProfile: "eks-karpenter:index:KarpenterFargateProfile",
    Karpenter: "eks-karpenter:index:Karpenter",
    KarpenterNodes: "eks-karpenter:index:KarpenterNodes",
    EC2NodeClass: "eks-karpenter:index:EC2NodeClass",
    NodePool: "eks-karpenter:index:NodePool",
    ClusterAddons: "eks-karpenter:index:ClusterAddons",
    WorkloadNamespaces: "eks-karpenter:index:WorkloadNamespaces",
    CostBudget: "eks-karpenter:index:CostBudget",
};

// Before 2027-03-27, the end of standard support of 1.35 (both stacks), so the figures do not move with the calendar.
const DATE = new Date("2026-03-01T00:00:00Z");

function planOf(program: Program, stack: string, resources: Registered[] = program.resources): Plan {
    return buildPlan(
        { stack, environment: program.stack.constructor.name, region: program.region, resources, guardrailOptions: environmentParts(program.stack.environment).guardrailOptions },
        { date: DATE },
    );
}

function walk(nodes: readonly TreeNode[]): TreeNode[] {
    return nodes.flatMap((n) => [n, ...walk(n.children)]);
}

function costOf(plan: Plan): CostEstimate {
    if ("unavailable" in plan.cost) assert.fail(plan.cost.unavailable);
    return plan.cost;
}

const labels = (nodes: readonly TreeNode[]) => nodes.map((n) => `${n.type} ${n.name}`).sort();

/** What differs between the stacks, from Pulumi.dev.yaml / Pulumi.prod.yaml and the environments' profiles. */
const STACKS = {
    dev: {
        // Public subnets and one shared NAT gateway (`natGateways: Single`).
        networkExtras: [] as string[],
        pools: ["arm64", "amd64"],
        endpoint: "public + private",
        coreDnsReplicas: 2,
    },
    prod: {
        // A private cluster: endpoints instead of NAT, the controller image through a pull-through cache.
        networkExtras: [`${COMPONENT.PrivateEndpoints} prod-endpoints`, `${COMPONENT.PublicEcrPullThroughCache} prod-image-cache`],
        // spotPercent 70: Spot and on-demand pools per architecture; the GPU pool of the prod profile.
        pools: ["arm64", "arm64-on-demand", "amd64", "amd64-on-demand", "gpu"],
        endpoint: "private",
        coreDnsReplicas: 3,
    },
};

/** The interface endpoints of a private cluster with interruption handling and Pod Identity (the EBS CSI driver's). */
const INTERFACE_ENDPOINTS = ["ec2", "ecr.api", "ecr.dkr", "sts", "ssm", "eks", "sqs", "eks-auth"];

for (const stack of ["dev", "prod"] as const) {
    const expected = STACKS[stack];
    describe(`the ${stack} plan`, () => {
        let program: Program;
        let plan: Plan;
        before(async () => {
            program = await runProgram(stack);
            plan = planOf(program, stack);
        });
        const nodes = (type: string) => walk(plan.tree).filter((n) => n.type === type);
        const node = (type: string, name?: string): TreeNode => {
            const found = nodes(type).filter((n) => name === undefined || n.name === name);
            assert.equal(found.length, 1, `one ${type} ${name ?? ""}`);
            return found[0];
        };

        test("the tree is the Environment with every component the stack integrates", () => {
            assert.deepEqual(labels(plan.tree), [`${COMPONENT.Environment} ${stack}`]);
            assert.deepEqual(
                labels(plan.tree[0].children),
                [
                    `${COMPONENT.Network} ${stack}-network`,
                    ...expected.networkExtras,
                    `${COMPONENT.Cluster} ${stack}-cluster`,
                    `random:index/randomString:RandomString ${stack}-suffix`,
                    `${COMPONENT.NodeRole} ${stack}-node-role`,
                    `${COMPONENT.InterruptionQueue} ${stack}-interruption`,
                    `${COMPONENT.KarpenterControllerRole} ${stack}-controller-role`,
                    `${COMPONENT.KarpenterFargateProfile} ${stack}-karpenter-fargate`,
                    `${COMPONENT.Karpenter} ${stack}-karpenter`,
                    `${COMPONENT.KarpenterNodes} ${stack}-nodes`,
                    `${COMPONENT.ClusterAddons} ${stack}-addons`,
                    `${COMPONENT.WorkloadNamespaces} ${stack}-namespaces`,
                    `${COMPONENT.CostBudget} ${stack}-budget`,
                ].sort(),
            );
            assert.deepEqual(
                labels(node(COMPONENT.KarpenterNodes).children),
                [`${COMPONENT.EC2NodeClass} ${stack}-nodes-default`, ...expected.pools.map((p) => `${COMPONENT.NodePool} ${stack}-nodes-${p}`)].sort(),
            );
            assert.deepEqual(nodes("aws:eks/addon:Addon").map((n) => n.settings.addon).sort(), [
                "aws-ebs-csi-driver",
                "coredns",
                "eks-pod-identity-agent",
                "kube-proxy",
                "vpc-cni",
            ]);
            // CoreDNS on its own Fargate profile (`coreDns.placement: fargate`), beside Karpenter's.
            assert.deepEqual(node("aws:eks/fargateProfile:FargateProfile", `${stack}-addons-coredns`).settings.selectors, [
                { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
            ]);
        });

        test("each resource shows the settings a reviewer checks", () => {
            const cluster = node("eks:index:Cluster").settings;
            assert.equal(cluster.version, "1.35");
            assert.equal(cluster.endpoint, expected.endpoint);
            assert.deepEqual(cluster.logs, stack === "prod" ? ["api", "audit", "authenticator"] : "none");
            assert.equal(cluster["secrets encryption"], stack === "prod" ? "KMS" : "none");
            assert.equal(cluster.protect, stack === "prod" ? true : undefined);
            assert.deepEqual(node("kubernetes:helm.sh/v3:Release", `${stack}-karpenter`).settings, {
                chart: "oci://public.ecr.aws/karpenter/karpenter",
                version: "1.9.0",
                namespace: "karpenter",
                replicas: 2,
                requests: { cpu: "1", memory: "1Gi" },
                // Everything prod registers is protected (tests/stacks/protect.test.ts), and the plan says so.
                ...(stack === "prod" ? { protect: true } : {}),
            });
            assert.deepEqual(node("aws:eks/addon:Addon", `${stack}-addons-coredns`).settings, {
                addon: "coredns",
                version: "v1.12.2-eksbuild.4",
                replicas: expected.coreDnsReplicas,
                requests: { cpu: "100m", memory: "70Mi" },
                "compute type": "Fargate",
                ...(stack === "prod" ? { protect: true } : {}),
            });
            assert.equal(node("aws:sqs/queue:Queue").settings["retention (s)"], 300);
            assert.match(String(node("aws:iam/role:Role", `${stack}-controller-role`).settings.name), new RegExp(`^eks-karpenter-${stack}-karpenter-`));
            assert.deepEqual(node("kubernetes:karpenter.sh/v1:NodePool", `${stack}-nodes-${expected.pools[0]}`).settings["node class"], "default");
        });

        test("the network: one NAT gateway in dev; interface endpoints in every zone and no NAT in prod", () => {
            const endpoints = nodes("aws:ec2/vpcEndpoint:VpcEndpoint").map((n) => [n.name, n.settings.type, n.settings.zones]);
            if (stack === "dev") {
                assert.equal(nodes("aws:ec2/natGateway:NatGateway").length, 1);
                assert.equal(nodes("aws:ec2/eip:Eip").length, 1);
                assert.deepEqual(endpoints, []);
            } else {
                assert.equal(nodes("aws:ec2/natGateway:NatGateway").length, 0);
                assert.deepEqual(endpoints.sort(), [
                    ...INTERFACE_ENDPOINTS.map((s) => [`prod-endpoints-${s.replace(".", "-")}`, "Interface", 3]),
                    ["prod-endpoints-s3", "Gateway", undefined],
                ].sort());
                assert.deepEqual(node("aws:ecr/pullThroughCacheRule:PullThroughCacheRule").settings, { prefix: "ecr-public", upstream: "public.ecr.aws", protect: true });
            }
        });

        test("the critical path: network, cluster, the Fargate profiles (one at a time), then CoreDNS; no add-on waits for a node", () => {
            const steps = plan.criticalPath.steps.map((s) => [s.type, s.name, s.start, s.minutes]);
            assert.deepEqual(steps, [
                ["aws:ec2/vpc:Vpc", `${stack}-network`, 0, 0.1],
                ["aws:ec2/subnet:Subnet", `${stack}-network-private-0`, 0.1, 0.1],
                ["eks:index:Cluster", `${stack}-cluster`, 0.2, 11],
                ["aws:eks/fargateProfile:FargateProfile", `${stack}-karpenter-fargate`, 11.2, 3],
                // EKS creates one Fargate profile at a time: the EBS CSI controller's first, the NodePools wait for its add-on.
                ["aws:eks/fargateProfile:FargateProfile", `${stack}-addons-aws-ebs-csi-driver`, 14.2, 3],
                ["aws:eks/fargateProfile:FargateProfile", `${stack}-addons-coredns`, 17.2, 3],
                ["aws:eks/addon:Addon", `${stack}-addons-coredns`, 20.2, 1.5],
            ]);
            assert.equal(plan.criticalPath.totalMinutes, 21.7);
            // Each wait is real: an input the step cannot do without, or an ordering the library asks for.
            assert.deepEqual(plan.criticalPath.steps.map((s) => s.waitsFor), [
                undefined,
                `input vpcId from ${stack}-network`,
                `input privateSubnetIds from ${stack}-network-private-0`,
                `input clusterName from ${stack}-cluster`,
                `dependsOn ${stack}-karpenter-fargate`,
                `dependsOn ${stack}-addons-aws-ebs-csi-driver`,
                `dependsOn ${stack}-addons-coredns`,
            ]);
            assert.deepEqual(plan.criticalPath.unneededWaits, [], "routes wait for their NAT gateway's ID, endpoints for nothing but the network");
            // Every registered type has an estimate (the ECR pull-through cache rule too), every dependency a place.
            assert.deepEqual(plan.warnings, []);
        });

        test("the baseline cost: control plane, the Karpenter and CoreDNS Fargate pods, NAT in dev, endpoints and key in prod", () => {
            const cost = costOf(plan);
            assert.equal(cost.region, "eu-west-1");
            const fixed = [
                ["EKS control plane", `${stack}-cluster`, 73], // $0.10/h × 730 h
                // 2 × (1 vCPU × $0.04456 + 2 GB × $0.004865) × 730 h: 1 CPU / 1Gi + 256 MB rounds up to 1 vCPU / 2 GB.
                ["Fargate pods", `${stack}-karpenter`, 79.26],
            ];
            // CoreDNS at the add-on's default requests (100m / 70Mi + 256 MB): 0.25 vCPU / 0.5 GB, $9.907925 a pod-month.
            const coreDns = ["Fargate pods", `${stack}-addons-coredns`, stack === "dev" ? 19.82 : 29.72];
            // The EBS CSI controller at the driver chart's requests (10m / 40Mi + 256 MB): 0.25 vCPU / 0.5 GB, two pods.
            const ebsCsi = ["Fargate pods", `${stack}-addons-aws-ebs-csi-driver`, 19.82];
            const own =
                stack === "dev"
                    ? [
                          ["NAT gateway", "dev-network-nat-0", 35.04], // $0.048/h × 730 h
                          ["Public IPv4 address", "dev-network-nat-0", 3.65], // its Elastic IP, $0.005/h × 730 h
                      ]
                    : [
                          ["KMS key", "prod-cluster-secrets", 1],
                          // $0.011 per endpoint-zone-hour × 3 zones × 730 h
                          ...INTERFACE_ENDPOINTS.map((s) => [`Interface endpoint com.amazonaws.eu-west-1.${s}`, `prod-endpoints-${s.replace(".", "-")}`, 24.09]),
                      ];
            assert.deepEqual(cost.lines.map((l) => [l.item, l.resource.name, l.monthly]).sort(), [...fixed, coreDns, ebsCsi, ...own].sort());
            assert.equal(cost.totalMonthly, stack === "dev" ? 230.59 : 395.52);
            const notes = cost.notes.map((n) => n.slice(0, n.indexOf(":"))).sort();
            assert.deepEqual(
                notes,
                (stack === "dev" ? ["SQS"] : ["CloudWatch Logs", "ECR pull-through cache (prod-image-cache)", "SQS"]).sort(),
            );
            assert.ok(cost.assumptions.some((a) => a.startsWith("730 hours a month")));
        });

        test("the text names every section", () => {
            const text = renderText(plan);
            for (const heading of ["Resources", "Critical path of a first `pulumi up`: ~21.7 min", "Baseline monthly cost", "Guardrails: no violations."]) {
                assert.ok(text.includes(heading), heading);
            }
        });
    });
}

describe("the plan's guardrails", () => {
    test("run the rules over what the program registered", async () => {
        const program = await runProgram("dev");
        // A node class that allows IMDSv1, as a program the in-program check missed would register it.
        const resources = program.resources.map((r) =>
            r.type === "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
                ? { ...r, inputs: { ...r.inputs, spec: { ...r.inputs.spec, metadataOptions: { httpTokens: "optional" } } } }
                : r,
        );
        assert.deepEqual(planOf(program, "dev").violations, []);
        const plan = planOf(program, "dev", resources);
        const nodeClass = program.one("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass");
        assert.deepEqual(
            plan.violations.map((v) => [v.rule, v.resource]),
            [["node-imdsv2", { type: nodeClass.type, name: "dev-nodes-default", urn: nodeClass.urn }]],
        );
        assert.match(
            renderText(plan),
            /Guardrails: 1 violation\(s\)\n  ✗ \[node-imdsv2\] kubernetes:karpenter\.k8s\.aws\/v1:EC2NodeClass dev-nodes-default: EC2NodeClass "default" metadataOptions: httpTokens is "optional" \(IMDSv1 allowed\)\. Why: /,
        );
    });

    test("with the options the program ran them with: the controller's service account follows its namespace", async () => {
        // The controller in platform: an association for karpenter/karpenter then targets pods on EC2, which is allowed.
        const program = await runProgram("prod", {
            karpenter: { spotToSpotConsolidation: false, replicas: 2, namespace: "platform" },
            podIdentityAssociations: [{ namespace: "karpenter", serviceAccount: "karpenter", roleArn: "arn:aws:iam::123456789012:role/some-role" }],
        });
        assert.deepEqual(planOf(program, "prod").violations, []);
        const withDefaults = buildPlan(
            { stack: "prod", environment: "ProdStack", region: program.region, resources: program.resources, guardrailOptions: {} },
            { date: DATE },
        );
        assert.deepEqual(withDefaults.violations.map((v) => v.rule), ["no-pod-identity-on-fargate"], "the defaults would take karpenter/karpenter for the controller");
    });
});
