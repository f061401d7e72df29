/**
 * Every supported Karpenter version's table (infra/model/karpenter-versions.ts) against that version's own
 * upstream data in reference/karpenter-<minor>/: the controller policy statement for statement as the
 * getting-started CloudFormation writes it, the interruption rules, the charts and image, the Kubernetes
 * versions of the compatibility matrix, and the chart values this library sets, consumed by that chart.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Scalar, parse } from "yaml";
import { controllerPolicies } from "../../../infra/karpenter/controller-policy";
import { karpenterValues } from "../../../infra/karpenter/helm-values";
import { MANAGED_POLICY_MAX_CHARS, policyDocument, policySize } from "../../../infra/iam/policy";
import { KARPENTER_VERSIONS, KarpenterVersion } from "../../../infra/model/karpenter-versions";
import { REPO_ROOT } from "../../harness";
import { unknownPaths } from "../../chart-values";
import { POLICY_SCOPE, VALUES_INPUT } from "./fixtures";

type Json = any;

const scope = POLICY_SCOPE;

const reference = (minor: string, file: string) => fs.readFileSync(path.join(REPO_ROOT, "reference", `karpenter-${minor}`, file), "utf8");

/** CloudFormation's short-form functions, read as the text they hold (`!Sub "x"` → "x"). */
const CFN_TAGS = ["!Sub", "!GetAtt", "!Ref"].map((tag) => ({
    tag,
    resolve: (value: string) => value,
    identify: () => false,
    nodeClass: Scalar,
}));

/** The reference template of a version, parsed. */
function cloudFormation(minor: string): Json {
    return parse(reference(minor, "getting-started/cloudformation.yaml"), { customTags: CFN_TAGS as never });
}

/**
 * The controller's statements of a reference template with `scope` filled in, by Sid. The one deliberate
 * difference is normalised: the reference lets the node role pass to EC2 under both the commercial and the
 * China service name; the library names the account's partition's only, which must be one of the two.
 */
function referenceStatements(template: Json): Map<string, Json> {
    const values: Record<string, string> = {
        "${AWS::Partition}": scope.partition,
        "${AWS::Region}": scope.region,
        "${AWS::AccountId}": scope.accountId,
        "${ClusterName}": scope.clusterName,
        "${KarpenterNodeRole.Arn}": scope.nodeRoleArn,
        "${KarpenterInterruptionQueue.Arn}": scope.interruptionQueueArn,
    };
    const statements = new Map<string, Json>();
    for (const resource of Object.values<Json>(template.Resources)) {
        if (resource.Type !== "AWS::IAM::ManagedPolicy") continue;
        const document = JSON.parse(
            String(resource.Properties.PolicyDocument).replace(/\$\{[^}]+\}/g, (p) => values[p] ?? assert.fail(`no value for ${p}`)),
        );
        for (const s of document.Statement) {
            const passed = s.Condition?.StringEquals?.["iam:PassedToService"];
            if (Array.isArray(passed)) {
                assert.ok(passed.includes(`ec2.${scope.dnsSuffix}`), `${s.Sid}: ${passed}`);
                s.Condition.StringEquals["iam:PassedToService"] = `ec2.${scope.dnsSuffix}`;
            }
            statements.set(s.Sid, s);
        }
    }
    return statements;
}

/** How the library's statements differ from a reference's: Sids missing, extra, or different. */
function policyDifferences(version: KarpenterVersion, template: Json): string[] {
    const ours = new Map(
        controllerPolicies(version, scope)
            .flatMap((p) => p.document.Statement as Json[])
            .map((s) => [s.Sid, s]),
    );
    const theirs = referenceStatements(template);
    const found: string[] = [];
    for (const [sid, s] of theirs) {
        if (!ours.has(sid)) found.push(`missing ${sid}`);
        else if (JSON.stringify(ours.get(sid)) !== JSON.stringify(s))
            found.push(`differs ${sid}: ${JSON.stringify(ours.get(sid))} != ${JSON.stringify(s)}`);
    }
    for (const sid of ours.keys()) if (!theirs.has(sid)) found.push(`extra ${sid}`);
    return found;
}

/** The `source`/`detail-type` pairs of a template's EventBridge rules. */
function referenceEvents(template: Json): string[] {
    return Object.values<Json>(template.Resources)
        .filter((r) => r.Type === "AWS::Events::Rule")
        .map((r) => `${r.Properties.EventPattern.source[0]} / ${r.Properties.EventPattern["detail-type"][0]}`);
}

/** Leaf paths of an object (arrays are leaves). */
function leaves(value: Json, at: string[] = []): string[] {
    if (value === null || typeof value !== "object" || Array.isArray(value) || Object.keys(value).length === 0) return [at.join(".")];
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
}

