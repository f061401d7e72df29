import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { check } from "../errors";
import { enforceGuardrails } from "../guardrails/enforce";
import { describePodIdentityAssociations } from "../iam/pod-identity";
import { AwsScope, AwsScopeArgs, managedPolicyArn, policyDocument } from "../iam/policy";
import {
    ADDON_NAMESPACE,
    COREDNS_MAX_LAMEDUCK_SECONDS,
    CoreDnsPlacement,
    MANAGED_ADDONS,
    ManagedAddonName,
    addonServiceAccounts,
    addonSpecs,
    isManagedAddon,
} from "./catalog";

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
    /**
     * Service accounts whose pods run on Fargate (the Karpenter controller): no add-on's Pod Identity
     * association may target one, since Fargate has no Pod Identity agent.
     * @default []
     */
    fargateServiceAccounts?: string[];
    /** Private subnets of the CoreDNS Fargate profile. Required when CoreDNS runs on Fargate. @default none */
    privateSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Pod execution role of the CoreDNS Fargate profile (the Karpenter profile's role serves: it trusts
     * every Fargate profile of the cluster). Required when CoreDNS runs on Fargate.
     * @default none
     */
    fargatePodExecutionRoleArn?: pulumi.Input<string>;
    /** Physical names of the add-ons' Pod Identity roles, by add-on name. @default {} (Pulumi names them) */
    podIdentityRoleNames?: Record<string, pulumi.Input<string>>;
    /**
     * What must run before pods can be scheduled on EC2 nodes (the Karpenter release, its NodePools and
     * EC2NodeClasses): the add-ons whose pods need a node wait for it, and only they. EKS reports an
     * add-on DEGRADED until its pods run and creating one waits for ACTIVE. @default []
     */
    nodesReady?: pulumi.Input<pulumi.Resource>[];
    /** The cluster's other Fargate profiles: EKS creates one profile at a time per cluster. @default [] */
    fargateProfilesBefore?: pulumi.Input<pulumi.Resource>[];
    /** Tags for every AWS resource created here. @default {} */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const ADDON_VERSION = /^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Args with defaults applied and every value checked; throws ConfigError naming the setting. */
export function resolveClusterAddonsArgs(args: ClusterAddonsArgs) {
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
    if (placement === "fargate") {
        check(
            args.privateSubnetIds !== undefined,
            "ClusterAddons.privateSubnetIds",
            args.privateSubnetIds,
            "the private subnets of CoreDNS's Fargate profile",
        );
        check(
            args.fargatePodExecutionRoleArn !== undefined,
            "ClusterAddons.fargatePodExecutionRoleArn",
            args.fargatePodExecutionRoleArn,
            "the pod execution role of CoreDNS's Fargate profile",
        );
    }

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

    const specs = addonSpecs({ placement, replicas, lameduckSeconds });
    const withRoles = specs.filter((s) => s.podIdentity !== undefined).map((s) => s.name as string);
    for (const addon of Object.keys(args.podIdentityRoleNames ?? {})) {
        check(
            withRoles.includes(addon),
            "ClusterAddons.podIdentityRoleNames",
            addon,
            `an add-on with a Pod Identity role: ${withRoles.join(", ")}`,
        );
    }
    // No add-on's Pod Identity association may target a service account whose pods run on Fargate.
    enforceGuardrails(
        describePodIdentityAssociations(
            "ClusterAddons.podIdentity",
            "",
            specs.flatMap((s) => (s.podIdentity ? [{ namespace: ADDON_NAMESPACE, serviceAccount: s.podIdentity.serviceAccount, roleArn: "" }] : [])),
        ),
        { fargateServiceAccounts: args.fargateServiceAccounts ?? [] },
    );
    return {
        ...args,
        versions: versions as Partial<Record<ManagedAddonName, string>>,
        coreDnsPlacement: placement,
        specs,
        serviceAccounts: addonServiceAccounts(specs),
        storageClass: { name: storageClassName, reclaimPolicy },
        podIdentityRoleNames: args.podIdentityRoleNames ?? {},
        tags: args.tags ?? {},
    };
}

/**
 * Trust policy of an add-on's Pod Identity role: EKS Pod Identity (`pods.eks.amazonaws.com`; EKS's service
 * principals keep `amazonaws.com` in every partition) acting for this account (`aws:SourceAccount`, against
 * the confused deputy), and only for this cluster's service account: the session tags EKS Pod Identity sets
 * on every session (`eks-cluster-arn`, `kubernetes-namespace`, `kubernetes-service-account`, EKS user guide
 * "Create IAM role with trust policy required by EKS Pod Identity"), so no other cluster or pod in the
 * account can get the role through an association of its own.
 */
