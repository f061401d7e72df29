/**
 * Every version that changes what this library renders, in one place.
 * Move them together with the upstream data in `reference/` (the tests compare against it).
 */
export const VERSIONS = {
    /** Karpenter chart and controller (`karpenter` and `karpenter-crd` charts share it). */
    karpenter: "1.9.0",
    /** OCI repository of Karpenter's charts; `<repo>/karpenter` and `<repo>/karpenter-crd`. */
    karpenterChartRepository: "oci://public.ecr.aws/karpenter",
    /** Karpenter's public controller image; a private cluster must mirror it (see the README). */
    karpenterImageRepository: "public.ecr.aws/karpenter/controller",
    /** Digest of the pinned controller image (the chart's values.yaml), kept when the image is mirrored. */
    karpenterImageDigest: "sha256:30a506c64fbb1d8026cbfd9a1d662be3ab6e33a7999290a104085d78b49a69d7",
    /**
     * Default EKS Kubernetes version of new clusters: in EKS standard support until 2027-03-27 (1.33 has
     * been in extended support, at six times the control-plane price, since 2026-07-29).
     */
    kubernetes: "1.35",
    /** Kubernetes minor versions the pinned Karpenter supports (its compatibility matrix: 1.29 to 1.35). */
    karpenterKubernetesMinors: { min: 29, max: 35 },
    /** AL2023 AMI alias version for EC2NodeClasses (`al2023@<version>`). */
    al2023AmiAlias: "al2023@v20260724",
    /** Bottlerocket AMI alias version for EC2NodeClasses. */
    bottlerocketAmiAlias: "bottlerocket@v1.49.0",
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
    /** API versions of the custom resources the library creates. */
    apiVersions: {
        nodePool: "karpenter.sh/v1",
        ec2NodeClass: "karpenter.k8s.aws/v1",
        flowSchema: "flowcontrol.apiserver.k8s.io/v1",
    },
} as const;
