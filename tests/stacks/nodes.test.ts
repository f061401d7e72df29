import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ec2NodeClassErrors, nodePoolErrors } from "../infra/nodes/crds";
import { Program, runProgram, valueOf } from "../harness";

for (const stack of ["dev", "prod"]) {
    describe(`${stack}: Karpenter's node classes and pools`, () => {
        let p: Program;
        before(async () => {
            p = await runProgram(stack);
        });

        test("every EC2NodeClass and NodePool the stack creates is valid against Karpenter's CRDs", async () => {
            const classes = p.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass");
            const pools = p.ofType("kubernetes:karpenter.sh/v1:NodePool");
            assert.ok(classes.length >= 1 && pools.length >= 2);
            for (const c of classes) assert.deepEqual(ec2NodeClassErrors(c.inputs), [], c.name);
            for (const np of pools) assert.deepEqual(nodePoolErrors(np.inputs), [], np.name);
        });

        test("node classes use the node role (prod, private: its instance profile) and this cluster's discovery tag", async () => {
            const role = p.one("aws:iam/role:Role", `${stack}-node-role`).inputs.name;
            for (const c of p.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")) {
                if (stack === "prod") {
                    assert.equal(c.inputs.spec.role, undefined);
                    assert.equal(c.inputs.spec.instanceProfile, p.one("aws:iam/instanceProfile:InstanceProfile").inputs.name);
                    assert.equal(p.one("aws:iam/instanceProfile:InstanceProfile").inputs.role, role);
                } else {
                    assert.equal(c.inputs.spec.role, role);
                }
                const discovery = { tags: { "karpenter.sh/discovery": `eks-karpenter-${stack}` } };
                assert.deepEqual(c.inputs.spec.subnetSelectorTerms, [discovery]);
                assert.deepEqual(c.inputs.spec.securityGroupSelectorTerms, [discovery]);
            }
        });

        test("pools and classes go before the controller on deletion (they depend on the release)", async () => {
            const release = p.one("kubernetes:helm.sh/v3:Release", `${stack}-karpenter`);
            const crds = p.one("kubernetes:helm.sh/v3:Release", `${stack}-karpenter-crd`);
            const objects = [
                ...p.ofType("kubernetes:karpenter.sh/v1:NodePool"),
                ...p.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"),
            ];
            for (const o of objects) {
                assert.ok(p.dependsOn(o, release), `${o.name} depends on the release`);
                assert.ok(p.dependsOn(o, crds), `${o.name} depends on the CRDs`);
                assert.ok(o.provider.startsWith(p.one("pulumi:providers:kubernetes").urn), `${o.name} uses the cluster's provider`);
            }
        });

        test("every NodePool and EC2NodeClass waits for the EBS CSI driver, never the reverse: a destroy drains every node before the driver goes", async () => {
            const ebs = p.one("aws:eks/addon:Addon", `${stack}-addons-aws-ebs-csi-driver`);
            const nodes = [...p.ofType("kubernetes:karpenter.sh/v1:NodePool"), ...p.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")];
            assert.ok(nodes.length >= 3);
            for (const n of nodes) {
                assert.ok(p.dependsOn(n, ebs), `${n.name} waits for the EBS CSI driver`);
                assert.ok(!p.dependsOn(ebs, n), `the EBS CSI driver does not wait for ${n.name}`);
            }
            // It can be ACTIVE before any node: its controller runs on Fargate with IRSA, selected by the cluster's
            // one Fargate profile (EKS creates one profile at a time per cluster, so a first up waits for one).
            const [profile, ...others] = p.ofType("aws:eks/fargateProfile:FargateProfile");
            assert.deepEqual(others, []);
            assert.deepEqual(
                profile.inputs.selectors.filter((s: { namespace: string }) => s.namespace === "kube-system" && "app" in (s as any).labels),
                [{ namespace: "kube-system", labels: { app: "ebs-csi-controller" } }],
            );
            assert.ok(p.dependsOn(ebs, profile));
            assert.ok(!p.dependsOn(ebs, p.one("kubernetes:helm.sh/v3:Release", `${stack}-karpenter`)));
        });

        test("every NodePool ends a stuck drain: terminationGracePeriod 48h by default", async () => {
            for (const np of p.ofType("kubernetes:karpenter.sh/v1:NodePool"))
                assert.equal(np.inputs.spec.template.spec.terminationGracePeriod, "48h", np.name);
        });

        test("the NodePools' limits are a stack output, summed", async () => {
            const limits = await valueOf(p.stack.outputs.nodePoolLimits);
            const pools = p.ofType("kubernetes:karpenter.sh/v1:NodePool");
            assert.deepEqual(Object.keys(limits.pools).sort(), pools.map((np) => np.inputs.metadata.name).sort());
            for (const np of pools) {
                assert.equal(limits.pools[np.inputs.metadata.name].cpu, np.inputs.spec.limits.cpu);
            }
            const cpu = pools.reduce((sum, np) => sum + Number(np.inputs.spec.limits.cpu), 0);
            assert.equal(limits.total.cpu, String(cpu));
        });
    });
}

describe("node settings from config", () => {
    test("prod splits Spot and On-Demand 70/30 over the capacity-spread label", async () => {
        const p = await runProgram("prod");
        const spread = (name: string) =>
            p
                .one("kubernetes:karpenter.sh/v1:NodePool", name)
                .inputs.spec.template.spec.requirements.find((r: any) => r.key === "capacity-spread").values;
        assert.equal(spread("prod-nodes-arm64").length, 7);
        assert.equal(spread("prod-nodes-arm64-on-demand").length, 3);
    });

    test("the data volume's figures reach the EC2NodeClass", async () => {
        const p = await runProgram("dev", { nodes: { dataVolume: { sizeGiB: 300, iops: 6000, throughputMiBps: 400 } } });
        const mapping = p
            .one("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")
            .inputs.spec.blockDeviceMappings.find((m: any) => m.deviceName === "/dev/xvdb");
        assert.deepEqual(
            { size: mapping.ebs.volumeSize, iops: mapping.ebs.iops, throughput: mapping.ebs.throughput, encrypted: mapping.ebs.encrypted },
            { size: "300Gi", iops: 6000, throughput: 400, encrypted: true },
        );
    });

    test("bad volume figures fail the preview, naming the field", async () => {
        await assert.rejects(
            runProgram("dev", { nodes: { dataVolume: { sizeGiB: 30, iops: 16001 } } }),
            /dataVolume\.iops: 16001 is not valid/,
        );
        await assert.rejects(runProgram("dev", { nodes: { spotPercent: 75 } }), /spotPercent: 75 is not valid/);
        await assert.rejects(
            runProgram("dev", { nodes: { amiFamily: "Ubuntu" } }),
            /eks-karpenter:nodes\.amiFamily: "Ubuntu" is not valid; Invalid enum value. Expected 'AL2023' \| 'Bottlerocket'/,
        );
    });
});
