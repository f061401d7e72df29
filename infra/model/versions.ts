/**
 * Every version that changes what this library renders, in one place; Karpenter's, one table per supported
 * minor, in karpenter-versions.ts (re-exported here). Move them together with the upstream data in
 * `reference/` (the tests compare against it).
 */
export { DEFAULT_KARPENTER_VERSION, KARPENTER_VERSIONS } from "./karpenter-versions";

export const VERSIONS = {
    /** OCI repository of Karpenter's charts; `<repo>/karpenter` and `<repo>/karpenter-crd`. */
    karpenterChartRepository: "oci://public.ecr.aws/karpenter",
    /** Karpenter's public controller image; a private cluster must mirror it (see the README). */
    karpenterImageRepository: "public.ecr.aws/karpenter/controller",
    /**
     * Default EKS Kubernetes version of new clusters: in EKS standard support until 2027-03-27 (1.33 has
     * been in extended support, at six times the control-plane price, since 2026-07-29).
     */
    kubernetes: "1.35",
    /** AL2023 AMI alias version for EC2NodeClasses (`al2023@<version>`). */
    al2023AmiAlias: "al2023@v20260724",
    /** Bottlerocket AMI alias version for EC2NodeClasses. */
    bottlerocketAmiAlias: "bottlerocket@v1.49.0",
    /**
     * Windows Server 2022 AMI alias for EC2NodeClasses. Only `latest`: Karpenter's CRD refuses any other
     * version of a Windows alias (CEL rule "windows families may only specify version 'latest'").
     */
    windows2022AmiAlias: "windows2022@latest",
    /**
     * NVIDIA's device plugin chart (`nvidia-device-plugin`), installed where an AL2023 NVIDIA GPU pool exists;
     * its image is `nvcr.io/nvidia/k8s-device-plugin:v<version>` (the chart's appVersion).
     */
    nvidiaDevicePlugin: "0.20.0",
    /**
     * The device plugin's image repository (the chart's `image.repository`); its tag is `v<nvidiaDevicePlugin>`.
     * A private cluster must mirror it (see the README).
     */
    nvidiaDevicePluginImageRepository: "nvcr.io/nvidia/k8s-device-plugin",
    /** Helm repository of NVIDIA's device plugin chart. */
    nvidiaDevicePluginChartRepository: "https://nvidia.github.io/k8s-device-plugin",
    /**
     * The CloudWatch agent image of the node-disk DaemonSet (`public.ecr.aws/cloudwatch-agent/cloudwatch-agent`),
     * the tag AWS's Container Insights manifests pin.
     */
    cloudwatchAgentImage: "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300060.0b1248",
    /** API versions of the custom resources the library creates. */
    apiVersions: {
        nodePool: "karpenter.sh/v1",
        ec2NodeClass: "karpenter.k8s.aws/v1",
        flowSchema: "flowcontrol.apiserver.k8s.io/v1",
    },
} as const;
