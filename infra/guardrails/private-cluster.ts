/**
 * Rule 6: a private cluster (the Karpenter release sets `settings.isolatedVPC`: no route to public AWS
 * endpoints) reaches every AWS API Karpenter and its nodes use through a VPC endpoint, and pulls every
 * image its workloads run (the controller's included) from a registry inside that reach.
 */
import { endpointService, privateClusterEndpoints as requiredEndpoints } from "../model/endpoints";
import { isAwsRegion } from "../model/regions";
import { registryOf, unreachableFromPrivateCluster } from "../model/registry";
import { HELM_TYPES, TYPES } from "../model/tokens";
import { VERSIONS } from "../model/versions";
import { helmValues, isKarpenterChart, objectName } from "./resources";
import { Finding, ResourceDescription, StackRule, UNKNOWN, at, isRecord, isUnknown } from "./types";

function isPrivateCluster(release: ResourceDescription): boolean {
    return isKarpenterChart(release) && at(helmValues(release), "settings", "isolatedVPC") === true;
}

export const privateClusterEndpoints: StackRule = {
    id: "private-cluster-endpoints",
    scope: "stack",
    title: "A private cluster has a VPC endpoint for every AWS API Karpenter and its nodes call",
    why:
        "with no route to public endpoints, a missing endpoint is a call that times out: the controller cannot get credentials, " +
        "launch or discover anything, and nodes cannot pull images.",
    fix:
        "create the missing aws.ec2.VpcEndpoint resources (interface endpoints with private DNS; s3 as a gateway endpoint on " +
        "the private route tables), or list endpoints another stack provides in the externalVpcEndpoints option.",
    types: [...HELM_TYPES, TYPES.vpcEndpoint],
    options: ["externalVpcEndpoints"],
    check(resources, options) {
        const releases = resources.filter(isPrivateCluster);
        if (releases.length === 0) return [];
        const names = resources.filter((r) => r.type === TYPES.vpcEndpoint).map((r) => at(r.inputs, "serviceName"));
        // An endpoint whose service is not known yet may be the missing one.
        if (names.some((n) => typeof n !== "string")) return [];
        const present = new Set([...names.flatMap((n) => endpointService(n as string) ?? []), ...options.externalVpcEndpoints]);
        return releases.flatMap((release): Finding[] => {
            const queue = at(helmValues(release), "settings", "interruptionQueue");
            const required = requiredEndpoints(queue !== undefined && queue !== "");
            const missing = Object.keys(required).filter((s) => !present.has(s));
            if (missing.length === 0) return [];
            return [
                {
                    resource: release,
                    problem:
                        `Karpenter release "${release.name}" runs in a private cluster (settings.isolatedVPC) without VPC endpoints for ` +
                        missing.map((s) => `${s} (${required[s]})`).join(", "),
                },
            ];
        });
    },
};

/** Where each workload kind keeps its pod spec. */
const POD_SPEC: Readonly<Record<string, readonly string[]>> = {
    [TYPES.deployment]: ["spec", "template", "spec"],
    [TYPES.daemonSet]: ["spec", "template", "spec"],
    [TYPES.statefulSet]: ["spec", "template", "spec"],
    [TYPES.replicaSet]: ["spec", "template", "spec"],
    [TYPES.job]: ["spec", "template", "spec"],
    [TYPES.cronJob]: ["spec", "jobTemplate", "spec", "template", "spec"],
    [TYPES.pod]: ["spec"],
};

/** The image a chart runs where its values leave it unset, by chart name: where in the values, and the default. */
const CHART_DEFAULT_IMAGES: Readonly<Record<string, { path: readonly string[]; repository: string }>> = {
    karpenter: { path: ["controller", "image"], repository: VERSIONS.karpenterImageRepository },
    "nvidia-device-plugin": { path: ["image"], repository: VERSIONS.nvidiaDevicePluginImageRepository },
};

/** An image a resource runs, and where it is set (`spec.template.spec.initContainers[0] (setup)`, `controller.image`). */
interface ImageUse {
    where: string;
    image: unknown;
}

/** Every container's image of a pod spec: init, regular and ephemeral containers. */
function podImages(podSpec: unknown, prefix: string): ImageUse[] {
    return (["initContainers", "containers", "ephemeralContainers"] as const).flatMap((list) => {
        const containers = at(podSpec, list);
        if (!Array.isArray(containers)) return [];
        return containers.map((c, i) => {
            const name = at(c, "name");
            return { where: `${prefix}${list}[${i}]${typeof name === "string" ? ` (${name})` : ""}`, image: at(c, "image") };
        });
    });
}

/**
 * Every image a chart's values set (any `image` key: a reference, or `{ registry?, repository }` as charts
 * split it), and a known chart's own image where the values leave it to the chart's default.
 */