/** Our value paths that no template of the chart reads, neither the path itself nor a parent of it. */
function unconsumedPaths(values: Json, templates: string): string[] {
    return leaves(values).filter((leaf) => {
        const parts = leaf.split(".");
        // A parent counts only when read whole (`with .Values.controller.env`, `toYaml .Values.podLabels`).
        return !parts.some((_, i) =>
            new RegExp(`\\.Values\\.${parts.slice(0, i + 1).join("\\.")}(?![\\w${i < parts.length - 1 ? "." : ""}])`).test(templates),
        );
    });
}

const valuesInput = (version: KarpenterVersion) =>
    karpenterValues({
        ...VALUES_INPUT,
        image: { repository: "mirror.example/karpenter/controller", tag: version.image.tag, digest: version.image.digest },
    });

for (const version of Object.values(KARPENTER_VERSIONS) as KarpenterVersion[]) {
    describe(`Karpenter ${version.minor}`, () => {
        const template = cloudFormation(version.minor);

        test("the controller policy is the reference's, statement for statement", () => {
            assert.deepEqual(policyDifferences(version, template), []);
        });

        test("every managed policy stays under IAM's 6,144 characters with a 100-character cluster name", () => {
            const long = { ...scope, clusterName: "c".repeat(100), region: "ap-southeast-1" };
            const policies = controllerPolicies(version, long);
            for (const p of policies) assert.ok(policySize(p.document) <= MANAGED_POLICY_MAX_CHARS, `${p.name}: ${policySize(p.document)}`);
            // Unsplit, the same statements would not fit: the split is what keeps them valid.
            assert.ok(policySize(policyDocument(policies.flatMap((p) => p.document.Statement as Json[]))) > MANAGED_POLICY_MAX_CHARS);
        });

        test("the interruption rules are the reference's", () => {
            assert.deepEqual(
                version.interruptionEvents.map((e) => `${e.source} / ${e.detailType}`),
                referenceEvents(template),
            );
        });

        test("charts and controller image are the reference chart's", () => {
            const chart = parse(reference(version.minor, "chart/Chart.yaml"));
            const crdChart = parse(reference(version.minor, "karpenter-crd-chart/Chart.yaml"));
            const image = parse(reference(version.minor, "chart/values.yaml")).controller.image;
            assert.deepEqual([chart.version, chart.appVersion, crdChart.version], [version.chart, version.chart, version.crdChart]);
            assert.deepEqual({ tag: image.tag, digest: image.digest }, version.image);
            assert.ok(version.chart.startsWith(`${version.minor}.`));
        });

        test("the Kubernetes versions are the compatibility matrix's", () => {
            const matrix = parse(reference("1.14", "upgrading/compatibility-matrix.yaml")).compatibility as Json[];
            const rows = matrix.filter((r) => r.appVersion === `${version.minor}.x`);
            assert.ok(rows.length > 0, `no row for ${version.minor}.x`);
            for (const row of rows) {
                assert.deepEqual(version.kubernetesMinors, {
                    min: Number(String(row.minK8sVersion).split(".")[1]),
                    max: Number(String(row.maxK8sVersion).split(".")[1]),
                });
            }
        });

        test("the values this library sets are declared by that chart's values.yaml and read by its templates", () => {
            const values = valuesInput(version);
            const templatesDir = path.join(REPO_ROOT, "reference", `karpenter-${version.minor}`, "chart", "templates");
            const templates = fs
                .readdirSync(templatesDir)
                .map((f) => fs.readFileSync(path.join(templatesDir, f), "utf8"))
                .join("\n");
            assert.deepEqual(unknownPaths(values, parse(reference(version.minor, "chart/values.yaml"))), []);
            assert.deepEqual(unconsumedPaths(values, templates), []);
        });
    });
}

describe("negative controls", () => {
    test("a version's policy checked against another version's reference differs, by Sid", () => {
        const differences = policyDifferences(KARPENTER_VERSIONS["1.9"], cloudFormation("1.14"));
        assert.ok(differences.includes("missing AllowZonalShiftStatusReadOnly"), differences.join("\n"));
        assert.ok(differences.some((d) => d.startsWith("differs AllowRegionalReadActions")));
        assert.ok(differences.some((d) => d.startsWith("differs AllowScopedEC2InstanceAccessActions")));
        assert.ok(policyDifferences(KARPENTER_VERSIONS["1.14"], cloudFormation("1.9")).includes("extra AllowZonalShiftStatusReadOnly"));
    });

    test("interruption rules of 1.9 are not 1.14's; a misspelt value or an unread one is reported", () => {
        assert.notDeepEqual(
            KARPENTER_VERSIONS["1.9"].interruptionEvents.map((e) => `${e.source} / ${e.detailType}`),
            referenceEvents(cloudFormation("1.14")),
        );
        const values = parse(reference("1.14", "chart/values.yaml"));
        assert.deepEqual(unknownPaths({ settings: { clusterNmae: "x" } }, values), ["settings.clusterNmae"]);
        const templates = "{{ .Values.settings.clusterName }} {{ .Values.settings.clusterNameX }}";
        assert.deepEqual(unconsumedPaths({ settings: { clusterName: "a", clusterEndpoint: "b" } }, templates), [
            "settings.clusterEndpoint",
        ]);
    });
});
