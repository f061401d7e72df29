import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { DISCOVERY_TAG } from "../cluster/cluster";
import { check } from "../errors";
import { IMAGE_GC_DEFAULTS } from "../model/observability";
import { TYPES } from "../model/tokens";
import { VERSIONS } from "../model/versions";
import { parseQuantity } from "../model/quantity";
import {
    AMI_ID,
    AMI_OWNER,
    EVICTION_SIGNALS,
    KMS_KEY,
    EVICTION_THRESHOLD,
    MAX_SELECTOR_TERMS,
    RESERVABLE_RESOURCES,
    SELECTOR_SECURITY_GROUP_ID,
    SUBNET_ID,
    WINDOWS_ROOT_DEVICE,
} from "../model/node-class";
import { USER_DATA_CONTENT_TYPES, UserDataFormat, boundaryLine, containerdVolumePart, multipartUserData } from "./user-data";
import { checkDuration, checkInteger, checkObjectName, checkTagKey } from "./validation";

/** The node operating systems the library supports, each by its EKS-optimized AMI alias. */
export enum AmiFamily {
    /** Amazon Linux 2023; a user-data script puts containerd on the data volume. */
    AL2023 = "AL2023",
    /** Bottlerocket; its second volume is its data volume natively, no script. */
    Bottlerocket = "Bottlerocket",
    /**
     * Windows Server 2022 (Core, EKS-optimized): one root volume (`/dev/sda1`), no data volume, no user-data
     * parts; the AMI is always the latest (Karpenter cannot pin a Windows alias). Its pools run amd64 only.
     */
    Windows2022 = "Windows2022",
}

/** Whether nodes of the family run Windows (their pools, node role and VPC CNI differ). */
export function isWindowsFamily(family: AmiFamily | undefined): boolean {
    return family === AmiFamily.Windows2022;
}

/** The AMI family of an EC2NodeClass that names none. */
export const DEFAULT_AMI_FAMILY = AmiFamily.AL2023;

/** An encrypted gp3 EBS volume. */
export interface EbsVolume {
    /** Size in GiB: 1 to 16384 (gp3), and at least what the AMI needs on this device. @default per volume, see below */
    sizeGiB?: number;
    /** Provisioned IOPS: 3000 to 16000 (gp3), and above gp3's 3000 baseline at most 500 per GiB. @default per volume */
    iops?: number;
    /** Provisioned throughput in MiB/s: 125 to 1000 (gp3), and at most 0.25 per provisioned IOPS. @default per volume */
    throughputMiBps?: number;
}

/** The data volume: containerd's on AL2023, Bottlerocket's data volume. */
export interface DataVolume extends EbsVolume {
    /**
     * Device name the volume is mapped as (AL2023 only: Bottlerocket expects its data volume at /dev/xvdb).
     * @default "/dev/xvdb"
     */
    deviceName?: string;
}

/**
 * One term selecting the AMIs of a custom image (a term matches AMIs that match all its fields; the class
 * uses AMIs matching any term): by `id` alone, by `name` (wildcards allowed) with an optional `owner`, or by
 * `tags`.
 */
export interface AmiSelectorTerm {
    /** AMI ID (`ami-0123456789abcdef0`); no other field beside it. @default none */
    id?: string;
    /** AMI name, `*` wildcards allowed (`my-al2023-eks-1.35-*`). @default none */
    name?: string;
    /** Owner of AMIs selected by name or tags: an account ID, `self` or `amazon`. @default any owner (Karpenter's default: self and amazon) */
    owner?: string;
    /** Tags the AMI has (`*` as a value matches any). @default none */
    tags?: Record<string, string>;
}

/** One term selecting subnets: by `id` alone, or by `tags`. */
export interface SubnetSelectorTerm {
    /** Subnet ID (`subnet-0123456789abcdef0`); no other field beside it. @default none */
    id?: string;
    /** Tags the subnet has (`*` as a value matches any). @default none */
    tags?: Record<string, string>;
}

/** One term selecting security groups: by `id` alone, by `name` alone, or by `tags`. */
export interface SecurityGroupSelectorTerm {
    /** Security group ID (`sg-0123456789abcdef0`); no other field beside it. @default none */
    id?: string;
    /** Security group name; no other field beside it. @default none */
    name?: string;
    /** Tags the security group has (`*` as a value matches any). @default none */
    tags?: Record<string, string>;
}