export function podIdentityTrustPolicy(scope: Omit<AwsScope, "dnsSuffix">, clusterName: string, namespace: string, serviceAccount: string): aws.iam.PolicyDocument {
    return policyDocument([
        {
            Sid: "AllowEksPodIdentity",
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            // TagSession: the agent tags each session with the cluster, namespace and service account.
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: {
                StringEquals: {
                    "aws:SourceAccount": scope.accountId,
                    "aws:RequestTag/eks-cluster-arn": `arn:${scope.partition}:eks:${scope.region}:${scope.accountId}:cluster/${clusterName}`,
                    "aws:RequestTag/kubernetes-namespace": namespace,
                    "aws:RequestTag/kubernetes-service-account": serviceAccount,
                },
            },
        },
    ]);
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
 * the EBS CSI controller's Pod Identity role, CoreDNS's Fargate profile when it runs there, and the
 * default gp3 StorageClass.
 *
 * Pass the Kubernetes provider in `opts.providers`, and in `nodesReady` what must run before pods can
 * be scheduled on EC2 nodes. Only the add-ons that need a node wait for it (the EBS CSI driver, and
 * CoreDNS on Karpenter); networking, kube-proxy, the Pod Identity agent and CoreDNS on Fargate do not.
 * (`opts.dependsOn` would hold back every child of this component, so it is not used for that.)
 * For the same reason it is not in the multi-language package (package/index.ts): those arguments are
 * resources, which cannot be passed between languages; Environment creates it.
 */
export class ClusterAddons extends pulumi.ComponentResource {
    /** Installed version of each add-on, by add-on name. */
    public readonly addonVersions: pulumi.Output<Record<string, string>>;
    /** Where CoreDNS runs ("fargate" or "karpenter"). */
    public readonly coreDnsPlacement: pulumi.Output<string>;
    /** ARN of the EBS CSI controller's Pod Identity role. */
    public readonly ebsCsiRoleArn: pulumi.Output<string>;
    /** Name of the default StorageClass. */
    public readonly storageClassName: pulumi.Output<string>;

    constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("ClusterAddons"), name, {}, componentOptions("ClusterAddons", opts));
        const a = resolveClusterAddonsArgs(args);
        const readyForPods = args.nodesReady ?? [];

        const addons = new Map<ManagedAddonName, aws.eks.Addon>();
        const roles = new Map<ManagedAddonName, aws.iam.Role>();
        for (const spec of a.specs) {
            const dependsOn: pulumi.Input<pulumi.Resource>[] = [
                ...spec.after.map((n) => addons.get(n)!),
                ...(spec.needsNodes ? readyForPods : []),
            ];
            if (spec.fargateProfile) {
                dependsOn.push(
                    new aws.eks.FargateProfile(
                        `${name}-${spec.name}`,
                        {
                            clusterName: a.clusterName,
                            fargateProfileName: spec.fargateProfile.name,
                            podExecutionRoleArn: a.fargatePodExecutionRoleArn!,
                            subnetIds: a.privateSubnetIds!,
                            selectors: [{ namespace: ADDON_NAMESPACE, labels: spec.fargateProfile.labels }],
                            tags: a.tags,
                        },
                        { parent: this, dependsOn: args.fargateProfilesBefore ?? [] },
                    ),
                );
            }
            let podIdentityAssociations: aws.types.input.eks.AddonPodIdentityAssociation[] | undefined;
            if (spec.podIdentity) {
                const role = new aws.iam.Role(
                    `${name}-${spec.name}`,
                    {
                        name: a.podIdentityRoleNames[spec.name],
                        assumeRolePolicy: pulumi
                            .all([a.partition, a.region, a.accountId])
                            .apply(([partition, region, accountId]) =>
                                JSON.stringify(
                                    podIdentityTrustPolicy({ partition, region, accountId }, a.configuredClusterName, ADDON_NAMESPACE, spec.podIdentity!.serviceAccount),
                                ),
                            ),
                        tags: a.tags,
                    },
                    { parent: this },
                );
                for (const policy of spec.podIdentity.managedPolicies) {
                    dependsOn.push(
                        new aws.iam.RolePolicyAttachment(
                            `${name}-${spec.name}-${policy.split("/").pop()}`,
                            { role: role.name, policyArn: pulumi.output(a.partition).apply((p) => managedPolicyArn(p, policy)) },
                            { parent: this },
                        ),
                    );
                }
                roles.set(spec.name, role);
                // Part of the add-on, so the association exists before its pods start and goes with it.
                podIdentityAssociations = [{ roleArn: role.arn, serviceAccount: spec.podIdentity.serviceAccount }];
            }
            addons.set(
                spec.name,
                new aws.eks.Addon(
                    `${name}-${spec.name}`,
                    {
                        clusterName: a.clusterName,
                        addonName: spec.name,
                        addonVersion:
                            a.versions[spec.name] ??
                            aws.eks.getAddonVersionOutput(
                                { addonName: spec.name, kubernetesVersion: a.kubernetesVersion, mostRecent: true },
                                { parent: this },
                            ).version,
                        configurationValues: spec.configuration ? JSON.stringify(spec.configuration) : undefined,
                        // Adopt the copies EKS installs with the cluster, and keep owning the configuration.
                        resolveConflictsOnCreate: "OVERWRITE",
                        resolveConflictsOnUpdate: "OVERWRITE",
                        preserve: spec.preserve,
                        podIdentityAssociations,
                        tags: a.tags,
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
        this.storageClassName = storageClass.metadata.name;
        this.registerOutputs({
            addonVersions: this.addonVersions,
            coreDnsPlacement: this.coreDnsPlacement,
            ebsCsiRoleArn: this.ebsCsiRoleArn,
            storageClassName: this.storageClassName,
        });
    }
}
