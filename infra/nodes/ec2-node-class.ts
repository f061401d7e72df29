import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { DISCOVERY_TAG } from "../cluster/cluster";
import { check } from "../errors";
import { IMAGE_GC_DEFAULTS } from "../model/observability";
import { TYPES } from "../model/tokens";
import { VERSIONS } from "../model/versions";
import { containerdVolumePart, multipartUserData } from "./user-data";
import { checkInteger, checkObjectName, checkTagKey } from "./validation";

/** The node operating systems the library supports, each by its EKS-optimized AMI alias. */
export enum AmiFamily {
    /** Amazon Linux 2023; a user-data script puts containerd on the data volume. */
    AL2023 = "AL2023",
    /** Bottlerocket; its second volume is its data volume natively, no script. */
    Bottlerocket = "Bottlerocket",
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
     * but rolls every node on each AMI release. @default the version pinned in VERSIONS
     */
    amiVersion?: string;
    /**
     * Root volume, /dev/xvda. AL2023: the OS, kubelet and pods' ephemeral storage (at least 20 GiB, the
     * AMI's size). Bottlerocket: the OS only (at least 4 GiB).
     * @default AL2023 50 GiB, Bottlerocket 4 GiB; 3000 IOPS, 125 MiB/s
     */
    rootVolume?: EbsVolume;
    /**
     * Data volume. AL2023: mounted on /var/lib/containerd (images, container layers) by the user data.
     * Bottlerocket: container images, logs and ephemeral storage (at least 20 GiB, the AMI's size).
     * @default 200 GiB, 10000 IOPS, 500 MiB/s at /dev/xvdb
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
}

export interface EC2NodeClassArgs extends NodeClassSettings {
    /** EKS cluster name: nodes use the subnets and security groups tagged `karpenter.sh/discovery=<clusterName>`. */
    clusterName: pulumi.Input<string>;
    /** Name of the node IAM role; Karpenter creates the instance profile. Give exactly one of role and instanceProfile. */
    role?: pulumi.Input<string>;
    /**
     * Name of an existing instance profile, for private clusters where the controller cannot reach IAM.
     * Give exactly one of role and instanceProfile.
     */
    instanceProfile?: pulumi.Input<string>;
}

/** The root device of both AMI families. */
export const ROOT_DEVICE = "/dev/xvda";
const DATA_DEVICE = "/dev/xvdb";

/** What differs between the AMI families. */
const FAMILIES = {
    [AmiFamily.AL2023]: {
        alias: VERSIONS.al2023AmiAlias,
        version: /^(v[0-9]{8}|latest)$/,
        versionFormat: "vYYYYMMDD (an amazon-eks-ami release) or latest",
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
        rootDefaultGiB: 4,
        rootMinGiB: 4,
        dataMinGiB: 20,
        // Bottlerocket keeps kubelet's root dir, images and logs on its data volume.
        kubeletOnData: true,
    },
};

const GP3 = { minGiB: 1, maxGiB: 16384, minIops: 3000, maxIops: 16000, iopsPerGiB: 500, minThroughput: 125, maxThroughput: 1000 };

