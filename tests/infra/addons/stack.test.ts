/**
 * The add-ons, workload namespaces and budget as the dev and prod stacks register them, under mocks
 * with each stack's Pulumi.<stack>.yaml config.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { Program, Registered, runProgram, valueOf } from "../../harness";
import { ADDON_VERSIONS, AwsMocks } from "../../mocks";
import { rejectsWithConfigError } from "./config-errors";

const ADDON = "aws:eks/addon:Addon";

function addon(p: Program, name: string): Registered {
    const found = p.ofType(ADDON).filter((r) => r.inputs.addonName === name);
    assert.equal(found.length, 1, `one ${name} add-on`);
    return found[0];
}

function configuration(r: Registered): any {
    return r.inputs.configurationValues === undefined ? undefined : JSON.parse(r.inputs.configurationValues);
}

function release(p: Program): Registered {
    return p.ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart?.endsWith("/karpenter"))!;
}

/** Arguments of `aws.eks.getAddonVersion`, as the last program called it. */
let versionLookups: any[] = [];
const { call } = AwsMocks.prototype;
before(() => {
    AwsMocks.prototype.call = function (args: pulumi.runtime.MockCallArgs) {
        if (args.token === "aws:eks/getAddonVersion:getAddonVersion") versionLookups.push(args.inputs);
        return call.call(this, args);
    };
});
after(() => {
    Object.assign(AwsMocks.prototype, { call });
});

