import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { ConfigErrorCollector, check } from "../errors";
import { ResourceDescription } from "../guardrails/types";
import { AwsScope, managedPolicyArn, policyDocument } from "../iam/policy";
import { TYPES } from "../model/tokens";
import {
    API_SERVER_PORT,
    AccessPolicy,
    ClusterSupportType,
    EKS_CLUSTER_POLICY,
    EKS_VPC_RESOURCE_CONTROLLER_POLICY,
    EKS_SERVICE_PRINCIPAL,
    IAM_PRINCIPAL_ARN,
    IRSA_AUDIENCE,
    SECURITY_GROUP_ID,
    accessPolicyArn,
    isAccessPolicy,
    partitionOfRegion,
} from "../model/eks";
import { DNS1123_LABEL, isCidr } from "../model/names";
import { VERSIONS } from "../model/versions";
import { knownAfterDeployment } from "../plan";

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

export { AccessPolicy, ClusterSupportType };

/** The tag Karpenter's EC2NodeClass selectors find subnets and security groups by. */
export const DISCOVERY_TAG = "karpenter.sh/discovery";

/** An IAM role or user that may use the cluster, through an EKS access entry and one access policy. */
export interface AccessEntrySettings {
    /**
     * ARN of an IAM role or user in the cluster's partition (`arn:aws:iam::111122223333:role/platform-admin`).
     * A role, not an STS assumed-role session ARN.
     */
    principalArn: string;
    /**
     * The EKS access policy: `cluster-admin` (AmazonEKSClusterAdminPolicy), `admin` (AmazonEKSAdminPolicy),
     * `edit` (AmazonEKSEditPolicy) or `view` (AmazonEKSViewPolicy).
     */
    policy: AccessPolicy;
    /**
     * Namespaces the policy applies in; unset applies it to the whole cluster. `cluster-admin` is for the
     * whole cluster only. @default the whole cluster
     */
    namespaces?: string[];
}

/** A cluster's own settings; ClusterArgs adds the network it runs in. */
export interface ClusterSettings {
    /**
     * Physical EKS cluster name. 1–100 characters: letters, digits, `-` and `_`, starting with a letter or digit.
     * It names the IAM policies' tag conditions and the discovery tags, so changing it replaces the cluster.
     */
    clusterName: string;
    /**
     * Kubernetes minor version, `1.NN`; an Environment checks it against its Karpenter version and pinned add-ons.
     * @default the version pinned in this library (VERSIONS.kubernetes)
     */
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
    /**
     * Give the identity that creates the cluster (whoever runs the first `pulumi up`) cluster-admin through an
     * access entry EKS makes itself, outside this program. With false, only `accessEntries` reach the cluster,
     * so one of them must be a cluster-wide `cluster-admin` that this program runs as. Changing it replaces
     * the cluster. @default true (EKS's default)
     */
    bootstrapClusterCreatorAdminPermissions?: boolean;
    /**
     * What EKS does when the Kubernetes version leaves standard support: `EXTENDED` keeps the version at the
     * extended-support price, `STANDARD` upgrades the control plane automatically (possibly past the versions
     * the pinned Karpenter supports). @default ClusterSupportType.Extended (EKS's default)
     */
    supportType?: ClusterSupportType;
    /**
     * IAM roles and users that may use the cluster, each with an EKS access policy and scope. Nobody else can,
     * except the creator when `bootstrapClusterCreatorAdminPermissions` is on. @default []
     */
    accessEntries?: AccessEntrySettings[];
    /**
     * IPv4 CIDRs of the networks that run `pulumi` or `kubectl` against the private endpoint (a CI runner's
     * subnet, a VPN): each gets HTTPS into the EKS-managed cluster security group, which otherwise admits only
     * itself. @default []
     */
    deployerCidrs?: string[];
    /** Security groups (`sg-…`) of deployers in the VPC or a peered one, admitted like `deployerCidrs`. @default [] */
    deployerSecurityGroupIds?: string[];
    /** Tags for every AWS resource created here. */
    tags?: Record<string, string>;
}

/** What the cluster needs to know of its nodes. */
export interface ClusterNodeArgs {
    /**
     * Some nodes run Windows: the cluster role also gets AmazonEKSVPCResourceController, with which the control
     * plane assigns Windows pods their IP addresses. @default false
     */
    windowsNodes?: boolean;
}

