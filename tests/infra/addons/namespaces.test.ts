import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { limitRangeSpec, resolveWorkloadNamespacesArgs, resourceQuotaSpec } from "../../../infra/addons/namespaces";
import { configError } from "./config-errors";

const one = (ns: Parameters<typeof resolveWorkloadNamespacesArgs>[0]["namespaces"]) =>
    resolveWorkloadNamespacesArgs({ namespaces: ns, reservedNamespaces: ["karpenter"] }).namespaces[0];

describe("LimitRange", () => {
    test("defaults: 100m CPU requested, no CPU limit, 256Mi memory requested and limited", () => {
        assert.deepEqual(limitRangeSpec(one([{ name: "team-a" }])), {
            limits: [{ type: "Container", defaultRequest: { cpu: "100m", memory: "256Mi" }, default: { memory: "256Mi" } }],
        });
    });

    test("memory request equals memory limit; a CPU limit only when asked for", () => {
        const spec = limitRangeSpec(one([{ name: "team-a", defaultCpuRequest: "250m", defaultCpuLimit: "1", defaultMemory: "1Gi" }]));
        const [limit] = spec.limits;
        assert.equal(limit.defaultRequest.memory, limit.default.memory);
        assert.deepEqual(limit, {
            type: "Container",
            defaultRequest: { cpu: "250m", memory: "1Gi" },
            default: { memory: "1Gi", cpu: "1" },
        });
    });
});

describe("ResourceQuota", () => {
    test("none unless asked for", () => {
        assert.equal(resourceQuotaSpec(one([{ name: "team-a" }])), undefined);
    });

    test("requests.cpu, requests and limits of memory, pods", () => {
        assert.deepEqual(resourceQuotaSpec(one([{ name: "team-a", quota: { cpu: "16", memory: "32Gi", pods: 200 } }])), {
            hard: { "requests.cpu": "16", "requests.memory": "32Gi", "limits.memory": "32Gi", pods: "200" },
        });
        assert.deepEqual(resourceQuotaSpec(one([{ name: "team-a", quota: { pods: 10 } }])), { hard: { pods: "10" } });
    });
});

describe("resolveWorkloadNamespacesArgs", () => {
    for (const [name, why] of [
        ["Team-A", "not a DNS-1123 label"],
        ["kube-system", "a system namespace"],
        ["default", "the default namespace"],
        ["karpenter", "reserved for the Karpenter controller"],
    ]) {
        test(`namespace ${name} is refused: ${why}`, () => {
            configError(() => one([{ name }]), "WorkloadNamespaces.namespaces[0].name");
        });
    }

    test("a namespace listed twice is refused at its second place", () => {
        configError(
            () => resolveWorkloadNamespacesArgs({ namespaces: [{ name: "a" }, { name: "a" }] }),
            "WorkloadNamespaces.namespaces[1].name",
        );
    });

    test("quantities are checked", () => {
        configError(() => one([{ name: "a", defaultMemory: "256MB" }]), "WorkloadNamespaces.namespaces[0].defaultMemory");
        configError(
            () => one([{ name: "a", defaultCpuRequest: "500m", defaultCpuLimit: "250m" }]),
            "WorkloadNamespaces.namespaces[0].defaultCpuLimit",
        );
        configError(() => one([{ name: "a", quota: { memory: "lots" } }]), "WorkloadNamespaces.namespaces[0].quota.memory");
        configError(() => one([{ name: "a", quota: { pods: 0 } }]), "WorkloadNamespaces.namespaces[0].quota.pods");
        configError(() => one([{ name: "a", quota: {} }]), "WorkloadNamespaces.namespaces[0].quota");
    });
});
