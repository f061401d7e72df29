/**
 * The Kubernetes version of a cluster checked together with what runs on it: the Karpenter version (its
 * compatibility matrix) and the EKS add-on versions pinned for it. No imports beyond this layer.
 */
import { KARPENTER_VERSIONS, KarpenterVersion, kubernetesRange, supportsKubernetes } from "./karpenter-versions";

/**
 * EKS add-ons whose versions are built per Kubernetes minor: `v1.NN.x-eksbuild.N` is the build for Kubernetes
 * 1.NN (EKS user guide, "Manage kube-proxy": one version line per Kubernetes version, never newer than the
 * control plane). A pin of another minor is a pin left behind by a Kubernetes upgrade.
 */
export const ADDONS_OF_ONE_KUBERNETES_MINOR = ["kube-proxy"] as const;

/** How the settings are named where the errors name them. */
export interface VersionSettingNames {
    kubernetesVersion: string;
    karpenterVersion: string;
    /** The pinned version of an add-on. */
    addonVersion(addon: string): string;
}

/** A combination that cannot work: the setting to name, its value, what is allowed, and the other settings it names. */
export interface VersionProblem {
    setting: string;
    value: string;
    allowed: string;
    mentions: string[];
}

/**
 * The problems of a cluster's versions, resolved (after defaults): the Kubernetes minor against the Karpenter
 * version, then against each add-on pinned to one Kubernetes minor. Empty when they fit, or when the
 * Kubernetes version is malformed (the cluster reports its format).
 */
export function versionProblems(
    v: { kubernetesVersion: string; karpenter: KarpenterVersion; addonVersions: Record<string, string> },
    names: VersionSettingNames,
): VersionProblem[] {
    if (!/^1\.[0-9]+$/.test(v.kubernetesVersion)) return [];
    const problems: VersionProblem[] = [];
    if (!supportsKubernetes(v.karpenter, v.kubernetesVersion)) {
        const others = Object.values(KARPENTER_VERSIONS)
            .filter((k) => supportsKubernetes(k, v.kubernetesVersion))
            .map((k) => JSON.stringify(k.minor));
        problems.push({
            setting: names.kubernetesVersion,
            value: v.kubernetesVersion,
            allowed:
                `${kubernetesRange(v.karpenter)} with ${names.karpenterVersion} ${JSON.stringify(v.karpenter.minor)} (Karpenter's compatibility matrix)` +
                (others.length ? `; ${names.karpenterVersion} ${others.join(" or ")} supports ${v.kubernetesVersion}` : ""),
            mentions: [names.karpenterVersion],
        });
    }
    for (const addon of ADDONS_OF_ONE_KUBERNETES_MINOR) {
        const pinned = v.addonVersions[addon];
        const minor = pinned && /^v(1\.[0-9]+)\./.exec(pinned)?.[1];
        if (minor && minor !== v.kubernetesVersion) {
            problems.push({
                setting: names.addonVersion(addon),
                value: pinned,
                allowed: `a ${addon} build for Kubernetes ${v.kubernetesVersion} (v${v.kubernetesVersion}.x-eksbuild.N), the cluster's ${names.kubernetesVersion}: EKS builds ${addon} per Kubernetes minor; unpin it or pin the new minor's build with the upgrade`,
                mentions: [names.kubernetesVersion],
            });
        }
    }
    return problems;
}
