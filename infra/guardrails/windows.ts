/**
 * Rule 16: Windows nodes are kept apart from what only Linux nodes can run, and get what only Windows nodes need.
 * A Windows EC2NodeClass (a Windows AMI family or alias) carries no Linux user data (cloud-init parts, the
 * containerd-volume script) and no second volume; its pools require `kubernetes.io/os In [windows]` and no arm64,
 * and no Linux class's pool admits windows; its role (or instance profile's role) has the `EC2_WINDOWS` access
 * entry; the cluster role has AmazonEKSVPCResourceController and the VPC CNI add-on turns on Windows IPAM; every
 * DaemonSet of the cluster (and NVIDIA's device plugin chart) pins the operating system its image runs on.
 */
import { LINUX_NODE_SELECTOR, OS_LABEL, WINDOWS_ROOT_DEVICE } from "../model/node-class";
import { EKS_CLUSTER_POLICY, EKS_VPC_RESOURCE_CONTROLLER_POLICY } from "../model/eks";
import { HELM_TYPES, TYPES } from "../model/tokens";
import { allowed, allows, nodePoolShape } from "./requirements";
import { helmValues, objectName } from "./resources";
import { Finding, ResourceDescription, StackRule, at, containsUnknown, isRecord, isUnknown } from "./types";

const ARCH_LABEL = "kubernetes.io/arch";

/** Whether an EC2NodeClass runs Windows: a Windows amiFamily, or a Windows alias (`windows2022@latest`). */
export function isWindowsNodeClass(d: ResourceDescription): boolean {
    const spec = at(d.inputs, "spec");
    const family = at(spec, "amiFamily");
    const terms = at(spec, "amiSelectorTerms");
    return (
        (typeof family === "string" && family.startsWith("Windows")) ||
        (Array.isArray(terms) && terms.some((t) => String(at(t, "alias") ?? "").startsWith("windows")))
    );
}

