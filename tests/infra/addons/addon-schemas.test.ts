/**
 * EKS refuses an add-on's configurationValues with an unknown key, at create time, after the cluster exists.
 * The configuration values every stack registers (resolved, as sent to EKS) are validated with ajv against
 * the add-on's configuration schema kept in reference/eks-addons (see its README for which version stands in
 * for which): a pinned version without a schema fails, and so does an unknown key.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Ajv, { ValidateFunction } from "ajv";
import { MANAGED_ADDONS } from "../../../infra/model/addons";
import { DEV_NODES, referenceData, referenceText, runProgram } from "../../harness";

type Json = any;

const FOLDER = "eks-addons";
const ajv = new Ajv({ strict: false, allErrors: true });
// The add-on schemas declare draft-06.
ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json")); // eslint-disable-line @typescript-eslint/no-require-imports

/** A closed JSON schema from a Helm chart's values.yaml: declared keys only, each with its default's type; `{}` maps free-form. */
function schemaOfChartValues(values: Json): Json {
    if (Array.isArray(values)) return { type: "array" };
    if (values === null) return {};
    if (typeof values === "object") {
        if (Object.keys(values).length === 0) return { type: "object" };
        return {
            type: "object",
            additionalProperties: false,
            properties: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, schemaOfChartValues(v)])),
        };
    }
    return { type: typeof values === "number" ? "number" : typeof values };
}

const validators = new Map<string, ValidateFunction>();
function validator(file: string): ValidateFunction {
    if (!validators.has(file)) {
        const data = referenceData(`${FOLDER}/${file}`);
        validators.set(file, ajv.compile(file.endsWith("-chart-values.yaml") ? schemaOfChartValues(data) : data));
    }
    return validators.get(file)!;
}

/** The schema files an add-on's values are checked against: its pinned version's, or the stand-ins. Throws when there is none. */
function schemasFor(addon: string, pinned: string | undefined): string[] {
    if (pinned !== undefined) {
        const exact = `${addon}-${pinned}.schema.json`;
        try {
            referenceData(`${FOLDER}/${exact}`);
            return [exact];
        } catch {
            // no schema of that exact version: a stand-in for it, if listed
        }
    }
    const standIns: string[] | undefined = referenceData(`${FOLDER}/stand-ins.json`)[addon]?.[pinned ?? "latest"];
    if (standIns === undefined || standIns.length === 0) {
        throw new Error(
            `${addon} ${pinned ?? "(latest)"} has no configuration schema in reference/${FOLDER}: add ${addon}-${pinned ?? "<version>"}.schema.json ` +
                "(aws eks describe-addon-configuration) or a stand-in in stand-ins.json, with the reason in its README",
        );
    }
    return standIns;
}

