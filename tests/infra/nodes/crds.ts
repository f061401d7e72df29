/**
 * Validation of rendered objects against Karpenter's real CRDs (shared/reference/karpenter-1.9/crds):
 * the OpenAPI schema with ajv, and the CEL rules (`x-kubernetes-validations`) of the fields this
 * library sets, transliterated by hand with the CRD's own messages.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { ValidateFunction } from "ajv";
import { parse } from "yaml";

import { SHARED } from "../../harness";

export const CRD_DIR = path.resolve(SHARED, "reference", "karpenter-1.9", "crds");

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export function v1Schema(file: string): Json {
    const crd = parse(fs.readFileSync(path.join(CRD_DIR, file), "utf8"));
    return crd.spec.versions.find((v: Json) => v.name === "v1").schema.openAPIV3Schema;
}

/**
 * The schema with every object that lists its properties closed to others: the API server drops or
 * (with strict field validation) refuses unknown fields, so a misspelt field must fail here.
 */
function closed(schema: Json): Json {
    if (Array.isArray(schema)) return schema.map(closed);
    if (schema === null || typeof schema !== "object") return schema;
    const out: Json = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === "default" || k === "enum" ? v : closed(v)]));
    if (out.type === "object" && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
}

/** Messages of every CEL rule in a schema, to check the hand-written rules quote the CRD. */
export function celMessages(schema: Json): string[] {
    if (schema === null || typeof schema !== "object") return [];
    const own = (schema["x-kubernetes-validations"] ?? []).map((r: Json) => r.message);
    return [...own, ...Object.values(schema).flatMap(celMessages)];
}

// strict: false lets ajv skip the Kubernetes keywords (x-kubernetes-*); formats (int64, date-time) are not checked.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map<string, ValidateFunction>();

function schemaErrors(file: string, object: Json): string[] {
    if (!compiled.has(file)) compiled.set(file, ajv.compile(closed(v1Schema(file))));
    const validate = compiled.get(file)!;
    return validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}

export const EC2_NODE_CLASS_CRD = "karpenter.k8s.aws_ec2nodeclasses.yaml";
export const NODE_POOL_CRD = "karpenter.sh_nodepools.yaml";

/** Everything the API server would refuse in an EC2NodeClass (schema and the CEL rules of our fields). */
export function ec2NodeClassErrors(object: Json): string[] {
    return [...schemaErrors(EC2_NODE_CLASS_CRD, object), ...ec2NodeClassCel(object.spec ?? {})];
}

/** Everything the API server would refuse in a NodePool (schema and the CEL rules of our fields). */
export function nodePoolErrors(object: Json): string[] {
    return [...schemaErrors(NODE_POOL_CRD, object), ...nodePoolCel(object.spec ?? {})];
}

const has = (o: Json, k: string) => o !== null && typeof o === "object" && o[k] !== undefined;

