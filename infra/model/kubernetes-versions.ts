/**
 * The Kubernetes version of a cluster checked together with what runs on it: the Karpenter version (its
 * compatibility matrix) and the EKS add-on versions pinned for it. No imports beyond this layer.
 */
import { KARPENTER_VERSIONS, isKarpenterMinor, kubernetesRange, supportsKubernetes } from "./karpenter-versions";

/**
 * EKS add-ons whose versions are built per Kubernetes minor: `v1.NN.x-eksbuild.N` is the build for Kubernetes
 * 1.NN (EKS user guide, "Manage kube-proxy": one version line per Kubernetes version, never newer than the
 * control plane). A pin of another minor is a pin left behind by a Kubernetes upgrade.
 */
export const ADDONS_OF_ONE_KUBERNETES_MINOR = ["kube-proxy"] as const;

/** How the settings read where the error names them: the stack's keys, or a component's arguments. */
export interface VersionSettingNames {
    kubernetesVersion: string;
    karpenterVersion: string;
    /** The pinned version of an add-on. */
    addonVersion(addon: string): string;
}

/** A combination that cannot work: the setting to name, its value, and what is allowed. */
export interface VersionProblem {
    setting: string;
    value: string;
    allowed: string;
}

/**
 * The problems of a cluster's versions, resolved (after defaults): the Kubernetes minor against the Karpenter
 * version, then against each add-on pinned to one Kubernetes minor. Empty when they fit.
 */
export function versionProblems(
    v: { kubernetesVersion: string; karpenterVersion: string; addonVersions: Record<string, string> },
    names: VersionSettingNames,
): VersionProblem[] {
    // A malformed Kubernetes version is the cluster's to report (its format); this checks combinations.
    if (!/^1\.[0-9]+$/.test(v.kubernetesVersion)) return [];
    if (!isKarpenterMinor(v.karpenterVersion)) {
        return [{ setting: names.karpenterVersion, value: String(v.karpenterVersion), allowed: `one of ${Object.keys(KARPENTER_VERSIONS).map((m) => JSON.stringify(m)).join(", ")}` }];
    }
    const problems: VersionProblem[] = [];
    const karpenter = KARPENTER_VERSIONS[v.karpenterVersion];
    if (!supportsKubernetes(karpenter, v.kubernetesVersion)) {
        const newer = Object.values(KARPENTER_VERSIONS).filter((k) => supportsKubernetes(k, v.kubernetesVersion)).map((k) => k.minor);
        problems.push({
            setting: names.kubernetesVersion,
            value: v.kubernetesVersion,
            allowed:
                `${kubernetesRange(karpenter)} with ${names.karpenterVersion} ${JSON.stringify(v.karpenterVersion)} (Karpenter's compatibility matrix)` +
                (newer.length ? `; ${names.karpenterVersion} ${newer.map((m) => JSON.stringify(m)).join(" or ")} supports ${v.kubernetesVersion}` : ""),
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
            });
        }
    }
    return problems;
}
