import type { Input } from "@pulumi/pulumi";

export interface ControllerResources {
    cpu: string;
    memory: string;
}

/**
 * Everything the Karpenter chart's values are made from. Plain data, except the values only deployment
 * knows (cluster, region, role, queue), which may be Outputs: they stay leaves of an otherwise known
 * object, so the rest of the values can be checked (and diffed) while those are still unknown.
 */
export interface KarpenterValuesInput {
    clusterName: Input<string>;
    clusterEndpoint: Input<string>;
    region: Input<string>;
    controllerRoleArn: Input<string>;
    serviceAccountName: string;
    /** Queue name for `settings.interruptionQueue`; undefined turns interruption handling off. */
    interruptionQueueName?: Input<string>;
    /** Must match the Fargate profile's selector labels. */
    podLabels: Record<string, string>;
    /** Requests, which are also the limits. */
    resources: ControllerResources;
    replicas: number;
    spotToSpotConsolidation: boolean;
    /** The nodeRepair feature gate. */
    nodeRepair: boolean;
    /**
     * Controller image, set in full: Helm merges values over the chart's, so a digest left out would keep
     * the chart's (the pinned tag's) digest; none is sent as "" (pulled by tag). The chart's own when undefined.
     */
    image?: { repository: Input<string>; tag: string; digest?: string };
    /** The cluster has no route to public AWS endpoints (`settings.isolatedVPC`: no pricing API calls). */
    isolatedVPC: boolean;
    logLevel: string;
}

/** Values for `oci://public.ecr.aws/karpenter/karpenter`, keys as in the chart's values.yaml. */
export function karpenterValues(v: KarpenterValuesInput): Record<string, unknown> {
    return {
        serviceAccount: {
            create: true,
            name: v.serviceAccountName,
            annotations: { "eks.amazonaws.com/role-arn": v.controllerRoleArn },
        },
        replicas: v.replicas,
        podLabels: v.podLabels,
        // The controller starts before any node exists, so CoreDNS may have nowhere to run yet; the VPC
        // resolver lets it reach AWS APIs and launch the first node instead of waiting on cluster DNS.
        dnsPolicy: "Default",
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" }],
        logLevel: v.logLevel,
        controller: {
            // On Fargate there is no instance metadata to read the region from.
            env: [{ name: "AWS_REGION", value: v.region }],
            resources: { requests: { ...v.resources }, limits: { ...v.resources } },
            ...(v.image ? { image: { repository: v.image.repository, tag: v.image.tag, digest: v.image.digest ?? "" } } : {}),
        },
        settings: {
            clusterName: v.clusterName,
            clusterEndpoint: v.clusterEndpoint,
            interruptionQueue: v.interruptionQueueName ?? "",
            isolatedVPC: v.isolatedVPC,
            featureGates: { spotToSpotConsolidation: v.spotToSpotConsolidation, nodeRepair: v.nodeRepair },
        },
    };
}

/**
 * FlowSchemas that keep the controller's API requests out of the global-default priority level.
 * Karpenter's chart ships none: in kube-system, Kubernetes' built-in FlowSchemas (`system-leader-election`,
 * `kube-system-service-accounts`) already place it in leader-election and workload-high; any other
 * namespace needs these (Karpenter's getting-started guide creates the same two).
 */
export function karpenterFlowSchemas(namespace: string, serviceAccountName: string) {
    const subjects = [{ kind: "ServiceAccount", serviceAccount: { name: serviceAccountName, namespace } }];
    return [
        {
            name: "karpenter-leader-election",
            spec: {
                distinguisherMethod: { type: "ByUser" },
                matchingPrecedence: 200,
                priorityLevelConfiguration: { name: "leader-election" },
                rules: [
                    {
                        resourceRules: [
                            {
                                apiGroups: ["coordination.k8s.io"],
                                namespaces: ["*"],
                                resources: ["leases"],
                                verbs: ["get", "create", "update"],
                            },
                        ],
                        subjects,
                    },
                ],
            },
        },
        {
            name: "karpenter-workload",
            spec: {
                distinguisherMethod: { type: "ByUser" },
                matchingPrecedence: 1000,
                priorityLevelConfiguration: { name: "workload-high" },
                rules: [
                    {
                        nonResourceRules: [{ nonResourceURLs: ["*"], verbs: ["*"] }],
                        resourceRules: [{ apiGroups: ["*"], clusterScope: true, namespaces: ["*"], resources: ["*"], verbs: ["*"] }],
                        subjects,
                    },
                ],
            },
        },
    ];
}