/** Every schema error of an add-on's values, each prefixed with the schema file. */
function configurationErrors(addon: string, pinned: string | undefined, values: Json): string[] {
    return schemasFor(addon, pinned).flatMap((file) => {
        const validate = validator(file);
        return validate(values)
            ? []
            : (validate.errors ?? []).map((e) => `${file}: ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
    });
}

/** A Windows class and pool beside dev's nodes: the vpc-cni add-on then has configuration values. */
const WINDOWS_NODES = {
    nodes: {
        ...DEV_NODES,
        classes: [{ name: "windows", amiFamily: "Windows2022" }],
        pools: [
            {
                name: "windows",
                nodeClassName: "windows",
                weight: 60,
                architectures: ["amd64"],
                capacityTypes: ["on-demand"],
                limits: { cpu: "16", memory: "64Gi" },
            },
        ],
    },
};

const VARIANTS: [string, string, Record<string, unknown>][] = [
    ["dev", "dev", {}],
    ["prod", "prod", {}],
    ["dev, CoreDNS on Karpenter's nodes", "dev", { addons: { coreDns: { placement: "karpenter", replicas: 3, lameduck: "5s" } } }],
    [
        "prod, coredns pinned at a version with its schema",
        "prod",
        { addons: { versions: { coredns: "v1.11.1-eksbuild.8" }, coreDns: { placement: "fargate" } } },
    ],
    ["dev with a Windows class: vpc-cni's Windows IPAM", "dev", WINDOWS_NODES],
];

describe("EKS add-on configuration values against the add-ons' schemas", () => {
    for (const [what, stack, overrides] of VARIANTS) {
        test(`${what}: every add-on's values pass its schema`, async () => {
            const p = await runProgram(stack, overrides);
            const pins: Record<string, string> = JSON.parse(p.config["eks-karpenter:addons"] ?? "{}").versions ?? {};
            const configured = p.ofType("aws:eks/addon:Addon").filter((a) => a.inputs.configurationValues !== undefined);
            const windows = overrides === WINDOWS_NODES;
            assert.deepEqual(configured.map((a) => a.inputs.addonName).sort(), [
                "aws-ebs-csi-driver",
                "coredns",
                ...(windows ? ["vpc-cni"] : []),
            ]);
            if (windows)
                assert.deepEqual(JSON.parse(configured.find((a) => a.inputs.addonName === "vpc-cni")!.inputs.configurationValues), {
                    enableWindowsIpam: "true",
                });
            for (const a of configured) {
                const values = JSON.parse(a.inputs.configurationValues);
                assert.deepEqual(configurationErrors(a.inputs.addonName, pins[a.inputs.addonName], values), [], a.name);
            }
        });
    }

    test("the pinned coredns is checked against its own version's schema", () => {
        assert.deepEqual(schemasFor("coredns", "v1.11.1-eksbuild.8"), ["coredns-v1.11.1-eksbuild.8.schema.json"]);
        assert.deepEqual(schemasFor("coredns", undefined), [
            "coredns-v1.10.1-eksbuild.11.schema.json",
            "coredns-v1.11.1-eksbuild.8.schema.json",
        ]);
    });

    test("negative control: a pinned version without its schema fails, naming what to add", async () => {
        assert.throws(
            () => schemasFor("coredns", "v1.13.9-eksbuild.1"),
            /coredns v1\.13\.9-eksbuild\.1 has no configuration schema in reference\/eks-addons: add coredns-v1\.13\.9-eksbuild\.1\.schema\.json/,
        );
        assert.throws(
            () => schemasFor("aws-ebs-csi-driver", "v1.48.0-eksbuild.2"),
            /aws-ebs-csi-driver v1\.48\.0-eksbuild\.2 has no configuration schema/,
        );
        // Every add-on the library may configure has a schema for its unpinned (latest) version, or none is configured.
        for (const addon of MANAGED_ADDONS) {
            if (addon === "coredns" || addon === "aws-ebs-csi-driver" || addon === "vpc-cni")
                assert.ok(schemasFor(addon, undefined).length > 0, addon);
            else
                assert.throws(
                    () => schemasFor(addon, undefined),
                    /has no configuration schema/,
                    `${addon} has no values, and no schema to check them`,
                );
        }
    });

    test("negative controls: an unknown key, a misspelt key and a wrong type are refused", () => {
        assert.match(
            configurationErrors("coredns", undefined, { replicaCount: 2, replicas: 2 }).join("\n"),
            /must NOT have additional properties.*"replicas"/,
        );
        assert.match(configurationErrors("coredns", undefined, { replicaCount: "2" }).join("\n"), /replicaCount must be integer/);
        assert.match(
            configurationErrors("coredns", undefined, { podDisruptionBudget: { enabled: true, maxUnavailable: "1" } }).join("\n"),
            /maxUnavailable must match pattern/,
        );
        assert.match(
            configurationErrors("aws-ebs-csi-driver", undefined, { node: { tolerateAllTaint: true } }).join("\n"),
            /\/node must NOT have additional properties.*"tolerateAllTaint"/,
        );
        assert.match(
            configurationErrors("aws-ebs-csi-driver", undefined, { node: { tolerateAllTaints: "yes" } }).join("\n"),
            /tolerateAllTaints must be boolean/,
        );
        assert.match(
            configurationErrors("vpc-cni", undefined, { enableWindowsIPAM: "true" }).join("\n"),
            /additional properties.*"enableWindowsIPAM"/,
        );
        assert.match(configurationErrors("vpc-cni", undefined, { enableWindowsIpam: true }).join("\n"), /enableWindowsIpam must be string/);
        assert.deepEqual(
            configurationErrors("aws-ebs-csi-driver", undefined, { node: { tolerateAllTaints: true, podLabels: { a: "b" } } }),
            [],
            "an empty map of the chart is free-form",
        );
    });

    test("the add-ons' node DaemonSets keep to Linux nodes by their charts' defaults (so Windows nodes need nothing of them)", () => {
        const cni = referenceData(`${FOLDER}/vpc-cni-v1.20.1-chart-values.yaml`);
        const terms = cni.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
        assert.ok(
            terms.every((t: Json) =>
                t.matchExpressions.some((e: Json) => e.key === "kubernetes.io/os" && e.operator === "In" && e.values.join() === "linux"),
            ),
        );
        const ebsNode = referenceText(`${FOLDER}/aws-ebs-csi-driver-v1.48.0-chart-_node.tpl`);
        assert.match(ebsNode, /^ {6}nodeSelector:\n {8}kubernetes\.io\/os: linux$/m);
        // Negative control: the same pattern does not find a Windows selector there.
        assert.doesNotMatch(ebsNode, /^ {6}nodeSelector:\n {8}kubernetes\.io\/os: windows$/m);
    });

    test("the chart writes enableWindowsIpam into the amazon-vpc-cni ConfigMap as enable-windows-ipam, the key Windows IPAM reads", () => {
        const template = referenceText(`${FOLDER}/vpc-cni-v1.20.1-chart-configmap.yaml`);
        const configMap = template.split(/^---$/m).find((doc) => /name: amazon-vpc-cni$/m.test(doc));
        assert.ok(configMap, "the amazon-vpc-cni ConfigMap");
        assert.match(configMap, /^ {2}enable-windows-ipam: \{\{ \.Values\.enableWindowsIpam \| quote \}\}$/m);
        // Negative control: a key the chart does not map is not there.
        assert.doesNotMatch(configMap, /\.Values\.enableWindowsIPAM\b/);
    });
});
