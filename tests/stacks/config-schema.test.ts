/**
 * The stack config described once: StackConfig (stacks/stack-config.ts) → the committed JSON Schema
 * (stacks/config.schema.json) the config is validated with, and the README's configuration table; the
 * guardrails' options schema from GuardrailSettings. Each generated file must be what the generator makes
 * now, and every key of the schema, made invalid, must fail with an error naming it as written in
 * Pulumi.<stack>.yaml (`eks-karpenter:<key>`).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import Ajv from "ajv";
import { ConfigError, ConfigErrors } from "../../infra/errors";
import type { JsonSchema } from "../../infra/model/json-schema";
import { CONFIG_SCHEMA, keyOfPath, loadConfig } from "../../stacks/config";
import {
    GENERATED_SCHEMAS,
    configTable,
    generateSchemas,
    generatedReadme,
    optionsTable,
    readmeSources,
    rulesTable,
    tableOfContents,
    versionsBlock,
} from "../../scripts/docs";
import { RULES, Rule } from "../../infra/guardrails";
import { EKS_STANDARD_SUPPORT_END } from "../../offline/plan/prices";
import { policies } from "../../policy-pack/policies";
import { REPO_ROOT, runProgram, stackConfig } from "../harness";

const generated = generateSchemas();
/** The README's sources as `npm run docs` makes them now (the config schema and the guardrails' options schema). */
const SOURCES = readmeSources(generated);

/** Every error of a failed load or run, as messages. */
function messages(e: unknown): string[] {
    assert.ok(e instanceof ConfigError, `a ConfigError, not ${String(e)}`);
    return e instanceof ConfigErrors ? e.errors.map((x) => x.message) : [e.message];
}

