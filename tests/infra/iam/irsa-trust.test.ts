/**
 * Every IRSA role the stacks register, against what EKS's OIDC provider really issues and what AWS documents:
 * the trust relationship of the EKS User Guide ("Assign IAM roles to Kubernetes service accounts",
 * reference/eks-irsa) filled with the cluster's issuer without `https://` (the guide's own `sed`), and the
 * namespace and name of the service account the workload really runs as: the one the Karpenter chart
 * (reference/karpenter-<minor>/chart) creates from the release's values, and the EBS CSI add-on's controller
 * service account (its chart's values and the guide's condition for it). A role trusting any other service
 * account, namespace, issuer form or audience is one the controller cannot assume (AccessDenied on
 * AssumeRoleWithWebIdentity), which no test of the library's own literals would see.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { irsaTrustPolicy } from "../../../infra/iam/irsa";
import { partitionOfRegion } from "../../../infra/model/eks";
import { Program, Registered, referenceData, referenceText, runProgram } from "../../harness";
import { ACCOUNT_ID } from "../../mocks";

interface ServiceAccount {
    namespace: string;
    name: string;
}

type Statement = { Effect: string; Principal: unknown; Action: unknown; Condition: unknown };

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Helm's merge of a release's values over the chart's defaults (maps merge key by key; anything else replaces). */
function helmMerge(defaults: unknown, values: unknown): unknown {
    if (!isMap(defaults) || !isMap(values)) return values === undefined ? defaults : values;
    const merged: Record<string, unknown> = { ...defaults };
    for (const [k, v] of Object.entries(values)) merged[k] = helmMerge(defaults[k], v);
    return merged;
}

/** Helm's `trunc 63 | trimSuffix "-"`. */
const dnsName = (s: string) => s.slice(0, 63).replace(/-$/, "");

/**
 * The definitions in the chart's `_helpers.tpl` that `karpenterServiceAccount` evaluates, as the chart has them.
 * Another chart version with other definitions fails here, naming them, rather than being evaluated wrongly.
 */
const KARPENTER_HELPERS = {
    "karpenter.fullname": [
        "{{- if .Values.fullnameOverride }}",
        '{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}',
        "{{- else }}",
        "{{- $name := default .Chart.Name .Values.nameOverride }}",
        "{{- if contains $name .Release.Name }}",
        '{{- .Release.Name | trunc 63 | trimSuffix "-" }}',
        "{{- else }}",
        '{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}',
        "{{- end }}",
        "{{- end }}",
    ],
    "karpenter.serviceAccountName": [
        "{{- if .Values.serviceAccount.create }}",
        '{{- default (include "karpenter.fullname" .) .Values.serviceAccount.name }}',
        "{{- else }}",
        '{{- default "default" .Values.serviceAccount.name }}',
        "{{- end }}",
    ],
};

/** The body of `{{- define "<name>" -}}` in a template file, line by line. */
function define(tpl: string, name: string): string[] {
    const start = tpl.indexOf(`{{- define "${name}" -}}`);
    assert.ok(start >= 0, `no define ${name}`);
    const lines = tpl.slice(start).split("\n").slice(1);
    return lines.slice(0, lines.indexOf("{{- end }}", KARPENTER_HELPERS[name as keyof typeof KARPENTER_HELPERS].length - 1) + 1);
}

/**
 * The service account the Karpenter chart of `release` creates and runs the controller as: its templates
 * (serviceaccount.yaml, deployment.yaml, _helpers.tpl) evaluated with the chart's values.yaml merged with
 * the release's values, its name and namespace.
 */
function karpenterServiceAccount(release: Registered): ServiceAccount & { annotations: Record<string, string> } {
    const minor = String(release.inputs.version).split(".").slice(0, 2).join(".");
    const dir = `karpenter-${minor}/chart`;
    const templates = (f: string) => referenceText(`${dir}/templates/${f}`);
    const helpers = templates("_helpers.tpl");
    for (const [name, body] of Object.entries(KARPENTER_HELPERS))
        assert.deepEqual(define(helpers, name), body, `${dir}: ${name} is not the definition this test evaluates`);
    assert.match(templates("serviceaccount.yaml"), /^\{\{- if \.Values\.serviceAccount\.create -\}\}$/m);
    assert.match(templates("serviceaccount.yaml"), /^ {2}name: \{\{ include "karpenter\.serviceAccountName" \. \}\}$/m);
    assert.match(templates("serviceaccount.yaml"), /^ {2}namespace: \{\{ \.Release\.Namespace \}\}$/m);
    assert.match(templates("deployment.yaml"), /^ {6}serviceAccountName: \{\{ include "karpenter\.serviceAccountName" \. \}\}$/m);
    const chart = referenceData(`${dir}/Chart.yaml`).name as string;
    const values = helmMerge(referenceData(`${dir}/values.yaml`), release.inputs.values) as any;
    const releaseName = String(release.inputs.name);
    const fullname = (() => {
        if (values.fullnameOverride) return dnsName(values.fullnameOverride);
        const name = values.nameOverride || chart;
        return releaseName.includes(name) ? dnsName(releaseName) : dnsName(`${releaseName}-${name}`);
    })();
    const name = values.serviceAccount.create ? values.serviceAccount.name || fullname : values.serviceAccount.name || "default";
    return { namespace: String(release.inputs.namespace), name, annotations: values.serviceAccount.annotations ?? {} };
}

