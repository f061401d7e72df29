import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { DevStack } from "../../stacks/dev";
import { DEFAULT_KARPENTER_VERSION, KARPENTER_VERSIONS } from "../../infra/model/versions";

/** The Karpenter version a stack gets when its config names none. */
const PINNED = KARPENTER_VERSIONS[DEFAULT_KARPENTER_VERSION];
import { MANAGED_POLICY_MAX_CHARS } from "../../infra/iam/policy";
import { ACCOUNT_ID, OIDC_ID } from "../mocks";
import { Program, Registered, runProgram, valueOf } from "../harness";

const CLUSTER = "eks-karpenter-dev";
const ISSUER = `oidc.eks.eu-west-1.amazonaws.com/id/${OIDC_ID}`;
/** The private subnets dev's network creates, one per zone (the mocks' IDs). */
const PRIVATE_SUBNETS = [0, 1, 2].map((n) => `subnet-dev-network-private-${n}`);

describe("dev stack under mocks", () => {
    let p: Program;
    const json = (r: Registered, key: string) => JSON.parse(r.inputs[key]);
    before(async () => {
        p = await runProgram("dev");
    });

    test("the stack name picks the DevStack class", () => {
        assert.ok(p.stack instanceof DevStack);
    });

    test("one Environment component owns every resource through its components", () => {
        const env = p.one("eks-karpenter:index:Environment");
        assert.equal(p.byUrn(env.parent), undefined, "the Environment is the top-level component");
        const children = p
            .children(env)
            .map((c) => c.type)
            .sort();
        for (const type of [
            "eks-karpenter:index:Cluster",
            "eks-karpenter:index:InterruptionQueue",
            "eks-karpenter:index:Karpenter",
            "eks-karpenter:index:KarpenterControllerRole",
            "eks-karpenter:index:KarpenterFargateProfile",
            "eks-karpenter:index:NodeRole",
        ]) {
            assert.ok(children.includes(type), `${type} under the Environment`);
        }
        for (const r of p.resources.filter((x) => x !== env)) {
            assert.ok(p.ancestors(r).includes(env), `${r.type} ${r.name} is inside the Environment`);
        }
    });

    test("cluster: API access entries, OIDC provider, no node group, public endpoint allowed in dev", () => {
        const c = p.one("aws:eks/cluster:Cluster");
        assert.equal(c.name, "dev-cluster-eksCluster", "the name the @pulumi/eks component gave its child");
        assert.equal(c.inputs.name, CLUSTER);
        assert.equal(c.inputs.version, "1.35");
        assert.deepEqual(c.inputs.accessConfig, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true });
        assert.equal(c.inputs.bootstrapSelfManagedAddons, false, "EKS installs nothing the managed add-ons then adopt");
        assert.deepEqual(c.inputs.upgradePolicy, { supportType: "EXTENDED" });
        assert.equal(c.inputs.vpcConfig.endpointPublicAccess, true);
        assert.equal(c.inputs.vpcConfig.endpointPrivateAccess, true);
        assert.deepEqual(c.inputs.vpcConfig.publicAccessCidrs, ["0.0.0.0/0"]);
        assert.deepEqual(c.inputs.vpcConfig.subnetIds, PRIVATE_SUBNETS);
        assert.equal(c.inputs.vpcConfig.securityGroupIds, undefined, "only the EKS-managed cluster security group");
        assert.equal(c.inputs.encryptionConfig, undefined);
        assert.equal(c.inputs.deletionProtection, false);
        assert.equal(c.protect, false);
        assert.equal(p.ofType("aws:kms/key:Key").length, 0);
        assert.equal(p.ofType("aws:eks/nodeGroup:NodeGroup").length, 0);
        assert.equal(p.ofType("aws:ec2/securityGroup:SecurityGroup").length, 0);
        const role = p.one("aws:iam/role:Role", "dev-cluster-role");
        assert.equal(c.inputs.roleArn, `arn:aws:iam::${ACCOUNT_ID}:role/${role.inputs.name}`);
        assert.ok(p.dependsOn(c, p.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "dev-cluster-role-AmazonEKSClusterPolicy")));
    });

    test("the OIDC provider is the cluster's issuer, for the STS audience, and the controller role trusts it", () => {
        const oidc = p.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
        assert.equal(oidc.inputs.url, `https://${ISSUER}`);
        assert.deepEqual(oidc.inputs.clientIdLists, ["sts.amazonaws.com"]);
        assert.equal(oidc.inputs.thumbprintLists, undefined, "IAM validates EKS's issuer against its trusted CAs");
        assert.equal(oidc.outputs.arn, `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${ISSUER}`);
    });

    test("the kubeconfig names the cluster (not its ARN) and authenticates with aws eks get-token in the region", async () => {
        const kubeconfig = JSON.parse(await valueOf(p.stack.outputs.kubeconfig));
        const c = p.one("aws:eks/cluster:Cluster");
        assert.equal(kubeconfig.clusters[0].cluster.server, c.outputs.endpoint);
        assert.match(kubeconfig.clusters[0].cluster.server, /^https:\/\//);
        assert.equal(kubeconfig.clusters[0].cluster["certificate-authority-data"], c.outputs.certificateAuthority.data);
        assert.deepEqual(kubeconfig.users[0].user.exec.args, [
            "eks",
            "get-token",
            "--cluster-name",
            CLUSTER,
            "--region",
            "eu-west-1",
            "--output",
            "json",
        ]);
        assert.equal(kubeconfig.users[0].user.exec.command, "aws");
        const provider = p.one("pulumi:providers:kubernetes", "dev-cluster-k8s");
        assert.equal(provider.inputs.kubeconfig, JSON.stringify(kubeconfig));
    });

    test("the EKS-managed cluster security group carries the discovery tag", () => {
        const tag = p.one("aws:ec2/tag:Tag");
        assert.deepEqual(tag.inputs, { resourceId: "sg-0eksmanaged000001", key: "karpenter.sh/discovery", value: CLUSTER });
    });

    // Its trust (issuer, audience, the chart's service account) is checked in tests/infra/iam/irsa-trust.test.ts.
    test("controller role: one statement, trusting the cluster's OIDC provider; its name within IAM's limit", () => {
        const role = p.one("aws:iam/role:Role", "dev-controller-role");
        const statements = json(role, "assumeRolePolicy").Statement;
        assert.equal(statements.length, 1);
        assert.equal(statements[0].Principal.Federated, p.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider").outputs.arn);
        assert.ok(role.inputs.name.length <= 64 && role.inputs.name.endsWith("-karpenter-k3x9qz"), role.inputs.name);
    });

    test("controller policies: split under IAM's limit, scoped to this cluster, node role and queue", () => {
        const policies = p.ofType("aws:iam/policy:Policy");
        assert.deepEqual(
            policies.map((x) => x.name.replace("dev-controller-role-", "")),
            ["node-lifecycle", "iam-integration", "eks-integration", "resource-discovery", "interruption"],
        );
        const nodeRole = p.one("aws:iam/role:Role", "dev-node-role");
        const queue = p.one("aws:sqs/queue:Queue");
        const statements = policies.flatMap((x) => json(x, "policy").Statement);
        for (const x of policies) {
            assert.ok(x.inputs.policy.replace(/\s/g, "").length <= MANAGED_POLICY_MAX_CHARS);
        }
        const sid = (s: string) => statements.find((st: any) => st.Sid === s);
        assert.equal(sid("AllowPassingInstanceRole").Resource, `arn:aws:iam::${ACCOUNT_ID}:role/${nodeRole.inputs.name}`);
        assert.equal(sid("AllowInterruptionQueueActions").Resource, `arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:${queue.inputs.name}`);
        assert.equal(sid("AllowAPIServerEndpointDiscovery").Resource, `arn:aws:eks:eu-west-1:${ACCOUNT_ID}:cluster/${CLUSTER}`);
        assert.ok(!JSON.stringify(statements).includes("undefined"));
        const attachments = p
            .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.name.startsWith("dev-controller-role-"));
        assert.equal(attachments.length, 5);
        for (const a of attachments) assert.equal(a.inputs.role, p.one("aws:iam/role:Role", "dev-controller-role").inputs.name);
    });

    test("node role: EC2 trust, the four managed policies, an EC2_LINUX access entry", () => {
        const role = p.one("aws:iam/role:Role", "dev-node-role");
        assert.deepEqual(json(role, "assumeRolePolicy").Statement[0].Principal, { Service: "ec2.amazonaws.com" });
        const attached = p
            .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.inputs.role === role.inputs.name)
            .map((a) => a.inputs.policyArn)
            .sort();
        assert.deepEqual(attached, [
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ]);
        const entry = p.one("aws:eks/accessEntry:AccessEntry");
        assert.equal(entry.inputs.type, "EC2_LINUX");
        assert.equal(entry.inputs.clusterName, CLUSTER);
        assert.equal(entry.inputs.principalArn, `arn:aws:iam::${ACCOUNT_ID}:role/${role.inputs.name}`);
    });

    test("interruption queue: encrypted, 300 s retention, fed by the four EventBridge rules", () => {
        const queue = p.one("aws:sqs/queue:Queue");
        assert.equal(queue.inputs.messageRetentionSeconds, 300);
        assert.equal(queue.inputs.sqsManagedSseEnabled, true);
        const rules = p
            .ofType("aws:cloudwatch/eventRule:EventRule")
            .map((r) => json(r, "eventPattern")["detail-type"][0])
            .sort();
        assert.deepEqual(rules, [
            "AWS Health Event",
            "EC2 Instance Rebalance Recommendation",
            "EC2 Instance State-change Notification",
            "EC2 Spot Instance Interruption Warning",
        ]);
        for (const t of p.ofType("aws:cloudwatch/eventTarget:EventTarget")) {
            assert.equal(t.inputs.arn, `arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:${queue.inputs.name}`);
        }
    });

    test("Fargate profile selects the controller's namespace and the pod labels the chart sets", () => {
        const profile = p.one("aws:eks/fargateProfile:FargateProfile", "dev-karpenter-fargate");
        const release = p.one("kubernetes:helm.sh/v3:Release", "dev-karpenter");
        assert.equal(profile.inputs.clusterName, CLUSTER);
        assert.deepEqual(profile.inputs.selectors, [
            { namespace: "karpenter", labels: release.inputs.values.podLabels },
            { namespace: "kube-system", labels: { app: "ebs-csi-controller" } },
            { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
        ]);
        assert.equal(p.ofType("aws:eks/fargateProfile:FargateProfile").length, 1, "one profile: EKS creates one at a time per cluster");
        assert.deepEqual(profile.inputs.subnetIds, PRIVATE_SUBNETS);
        const execRole = p.one("aws:iam/role:Role", "dev-karpenter-fargate-pod-execution");
        assert.equal(profile.inputs.podExecutionRoleArn, `arn:aws:iam::${ACCOUNT_ID}:role/${execRole.inputs.name}`);
    });

    test("Karpenter: pinned charts, settings wired from the cluster, role and queue", () => {
        const release = p.one("kubernetes:helm.sh/v3:Release", "dev-karpenter");
        const crds = p.one("kubernetes:helm.sh/v3:Release", "dev-karpenter-crd");
        assert.equal(release.inputs.chart, "oci://public.ecr.aws/karpenter/karpenter");
        assert.equal(crds.inputs.chart, "oci://public.ecr.aws/karpenter/karpenter-crd");
        assert.equal(release.inputs.version, PINNED.chart);
        assert.equal(crds.inputs.version, PINNED.crdChart);
        assert.equal(release.inputs.namespace, "karpenter");
        assert.equal(release.inputs.skipCrds, true);
        const v = release.inputs.values;
        assert.equal(v.settings.clusterName, CLUSTER);
        assert.equal(v.settings.clusterEndpoint, `https://${OIDC_ID}.gr7.eu-west-1.eks.amazonaws.com`);
        assert.equal(v.settings.interruptionQueue, p.one("aws:sqs/queue:Queue").inputs.name);
        assert.equal(v.settings.featureGates.spotToSpotConsolidation, true);
        assert.equal(
            v.serviceAccount.annotations["eks.amazonaws.com/role-arn"],
            `arn:aws:iam::${ACCOUNT_ID}:role/${p.one("aws:iam/role:Role", "dev-controller-role").inputs.name}`,
        );
        assert.deepEqual(v.controller.resources.requests, v.controller.resources.limits);
        assert.deepEqual(v.controller.env, [{ name: "AWS_REGION", value: "eu-west-1" }]);
        const provider = p.one("pulumi:providers:kubernetes");
        assert.ok(release.provider.startsWith(provider.urn), "release uses the cluster's provider");
        assert.equal(p.ofType("kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema").length, 2);
    });

    test("the release waits for its Fargate profile, its role and policies, and the CRDs", () => {
        const release = p.one("kubernetes:helm.sh/v3:Release", "dev-karpenter");
        const waitsFor = (type: string, name?: string) =>
            assert.ok(p.dependsOn(release, p.one(type, name)), `release waits for ${type} ${name ?? ""}`);
        waitsFor("aws:eks/fargateProfile:FargateProfile", "dev-karpenter-fargate");
        waitsFor("aws:iam/role:Role", "dev-controller-role");
        waitsFor("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "dev-controller-role-node-lifecycle");
        waitsFor("kubernetes:helm.sh/v3:Release", "dev-karpenter-crd");
        waitsFor("aws:eks/accessEntry:AccessEntry");
        // ...and what the controller needs does not wait for Kubernetes (no cycle, no needless wait).
        const prerequisites = p.resources.filter((x) => /^aws:(iam|sqs|cloudwatch|kms)\//.test(x.type) && !x.name.startsWith("dev-addons"));
        assert.ok(prerequisites.length > 15);
        for (const r of prerequisites) {
            assert.ok(!p.dependsOn(r, release), `${r.name} does not wait for the release`);
        }
    });

    test("no Pod Identity association exists for Karpenter (it authenticates with IRSA on Fargate)", () => {
        assert.equal(p.ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation").length, 0);
    });

    test("stack outputs: cluster name, endpoint, secret kubeconfig, role ARN, node role, queue", async () => {
        const o = p.stack.outputs;
        assert.equal(await valueOf(o.clusterName), CLUSTER);
        assert.match(await valueOf(o.clusterEndpoint), /^https:\/\/.*eks\.amazonaws\.com$/);
        assert.equal(await pulumi.isSecret(o.kubeconfig), true);
        assert.equal(JSON.parse(await valueOf(o.kubeconfig)).clusters[0].cluster.server, await valueOf(o.clusterEndpoint));
        assert.match(await valueOf(o.controllerRoleArn), /^arn:aws:iam::123456789012:role\/eks-karpenter-dev-karpenter-/);
        assert.match(await valueOf(o.nodeRoleName), /^eks-karpenter-dev-karpenter-node-/);
        assert.equal(await valueOf(o.interruptionQueueName), p.one("aws:sqs/queue:Queue").inputs.name);
    });
});