function loadErrors(raw: Record<string, unknown>): string[] {
    const strings = Object.fromEntries(
        Object.entries(raw).map(([k, v]) => [`eks-karpenter:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    );
    try {
        loadConfig(strings);
    } catch (e) {
        return messages(e);
    }
    return [];
}

/** A key names `key` when an error is about it, or one element of its list: `eks-karpenter:<key>[<i>]: <value> is not valid; …`. */
function names(errors: string[], key: string): boolean {
    return errors.some(
        (m) => m.startsWith(`eks-karpenter:${key}: `) || new RegExp(`^eks-karpenter:${key.replace(/[.[\]]/g, "\\$&")}\\[\\d+\\]: `).test(m),
    );
}

interface Leaf {
    /** Keys and list indices (0 for a list of objects' element). */
    path: (string | number)[];
    schema: JsonSchema;
    required: boolean;
}

/** Every key of the schema at any depth: an object's fields, a list of objects' element's fields, and the keys themselves. */
function keysOf(schema: JsonSchema, prefix: (string | number)[] = []): Leaf[] {
    return Object.entries(schema.properties ?? {}).flatMap(([key, s]) => {
        const p = [...prefix, key];
        const leaf = { path: p, schema: s, required: schema.required?.includes(key) ?? false };
        if (s.type === "object" && s.properties) return [leaf, ...keysOf(s, p)];
        if (s.type === "array" && s.items?.type === "object" && s.items.properties) return [leaf, ...keysOf(s.items, [...p, 0])];
        return [leaf];
    });
}

/** A config with `value` at `path` (lists of objects as one element), the rest from `base`. */
function withValue(base: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
    const root: Record<string, unknown> = structuredClone(base);
    let node: Record<string | number, unknown> = root;
    for (let i = 0; i < path.length - 1; i++) {
        const next = path[i + 1];
        const existing = node[path[i]];
        if (existing === null || typeof existing !== "object") node[path[i]] = typeof next === "number" ? [] : {};
        node = node[path[i]] as Record<string | number, unknown>;
        if (typeof next === "number" && (node as unknown as unknown[]).length === 0) (node as unknown as unknown[]).push({});
    }
    node[path[path.length - 1]] = value;
    return root;
}

/** A value of another type than the schema's. */
function wrongType(s: JsonSchema): unknown {
    if (s.type === "string") return 12345;
    if (s.type === "array") return "not-a-list";
    return s.type === "object" ? ["not", "an", "object"] : "not-a-" + s.type;
}

const ALL_KEYS = keysOf(CONFIG_SCHEMA);
const keyName = (l: Leaf) => keyOfPath(l.path);

describe("generated from the documented interfaces", () => {
    for (const g of GENERATED_SCHEMAS) {
        it(`${g.file} is what \`npm run docs\` generates from ${g.name} (${g.source})`, () => {
            assert.equal(
                fs.readFileSync(path.join(REPO_ROOT, g.file), "utf8"),
                generated.get(g.file),
                `${g.file} is stale: run npm run docs`,
            );
        });
    }

    it("README.md's generated blocks (configuration table, Kubernetes versions, guardrail rules and options, contents) are what `npm run docs` renders", () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        assert.equal(readme, generatedReadme(readme, SOURCES), "README.md's generated blocks are stale: run npm run docs");
        for (const leaf of ALL_KEYS.filter((l) => l.path.length === 1)) assert.ok(readme.includes(`| \`${keyName(leaf)}`), keyName(leaf));
    });

    it("negative controls: a changed doc comment changes the schema, a changed table is stale", () => {
        const copy = fs.mkdtempSync(path.join(os.tmpdir(), "config-schema-"));
        try {
            for (const dir of ["infra", "stacks"]) fs.cpSync(path.join(REPO_ROOT, dir), path.join(copy, dir), { recursive: true });
            const file = path.join(copy, "stacks", "stack-config.ts");
            fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("Prod refuses `true`.", "Prod refuses true, always."));
            const changed = generateSchemas(copy).get("stacks/config.schema.json")!;
            assert.notEqual(changed, generated.get("stacks/config.schema.json"));
            assert.match(changed, /Prod refuses true, always\./);
            // A picked key the component does not have is refused, naming it.
            fs.writeFileSync(
                file,
                fs.readFileSync(file, "utf8").replace('"namespace" | "serviceAccountName"', '"namespace" | "serviceAccount"'),
            );
            assert.throws(
                () => generateSchemas(copy),
                /KarpenterConfig extends Pick<KarpenterSettings, .*>: KarpenterSettings has no serviceAccount/,
            );
        } finally {
            fs.rmSync(copy, { recursive: true, force: true });
        }
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        const edited = readme.replace("| `tags` | map |", "| `tags` | object |");
        assert.notEqual(edited, readme);
        assert.notEqual(generatedReadme(edited, SOURCES), edited);
        assert.ok(configTable(CONFIG_SCHEMA).includes("| `tags` | map |"));
        assert.throws(() => generatedReadme(readme.replace("<!-- /toc -->", ""), SOURCES), /markers/);
        // A new heading is missing from the contents until they are generated again.
        const withHeading = readme.replace("### Kubernetes versions", "### A new section\n\n### Kubernetes versions");
        assert.notEqual(generatedReadme(withHeading, SOURCES), withHeading);
        assert.match(tableOfContents(withHeading), /^ {2}- \[A new section\]\(#a-new-section\)$/m);
    });

    it("the README's guardrail tables are the rule list's and the options schema's: every rule a row, every option its default and readers", () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        const section = readme.slice(readme.indexOf("## Guardrails"), readme.indexOf("### The in-program check"));
        RULES.forEach((rule, i) => {
            const row = section.split("\n").find((l) => l.startsWith(`| ${i + 1} | \`${rule.id}\`: `));
            assert.ok(row, `README has no rule row for ${rule.id}`);
            // The words a violation's message uses (violationMessage) are the row's.
            assert.ok(row.includes(rule.fix.slice(1, 40)), `${rule.id}: fix`);
            assert.ok(row.includes(rule.why.slice(1, 40)), `${rule.id}: why`);
        });
        const options = SOURCES.guardrailOptions.properties!;
        for (const [option, schema] of Object.entries(options)) {
            const def = schema.description!.split("\n\nDefault: ")[1];
            const readers = RULES.filter((r) => (r.options as readonly string[]).includes(option)).map((r) => `\`${r.id}\``);
            assert.ok(readers.length > 0, option);
            assert.ok(section.includes(`| \`${option}\` | \`${def}\` | ${readers.join(", ")} |`), option);
        }
        // Negative controls: a hand edit of either table is stale; a new rule in the list gets its row, and its
        // option's row names it; an option no rule reads is refused.
        for (const [from, to] of [
            ["| `maxHopLimit` | `1` |", "| `maxHopLimit` | `2` |"],
            ["| 5 | `nodepool-limits`: ", "| 5 | `nodepool-limit`: "],
        ]) {
            const edited = readme.replace(from, to);
            assert.notEqual(edited, readme, from);
            assert.notEqual(generatedReadme(edited, SOURCES), edited, `a hand edit of ${from} is not caught`);
        }
        const added: Rule = {
            ...RULES[0],
            id: "a-new-rule",
            title: "A new rule",
            why: "because",
            fix: "do it",
            options: ["maxHopLimit"],
        };
        const withRule = generatedReadme(readme, SOURCES, [...RULES, added]);
        assert.match(
            withRule,
            new RegExp(
                `^\\| ${RULES.length + 1} \\| \`a-new-rule\`: A new rule \\| PodIdentityAssociation \\| \`maxHopLimit\` \\| Because \\| Do it \\|$`,
                "m",
            ),
        );
        assert.match(
            optionsTable(SOURCES.guardrailOptions, [...RULES, added]),
            /^\| `maxHopLimit` \| `1` \| `node-imdsv2`, `a-new-rule` \|/m,
        );
        assert.ok(!rulesTable(RULES).includes("a-new-rule"));
        assert.throws(
            () =>
                optionsTable(
                    SOURCES.guardrailOptions,
                    RULES.filter((r) => r.id !== "node-imdsv2"),
                ),
            /guardrail option maxHopLimit is read by no rule/,
        );
    });

    it("the README's Kubernetes versions come from the calendar the plan prices by, and every contents link has its heading", () => {
        for (const [version, end] of Object.entries(EKS_STANDARD_SUPPORT_END.versions))
            assert.match(versionsBlock(), new RegExp(`^\\| ${version.replace(".", "\\.")}( \\(default\\))? \\| ${end} \\|$`, "m"));
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        assert.doesNotMatch(readme, /1\.33 and older/);
        const toc = tableOfContents(readme);
        assert.ok(toc.split("\n").length >= 50, "contents");
        const links = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
        const targets = new Set(
            [...toc.matchAll(/\(#([^)]+)\)/g)].map((m) => m[1]).concat([...readme.matchAll(/<a id="([^"]+)">/g)].map((m) => m[1])),
        );
        const h4 = [...readme.matchAll(/^#### (.+)$/gm)].map((m) =>
            m[1]
                .toLowerCase()
                .replace(/[^\p{L}\p{N} _-]/gu, "")
                .replace(/ /g, "-"),
        );
        for (const link of links) assert.ok(targets.has(link) || h4.includes(link), `README link #${link} has a heading`);
    });

    it("the policy pack's options are the schema generated from GuardrailSettings, with the defaults, and a JSON Schema engine enforces them", () => {
        const options = JSON.parse(generated.get("infra/guardrails/options.schema.json")!) as JsonSchema;
        const byOption = new Map(policies.flatMap((p) => Object.entries(p.configSchema?.properties ?? {})));
        assert.deepEqual([...byOption.keys()].sort(), Object.keys(options.properties!).sort());
        for (const [name, schema] of byOption) {
            const { default: _default, ...rest } = schema as JsonSchema & { default: unknown };
            assert.deepEqual(rest, options.properties![name], name);
        }
        const hopLimit = new Ajv().compile(byOption.get("maxHopLimit")!);
        assert.equal(hopLimit(1), true);
        // Negative controls: the tags @integer, @minimum and @maximum of the interface reach the schema.
        for (const bad of [0, 65, 1.5, "1"]) assert.equal(hopLimit(bad), false, String(bad));
    });
});

describe("the config schema validates what a stack reads", () => {
    it("both stacks' files are valid", () => {
        for (const stack of ["dev", "prod"]) {
            const config = loadConfig(stackConfig(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`)));
            assert.ok(config.clusterName.startsWith("eks-karpenter-"), stack);
        }
    });

    it("refuses an unknown key at every level, naming it and listing the known keys", () => {
        const objects = [
            { path: [] as (string | number)[], schema: CONFIG_SCHEMA },
            ...ALL_KEYS.filter((l) => l.schema.properties || l.schema.items?.properties),
        ];
        assert.ok(objects.length >= 15, String(objects.length));
        for (const o of objects) {
            const at = o.schema.properties ? o.path : [...o.path, 0];
            const known = Object.keys((o.schema.properties ? o.schema : o.schema.items!).properties!);
            const errors = loadErrors(withValue({ clusterName: "x" }, [...at, "zzzUnknown"], "1"));
            const key = keyOfPath([...at, "zzzUnknown"]);
            assert.ok(
                errors.includes(`eks-karpenter:${key}: "1" is not valid; unknown key; known keys: ${known.join(", ")}`),
                `${key}: ${errors.join(" | ")}`,
            );
        }
    });

    it("refuses a value of the wrong type at every key, naming the key", () => {
        assert.ok(ALL_KEYS.length >= 80, String(ALL_KEYS.length));
        for (const leaf of ALL_KEYS) {
            // Pulumi gives every top-level value as a string: a top-level string key is never of the wrong type.
            if (leaf.path.length === 1 && leaf.schema.type === "string") continue;
            const errors = loadErrors(withValue({ clusterName: "x" }, leaf.path, wrongType(leaf.schema)));
            assert.ok(names(errors, keyName(leaf)), `${keyName(leaf)}: ${errors.join(" | ")}`);
        }
    });

    it("reports a missing required key by its name", () => {
        const required = ALL_KEYS.filter((l) => l.required);
        assert.ok(required.length >= 6);
        for (const leaf of required) {
            const sibling = leaf.path.slice(0, -1);
            const errors = loadErrors(sibling.length === 0 ? {} : withValue({ clusterName: "x" }, [...sibling, "zzz"], "1"));
            assert.ok(
                errors.includes(`eks-karpenter:${keyName(leaf)}: (missing) is not valid; required`),
                `${keyName(leaf)}: ${errors.join(" | ")}`,
            );
        }
    });

    it("negative control: the check that an error names a key fails on a component's own name", () => {
        assert.equal(names(['Network.cidrBlock: "x" is not valid; a CIDR'], "network.cidrBlock"), false);
        assert.equal(names(['eks-karpenter:network.cidrBlockX: "x" is not valid; a CIDR'], "network.cidrBlock"), false);
        assert.equal(names(['eks-karpenter:network.cidrBlock: "x" is not valid; a CIDR'], "network.cidrBlock"), true);
        assert.equal(names(['eks-karpenter:budget.emailAddresses[1]: "x" is not valid; an e-mail address'], "budget.emailAddresses"), true);
        assert.equal(
            names(['eks-karpenter:budget.emailAddressesX[1]: "x" is not valid; an e-mail address'], "budget.emailAddresses"),
            false,
        );
    });
});

/** A valid declared pool, for the cases of nodes.pools[0].* to break one setting of. */
const POOL = {
    name: "team",
    nodeClassName: "default",
    weight: 80,
    architectures: ["arm64"],
    capacityTypes: ["on-demand"],
    limits: { cpu: "8", memory: "32Gi" },
};

/**
 * For each key a component checks beyond its type, a value of the right type it refuses: the error must name
 * the key as config writes it (through stacks/config.ts's mapping of component settings to config keys).
 * `[key, stack, overrides, named?]`; keys are written with `[0]` for a list element; `named` is the key the
 * error names when it is one entry of a map key (`budget.costAllocationTags.team`).
 */
const REFUSED: [string, "dev" | "prod", Record<string, unknown>, string?][] = [
    ["clusterName", "dev", { clusterName: "my cluster" }],
    ["kubernetesVersion", "dev", { kubernetesVersion: "1.3x" }],
    [
        "network.existingVpc.vpcId",
        "dev",
        { network: { existingVpc: { vpcId: "vpc-x", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] } } },
    ],
    [
        "network.existingVpc.privateSubnetIds",
        "dev",
        { network: { existingVpc: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0"] } } },
    ],
    [
        "network.existingVpc.publicSubnetIds",
        "dev",
        {
            network: {
                existingVpc: {
                    vpcId: "vpc-0123456789abcdef0",
                    privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
                    publicSubnetIds: ["x"],
                },
            },
        },
    ],
    ["network.cidrBlock", "dev", { network: { cidrBlock: "10.0.0.0/33" } }],
    ["network.zoneCount", "dev", { network: { zoneCount: 5 } }],
    ["network.availabilityZones", "dev", { network: { availabilityZones: ["mars-1a", "mars-1b"] } }],
    ["network.publicSubnets", "prod", { network: { publicSubnets: true } }],
    ["network.natGateways", "prod", { network: { natGateways: "PerZone" } }],
    ["network.privateSubnetCidrs", "dev", { network: { cidrBlock: "10.10.0.0/16", privateSubnetCidrs: ["192.168.0.0/24"] } }],
    ["network.publicSubnetCidrs", "dev", { network: { cidrBlock: "10.10.0.0/16", publicSubnetCidrs: ["192.168.0.0/24"] } }],
    ["endpoints.additionalEndpoints", "prod", { endpoints: { additionalEndpoints: ["dynamo"] } }],
    ["imageCache.repositoryPrefix", "prod", { imageCache: { repositoryPrefix: "Not A Prefix!" } }],
    ["endpointPublicAccess", "prod", { endpointPublicAccess: "true" }],
    ["publicAccessCidrs", "dev", { publicAccessCidrs: ["10.0.0.0/33"] }],
    ["clusterLogTypes", "dev", { clusterLogTypes: ["audits"] }],
    ["secretsEncryption", "prod", { secretsEncryption: "false" }],
    ["protect", "prod", { protect: "false" }],
    ["privateCluster", "prod", { privateCluster: "false" }],
    ["bootstrapClusterCreatorAdminPermissions", "dev", { bootstrapClusterCreatorAdminPermissions: "false" }],
    ["supportType", "dev", { supportType: "LONG" }],
    [
        "accessEntries[0].principalArn",
        "dev",
        { accessEntries: [{ principalArn: "arn:aws:sts::123456789012:assumed-role/admin/me", policy: "admin" }] },
    ],
    ["accessEntries[0].policy", "dev", { accessEntries: [{ principalArn: "arn:aws:iam::123456789012:role/admin", policy: "owner" }] }],
    [
        "accessEntries[0].namespaces",
        "dev",
        { accessEntries: [{ principalArn: "arn:aws:iam::123456789012:role/admin", policy: "edit", namespaces: [] }] },
    ],
    ["deployerCidrs", "dev", { deployerCidrs: ["10.0.0.0/33"] }],
    ["deployerSecurityGroupIds", "dev", { deployerSecurityGroupIds: ["sg-xyz"] }],
    ["karpenter.namespace", "dev", { karpenter: { namespace: "kube-system" } }],
    ["karpenter.serviceAccountName", "dev", { karpenter: { serviceAccountName: "default" } }],
    ["karpenter.requests.cpu", "dev", { karpenter: { requests: { cpu: "0" } } }],
    ["karpenter.requests.memory", "dev", { karpenter: { requests: { memory: "0" } } }],
    ["karpenter.limits.cpu", "prod", { karpenter: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } } }],
    ["karpenter.limits.memory", "prod", { karpenter: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } } }],
    ["karpenter.replicas", "dev", { karpenter: { replicas: 0 } }],
    ["karpenter.podLabels", "dev", { karpenter: { podLabels: { "app.kubernetes.io/name": "x" } } }],
    ["karpenter.imageRepository", "prod", { karpenter: { imageRepository: "public.ecr.aws/karpenter/controller" } }],
    ["karpenter.logLevel", "dev", { karpenter: { logLevel: "loud" } }],
    ["nodes.spotPercent", "dev", { nodes: { spotPercent: 15 } }],
    [
        "nodes.devicePluginImage.repository",
        "prod",
        { nodes: { gpu: true, devicePluginImage: { repository: "nvcr.io/nvidia/k8s-device-plugin" } } },
    ],
    ["nodes.amiFamily", "dev", { nodes: { amiFamily: "Ubuntu" } }],
    ["nodes.dataVolume.sizeGiB", "dev", { nodes: { dataVolume: { sizeGiB: 10 } } }],
    ["addons.coreDns.placement", "dev", { addons: { coreDns: { placement: "moon" } } }],
    ["addons.storageClass.reclaimPolicy", "dev", { addons: { storageClass: { reclaimPolicy: "Keep" } } }],
    ["addons.namespaces[0].name", "dev", { addons: { namespaces: [{ name: "Team A" }] } }],
    ["budget.limitAmount", "dev", { budget: { limitAmount: -1 } }],
    ["budget.notifications[0].type", "dev", { budget: { limitAmount: 10, notifications: [{ threshold: 80, type: "SOMETIMES" }] } }],
    [
        "podIdentityAssociations[0].serviceAccount",
        "dev",
        {
            podIdentityAssociations: [
                { namespace: "kube-system", serviceAccount: "ebs-csi-controller-sa", roleArn: "arn:aws:iam::123456789012:role/x" },
            ],
        },
    ],
    ["tags", "dev", { tags: { "aws:owner": "me" } }],
    ["karpenter.version", "dev", { karpenter: { version: "0.37" } }],
    ["observability.logRetentionDays", "dev", { observability: { logRetentionDays: 8 } }],
    ["observability.alerts.topicArn", "dev", { observability: { alerts: { topicArn: "topic" } } }],
    ["observability.alerts.emailAddresses", "dev", { observability: { alerts: { emailAddresses: ["not-an-address"] } } }],
    ["observability.queueAlarms.oldestMessageAgeSeconds", "dev", { observability: { queueAlarms: { oldestMessageAgeSeconds: -1 } } }],
    ["observability.queueAlarms.visibleMessages", "dev", { observability: { queueAlarms: { visibleMessages: -1 } } }],
    ["observability.costAnomaly.thresholdUsd", "dev", { observability: { costAnomaly: { thresholdUsd: -1 } } }],
    [
        "observability.costAnomaly.costAllocationTags",
        "dev",
        { observability: { costAnomaly: { costAllocationTags: { team: "" } } } },
        "observability.costAnomaly.costAllocationTags.team",
    ],
    ["observability.nodeDisks.rootThresholdPercent", "dev", { observability: { nodeDisks: { rootThresholdPercent: 150 } } }],
    ["observability.nodeDisks.containerdThresholdPercent", "dev", { observability: { nodeDisks: { containerdThresholdPercent: 150 } } }],
    ["karpenter.imageTag", "dev", { karpenter: { imageTag: "not a tag" } }],
    ["karpenter.imageDigest", "dev", { karpenter: { imageDigest: "sha256:xyz" } }],
    [
        "nodes.devicePluginImage.tag",
        "dev",
        { nodes: { gpu: true, devicePluginImage: { repository: "nvcr.io/nvidia/k8s-device-plugin", tag: "not a tag" } } },
    ],
    ["nodes.amiVersion", "dev", { nodes: { amiVersion: "latest!" } }],
    ["nodes.rootVolume.sizeGiB", "dev", { nodes: { rootVolume: { sizeGiB: 0 } } }],
    ["nodes.rootVolume.iops", "dev", { nodes: { rootVolume: { iops: 1 } } }],
    ["nodes.rootVolume.throughputMiBps", "dev", { nodes: { rootVolume: { throughputMiBps: 1 } } }],
    ["nodes.dataVolume.iops", "dev", { nodes: { dataVolume: { iops: 1 } } }],
    ["nodes.dataVolume.throughputMiBps", "dev", { nodes: { dataVolume: { throughputMiBps: 1 } } }],
    ["nodes.dataVolume.deviceName", "dev", { nodes: { dataVolume: { deviceName: "sdb" } } }],
    ["addons.versions", "dev", { addons: { versions: { "not-an-addon": "v1" } } }],
    ["addons.coreDns.replicas", "dev", { addons: { coreDns: { replicas: 0 } } }],
    ["addons.coreDns.lameduck", "dev", { addons: { coreDns: { lameduck: "soon" } } }],
    ["addons.storageClass.name", "dev", { addons: { storageClass: { name: "Not Valid" } } }],
    ["addons.namespaces[0].defaultCpuRequest", "dev", { addons: { namespaces: [{ name: "a", defaultCpuRequest: "lots" }] } }],
    ["addons.namespaces[0].defaultCpuLimit", "dev", { addons: { namespaces: [{ name: "a", defaultCpuLimit: "lots" }] } }],
    ["addons.namespaces[0].defaultMemory", "dev", { addons: { namespaces: [{ name: "a", defaultMemory: "lots" }] } }],
    ["addons.namespaces[0].quota.cpu", "dev", { addons: { namespaces: [{ name: "a", quota: { cpu: "lots" } }] } }],
    ["addons.namespaces[0].quota.memory", "dev", { addons: { namespaces: [{ name: "a", quota: { memory: "lots" } }] } }],
    ["addons.namespaces[0].quota.pods", "dev", { addons: { namespaces: [{ name: "a", quota: { pods: -1 } }] } }],
    ["addons.namespaces[0].labels", "dev", { addons: { namespaces: [{ name: "a", labels: { "bad key!": "x" } }] } }],
    ["budget.notifications[0].threshold", "dev", { budget: { limitAmount: 10, notifications: [{ threshold: 0 }] } }],
    ["budget.emailAddresses", "dev", { budget: { limitAmount: 10, emailAddresses: ["not-an-address"] } }],
    ["budget.snsTopicArn", "dev", { budget: { limitAmount: 10, snsTopicArn: "topic" } }],
    [
        "budget.costAllocationTags",
        "dev",
        { budget: { limitAmount: 10, emailAddresses: ["a@example.com"], costAllocationTags: { team: "" } } },
        "budget.costAllocationTags.team",
    ],
    [
        "podIdentityAssociations[0].namespace",
        "dev",
        { podIdentityAssociations: [{ namespace: "Kube", serviceAccount: "app", roleArn: "arn:aws:iam::123456789012:role/x" }] },
    ],
    [
        "podIdentityAssociations[0].roleArn",
        "dev",
        { podIdentityAssociations: [{ namespace: "apps", serviceAccount: "app", roleArn: "role-x" }] },
    ],
    // nodes.classes and nodes.pools: each setting of a declared class or pool (POOL: a valid team pool).
    ["nodes.classes[0].name", "dev", { nodes: { classes: [{ name: "Team" }] } }],
    ["nodes.classes[0].amiFamily", "dev", { nodes: { classes: [{ name: "team", amiFamily: "Ubuntu" }] } }],
    ["nodes.classes[0].amiVersion", "dev", { nodes: { classes: [{ name: "team", amiVersion: "latest!" }] } }],
    ["nodes.classes[0].rootVolume.sizeGiB", "dev", { nodes: { classes: [{ name: "team", rootVolume: { sizeGiB: 0 } }] } }],
    ["nodes.classes[0].rootVolume.iops", "dev", { nodes: { classes: [{ name: "team", rootVolume: { iops: 1 } }] } }],
    ["nodes.classes[0].rootVolume.throughputMiBps", "dev", { nodes: { classes: [{ name: "team", rootVolume: { throughputMiBps: 1 } }] } }],
    ["nodes.classes[0].dataVolume.sizeGiB", "dev", { nodes: { classes: [{ name: "team", dataVolume: { sizeGiB: 10 } }] } }],
    ["nodes.classes[0].dataVolume.iops", "dev", { nodes: { classes: [{ name: "team", dataVolume: { iops: 1 } }] } }],
    ["nodes.classes[0].dataVolume.throughputMiBps", "dev", { nodes: { classes: [{ name: "team", dataVolume: { throughputMiBps: 1 } }] } }],
    ["nodes.classes[0].dataVolume.deviceName", "dev", { nodes: { classes: [{ name: "team", dataVolume: { deviceName: "sdb" } }] } }],
    [
        "nodes.classes[0].imageGC.highThresholdPercent",
        "dev",
        { nodes: { classes: [{ name: "team", imageGC: { highThresholdPercent: 101 } }] } },
    ],
    [
        "nodes.classes[0].imageGC.lowThresholdPercent",
        "dev",
        { nodes: { classes: [{ name: "team", imageGC: { lowThresholdPercent: 100 } }] } },
    ],
    ["nodes.classes[0].kmsKeyId", "dev", { nodes: { classes: [{ name: "team", kmsKeyId: "my key" }] } }],
    ["nodes.classes[0].tags", "dev", { nodes: { classes: [{ name: "team", tags: { "karpenter.sh/nodepool": "x" } }] } }],
    ["nodes.classes[0].amiSelectorTerms[0].id", "dev", { nodes: { classes: [{ name: "team", amiSelectorTerms: [{ id: "img-1" }] }] } }],
    ["nodes.classes[0].amiSelectorTerms[0].name", "dev", { nodes: { classes: [{ name: "team", amiSelectorTerms: [{ name: "" }] }] } }],
    [
        "nodes.classes[0].amiSelectorTerms[0].owner",
        "dev",
        { nodes: { classes: [{ name: "team", amiSelectorTerms: [{ name: "x-*", owner: "someone" }] }] } },
    ],
    [
        "nodes.classes[0].amiSelectorTerms[0].tags",
        "dev",
        { nodes: { classes: [{ name: "team", amiSelectorTerms: [{ tags: { team: "" } }] }] } },
    ],
    [
        "nodes.classes[0].subnetSelectorTerms[0].id",
        "dev",
        { nodes: { classes: [{ name: "team", subnetSelectorTerms: [{ id: "net-1" }] }] } },
    ],
    [
        "nodes.classes[0].subnetSelectorTerms[0].tags",
        "dev",
        { nodes: { classes: [{ name: "team", subnetSelectorTerms: [{ tags: {} }] }] } },
    ],
    [
        "nodes.classes[0].securityGroupSelectorTerms[0].id",
        "dev",
        { nodes: { classes: [{ name: "team", securityGroupSelectorTerms: [{ id: "group-1" }] }] } },
    ],
    [
        "nodes.classes[0].securityGroupSelectorTerms[0].name",
        "dev",
        { nodes: { classes: [{ name: "team", securityGroupSelectorTerms: [{ name: "" }] }] } },
    ],
    [
        "nodes.classes[0].securityGroupSelectorTerms[0].tags",
        "dev",
        { nodes: { classes: [{ name: "team", securityGroupSelectorTerms: [{ tags: { "": "x" } }] }] } },
    ],
    [
        "nodes.classes[0].userData[0].format",
        "dev",
        { nodes: { classes: [{ name: "team", userData: [{ format: "toml", content: "x" }] }] } },
    ],
    [
        "nodes.classes[0].userData[0].content",
        "dev",
        { nodes: { classes: [{ name: "team", userData: [{ format: "shell", content: "echo no shebang" }] }] } },
    ],
    ["nodes.classes[0].kubelet.maxPods", "dev", { nodes: { classes: [{ name: "team", kubelet: { maxPods: -1 } }] } }],
    ["nodes.classes[0].kubelet.podsPerCore", "dev", { nodes: { classes: [{ name: "team", kubelet: { podsPerCore: 1.5 } }] } }],
    [
        "nodes.classes[0].kubelet.systemReserved",
        "dev",
        { nodes: { classes: [{ name: "team", kubelet: { systemReserved: { gpu: "1" } } }] } },
    ],
    [
        "nodes.classes[0].kubelet.kubeReserved",
        "dev",
        { nodes: { classes: [{ name: "team", kubelet: { kubeReserved: { disk: "1Gi" } } }] } },
    ],
    [
        "nodes.classes[0].kubelet.evictionHard",
        "dev",
        { nodes: { classes: [{ name: "team", kubelet: { evictionHard: { "memory.free": "5%" } } }] } },
    ],
    [
        "nodes.classes[0].kubelet.evictionSoft",
        "dev",
        { nodes: { classes: [{ name: "team", kubelet: { evictionSoft: { "disk.free": "5%" } } }] } },
    ],
    [
        "nodes.classes[0].kubelet.evictionSoftGracePeriod",
        "dev",
        { nodes: { classes: [{ name: "team", kubelet: { evictionSoftGracePeriod: { "memory.available": "1m" } } }] } },
    ],
    [
        "nodes.classes[0].kubelet.evictionMaxPodGracePeriod",
        "dev",
        { nodes: { classes: [{ name: "team", kubelet: { evictionMaxPodGracePeriod: -1 } }] } },
    ],
    ["nodes.classes[0].imdsHopLimit", "dev", { nodes: { classes: [{ name: "team", imdsHopLimit: 0 }] } }],
    ["nodes.classes[0].role", "dev", { nodes: { classes: [{ name: "team", role: "" }] } }],
    ["nodes.classes[0].instanceProfile", "dev", { nodes: { classes: [{ name: "team", instanceProfile: "" }] } }],
    ["nodes.pools[0].name", "dev", { nodes: { pools: [{ ...POOL, name: "Billing Team" }] } }],
    ["nodes.pools[0].nodeClassName", "dev", { nodes: { pools: [{ ...POOL, nodeClassName: "missing" }] } }],
    ["nodes.pools[0].weight", "dev", { nodes: { pools: [{ ...POOL, weight: 0 }] } }],
    ["nodes.pools[0].architectures", "dev", { nodes: { pools: [{ ...POOL, architectures: ["sparc"] }] } }],
    ["nodes.pools[0].capacityTypes", "dev", { nodes: { pools: [{ ...POOL, capacityTypes: ["reserved"] }] } }],
    ["nodes.pools[0].instanceCategories", "dev", { nodes: { pools: [{ ...POOL, instanceCategories: [] }] } }],
    ["nodes.pools[0].instanceFamilies", "dev", { nodes: { pools: [{ ...POOL, instanceFamilies: ["m7g!"] }] } }],
    ["nodes.pools[0].minInstanceGeneration", "dev", { nodes: { pools: [{ ...POOL, minInstanceGeneration: 0 }] } }],
    ["nodes.pools[0].excludedInstanceCategories", "dev", { nodes: { pools: [{ ...POOL, excludedInstanceCategories: ["t!"] }] } }],
    ["nodes.pools[0].excludedInstanceFamilies", "dev", { nodes: { pools: [{ ...POOL, excludedInstanceFamilies: ["m6g!"] }] } }],
    ["nodes.pools[0].maxInstanceGeneration", "dev", { nodes: { pools: [{ ...POOL, maxInstanceGeneration: 0 }] } }],
    ["nodes.pools[0].instanceSizes", "dev", { nodes: { pools: [{ ...POOL, instanceSizes: [] }] } }],
    ["nodes.pools[0].excludedInstanceSizes", "dev", { nodes: { pools: [{ ...POOL, excludedInstanceSizes: ["metal!"] }] } }],
    ["nodes.pools[0].excludedInstanceTypes", "dev", { nodes: { pools: [{ ...POOL, excludedInstanceTypes: ["m8g 48xlarge"] }] } }],
    ["nodes.pools[0].zones", "dev", { nodes: { pools: [{ ...POOL, zones: [] }] } }],
    [
        "nodes.pools[0].requirements[0].key",
        "dev",
        { nodes: { pools: [{ ...POOL, requirements: [{ key: "kubernetes.io/hostname", operator: "Exists" }] }] } },
    ],
    [
        "nodes.pools[0].requirements[0].operator",
        "dev",
        { nodes: { pools: [{ ...POOL, requirements: [{ key: "team", operator: "Near" }] }] } },
    ],
    [
        "nodes.pools[0].requirements[0].values",
        "dev",
        { nodes: { pools: [{ ...POOL, requirements: [{ key: "team", operator: "In", values: [] }] }] } },
    ],
    ["nodes.pools[0].limits.cpu", "dev", { nodes: { pools: [{ ...POOL, limits: { cpu: "0", memory: "1Gi" } }] } }],
    ["nodes.pools[0].limits.memory", "dev", { nodes: { pools: [{ ...POOL, limits: { cpu: "1", memory: "lots" } }] } }],
    ["nodes.pools[0].limits.nvidiaGpus", "dev", { nodes: { pools: [{ ...POOL, limits: { cpu: "1", memory: "1Gi", nvidiaGpus: -1 } }] } }],
    [
        "nodes.pools[0].disruption.consolidationPolicy",
        "dev",
        { nodes: { pools: [{ ...POOL, disruption: { consolidationPolicy: "Never" } }] } },
    ],
    ["nodes.pools[0].disruption.consolidateAfter", "dev", { nodes: { pools: [{ ...POOL, disruption: { consolidateAfter: "soon" } }] } }],
    ["nodes.pools[0].disruption.budgets[0].nodes", "dev", { nodes: { pools: [{ ...POOL, disruption: { budgets: [{ nodes: "all" }] } }] } }],
    [
        "nodes.pools[0].disruption.budgets[0].schedule",
        "dev",
        { nodes: { pools: [{ ...POOL, disruption: { budgets: [{ nodes: "0", schedule: "sometimes", duration: "1h" }] } }] } },
    ],
    [
        "nodes.pools[0].disruption.budgets[0].duration",
        "dev",
        { nodes: { pools: [{ ...POOL, disruption: { budgets: [{ nodes: "0", schedule: "@daily", duration: "1d" }] } }] } },
    ],
    [
        "nodes.pools[0].disruption.budgets[0].reasons",
        "dev",
        { nodes: { pools: [{ ...POOL, disruption: { budgets: [{ nodes: "0", reasons: ["Bored"] }] } }] } },
    ],
    // A Linux class's pool declared windows: the pool's OS is its class's.
    ["nodes.pools[0].operatingSystem", "dev", { nodes: { pools: [{ ...POOL, operatingSystem: "windows" }] } }],
    ["nodes.pools[0].expireAfter", "dev", { nodes: { pools: [{ ...POOL, expireAfter: "soon" }] } }],
    ["nodes.pools[0].terminationGracePeriod", "dev", { nodes: { pools: [{ ...POOL, terminationGracePeriod: "Never" }] } }],
    ["nodes.pools[0].taints[0].key", "dev", { nodes: { pools: [{ ...POOL, taints: [{ key: "bad key!", effect: "NoSchedule" }] }] } }],
    [
        "nodes.pools[0].taints[0].value",
        "dev",
        { nodes: { pools: [{ ...POOL, taints: [{ key: "team", value: "", effect: "NoSchedule" }] }] } },
    ],
    ["nodes.pools[0].taints[0].effect", "dev", { nodes: { pools: [{ ...POOL, taints: [{ key: "team", effect: "Sometimes" }] }] } }],
    [
        "nodes.pools[0].startupTaints[0].key",
        "dev",
        { nodes: { pools: [{ ...POOL, startupTaints: [{ key: "bad key!", effect: "NoSchedule" }] }] } },
    ],
    [
        "nodes.pools[0].startupTaints[0].value",
        "dev",
        { nodes: { pools: [{ ...POOL, startupTaints: [{ key: "agent", value: "", effect: "NoSchedule" }] }] } },
    ],
    [
        "nodes.pools[0].startupTaints[0].effect",
        "dev",
        { nodes: { pools: [{ ...POOL, startupTaints: [{ key: "agent", effect: "Sometimes" }] }] } },
    ],
    ["nodes.pools[0].labels", "dev", { nodes: { pools: [{ ...POOL, labels: { "bad key!": "x" } }] } }],
    ["nodes.defaultPools", "dev", { nodes: { defaultPools: false } }],
];

/** Keys for which any value of the schema's type is valid: only a wrong type is refused (and named, above). */
const ANY_VALUE_OF_ITS_TYPE = [
    "endpoints.enabled",
    "imageCache.enabled",
    "imageCache.createRule",
    "karpenter.spotToSpotConsolidation",
    "karpenter.interruptionHandling",
    "karpenter.createSpotServiceLinkedRole",
    "nodes.gpu",
    "nodes.classes[0].kubelet.cpuCFSQuota",
    "karpenter.nodeRepair",
    "observability.enabled",
    "observability.controllerLogAlarms",
    "observability.costAnomaly.enabled",
    "observability.nodeDisks.enabled",
    "observability.nodeMonitoringAgent",
];

describe("a value of the right type a component refuses names the key as config writes it", () => {
    it("every key of the schema is refused with a value of its type, or listed as taking any value of its type", () => {
        const leaves = ALL_KEYS.filter((l) => !l.schema.properties && !l.schema.items?.properties).map(keyName);
        const refused = REFUSED.map(([key]) => key);
        assert.deepEqual(
            leaves.filter((k) => !refused.includes(k) && !ANY_VALUE_OF_ITS_TYPE.includes(k)),
            [],
        );
        assert.deepEqual(
            [...refused, ...ANY_VALUE_OF_ITS_TYPE].filter((k) => !leaves.includes(k)),
            [],
            "no key the schema does not have",
        );
        for (const key of ANY_VALUE_OF_ITS_TYPE) assert.equal(ALL_KEYS.find((l) => keyName(l) === key)?.schema.type, "boolean", key);
    });

    for (const [key, stack, overrides, named = key] of REFUSED) {
        it(key, async () => {
            let errors: string[] = [];
            try {
                await runProgram(stack, overrides);
            } catch (e) {
                errors = messages(e);
            }
            assert.ok(named.startsWith(key) && names(errors, named), `${key}: ${errors.join(" | ") || "no error"}`);
            for (const m of errors) assert.match(m, /^(eks-karpenter|aws):[\w.[\]]+: /, `every error names a config key: ${m}`);
        });
    }
});
