/** Rule 7: nodes launch with IMDSv2 only, a minimal hop limit and encrypted EBS volumes. */
import { TYPES } from "../model/tokens";
import { objectName } from "./resources";
import { ResourceRule, at, isUnknown } from "./types";

export const nodeImds: ResourceRule = {
    id: "node-imdsv2",
    scope: "resource",
    title: "EC2NodeClass metadata options require IMDSv2 tokens and keep the hop limit at the configured maximum",
    why:
        "IMDSv1 (httpTokens: optional) answers any request that reaches 169.254.169.254, so an SSRF in any pod can read the " +
        "node role's credentials; each hop above 1 lets pods in their own network namespace reach IMDS (and those credentials).",
    fix:
        "set spec.metadataOptions.httpTokens: required and httpPutResponseHopLimit: 1 (Karpenter's defaults when " +
        "metadataOptions is omitted); give pods AWS access through IRSA or Pod Identity, not the node role. Raise maxHopLimit " +
        "only for host-network pods that need IMDS.",
    types: [TYPES.ec2NodeClass],
    options: ["maxHopLimit"],
    check(resource, options) {
        const metadata = at(resource.inputs, "spec", "metadataOptions");
        const tokens = at(metadata, "httpTokens");
        const hops = at(metadata, "httpPutResponseHopLimit");
        if (at(metadata, "httpEndpoint") === "disabled") return [];
        const problems = [
            ...(typeof tokens === "string" && tokens !== "required" ? [`httpTokens is "${tokens}" (IMDSv1 allowed)`] : []),
            ...(typeof hops === "number" && hops > options.maxHopLimit
                ? [`httpPutResponseHopLimit is ${hops} (at most ${options.maxHopLimit})`]
                : []),
        ];
        if (problems.length === 0) return [];
        return [{ resource, problem: `EC2NodeClass "${objectName(resource)}" metadataOptions: ${problems.join(", ")}` }];
    },
};

export const nodeEbsEncrypted: ResourceRule = {
    id: "node-ebs-encrypted",
    scope: "resource",
    title: "Every EBS volume an EC2NodeClass maps is encrypted",
    why:
        "an unencrypted volume keeps container images, emptyDir data and logs in clear on the disk and in its snapshots; " +
        "EBS encryption costs nothing and Karpenter's own default volume is encrypted.",
    fix: "set encrypted: true (and kmsKeyID for a customer-managed key) on every blockDeviceMappings[].ebs.",
    types: [TYPES.ec2NodeClass],
    options: [],
    check(resource) {
        const mappings = at(resource.inputs, "spec", "blockDeviceMappings");
        if (!Array.isArray(mappings)) return [];
        const clear = mappings.filter((m) => {
            const ebs = at(m, "ebs");
            return ebs !== undefined && !isUnknown(ebs) && !isUnknown(at(ebs, "encrypted")) && at(ebs, "encrypted") !== true;
        });
        if (clear.length === 0) return [];
        const devices = clear.map((m) => String(at(m, "deviceName") ?? "(no deviceName)")).join(", ");
        return [
            {
                resource,
                problem: `EC2NodeClass "${objectName(resource)}" maps unencrypted EBS volume(s) ${devices} (ebs.encrypted is not true)`,
            },
        ];
    },
};