/**
 * The EBS CSI add-on's controller service account: the chart names it `.Values.controller.serviceAccount.name`
 * in the release's namespace (the add-on's configuration values merged over the chart's values.yaml); the
 * managed add-on's namespace is the one of the EKS User Guide's condition for it, whose name must agree.
 */
function ebsCsiServiceAccount(addon: Registered): ServiceAccount {
    const template = referenceText("eks-addons/aws-ebs-csi-driver-v1.48.0-chart-serviceaccount-csi-controller.yaml");
    assert.match(template, /^ {2}name: \{\{ \.Values\.controller\.serviceAccount\.name \}\}$/m);
    assert.match(template, /^ {2}namespace: \{\{ \.Release\.Namespace \}\}$/m);
    const configuration = addon.inputs.configurationValues === undefined ? {} : JSON.parse(addon.inputs.configurationValues);
    const values = helmMerge(referenceData("eks-addons/aws-ebs-csi-driver-v1.48.0-chart-values.yaml"), configuration) as any;
    const documented = /"system:serviceaccount:([^:]+):([^"]+)"/.exec(referenceText("eks-irsa/ebs-csi-addon-sub-condition.txt"))!;
    assert.equal(values.controller.serviceAccount.name, documented[2], "the chart's controller service account is the guide's");
    return { namespace: documented[1], name: values.controller.serviceAccount.name };
}

/** The guide's way from the cluster's issuer to `$oidc_provider`: its `sed -e "s/<pattern>//"`, applied. */
function oidcProvider(issuer: string): string {
    const m = /^oidc_provider=.*\| sed -e "s\/(.+?)\/\/"\)$/m.exec(referenceText("eks-irsa/irsa-trust-steps.sh"));
    assert.ok(m, "the guide's oidc_provider step");
    return issuer.replace(new RegExp(m[1]), "");
}

/** The guide's trust relationship (its here-document), for this provider, account and service account. */
function documentedTrust(partition: string, provider: string, account: ServiceAccount): Statement {
    const steps = referenceText("eks-irsa/irsa-trust-steps.sh");
    const template = steps.slice(steps.indexOf("<<EOF\n") + "<<EOF\n".length, steps.lastIndexOf("\nEOF"));
    const filled = template
        .replaceAll("{arn-aws}", `arn:${partition}:`)
        .replaceAll("$account_id", ACCOUNT_ID)
        .replaceAll("$oidc_provider", provider)
        .replaceAll("$namespace", account.namespace)
        .replaceAll("$service_account", account.name);
    const [statement] = JSON.parse(filled).Statement;
    return statement;
}

/** How a registered trust statement differs from the documented one (its `Sid` aside). */
function trustErrors(statement: Statement, expected: Statement): string[] {
    return (["Effect", "Principal", "Action", "Condition"] as const).flatMap((k) =>
        isDeepStrictEqual(statement[k], expected[k])
            ? []
            : [`${k}: ${JSON.stringify(statement[k])}, documented ${JSON.stringify(expected[k])}`],
    );
}

/** Every role trusting a web identity, the service account that really runs with it, and the documented trust for it. */
function irsaRoles(p: Program) {
    const cluster = p.one("aws:eks/cluster:Cluster");
    const issuer: string = cluster.outputs.identities[0].oidcs[0].issuer;
    const provider = p.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    const partition = partitionOfRegion(p.region);
    const release = p.ofType("kubernetes:helm.sh/v3:Release").find((r) => String(r.inputs.chart).endsWith("/karpenter"))!;
    const karpenter = karpenterServiceAccount(release);
    return p
        .ofType("aws:iam/role:Role")
        .filter((r) => String(r.inputs.assumeRolePolicy).includes("sts:AssumeRoleWithWebIdentity"))
        .map((role) => {
            const users = [
                ...(karpenter.annotations["eks.amazonaws.com/role-arn"] === role.outputs.arn ? [karpenter] : []),
                ...p
                    .ofType("aws:eks/addon:Addon")
                    .filter((a) => a.inputs.serviceAccountRoleArn === role.outputs.arn)
                    .map((a) => {
                        assert.equal(
                            a.inputs.addonName,
                            "aws-ebs-csi-driver",
                            `${a.name}: an add-on whose service account this test reads`,
                        );
                        return ebsCsiServiceAccount(a);
                    }),
            ];
            assert.equal(users.length, 1, `${role.name}: one service account runs with it (${JSON.stringify(users)})`);
            const [statement] = JSON.parse(role.inputs.assumeRolePolicy).Statement;
            return { role, account: users[0], statement, expected: documentedTrust(partition, oidcProvider(issuer), users[0]), provider };
        });
}

