import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { check } from "../errors";
import { ResourceDescription } from "../guardrails/types";
import { parseQuantity } from "../karpenter/quantity";
import { DNS1123_LABEL } from "../model/names";
import { TYPES } from "../model/tokens";
import { checkLabelValue, checkQualifiedKey } from "../nodes/validation";

/** A ResourceQuota on a namespace's totals. */
export interface WorkloadNamespaceQuota {
    /** Total CPU the namespace's pods may request (`requests.cpu`). @default no limit */
    cpu?: string;
    /** Total memory the namespace's pods may request and be limited to (`requests.memory`, `limits.memory`). @default no limit */
    memory?: string;
    /** Number of pods. @default no limit */
    pods?: number;
}

/** A namespace for workloads, with a LimitRange that gives containers default requests and an optional ResourceQuota. */
export interface WorkloadNamespace {
    /** Namespace name, a DNS-1123 label. */
    name: string;
    /** CPU request of a container that sets none. @default "100m" */
    defaultCpuRequest?: string;
    /**
     * CPU limit of a container that sets none. None by default: CPU is throttled rather than killed, and a
     * limit only keeps a container from idle CPU its node already pays for.
     * @default none
     */
    defaultCpuLimit?: string;
    /**
     * Memory request and limit of a container that sets none. The two are equal: Karpenter sizes and
     * consolidates nodes by requests, so memory used above the request is what gets a pod OOM-killed
     * when its neighbours do the same.
     * @default "256Mi"
     */
    defaultMemory?: string;
    /** A ResourceQuota on the namespace's totals. @default none */
    quota?: WorkloadNamespaceQuota;
    /** Labels on the namespace (Pod Security admission levels, team, cost centre). @default {} */
    labels?: Record<string, string>;
}

export interface WorkloadNamespacesArgs {
    /** The namespaces, each with a LimitRange and an optional ResourceQuota. @default [] */
    namespaces?: WorkloadNamespace[];
    /** Namespaces this component must not manage (the Karpenter controller's, on Fargate). @default [] */
    reservedNamespaces?: string[];
}

/** Args with defaults applied and every value checked; throws ConfigError naming the setting. */
export function resolveWorkloadNamespacesArgs(args: WorkloadNamespacesArgs) {
    const reserved = args.reservedNamespaces ?? [];
    const seen = new Set<string>();
    const namespaces = (args.namespaces ?? []).map((ns, i) => {
        const at = `WorkloadNamespaces.namespaces[${i}]`;
        check(
            typeof ns.name === "string" && DNS1123_LABEL.test(ns.name),
            `${at}.name`,
            ns.name,
            "a DNS-1123 label (lower-case letters, digits, '-')",
        );
        check(
            !ns.name.startsWith("kube-") && ns.name !== "default" && !reserved.includes(ns.name),
            `${at}.name`,
            ns.name,
            `a namespace of your own: not default, kube-*, or ${reserved.join(", ") || "a reserved one"}`,
        );
        check(!seen.has(ns.name), `${at}.name`, ns.name, "a name no other workload namespace has");
        seen.add(ns.name);

        const defaultCpuRequest = ns.defaultCpuRequest ?? "100m";
        const cpuRequest = parseQuantity(`${at}.defaultCpuRequest`, defaultCpuRequest);
        if (ns.defaultCpuLimit !== undefined) {
            check(
                parseQuantity(`${at}.defaultCpuLimit`, ns.defaultCpuLimit) >= cpuRequest,
                `${at}.defaultCpuLimit`,
                ns.defaultCpuLimit,
                `at least defaultCpuRequest (${defaultCpuRequest})`,
            );
        }
        const defaultMemory = ns.defaultMemory ?? "256Mi";
        check(parseQuantity(`${at}.defaultMemory`, defaultMemory) > 0n, `${at}.defaultMemory`, defaultMemory, "more than zero");

        if (ns.quota !== undefined) {
            const q = ns.quota;
            check(
                q.cpu !== undefined || q.memory !== undefined || q.pods !== undefined,
                `${at}.quota`,
                q,
                "at least one of cpu, memory, pods (or no quota at all)",
            );
            if (q.cpu !== undefined) parseQuantity(`${at}.quota.cpu`, q.cpu);
            if (q.memory !== undefined) parseQuantity(`${at}.quota.memory`, q.memory);
            if (q.pods !== undefined) {
                check(Number.isInteger(q.pods) && q.pods >= 1, `${at}.quota.pods`, q.pods, "a whole number, at least 1");
            }
        }
        // The API server refuses a namespace whose labels are not Kubernetes labels: refused here, at preview.
        for (const [key, value] of Object.entries(ns.labels ?? {})) {
            checkQualifiedKey(`${at}.labels`, key);
            checkLabelValue(`${at}.labels.${key}`, value);
        }
        return { ...ns, defaultCpuRequest, defaultMemory, labels: ns.labels ?? {} };
    });
    return { namespaces };
}

