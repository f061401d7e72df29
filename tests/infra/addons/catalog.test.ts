import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MANAGED_ADDONS, addonSpecs, coreDnsConfiguration, coreDnsCorefile, ebsCsiConfiguration } from "../../../infra/model/addons";
import { ClusterAddonsArgs, ReclaimPolicy, resolveClusterAddonsArgs } from "../../../infra/addons/cluster-addons";
import { configError } from "./config-errors";

const base: Omit<ClusterAddonsArgs, "fargateProfile"> = {
    clusterName: "c",
    configuredClusterName: "c",
    kubernetesVersion: "1.33",
    partition: "aws",
    region: "eu-west-1",
    accountId: "123456789012",
    dnsSuffix: "amazonaws.com",
    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X",
    oidcIssuerUrl: "oidc.eks.eu-west-1.amazonaws.com/id/X",
};

/** The server block's plugins and their bodies, from a Corefile of one server block. */
function corefilePlugins(corefile: string): Map<string, string[]> {
    const plugins = new Map<string, string[]>();
    let current: string[] | undefined;
    for (const line of corefile.split("\n").slice(1)) {
        const text = line.trim();
        if (text === "" || (text === "}" && current === undefined)) continue;
        if (text === "}") current = undefined;
        else if (current) current.push(text);
        else {
            const [name, ...rest] = text.replace(/\s*\{$/, "").split(/\s+/);
            const body = text.endsWith("{") ? [] : undefined;
            plugins.set(name, body ?? rest);
            current = body;
        }
    }
    return plugins;
}

describe("CoreDNS configuration", () => {
    test("Corefile: lameduck in the health plugin, ready for the /ready readiness probe", () => {
        const plugins = corefilePlugins(coreDnsCorefile(25));
        assert.deepEqual(plugins.get("health"), ["lameduck 25s"]);
        assert.deepEqual(plugins.get("ready"), []);
        assert.ok(plugins.has("kubernetes") && plugins.has("forward") && plugins.has("cache"), "the add-on's own plugins stay");
    });

    test("on Fargate: computeType Fargate, replicas, PDB, zone spread over CoreDNS's own pods", () => {
        const c = coreDnsConfiguration({ placement: "fargate", replicas: 3, lameduckSeconds: 30 });
        assert.equal(c.computeType, "Fargate");
        assert.equal(c.replicaCount, 3);
        assert.deepEqual(c.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
        assert.deepEqual(c.topologySpreadConstraints, [
            {
                maxSkew: 1,
                topologyKey: "topology.kubernetes.io/zone",
                whenUnsatisfiable: "ScheduleAnyway",
                labelSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
        ]);
        assert.equal(c.corefile, coreDnsCorefile(30));
    });

    test("on Karpenter: no computeType (the add-on's EC2 default)", () => {
        const c = coreDnsConfiguration({ placement: "karpenter", replicas: 2, lameduckSeconds: 30 });
        assert.equal("computeType" in c, false);
    });
});

describe("add-on catalog", () => {
    test("every managed add-on, once, each created after the add-ons it names", () => {
        const specs = addonSpecs({ placement: "fargate", replicas: 2, lameduckSeconds: 30 });
        assert.deepEqual(
            specs.map((s) => s.name),
            [...MANAGED_ADDONS],
        );
        specs.forEach((s, i) => s.after.forEach((a) => assert.ok(specs.findIndex((x) => x.name === a) < i, `${s.name} after ${a}`)));
    });

    test("EBS CSI: its node DaemonSet tolerates every taint, its controller runs on Fargate with an IRSA role, before any node", () => {
        const ebs = addonSpecs({ placement: "karpenter", replicas: 2, lameduckSeconds: 30 }).find((s) => s.name === "aws-ebs-csi-driver")!;
        assert.deepEqual(ebs.configuration, { node: { tolerateAllTaints: true } });
        assert.deepEqual(ebsCsiConfiguration(), ebs.configuration);
        assert.deepEqual(ebs.serviceAccountRole, {
            serviceAccount: "ebs-csi-controller-sa",
            managedPolicies: ["service-role/AmazonEBSCSIDriverPolicy"],
        });
        assert.deepEqual(ebs.fargateSelector, { namespace: "kube-system", labels: { app: "ebs-csi-controller" } });
        assert.equal(ebs.fargateServiceAccount, "ebs-csi-controller-sa");
        assert.equal(ebs.needsNodes, false);
        assert.equal(ebs.beforeNodes, true);
    });

    test("CoreDNS needs a node only when it runs on Karpenter; on Fargate its pods are selected instead", () => {
        const onFargate = addonSpecs({ placement: "fargate", replicas: 2, lameduckSeconds: 30 }).find((s) => s.name === "coredns")!;
        assert.equal(onFargate.needsNodes, false);
        assert.deepEqual(onFargate.fargateSelector, { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } });
        assert.equal(onFargate.fargateServiceAccount, "coredns");
        const onKarpenter = addonSpecs({ placement: "karpenter", replicas: 2, lameduckSeconds: 30 }).find((s) => s.name === "coredns")!;
        assert.equal(onKarpenter.needsNodes, true);
        assert.equal(onKarpenter.fargateSelector, undefined);
        assert.equal(onKarpenter.fargateServiceAccount, undefined);
        assert.deepEqual(onKarpenter.after, ["vpc-cni", "kube-proxy"]);
    });

    test("networking and DNS survive their add-on's deletion; nothing but the EBS CSI driver gets a role", () => {
        const specs = addonSpecs({ placement: "karpenter", replicas: 2, lameduckSeconds: 30 });
        assert.deepEqual(
            specs.filter((s) => s.preserve).map((s) => s.name),
            ["vpc-cni", "kube-proxy", "coredns"],
        );
        assert.deepEqual(
            specs.filter((s) => s.serviceAccountRole).map((s) => s.name),
            ["aws-ebs-csi-driver"],
        );
        assert.deepEqual(
            specs.filter((s) => s.beforeNodes).map((s) => s.name),
            ["aws-ebs-csi-driver"],
        );
    });
});

describe("resolveClusterAddonsArgs", () => {
    test("defaults: CoreDNS on Fargate, two replicas, 30s lameduck, gp3 deleted with its claim", () => {
        const a = resolveClusterAddonsArgs(base);
        assert.equal(a.coreDnsPlacement, "fargate");
        assert.deepEqual(a.storageClass, { name: "gp3", reclaimPolicy: "Delete" });
        assert.deepEqual(a.versions, {});
        const coredns = a.specs.find((s) => s.name === "coredns")!.configuration!;
        assert.equal(coredns.replicaCount, 2);
        assert.equal(coredns.corefile, coreDnsCorefile(30));
    });

    test("an unknown add-on name is refused, naming the setting", () => {
        const e = configError(
            () => resolveClusterAddonsArgs({ ...base, versions: { "metrics-server": "v0.7.2-eksbuild.1" } }),
            "ClusterAddons.versions",
        );
        assert.equal(e.value, "metrics-server");
        assert.match(e.allowed, /aws-ebs-csi-driver/);
    });

    test("a malformed pinned version is refused", () => {
        configError(() => resolveClusterAddonsArgs({ ...base, versions: { coredns: "1.12" } }), "ClusterAddons.versions.coredns");
    });

    for (const [field, value, setting] of [
        ["placement", "ec2", "ClusterAddons.coreDns.placement"],
        ["replicas", 1, "ClusterAddons.coreDns.replicas"],
        ["replicas", 2.5, "ClusterAddons.coreDns.replicas"],
        ["lameduck", "45s", "ClusterAddons.coreDns.lameduck"],
        ["lameduck", "5000ms", "ClusterAddons.coreDns.lameduck"],
    ] as const) {
        test(`coreDns.${field} ${JSON.stringify(value)} is refused`, () => {
            configError(() => resolveClusterAddonsArgs({ ...base, coreDns: { [field]: value } }), setting);
        });
    }

    test("storage class name and reclaim policy are checked", () => {
        configError(
            () => resolveClusterAddonsArgs({ ...base, storageClass: { reclaimPolicy: "Recycle" as ReclaimPolicy } }),
            "ClusterAddons.storageClass.reclaimPolicy",
        );
        configError(() => resolveClusterAddonsArgs({ ...base, storageClass: { name: "GP3" } }), "ClusterAddons.storageClass.name");
    });

    test("a role name for an add-on without an IAM role is refused", () => {
        configError(() => resolveClusterAddonsArgs({ ...base, roleNames: { coredns: "x" } }), "ClusterAddons.roleNames");
    });
});
