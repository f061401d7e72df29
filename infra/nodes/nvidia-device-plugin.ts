import type * as k8s from "@pulumi/kubernetes";
import { check } from "../errors";
import { ResourceDescription, TYPES } from "../guardrails";
import { IMAGE_TAG, IMAGE_TAG_ALLOWED, NVIDIA_REGISTRY, privateEcrRepository, unreachableFromPrivateCluster } from "../model/registry";
import { exampleEcrScope } from "../network/image";
import { VERSIONS } from "../model/versions";
import { AmiFamily, DEFAULT_AMI_FAMILY, NodeClassSettings, isWindowsFamily } from "./ec2-node-class";
import { LABELS, NodePoolSettings, OperatingSystem, nodePoolIsNvidiaGpu, resolveNodePoolArgs } from "./node-pool";

/** Namespace of the device plugin's release (the chart refuses `default`). */
export const NVIDIA_DEVICE_PLUGIN_NAMESPACE = "kube-system";

/** The device plugin's image, as the chart's `image.repository` and `image.tag`. */
export interface DevicePluginImage {
    /** Image repository, without tag or digest: a mirror such as `<account>.dkr.ecr.<region>.amazonaws.com/nvidia/k8s-device-plugin`. */
    repository: string;
    /** Image tag. @default `v<pinned chart version>` (the chart's appVersion: `v0.20.0`), as NVIDIA tags it */
    tag?: string;
}

/** The pinned image's tag: `v` and the chart's appVersion (the chart's `_helpers.tpl`). */
export const DEVICE_PLUGIN_IMAGE_TAG = `v${VERSIONS.nvidiaDevicePlugin}`;

/** The image the chart runs by default, on NVIDIA's registry (nvcr.io), on the internet. */
export const DEFAULT_DEVICE_PLUGIN_IMAGE = `${VERSIONS.nvidiaDevicePluginImageRepository}:${DEVICE_PLUGIN_IMAGE_TAG}`;

/** How the settings are named in errors of `resolveDevicePluginImage`. */
export interface DevicePluginSettingNames {
    /** The image setting (`Environment.nodes.devicePluginImage`). */
    image: string;
    /** The setting, and its value, that goes without the pools that need the plugin (`Environment.nodes.defaultPools.gpu`: `false`). */
    withoutPools: { setting: string; value: string };
}

/**
 * The device plugin's image with its defaults, spelled out (the chart then renders exactly
 * `repository:tag`), checked: its form, and that the nodes of `pools` (those that need the plugin) can
 * pull it. In a private cluster that is from a registry the VPC reaches (the controller image's rule,
 * `unreachableFromPrivateCluster`); nvcr.io is on the internet and ECR pull-through caches do not support
 * it, so the image must be mirrored: without its plugin a GPU node never reports `nvidia.com/gpu`, and
 * Karpenter never marks it initialized.
 */
export function resolveDevicePluginImage(
    privateCluster: boolean,
    region: string,
    allowedAccountIds: readonly string[],
    pools: string[],
    image: DevicePluginImage | undefined,
    names: DevicePluginSettingNames,
): Required<DevicePluginImage> {
    const repository = image?.repository ?? VERSIONS.nvidiaDevicePluginImageRepository;
    check(
        repository !== "" && !repository.includes("@") && !repository.split("/").slice(-1)[0].includes(":"),
        `${names.image}.repository`,
        repository,
        "an image repository without tag or digest (the tag goes in tag)",
    );
    const tag = image?.tag ?? DEVICE_PLUGIN_IMAGE_TAG;
    check(IMAGE_TAG.test(tag), `${names.image}.tag`, tag, IMAGE_TAG_ALLOWED);
    const why = privateCluster && pools.length > 0 ? unreachableFromPrivateCluster(repository, region, allowedAccountIds) : undefined;
    const mirror = privateEcrRepository(exampleEcrScope(region, allowedAccountIds), "nvidia/k8s-device-plugin");
    const { setting: without, value: withoutValue } = names.withoutPools;
    check(
        why === undefined,
        `${names.image}.repository`,
        image?.repository,
        `in a private cluster, a registry the VPC reaches through its ecr.dkr endpoint (the account's private ECR in the stack's region ${region}), ` +
            `for NVIDIA's device plugin, which the GPU pools ${pools.join(", ")} need: ${repository} ${why} ` +
            `(ECR pull-through caches do not support ${NVIDIA_REGISTRY}). Mirror the image into private ECR ` +
            `(create the repository nvidia/k8s-device-plugin, then \`crane copy ${DEFAULT_DEVICE_PLUGIN_IMAGE} ${mirror}:${tag}\`, ` +
            `or docker pull, docker tag and docker push) and set ${names.image} to { repository: ${mirror}, tag: ${tag} }; ` +
            `or go without the GPU pool (${without}: ${withoutValue})`,
        [names.image, without],
    );
    return { repository, tag };
}