function ec2NodeClassCel(spec: Json): string[] {
    const errors: string[] = [];
    const fail = (ok: boolean, message: string) => ok || errors.push(message);
    const terms: Json[] = spec.amiSelectorTerms ?? [];
    for (const t of terms) {
        if (has(t, "alias")) {
            const [family, version] = [t.alias.split("@")[0], t.alias.split("@")[1]];
            fail(/^[a-zA-Z0-9]+@.+$/.test(t.alias), "'alias' is improperly formatted, must match the format 'family@version'");
            fail(
                ["al2", "al2023", "bottlerocket", "windows2019", "windows2022", "windows2025"].includes(family),
                "family is not supported, must be one of the following: 'al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022', 'windows2025'",
            );
            fail(!family.startsWith("windows") || version === "latest", "windows families may only specify version 'latest'");
        }
        if (has(t, "tags")) fail(Object.entries(t.tags).every(([k, v]) => k !== "" && v !== ""), "empty tag keys or values aren't supported");
    }
    fail(
        terms.every((x) => ["tags", "id", "name", "alias", "ssmParameter"].some((k) => has(x, k))),
        "expected at least one, got none, ['tags', 'id', 'name', 'alias', 'ssmParameter']",
    );
    fail(
        !terms.some((x) => has(x, "id") && ["alias", "tags", "name", "owner"].some((k) => has(x, k))),
        "'id' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms",
    );
    fail(
        !terms.some((x) => has(x, "alias") && ["id", "tags", "name", "owner"].some((k) => has(x, k))),
        "'alias' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms",
    );
    fail(!(terms.some((x) => has(x, "alias")) && terms.length !== 1), "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms");

    for (const m of spec.blockDeviceMappings ?? []) {
        if (has(m, "ebs")) {
            fail(has(m.ebs, "snapshotID") || has(m.ebs, "volumeSize"), "snapshotID or volumeSize must be defined");
            fail(!has(m.ebs, "volumeInitializationRate") || (has(m.ebs, "snapshotID") && m.ebs.snapshotID !== ""), "snapshotID must be set when volumeInitializationRate is set");
        }
    }
    fail((spec.blockDeviceMappings ?? []).filter((m: Json) => m.rootVolume === true).length <= 1, "must have only one blockDeviceMappings with rootVolume");
    if (has(spec, "role")) fail(spec.role !== "", "role cannot be empty");
    if (has(spec, "instanceProfile")) fail(spec.instanceProfile !== "", "instanceProfile cannot be empty");

    const selectors = [
        ["securityGroupSelectorTerms", ["tags", "id", "name"], "a security group selector term"],
        ["subnetSelectorTerms", ["tags", "id"], "a subnet selector term"],
    ] as const;
    for (const [field, keys, what] of selectors) {
        if (!has(spec, field)) continue;
        const list: Json[] = spec[field];
        fail(list.length !== 0, `${field} cannot be empty`);
        fail(list.every((x) => keys.some((k) => has(x, k))), `expected at least one, got none, [${keys.map((k) => `'${k}'`).join(", ")}]`);
        const others = keys.filter((k) => k !== "id");
        fail(!list.every((x) => has(x, "id") && others.some((k) => has(x, k))), `'id' is mutually exclusive, cannot be set with a combination of other fields in ${what}`);
        if (field === "securityGroupSelectorTerms") {
            fail(!list.every((x) => has(x, "name") && (has(x, "tags") || has(x, "id"))), `'name' is mutually exclusive, cannot be set with a combination of other fields in ${what}`);
        }
        for (const x of list) {
            if (has(x, "tags")) fail(Object.entries(x.tags).every(([k, v]) => k !== "" && v !== ""), "empty tag keys or values aren't supported");
        }
    }

    if (has(spec, "tags")) {
        const keys = Object.keys(spec.tags);
        fail(keys.every((k) => k !== ""), "empty tag keys aren't supported");
        fail(keys.every((k) => k !== "eks:eks-cluster-name"), "tag contains a restricted tag matching eks:eks-cluster-name");
        fail(keys.every((k) => !k.startsWith("kubernetes.io/cluster")), "tag contains a restricted tag matching kubernetes.io/cluster/");
        fail(keys.every((k) => k !== "karpenter.sh/nodepool"), "tag contains a restricted tag matching karpenter.sh/nodepool");
        fail(keys.every((k) => k !== "karpenter.sh/nodeclaim"), "tag contains a restricted tag matching karpenter.sh/nodeclaim");
        fail(keys.every((k) => k !== "karpenter.k8s.aws/ec2nodeclass"), "tag contains a restricted tag matching karpenter.k8s.aws/ec2nodeclass");
    }

    fail(has(spec, "role") !== has(spec, "instanceProfile"), "must specify exactly one of ['role', 'instanceProfile']");
    const aliasFamily = (family: string) => terms.some((x) => has(x, "alias") && x.alias.split("@")[0] === family);
    const families = [["al2", "AL2"], ["al2023", "AL2023"], ["bottlerocket", "Bottlerocket"], ["windows2019", "Windows2019"], ["windows2022", "Windows2022"], ["windows2025", "Windows2025"]];
    for (const [alias, family] of families) {
        fail(
            !has(spec, "amiFamily") || !aliasFamily(alias) || spec.amiFamily === "Custom" || spec.amiFamily === family,
            `if set, amiFamily must be '${family}' or 'Custom' when using ${family.startsWith("A") ? "an" : "a"} ${family} alias`,
        );
    }
    fail(terms.some((x) => has(x, "alias")) || has(spec, "amiFamily"), "must specify amiFamily if amiSelectorTerms does not contain an alias");
    const kubelet = spec.kubelet ?? {};
    fail(
        !(has(kubelet, "imageGCHighThresholdPercent") && has(kubelet, "imageGCLowThresholdPercent")) || kubelet.imageGCHighThresholdPercent > kubelet.imageGCLowThresholdPercent,
        "imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent",
    );
    return errors;
}