export interface ClusterArgs extends ClusterSettings, ClusterNodeArgs {
    /** Private subnets: the control plane's network interfaces, Fargate pods and Karpenter nodes. */
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Physical name of the cluster's IAM role (at most 64 characters). @default a name Pulumi makes from the resource name */
    roleName?: pulumi.Input<string>;
}

/**
 * Settings with defaults applied and every value checked. Independent settings are checked independently:
 * every ConfigError is reported at once (ConfigErrors when there are several), each naming its setting.
 */
export function resolveClusterArgs<T extends ClusterSettings>(args: T) {
    const errors = new ConfigErrorCollector();
    errors.attempt(() =>
        check(
            typeof args.clusterName === "string" && /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(args.clusterName),
            "Cluster.clusterName",
            args.clusterName,
            "1 to 100 letters, digits, '-' or '_', starting with a letter or digit",
        ),
    );
    const kubernetesVersion = args.kubernetesVersion ?? VERSIONS.kubernetes;
    errors.attempt(() =>
        check(/^1\.[0-9]{2}$/.test(kubernetesVersion), "Cluster.kubernetesVersion", kubernetesVersion, 'a minor version such as "1.33"'),
    );
    const endpointPublicAccess = args.endpointPublicAccess ?? false;
    const publicAccessCidrs = args.publicAccessCidrs ?? (endpointPublicAccess ? ["0.0.0.0/0"] : []);
    errors.attempt(() => {
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
    });
    const enabledClusterLogTypes = args.enabledClusterLogTypes ?? [];
    const logTypes = Object.values(ClusterLogType) as string[];
    errors.attempt(() => {
        for (const type of enabledClusterLogTypes) {
            check(logTypes.includes(type), "Cluster.enabledClusterLogTypes", type, `one of ${logTypes.join(", ")}`);
        }
    });
    const supportType = args.supportType ?? ClusterSupportType.Extended;
    const supportTypes = Object.values(ClusterSupportType) as string[];
    errors.attempt(() =>
        check(supportTypes.includes(supportType), "Cluster.supportType", supportType, `one of ${supportTypes.join(", ")}`),
    );
    const deployerCidrs = args.deployerCidrs ?? [];
    errors.attempt(() => {
        for (const cidr of deployerCidrs) {
            check(isCidr(cidr), "Cluster.deployerCidrs", cidr, "IPv4 CIDRs such as 10.0.0.0/16 (the deployer's network)");
        }
        check(new Set(deployerCidrs).size === deployerCidrs.length, "Cluster.deployerCidrs", deployerCidrs, "each CIDR once");
    });
    const deployerSecurityGroupIds = args.deployerSecurityGroupIds ?? [];
    errors.attempt(() => {
        for (const id of deployerSecurityGroupIds) {
            check(SECURITY_GROUP_ID.test(id), "Cluster.deployerSecurityGroupIds", id, "security group IDs such as sg-0123456789abcdef0");
        }
        check(
            new Set(deployerSecurityGroupIds).size === deployerSecurityGroupIds.length,
            "Cluster.deployerSecurityGroupIds",
            deployerSecurityGroupIds,
            "each security group once",
        );
    });
    const bootstrapClusterCreatorAdminPermissions = args.bootstrapClusterCreatorAdminPermissions ?? true;
    const accessEntries = args.accessEntries ?? [];
    errors.attempt(() => {
        checkAccessEntries(accessEntries);
        check(
            bootstrapClusterCreatorAdminPermissions ||
                accessEntries.some((e) => e.policy === AccessPolicy.ClusterAdmin && e.namespaces === undefined),
            "Cluster.bootstrapClusterCreatorAdminPermissions",
            false,
            "true unless accessEntries has a cluster-wide cluster-admin: otherwise nobody, this program included, can reach the cluster",
        );
    });
    errors.throwIfAny();
    return {
        ...args,
        kubernetesVersion,
        endpointPublicAccess,
        publicAccessCidrs,
        enabledClusterLogTypes,
        secretsEncryption: args.secretsEncryption ?? true,
        protect: args.protect ?? false,
        bootstrapClusterCreatorAdminPermissions,
        supportType,
        accessEntries,
        deployerCidrs,
        deployerSecurityGroupIds,
        tags: args.tags ?? {},
    };
}