export type ResolvedWorkloadNamespace = ReturnType<typeof resolveWorkloadNamespacesArgs>["namespaces"][number];

/**
 * Defaults for containers that set no resources. Karpenter picks instance types from pods' requests,
 * so a pod without any would be packed as if it needed nothing.
 */
export function limitRangeSpec(ns: ResolvedWorkloadNamespace) {
    return {
        limits: [
            {
                type: "Container",
                defaultRequest: { cpu: ns.defaultCpuRequest, memory: ns.defaultMemory },
                default: { memory: ns.defaultMemory, ...(ns.defaultCpuLimit !== undefined ? { cpu: ns.defaultCpuLimit } : {}) },
            },
        ],
    };
}

/** The namespace's quota; undefined when it has none. */
export function resourceQuotaSpec(ns: ResolvedWorkloadNamespace) {
    const q = ns.quota;
    if (q === undefined) return undefined;
    const hard: Record<string, string> = {};
    if (q.cpu !== undefined) hard["requests.cpu"] = q.cpu;
    if (q.memory !== undefined) {
        hard["requests.memory"] = q.memory;
        hard["limits.memory"] = q.memory;
    }
    if (q.pods !== undefined) hard.pods = String(q.pods);
    return { hard };
}

/**
 * The namespaces' plan: their args checked and resolved, and for each namespace the Namespace, its
 * LimitRange and its ResourceQuota (when it has one), under the names the component registers them.
 */
export function planWorkloadNamespaces(name: string, args: WorkloadNamespacesArgs) {
    const settings = resolveWorkloadNamespacesArgs(args);
    const namespaces = settings.namespaces.map((ns) => {
        const metadata = { name: "defaults", namespace: ns.name };
        const quota = resourceQuotaSpec(ns);
        return {
            namespace: { type: TYPES.namespace, name: `${name}-${ns.name}`, inputs: { metadata: { name: ns.name, labels: ns.labels } } },
            limitRange: { type: TYPES.limitRange, name: `${name}-${ns.name}`, inputs: { metadata, spec: limitRangeSpec(ns) } },
            resourceQuota: quota ? { type: TYPES.resourceQuota, name: `${name}-${ns.name}`, inputs: { metadata: { ...metadata, name: "quota" }, spec: quota } } : undefined,
        };
    });
    const descriptions: ResourceDescription[] = namespaces.flatMap((n) => [n.namespace, n.limitRange, ...(n.resourceQuota ? [n.resourceQuota] : [])]);
    return { settings, namespaces, descriptions };
}

/**
 * Namespaces for workloads, each with a LimitRange that gives containers default requests (and a
 * memory limit equal to the memory request) and an optional ResourceQuota. Pass the Kubernetes
 * provider in `opts.providers`.
 */
export class WorkloadNamespaces extends pulumi.ComponentResource {
    /** Names of the namespaces created. */
    public readonly namespaceNames: pulumi.Output<string[]>;

    constructor(name: string, args: WorkloadNamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planWorkloadNamespaces(name, args); // every check, before registering anything
        super(componentType("WorkloadNamespaces"), name, {}, componentOptions("WorkloadNamespaces", opts));
        const names = plan.namespaces.map((planned) => {
            const namespace = new k8s.core.v1.Namespace(planned.namespace.name, planned.namespace.inputs, { parent: this });
            // The namespace's output: the LimitRange and ResourceQuota wait for the namespace they name.
            const metadata = { ...planned.limitRange.inputs.metadata, namespace: namespace.metadata.name };
            new k8s.core.v1.LimitRange(planned.limitRange.name, { ...planned.limitRange.inputs, metadata }, { parent: this });
            if (planned.resourceQuota) {
                const quota = planned.resourceQuota;
                new k8s.core.v1.ResourceQuota(quota.name, { ...quota.inputs, metadata: { ...quota.inputs.metadata, namespace: namespace.metadata.name } }, { parent: this });
            }
            return namespace.metadata.name;
        });
        this.namespaceNames = pulumi.all(names);
        this.registerOutputs({ namespaceNames: this.namespaceNames });
    }
}