/** A user-data part of a class's own, merged after the containerd-volume part and before Karpenter's NodeConfig. */
export interface UserDataSettings {
    /** `shell` (a script cloud-init runs in its final stage) or `cloud-config`. */
    format: UserDataFormat;
    /** The script (starting with `#!`) or the cloud-config document (starting with `#cloud-config`). */
    content: string;
}

/**
 * kubelet settings Karpenter writes into the node's configuration (and uses when it computes what a node
 * can hold). Each unset field keeps the AMI's (and Karpenter's) default. The image garbage collection
 * thresholds are the class's `imageGC` (always set).
 */
export interface KubeletSettings {
    /** Most pods on a node. @default from the instance type's ENIs and IPs (Karpenter's computation) */
    maxPods?: number;
    /** Most pods per vCPU; the lower of this and maxPods applies. @default no per-core limit */
    podsPerCore?: number;
    /** Resources kept for the OS's daemons (`cpu`, `memory`, `ephemeral-storage`, `pid`), as quantities. @default none */
    systemReserved?: Record<string, string>;
    /** Resources kept for kubelet and containerd, as quantities. @default Karpenter's, computed from the instance type's CPUs and max pods */
    kubeReserved?: Record<string, string>;
    /** Hard eviction thresholds by signal (`memory.available: 100Mi`, `nodefs.available: 10%`). @default kubelet's (memory.available 100Mi, nodefs.available 10%...) */
    evictionHard?: Record<string, string>;
    /** Soft eviction thresholds by signal; each needs its grace period in evictionSoftGracePeriod. @default none */
    evictionSoft?: Record<string, string>;
    /** How long each soft threshold must hold before pods are evicted (`1m30s`), for exactly the signals of evictionSoft. @default none */
    evictionSoftGracePeriod?: Record<string, string>;
    /** Longest grace period (seconds) given to a pod evicted by a soft threshold. @default the pod's own */
    evictionMaxPodGracePeriod?: number;
    /** Enforce CPU limits with CFS quota. @default true (kubelet's) */
    cpuCFSQuota?: boolean;
}

/** Kubelet image garbage collection thresholds, percent of the image filesystem. */
export interface ImageGcSettings {
    /** Usage above which kubelet deletes unused images. @default 85 */
    highThresholdPercent?: number;
    /** Usage kubelet collects down to. @default 80 */
    lowThresholdPercent?: number;
}

