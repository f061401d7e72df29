import type * as k8s from "@pulumi/kubernetes";
import { ResourceDescription, TYPES } from "../guardrails";
import { VERSIONS } from "../versions";
import { AmiFamily, EC2NodeClassArgs, resolveEC2NodeClassArgs } from "./ec2-node-class";
import { LABELS, NodePoolSettings, nodePoolIsNvidiaGpu, resolveNodePoolArgs } from "./node-pool";

/** Namespace of the device plugin's release (the chart refuses `default`). */
export const NVIDIA_DEVICE_PLUGIN_NAMESPACE = "kube-system";

/**
 * The pools whose nodes need NVIDIA's device plugin: NVIDIA GPU pools whose EC2NodeClass is AL2023 (its
 * accelerated AMI has the driver, not the plugin). Bottlerocket's NVIDIA variants run the plugin themselves.
 */
export function devicePluginPools(nodeClasses: EC2NodeClassArgs[], nodePools: NodePoolSettings[]): NodePoolSettings[] {
    const al2023 = new Set(nodeClasses.filter((c) => resolveEC2NodeClassArgs(c).amiFamily === AmiFamily.AL2023).map((c) => c.name));
    return nodePools.filter((p) => al2023.has(p.nodeClassName) && nodePoolIsNvidiaGpu(p));
}

/**
 * Values for NVIDIA's `nvidia-device-plugin` chart, keys as in its values.yaml. The DaemonSet runs only on
 * NVIDIA nodes of these pools: the chart's own affinity wants labels from Node Feature Discovery, which
 * this cluster does not run, so it would match no node. It tolerates the pools' taints and Karpenter's
 * `karpenter.sh/disrupted` (a plugin pod restarted on a node being drained still comes back: the pods left
 * there keep their GPUs).
 */
export function nvidiaDevicePluginValues(pools: NodePoolSettings[]): Record<string, unknown> {
    const taints = pools.flatMap((p) => resolveNodePoolArgs(p).taints);
    const tolerations = [...taints, { key: "karpenter.sh/disrupted", effect: "NoSchedule" }]
        .map((t) => ({ key: t.key, operator: "Exists", effect: t.effect }))
        .filter((t, i, all) => all.findIndex((o) => o.key === t.key && o.effect === t.effect) === i);
    return {
        affinity: {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [
                        {
                            matchExpressions: [
                                { key: LABELS.nodePool, operator: "In", values: pools.map((p) => p.name) },
                                { key: LABELS.gpuManufacturer, operator: "In", values: ["nvidia"] },
                            ],
                        },
                    ],
                },
            },
        },
        tolerations,
    };
}

/**
 * NVIDIA's device plugin release, when some AL2023 NVIDIA GPU pool exists (else undefined). Without it a
 * GPU node never advertises `nvidia.com/gpu` and Karpenter never marks it initialized.
 */
export function describeNvidiaDevicePlugin(
    name: string,
    nodeClasses: EC2NodeClassArgs[],
    nodePools: NodePoolSettings[],
): ResourceDescription<k8s.helm.v3.ReleaseArgs> | undefined {
    const pools = devicePluginPools(nodeClasses, nodePools);
    if (pools.length === 0) return undefined;
    return {
        type: TYPES.helmRelease,
        name,
        inputs: {
            name: "nvidia-device-plugin",
            chart: "nvidia-device-plugin",
            version: VERSIONS.nvidiaDevicePlugin,
            repositoryOpts: { repo: VERSIONS.nvidiaDevicePluginChartRepository },
            namespace: NVIDIA_DEVICE_PLUGIN_NAMESPACE,
            values: nvidiaDevicePluginValues(pools),
        },
    };
}