/** Access entries checked: a role or user ARN of the stack's partition, once each, a known policy and scope. */
function checkAccessEntries(entries: AccessEntrySettings[]): void {
    const partition = partitionOfRegion(aws.config.region ?? "");
    const seen = new Set<string>();
    entries.forEach((entry, n) => {
        const setting = `Cluster.accessEntries[${n}]`;
        const arn = IAM_PRINCIPAL_ARN.exec(String(entry?.principalArn));
        check(
            arn !== null,
            `${setting}.principalArn`,
            entry?.principalArn,
            "an IAM role or user ARN such as arn:aws:iam::111122223333:role/platform-admin (not an assumed-role session)",
        );
        check(
            arn![1] === partition,
            `${setting}.principalArn`,
            entry.principalArn,
            `an ARN of the ${partition} partition, the stack region's`,
        );
        check(
            !seen.has(entry.principalArn),
            `${setting}.principalArn`,
            entry.principalArn,
            "each principal once: EKS has one access entry per principal",
        );
        seen.add(entry.principalArn);
        check(isAccessPolicy(entry.policy), `${setting}.policy`, entry.policy, `one of ${Object.values(AccessPolicy).join(", ")}`);
        if (entry.namespaces === undefined) return;
        check(
            Array.isArray(entry.namespaces) && entry.namespaces.length > 0,
            `${setting}.namespaces`,
            entry.namespaces,
            "a non-empty list of namespaces, or unset for the whole cluster",
        );
        check(
            entry.policy !== AccessPolicy.ClusterAdmin,
            `${setting}.namespaces`,
            entry.namespaces,
            "unset with cluster-admin, which this library grants cluster-wide only; use admin for namespaces",
        );
        for (const ns of entry.namespaces) {
            check(DNS1123_LABEL.test(ns), `${setting}.namespaces`, ns, "namespace names (lower-case letters, digits and '-', at most 63)");
        }
    });
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

/** What the cluster's role trust and ARNs are written for: partition, region and account. */
type ClusterScope = Omit<AwsScope, "dnsSuffix">;

/**
 * Trust policy of the cluster IAM role: the EKS control plane (`sts:AssumeRole`, and `sts:TagSession` for the
 * sessions it tags), acting for this cluster of this account only (EKS user guide, "Cross-service confused
 * deputy prevention": EKS accepts `aws:SourceArn` and `aws:SourceAccount` in a cluster role's trust).
 */
export function clusterTrustPolicy(scope: ClusterScope, clusterName: string): aws.iam.PolicyDocument {
    return policyDocument([
        {
            Sid: "AllowEksControlPlane",
            Effect: "Allow",
            Principal: { Service: EKS_SERVICE_PRINCIPAL },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: {
                StringEquals: { "aws:SourceAccount": scope.accountId },
                ArnLike: { "aws:SourceArn": `arn:${scope.partition}:eks:${scope.region}:${scope.accountId}:cluster/${clusterName}` },
            },
        },
    ]);
}

/** What the cluster role may do with the secrets-encryption key (as terraform-aws-modules/eks grants it). */
export function clusterEncryptionPolicy(keyArn: string): aws.iam.PolicyDocument {
    return policyDocument([
        {
            Sid: "UseSecretsEncryptionKey",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
            Resource: keyArn,
        },
    ]);
}

/** What a kubeconfig needs to know of a cluster. */
export interface KubeconfigCluster {
    /** Physical cluster name (what `aws eks get-token --cluster-name` takes, not its ARN). */
    name: string;
    /** HTTPS URL of the API server. */
    endpoint: string;
    /** Base64 PEM of the cluster's certificate authority. */
    certificateAuthorityData: string;
    region: string;
}

/**
 * A kubeconfig (as JSON) that authenticates with `aws eks get-token`, as `aws eks update-kubeconfig` writes it:
 * it holds no credential, the AWS CLI gets a token from whatever identity runs it.
 */
export function kubeconfigOf(c: KubeconfigCluster): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: c.name, cluster: { server: c.endpoint, "certificate-authority-data": c.certificateAuthorityData } }],
        contexts: [{ name: c.name, context: { cluster: c.name, user: c.name } }],
        "current-context": c.name,
        preferences: {},
        users: [
            {
                name: c.name,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", c.name, "--region", c.region, "--output", "json"],
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    });
}

/**
 * The logical name of an access entry, from its principal (stable, whatever the order of the list):
 * `<component>-access-<account>:<role|user>/<path/name>`.
 */
export function accessEntryName(component: string, principalArn: string): string {
    return `${component}-access-${principalArn.split(":").slice(4).join(":")}`;
}