/** The settings of one EC2NodeClass, less what the cluster decides (its name, the node role). */
export interface NodeClassSettings {
    /** Kubernetes name of the EC2NodeClass; NodePools refer to it. A DNS-1123 subdomain. */
    name: string;
    /** AMI family. @default AmiFamily.AL2023 (DEFAULT_AMI_FAMILY) */
    amiFamily?: AmiFamily;
    /**
     * AMI release, the part of the alias after `@` (`v20260724` for AL2023, `v1.49.0` for Bottlerocket).
     * Pinned so that a new AMI reaches nodes only by a reviewed change (as drift); `latest` is allowed
     * but rolls every node on each AMI release. Windows: only `latest` (Karpenter cannot pin a Windows alias:
     * every Windows AMI release replaces the nodes as drift; select a fixed AMI with amiSelectorTerms to pin).
     * @default the version pinned in VERSIONS; `latest` on Windows
     */
    amiVersion?: string;
    /**
     * Root volume, /dev/xvda (Windows: /dev/sda1). AL2023: the OS, kubelet and pods' ephemeral storage (at
     * least 20 GiB, the AMI's size). Bottlerocket: the OS only (at least 4 GiB). Windows: everything, container
     * images included (at least 50 GiB, Karpenter's Windows default).
     * @default AL2023 50 GiB, Bottlerocket 4 GiB, Windows 50 GiB; 3000 IOPS, 125 MiB/s
     */
    rootVolume?: EbsVolume;
    /**
     * Data volume. AL2023: mounted on /var/lib/containerd (images, container layers) by the user data.
     * Bottlerocket: container images, logs and ephemeral storage (at least 20 GiB, the AMI's size). Windows:
     * none, refused (one root volume holds everything).
     * @default 200 GiB, 10000 IOPS, 500 MiB/s at /dev/xvdb; none on Windows
     */
    dataVolume?: DataVolume;
    /**
     * Kubelet image garbage collection (the EC2NodeClass `kubelet` thresholds, percent of the image
     * filesystem: the containerd volume on AL2023, the data volume on Bottlerocket). Above `highThresholdPercent`
     * kubelet deletes unused images until usage is below `lowThresholdPercent`; both stay under the containerd
     * volume's usage alarm (90 %), so the volume cleans itself first.
     * @default { highThresholdPercent: 85, lowThresholdPercent: 80 }
     */
    imageGC?: ImageGcSettings;
    /** KMS key (ID, alias or ARN) that encrypts both volumes. @default the account's EBS default key */
    kmsKeyId?: pulumi.Input<string>;
    /** Tags for the instances, volumes and network interfaces Karpenter creates (cost allocation). @default {} */
    tags?: Record<string, string>;
    /**
     * A custom AMI instead of the EKS-optimized alias: at most 30 terms, an AMI matching any of them is used
     * (the newest when several match). The AMI must be of amiFamily (its user-data format), and amiVersion is
     * then not given. @default the alias of amiFamily at amiVersion
     */
    amiSelectorTerms?: AmiSelectorTerm[];
    /** The subnets nodes launch in (at most 30 terms). @default the subnets tagged `karpenter.sh/discovery=<clusterName>` */
    subnetSelectorTerms?: SubnetSelectorTerm[];
    /** The nodes' security groups (at most 30 terms). @default the security groups tagged `karpenter.sh/discovery=<clusterName>` */
    securityGroupSelectorTerms?: SecurityGroupSelectorTerm[];
    /**
     * User-data parts of the class's own (AL2023 only: Bottlerocket takes TOML settings, Windows PowerShell), placed after the
     * containerd-volume part. Shell parts and a cloud-config's `runcmd` run after it; a cloud-config's
     * `bootcmd`, `fs_setup` and `mounts` run before it (cloud-init's init stage). The containerd guardrail
     * reads them with it in that order: a part that loses the containerd store, or is not valid bash, is
     * refused. @default []
     */
    userData?: UserDataSettings[];
    /** kubelet settings. @default none: the AMI's and Karpenter's defaults */
    kubelet?: KubeletSettings;
    /**
     * IMDS `httpPutResponseHopLimit`. 1 keeps pods (one network hop further) from the node role's credentials;
     * the IMDS guardrail refuses more than its maxHopLimit (1 unless the guardrails allow more). @default 1
     */
    imdsHopLimit?: number;
    /**
     * Name of the node IAM role; Karpenter creates the instance profile. Give at most one of role and
     * instanceProfile (a role of your own needs its own EKS access entry). @default the cluster's node role
     */
    role?: pulumi.Input<string>;
    /**
     * Name of an existing instance profile, for private clusters where the controller cannot reach IAM.
     * Give at most one of role and instanceProfile. @default the node role's instance profile in a private cluster
     */
    instanceProfile?: pulumi.Input<string>;
}

export interface EC2NodeClassArgs extends NodeClassSettings {
    /** EKS cluster name: nodes use the subnets and security groups tagged `karpenter.sh/discovery=<clusterName>`. */
    clusterName: pulumi.Input<string>;
}

/** The root device of the Linux AMI families. */
export const ROOT_DEVICE = "/dev/xvda";
const DATA_DEVICE = "/dev/xvdb";

