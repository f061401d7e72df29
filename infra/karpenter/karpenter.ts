import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { ConfigError, check } from "../errors";
import { ResourceDescription, TYPES, qosGaps } from "../guardrails";
import { CONTROLLER_DEFAULTS } from "../model/karpenter";
import { DEFAULT_KARPENTER_VERSION, KARPENTER_VERSIONS, isKarpenterMinor } from "../model/karpenter-versions";
import { DNS1123_LABEL } from "../model/names";
import { IMAGE_TAG, IMAGE_TAG_ALLOWED } from "../model/registry";
import { VERSIONS } from "../model/versions";
import { karpenterFlowSchemas, karpenterValues } from "./helm-values";
import { checkLabelValue, checkQualifiedKey } from "../nodes/validation";
import { parseQuantity } from "./quantity";

/** Requests or limits of the controller's container. */
export interface KarpenterResources {
    /** CPU, a Kubernetes quantity. @default "1" */
    cpu?: string;
    /** Memory, a Kubernetes quantity. @default "1Gi" */
    memory?: string;
}

/** How much the Karpenter controller logs. */
export enum KarpenterLogLevel {
    Debug = "debug",
    Info = "info",
    Error = "error",
}

/** The controller's own settings: what an environment lets its user choose. */
export interface KarpenterSettings {
    /**
     * Karpenter minor version, one of KARPENTER_VERSIONS' keys (`"1.9"`, `"1.14"`): its charts, controller image, reference IAM policy,
     * interruption events and supported Kubernetes versions come from its table (KARPENTER_VERSIONS).
     * @default "1.9" (DEFAULT_KARPENTER_VERSION)
     */
    version?: string;
    /** Namespace of the controller (a Fargate profile must select it). @default "karpenter" */
    namespace?: string;
    /** Service account of the controller (the IRSA role trusts exactly this one). @default "karpenter" */
    serviceAccountName?: string;
    /** Controller requests. @default { cpu: "1", memory: "1Gi" } */
    requests?: KarpenterResources;
    /**
     * Controller limits. Must equal the requests (Guaranteed QoS: the controller is never throttled or
     * evicted first, and Fargate sizes its micro-VM from them). @default the requests
     */
    limits?: KarpenterResources;
    /** Controller replicas, spread across zones; one leads, the others wait. @default 2 (1–10) */
    replicas?: number;
    /** Let consolidation replace Spot nodes with cheaper Spot nodes. @default false */
    spotToSpotConsolidation?: boolean;
    /**
     * Node auto repair (the chart's `settings.featureGates.nodeRepair`, alpha in Karpenter 1.9): a node whose
     * health conditions (kubelet's Ready, and those of a node monitoring agent) stay bad past their toleration
     * (30 minutes for Ready) is terminated and replaced without draining, unless more than 20 % of its
     * NodePool is unhealthy. @default false
     */
    nodeRepair?: boolean;
    /**
     * Controller image tag, in the configured repository (the public one unless `imageRepository` is set).
     * @default the chart's tag of `version`
     */
    imageTag?: string;
    /**
     * Controller image digest (`sha256:...`), verified on every pull. The chart's digest belongs to the chart's
     * tag: with another tag and no digest, the image is pulled by tag alone.
     * @default the chart's digest of `version` when the tag is the chart's, else none
     */
    imageDigest?: string;
    /** The VPC has no route to public AWS endpoints (Karpenter's `isolatedVPC`). @default false */
    isolatedVpc?: boolean;
    /** Controller log level. @default KarpenterLogLevel.Info */
    logLevel?: KarpenterLogLevel;
}

export interface KarpenterArgs extends KarpenterSettings {
    /** Name of the EKS cluster the controller manages. */
    clusterName: pulumi.Input<string>;
    /** URL of the cluster's API server (the Cluster's `endpoint`). */
    clusterEndpoint: pulumi.Input<string>;
    /** Region of the cluster, passed as AWS_REGION: Fargate has no instance metadata to read it from. */
    region: pulumi.Input<string>;
    /** ARN of the controller's IRSA role, annotated on its service account. */
    controllerRoleArn: pulumi.Input<string>;
    /** Interruption queue name; omit to turn interruption handling off. */
    interruptionQueueName?: pulumi.Input<string>;
    /** Labels on the controller's pods; must equal the Fargate profile's selector labels. */
    podLabels: Record<string, string>;
    /**
     * Controller image repository, for a registry the VPC reaches (an ECR pull-through cache or mirror).
     * @default Karpenter's public ECR image
     */
    imageRepository?: pulumi.Input<string>;
}

