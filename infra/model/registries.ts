/**
 * Container registries: how an image repository names its registry, which registries are on the internet,
 * and which a VPC without internet egress reaches. Pure data and rules, no Pulumi.
 */

/** Amazon ECR Public, on the internet: Karpenter's controller image. */
export const PUBLIC_ECR_REGISTRY = "public.ecr.aws";

/** NVIDIA's NGC registry, on the internet: the device plugin's image. ECR pull-through caches do not support it. */
export const NVIDIA_REGISTRY = "nvcr.io";

/** Docker Hub: the registry of a repository whose first part is not a host (`library/busybox`). */
export const DOCKER_HUB_REGISTRY = "docker.io";

/** Public registries on the internet, which a VPC without internet egress does not reach. */
export const INTERNET_REGISTRIES: readonly string[] = [
    PUBLIC_ECR_REGISTRY,
    NVIDIA_REGISTRY,
    DOCKER_HUB_REGISTRY,
    "registry-1.docker.io",
    "index.docker.io",
    "ghcr.io",
    "quay.io",
    "registry.k8s.io",
    "gcr.io",
    "mcr.microsoft.com",
];

/** Docker's rule for a tag, what `repository:tag` may carry: letters, digits, `_`, `.`, `-`, at most 128, not starting with `.` or `-`. */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** IMAGE_TAG in words, for errors. */
export const IMAGE_TAG_ALLOWED = "an image tag: letters, digits, '_', '.', '-' (at most 128, not starting with '.' or '-')";

/** A private ECR registry, `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`; group 1 is its region. */
const PRIVATE_ECR = /^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/**
 * The registry of an image repository, lower-cased: its first part when that is a host (has a `.` or `:`,
 * or is `localhost`, Docker's rule), else Docker Hub. Undefined for an empty repository.
 */
export function imageRegistry(repository: string | undefined): string | undefined {
    if (repository === undefined || repository === "") return undefined;
    const first = repository.split("/")[0].toLowerCase();
    return repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : DOCKER_HUB_REGISTRY;
}

/** The region of a private ECR registry (`123456789012.dkr.ecr.eu-west-1.amazonaws.com`), else undefined. */
export function privateEcrRegion(registry: string): string | undefined {
    return PRIVATE_ECR.exec(registry)?.[1];
}

/**
 * Whether a VPC without internet egress, in `region`, pulls from this repository: its registry is not a
 * public one on the internet, and a private ECR registry is in the VPC's region (its ECR endpoints serve
 * that region only). Any other registry is one the user declares reachable (a mirror inside the network).
 */
export function reachableWithoutInternet(repository: string | undefined, region: string | undefined): boolean {
    const registry = imageRegistry(repository);
    if (registry === undefined || INTERNET_REGISTRIES.includes(registry)) return false;
    const ecrRegion = privateEcrRegion(registry);
    return ecrRegion === undefined || region === undefined || ecrRegion === region;
}

/** A private ECR repository: `<account>.dkr.ecr.<region>.<dnsSuffix>/<path>`. */
export function privateEcrRepository(scope: { accountId: string; region: string; dnsSuffix: string }, path: string): string {
    return `${scope.accountId}.dkr.ecr.${scope.region}.${scope.dnsSuffix}/${path}`;
}