/** What differs between the AMI families. */
const FAMILIES = {
    [AmiFamily.AL2023]: {
        alias: VERSIONS.al2023AmiAlias,
        version: /^(v[0-9]{8}|latest)$/,
        versionFormat: "vYYYYMMDD (an amazon-eks-ami release) or latest",
        rootDevice: ROOT_DEVICE,
        rootDefaultGiB: 50,
        rootMinGiB: 20,
        // The containerd volume holds every image: at least the image store of a stock node (AL2023's
        // 20 GiB root volume, Bottlerocket's 20 GiB data volume). See the README (Nodes).
        dataMinGiB: 20,
        // kubelet's root dir stays on the root volume; containerd moves to the data volume.
        kubeletOnData: false,
    },
    [AmiFamily.Bottlerocket]: {
        alias: VERSIONS.bottlerocketAmiAlias,
        version: /^(v?[0-9]+\.[0-9]+\.[0-9]+|latest)$/,
        versionFormat: "vX.Y.Z (a Bottlerocket release) or latest",
        rootDevice: ROOT_DEVICE,
        rootDefaultGiB: 4,
        rootMinGiB: 4,
        dataMinGiB: 20,
        // Bottlerocket keeps kubelet's root dir, images and logs on its data volume.
        kubeletOnData: true,
    },
    [AmiFamily.Windows2022]: {
        alias: VERSIONS.windows2022AmiAlias,
        // Karpenter's CRD: "windows families may only specify version 'latest'".
        version: /^latest$/,
        versionFormat: "latest: Karpenter cannot pin a Windows alias (amiSelectorTerms can select a fixed AMI)",
        rootDevice: WINDOWS_ROOT_DEVICE,
        // Karpenter's Windows default (v1.9 pkg/providers/amifamily/windows.go, DefaultBlockDeviceMappings, and
        // its docs' "Windows2019/Windows2022/Windows2025" mappings): 50Gi on /dev/sda1. Everything (OS, kubelet,
        // containerd's images) is on it; the library goes no lower, since a volume smaller than the AMI's root
        // snapshot fails every launch.
        rootDefaultGiB: 50,
        rootMinGiB: 50,
        dataMinGiB: 0,
        kubeletOnData: false,
    },
};

const GP3 = { minGiB: 1, maxGiB: 16384, minIops: 3000, maxIops: 16000, iopsPerGiB: 500, minThroughput: 125, maxThroughput: 1000 };

