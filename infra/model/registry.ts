/**
 * Container image references compared as registries: the registry host of an image or repository, in
 * the form registries compare equal (host names are case-insensitive, a port does not change whose
 * registry it is, Docker Hub has several names), and what that host is.
 */

/** Docker Hub's host names; a reference without a registry host is on Docker Hub. */
const DOCKER_HUB = ["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"];

/** Registries on the internet: a VPC without an internet route cannot pull from them. */
export const PUBLIC_REGISTRIES = ["public.ecr.aws", "docker.io", "ghcr.io", "quay.io", "registry.k8s.io", "k8s.gcr.io", "gcr.io", "mcr.microsoft.com"];

/**
 * The registry of an image reference or repository (`public.ecr.aws/karpenter/controller`,
 * `DOCKER.IO/library/busybox`, `busybox`), lower-cased, without its port, Docker Hub as `docker.io`.
 * The first path segment is a host when it has a `.` or `:` or is `localhost` (Docker's rule); else the
 * reference is on Docker Hub.
 */
export function registryOf(reference: string): string {
    const slash = reference.indexOf("/");
    const first = slash < 0 ? "" : reference.slice(0, slash);
    const isHost = first.includes(".") || first.includes(":") || first.toLowerCase() === "localhost";
    if (!isHost) return "docker.io";
    const host = first.toLowerCase().replace(/:[0-9]*$/, "");
    return DOCKER_HUB.includes(host) ? "docker.io" : host;
}

export function isPublicRegistry(reference: string): boolean {
    return PUBLIC_REGISTRIES.includes(registryOf(reference));
}

/** A private ECR registry host: `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`. */
export function ecrRegistry(reference: string): { accountId: string; region: string } | undefined {
    const m = /^([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|c2s\.ic\.gov|sc2s\.sgov\.gov)$/.exec(registryOf(reference));
    return m ? { accountId: m[1], region: m[2] } : undefined;
}
