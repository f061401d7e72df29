/**
 * Container registries: the registry of an image reference or repository, in the form registries compare
 * equal (host names are case-insensitive, a port does not change whose registry it is, Docker Hub has
 * several names); which registries are on the internet; and which a private cluster's VPC reaches. Pure
 * data and rules, no Pulumi.
 */

/** Amazon ECR Public, on the internet: Karpenter's controller image. */
export const PUBLIC_ECR_REGISTRY = "public.ecr.aws";

/** NVIDIA's NGC registry, on the internet: the device plugin's image. ECR pull-through caches do not support it. */
export const NVIDIA_REGISTRY = "nvcr.io";

/** Docker Hub: the registry of a reference whose first part is not a host (`library/busybox`, `busybox`). */
export const DOCKER_HUB_REGISTRY = "docker.io";

/** Docker Hub's other host names, which `registryOf` reads as `docker.io`. */
const DOCKER_HUB_ALIASES = ["index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"];

/** Public registries on the internet (as `registryOf` names them): a VPC without an internet route cannot pull from them. */
export const INTERNET_REGISTRIES: readonly string[] = [
    PUBLIC_ECR_REGISTRY,
    NVIDIA_REGISTRY,
    DOCKER_HUB_REGISTRY,
    "ghcr.io",
    "quay.io",
    "registry.k8s.io",
    "k8s.gcr.io",
    "gcr.io",
    "mcr.microsoft.com",
];

/** Docker's rule for a tag, what `repository:tag` may carry: letters, digits, `_`, `.`, `-`, at most 128, not starting with `.` or `-`. */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** IMAGE_TAG in words, for errors. */
export const IMAGE_TAG_ALLOWED = "an image tag: letters, digits, '_', '.', '-' (at most 128, not starting with '.' or '-')";

/** A private ECR registry host: `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]` (or an isolated partition's suffix). */
const PRIVATE_ECR = /^([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|c2s\.ic\.gov|sc2s\.sgov\.gov)$/;

/**
 * The registry of an image reference or repository (`public.ecr.aws/karpenter/controller`,
 * `DOCKER.IO/library/busybox`, `busybox`), lower-cased, without its port, Docker Hub as `docker.io`.
 * The first path segment is a host when it has a `.` or `:` or is `localhost` (Docker's rule); else the
 * reference is on Docker Hub. Undefined for an empty reference.
 */
export function registryOf(reference: string | undefined): string | undefined {
    if (reference === undefined || reference === "") return undefined;
    const slash = reference.indexOf("/");
    const first = slash < 0 ? "" : reference.slice(0, slash);
    const isHost = first.includes(".") || first.includes(":") || first.toLowerCase() === "localhost";
    if (!isHost) return DOCKER_HUB_REGISTRY;
    const host = first.toLowerCase().replace(/:[0-9]*$/, "");
    return DOCKER_HUB_ALIASES.includes(host) ? DOCKER_HUB_REGISTRY : host;
}

/** Whether a reference's registry is a public one on the internet. */
export function isPublicRegistry(reference: string): boolean {
    const registry = registryOf(reference);
    return registry !== undefined && INTERNET_REGISTRIES.includes(registry);
}

/** The account and region of a reference in private ECR, else undefined. */
export function ecrRegistry(reference: string | undefined): { accountId: string; region: string } | undefined {
    const m = PRIVATE_ECR.exec(registryOf(reference) ?? "");
    return m ? { accountId: m[1], region: m[2] } : undefined;
}

/**
 * Why a private cluster (a VPC without internet route, in `region`) cannot pull this image, or undefined
 * when it can. It can from private ECR in its region, through its `ecr.dkr` endpoint (which serves that
 * region only), and in its account when `allowedAccountIds` names the stack's accounts
 * (`aws:allowedAccountIds`). A region undefined is one not known yet: any region's private ECR passes.
 * The reason reads after the registry or repository it is about.
 */
export function unreachableFromPrivateCluster(
    reference: string | undefined,
    region: string | undefined,
    allowedAccountIds: readonly string[] = [],
): string | undefined {
    const registry = registryOf(reference);
    if (registry === undefined) return "is not set";
    if (INTERNET_REGISTRIES.includes(registry)) return "is on the internet";
    const ecr = ecrRegistry(reference);
    if (ecr === undefined) return "is not private ECR";
    if (region !== undefined && ecr.region !== region) return `is private ECR of another region than ${region}`;
    if (allowedAccountIds.length > 0 && !allowedAccountIds.includes(ecr.accountId))
        return `is private ECR of another account than ${allowedAccountIds.join(", ")}`;
    return undefined;
}

/**
 * The path of an ECR Public image or repository inside ECR Public (`public.ecr.aws/karpenter/controller` →
 * `karpenter/controller`; a tag or digest stays on it), what a pull-through cache of ECR Public serves
 * under its prefix. Undefined for a reference in another registry.
 */
export function publicEcrPath(reference: string): string | undefined {
    return registryOf(reference) === PUBLIC_ECR_REGISTRY ? reference.slice(reference.indexOf("/") + 1) : undefined;
}

/** A private ECR repository: `<account>.dkr.ecr.<region>.<dnsSuffix>/<path>`. */
export function privateEcrRepository(scope: { accountId: string; region: string; dnsSuffix: string }, path: string): string {
    return `${scope.accountId}.dkr.ecr.${scope.region}.${scope.dnsSuffix}/${path}`;
}