describe("IRSA trust: what EKS's OIDC provider issues, for the service account the workload really runs as", () => {
    for (const stack of ["dev", "prod"]) {
        test(`${stack}: every web-identity role trusts the documented issuer, audience and its real service account`, async () => {
            const p = await runProgram(stack);
            const roles = irsaRoles(p);
            assert.deepEqual(roles.map((r) => `${r.account.namespace}:${r.account.name}`).sort(), [
                "karpenter:karpenter",
                "kube-system:ebs-csi-controller-sa",
            ]);
            for (const r of roles) {
                assert.deepEqual(trustErrors(r.statement, r.expected), [], r.role.name);
                // The principal is the OIDC provider registered for this cluster, which accepts the documented audience.
                assert.equal(r.statement.Principal && (r.statement.Principal as { Federated: string }).Federated, r.provider.outputs.arn);
                const aud = Object.entries(r.expected.Condition as Record<string, Record<string, string>>)
                    .flatMap(([, c]) => Object.entries(c))
                    .find(([k]) => k.endsWith(":aud"))![1];
                assert.ok(r.provider.inputs.clientIdLists.includes(aud), `the provider's client IDs include ${aud}`);
            }
        });
    }

    test("a service account renamed in the stack's config: the chart's account and the role's trust move together", async () => {
        const p = await runProgram("dev", { karpenter: { spotToSpotConsolidation: true, serviceAccountName: "karpenter-controller" } });
        const roles = irsaRoles(p);
        const controller = roles.find((r) => r.account.namespace === "karpenter")!;
        assert.equal(controller.account.name, "karpenter-controller");
        assert.deepEqual(trustErrors(controller.statement, controller.expected), []);
    });

    test("negative controls: a wrong service account, namespace, issuer form or audience fails", async () => {
        const p = await runProgram("dev");
        const controller = irsaRoles(p).find((r) => r.account.namespace === "karpenter")!;
        const federated = (controller.statement.Principal as { Federated: string }).Federated;
        const issuer = p.one("aws:eks/cluster:Cluster").outputs.identities[0].oidcs[0].issuer as string;
        const trust = (over: Partial<{ namespace: string; serviceAccount: string; oidcIssuerUrl: string }>) =>
            (
                irsaTrustPolicy({
                    oidcProviderArn: federated,
                    oidcIssuerUrl: issuer,
                    namespace: controller.account.namespace,
                    serviceAccount: controller.account.name,
                    ...over,
                }).Statement as unknown as Statement[]
            )[0];
        assert.deepEqual(trustErrors(trust({}), controller.expected), []);
        for (const bad of [{ serviceAccount: "karpenter-controller" }, { namespace: "kube-system" }]) {
            const errors = trustErrors(trust(bad), controller.expected);
            assert.equal(errors.length, 1, JSON.stringify(bad));
            assert.match(errors[0], /^Condition: .*system:serviceaccount:/);
        }
        // The issuer kept with https:// in the condition keys: IAM would compare a key the token never has.
        const withScheme = trust({});
        withScheme.Condition = JSON.parse(JSON.stringify(withScheme.Condition).replaceAll(oidcProvider(issuer), issuer));
        assert.equal(trustErrors(withScheme, controller.expected).length, 1);
        const otherAudience = trust({});
        otherAudience.Condition = JSON.parse(JSON.stringify(otherAudience.Condition).replace('"sts.amazonaws.com"', '"sts"'));
        assert.equal(trustErrors(otherAudience, controller.expected).length, 1);
        // The chart's own naming: without a name it is the release's full name; not created, "default".
        const release = p.ofType("kubernetes:helm.sh/v3:Release").find((r) => String(r.inputs.chart).endsWith("/karpenter"))!;
        const withValues = (name: string, values: Record<string, unknown>) => ({
            ...release,
            inputs: { ...release.inputs, name, values: helmMerge(release.inputs.values, values) },
        });
        assert.equal(karpenterServiceAccount(withValues("karpenter", { serviceAccount: { name: "" } })).name, "karpenter");
        assert.equal(karpenterServiceAccount(withValues("ctrl", { serviceAccount: { name: "" } })).name, "ctrl-karpenter");
        assert.equal(karpenterServiceAccount(withValues("ctrl", { serviceAccount: { name: "" }, fullnameOverride: "kc" })).name, "kc");
        assert.equal(karpenterServiceAccount(withValues("ctrl", { serviceAccount: { name: "", create: false } })).name, "default");
    });
});