/** Args with defaults applied and every plain value checked; throws ConfigError naming the setting. */
export function resolveEC2NodeClassArgs(args: EC2NodeClassArgs) {
    const at = `EC2NodeClass[${args.name}]`;
    checkObjectName(`${at}.name`, args.name);
    const amiFamily = args.amiFamily ?? DEFAULT_AMI_FAMILY;
    check(Object.values(AmiFamily).includes(amiFamily), `${at}.amiFamily`, amiFamily, Object.values(AmiFamily).join(", "));
    const family = FAMILIES[amiFamily];
    const windows = isWindowsFamily(amiFamily);

    const given = (value: unknown) => (value === undefined ? "unset" : "set");
    check(
        (args.role === undefined) !== (args.instanceProfile === undefined),
        `${at}.role`,
        `role ${given(args.role)}, instanceProfile ${given(args.instanceProfile)}`,
        "exactly one of role (Karpenter then manages the instance profile) and instanceProfile (a pre-created one)",
    );
    check(args.clusterName !== undefined && args.clusterName !== "", `${at}.clusterName`, args.clusterName, "the EKS cluster's name");
    for (const [field, value] of [
        ["role", args.role],
        ["instanceProfile", args.instanceProfile],
    ] as const) {
        check(value !== "", `${at}.${field}`, value, "a non-empty name");
    }

    const [aliasFamily, pinned] = family.alias.split("@");
    const amiVersion = args.amiVersion ?? pinned;
    check(family.version.test(amiVersion), `${at}.amiVersion`, amiVersion, family.versionFormat);
    const amiAlias = `${aliasFamily}@${amiVersion}`;
    check(amiAlias.length <= 30, `${at}.amiVersion`, amiVersion, "an alias of at most 30 characters");
    if (args.amiSelectorTerms !== undefined) {
        check(
            args.amiVersion === undefined,
            `${at}.amiVersion`,
            args.amiVersion,
            "left out with amiSelectorTerms (a custom AMI has no alias version)",
        );
        checkTerms(`${at}.amiSelectorTerms`, args.amiSelectorTerms, (setting, t: AmiSelectorTerm) => {
            checkExclusiveId(setting, t, AMI_ID, "ami-", ["name", "owner", "tags"]);
            check(
                t.id !== undefined || t.name !== undefined || t.tags !== undefined,
                setting,
                t,
                "an id, a name (with an optional owner) or tags",
            );
            if (t.owner !== undefined)
                check(
                    AMI_OWNER.test(t.owner),
                    `${setting}.owner`,
                    t.owner,
                    "an account ID (12 digits), self, amazon, aws-marketplace or aws-backup-vault",
                );
            if (t.name !== undefined) check(typeof t.name === "string" && t.name !== "", `${setting}.name`, t.name, "a non-empty AMI name");
        });
    }
    checkTerms(`${at}.subnetSelectorTerms`, args.subnetSelectorTerms, (setting, t: SubnetSelectorTerm) => {
        checkExclusiveId(setting, t, SUBNET_ID, "subnet-", ["tags"]);
        check(t.id !== undefined || t.tags !== undefined, setting, t, "an id or tags");
    });
    checkTerms(`${at}.securityGroupSelectorTerms`, args.securityGroupSelectorTerms, (setting, t: SecurityGroupSelectorTerm) => {
        checkExclusiveId(setting, t, SELECTOR_SECURITY_GROUP_ID, "sg-", ["name", "tags"]);
        check(t.name === undefined || t.tags === undefined, `${setting}.name`, t.name, "a name alone: no tags beside it");
        if (t.name !== undefined)
            check(typeof t.name === "string" && t.name !== "", `${setting}.name`, t.name, "a non-empty security group name");
        check(t.id !== undefined || t.name !== undefined || t.tags !== undefined, setting, t, "an id, a name or tags");
    });

    const userData = args.userData ?? [];
    check(
        userData.length === 0 || amiFamily === AmiFamily.AL2023,
        `${at}.userData`,
        userData.map((u) => u.format),
        windows
            ? "no parts on a Windows class: its user data is PowerShell that Karpenter writes, not cloud-init parts"
            : "no parts on a Bottlerocket class: its user data is TOML settings, not cloud-init parts",
    );
    check(
        !windows || args.dataVolume === undefined,
        `${at}.dataVolume`,
        args.dataVolume,
        "left out on a Windows class: it has one volume, the root volume (containerd's images are on it)",
    );
    userData.forEach((u, i) => {
        const setting = `${at}.userData[${i}]`;
        check(Object.values(UserDataFormat).includes(u.format), `${setting}.format`, u.format, Object.values(UserDataFormat).join(" or "));
        check(typeof u.content === "string" && u.content.trim() !== "", `${setting}.content`, u.content, "the part's text");
        const first = u.content.trimStart().split("\n")[0];
        if (u.format === UserDataFormat.Shell)
            check(first.startsWith("#!"), `${setting}.content`, first, "a script starting with #! (e.g. #!/bin/bash)");
        else check(first.trim() === "#cloud-config", `${setting}.content`, first, "a document whose first line is #cloud-config");
        const split = boundaryLine(u.content);
        check(split === undefined, `${setting}.content`, first, `a part that keeps the MIME document whole; its ${split}`);
    });

    const kubelet = args.kubelet;
    if (kubelet !== undefined) resolveKubelet(`${at}.kubelet`, kubelet);
    const imdsHopLimit = args.imdsHopLimit ?? 1;
    checkInteger(`${at}.imdsHopLimit`, imdsHopLimit, 1, 64, "IMDS allows 1 to 64 hops");

    const rootVolume = resolveVolume(
        `${at}.rootVolume`,
        args.rootVolume,
        { sizeGiB: family.rootDefaultGiB, iops: 3000, throughputMiBps: 125 },
        family.rootMinGiB,
    );
    const dataVolume = windows
        ? undefined
        : resolveVolume(`${at}.dataVolume`, args.dataVolume, { sizeGiB: 200, iops: 10000, throughputMiBps: 500 }, family.dataMinGiB);
    const dataDevice = args.dataVolume?.deviceName ?? DATA_DEVICE;
    check(dataDevice !== ROOT_DEVICE, `${at}.dataVolume.deviceName`, dataDevice, `a device other than the root volume's ${ROOT_DEVICE}`);
    check(
        /^\/dev\/(xvd|sd)[b-z]$/.test(dataDevice),
        `${at}.dataVolume.deviceName`,
        dataDevice,
        "a device name /dev/xvdb to /dev/xvdz or /dev/sdb to /dev/sdz",
    );
    check(
        amiFamily !== AmiFamily.Bottlerocket || dataDevice === DATA_DEVICE,
        `${at}.dataVolume.deviceName`,
        dataDevice,
        `${DATA_DEVICE}: Bottlerocket finds its data volume there`,
    );

    const tags = args.tags ?? {};
    for (const key of Object.keys(tags)) checkTagKey(`${at}.tags`, key);
    if (typeof args.kmsKeyId === "string") {
        check(KMS_KEY.test(args.kmsKeyId), `${at}.kmsKeyId`, args.kmsKeyId, "a KMS key ID, alias/<name>, or a key or alias ARN");
    }

    const imageGC = {
        highThresholdPercent: args.imageGC?.highThresholdPercent ?? IMAGE_GC_DEFAULTS.highThresholdPercent,
        lowThresholdPercent: args.imageGC?.lowThresholdPercent ?? IMAGE_GC_DEFAULTS.lowThresholdPercent,
    };
    checkInteger(`${at}.imageGC.highThresholdPercent`, imageGC.highThresholdPercent, 1, 100, "percent of the image filesystem");
    checkInteger(`${at}.imageGC.lowThresholdPercent`, imageGC.lowThresholdPercent, 0, 99, "percent of the image filesystem");
    check(
        imageGC.highThresholdPercent > imageGC.lowThresholdPercent,
        `${at}.imageGC.lowThresholdPercent`,
        imageGC.lowThresholdPercent,
        `below highThresholdPercent (${imageGC.highThresholdPercent}): kubelet collects from high down to low`,
    );

    return {
        ...args,
        amiFamily,
        amiAlias,
        userData,
        imdsHopLimit,
        windows,
        rootVolume: { ...rootVolume, deviceName: family.rootDevice, kubelet: !family.kubeletOnData },
        dataVolume: dataVolume && { ...dataVolume, deviceName: dataDevice, kubelet: family.kubeletOnData },
        imageGC,
        tags,
    };
}