/**
 * The cluster's plan: its settings checked and resolved, and the access entries it registers (each by the
 * name {@link accessEntryName} gives it, on the cluster's configured name): what the guardrails check
 * before anything is registered.
 */
export function planCluster(name: string, args: ClusterSettings & ClusterNodeArgs) {
    const settings = resolveClusterArgs(args);
    // Its ARN needs the partition, known after deployment; the rules see that it is there.
    const rolePolicies =
        (args.windowsNodes ?? false)
            ? [
                  {
                      type: TYPES.rolePolicyAttachment,
                      name: `${name}-role-${EKS_VPC_RESOURCE_CONTROLLER_POLICY}`,
                      policy: EKS_VPC_RESOURCE_CONTROLLER_POLICY,
                      inputs: { policyArn: knownAfterDeployment<string>() },
                  },
              ]
            : [];
    const accessEntries = settings.accessEntries.map((entry) => ({
        type: TYPES.accessEntry,
        name: accessEntryName(name, entry.principalArn),
        inputs: {
            clusterName: settings.clusterName,
            principalArn: entry.principalArn,
            type: "STANDARD",
            tags: settings.tags,
        } satisfies aws.eks.AccessEntryArgs,
    }));
    return { settings, accessEntries, rolePolicies, descriptions: [...accessEntries, ...rolePolicies] as ResourceDescription[] };
}

/** The type token `@pulumi/eks` gave its Cluster component: the parent of this cluster's `aws.eks.Cluster` in stacks made with it. */
const FORMER_EKS_COMPONENT = "eks:index:Cluster";

