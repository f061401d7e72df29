/**
 * `eks-karpenter:karpenter.version` picks a row of the version table, and everything version-dependent follows:
 * charts, image, controller policies, interruption rules. The Kubernetes version is checked with it and with
 * the add-on pins, naming the stack's keys, before anything is registered.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { KARPENTER_VERSIONS } from "../../infra/model/karpenter-versions";
import { Program, runProgram } from "../harness";
import { failure } from "./failure";
import { ec2NodeClassErrors, nodePoolErrors } from "../infra/nodes/crds";

const sids = (p: Program) =>
    p
        .ofType("aws:iam/policy:Policy")
        .flatMap((r) => JSON.parse(r.inputs.policy).Statement.map((s: { Sid: string }) => `${r.name}: ${s.Sid}`))
        .sort();

describe("karpenter.version", () => {
    let v19: Program;
    let v114: Program;
    before(async () => {
        v19 = await runProgram("prod");
        v114 = await runProgram("prod", { karpenter: { version: "1.14" } });
    });

    test("1.14 installs its charts and its controller image, 1.9 (the default) its own", () => {
        for (const [p, v] of [
            [v19, KARPENTER_VERSIONS["1.9"]],
            [v114, KARPENTER_VERSIONS["1.14"]],
        ] as const) {
            assert.equal(p.one("kubernetes:helm.sh/v3:Release", "prod-karpenter").inputs.version, v.chart);
            assert.equal(p.one("kubernetes:helm.sh/v3:Release", "prod-karpenter-crd").inputs.version, v.crdChart);
            // prod pulls through its cache: the chart's tag and digest stay verified.
            const image = p.one("kubernetes:helm.sh/v3:Release", "prod-karpenter").inputs.values.controller.image;
            assert.deepEqual([image.tag, image.digest], [v.image.tag, v.image.digest]);
        }
    });

    test("1.14's controller role gets its reference's sixth policy and statement; 1.9's has none of it", () => {
        const added = sids(v114).filter((s) => !sids(v19).includes(s));
        assert.deepEqual(added, ["prod-controller-role-zonal-shift: AllowZonalShiftStatusReadOnly"]);
        assert.equal(
            v114.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length,
            v19.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length + 1,
        );
    });

    test("1.14 feeds the queue Capacity Reservation interruption warnings too", () => {
        const events = (p: Program) =>
            p.ofType("aws:cloudwatch/eventRule:EventRule").map((r) => JSON.parse(r.inputs.eventPattern)["detail-type"][0]);
        assert.deepEqual(
            events(v114).filter((e) => !events(v19).includes(e)),
            ["EC2 Capacity Reservation Instance Interruption Warning"],
        );
        assert.equal(v114.ofType("aws:cloudwatch/eventTarget:EventTarget").length, events(v114).length);
    });
});

describe("the rendered node classes and pools pass each version's own CRDs (schema and CEL)", () => {
    for (const minor of Object.keys(KARPENTER_VERSIONS)) {
        test(`Karpenter ${minor}`, async () => {
            const p = await runProgram("prod", { karpenter: { version: minor } });
            const folder = `karpenter-${minor}/crds`;
            const pools = p.ofType("kubernetes:karpenter.sh/v1:NodePool");
            assert.ok(pools.length > 0);
            for (const r of pools) assert.deepEqual(nodePoolErrors(r.inputs, folder), [], r.name);
            for (const r of p.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"))
                assert.deepEqual(ec2NodeClassErrors(r.inputs, folder), [], r.name);
        });
    }

    test("negative control: 1.14's Balanced consolidation passes 1.14's CRD and not 1.9's", async () => {
        const pool = (await runProgram("prod")).ofType("kubernetes:karpenter.sh/v1:NodePool")[0].inputs;
        const balanced = { ...pool, spec: { ...pool.spec, disruption: { ...pool.spec.disruption, consolidationPolicy: "Balanced" } } };
        assert.deepEqual(nodePoolErrors(balanced, "karpenter-1.14/crds"), []);
        assert.notDeepEqual(nodePoolErrors(balanced, "karpenter-1.9/crds"), []);
    });
});

describe("Kubernetes and Karpenter versions checked together", () => {
    test("Kubernetes 1.36 with Karpenter 1.9 is refused naming both keys and the version that supports it", async () => {
        const message = await failure("prod", { kubernetesVersion: "1.36" });
        assert.match(
            message,
            /^eks-karpenter:kubernetesVersion: "1\.36" is not valid; 1\.26 to 1\.35 with eks-karpenter:karpenter\.version "1\.9" \(Karpenter's compatibility matrix\); eks-karpenter:karpenter\.version "1\.14" supports 1\.36$/,
        );
    });

    test("negative control: Kubernetes 1.36 with Karpenter 1.14 plans", async () => {
        const p = await runProgram("prod", { kubernetesVersion: "1.36", karpenter: { version: "1.14" } });
        assert.equal(p.one("aws:eks/cluster:Cluster").inputs.version, "1.36");
    });

    test("an unsupported Karpenter version is refused with the supported ones", async () => {
        assert.match(
            await failure("dev", { karpenter: { version: "1.10" } }),
            /^eks-karpenter:karpenter\.version: "1\.10" is not valid; one of "1\.9", "1\.14"$/,
        );
    });

    test("a kube-proxy pin of another Kubernetes minor is refused; one of the cluster's minor plans", async () => {
        const message = await failure("prod", { addons: { versions: { "kube-proxy": "v1.34.1-eksbuild.2" } } });
        assert.match(
            message,
            /^eks-karpenter:addons\.versions\.kube-proxy: "v1\.34\.1-eksbuild\.2" is not valid; a kube-proxy build for Kubernetes 1\.35 \(v1\.35\.x-eksbuild\.N\), the cluster's eks-karpenter:kubernetesVersion/,
        );
        const p = await runProgram("prod", { addons: { versions: { "kube-proxy": "v1.35.0-eksbuild.2" } } });
        assert.equal(
            p.ofType("aws:eks/addon:Addon").find((a) => a.inputs.addonName === "kube-proxy")?.inputs.addonVersion,
            "v1.35.0-eksbuild.2",
        );
    });
});
