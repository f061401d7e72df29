import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { check } from "../errors";
import { irsaTrustPolicy } from "../iam/irsa";
import { ResourceDescription } from "../guardrails/types";
import { DNS1123_SUBDOMAIN } from "../model/names";
import { TYPES } from "../model/tokens";
import { knownAfterDeployment } from "../plan";
import { AwsScopeArgs, managedPolicyArn } from "../iam/policy";
import {
    ADDON_NAMESPACE,
    COREDNS_MAX_LAMEDUCK_SECONDS,
    CoreDnsPlacement,
    MANAGED_ADDONS,
    ManagedAddonName,
    addonServiceAccounts,
    addonSpecs,
    isManagedAddon,
} from "../model/addons";

/** CoreDNS's placement, replicas and lameduck. */
export interface CoreDnsOptions {
    /**
     * Where CoreDNS runs: Fargate (a Fargate profile for its pods, so DNS works before the first Karpenter
     * node and never moves with consolidation) or Karpenter (on Karpenter's nodes; cheaper, but the add-on is
     * created only after NodePools exist). See the README's add-ons section.
     * @default CoreDnsPlacement.Fargate
     */
    placement?: CoreDnsPlacement;
    /** Replicas, spread across zones, at most one unavailable at a time. @default 2 (2–10) */
    replicas?: number;
    /**
     * How long a terminating replica keeps answering (`health { lameduck }`), so nodes stop sending it
     * queries before it exits. At most 30s, the pod's termination grace period.
     * @default "30s"
     */
    lameduck?: string;
}

/** What happens to a volume when its claim is deleted. */
export enum ReclaimPolicy {
    /** The volume is deleted with its claim. */
    Delete = "Delete",
    /** The volume outlives its claim (and is deleted by hand). */
    Retain = "Retain",
}

/** The cluster's default StorageClass. */
export interface StorageClassOptions {
    /** Name of the default StorageClass (gp3, encrypted, created when a pod first uses the claim). @default "gp3" */
    name?: string;
    /** What happens to a volume when its claim is deleted. @default ReclaimPolicy.Delete */
    reclaimPolicy?: ReclaimPolicy;
}

/** The add-on choices an environment passes through: versions, CoreDNS and the default StorageClass. */
export interface AddonSettings {
    /**
     * Add-on versions to pin, by add-on name (`coredns: v1.12.1-eksbuild.2`). Pin them in production:
     * an unpinned add-on moves to a newer version on the `pulumi up` after AWS publishes one.
     * @default {} (each add-on at its most recent version for the cluster's Kubernetes version)
     */
    versions?: Record<string, string>;
    /** CoreDNS placement, replicas and lameduck. @default { placement: Fargate, replicas: 2, lameduck: "30s" } */
    coreDns?: CoreDnsOptions;
    /** The cluster's default StorageClass. @default { name: "gp3", reclaimPolicy: Delete } */
    storageClass?: StorageClassOptions;
}

