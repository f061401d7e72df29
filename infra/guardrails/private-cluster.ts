/**
 * Rule 6: a private cluster (the Karpenter release sets `settings.isolatedVPC`: no route to public AWS
 * endpoints) reaches every AWS API Karpenter and its nodes use through a VPC endpoint, and pulls the
 * controller image from a registry inside that reach.
 */
import { endpointService, privateClusterEndpoints as requiredEndpoints } from "../model/endpoints";
import { isPublicRegistry } from "../model/registry";
import { HELM_TYPES, TYPES } from "../model/tokens";
import { controllerImageRepository, helmValues, isKarpenterChart } from "./resources";
import { Finding, ResourceDescription, ResourceRule, StackRule, at } from "./types";

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

export const privateClusterImage: ResourceRule = {
    id: "private-cluster-image",
    scope: "resource",
    title: "A private cluster pulls the Karpenter controller image from a registry inside the VPC's reach",
    why:
        "the chart's default image is on public.ecr.aws, which a VPC without internet access cannot reach: the controller " +
        "pods stay in ImagePullBackOff and no node is ever launched.",
    fix:
        "mirror the image into private ECR (a pull-through cache rule for public.ecr.aws, or a copy) and set " +
        "controller.image.repository (Karpenter's imageRepository) and its digest to it.",
    types: HELM_TYPES,
    options: [],
    check(resource) {
        if (!isPrivateCluster(resource)) return [];
        const repository = controllerImageRepository(helmValues(resource));
        if (typeof repository !== "string" || !isPublicRegistry(repository)) return [];
        return [{ resource, problem: `Karpenter release "${resource.name}" runs in a private cluster (settings.isolatedVPC) but pulls its controller image from ${repository}` }];
    },
};