/** What the controller release waits for: TypeScript only (resources cannot cross languages as arguments). */
export interface KarpenterOrdering {
    /**
     * What must exist before the controller starts: its Fargate profile, IRSA role and policies, the node
     * role's access entry, the queue. Only the controller release waits for them (and so is deleted before
     * them); the namespace, FlowSchemas and CRDs are applied meanwhile. @default none
     */
    controllerDependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** Namespaces of the cluster itself; a component that creates its namespace must not take one of them. */
export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** The chart's selector labels (`karpenter.selectorLabels` in its _helpers.tpl), which the chart sets itself. */
const CHART_SELECTOR_LABELS = ["app.kubernetes.io/name", "app.kubernetes.io/instance"];

/**
 * The largest pod Fargate runs: 16 vCPU and 120 GiB, of which Fargate keeps 256 MiB for the kubelet,
 * kube-proxy and containerd it adds to every pod (EKS user guide, "Fargate pod configuration").
 */
/** The largest Fargate pod, as quantities: 16 vCPU, and 120Gi less the 256Mi Fargate adds to every pod. */
const FARGATE_MAX = {
    cpu: { quantity: "16", text: "16" },
    memory: { quantity: "122624Mi", text: "122624Mi (120Gi less the 256Mi Fargate adds)" },
};

/**
 * A controller request: a quantity above zero (zero makes the pod BestEffort, first to be evicted) that
 * fits the largest Fargate pod. The one place the controller's sizes are compared as quantities, exactly.
 */
function checkFargateSize(setting: string, quantity: string, max: { quantity: string; text: string }): void {
    const value = parseQuantity(setting, quantity);
    check(
        value > 0n && value <= parseQuantity(setting, max.quantity),
        setting,
        quantity,
        `more than zero and at most ${max.text}: the controller runs on Fargate, whose largest pod this is`,
    );
}

export function resolveKarpenterArgs(args: KarpenterArgs) {
    const namespace = args.namespace ?? "karpenter";
    const serviceAccountName = args.serviceAccountName ?? "karpenter";
    check(DNS1123_LABEL.test(namespace), "Karpenter.namespace", namespace, "a DNS-1123 label (lower-case letters, digits, '-')");
    // The component creates its namespace, so owns it: a destroy would delete it with everything inside.
    check(
        !SYSTEM_NAMESPACES.includes(namespace),
        "Karpenter.namespace",
        namespace,
        `a namespace of the controller's own, not ${SYSTEM_NAMESPACES.join(", ")}: the component creates it and a destroy deletes it`,
    );
    check(DNS1123_LABEL.test(serviceAccountName), "Karpenter.serviceAccountName", serviceAccountName, "a DNS-1123 label");
    check(
        serviceAccountName !== "default",
        "Karpenter.serviceAccountName",
        serviceAccountName,
        "a service account of the controller's own: every pod of the namespace without one runs as \"default\", and would get the controller's IAM role",
    );
    const podLabels = args.podLabels ?? {};
    check(Object.keys(podLabels).length > 0, "Karpenter.podLabels", args.podLabels, "at least one label, matched by the Fargate profile");
    for (const [key, value] of Object.entries(podLabels)) {
        checkQualifiedKey("Karpenter.podLabels", key);
        checkLabelValue(`Karpenter.podLabels.${key}`, value);
        check(
            !CHART_SELECTOR_LABELS.includes(key),
            "Karpenter.podLabels",
            key,
            `a label other than the chart's selector labels (${CHART_SELECTOR_LABELS.join(", ")}): the Deployment's selector is immutable and would stop matching its pods`,
        );
    }
    const requests = {
        cpu: args.requests?.cpu ?? CONTROLLER_DEFAULTS.requests.cpu,
        memory: args.requests?.memory ?? CONTROLLER_DEFAULTS.requests.memory,
    };
    const limits = { cpu: args.limits?.cpu ?? requests.cpu, memory: args.limits?.memory ?? requests.memory };
    for (const r of ["cpu", "memory"] as const) {
        checkFargateSize(`Karpenter.requests.${r}`, requests[r], FARGATE_MAX[r]);
        parseQuantity(`Karpenter.limits.${r}`, limits[r]);
    }
    // The guardrail's own test (rule karpenter-guaranteed-qos), reported against the setting.
    const gap = qosGaps({ requests, limits })[0];
    check(
        gap === undefined,
        `Karpenter.limits.${gap?.resource}`,
        gap?.limit,
        `equal to requests.${gap?.resource} (${String(gap?.request)}): the controller must run with Guaranteed QoS`,
    );
    const replicas = args.replicas ?? CONTROLLER_DEFAULTS.replicas;
    check(Number.isInteger(replicas) && replicas >= 1 && replicas <= 10, "Karpenter.replicas", replicas, "a whole number from 1 to 10");
    const logLevel = args.logLevel ?? KarpenterLogLevel.Info;
    const logLevels = Object.values(KarpenterLogLevel) as string[];
    check(logLevels.includes(logLevel), "Karpenter.logLevel", logLevel, `one of ${logLevels.join(", ")}`);
    const version = args.version ?? DEFAULT_KARPENTER_VERSION;
    if (!isKarpenterMinor(version)) {
        throw new ConfigError(
            "Karpenter.version",
            version,
            `one of ${Object.keys(KARPENTER_VERSIONS)
                .map((v) => JSON.stringify(v))
                .join(", ")}`,
        );
    }
    const release = KARPENTER_VERSIONS[version];
    const imageTag = args.imageTag ?? release.image.tag;
    check(IMAGE_TAG.test(imageTag), "Karpenter.imageTag", imageTag, IMAGE_TAG_ALLOWED);
    if (args.imageDigest !== undefined) {
        check(/^sha256:[a-f0-9]{64}$/.test(args.imageDigest), "Karpenter.imageDigest", args.imageDigest, "sha256:<64 hex digits>");
    }
    return {
        ...args,
        version,
        /** The version's table: charts, image, policy, interruption events, Kubernetes versions. */
        release,
        namespace,
        serviceAccountName,
        resources: requests,
        replicas,
        logLevel,
        spotToSpotConsolidation: args.spotToSpotConsolidation ?? false,
        nodeRepair: args.nodeRepair ?? false,
        isolatedVpc: args.isolatedVpc ?? false,
        // The image is always set in full, so a tag or digest applies whether or not the repository is.
        imageRepository: args.imageRepository ?? VERSIONS.karpenterImageRepository,
        imageTag,
        // A mirror or pull-through cache serves the upstream image unchanged: keep verifying its digest. The
        // chart's digest is the chart's tag's: another tag without a digest of its own is pulled by tag.
        imageDigest: args.imageDigest ?? (imageTag === release.image.tag ? release.image.digest : undefined),
    };
}

export type ResolvedKarpenterArgs = ReturnType<typeof resolveKarpenterArgs>;

/**
 * The controller release: what the Karpenter component registers, and what the guardrails check
 * before anything is registered. Built from resolved settings; the values only deployment knows
 * (cluster endpoint, role, queue) stay Inputs inside the values.
 */
function describeKarpenterRelease(name: string, a: ResolvedKarpenterArgs): ResourceDescription<k8s.helm.v3.ReleaseArgs> {
    return {
        type: TYPES.helmRelease,
        name,
        inputs: {
            name: "karpenter",
            chart: `${VERSIONS.karpenterChartRepository}/karpenter`,
            version: a.release.chart,
            namespace: a.namespace,
            // CRDs come from the karpenter-crd release, which (unlike this chart) upgrades them.
            skipCrds: true,
            values: karpenterValues({
                clusterName: a.clusterName,
                clusterEndpoint: a.clusterEndpoint,
                region: a.region,
                controllerRoleArn: a.controllerRoleArn,
                interruptionQueueName: a.interruptionQueueName,
                serviceAccountName: a.serviceAccountName,
                podLabels: a.podLabels,
                resources: a.resources,
                replicas: a.replicas,
                spotToSpotConsolidation: a.spotToSpotConsolidation,
                nodeRepair: a.nodeRepair,
                image: { repository: a.imageRepository, tag: a.imageTag, digest: a.imageDigest },
                isolatedVPC: a.isolatedVpc,
                logLevel: a.logLevel,
            }),
            // Wait for the controller to be ready, so NodePools are applied to a running controller.
            waitForJobs: true,
            timeout: 900,
        },
    };
}

/** Karpenter's plan: its checked settings and the controller release it registers (what the guardrails check). */
export function planKarpenter(name: string, args: KarpenterArgs) {
    const settings = resolveKarpenterArgs(args);
    const release = describeKarpenterRelease(name, settings);
    return { settings, release, descriptions: [release] };
}

/**
 * Karpenter: its namespace, FlowSchemas, the `karpenter-crd` chart (so CRDs are
 * upgraded with the controller) and the controller chart, both at the charts of the chosen version.
 *
 * Pass the Kubernetes provider in `opts.providers`, and in `ordering.controllerDependsOn` what must exist
 * before the controller starts (its Fargate profile and IRSA role), so a first `pulumi up` does not wait on pods
 * with nowhere to run and `pulumi destroy` removes the controller before its role. Not in `opts.dependsOn`:
 * a component's dependencies hold back every child, the CRDs too. Create NodePools and EC2NodeClasses with
 * `dependsOn: [karpenter]`: they then go before the controller on deletion, and the controller can
 * terminate their nodes.
 */
export class Karpenter extends pulumi.ComponentResource {
    /** Namespace of the controller. */
    public readonly namespace: pulumi.Output<string>;
    /** Name of the controller's Helm release. */
    public readonly releaseName: pulumi.Output<string>;
    /** Version of the Karpenter charts (controller and CRDs). */
    public readonly chartVersion: pulumi.Output<string>;
    /** Service account of the controller, the one its IRSA role trusts. */
    public readonly serviceAccountName: pulumi.Output<string>;

    constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions, ordering?: KarpenterOrdering) {
        const plan = planKarpenter(name, args); // every check, before registering anything
        super(componentType("Karpenter"), name, {}, componentOptions("Karpenter", opts));
        const a = plan.settings;

        const namespace = new k8s.core.v1.Namespace(name, { metadata: { name: a.namespace } }, { parent: this });
        const flowSchemas = karpenterFlowSchemas(a.namespace, a.serviceAccountName).map(
            (fs) =>
                new k8s.flowcontrol.v1.FlowSchema(
                    `${name}-${fs.name}`,
                    { metadata: { name: fs.name }, spec: fs.spec },
                    { parent: this, dependsOn: [namespace] },
                ),
        );
        const crds = new k8s.helm.v3.Release(
            `${name}-crd`,
            {
                name: "karpenter-crd",
                chart: `${VERSIONS.karpenterChartRepository}/karpenter-crd`,
                version: a.release.crdChart,
                namespace: namespace.metadata.name,
            },
            { parent: this },
        );
        const description = plan.release;
        // The namespace's output, so the release waits for the namespace (its value is the plan's).
        const release = new k8s.helm.v3.Release(
            description.name,
            { ...description.inputs, namespace: namespace.metadata.name },
            {
                parent: this,
                dependsOn: [crds, ...flowSchemas, ...(ordering?.controllerDependsOn ?? [])],
            },
        );
        this.namespace = namespace.metadata.name;
        this.releaseName = release.name;
        this.chartVersion = pulumi.output(a.release.chart);
        this.serviceAccountName = pulumi.output(a.serviceAccountName);
        this.registerOutputs({
            namespace: this.namespace,
            releaseName: this.releaseName,
            chartVersion: this.chartVersion,
            serviceAccountName: this.serviceAccountName,
        });
    }
}