/** What in a Windows class's user data is Linux's: cloud-init (a shebang, #cloud-config, a MIME document) or the containerd store. */
function linuxUserData(userData: unknown): string | undefined {
    if (typeof userData !== "string") return undefined;
    const text = userData.trimStart();
    if (/^MIME-Version:/im.test(text) && /^Content-Type:\s*multipart\//im.test(text)) return "a MIME multi-part document (cloud-init's)";
    if (text.startsWith("#!")) return "a shell script";
    if (text.startsWith("#cloud-config")) return "a cloud-config document";
    if (text.includes("/var/lib/containerd")) return "the containerd-volume script";
    return undefined;
}

/** The role a role ARN names (`arn:aws:iam::1:role/path/name` gives `name`). */
function roleNameOfArn(arn: unknown): string | undefined {
    return typeof arn === "string" && /:role\//.test(arn) ? arn.split("/").pop() : undefined;
}

/** Whether a pod spec (or a chart's values shaped like one) pins one operating system: a nodeSelector, or every required term. */
export function pinsOperatingSystem(podSpec: unknown): boolean {
    const selected = at(podSpec, "nodeSelector", OS_LABEL);
    if (typeof selected === "string" && selected !== "") return true;
    const terms = at(podSpec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms");
    return (
        Array.isArray(terms) &&
        terms.length > 0 &&
        terms.every((t) => {
            const expressions = at(t, "matchExpressions");
            return (
                Array.isArray(expressions) &&
                expressions.some(
                    (e) =>
                        at(e, "key") === OS_LABEL &&
                        at(e, "operator") === "In" &&
                        Array.isArray(at(e, "values")) &&
                        (at(e, "values") as unknown[]).length === 1,
                )
            );
        })
    );
}

/** Charts whose values hold the pod spec's nodeSelector and affinity at the top (the DaemonSet charts the program installs). */
const DAEMONSET_CHARTS = ["nvidia-device-plugin"];

export const windowsNodesSeparate: StackRule = {
    id: "windows-nodes-separate",
    scope: "stack",
    title: "Windows EC2NodeClasses and NodePools are kept apart from Linux ones, with the Windows node role, VPC resource controller and Windows IPAM",
    why:
        "Windows nodes run no cloud-init and no bash: Linux user data or a containerd volume on a Windows class is never applied " +
        "(or breaks the launch); a Windows pool without kubernetes.io/os In [windows] or allowing arm64 (there is no Windows " +
        "AMI for Graviton) launches nodes that cannot start, and a Linux pool admitting windows launches Linux nodes for " +
        "Windows pods; a node whose role's access entry is EC2_LINUX never joins as Windows (an IAM role has one access " +
        "entry per cluster); without AmazonEKSVPCResourceController on the cluster role and enable-windows-ipam in the VPC " +
        "CNI's ConfigMap, Windows pods get no IP address; and a DaemonSet that pins no operating system is scheduled onto " +
        "Windows nodes, where its Linux image never starts.",
    fix:
        "build Windows classes with amiFamily Windows2022 (alias windows2022@latest), the root volume /dev/sda1 only and no Linux user " +
        "data; give their pools kubernetes.io/os In [windows] and kubernetes.io/arch In [amd64]; give them a node role of " +
        "their own with an EC2_WINDOWS access entry; attach AmazonEKSVPCResourceController to the cluster role; set " +
        'configurationValues {"enableWindowsIpam": "true"} on the vpc-cni add-on; add nodeSelector kubernetes.io/os: linux ' +
        "to every Linux DaemonSet.",
    types: [
        TYPES.ec2NodeClass,
        TYPES.nodePool,
        TYPES.accessEntry,
        TYPES.instanceProfile,
        TYPES.rolePolicyAttachment,
        TYPES.addon,
        TYPES.daemonSet,
        ...HELM_TYPES,
    ],
    options: [],
    check(resources) {
        const of = (type: string) => resources.filter((r) => r.type === type);
        const cluster = (r: ResourceDescription) => r.cluster ?? "";
        const windowsClasses = of(TYPES.ec2NodeClass).filter(isWindowsNodeClass);
        const findings: Finding[] = [];
        const report = (resource: ResourceDescription, problem: string) => findings.push({ resource, problem });

        // Access entry types by role name, and the role of each instance profile.
        const entryOfRole = new Map<string, unknown>();
        for (const e of of(TYPES.accessEntry)) {
            const role = roleNameOfArn(at(e.inputs, "principalArn"));
            if (role !== undefined) entryOfRole.set(role, at(e.inputs, "type"));
        }
        const roleOfProfile = new Map<string, unknown>();
        for (const p of of(TYPES.instanceProfile)) {
            const name = at(p.inputs, "name");
            if (typeof name === "string") roleOfProfile.set(name, at(p.inputs, "role"));
        }

        for (const c of windowsClasses) {
            const spec = at(c.inputs, "spec");
            const name = `Windows EC2NodeClass "${objectName(c)}"`;
            const linux = linuxUserData(at(spec, "userData"));
            if (linux) report(c, `${name} has Linux user data: ${linux}`);
            const mappings = at(spec, "blockDeviceMappings");
            if (Array.isArray(mappings)) {
                const others = mappings.map((m) => at(m, "deviceName")).filter((d) => typeof d === "string" && d !== WINDOWS_ROOT_DEVICE);
                if (others.length > 0)
                    report(
                        c,
                        `${name} maps volume(s) ${others.join(", ")} besides its root volume ${WINDOWS_ROOT_DEVICE} (a Linux data volume)`,
                    );
            }
            // The role, or the instance profile's role, as far as this program registers it.
            const profile = at(spec, "instanceProfile");
            const role = typeof profile === "string" ? roleOfProfile.get(profile) : at(spec, "role");
            const entry = typeof role === "string" ? entryOfRole.get(role) : undefined;
            if (typeof entry === "string" && entry !== "EC2_WINDOWS")
                report(c, `${name} launches nodes with role ${String(role)}, whose EKS access entry is ${entry}, not EC2_WINDOWS`);
        }

        // Pools, by their class in the same cluster.
        const classes = new Map(of(TYPES.ec2NodeClass).map((c) => [`${cluster(c)}/${objectName(c)}`, c]));
        for (const p of of(TYPES.nodePool)) {
            const className = at(p.inputs, "spec", "template", "spec", "nodeClassRef", "name");
            const nodeClass = typeof className === "string" ? classes.get(`${cluster(p)}/${className}`) : undefined;
            const shape = nodePoolShape(p);
            if (!nodeClass || !shape || containsUnknown(at(nodeClass.inputs, "spec", "amiSelectorTerms"))) continue;
            const os = allowed(shape, OS_LABEL);
            if (isWindowsNodeClass(nodeClass)) {
                if (!shape.keys.has(OS_LABEL) || allows(os, "linux") || !allows(os, "windows"))
                    report(p, `NodePool "${shape.name}" on Windows EC2NodeClass "${className}" does not require ${OS_LABEL} In [windows]`);
                if (allows(allowed(shape, ARCH_LABEL), "arm64"))
                    report(p, `NodePool "${shape.name}" on Windows EC2NodeClass "${className}" allows ${ARCH_LABEL} arm64`);
            } else if (shape.keys.has(OS_LABEL) && allows(os, "windows")) {
                report(p, `NodePool "${shape.name}" on Linux EC2NodeClass "${className}" allows ${OS_LABEL} windows`);
            }
        }
        if (windowsClasses.length === 0) return findings;
        const first = windowsClasses[0];
        const windows = `Windows EC2NodeClass "${objectName(first)}"`;

        // The cluster role, where this program makes it (it attaches AmazonEKSClusterPolicy).
        const policies = of(TYPES.rolePolicyAttachment).map((a) => at(a.inputs, "policyArn"));
        const named = (policy: string) => policies.some((arn) => typeof arn === "string" && arn.endsWith(`:policy/${policy}`));
        if (!policies.some(isUnknown) && named(EKS_CLUSTER_POLICY) && !named(EKS_VPC_RESOURCE_CONTROLLER_POLICY))
            report(first, `${windows} exists, and the cluster role has no ${EKS_VPC_RESOURCE_CONTROLLER_POLICY} policy attached`);

        // The VPC CNI add-on, where this program makes it.
        for (const addon of of(TYPES.addon).filter((a) => at(a.inputs, "addonName") === "vpc-cni")) {
            const raw = at(addon.inputs, "configurationValues");
            if (isUnknown(raw)) continue;
            let config: unknown;
            try {
                config = typeof raw === "string" && raw !== "" ? JSON.parse(raw) : {};
            } catch {
                // Not JSON (EKS also takes YAML): this rule cannot read it.
                continue;
            }
            const ipam = at(config, "enableWindowsIpam");
            if (ipam !== "true" && ipam !== true)
                report(
                    addon,
                    `${windows} exists, and the vpc-cni add-on does not set enableWindowsIpam "true" (it is ${JSON.stringify(ipam) ?? "unset"})`,
                );
        }

        // DaemonSets (and DaemonSet charts) of a cluster with Windows classes.
        const windowsClusters = new Set(windowsClasses.map(cluster));
        for (const d of resources.filter((r) => windowsClusters.has(cluster(r)))) {
            const chart = at(d.inputs, "chart");
            const podSpec =
                d.type === TYPES.daemonSet
                    ? at(d.inputs, "spec", "template", "spec")
                    : (HELM_TYPES as readonly string[]).includes(d.type) &&
                        typeof chart === "string" &&
                        DAEMONSET_CHARTS.includes(chart.split("/").pop()!)
                      ? helmValues(d)
                      : undefined;
            if (podSpec === undefined || containsUnknown(podSpec) || !isRecord(podSpec)) continue;
            if (!pinsOperatingSystem(podSpec))
                report(
                    d,
                    `DaemonSet ${d.type === TYPES.daemonSet ? `"${objectName(d)}"` : `of chart ${String(chart)}`} pins no operating system ` +
                        `(nodeSelector ${OS_LABEL}: ${LINUX_NODE_SELECTOR[OS_LABEL]}) in a cluster with ${windows}`,
                );
        }
        return findings;
    },
};