/** Args with defaults applied and every plain value checked; throws ConfigError naming the setting. */
export function resolveEC2NodeClassArgs(args: EC2NodeClassArgs) {
    checkObjectName("EC2NodeClass.name", args.name);
    const at = `EC2NodeClass[${args.name}]`;
    const amiFamily = args.amiFamily ?? DEFAULT_AMI_FAMILY;
    check(Object.values(AmiFamily).includes(amiFamily), `${at}.amiFamily`, amiFamily, "AL2023 or Bottlerocket");
    const family = FAMILIES[amiFamily];

    const given = (value: unknown) => (value === undefined ? "unset" : "set");
    check(
        (args.role === undefined) !== (args.instanceProfile === undefined),
        `${at}.role`,
        `role ${given(args.role)}, instanceProfile ${given(args.instanceProfile)}`,
        "exactly one of role (Karpenter then manages the instance profile) and instanceProfile (a pre-created one)",
    );
    check(args.clusterName !== undefined && args.clusterName !== "", `${at}.clusterName`, args.clusterName, "the EKS cluster's name");
    for (const [field, value] of [["role", args.role], ["instanceProfile", args.instanceProfile]] as const) {
        check(value !== "", `${at}.${field}`, value, "a non-empty name");
    }

    const [aliasFamily, pinned] = family.alias.split("@");
    const amiVersion = args.amiVersion ?? pinned;
    check(family.version.test(amiVersion), `${at}.amiVersion`, amiVersion, family.versionFormat);
    const amiAlias = `${aliasFamily}@${amiVersion}`;
    check(amiAlias.length <= 30, `${at}.amiVersion`, amiVersion, "an alias of at most 30 characters");

    const rootVolume = resolveVolume(`${at}.rootVolume`, args.rootVolume, { sizeGiB: family.rootDefaultGiB, iops: 3000, throughputMiBps: 125 }, family.rootMinGiB);
    const dataVolume = resolveVolume(`${at}.dataVolume`, args.dataVolume, { sizeGiB: 200, iops: 10000, throughputMiBps: 500 }, family.dataMinGiB);
    const dataDevice = args.dataVolume?.deviceName ?? DATA_DEVICE;
    check(dataDevice !== ROOT_DEVICE, `${at}.dataVolume.deviceName`, dataDevice, `a device other than the root volume's ${ROOT_DEVICE}`);
    check(/^\/dev\/(xvd|sd)[b-z]$/.test(dataDevice), `${at}.dataVolume.deviceName`, dataDevice, "a device name /dev/xvdb to /dev/xvdz or /dev/sdb to /dev/sdz");
    check(
        amiFamily !== AmiFamily.Bottlerocket || dataDevice === DATA_DEVICE,
        `${at}.dataVolume.deviceName`,
        dataDevice,
        `${DATA_DEVICE}: Bottlerocket finds its data volume there`,
    );

    const tags = args.tags ?? {};
    for (const key of Object.keys(tags)) checkTagKey(`${at}.tags`, key);

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
        rootVolume: { ...rootVolume, deviceName: ROOT_DEVICE, kubelet: !family.kubeletOnData },
        dataVolume: { ...dataVolume, deviceName: dataDevice, kubelet: family.kubeletOnData },
        imageGC,
        tags,
    };
}

function resolveVolume(setting: string, volume: EbsVolume | undefined, defaults: Required<EbsVolume>, minGiB: number) {
    const sizeGiB = volume?.sizeGiB ?? defaults.sizeGiB;
    checkInteger(`${setting}.sizeGiB`, sizeGiB, Math.max(GP3.minGiB, minGiB), GP3.maxGiB, minGiB > 1 ? `the AMI needs at least ${minGiB} GiB here; gp3 allows up to ${GP3.maxGiB}` : "gp3");
    const iops = volume?.iops ?? defaults.iops;
    checkInteger(`${setting}.iops`, iops, GP3.minIops, GP3.maxIops, "gp3");
    const maxIops = Math.max(GP3.minIops, GP3.iopsPerGiB * sizeGiB);
    check(iops <= maxIops, `${setting}.iops`, iops, `at most ${maxIops} for ${sizeGiB} GiB: gp3 allows 500 IOPS per GiB above its 3000 baseline`);
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
            // The alias implies amiFamily (and its user-data format), so amiFamily is left out.
            amiSelectorTerms: [{ alias: a.amiAlias }],
            ...(args.role !== undefined ? { role: args.role } : { instanceProfile: args.instanceProfile }),
            subnetSelectorTerms: discovery,
            securityGroupSelectorTerms: discovery,
            blockDeviceMappings: [mapping(a.rootVolume), mapping(a.dataVolume)],
            // IMDSv2 only, and one hop: containers (one hop further) cannot use the node role's credentials.
            metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
            kubelet: { imageGCHighThresholdPercent: a.imageGC.highThresholdPercent, imageGCLowThresholdPercent: a.imageGC.lowThresholdPercent },
            ...(Object.keys(a.tags).length > 0 ? { tags: a.tags } : {}),
            ...(a.amiFamily === AmiFamily.AL2023 ? { userData: multipartUserData([containerdVolumePart(a.dataVolume.deviceName)]) } : {}),
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
 * An EC2NodeClass (`karpenter.k8s.aws/v1`): AMI by pinned alias, subnets and security groups by the
 * cluster's discovery tag, encrypted gp3 root and data volumes, IMDSv2, and on AL2023 the user data
 * that moves containerd onto the data volume.
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
        const nodeClass = new k8s.apiextensions.CustomResource(plan.nodeClass.name, plan.nodeClass.inputs, { parent: this, dependsOn: opts?.dependsOn });
        this.name = nodeClass.metadata.name;
        this.registerOutputs({ name: this.name });
    }
}
