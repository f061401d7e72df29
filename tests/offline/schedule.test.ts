import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { minutesOf } from "../../offline/plan/catalog";
import { criticalPath } from "../../offline/plan/schedule";
import { resource } from "./fixtures";

const CLUSTER = "aws:eks/cluster:Cluster";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const ROLE = "aws:iam/role:Role";

describe("criticalPath", () => {
    test("a resource that depends on a component waits for every child of it", () => {
        const component = resource("eks-karpenter:index:Cluster", "c");
        const cluster = resource(CLUSTER, "c", { parent: component.urn });
        const tag = resource("aws:ec2/tag:Tag", "c-tag", { parent: component.urn });
        // Only the component's URN is recorded: the children are the model's own expansion.
        const release = resource(RELEASE, "karpenter", { dependsOn: [component] });
        const path = criticalPath([component, cluster, tag, release]);
        assert.deepEqual(
            path.steps.map((s) => [s.name, s.start, s.minutes]),
            [
                ["c", 0, 10],
                ["karpenter", 10, 3],
            ],
        );
        assert.equal(path.totalMinutes, 13);
        assert.match(path.steps[1].waitsFor ?? "", /dependsOn c; c finishes with its child c/);
    });

    test("a component's dependsOn holds back all its children, and the plan names the inherited wait", () => {
        const profile = resource("aws:eks/fargateProfile:FargateProfile", "fargate");
        const component = resource("eks-karpenter:index:Karpenter", "karpenter", { dependsOn: [profile] });
        const crds = resource(RELEASE, "karpenter-crd", { parent: component.urn, inputs: { chart: "oci://x/karpenter-crd" } });
        const path = criticalPath([profile, component, crds]);
        assert.deepEqual(
            path.steps.map((s) => [s.name, s.start]),
            [
                ["fargate", 0],
                ["karpenter-crd", 3],
            ],
        );
        assert.match(path.steps[1].waitsFor ?? "", /inherits the waits of its component karpenter; dependsOn fargate/);
        assert.match(path.steps[1].unneeded ?? "", /karpenter-crd waits for fargate only because its component karpenter does/);
        assert.deepEqual(
            path.unneededWaits.map((w) => [w.name, w.waitsFor.name, w.inheritedFrom?.name, w.delayMinutes]),
            [["karpenter-crd", "fargate", "karpenter", 3]],
        );
    });

    test("names a wait on the cluster by a resource that only uses the configured cluster name", () => {
        const cluster = resource(CLUSTER, "c", {
            inputs: { name: "cluster-1" },
            outputs: { name: "cluster-1", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks/id/ABC1" },
        });
        const byName = resource(ROLE, "fargate-exec", {
            inputs: {
                assumeRolePolicy: JSON.stringify({
                    Condition: { ArnLike: { "aws:SourceArn": "arn:aws:eks:eu-west-1:1:fargateprofile/cluster-1/*" } },
                }),
            },
            inputsFrom: { assumeRolePolicy: [cluster] },
        });
        const byOidc = resource(ROLE, "irsa", {
            inputs: {
                assumeRolePolicy: JSON.stringify({ Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks/id/ABC1" } }),
            },
            inputsFrom: { assumeRolePolicy: [cluster] },
        });
        const entry = resource("aws:eks/accessEntry:AccessEntry", "entry", {
            inputs: { clusterName: "cluster-1" },
            inputsFrom: { clusterName: [cluster] },
        });
        const release = resource(RELEASE, "karpenter", { dependsOn: [byName, byOidc, entry] });
        const path = criticalPath([cluster, byName, byOidc, entry, release]);
        assert.deepEqual(
            path.unneededWaits.map((w) => [w.name, w.waitsFor.name, w.inputs, w.delayMinutes, w.onCriticalPath]),
            [["fargate-exec", "c", ["assumeRolePolicy"], 10, true]],
            "the IRSA role uses the OIDC provider and the access entry lives in the cluster: both need it",
        );
        assert.equal(path.steps[1].name, "fargate-exec");
        assert.match(path.steps[1].unneeded ?? "", /fargate-exec uses none of the values c creates through assumeRolePolicy/);
    });

    test("a resource that names another by its physical ID needs it, though the ID is in no output", () => {
        // As AWS answers: the NAT gateway's state holds only its inputs; its ID `nat-…` is the resource's ID.
        const nat = resource("aws:ec2/natGateway:NatGateway", "nat-0", {
            id: "nat-0a1b2c3d4e5f60001",
            inputs: { subnetId: "subnet-1" },
            outputs: { subnetId: "subnet-1" },
        });
        const route = resource("aws:ec2/route:Route", "private-0-nat", {
            inputs: { natGatewayId: "nat-0a1b2c3d4e5f60001" },
            inputsFrom: { natGatewayId: [nat] },
        });
        const path = criticalPath([nat, route]);
        assert.deepEqual(
            path.steps.map((s) => [s.name, s.start]),
            [
                ["nat-0", 0],
                ["private-0-nat", 2],
            ],
        );
        assert.deepEqual(path.unneededWaits, []);
        // The same wait through an input that carries only a configured value is named.
        const tagged = resource("aws:ec2/route:Route", "tagged", { inputs: { tags: { nat: "nat-0" } }, inputsFrom: { tags: [nat] } });
        assert.deepEqual(
            criticalPath([nat, tagged]).unneededWaits.map((w) => [w.name, w.inputs, w.delayMinutes]),
            [["tagged", ["tags"], 2]],
        );
    });

    test("a dependency on a URN never registered is reported, not guessed at", () => {
        const cluster = resource(CLUSTER, "dev-cluster-eksCluster");
        // What a remote component's child would be: the plan no longer maps it to the component.
        const child = "urn:pulumi:test::eks-karpenter::eks:index:Cluster$aws:eks/cluster:Cluster::dev-cluster-eksCluster";
        const tag = { ...resource("aws:ec2/tag:Tag", "tag"), dependencies: [cluster.urn, child] };
        const path = criticalPath([cluster, tag]);
        assert.deepEqual(
            path.steps.map((s) => s.name),
            ["dev-cluster-eksCluster", "tag"],
        );
        assert.deepEqual(path.unresolved, [child]);
    });

    test("an add-on whose pods need an EC2 node also waits for Karpenter's first node", () => {
        const addon = (addonName: string, config?: object) =>
            resource("aws:eks/addon:Addon", addonName, { inputs: { addonName, configurationValues: config && JSON.stringify(config) } });
        assert.deepEqual(
            [addon("vpc-cni"), addon("coredns", { computeType: "Fargate" }), addon("coredns", {}), addon("aws-ebs-csi-driver")].map((a) =>
                minutesOf(a),
            ),
            // The EBS CSI controller runs on Fargate: it needs no node.
            [1.5, 1.5, 3, 1.5],
        );
    });

    test("types without an estimate are named; a cycle is an error", () => {
        assert.deepEqual(criticalPath([resource("aws:mq/broker:Broker", "mq")]).unknownTypes, ["aws:mq/broker:Broker"]);
        const a = resource(ROLE, "a");
        const b = resource(ROLE, "b", { dependsOn: [a] });
        a.dependencies = [b.urn];
        assert.throws(() => criticalPath([a, b]), /dependency cycle through aws:iam\/role:Role/);
    });
});
