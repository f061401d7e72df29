import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { daemonSetsTolerateDisruption, toleratesDisruption } from "../../../infra/guardrails/disruption";
import { addon, messages } from "./fixtures";

describe("toleratesDisruption", () => {
    it("accepts the key with Exists or an empty Equal value, a tolerate-all Exists, and no or the right effect", () => {
        assert.ok(toleratesDisruption({ key: "karpenter.sh/disrupted", operator: "Exists", effect: "NoSchedule" }));
        assert.ok(toleratesDisruption({ key: "karpenter.sh/disrupted", operator: "Exists" }));
        assert.ok(toleratesDisruption({ key: "karpenter.sh/disrupted", effect: "NoSchedule" }));
        assert.ok(toleratesDisruption({ operator: "Exists" }));
        assert.ok(toleratesDisruption({ key: "", operator: "Exists", effect: "NoSchedule" }));
    });

    it("refuses other keys, other effects and a non-empty value", () => {
        assert.ok(!toleratesDisruption({ key: "CriticalAddonsOnly", operator: "Exists" }));
        assert.ok(!toleratesDisruption({ operator: "Exists", effect: "NoExecute" }));
        assert.ok(!toleratesDisruption({ key: "karpenter.sh/disrupted", operator: "Equal", value: "true" }));
    });
});

describe("rule daemonsets-tolerate-disruption", () => {
    it("accepts the add-ons' defaults (EBS CSI tolerates all taints, aws-node tolerates everything)", () => {
        assert.deepEqual(messages(daemonSetsTolerateDisruption, [addon("aws-ebs-csi-driver"), addon("vpc-cni"), addon("coredns")]), []);
        assert.deepEqual(messages(daemonSetsTolerateDisruption, [addon("vpc-cni", { env: { ENABLE_PREFIX_DELEGATION: "true" } })]), []);
    });

    it("accepts EBS CSI from v1.36 with tolerateAllTaints off: its chart adds the Karpenter taints itself", () => {
        const config = { node: { tolerateAllTaints: false, tolerations: [] } };
        assert.deepEqual(messages(daemonSetsTolerateDisruption, [addon("aws-ebs-csi-driver", config, "v1.41.0-eksbuild.1")]), []);
    });

    it("refuses EBS CSI before v1.36 with tolerateAllTaints off and no matching toleration", () => {
        const config = { node: { tolerateAllTaints: false, tolerations: [{ key: "dedicated", operator: "Exists" }] } };
        const [message] = messages(daemonSetsTolerateDisruption, [addon("aws-ebs-csi-driver", config, "v1.35.0-eksbuild.1")]);
        assert.match(
            message,
            /^EKS add-on aws-ebs-csi-driver configures node\.tolerations \(or node\.tolerateAllTaints\) so that its ebs-csi-node DaemonSet, which unmounts and detaches the node's EBS volumes, does not tolerate karpenter\.sh\/disrupted:NoSchedule\. /,
        );
        assert.match(message, /Why: Karpenter taints a node it is about to disrupt with karpenter\.sh\/disrupted:NoSchedule/);
        assert.match(message, /Fix: Add \{ "key": "karpenter\.sh\/disrupted", "operator": "Exists", "effect": "NoSchedule" \}/);
        const fixed = {
            node: { tolerateAllTaints: false, tolerations: [{ key: "karpenter.sh/disrupted", operator: "Exists", effect: "NoSchedule" }] },
        };
        assert.deepEqual(messages(daemonSetsTolerateDisruption, [addon("aws-ebs-csi-driver", fixed, "v1.35.0-eksbuild.1")]), []);
    });

    it("refuses vpc-cni tolerations that replace the default without the disrupted taint", () => {
        const [message] = messages(daemonSetsTolerateDisruption, [
            addon("vpc-cni", { tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }] }),
        ]);
        assert.match(message, /^EKS add-on vpc-cni configures tolerations so that its aws-node DaemonSet, which keeps pod networking up/);
        assert.deepEqual(messages(daemonSetsTolerateDisruption, [addon("vpc-cni", { tolerations: [{ operator: "Exists" }] })]), []);
    });
});