/** Each term of a selector list checked by `each`, naming it by index; an absent list is the default. */
function checkTerms<T>(setting: string, terms: T[] | undefined, each: (setting: string, term: T) => void): void {
    if (terms === undefined) return;
    check(
        Array.isArray(terms) && terms.length > 0 && terms.length <= MAX_SELECTOR_TERMS,
        setting,
        terms,
        `1 to ${MAX_SELECTOR_TERMS} terms (omit it for the default)`,
    );
    terms.forEach((t, i) => {
        const at = `${setting}[${i}]`;
        const tags = (t as { tags?: Record<string, string> }).tags;
        if (tags !== undefined) {
            check(Object.keys(tags).length > 0, `${at}.tags`, tags, "at least one tag");
            for (const [k, v] of Object.entries(tags))
                check(
                    k !== "" && typeof v === "string" && v !== "",
                    `${at}.tags`,
                    tags,
                    "non-empty tag keys and values (* matches any value)",
                );
        }
        each(at, t);
    });
}

/** A term's `id`: of the ID's form, and alone in its term. */
function checkExclusiveId(setting: string, term: { id?: string }, form: RegExp, prefix: string, others: string[]): void {
    if (term.id === undefined) return;
    check(typeof term.id === "string" && form.test(term.id), `${setting}.id`, term.id, `an ID such as ${prefix}0123456789abcdef0`);
    const beside = others.filter((f) => (term as Record<string, unknown>)[f] !== undefined);
    check(
        beside.length === 0,
        `${setting}.id`,
        term.id,
        `an id alone in its term (${beside.join(", ")} given beside it): write another term for those`,
    );
}

/** `key` is one of `allowed`; the error lists them. */
function checkOneOf(setting: string, key: string, allowed: readonly string[]): void {
    check(allowed.includes(key), setting, key, `one of ${allowed.join(", ")}`);
}