for (const stack of ["dev", "prod"]) {
    describe(`${stack}: EKS add-ons`, () => {
        let p: Program;
        let lookups: any[];
        before(async () => {
            versionLookups = [];
            p = await runProgram(stack);
            lookups = versionLookups;
        });

        test("the five add-ons, each at the most recent version for the cluster's Kubernetes version", () => {
            // ClusterAddons' own; the node monitoring agent is the Observability component's (tests/stacks/observability.test.ts).
            const addons = p.ofType(ADDON).filter((r) => r.name.startsWith(`${stack}-addons-`));
            assert.deepEqual(addons.map((r) => r.inputs.addonName).sort(), [
                "aws-ebs-csi-driver",
                "coredns",
                "eks-pod-identity-agent",
                "kube-proxy",
                "vpc-cni",
            ]);
            for (const r of addons) {
                assert.equal(r.inputs.addonVersion, ADDON_VERSIONS[r.inputs.addonName], r.inputs.addonName);
                assert.equal(r.inputs.clusterName, `eks-karpenter-${stack}`);
                assert.equal(r.inputs.resolveConflictsOnCreate, "OVERWRITE");
            }
            assert.deepEqual(
                lookups.map((l) => [l.addonName, l.kubernetesVersion, l.mostRecent]).sort(),
                ["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"].map((a) => [a, "1.35", true]),
            );
        });

        test("exactly one add-on of each name on the cluster, and EKS bootstraps none of its own", () => {
            const cluster = p.one("aws:eks/cluster:Cluster");
            assert.equal(cluster.inputs.bootstrapSelfManagedAddons, false);
            const names = p.ofType(ADDON).map((r) => `${r.inputs.clusterName}/${r.inputs.addonName}`);
            assert.equal(new Set(names).size, names.length, names.join(", "));
            for (const r of p.ofType(ADDON)) assert.equal(r.inputs.clusterName, cluster.inputs.name);
        });

        test("CoreDNS on Fargate: the cluster's one profile selects kube-system's kube-dns pods, computeType Fargate", () => {
            const coredns = addon(p, "coredns");
            const config = configuration(coredns);
            assert.equal(config.computeType, "Fargate");
            assert.equal(config.replicaCount, stack === "prod" ? 3 : 2);
            assert.deepEqual(config.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
            assert.deepEqual(
                config.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.labelSelector.matchLabels]),
                [["topology.kubernetes.io/zone", { "k8s-app": "kube-dns" }]],
            );
            assert.match(config.corefile, /health \{\s+lameduck 30s\s+\}\s+ready\n/);

            const [profile, ...others] = p.ofType("aws:eks/fargateProfile:FargateProfile");
            assert.deepEqual(others, [], "one profile: a first up and a destroy each wait for one");
            assert.equal(profile.name, `${stack}-karpenter-fargate`, "the Karpenter profile's name, kept");
            assert.deepEqual(profile.inputs.selectors.slice(1), [
                { namespace: "kube-system", labels: { app: "ebs-csi-controller" } },
                { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
            ]);
            assert.ok(p.dependsOn(coredns, profile), "CoreDNS's pods are created after the profile that selects them");
        });

        test("EBS CSI: an IRSA role for its controller (on Fargate, where Pod Identity does not work), no Pod Identity association", () => {
            const ebs = addon(p, "aws-ebs-csi-driver");
            const role = p.one("aws:iam/role:Role", `${stack}-addons-aws-ebs-csi-driver`);
            assert.equal(ebs.inputs.serviceAccountRoleArn, `arn:aws:iam::123456789012:role/${role.inputs.name}`);
            const trust = JSON.parse(role.inputs.assumeRolePolicy);
            assert.deepEqual(
                trust.Statement.map((s: any) => s.Action),
                ["sts:AssumeRoleWithWebIdentity"],
            );
            const attachment = p.one(
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                `${stack}-addons-aws-ebs-csi-driver-AmazonEBSCSIDriverPolicy`,
            );
            assert.equal(attachment.inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy");
            assert.equal(attachment.inputs.role, role.inputs.name);
            assert.ok(p.dependsOn(ebs, attachment), "the role can act before the controller starts");
            // Its controller's pods on the cluster's one Fargate profile, which the add-on waits for.
            const profile = p.one("aws:eks/fargateProfile:FargateProfile");
            assert.ok(profile.inputs.selectors.some((s: any) => s.namespace === "kube-system" && s.labels?.app === "ebs-csi-controller"));
            assert.ok(p.dependsOn(ebs, profile), "its controller's pods are created after the profile that selects them");
            const associations = [
                ...p
                    .ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation")
                    .map((r) => `${r.inputs.namespace}/${r.inputs.serviceAccount}`),
                ...p
                    .ofType(ADDON)
                    .flatMap((r) => (r.inputs.podIdentityAssociations ?? []).map((a: any) => `kube-system/${a.serviceAccount}`)),
            ];
            assert.deepEqual(associations, []);
        });

        test("EBS CSI node DaemonSet tolerates every taint, karpenter.sh/disrupted:NoSchedule included", () => {
            assert.deepEqual(configuration(addon(p, "aws-ebs-csi-driver")), { node: { tolerateAllTaints: true } });
        });

        test("nothing here needs a node (CoreDNS on Fargate): no add-on waits for Karpenter", () => {
            const karpenter = release(p);
            for (const name of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "aws-ebs-csi-driver", "coredns"])
                assert.ok(!p.dependsOn(addon(p, name), karpenter), name);
            for (const name of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]) {
                assert.ok(!p.dependsOn(addon(p, name), karpenter), name);
                assert.equal(configuration(addon(p, name)), undefined, `${name} keeps its defaults`);
            }
            assert.deepEqual(
                p
                    .ofType(ADDON)
                    .filter((r) => r.inputs.preserve)
                    .map((r) => r.inputs.addonName)
                    .sort(),
                ["coredns", "kube-proxy", "vpc-cni"],
            );
        });

        // Its parameters and provisioner are checked against the driver's documentation (storage-class.test.ts).
        test("default StorageClass: the default class, named as configured, WaitForFirstConsumer, expandable, reclaimed per stack", () => {
            const sc = p.one("kubernetes:storage.k8s.io/v1:StorageClass");
            assert.equal(sc.inputs.metadata.name, "gp3");
            assert.equal(sc.inputs.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
            assert.equal(sc.inputs.volumeBindingMode, "WaitForFirstConsumer");
            assert.equal(sc.inputs.allowVolumeExpansion, true);
            assert.equal(sc.inputs.reclaimPolicy, stack === "prod" ? "Retain" : "Delete");
        });

        test("the add-on versions are a stack output", async () => {
            assert.deepEqual(await valueOf(p.stack.outputs.addonVersions), ADDON_VERSIONS);
        });
    });
}