/** `AwsScopeArgs`: the account, region and partition, for managed policy ARNs and the Pod Identity roles' trust. */
export interface ClusterAddonsArgs extends AddonSettings, AwsScopeArgs {
    /** Name of the EKS cluster. */
    clusterName: pulumi.Input<string>;
    /**
     * The physical cluster name as configured, a plain string: it scopes the Pod Identity roles' trust,
     * so the roles are created alongside the cluster instead of after it.
     */
    configuredClusterName: string;
    /** Kubernetes minor version of the cluster; an add-on not pinned resolves to its most recent version for it. */
    kubernetesVersion: string;
    /** ARN of the cluster's IAM OIDC provider, which the add-ons' IRSA roles trust. */
    oidcProviderArn: pulumi.Input<string>;
    /** Issuer URL of the cluster's OIDC provider (with or without `https://`). */
    oidcIssuerUrl: pulumi.Input<string>;
    /** Physical names of the add-ons' IRSA roles, by add-on name. @default {} (Pulumi names them) */
    roleNames?: Record<string, pulumi.Input<string>>;
    /**
     * What must run before pods can be scheduled on EC2 nodes (the Karpenter release, its NodePools and
     * EC2NodeClasses): the add-ons whose pods need a node wait for it, and only they (CoreDNS on Karpenter).
     * EKS reports an add-on DEGRADED until its pods run and creating one waits for ACTIVE. A promise serves
     * for NodePools created after this component (they wait for `beforeNodes`). @default []
     */
    nodesReady?: pulumi.Input<pulumi.Resource>[];
    /**
     * The cluster's Fargate profile, which selects the pods of the add-ons placed on Fargate (the EBS CSI
     * controller, CoreDNS there; each spec's `fargateSelector`): those add-ons are created after it, since
     * Fargate runs only pods created after a profile selects them.
     */
    fargateProfile: pulumi.Input<pulumi.Resource>;
    /** Some nodes run Windows: the VPC CNI add-on turns on Windows IPAM (`enableWindowsIpam`). @default false */
    windowsNodes?: boolean;
    /** Tags for every AWS resource created here. @default {} */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const ADDON_VERSION = /^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$/;

/** Args with defaults applied and every value checked; throws ConfigError naming the setting. */
export function resolveClusterAddonsArgs<T extends ClusterAddonsPlanArgs>(args: T) {
    const versions = args.versions ?? {};
    for (const [addon, version] of Object.entries(versions)) {
        check(isManagedAddon(addon), "ClusterAddons.versions", addon, `an add-on this library manages: ${MANAGED_ADDONS.join(", ")}`);
        check(
            ADDON_VERSION.test(version),
            `ClusterAddons.versions.${addon}`,
            version,
            "an EKS add-on version such as v1.12.1-eksbuild.2 (aws eks describe-addon-versions)",
        );
    }

    const placement = args.coreDns?.placement ?? CoreDnsPlacement.Fargate;
    const placements = Object.values(CoreDnsPlacement) as string[];
    check(placements.includes(placement), "ClusterAddons.coreDns.placement", placement, `one of ${placements.join(", ")}`);
    const replicas = args.coreDns?.replicas ?? 2;
    check(
        Number.isInteger(replicas) && replicas >= 2 && replicas <= 10,
        "ClusterAddons.coreDns.replicas",
        replicas,
        "a whole number from 2 to 10: one replica means a DNS outage whenever its node is consolidated",
    );
    const lameduck = args.coreDns?.lameduck ?? "30s";
    const seconds = /^([0-9]+)s$/.exec(lameduck);
    const lameduckSeconds = seconds ? Number(seconds[1]) : NaN;
    check(
        lameduckSeconds >= 1 && lameduckSeconds <= COREDNS_MAX_LAMEDUCK_SECONDS,
        "ClusterAddons.coreDns.lameduck",
        lameduck,
        `whole seconds from 1s to ${COREDNS_MAX_LAMEDUCK_SECONDS}s (the pod's termination grace period cuts anything longer)`,
    );
    const storageClassName = args.storageClass?.name ?? "gp3";
    check(
        DNS1123_SUBDOMAIN.test(storageClassName),
        "ClusterAddons.storageClass.name",
        storageClassName,
        "a DNS-1123 subdomain (lower-case letters, digits, '-', '.')",
    );
    const reclaimPolicy = args.storageClass?.reclaimPolicy ?? ReclaimPolicy.Delete;
    const reclaimPolicies = Object.values(ReclaimPolicy) as string[];
    check(
        reclaimPolicies.includes(reclaimPolicy),
        "ClusterAddons.storageClass.reclaimPolicy",
        reclaimPolicy,
        `one of ${reclaimPolicies.join(", ")}`,
    );

    const specs = addonSpecs({ placement, replicas, lameduckSeconds }, args.windowsNodes ?? false);
    const withRoles = specs.filter((s) => s.serviceAccountRole !== undefined).map((s) => s.name as string);
    for (const addon of Object.keys(args.roleNames ?? {})) {
        check(withRoles.includes(addon), "ClusterAddons.roleNames", addon, `an add-on with an IAM role: ${withRoles.join(", ")}`);
    }
    return {
        ...args,
        versions: versions as Partial<Record<ManagedAddonName, string>>,
        coreDnsPlacement: placement,
        specs,
        serviceAccounts: addonServiceAccounts(specs),
        storageClass: { name: storageClassName, reclaimPolicy },
        roleNames: args.roleNames ?? {},
        tags: args.tags ?? {},
    };
}

/** What the add-ons' plan reads: their args, less what only their registration needs. */
export type ClusterAddonsPlanArgs = Omit<ClusterAddonsArgs, "fargateProfile" | "nodesReady" | "kubernetesVersion">;

/**
 * The add-ons' plan: their args checked and resolved, and the add-ons they register, each named
 * `<name>-<add-on>` with its configuration (an add-on not pinned in `versions` gets its version, and one
 * with an IAM role its role, at deployment): what the guardrails check before anything is registered.
 */
export function planClusterAddons(name: string, args: ClusterAddonsPlanArgs) {
    const settings = resolveClusterAddonsArgs(args);
    const addons = settings.specs.map((spec) => ({
        spec,
        description: {
            type: TYPES.addon,
            name: `${name}-${spec.name}`,
            inputs: {
                clusterName: settings.clusterName,
                addonName: spec.name,
                addonVersion: settings.versions[spec.name] ?? knownAfterDeployment<string>(),
                configurationValues: spec.configuration ? JSON.stringify(spec.configuration) : undefined,
                // Adopt the copies EKS installs with the cluster, and keep owning the configuration.
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                preserve: spec.preserve,
                serviceAccountRoleArn: spec.serviceAccountRole ? knownAfterDeployment<string>() : undefined,
                tags: settings.tags,
            } satisfies aws.eks.AddonArgs,
        },
    }));
    return { settings, addons, descriptions: addons.map((a) => a.description as ResourceDescription) };
}

/** The default StorageClass: encrypted gp3 through the EBS CSI driver. */
export function storageClassSpec(name: string, reclaimPolicy: string) {
    return {
        metadata: { name, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: "ebs.csi.aws.com",
        // Encrypted with the account's default EBS key; gp3 costs less than gp2 at a 3000 IOPS baseline.
        parameters: { type: "gp3", encrypted: "true" },
        // The volume is created in the zone of the node the pod lands on, which Karpenter picks.
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy,
    };
}

/**
 * The cluster's EKS managed add-ons (VPC CNI, kube-proxy, Pod Identity agent, CoreDNS, EBS CSI driver),
 * the EBS CSI controller's IRSA role and the default gp3 StorageClass. The add-ons whose pods run on
 * Fargate (the EBS CSI controller, CoreDNS there) are created after the `fargateProfile` that selects
 * them (the environment's one profile).
 *
 * Pass the Kubernetes provider in `opts.providers`, and in `nodesReady` what must run before pods can
 * be scheduled on EC2 nodes. Only CoreDNS on Karpenter waits for it. The NodePools wait for
 * `beforeNodes` (the EBS CSI driver), so a destroy deletes every node before the driver.
 * (`opts.dependsOn` would hold back every child of this component, so it is not used for that.)
 * For the same reason it is not in the multi-language package (package/index.ts): those arguments are
 * resources, which cannot be passed between languages; Environment creates it.
 */
export class ClusterAddons extends pulumi.ComponentResource {
    /** Installed version of each add-on, by add-on name. */
    public readonly addonVersions: pulumi.Output<Record<string, string>>;
    /** Where CoreDNS runs ("fargate" or "karpenter"). */
    public readonly coreDnsPlacement: pulumi.Output<string>;
    /** ARN of the EBS CSI controller's IRSA role. */
    public readonly ebsCsiRoleArn: pulumi.Output<string>;
    /** The add-ons the NodePools must wait for (TypeScript only): a destroy then removes them after every node. */
    public readonly beforeNodes: aws.eks.Addon[];
    /** Name of the default StorageClass. */
    public readonly storageClassName: pulumi.Output<string>;

    constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planClusterAddons(name, args); // every check, before registering anything
        const a = plan.settings;
        super(componentType("ClusterAddons"), name, {}, componentOptions("ClusterAddons", opts));
        const readyForPods = args.nodesReady ?? [];

        const addons = new Map<ManagedAddonName, aws.eks.Addon>();
        const roles = new Map<ManagedAddonName, aws.iam.Role>();
        for (const { spec, description } of plan.addons) {
            const dependsOn: pulumi.Input<pulumi.Resource>[] = [
                ...spec.after.map((n) => addons.get(n)!),
                ...(spec.needsNodes ? readyForPods : []),
            ];
            if (spec.fargateSelector) dependsOn.push(args.fargateProfile);
            let serviceAccountRoleArn: pulumi.Output<string> | undefined;
            if (spec.serviceAccountRole) {
                const serviceAccount = spec.serviceAccountRole.serviceAccount;
                const role = new aws.iam.Role(
                    `${name}-${spec.name}`,
                    {
                        name: a.roleNames[spec.name],
                        assumeRolePolicy: pulumi
                            .all([a.oidcProviderArn, a.oidcIssuerUrl])
                            .apply(([oidcProviderArn, oidcIssuerUrl]) =>
                                JSON.stringify(
                                    irsaTrustPolicy({ oidcProviderArn, oidcIssuerUrl, namespace: ADDON_NAMESPACE, serviceAccount }),
                                ),
                            ),
                        tags: a.tags,
                    },
                    { parent: this },
                );
                for (const policy of spec.serviceAccountRole.managedPolicies) {
                    dependsOn.push(
                        new aws.iam.RolePolicyAttachment(
                            `${name}-${spec.name}-${policy.split("/").pop()}`,
                            { role: role.name, policyArn: pulumi.output(a.partition).apply((p) => managedPolicyArn(p, policy)) },
                            { parent: this },
                        ),
                    );
                }
                roles.set(spec.name, role);
                serviceAccountRoleArn = role.arn;
            }
            addons.set(
                spec.name,
                new aws.eks.Addon(
                    description.name,
                    {
                        ...description.inputs,
                        addonVersion:
                            a.versions[spec.name] ??
                            aws.eks.getAddonVersionOutput(
                                { addonName: spec.name, kubernetesVersion: args.kubernetesVersion, mostRecent: true },
                                { parent: this },
                            ).version,
                        serviceAccountRoleArn,
                    },
                    { parent: this, dependsOn },
                ),
            );
        }

        const storageClass = new k8s.storage.v1.StorageClass(
            `${name}-${a.storageClass.name}`,
            storageClassSpec(a.storageClass.name, a.storageClass.reclaimPolicy),
            { parent: this },
        );

        this.addonVersions = pulumi
            .all([...addons].map(([addon, resource]) => resource.addonVersion.apply((v) => [addon, v] as const)))
            .apply((pairs) => Object.fromEntries(pairs));
        this.coreDnsPlacement = pulumi.output(a.coreDnsPlacement);
        this.ebsCsiRoleArn = roles.get("aws-ebs-csi-driver")!.arn;
        this.beforeNodes = a.specs.filter((spec) => spec.beforeNodes).map((spec) => addons.get(spec.name)!);
        this.storageClassName = storageClass.metadata.name;
        this.registerOutputs({
            addonVersions: this.addonVersions,
            coreDnsPlacement: this.coreDnsPlacement,
            ebsCsiRoleArn: this.ebsCsiRoleArn,
            storageClassName: this.storageClassName,
        });
    }
}
