/**
 * The EKS managed add-ons this library installs, as data: what each one's configuration values are,
 * what it waits for and which IAM role it gets. The ClusterAddons component turns each entry into the
 * same resources; tests read the entries directly.
 */

/**
 * The add-ons, in the order a first `pulumi up` creates them. The EBS CSI driver before CoreDNS: the
 * NodePools wait for it (its controller, like CoreDNS on Fargate, waits only for the cluster's one Fargate profile).
 */
export const MANAGED_ADDONS = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "aws-ebs-csi-driver", "coredns"] as const;
export type ManagedAddonName = (typeof MANAGED_ADDONS)[number];

export function isManagedAddon(name: string): name is ManagedAddonName {
    return (MANAGED_ADDONS as readonly string[]).includes(name);
}

/** Where EKS installs these add-ons, and so the namespace of their service accounts. */
export const ADDON_NAMESPACE = "kube-system";

/** Where CoreDNS runs: on Fargate, or on the nodes Karpenter launches (see the README's add-ons section). */
export enum CoreDnsPlacement {
    /** Fargate, selected by the cluster's one Fargate profile: DNS works before the first Karpenter node and never moves with consolidation. */
    Fargate = "fargate",
    /** Karpenter's nodes: cheaper, but the add-on is created only after NodePools exist. */
    Karpenter = "karpenter",
}

/** The label CoreDNS's pods carry (and its Fargate profile selects). */
export const COREDNS_POD_LABELS = { "k8s-app": "kube-dns" };

/** The Kubernetes default termination grace period, which the CoreDNS add-on does not let us raise. */
export const COREDNS_MAX_LAMEDUCK_SECONDS = 30;

export const EBS_CSI_CONTROLLER_SERVICE_ACCOUNT = "ebs-csi-controller-sa";
/** The label the EBS CSI controller's pods carry (the driver chart's controller Deployment), selected by the cluster's Fargate profile. */
export const EBS_CSI_CONTROLLER_POD_LABELS = { app: "ebs-csi-controller" };
/** AWS managed policy of the EBS CSI controller (under the `service-role/` path). */
export const EBS_CSI_DRIVER_POLICY = "service-role/AmazonEBSCSIDriverPolicy";

/** Service accounts (`namespace/name`) the add-ons use: those bound to an IAM role, and those whose pods run on Fargate. */
export function addonServiceAccounts(specs: readonly AddonSpec[]) {
    const account = (sa: string) => `${ADDON_NAMESPACE}/${sa}`;
    return {
        /** Bound to the add-on's own role, by service account: no other association may take it. */
        bound: Object.fromEntries(
            specs.flatMap((s) => (s.serviceAccountRole ? [[account(s.serviceAccountRole.serviceAccount), s.name]] : [])),
        ) as Record<string, string>,
        onFargate: specs.flatMap((s) => (s.fargateServiceAccount ? [account(s.fargateServiceAccount)] : [])),
    };
}

export interface CoreDnsSettings {
    placement: `${CoreDnsPlacement}`;
    replicas: number;
    lameduckSeconds: number;
}

/**
 * The add-on's own Corefile with a longer lameduck: after SIGTERM CoreDNS keeps answering while
 * kube-proxy on every node removes it from the kube-dns Service, instead of dropping queries still
 * routed to it. `ready` serves `/ready` on :8181, which the add-on's readiness probe polls, so a new
 * replica gets traffic only once its plugins (the kubernetes cache above all) are initialised.
 */
export function coreDnsCorefile(lameduckSeconds: number): string {
    return [
        ".:53 {",
        "    errors",
        "    health {",
        `        lameduck ${lameduckSeconds}s`,
        "    }",
        "    ready",
        "    kubernetes cluster.local in-addr.arpa ip6.arpa {",
        "        pods insecure",
        "        fallthrough in-addr.arpa ip6.arpa",
        "    }",
        "    prometheus :9153",
        "    forward . /etc/resolv.conf",
        "    cache 30",
        "    loop",
        "    reload",
        "    loadbalance",
        "}",
        "",
    ].join("\n");
}

/** Configuration values of the `coredns` add-on (keys of its published configuration schema). */
export function coreDnsConfiguration(s: CoreDnsSettings): Record<string, unknown> {
    return {
        replicaCount: s.replicas,
        corefile: coreDnsCorefile(s.lameduckSeconds),
        // Karpenter drains nodes through the eviction API, so the budget bounds how many replicas
        // consolidation can take down at once.
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        // A preference, not a requirement: a zone short of capacity must not leave DNS pending.
        // Karpenter still tries to honour it when it picks zones for new nodes.
        topologySpreadConstraints: [
            {
                maxSkew: 1,
                topologyKey: "topology.kubernetes.io/zone",
                whenUnsatisfiable: "ScheduleAnyway",
                labelSelector: { matchLabels: COREDNS_POD_LABELS },
            },
        ],
        // Drops the add-on's `eks.amazonaws.com/compute-type: ec2` pod annotation, which keeps
        // the pods off Fargate even when a profile selects them.
        ...(s.placement === "fargate" ? { computeType: "Fargate" } : {}),
    };
}