/**
 * An EKS cluster for Karpenter, built from `@pulumi/aws` resources (no remote component: everything is
 * registered by this program): the cluster IAM role, the cluster in API authentication mode (access entries
 * only) with nothing self-managed bootstrapped (the managed add-ons install networking and DNS), an IAM OIDC
 * provider for IRSA, the `karpenter.sh/discovery` tag on the EKS-managed cluster security group that
 * Karpenter's nodes use, HTTPS into that group from the deployer's networks, access entries, and a
 * kubeconfig. No node group: Karpenter's controller runs on Fargate, workloads on Karpenter's nodes.
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
        const plan = planCluster(name, args); // every check, before registering anything
        const a = plan.settings;
        super(componentType("Cluster"), name, {}, componentOptions("Cluster", opts));
        const protect = { parent: this, protect: a.protect };
        const parent = { parent: this };
        const scope = pulumi.all([
            aws.getPartitionOutput({}, parent).partition,
            aws.getRegionOutput({}, parent).region,
            aws.getCallerIdentityOutput({}, parent).accountId,
        ]);

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

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: args.roleName,
                assumeRolePolicy: scope.apply(([partition, region, accountId]) =>
                    JSON.stringify(clusterTrustPolicy({ partition, region, accountId }, a.clusterName)),
                ),
                tags: a.tags,
            },
            parent,
        );
        const rolePolicies: pulumi.Resource[] = [
            new aws.iam.RolePolicyAttachment(
                `${name}-role-${EKS_CLUSTER_POLICY}`,
                { role: role.name, policyArn: scope.apply(([partition]) => managedPolicyArn(partition, EKS_CLUSTER_POLICY)) },
                parent,
            ),
        ];
        for (const p of plan.rolePolicies) {
            rolePolicies.push(
                new aws.iam.RolePolicyAttachment(
                    p.name,
                    { role: role.name, policyArn: scope.apply(([partition]) => managedPolicyArn(partition, p.policy)) },
                    parent,
                ),
            );
        }
        if (key) {
            rolePolicies.push(
                new aws.iam.RolePolicy(
                    `${name}-role-secrets-encryption`,
                    { role: role.name, policy: key.arn.apply((arn) => JSON.stringify(clusterEncryptionPolicy(arn))) },
                    parent,
                ),
            );
        }

        const cluster = new aws.eks.Cluster(
            `${name}-eksCluster`,
            {
                name: a.clusterName,
                version: a.kubernetesVersion,
                roleArn: role.arn,
                accessConfig: {
                    authenticationMode: "API",
                    bootstrapClusterCreatorAdminPermissions: a.bootstrapClusterCreatorAdminPermissions,
                },
                // No self-managed vpc-cni, kube-proxy or CoreDNS: the EKS add-ons (infra/addons) install them, so
                // CoreDNS's pods are created after the Fargate profile that selects them.
                bootstrapSelfManagedAddons: false,
                vpcConfig: {
                    subnetIds: args.privateSubnetIds,
                    endpointPrivateAccess: true,
                    endpointPublicAccess: a.endpointPublicAccess,
                    publicAccessCidrs: a.endpointPublicAccess ? a.publicAccessCidrs : undefined,
                },
                enabledClusterLogTypes: a.enabledClusterLogTypes,
                encryptionConfig: key ? { provider: { keyArn: key.arn }, resources: ["secrets"] } : undefined,
                deletionProtection: a.protect,
                upgradePolicy: { supportType: a.supportType },
                tags: a.tags,
            },
            {
                ...protect,
                // The control plane assumes the role as it is created: its policies must be attached first.
                dependsOn: rolePolicies,
                // In a stack made with @pulumi/eks this resource was the child of its remote Cluster component.
                aliases: [{ parent: pulumi.createUrn(name, FORMER_EKS_COMPONENT, this) }],
            },
        );
        const oidcProvider = new aws.iam.OpenIdConnectProvider(
            `${name}-oidcProvider`,
            {
                url: cluster.identities[0].oidcs[0].issuer,
                clientIdLists: [IRSA_AUDIENCE],
                // No thumbprintList: IAM validates EKS's issuer against its own trusted CAs.
                tags: a.tags,
            },
            parent,
        );

        this.clusterName = cluster.name;
        this.endpoint = cluster.endpoint;
        this.clusterSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;
        this.oidcProviderArn = oidcProvider.arn;
        this.oidcIssuerUrl = oidcProvider.url.apply((u) => u.replace(/^https:\/\//, ""));
        this.kmsKeyArn = key ? key.arn : pulumi.output(undefined);

        new aws.ec2.Tag(
            `${name}-security-group-discovery`,
            { resourceId: this.clusterSecurityGroupId, key: DISCOVERY_TAG, value: this.clusterName },
            parent,
        );
        // The cluster security group admits only itself: whatever reaches the private endpoint from elsewhere
        // (a CI runner, a VPN) needs HTTPS into it.
        const deployerRules = [
            ...a.deployerCidrs.map((cidr) => ({ name: cidr, source: { cidrIpv4: cidr } })),
            ...a.deployerSecurityGroupIds.map((id) => ({ name: id, source: { referencedSecurityGroupId: id } })),
        ].map(
            (rule) =>
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-deployer-${rule.name}`,
                    {
                        securityGroupId: this.clusterSecurityGroupId,
                        description: "Kubernetes API (HTTPS) from the deployer's network",
                        ipProtocol: "tcp",
                        fromPort: API_SERVER_PORT,
                        toPort: API_SERVER_PORT,
                        ...rule.source,
                        tags: a.tags,
                    },
                    parent,
                ),
        );
        const accessPolicies = a.accessEntries.map((entry, i) => {
            const planned = plan.accessEntries[i];
            // The cluster's output: the entry waits for the cluster the plan names.
            const accessEntry = new aws.eks.AccessEntry(planned.name, { ...planned.inputs, clusterName: this.clusterName }, parent);
            return new aws.eks.AccessPolicyAssociation(
                planned.name,
                {
                    clusterName: accessEntry.clusterName,
                    principalArn: accessEntry.principalArn,
                    policyArn: accessPolicyArn(IAM_PRINCIPAL_ARN.exec(entry.principalArn)![1], entry.policy),
                    accessScope: entry.namespaces ? { type: "namespace", namespaces: entry.namespaces } : { type: "cluster" },
                },
                parent,
            );
        });

        const kubeconfig = pulumi
            .all([cluster.name, cluster.endpoint, cluster.certificateAuthority.data, scope])
            .apply(([clusterName, endpoint, certificateAuthorityData, [, region]]) =>
                kubeconfigOf({ name: clusterName, endpoint, certificateAuthorityData, region }),
            );
        this.kubeconfig = pulumi.secret(kubeconfig);
        kubernetesProviders.set(
            this,
            new k8s.Provider(
                `${name}-k8s`,
                { kubeconfig, enableServerSideApply: true },
                // Reaching the API takes the deployer's rules (private endpoint) and the access entries (when
                // the creator is not bootstrapped as admin).
                { parent: this, dependsOn: [...deployerRules, ...accessPolicies] },
            ),
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
