import { CONTROLLER_LOG_ALARMS } from "../../infra/model/observability";
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CostEstimate } from "../../offline/plan/cost";
import { Plan, buildPlan, renderText } from "../../offline/plan/report";
import { criticalPath } from "../../offline/plan/schedule";
import { TreeNode } from "../../offline/plan/tree";
import { environmentParts } from "../../infra/environment/environment";
import { PROD_GPU_NODES, Program, Registered, runProgram } from "../harness";

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
    Observability: "eks-karpenter:index:Observability",
};

// Before 2027-03-27, the end of standard support of 1.35 (both stacks), so the figures do not move with the calendar.
const DATE = new Date("2026-03-01T00:00:00Z");

function planOf(program: Program, stack: string, resources: Registered[] = program.resources): Plan {
    return buildPlan(
        {
            stack,
            environment: program.stack.constructor.name,
            region: program.region,
            resources,
            guardrailOptions: environmentParts(program.stack.environment).guardrailOptions,
        },
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

/** `r` and everything it waits for (dependencies, providers, components), as a program of its own. */
function closure(p: Program, r: Registered, found = new Map<string, Registered>()): Registered[] {
    if (found.has(r.urn)) return [...found.values()];
    found.set(r.urn, r);
    const provider = r.provider ? p.byUrn(r.provider.slice(0, r.provider.lastIndexOf("::"))) : undefined;
    const waits = [...r.dependencies.map((u) => p.byUrn(u)), provider].filter((d): d is Registered => d !== undefined);
    // A component waited for is done with its last child; a parent only holds its children's start back.
    const parent = p.byUrn(r.parent);
    for (const d of [...waits, ...waits.flatMap((w) => (w.custom ? [] : p.children(w))), ...(parent ? [parent] : [])]) closure(p, d, found);
    return [...found.values()];
}

const labels = (nodes: readonly TreeNode[]) => nodes.map((n) => `${n.type} ${n.name}`).sort();

/** What differs between the stacks, from Pulumi.dev.yaml / Pulumi.prod.yaml and the environments' profiles. */
const STACKS = {
    dev: {
        overrides: {},
        // Public subnets and one shared NAT gateway (`natGateways: Single`).
        extras: [] as string[],
        // The default pools and the file's team pool.
        pools: ["arm64", "amd64", "billing-team"],
        endpoint: "public + private",
        coreDnsReplicas: 2,
    },
    prod: {
        // With its opt-in GPU pool, turned on as the README says (nodes.gpu and the mirrored device plugin image).
        overrides: { nodes: PROD_GPU_NODES },
        // A private cluster: endpoints instead of NAT, the controller image through a pull-through cache;
        // the GPU pool on AL2023 brings NVIDIA's device plugin.
        extras: [
            `${COMPONENT.PrivateEndpoints} prod-endpoints`,
            `${COMPONENT.PublicEcrPullThroughCache} prod-image-cache`,
            "kubernetes:helm.sh/v3:Release prod-nvidia-device-plugin",
        ],
        // spotPercent 70: Spot and on-demand pools per architecture; the GPU pool; the file's team pool.
        pools: ["arm64", "arm64-on-demand", "amd64", "amd64-on-demand", "gpu", "billing-team"],
        endpoint: "private",
        coreDnsReplicas: 3,
    },
};

/** The interface endpoints of a private cluster with interruption handling and Pod Identity (the EBS CSI driver's). */
// `logs` and `monitoring`: Fargate's log router and the node-disk agent reach CloudWatch through them.
const INTERFACE_ENDPOINTS = ["ec2", "ecr.api", "ecr.dkr", "sts", "ssm", "eks", "sqs", "eks-auth", "logs", "monitoring"];

for (const stack of ["dev", "prod"] as const) {
    const expected = STACKS[stack];
    describe(`the ${stack} plan`, () => {
        let program: Program;
        let plan: Plan;
        before(async () => {
            program = await runProgram(stack, expected.overrides);
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
                    ...expected.extras,
                    `${COMPONENT.Cluster} ${stack}-cluster`,
                    `random:index/randomString:RandomString ${stack}-suffix`,
                    `${COMPONENT.NodeRole} ${stack}-node-role`,
                    `${COMPONENT.InterruptionQueue} ${stack}-interruption`,
                    `${COMPONENT.KarpenterControllerRole} ${stack}-controller-role`,
                    `${COMPONENT.KarpenterFargateProfile} ${stack}-karpenter-fargate`,
                    `${COMPONENT.Karpenter} ${stack}-karpenter`,
                    `aws:iam/serviceLinkedRole:ServiceLinkedRole ${stack}-spot-service-linked-role`,
                    `${COMPONENT.KarpenterNodes} ${stack}-nodes`,
                    `${COMPONENT.ClusterAddons} ${stack}-addons`,
                    `${COMPONENT.WorkloadNamespaces} ${stack}-namespaces`,
                    `${COMPONENT.CostBudget} ${stack}-budget`,
                    `${COMPONENT.Observability} ${stack}-observability`,
                ].sort(),
            );
            assert.deepEqual(
                labels(node(COMPONENT.KarpenterNodes).children),
                [
                    `${COMPONENT.EC2NodeClass} ${stack}-nodes-default`,
                    ...expected.pools.map((p) => `${COMPONENT.NodePool} ${stack}-nodes-${p}`),
                ].sort(),
            );
            // The node monitoring agent in prod only (observability.nodeMonitoringAgent, the profile's choice).
            assert.deepEqual(
                nodes("aws:eks/addon:Addon")
                    .map((n) => n.settings.addon)
                    .sort(),
                [
                    "aws-ebs-csi-driver",
                    "coredns",
                    ...(stack === "prod" ? ["eks-node-monitoring-agent"] : []),
                    "eks-pod-identity-agent",
                    "kube-proxy",
                    "vpc-cni",
                ],
            );
            // The EBS CSI controller and CoreDNS (`coreDns.placement: fargate`) on the cluster's one Fargate profile, beside Karpenter.
            assert.deepEqual(
                nodes("aws:eks/fargateProfile:FargateProfile").map((n) => [
                    n.name,
                    (n.settings.selectors as { namespace: string }[]).map((s) => s.namespace),
                ]),
                [[`${stack}-karpenter-fargate`, ["karpenter", "kube-system", "kube-system"]]],
            );
            // What the cluster component makes, now registered (it was a remote component's, unseen).
            assert.deepEqual(
                labels(node(COMPONENT.Cluster).children),
                [
                    ...(stack === "prod"
                        ? [
                              `aws:iam/rolePolicy:RolePolicy ${stack}-cluster-role-secrets-encryption`,
                              `aws:kms/key:Key ${stack}-cluster-secrets`,
                              // Prod's file: HTTPS from its VPC into the cluster security group.
                              `aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule ${stack}-cluster-deployer-10.20.0.0/16`,
                          ]
                        : []),
                    `aws:ec2/tag:Tag ${stack}-cluster-security-group-discovery`,
                    `aws:eks/cluster:Cluster ${stack}-cluster-eksCluster`,
                    `aws:iam/openIdConnectProvider:OpenIdConnectProvider ${stack}-cluster-oidcProvider`,
                    `aws:iam/role:Role ${stack}-cluster-role`,
                    `aws:iam/rolePolicyAttachment:RolePolicyAttachment ${stack}-cluster-role-AmazonEKSClusterPolicy`,
                    `pulumi:providers:kubernetes ${stack}-cluster-k8s`,
                ].sort(),
            );
        });

        test("each resource shows the settings a reviewer checks", () => {
            const cluster = node("aws:eks/cluster:Cluster").settings;
            assert.equal(cluster.version, "1.35");
            assert.equal(cluster.endpoint, expected.endpoint);
            assert.deepEqual(cluster.logs, stack === "prod" ? ["api", "audit", "authenticator"] : "none");
            assert.equal(cluster["secrets encryption"], stack === "prod" ? "KMS" : "none");
            assert.equal(cluster.protect, stack === "prod" ? true : undefined);
            assert.equal(cluster.authentication, "API");
            assert.equal(cluster["self-managed add-ons"], false);
            assert.equal(cluster.support, "EXTENDED");
            assert.deepEqual(node("aws:iam/openIdConnectProvider:OpenIdConnectProvider").settings["client IDs"], ["sts.amazonaws.com"]);
            const { "values off the chart's defaults": offDefaults, ...release } = node(
                "kubernetes:helm.sh/v3:Release",
                `${stack}-karpenter`,
            ).settings;
            assert.deepEqual(release, {
                chart: "oci://public.ecr.aws/karpenter/karpenter",
                version: "1.9.0",
                namespace: "karpenter",
                // Dev's cheaper default: one replica of 250m / 768Mi; prod keeps the library's two of 1 / 1Gi.
                replicas: stack === "dev" ? 1 : 2,
                requests: stack === "dev" ? { cpu: "250m", memory: "768Mi" } : { cpu: "1", memory: "1Gi" },
                // Everything prod registers is protected (tests/stacks/protect.test.ts), and the plan says so.
                ...(stack === "prod" ? { protect: true } : {}),
            });
            assert.equal((offDefaults as Record<string, unknown>)["settings.clusterName"], `eks-karpenter-${stack}`);
            const { tags: _coreDnsTags, ...coreDns } = node("aws:eks/addon:Addon", `${stack}-addons-coredns`).settings;
            assert.deepEqual(coreDns, {
                addon: "coredns",
                version: "v1.12.2-eksbuild.4",
                replicas: expected.coreDnsReplicas,
                requests: { cpu: "100m", memory: "70Mi" },
                "compute type": "Fargate",
                ...(stack === "prod" ? { protect: true } : {}),
            });
            assert.equal(node("aws:sqs/queue:Queue").settings["retention (s)"], 300);
            assert.match(
                String(node("aws:iam/role:Role", `${stack}-controller-role`).settings.name),
                new RegExp(`^eks-karpenter-${stack}-karpenter-`),
            );
            assert.deepEqual(
                node("kubernetes:karpenter.sh/v1:NodePool", `${stack}-nodes-${expected.pools[0]}`).settings["node class"],
                "default",
            );
        });

        test("the network: one NAT gateway in dev; interface endpoints in every zone and no NAT in prod", () => {
            const endpoints = nodes("aws:ec2/vpcEndpoint:VpcEndpoint").map((n) => [n.name, n.settings.type, n.settings.zones]);
            if (stack === "dev") {
                assert.equal(nodes("aws:ec2/natGateway:NatGateway").length, 1);
                assert.equal(nodes("aws:ec2/eip:Eip").length, 1);
                assert.deepEqual(endpoints, []);
            } else {
                assert.equal(nodes("aws:ec2/natGateway:NatGateway").length, 0);
                assert.deepEqual(
                    endpoints.sort(),
                    [
                        ...INTERFACE_ENDPOINTS.map((s) => [`prod-endpoints-${s.replace(".", "-")}`, "Interface", 3]),
                        ["prod-endpoints-s3", "Gateway", undefined],
                    ].sort(),
                );
                assert.deepEqual(node("aws:ecr/pullThroughCacheRule:PullThroughCacheRule").settings, {
                    prefix: "ecr-public",
                    upstream: "public.ecr.aws",
                    protect: true,
                });
            }
        });

        test("the critical path: cluster, the one Fargate profile, Karpenter, its NodePools; no add-on waits for a node", () => {
            const steps = plan.criticalPath.steps.map((s) => [s.type, s.name, s.start, s.minutes]);
            assert.deepEqual(steps, [
                // The cluster role and its policy (0.2 min, as long as the VPC and its subnets), then the control plane.
                ["aws:iam/role:Role", `${stack}-cluster-role`, 0, 0.1],
                ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${stack}-cluster-role-AmazonEKSClusterPolicy`, 0.1, 0.1],
                ["aws:eks/cluster:Cluster", `${stack}-cluster-eksCluster`, 0.2, 10],
                ["aws:eks/fargateProfile:FargateProfile", `${stack}-karpenter-fargate`, 10.2, 3],
                ["kubernetes:helm.sh/v3:Release", `${stack}-karpenter`, 13.2, 3],
                ["kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", `${stack}-nodes-default`, 16.2, 0.05],
                // Every pool finishes at once; the first registered is named.
                // The pools also wait for the EBS CSI add-on, ACTIVE at 14.7 (its controller on the same profile).
                ["kubernetes:karpenter.sh/v1:NodePool", `${stack}-nodes-${expected.pools[0]}`, 16.25, 0.05],
            ]);
            assert.equal(plan.criticalPath.totalMinutes, 16.3);
            // Each wait is real: an input the step cannot do without, or an ordering the library asks for.
            assert.deepEqual(
                plan.criticalPath.steps.map((s) => s.waitsFor),
                [
                    undefined,
                    `input role from ${stack}-cluster-role`,
                    `dependsOn ${stack}-cluster-role-AmazonEKSClusterPolicy`,
                    `input clusterName from ${stack}-cluster-eksCluster`,
                    `dependsOn ${stack}-karpenter-fargate`,
                    `dependsOn ${stack}-karpenter`,
                    `dependsOn ${stack}-nodes-default`,
                ],
            );
            assert.deepEqual(
                plan.criticalPath.unneededWaits,
                [],
                "routes wait for their NAT gateway's ID, endpoints for nothing but the network",
            );
            // Every registered type has an estimate (the ECR pull-through cache rule too), every dependency a place.
            assert.deepEqual(plan.warnings, []);
        });

        test("CoreDNS's chain: its add-on waits for the one Fargate profile that selects its pods", () => {
            const coredns = program.resources.find((r) => r.type === "aws:eks/addon:Addon" && r.inputs.addonName === "coredns")!;
            const chain = criticalPath(closure(program, coredns)).steps.map((s) => [s.name, s.waitsFor]);
            assert.deepEqual(chain.slice(-3), [
                [`${stack}-cluster-eksCluster`, `dependsOn ${stack}-cluster-role-AmazonEKSClusterPolicy`],
                [`${stack}-karpenter-fargate`, `input clusterName from ${stack}-cluster-eksCluster`],
                [`${stack}-addons-coredns`, `dependsOn ${stack}-karpenter-fargate`],
            ]);
        });

        test("EBS CSI's chain: its add-on waits for the one Fargate profile, not for a node; the NodePools wait for it", () => {
            const ebs = program.resources.find((r) => r.type === "aws:eks/addon:Addon" && r.inputs.addonName === "aws-ebs-csi-driver")!;
            const chain = criticalPath(closure(program, ebs));
            assert.deepEqual(
                chain.steps.slice(-2).map((s) => [s.name, s.waitsFor]),
                [
                    [`${stack}-karpenter-fargate`, `input clusterName from ${stack}-cluster-eksCluster`],
                    [`${stack}-addons-aws-ebs-csi-driver`, `dependsOn ${stack}-karpenter-fargate`],
                ],
            );
            // ACTIVE at 14.7, before the release is (16.2): off the critical path, which ends at the pools.
            assert.equal(chain.totalMinutes, 14.7);
            const pool = program.resources.find((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool")!;
            assert.ok(program.dependsOn(pool, ebs));
        });

        test("the baseline cost: control plane, the Karpenter, EBS CSI and CoreDNS Fargate pods, NAT in dev, endpoints and key in prod", () => {
            const cost = costOf(plan);
            assert.equal(cost.region, "eu-west-1");
            const fixed = [
                ["EKS control plane", `${stack}-cluster-eksCluster`, 73], // $0.10/h × 730 h
                // prod: 2 × (1 vCPU × $0.04048 + 2 GB × $0.004445) × 730 h (1 CPU / 1Gi + 256 MB rounds up to 1 vCPU / 2 GB);
                // dev: 1 × (0.25 vCPU × $0.04048 + 1 GB × $0.004445) × 730 h (250m / 768Mi + 256 MB).
                ["Fargate pods", `${stack}-karpenter`, stack === "dev" ? 10.63 : 72.08],
                // The EBS CSI controller at the driver chart's requests (10m / 40Mi + 256 MB): 0.25 vCPU / 0.5 GB, two pods.
                // No EC2 node runs while no workload does: nothing of the baseline needs one.
                ["Fargate pods", `${stack}-addons-aws-ebs-csi-driver`, 18.02],
            ];
            // CoreDNS at the add-on's default requests (100m / 70Mi + 256 MB): 0.25 vCPU / 0.5 GB, $9.00965 a pod-month.
            const coreDns = ["Fargate pods", `${stack}-addons-coredns`, stack === "dev" ? 18.02 : 27.03];
            const own =
                stack === "dev"
                    ? [
                          ["NAT gateway", "dev-network-nat-0", 35.04], // $0.048/h × 730 h
                          ["Public IPv4 address", "dev-network-nat-0", 3.65], // its Elastic IP, $0.005/h × 730 h
                      ]
                    : [
                          ["KMS key", "prod-cluster-secrets", 1],
                          // $0.011 per endpoint-zone-hour × 3 zones × 730 h
                          ...INTERFACE_ENDPOINTS.map((s) => [
                              `Interface endpoint com.amazonaws.eu-west-1.${s}`,
                              `prod-endpoints-${s.replace(".", "-")}`,
                              24.09,
                          ]),
                      ];
            // Monitoring: $0.10 per alarm-month (five on the controller's log, two on the queue, two on node disks), and the
            // disk agent's four custom metrics at $0.30.
            const alarms = [
                ...CONTROLLER_LOG_ALARMS.map((a) => `log-${a.id}`),
                "queue-oldest-message",
                "queue-visible-messages",
                "disk-root",
                "disk-containerd",
            ];
            const monitoring = [
                ...alarms.map((a) => ["CloudWatch alarm", `${stack}-observability-${a}`, 0.1]),
                ["CloudWatch custom metrics (node disks)", `${stack}-observability-disk-agent`, 1.2],
            ];
            assert.deepEqual(
                cost.lines.map((l) => [l.item, l.resource.name, l.monthly]).sort(),
                [...fixed, coreDns, ...own, ...monitoring].sort(),
            );
            // dev: 158.36 + 2.10 monitoring; prod: 383.85 + 2.10 monitoring + the logs and monitoring endpoints (2 × 24.09).
            assert.equal(cost.totalMonthly, stack === "dev" ? 160.46 : 434.13);
            const notes = cost.notes.map((n) => n.slice(0, n.indexOf(":"))).sort();
            const monitoringNotes = [
                `CloudWatch Logs (${stack}-observability-fargate)`,
                ...CONTROLLER_LOG_ALARMS.map((a) => `CloudWatch metric (${stack}-observability-log-${a.id})`),
                `Cost Anomaly Detection (${stack}-observability-cost-anomaly)`,
                "DaemonSet node-disk-agent",
                `SNS (${stack}-observability-alerts)`,
            ];
            assert.deepEqual(
                notes,
                [
                    ...(stack === "dev" ? ["Saving", "SQS"] : ["CloudWatch Logs", "ECR pull-through cache (prod-image-cache)", "SQS"]),
                    ...monitoringNotes,
                ].sort(),
            );
            if (stack === "dev")
                assert.ok(
                    cost.notes.some((n) =>
                        /^Saving: dev-karpenter runs 1 × 250m CPU \/ 768Mi instead of the library's 2 × 1 \/ 1Gi: \$61\.45 a month less\. Trade-off: /.test(
                            n,
                        ),
                    ),
                );
            assert.ok(cost.assumptions.some((a) => a.startsWith("730 hours a month")));
        });

        test("the text names every section", () => {
            const text = renderText(plan);
            for (const heading of [
                "Resources",
                "Critical path of a first `pulumi up`: ~16.3 min",
                "Baseline monthly cost",
                "Guardrails: no violations.",
            ]) {
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
            /Guardrails: 1 violation\(s\)\n {2}✗ \[node-imdsv2\] kubernetes:karpenter\.k8s\.aws\/v1:EC2NodeClass dev-nodes-default: EC2NodeClass "default" metadataOptions: httpTokens is "optional" \(IMDSv1 allowed\)\. Why: /,
        );
    });

    test("with the options the program ran them with: the controller's service account follows its namespace", async () => {
        // The controller in platform: an association for karpenter/karpenter then targets pods on EC2, which is allowed.
        const program = await runProgram("prod", {
            karpenter: { spotToSpotConsolidation: false, replicas: 2, namespace: "platform" },
            podIdentityAssociations: [
                { namespace: "karpenter", serviceAccount: "karpenter", roleArn: "arn:aws:iam::123456789012:role/some-role" },
            ],
        });
        assert.deepEqual(planOf(program, "prod").violations, []);
        const withDefaults = buildPlan(
            { stack: "prod", environment: "ProdStack", region: program.region, resources: program.resources, guardrailOptions: {} },
            { date: DATE },
        );
        assert.deepEqual(
            withDefaults.violations.map((v) => v.rule),
            ["no-pod-identity-on-fargate"],
            "the defaults would take karpenter/karpenter for the controller",
        );
    });
});