describe("workload namespaces", () => {
    test("dev: team-a with default requests, memory request equal to its limit, and a quota", async () => {
        const p = await runProgram("dev");
        const ns = p.one("kubernetes:core/v1:Namespace", "dev-namespaces-team-a");
        const limitRange = p.one("kubernetes:core/v1:LimitRange", "dev-namespaces-team-a");
        assert.equal(limitRange.inputs.metadata.namespace, "team-a");
        assert.ok(p.dependsOn(limitRange, ns));
        const [limit] = limitRange.inputs.spec.limits;
        assert.equal(limit.type, "Container");
        assert.deepEqual(limit.defaultRequest, { cpu: "100m", memory: "256Mi" });
        assert.equal(limit.default.memory, limit.defaultRequest.memory);
        assert.equal(limit.default.cpu, undefined);
        const quota = p.one("kubernetes:core/v1:ResourceQuota", "dev-namespaces-team-a");
        assert.deepEqual(quota.inputs.spec.hard, { "requests.cpu": "16", "requests.memory": "32Gi", "limits.memory": "32Gi", pods: "200" });
        assert.deepEqual(await valueOf(p.stack.outputs.workloadNamespaces), ["team-a"]);
    });

    test("prod: labelled namespaces, a quota only where configured", async () => {
        const p = await runProgram("prod");
        assert.deepEqual(
            p
                .ofType("kubernetes:core/v1:Namespace")
                .filter((r) => r.name.startsWith("prod-namespaces-"))
                .map((r) => r.inputs.metadata.name),
            ["payments", "web"],
        );
        assert.equal(
            p.one("kubernetes:core/v1:Namespace", "prod-namespaces-payments").inputs.metadata.labels["pod-security.kubernetes.io/enforce"],
            "restricted",
        );
        assert.deepEqual(
            p.ofType("kubernetes:core/v1:LimitRange").map((r) => r.inputs.metadata.namespace),
            ["payments", "web"],
        );
        assert.deepEqual(
            p.ofType("kubernetes:core/v1:ResourceQuota").map((r) => r.inputs.metadata.namespace),
            ["payments"],
        );
    });

    test("none configured: no namespace, no LimitRange", async () => {
        const p = await runProgram("dev", { addons: { coreDns: { placement: "fargate" } } });
        assert.equal(p.ofType("kubernetes:core/v1:LimitRange").length, 0);
        assert.deepEqual(await valueOf(p.stack.outputs.workloadNamespaces), []);
    });
});

describe("cost budget", () => {
    test("dev: monthly USD budget, notified at 80% actual and 100% forecast by e-mail", async () => {
        const p = await runProgram("dev");
        const budget = p.one("aws:budgets/budget:Budget");
        assert.equal(budget.inputs.name, "eks-karpenter-dev-monthly-cost");
        assert.deepEqual(
            [budget.inputs.budgetType, budget.inputs.timeUnit, budget.inputs.limitAmount, budget.inputs.limitUnit],
            ["COST", "MONTHLY", "500.00", "USD"],
        );
        assert.deepEqual(
            budget.inputs.notifications.map((n: any) => [
                n.notificationType,
                n.threshold,
                n.thresholdType,
                n.comparisonOperator,
                n.subscriberEmailAddresses,
            ]),
            [
                ["ACTUAL", 80, "PERCENTAGE", "GREATER_THAN", ["platform-team@example.com"]],
                ["FORECASTED", 100, "PERCENTAGE", "GREATER_THAN", ["platform-team@example.com"]],
            ],
        );
        assert.equal(budget.inputs.tags.environment, "dev");
        assert.equal(await valueOf(p.stack.outputs.budgetName), "eks-karpenter-dev-monthly-cost");
    });

    test("prod: four thresholds to two addresses and an SNS topic", async () => {
        const p = await runProgram("prod");
        const notifications: any[] = p.one("aws:budgets/budget:Budget").inputs.notifications;
        assert.deepEqual(
            notifications.map((n) => `${n.notificationType} ${n.threshold}`),
            ["ACTUAL 50", "ACTUAL 80", "ACTUAL 100", "FORECASTED 100"],
        );
        for (const n of notifications) {
            assert.deepEqual(n.subscriberEmailAddresses, ["platform-team@example.com", "finops@example.com"]);
            assert.deepEqual(n.subscriberSnsTopicArns, ["arn:aws:sns:eu-west-1:123456789012:prod-cost-alerts"]);
        }
    });

    test("scoped to a cost allocation tag when configured", async () => {
        const p = await runProgram("dev", {
            budget: { limitAmount: 300, emailAddresses: ["a@example.com"], costAllocationTags: { environment: "dev" } },
        });
        assert.deepEqual(p.one("aws:budgets/budget:Budget").inputs.costFilters, [
            { name: "TagKeyValue", values: ["user:environment$dev"] },
        ]);
    });

    test("no budget configured: none created", async () => {
        const p = await runProgram("dev", { budget: null });
        assert.equal(p.ofType("aws:budgets/budget:Budget").length, 0);
        assert.equal(await valueOf(p.stack.outputs.budgetName), undefined);
    });
});