function helmImages(release: ResourceDescription): ImageUse[] {
    const found: ImageUse[] = [];
    const walk = (value: unknown, path: string): void => {
        if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${path}[${i}]`));
        if (!isRecord(value)) return;
        for (const [key, v] of Object.entries(value)) {
            const where = path === "" ? key : `${path}.${key}`;
            if (key === "image" && typeof v === "string") found.push({ where, image: v });
            if (key === "image" && isRecord(v) && v.repository !== undefined) {
                const registry = v.registry;
                found.push({
                    where: `${where}.repository`,
                    image:
                        isUnknown(v.repository) || isUnknown(registry)
                            ? UNKNOWN
                            : typeof registry === "string" && registry !== ""
                              ? `${registry}/${v.repository}`
                              : v.repository,
                });
            }
            walk(v, where);
        }
    };
    const values = helmValues(release);
    walk(values, "");
    const chart = at(release.inputs, "chart");
    const defaults = typeof chart === "string" ? CHART_DEFAULT_IMAGES[chart.split("/").pop()!] : undefined;
    if (defaults && at(values, ...defaults.path, "repository") === undefined) {
        found.push({ where: `${defaults.path.join(".")}.repository (the chart's default)`, image: defaults.repository });
    }
    return found;
}

/** The region of a private cluster: the Karpenter controller's AWS_REGION, when it is known. */
function releaseRegion(release: ResourceDescription): string | undefined {
    const env = at(helmValues(release), "controller", "env");
    const value = Array.isArray(env)
        ? at(
              env.find((e) => at(e, "name") === "AWS_REGION"),
              "value",
          )
        : undefined;
    return typeof value === "string" && isAwsRegion(value) ? value : undefined;
}

/** How a message names a resource: `Helm release "karpenter"`, `DaemonSet "amazon-cloudwatch/node-disk-agent"`. */
function workloadName(d: ResourceDescription): string {
    if ((HELM_TYPES as readonly string[]).includes(d.type)) {
        const name = at(d.inputs, "name");
        return `Helm release "${typeof name === "string" ? name : d.name}"`;
    }
    const namespace = at(d.inputs, "metadata", "namespace");
    return `${d.type.split(":").pop()} "${typeof namespace === "string" ? `${namespace}/` : ""}${objectName(d)}"`;
}

export const privateClusterImages: StackRule = {
    id: "private-cluster-images",
    scope: "stack",
    title: "Every container image of a private cluster's workloads comes from a registry the cluster reaches",
    why:
        "a private cluster's nodes and Fargate pods reach no public registry (public.ecr.aws, Docker Hub, nvcr.io, registry.k8s.io, ...), " +
        "only private ECR of the cluster's region through its ecr.dkr endpoint: a pod with any other image stays in ImagePullBackOff " +
        "(the Karpenter controller: no node is ever launched), and Pulumi, which waits for a Deployment's or DaemonSet's rollout, " +
        "fails the update after its timeout.",
    fix:
        "pull ECR Public images through an ECR pull-through cache (this library's environment does it for the controller and the " +
        "disk agent) and mirror the others into private ECR of the cluster's region; set the workload's image, or the chart's " +
        "image values (Karpenter's controller.image.repository), to the copy.",
    types: [...HELM_TYPES, ...Object.keys(POD_SPEC)],
    options: [],
    check(resources) {
        // Private clusters by the URN of their Kubernetes provider (descriptions without one share one cluster), with their region.
        const privateClusters = new Map<string, { release: ResourceDescription; region: string | undefined }>();
        for (const r of resources) {
            if (isKarpenterChart(r) && at(helmValues(r), "settings", "isolatedVPC") === true)
                privateClusters.set(r.cluster ?? "", { release: r, region: releaseRegion(r) });
        }
        return resources.flatMap((resource): Finding[] => {
            const cluster = privateClusters.get(resource.cluster ?? "");
            if (!cluster) return [];
            const podSpec = POD_SPEC[resource.type];
            const images = podSpec ? podImages(at(resource.inputs, ...podSpec), `${podSpec.join(".")}.`) : helmImages(resource);
            return images.flatMap(({ where, image }): Finding[] => {
                // An image not known yet, or none (the API server refuses a container without one), is not this rule's.
                if (typeof image !== "string" || image === "") return [];
                const why = unreachableFromPrivateCluster(image, cluster.region);
                if (why === undefined) return [];
                return [
                    {
                        resource,
                        problem:
                            `${workloadName(resource)} runs in a private cluster (Karpenter release "${cluster.release.name}" sets settings.isolatedVPC) ` +
                            `but pulls ${where} from ${image}: ${registryOf(image)} ${why}`,
                    },
                ];
            });
        });
    },
};
