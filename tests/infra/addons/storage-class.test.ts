/**
 * The default StorageClass against the EBS CSI driver's own documentation of its StorageClass parameters
 * (`docs/parameters.md` at the driver version the add-on references use, reference/eks-addons): every
 * parameter the stacks' StorageClass sets is one the driver documents, with a value the document allows.
 * On a real cluster an unknown or misspelt key fails every volume's CreateVolume (the driver's
 * `pkg/driver/controller.go` at v1.48.0: "Invalid parameter key %s for CreateVolume"), and a boolean the
 * driver does not read as true (`encrypted: "yes"`) silently gives an unencrypted volume.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Program, referenceText, runProgram } from "../../harness";

const PARAMETERS_DOC = "eks-addons/aws-ebs-csi-driver-v1.48.0-docs-parameters.md";
const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";

/** One documented parameter: its name, the values the document lists (none: free-form), whether its name is case sensitive. */
interface DocumentedParameter {
    name: string;
    values: string[] | "integer" | undefined;
    caseSensitive: boolean;
}

/** The "Supported Parameters" table of the driver's parameters.md. */
function documentedParameters(): DocumentedParameter[] {
    const doc = referenceText(PARAMETERS_DOC);
    const table = doc.slice(doc.indexOf("## Supported Parameters"), doc.indexOf("## Restrictions"));
    return table
        .split("\n")
        .filter((line) => /^\| "/.test(line))
        .map((line) => {
            const [name, values, , description] = line
                .split("|")
                .slice(1, -1)
                .map((c) => c.trim());
            const listed = values === "" ? undefined : values === "integer" ? "integer" : values.split(",").map((v) => v.trim());
            return { name: name.replace(/^"|"$/g, ""), values: listed, caseSensitive: /case sensitive/i.test(description) };
        });
}

/** The provisioner of the document's example StorageClass. */
function documentedProvisioner(): string {
    return /^provisioner: (\S+)$/m.exec(referenceText(PARAMETERS_DOC))![1];
}

/** What is wrong with `parameters` by the driver's document: each unknown name or value not allowed. */
function parameterErrors(parameters: Record<string, unknown>): string[] {
    const documented = documentedParameters();
    return Object.entries(parameters).flatMap(([key, value]) => {
        const doc = documented.find((d) => (d.caseSensitive ? d.name === key : d.name.toLowerCase() === key.toLowerCase()));
        if (!doc) return [`${key}: not a documented parameter (${documented.map((d) => d.name).join(", ")})`];
        if (typeof value !== "string") return [`${key}: ${JSON.stringify(value)} is not a string (StorageClass parameters are strings)`];
        if (doc.values === "integer") return /^\d+$/.test(value) ? [] : [`${key}: ${value} is not an integer`];
        if (doc.values && !doc.values.includes(value)) return [`${key}: ${value} is not one of ${doc.values.join(", ")}`];
        return [];
    });
}

describe("the EBS CSI driver's documented StorageClass parameters", () => {
    test("the document is read: its table has the parameters and values of the driver (type, encrypted, fstype among them)", () => {
        const documented = documentedParameters();
        assert.ok(documented.length >= 10, `${documented.length} parameters`);
        assert.deepEqual(documented.find((d) => d.name === "encrypted")?.values, ["true", "false"]);
        assert.ok(documented.find((d) => d.name === "csi.storage.k8s.io/fstype")?.caseSensitive);
        assert.equal(documentedProvisioner(), "ebs.csi.aws.com");
    });

    for (const [stack, config] of [
        ["dev", {}],
        ["prod", {}],
        ["prod", { addons: { storageClass: { name: "standard", reclaimPolicy: "Delete" } } }],
    ] as const) {
        test(`${stack}${Object.keys(config).length ? " with its StorageClass renamed" : ""}: every parameter is a documented one with a documented value, for the driver's provisioner`, async () => {
            const p: Program = await runProgram(stack, config);
            const sc = p.one(STORAGE_CLASS);
            assert.equal(sc.inputs.provisioner, documentedProvisioner());
            assert.ok(Object.keys(sc.inputs.parameters).length > 0);
            assert.deepEqual(parameterErrors(sc.inputs.parameters), []);
        });
    }

    test("negative controls: an unknown, misspelt or wrongly cased parameter, or a value the driver does not take, is reported", () => {
        assert.deepEqual(parameterErrors({ type: "gp3", encrypted: "true" }), []);
        for (const [parameters, error] of [
            [{ type: "gp-3" }, /^type: gp-3 is not one of io1, io2, gp2, gp3, sc1, st1, standard$/],
            [{ encrypted: "yes" }, /^encrypted: yes is not one of true, false$/],
            [{ encryted: "true" }, /^encryted: not a documented parameter/],
            [{ fsType: "ext4" }, /^fsType: not a documented parameter/],
            [{ "csi.storage.k8s.io/fsType": "ext4" }, /^csi\.storage\.k8s\.io\/fsType: not a documented parameter/],
            [{ volumeInitializationRate: "1.5" }, /^volumeInitializationRate: 1\.5 is not an integer$/],
            [{ encrypted: true }, /is not a string/],
        ] as const) {
            const errors = parameterErrors(parameters);
            assert.equal(errors.length, 1, JSON.stringify(parameters));
            assert.match(errors[0], error);
        }
        // Names are case insensitive unless the document says otherwise.
        assert.deepEqual(parameterErrors({ KMSKEYID: "arn:aws:kms:eu-west-1:123456789012:key/x", "csi.storage.k8s.io/fstype": "xfs" }), []);
    });
});
