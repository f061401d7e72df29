import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { check } from "../errors";
import { VERSIONS } from "../versions";

/** Control-plane log types EKS can send to CloudWatch Logs. */
export enum ClusterLogType {
    /** The Kubernetes API server's logs. */
    Api = "api",
    /** Kubernetes audit logs: who did what to which object. */
    Audit = "audit",
    /** The IAM authenticator's logs: which IAM identity authenticated as whom. */
    Authenticator = "authenticator",
    /** The controller manager's logs. */
    ControllerManager = "controllerManager",
    /** The scheduler's logs. */
    Scheduler = "scheduler",
}

/** The tag Karpenter's EC2NodeClass selectors find subnets and security groups by. */
export const DISCOVERY_TAG = "karpenter.sh/discovery";

/** A cluster's own settings; ClusterArgs adds the network it runs in. */
export interface ClusterSettings {
    /**
     * Physical EKS cluster name. 1–100 characters: letters, digits, `-` and `_`, starting with a letter or digit.
     * It names the IAM policies' tag conditions and the discovery tags, so changing it replaces the cluster.
     */
    clusterName: string;
    /** Kubernetes minor version, `1.NN`. @default the version pinned in this library (VERSIONS.kubernetes) */
    kubernetesVersion?: string;
    /** Serve the API on a public endpoint. @default false (private only) */
    endpointPublicAccess?: boolean;
    /**
     * CIDRs allowed to reach the public endpoint; only with `endpointPublicAccess`.
     * @default ["0.0.0.0/0"] (EKS's own default); narrow it.
     */
    publicAccessCidrs?: string[];
    /** Control-plane log types sent to CloudWatch Logs (each costs ingestion). @default [] */
    enabledClusterLogTypes?: ClusterLogType[];
    /** Encrypt Kubernetes secrets with a customer-managed KMS key created here. @default true */
    secretsEncryption?: boolean;
    /**
     * Protect the cluster and its KMS key from deletion: Pulumi's `protect` and EKS deletion protection.
     * A protected stack must be unprotected (`pulumi state unprotect`, config change) before `pulumi destroy`.
     * @default false
     */
    protect?: boolean;
    /** Tags for every AWS resource created here. */
    tags?: Record<string, string>;
}