function resolveKubelet(setting: string, k: KubeletSettings): void {
    for (const field of ["maxPods", "podsPerCore", "evictionMaxPodGracePeriod"] as const) {
        if (k[field] !== undefined) checkInteger(`${setting}.${field}`, k[field], 0, 2147483647);
    }
    for (const field of ["systemReserved", "kubeReserved"] as const) {
        for (const [resource, quantity] of Object.entries(k[field] ?? {})) {
            checkOneOf(`${setting}.${field}`, resource, RESERVABLE_RESOURCES);
            const q = typeof quantity === "string" ? parseQuantity(quantity) : undefined;
            check(
                q !== undefined && q >= 0n,
                `${setting}.${field}.${resource}`,
                quantity,
                "a quantity of at least zero, such as 100m, 512Mi or 1Gi",
            );
        }
    }
    for (const field of ["evictionHard", "evictionSoft", "evictionSoftGracePeriod"] as const) {
        for (const [signal, value] of Object.entries(k[field] ?? {})) {
            checkOneOf(`${setting}.${field}`, signal, EVICTION_SIGNALS);
            if (field === "evictionSoftGracePeriod") checkDuration(`${setting}.${field}.${signal}`, value, false);
            else
                check(
                    typeof value === "string" && EVICTION_THRESHOLD.test(value),
                    `${setting}.${field}.${signal}`,
                    value,
                    "a percentage (10%) or a quantity (500Mi)",
                );
        }
    }
    const soft = Object.keys(k.evictionSoft ?? {}).sort();
    const grace = Object.keys(k.evictionSoftGracePeriod ?? {}).sort();
    check(
        soft.join() === grace.join(),
        `${setting}.evictionSoftGracePeriod`,
        grace,
        `a grace period for exactly the signals of evictionSoft (${soft.join(", ") || "none"})`,
    );
    if (k.cpuCFSQuota !== undefined) check(typeof k.cpuCFSQuota === "boolean", `${setting}.cpuCFSQuota`, k.cpuCFSQuota, "true or false");
}

function resolveVolume(setting: string, volume: EbsVolume | undefined, defaults: Required<EbsVolume>, minGiB: number) {
    const sizeGiB = volume?.sizeGiB ?? defaults.sizeGiB;
    checkInteger(
        `${setting}.sizeGiB`,
        sizeGiB,
        Math.max(GP3.minGiB, minGiB),
        GP3.maxGiB,
        minGiB > 1 ? `the AMI needs at least ${minGiB} GiB here; gp3 allows up to ${GP3.maxGiB}` : "gp3",
    );
    const iops = volume?.iops ?? defaults.iops;
    checkInteger(`${setting}.iops`, iops, GP3.minIops, GP3.maxIops, "gp3");
    const maxIops = Math.max(GP3.minIops, GP3.iopsPerGiB * sizeGiB);
    check(
        iops <= maxIops,
        `${setting}.iops`,
        iops,
        `at most ${maxIops} for ${sizeGiB} GiB: gp3 allows 500 IOPS per GiB above its 3000 baseline`,
    );
    const throughputMiBps = volume?.throughputMiBps ?? defaults.throughputMiBps;
    checkInteger(`${setting}.throughputMiBps`, throughputMiBps, GP3.minThroughput, GP3.maxThroughput, "gp3, MiB/s");
    check(
        throughputMiBps <= iops / 4,
        `${setting}.throughputMiBps`,
        throughputMiBps,
        `at most ${Math.floor(iops / 4)} MiB/s for ${iops} IOPS: gp3 allows 0.25 MiB/s per provisioned IOPS`,
    );
    return { sizeGiB, iops, throughputMiBps };
}