/**
 * Configuration values of the `aws-ebs-csi-driver` add-on. The node DaemonSet must outlive the
 * workloads on a node Karpenter drains (`karpenter.sh/disrupted:NoSchedule`), or volumes are not
 * unmounted and detached before the instance goes. The add-on already tolerates every taint
 * (`node.tolerateAllTaints` defaults to true); it is set here so a changed default cannot undo it.
 *
 * No `controller.region`, although the controller runs on Fargate, which has no instance metadata to read
 * a region from: the driver's chart has that key, but no copy of the add-on's own configuration schema
 * confirms it (the add-on's schema is a subset of the chart's, and EKS refuses an unknown key only when
 * the add-on is created, after the cluster exists). The region reaches the controller another way: its
 * service account carries the IRSA role (`serviceAccountRoleArn`), so EKS's pod identity webhook injects
 * `AWS_REGION` and `AWS_DEFAULT_REGION` of the cluster's region into its pods, and the driver reads
 * `AWS_REGION` before it tries any metadata service.
 */
export function ebsCsiConfiguration(): Record<string, unknown> {
    return { node: { tolerateAllTaints: true } };
}

/** One add-on and everything the component needs to create it. */
export interface AddonSpec {
    name: ManagedAddonName;
    /** Configuration values; undefined keeps the add-on's defaults. */
    configuration?: Record<string, unknown>;
    /** Its pods run on EC2 nodes, so it is created after what lets Karpenter launch them. */
    needsNodes: boolean;
    /** Add-ons created before this one. */
    after: ManagedAddonName[];
    /** Keep its Kubernetes objects if the add-on is deleted (cluster networking and DNS). */
    preserve: boolean;
    /** Its pods run on Fargate: the cluster's one Fargate profile selects them with these labels (with fargateServiceAccount). */
    fargateSelector?: { namespace: string; labels: Record<string, string> };
    /** The service account of its pods on Fargate (with fargateSelector): no Pod Identity association may target it. */
    fargateServiceAccount?: string;
    /** An IAM role for its service account through IRSA (the add-on's `serviceAccountRoleArn`; its pods may run on Fargate). */
    serviceAccountRole?: { serviceAccount: string; managedPolicies: string[] };
    /**
     * Created before the NodePools, which depend on it: a destroy deletes it only after every node is gone
     * (the EBS CSI driver detaches the nodes' volumes while they drain).
     */
    beforeNodes: boolean;
}

/** Networking add-ons: pods on a fresh node need them before anything else runs there. */
const NETWORK: ManagedAddonName[] = ["vpc-cni", "kube-proxy"];

/**
 * Configuration values of the `vpc-cni` add-on with Windows nodes: `enableWindowsIpam` (a string, as in the
 * aws-vpc-cni chart's values.yaml) becomes `enable-windows-ipam: "true"` in the `amazon-vpc-cni` ConfigMap, which the
 * control plane's VPC resource controller reads before it assigns IP addresses to pods on Windows nodes. Set
 * through the add-on, which owns that ConfigMap (a hand-made one would be overwritten by it).
 */
export function vpcCniConfiguration(windowsNodes: boolean): Record<string, unknown> | undefined {
    return windowsNodes ? { enableWindowsIpam: "true" } : undefined;
}

/** The add-ons for these CoreDNS settings; `windowsNodes`: some EC2NodeClass runs Windows (the VPC CNI's Windows IPAM). */
export function addonSpecs(coreDns: CoreDnsSettings, windowsNodes = false): AddonSpec[] {
    const onFargate = coreDns.placement === "fargate";
    return [
        {
            name: "vpc-cni",
            configuration: vpcCniConfiguration(windowsNodes),
            needsNodes: false,
            after: [],
            preserve: true,
            beforeNodes: false,
        },
        { name: "kube-proxy", needsNodes: false, after: [], preserve: true, beforeNodes: false },
        { name: "eks-pod-identity-agent", needsNodes: false, after: [], preserve: false, beforeNodes: false },
        {
            // The controller on Fargate: the add-on is ACTIVE before any node exists, so the NodePools can
            // wait for it and a destroy removes it after them. The node DaemonSet runs on every EC2 node.
            name: "aws-ebs-csi-driver",
            configuration: ebsCsiConfiguration(),
            needsNodes: false,
            after: NETWORK,
            preserve: false,
            fargateSelector: { namespace: ADDON_NAMESPACE, labels: EBS_CSI_CONTROLLER_POD_LABELS },
            fargateServiceAccount: EBS_CSI_CONTROLLER_SERVICE_ACCOUNT,
            serviceAccountRole: { serviceAccount: EBS_CSI_CONTROLLER_SERVICE_ACCOUNT, managedPolicies: [EBS_CSI_DRIVER_POLICY] },
            beforeNodes: true,
        },
        {
            name: "coredns",
            configuration: coreDnsConfiguration(coreDns),
            needsNodes: !onFargate,
            after: onFargate ? [] : NETWORK,
            preserve: true,
            fargateSelector: onFargate ? { namespace: ADDON_NAMESPACE, labels: COREDNS_POD_LABELS } : undefined,
            fargateServiceAccount: onFargate ? "coredns" : undefined,
            beforeNodes: false,
        },
    ];
}