export interface ClusterArgs extends ClusterSettings {
    /** VPC of the cluster. */
    vpcId: pulumi.Input<string>;
    /** Private subnets: the control plane's network interfaces, Fargate pods and Karpenter nodes. */
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Public subnets, for internet-facing load balancers. @default none */
    publicSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Settings with defaults applied and every value checked; throws ConfigError naming the setting. */
export function resolveClusterArgs<T extends ClusterSettings>(args: T) {
    check(
        typeof args.clusterName === "string" && /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(args.clusterName),
        "Cluster.clusterName",
        args.clusterName,
        "1 to 100 letters, digits, '-' or '_', starting with a letter or digit",
    );
    const kubernetesVersion = args.kubernetesVersion ?? VERSIONS.kubernetes;
    check(/^1\.[0-9]{2}$/.test(kubernetesVersion), "Cluster.kubernetesVersion", kubernetesVersion, "a minor version such as \"1.33\"");
    const { min, max } = VERSIONS.karpenterKubernetesMinors;
    const minor = Number(kubernetesVersion.split(".")[1]);
    check(
        minor >= min && minor <= max,
        "Cluster.kubernetesVersion",
        kubernetesVersion,
        `1.${min} to 1.${max}, the versions Karpenter ${VERSIONS.karpenter} supports`,
    );
    const endpointPublicAccess = args.endpointPublicAccess ?? false;
    const publicAccessCidrs = args.publicAccessCidrs ?? (endpointPublicAccess ? ["0.0.0.0/0"] : []);
    check(
        endpointPublicAccess || publicAccessCidrs.length === 0,
        "Cluster.publicAccessCidrs",
        publicAccessCidrs,
        "empty unless endpointPublicAccess is true",
    );
    check(
        !endpointPublicAccess || publicAccessCidrs.length > 0,
        "Cluster.publicAccessCidrs",
        publicAccessCidrs,
        "at least one CIDR when endpointPublicAccess is true: EKS opens an empty list to 0.0.0.0/0",
    );
    for (const cidr of publicAccessCidrs) {
        check(isCidr(cidr), "Cluster.publicAccessCidrs", cidr, "IPv4 CIDRs such as 203.0.113.0/24");
    }
    const enabledClusterLogTypes = args.enabledClusterLogTypes ?? [];
    const logTypes = Object.values(ClusterLogType) as string[];
    for (const type of enabledClusterLogTypes) {
        check(logTypes.includes(type), "Cluster.enabledClusterLogTypes", type, `one of ${logTypes.join(", ")}`);
    }
    return {
        ...args,
        kubernetesVersion,
        endpointPublicAccess,
        publicAccessCidrs,
        enabledClusterLogTypes,
        secretsEncryption: args.secretsEncryption ?? true,
        protect: args.protect ?? false,
        tags: args.tags ?? {},
    };
}

export function isCidr(value: string): boolean {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/** The Kubernetes provider of each cluster, for kubernetesProvider. */
const kubernetesProviders = new WeakMap<Cluster, k8s.Provider>();

/**
 * The Kubernetes provider (server-side apply) for resources inside a cluster, from TypeScript. Other
 * languages get the cluster's `kubeconfig` output and make their own provider from it.
 */
export function kubernetesProvider(cluster: Cluster): k8s.Provider {
    return kubernetesProviders.get(cluster)!;
}

/**
 * An EKS cluster for Karpenter: access entries only (API authentication mode), an IAM OIDC provider
 * for IRSA, no node group (Karpenter's controller runs on Fargate, workloads on Karpenter's nodes),
 * and the discovery tag on the EKS-managed cluster security group that Karpenter's nodes use.
 * Its Kubernetes provider, in TypeScript, is `kubernetesProvider(cluster)`.
 */
export class Cluster extends pulumi.ComponentResource {
    /** Physical name of the EKS cluster. */
    public readonly clusterName: pulumi.Output<string>;
    /** URL of the cluster's Kubernetes API server. */
    public readonly endpoint: pulumi.Output<string>;
    /** Kubeconfig (JSON), a secret: it names the cluster and how to authenticate to it (`aws eks get-token`). @secret */
    public readonly kubeconfig: pulumi.Output<string>;
    /** ARN of the cluster's IAM OIDC provider, which IRSA roles trust. */
    public readonly oidcProviderArn: pulumi.Output<string>;
    /** Issuer URL of the cluster's OIDC provider, without `https://`. */
    public readonly oidcIssuerUrl: pulumi.Output<string>;
    /** The EKS-managed cluster security group, tagged for Karpenter's discovery. */
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    /** ARN of the secrets-encryption KMS key; undefined when encryption is off. */
    public readonly kmsKeyArn: pulumi.Output<string | undefined>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("Cluster"), name, {}, componentOptions("Cluster", opts));
        const a = resolveClusterArgs(args);
        const protect = { parent: this, protect: a.protect };

        const key = a.secretsEncryption
            ? new aws.kms.Key(
                  `${name}-secrets`,
                  {
                      description: `EKS secrets encryption for ${a.clusterName}`,
                      enableKeyRotation: true,
                      deletionWindowInDays: 30,
                      tags: a.tags,
                  },
                  protect,
              )
            : undefined;

        const cluster = new eks.Cluster(
            name,
            {
                name: a.clusterName,
                version: a.kubernetesVersion,
                vpcId: a.vpcId,
                privateSubnetIds: a.privateSubnetIds,
                publicSubnetIds: a.publicSubnetIds,
                authenticationMode: eks.AuthenticationMode.Api,
                createOidcProvider: true,
                skipDefaultNodeGroup: true,
                // Nodes use the EKS-managed cluster security group; no second group beside it.
                skipDefaultSecurityGroups: true,
                // Karpenter and CoreDNS placement are this library's job, not the component's.
                fargate: false,
                // kube-proxy and CoreDNS are EKS add-ons of infra/addons; a second kube-proxy add-on
                // from this component would fight over the same object.
                kubeProxyAddonOptions: { enabled: false },
                corednsAddonOptions: { enabled: false },
                endpointPublicAccess: a.endpointPublicAccess,
                endpointPrivateAccess: true,
                publicAccessCidrs: a.endpointPublicAccess ? a.publicAccessCidrs : undefined,
                enabledClusterLogTypes: a.enabledClusterLogTypes,
                encryptionConfigKeyArn: key?.arn,
                deletionProtection: a.protect,
                tags: a.tags,
            },
            protect,
        );

        this.clusterName = cluster.eksCluster.name;
        this.endpoint = cluster.eksCluster.endpoint;
        this.clusterSecurityGroupId = cluster.eksCluster.vpcConfig.clusterSecurityGroupId;
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.oidcProviderArn = cluster.oidcProviderArn;
        this.oidcIssuerUrl = cluster.oidcProviderUrl.apply((u) => u.replace(/^https:\/\//, ""));
        this.kmsKeyArn = key ? key.arn : pulumi.output(undefined);

        new aws.ec2.Tag(
            `${name}-security-group-discovery`,
            { resourceId: this.clusterSecurityGroupId, key: DISCOVERY_TAG, value: this.clusterName },
            { parent: this },
        );
        kubernetesProviders.set(
            this,
            new k8s.Provider(`${name}-k8s`, { kubeconfig: cluster.kubeconfigJson, enableServerSideApply: true }, { parent: this }),
        );
        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProviderArn,
            oidcIssuerUrl: this.oidcIssuerUrl,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            kmsKeyArn: this.kmsKeyArn,
        });
    }
}