/** The EC2NodeClass object (apiVersion, kind, metadata, spec) for resolved inputs. Pure; throws ConfigError. */
export function renderEC2NodeClass(args: pulumi.Unwrap<EC2NodeClassArgs>) {
    const a = resolveEC2NodeClassArgs(args);
    const discovery = [{ tags: { [DISCOVERY_TAG]: args.clusterName } }];
    const amiSelectorTerms: (AmiSelectorTerm & { alias?: string })[] = a.amiSelectorTerms ?? [{ alias: a.amiAlias }];
    const userDataParts = [
        ...(a.dataVolume ? [containerdVolumePart(a.dataVolume.deviceName)] : []),
        ...a.userData.map((u) => ({ contentType: USER_DATA_CONTENT_TYPES[u.format], body: u.content })),
    ];
    const mapping = (v: typeof a.rootVolume) => ({
        deviceName: v.deviceName,
        // The volume holding kubelet's root dir: Karpenter sizes the node's ephemeral storage from it.
        ...(v.kubelet ? { rootVolume: true } : {}),
        ebs: {
            volumeSize: `${v.sizeGiB}Gi`,
            volumeType: "gp3",
            iops: v.iops,
            throughput: v.throughputMiBps,
            encrypted: true,
            ...(args.kmsKeyId !== undefined ? { kmsKeyID: args.kmsKeyId } : {}),
            deleteOnTermination: true,
        },
    });
    return {
        apiVersion: VERSIONS.apiVersions.ec2NodeClass,
        kind: "EC2NodeClass",
        metadata: { name: a.name },
        spec: {
            // The alias implies amiFamily (and its user-data format), so amiFamily is left out; a custom AMI names it.
            amiSelectorTerms,
            ...(a.amiSelectorTerms ? { amiFamily: a.amiFamily } : {}),
            ...(args.role !== undefined ? { role: args.role } : { instanceProfile: args.instanceProfile }),
            subnetSelectorTerms: a.subnetSelectorTerms ?? discovery,
            securityGroupSelectorTerms: a.securityGroupSelectorTerms ?? discovery,
            // A Windows class maps its root volume only (no containerd volume, no script to mount one).
            blockDeviceMappings: [mapping(a.rootVolume), ...(a.dataVolume ? [mapping(a.dataVolume)] : [])],
            // IMDSv2 only, and by default one hop: containers (one hop further) cannot use the node role's credentials.
            metadataOptions: {
                httpEndpoint: "enabled",
                httpProtocolIPv6: "disabled",
                httpPutResponseHopLimit: a.imdsHopLimit,
                httpTokens: "required",
            },
            kubelet: {
                ...a.kubelet,
                imageGCHighThresholdPercent: a.imageGC.highThresholdPercent,
                imageGCLowThresholdPercent: a.imageGC.lowThresholdPercent,
            },
            ...(Object.keys(a.tags).length > 0 ? { tags: a.tags } : {}),
            ...(a.amiFamily === AmiFamily.AL2023 ? { userData: multipartUserData(userDataParts) } : {}),
        },
    };
}

/**
 * The EC2NodeClass's plan: the object it registers as `name`, rendered from the args. Values only
 * deployment knows (the cluster's name, the role) are leaves the rendering places without reading them.
 */
export function planEC2NodeClass(name: string, args: EC2NodeClassArgs) {
    const nodeClass = { type: TYPES.ec2NodeClass, name, inputs: renderEC2NodeClass(args as pulumi.Unwrap<EC2NodeClassArgs>) };
    return { settings: resolveEC2NodeClassArgs(args), nodeClass, descriptions: [nodeClass] };
}

/**
 * An EC2NodeClass (`karpenter.k8s.aws/v1`): AMI by pinned alias (or a custom AMI's selector terms), subnets
 * and security groups by the cluster's discovery tag (or terms of the class's own), encrypted gp3 root and data
 * volumes, IMDSv2, kubelet settings, and on AL2023 the user data that moves containerd onto the data volume
 * followed by the class's own parts.
 *
 * Pass the cluster's Kubernetes provider in `opts.providers` (or `opts.provider`) and the Karpenter
 * release in `opts.dependsOn`: the object then goes before the controller on `pulumi destroy`, while
 * the controller can still run the finalizer that cleans up its instance profile and nodes.
 */
export class EC2NodeClass extends pulumi.ComponentResource {
    /** Kubernetes name of the EC2NodeClass. */
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: EC2NodeClassArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planEC2NodeClass(name, args); // every check, before registering anything
        super(componentType("EC2NodeClass"), name, {}, componentOptions("EC2NodeClass", opts));
        const nodeClass = new k8s.apiextensions.CustomResource(plan.nodeClass.name, plan.nodeClass.inputs, {
            parent: this,
            dependsOn: opts?.dependsOn,
        });
        this.name = nodeClass.metadata.name;
        this.registerOutputs({ name: this.name });
    }
}