describe("config choices", () => {
    test("a pinned version is used as is, the others still resolved", async () => {
        versionLookups = [];
        const p = await runProgram("prod", { addons: { versions: { coredns: "v1.11.4-eksbuild.24" } } });
        assert.equal(addon(p, "coredns").inputs.addonVersion, "v1.11.4-eksbuild.24");
        assert.deepEqual(versionLookups.map((l) => l.addonName).sort(), [
            "aws-ebs-csi-driver",
            "eks-pod-identity-agent",
            "kube-proxy",
            "vpc-cni",
        ]);
        assert.equal(addon(p, "vpc-cni").inputs.addonVersion, ADDON_VERSIONS["vpc-cni"]);
    });

    test("CoreDNS on Karpenter: not selected by the Fargate profile, no computeType, created after Karpenter", async () => {
        const p = await runProgram("dev", { addons: { coreDns: { placement: "karpenter", lameduck: "20s" } } });
        const coredns = addon(p, "coredns");
        // The profile selects Karpenter's and the EBS CSI controller's pods, not CoreDNS's.
        assert.deepEqual(
            p.one("aws:eks/fargateProfile:FargateProfile").inputs.selectors.map((s: any) => [s.namespace, s.labels]),
            [
                ["karpenter", { "eks-karpenter.io/compute": "fargate" }],
                ["kube-system", { app: "ebs-csi-controller" }],
            ],
        );
        assert.equal(configuration(coredns).computeType, undefined);
        assert.match(configuration(coredns).corefile, /lameduck 20s/);
        assert.ok(p.dependsOn(coredns, release(p)));
        assert.ok(p.dependsOn(coredns, addon(p, "vpc-cni")));
    });

    test("prod volumes can be set back to Delete", async () => {
        const p = await runProgram("prod", { addons: { storageClass: { reclaimPolicy: "Delete" } } });
        assert.equal(p.one("kubernetes:storage.k8s.io/v1:StorageClass").inputs.reclaimPolicy, "Delete");
    });
});

describe("bad config fails before anything is created, naming the setting", () => {
    const budget = { limitAmount: 500, emailAddresses: ["platform-team@example.com"] };
    for (const [what, overrides, setting] of [
        [
            "threshold above 1000%",
            { budget: { ...budget, notifications: [{ threshold: 1001, type: "ACTUAL" }] } },
            "eks-karpenter:budget.notifications[0].threshold",
        ],
        [
            "threshold below 1%",
            { budget: { ...budget, notifications: [{ threshold: 0.5 }] } },
            "eks-karpenter:budget.notifications[0].threshold",
        ],
        [
            "malformed e-mail",
            { budget: { ...budget, emailAddresses: ["platform-team.example.com"] } },
            "eks-karpenter:budget.emailAddresses[0]",
        ],
        ["unknown add-on", { addons: { versions: { "metrics-server": "v0.7.2-eksbuild.1" } } }, "eks-karpenter:addons.versions"],
        ["unknown CoreDNS placement", { addons: { coreDns: { placement: "nodegroup" } } }, "eks-karpenter:addons.coreDns.placement"],
        ["unknown addons key", { addons: { coredns: {} } }, "eks-karpenter:addons.coredns"],
        ["budget without a limit", { budget: { emailAddresses: ["a@example.com"] } }, "eks-karpenter:budget.limitAmount"],
        [
            "a workload namespace named after Karpenter's",
            { addons: { namespaces: [{ name: "karpenter" }] } },
            "eks-karpenter:addons.namespaces[0].name",
        ],
    ] as const) {
        test(what, async () => {
            await rejectsWithConfigError(runProgram("dev", overrides as Record<string, unknown>), setting);
        });
    }
});