const WELL_KNOWN_AWS = [
    "karpenter.k8s.aws/instance-tenancy", "karpenter.k8s.aws/capacity-reservation-type", "karpenter.k8s.aws/capacity-reservation-id",
    "karpenter.k8s.aws/ec2nodeclass", "karpenter.k8s.aws/instance-encryption-in-transit-supported", "karpenter.k8s.aws/instance-category",
    "karpenter.k8s.aws/instance-hypervisor", "karpenter.k8s.aws/instance-family", "karpenter.k8s.aws/instance-generation",
    "karpenter.k8s.aws/instance-local-nvme", "karpenter.k8s.aws/instance-size", "karpenter.k8s.aws/instance-cpu",
    "karpenter.k8s.aws/instance-cpu-manufacturer", "karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz", "karpenter.k8s.aws/instance-memory",
    "karpenter.k8s.aws/instance-ebs-bandwidth", "karpenter.k8s.aws/instance-network-bandwidth", "karpenter.k8s.aws/instance-gpu-name",
    "karpenter.k8s.aws/instance-gpu-manufacturer", "karpenter.k8s.aws/instance-gpu-count", "karpenter.k8s.aws/instance-gpu-memory",
    "karpenter.k8s.aws/instance-accelerator-name", "karpenter.k8s.aws/instance-accelerator-manufacturer", "karpenter.k8s.aws/instance-accelerator-count",
    "karpenter.k8s.aws/instance-capability-flex",
];

/** The four label-key rules the CRD puts on template labels and requirement keys. */
function labelKeyErrors(key: string): string[] {
    const domain = /^([^/]+)/.exec(key)?.[1] ?? "";
    const errors: string[] = [];
    if (!(["karpenter.sh/capacity-type", "karpenter.sh/nodepool"].includes(key) || !domain.endsWith("karpenter.sh"))) errors.push('label domain "karpenter.sh" is restricted');
    if (key === "karpenter.sh/nodepool") errors.push('label "karpenter.sh/nodepool" is restricted');
    if (key === "kubernetes.io/hostname") errors.push('label "kubernetes.io/hostname" is restricted');
    if (!(WELL_KNOWN_AWS.includes(key) || !domain.endsWith("karpenter.k8s.aws"))) errors.push('label domain "karpenter.k8s.aws" is restricted');
    return errors;
}

function nodePoolCel(spec: Json): string[] {
    const errors: string[] = [];
    const fail = (ok: boolean, message: string) => ok || errors.push(message);
    const budgets: Json[] = spec.disruption?.budgets ?? [];
    fail(budgets.every((b) => has(b, "schedule") === has(b, "duration")), "'schedule' must be set with 'duration'");

    const template = spec.template ?? {};
    for (const key of Object.keys(template.metadata?.labels ?? {})) errors.push(...labelKeyErrors(key));
    const ref = template.spec?.nodeClassRef ?? {};
    for (const field of ["group", "kind", "name"]) if (has(ref, field)) fail(ref[field] !== "", `${field} may not be empty`);

    const requirements: Json[] = template.spec?.requirements ?? [];
    for (const r of requirements) {
        errors.push(...labelKeyErrors(r.key));
        // The CRD hangs the label-value pattern on the values array, where OpenAPI ignores it; the API
        // server's label validation still applies it to each value.
        for (const v of r.values ?? []) fail(v.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v), `invalid label value ${JSON.stringify(v)}`);
    }
    fail(requirements.every((x) => (x.operator === "In" ? (x.values ?? []).length !== 0 : true)), "requirements with operator 'In' must have a value defined");
    fail(
        requirements.every((x) => (["Gt", "Lt", "Gte", "Lte"].includes(x.operator) ? (x.values ?? []).length === 1 && /^[0-9]+$/.test(x.values[0]) : true)),
        "requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value",
    );
    fail(
        requirements.every((x) => (x.operator === "In" && has(x, "minValues") ? (x.values ?? []).length >= x.minValues : true)),
        "requirements with 'minValues' must have at least that many values specified in the 'values' field",
    );
    const limits = Object.keys(spec.limits ?? {});
    fail(!has(spec, "replicas") || limits.length === 0 || (limits.length === 1 && limits[0] === "nodes"), "only 'limits.nodes' is supported on static NodePools");
    fail(!has(spec, "replicas") || !has(spec, "weight"), "'weight' is not supported on static NodePools");
    return errors;
}