/**
 * The pools whose nodes need NVIDIA's device plugin: NVIDIA GPU pools whose EC2NodeClass is AL2023 (its
 * accelerated AMI has the driver, not the plugin). Bottlerocket's NVIDIA variants run the plugin themselves.
 */
export function devicePluginPools(
    nodeClasses: Pick<NodeClassSettings, "name" | "amiFamily">[],
    nodePools: NodePoolSettings[],
): NodePoolSettings[] {
    const al2023 = new Set(nodeClasses.filter((c) => (c.amiFamily ?? DEFAULT_AMI_FAMILY) === AmiFamily.AL2023).map((c) => c.name));
    return nodePools.filter((p) => al2023.has(p.nodeClassName) && nodePoolIsNvidiaGpu(p));
}

/**
 * Values for NVIDIA's `nvidia-device-plugin` chart, keys as in its values.yaml. The DaemonSet runs only on
 * NVIDIA nodes of these pools: the chart's own affinity wants labels from Node Feature Discovery, which
 * this cluster does not run, so it would match no node. It tolerates the pools' taints and Karpenter's
 * `karpenter.sh/disrupted` (a plugin pod restarted on a node being drained still comes back: the pods left
 * there keep their GPUs). `linuxOnly` (with Windows nodes in the cluster): also `kubernetes.io/os In [linux]`,
 * which every Linux DaemonSet then carries (rule windows-nodes-separate).
 */
export function nvidiaDevicePluginValues(
    pools: NodePoolSettings[],
    image: Required<DevicePluginImage>,
    linuxOnly = false,
): Record<string, unknown> {
    const taints = pools.flatMap((p) => resolveNodePoolArgs(p).taints);
    const tolerations = [...taints, { key: "karpenter.sh/disrupted", effect: "NoSchedule" }]
        .map((t) => ({ key: t.key, operator: "Exists", effect: t.effect }))
        .filter((t, i, all) => all.findIndex((o) => o.key === t.key && o.effect === t.effect) === i);
    return {
        image: { repository: image.repository, tag: image.tag },
        affinity: {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [
                        {
                            matchExpressions: [
                                { key: LABELS.nodePool, operator: "In", values: pools.map((p) => p.name) },
                                { key: LABELS.gpuManufacturer, operator: "In", values: ["nvidia"] },
                                ...(linuxOnly ? [{ key: LABELS.os, operator: "In", values: [OperatingSystem.Linux] }] : []),
                            ],
                        },
                    ],
                },
            },
        },
        tolerations,
    };
}

export interface NvidiaDevicePluginArgs {
    /** A private cluster: the nodes reach only registries the VPC reaches. */
    privateCluster: boolean;
    /** The stack's region. */
    region: string;
    /** The accounts the stack may deploy to (`aws:allowedAccountIds`), naming a mirror in errors. @default [] */
    allowedAccountIds?: readonly string[];
    /** The EC2NodeClasses, resolved. */
    nodeClasses: Pick<NodeClassSettings, "name" | "amiFamily">[];
    /** The NodePools, resolved: those NVIDIA GPU pools on an AL2023 class need the plugin. */
    nodePools: NodePoolSettings[];
    /** The plugin's image. @default the chart's, `nvcr.io/nvidia/k8s-device-plugin:v<chart version>` */
    image?: DevicePluginImage;
    /** How errors name the settings. */
    names: DevicePluginSettingNames;
}

/**
 * The plugin's plan: its image checked (its form always; that the pools' nodes reach it, when pools need
 * it) and its Helm release, when some pool needs it: what the environment registers, and what the
 * guardrails check before anything is registered.
 */
export function planNvidiaDevicePlugin(name: string, args: NvidiaDevicePluginArgs) {
    const pools = devicePluginPools(args.nodeClasses, args.nodePools);
    const image = resolveDevicePluginImage(
        args.privateCluster,
        args.region,
        args.allowedAccountIds ?? [],
        pools.map((p) => p.name),
        args.image,
        args.names,
    );
    const release: ResourceDescription<k8s.helm.v3.ReleaseArgs> | undefined =
        pools.length === 0
            ? undefined
            : {
                  type: TYPES.helmRelease,
                  name,
                  inputs: {
                      name: "nvidia-device-plugin",
                      chart: "nvidia-device-plugin",
                      version: VERSIONS.nvidiaDevicePlugin,
                      repositoryOpts: { repo: VERSIONS.nvidiaDevicePluginChartRepository },
                      namespace: NVIDIA_DEVICE_PLUGIN_NAMESPACE,
                      values: nvidiaDevicePluginValues(
                          pools,
                          image,
                          args.nodeClasses.some((c) => isWindowsFamily(c.amiFamily)),
                      ),
                  },
              };
    return { settings: { image, pools }, release, descriptions: release ? [release] : [] };
}
