/**
 * The examples other languages' users copy: examples/csharp/Program.cs and examples/yaml/Pulumi.yaml.
 * Neither is compiled or run by CI (no .NET SDK, no Pulumi CLI there), so this checks them against the
 * package schema: every class, property and enum value they name exists, with the right type and every
 * required setting given. Both are the prod stack: their settings are the same, their outputs are the stack's,
 * and the YAML program's settings, passed through the package's provider under Pulumi's mocks, register
 * exactly what `pulumi up -s prod` registers.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { PACKAGE_ROOT, PackageSchema, SchemaObject, SchemaProperty } from "../../package/provider";
import { packageSchema, provider } from "./package-schema";
import stackProgram = require("../../index");
import { DEVICE_PLUGIN_MIRROR, lastRegistrations, runEngine, runProgram, stackConfig } from "../harness";

const TOKEN = "eks-karpenter:index:";
const CSHARP = fs.readFileSync(path.join(PACKAGE_ROOT, "examples", "csharp", "Program.cs"), "utf8");
const YAML = parse(fs.readFileSync(path.join(PACKAGE_ROOT, "examples", "yaml", "Pulumi.yaml"), "utf8"));

/** The stack outputs of index.ts, by name: what its program returns when the engine runs it as `pulumi up -s prod` does. */
let STACK_OUTPUTS: string[] = [];
before(async () => {
    const run = await runEngine(stackProgram, { stack: "prod", config: stackConfig(path.join(PACKAGE_ROOT, "Pulumi.prod.yaml")) });
    STACK_OUTPUTS = Object.keys(run.result);
});

/** The YAML program's stack: prod, with the program's config. */
const yamlProgram = { stack: "prod", config: { "aws:region": String(YAML.config["aws:region"].value) } };

const camel = (pascal: string) => pascal[0].toLowerCase() + pascal.slice(1);

/** A value of the C# subset the example is written in: literals, enum members, object and collection initializers. */
type CsValue =
    | { kind: "literal"; value: string | number | boolean }
    | { kind: "enum"; type: string; member: string }
    | { kind: "object"; type: string; properties: [string, CsValue][] }
    | { kind: "list"; items: CsValue[] }
    | { kind: "map"; entries: [CsValue, CsValue][] };

/** Parses a C# object initializer, collection initializer or literal; `tokens` is consumed from the front. */
function parseCs(tokens: string[]): CsValue {
    const next = () => tokens.shift()!;
    const expect = (t: string) => assert.equal(next(), t, `C#: expected ${t} before ${tokens.slice(0, 8).join(" ")}`);
    const t = next();
    if (t.startsWith('"')) return { kind: "literal", value: JSON.parse(t) };
    if (/^[0-9]/.test(t)) return { kind: "literal", value: Number(t) };
    if (t === "true" || t === "false") return { kind: "literal", value: t === "true" };
    if (t === "new") {
        const type = next();
        expect("{");
        const properties: [string, CsValue][] = [];
        while (tokens[0] !== "}") {
            const name = next();
            expect("=");
            properties.push([name, parseCs(tokens)]);
            if (tokens[0] === ",") next();
        }
        expect("}");
        return { kind: "object", type, properties };
    }
    if (t === "{") {
        const items: CsValue[] = [];
        const entries: [CsValue, CsValue][] = [];
        while (tokens[0] !== "}") {
            if (tokens[0] === "{") {
                next();
                const key = parseCs(tokens);
                expect(",");
                entries.push([key, parseCs(tokens)]);
                expect("}");
            } else {
                items.push(parseCs(tokens));
            }
            if (tokens[0] === ",") next();
        }
        expect("}");
        assert.ok(items.length === 0 || entries.length === 0, "C#: a collection initializer is a list or a map, not both");
        return entries.length > 0 ? { kind: "map", entries } : { kind: "list", items };
    }
    const enumRef = /^EksKarpenter\.(\w+)\.(\w+)$/.exec(t);
    assert.ok(enumRef, `C#: unexpected ${t}`);
    return { kind: "enum", type: enumRef[1], member: enumRef[2] };
}

function tokenize(source: string): string[] {
    const code = source.replace(/\/\/[^\n]*/g, "");
    return [...code.matchAll(/"(?:[^"\\]|\\.)*"|[0-9]+(?:\.[0-9]+)?|[A-Za-z_][\w.]*|[{}()[\]=,;<>?]/g)].map((m) => m[0]);
}

/**
 * The C# value as the JSON the SDK sends, checked against the schema on the way: the class of each
 * initializer is the one the schema's type generates (`Inputs.<Type>Args`), each property exists, each
 * required one is set, each enum member exists, and each literal has the property's type.
 */
function csToJson(schema: PackageSchema, value: CsValue, expected: SchemaProperty, where: string): unknown {
    if (expected.$ref !== undefined) {
        const name = expected.$ref.slice(`#/types/${TOKEN}`.length);
        const type = schema.types[`${TOKEN}${name}`];
        assert.ok(type, `${where}: ${name} is a type of the schema`);
        if (type.enum) {
            assert.equal(value.kind, "enum", `${where}: an EksKarpenter.${name} member`);
            assert.equal(value.type, name, `${where}: enum type`);
            const member = type.enum.find((e) => e.name === value.member);
            assert.ok(member, `${where}: ${name}.${value.member} is one of ${type.enum.map((e) => e.name).join(", ")}`);
            return member.value;
        }
        return csObject(schema, value, type, `EksKarpenter.Inputs.${name}Args`, where);
    }
    if (expected.type === "array") {
        assert.equal(value.kind, "list", `${where}: a list`);
        return value.items.map((item, i) => csToJson(schema, item, expected.items!, `${where}[${i}]`));
    }
    if (expected.type === "object" && expected.additionalProperties) {
        assert.equal(value.kind, "map", `${where}: a map ({ { key, value }, ... })`);
        return Object.fromEntries(
            value.entries.map(([k, v]) => {
                assert.ok(k.kind === "literal" && typeof k.value === "string", `${where}: string keys`);
                return [k.value, csToJson(schema, v, expected.additionalProperties!, `${where}.${k.value}`)];
            }),
        );
    }
    assert.equal(value.kind, "literal", `${where}: a ${expected.type}`);
    assert.equal(typeof value.value, expected.type === "integer" ? "number" : expected.type, `${where}: a ${expected.type}`);
    return value.value;
}

function csObject(schema: PackageSchema, value: CsValue, type: SchemaObject, argsClass: string, where: string): Record<string, unknown> {
    assert.equal(value.kind, "object", `${where}: new ${argsClass} { ... }`);
    assert.equal(value.type, argsClass, `${where}: the SDK's class`);
    const properties = type.inputProperties ?? type.properties ?? {};
    const required = type.requiredInputs ?? type.required ?? [];
    const json: Record<string, unknown> = {};
    for (const [pascal, v] of value.properties) {
        const name = camel(pascal);
        assert.ok(properties[name], `${where}.${pascal} is a property of ${argsClass}`);
        json[name] = csToJson(schema, v, properties[name], `${where}.${pascal}`);
    }
    for (const name of required) assert.ok(name in json, `${where}: ${name} is required`);
    return json;
}

/** Checks a YAML (JSON) value against the schema: properties exist, required ones are set, enum values and types are right. */
function checkJson(schema: PackageSchema, value: unknown, expected: SchemaProperty, where: string): void {
    if (expected.$ref !== undefined) {
        const type = schema.types[expected.$ref.slice("#/types/".length)];
        assert.ok(type, `${where}: ${expected.$ref} is a type of the schema`);
        if (type.enum) {
            assert.ok(
                type.enum.some((e) => e.value === value),
                `${where}: ${JSON.stringify(value)} is one of ${type.enum.map((e) => e.value).join(", ")}`,
            );
            return;
        }
        checkJsonObject(schema, value, type, where);
    } else if (expected.type === "array") {
        assert.ok(Array.isArray(value), `${where}: a list`);
        value.forEach((item, i) => checkJson(schema, item, expected.items!, `${where}[${i}]`));
    } else if (expected.type === "object" && expected.additionalProperties) {
        assert.ok(value !== null && typeof value === "object" && !Array.isArray(value), `${where}: a map`);
        for (const [k, v] of Object.entries(value)) checkJson(schema, v, expected.additionalProperties, `${where}.${k}`);
    } else {
        assert.equal(typeof value, expected.type, `${where}: a ${expected.type}`);
    }
}

function checkJsonObject(schema: PackageSchema, value: unknown, type: SchemaObject, where: string): void {
    assert.ok(value !== null && typeof value === "object" && !Array.isArray(value), `${where}: an object`);
    const properties = type.inputProperties ?? type.properties ?? {};
    for (const [name, v] of Object.entries(value)) {
        assert.ok(properties[name], `${where}.${name} is a property`);
        checkJson(schema, v, properties[name], `${where}.${name}`);
    }
    for (const name of type.requiredInputs ?? type.required ?? []) assert.ok(name in value, `${where}: ${name} is required`);
}

let schema: PackageSchema;
before(async () => {
    schema = await packageSchema();
});

/** The settings of examples/csharp's Environment, as JSON. */
function csharpEnvironment(): { name: string; args: Record<string, unknown> } {
    const match = /var environment = new EksKarpenter\.Environment\("(\w+)", /.exec(CSHARP);
    assert.ok(match, "Program.cs creates an EksKarpenter.Environment");
    const tokens = tokenize(CSHARP.slice(match.index + match[0].length));
    // The resource's args are checked like a type's fields: its inputProperties and requiredInputs.
    const args = csObject(
        schema,
        parseCs(tokens),
        schema.resources[`${TOKEN}Environment`],
        "EksKarpenter.EnvironmentArgs",
        "EnvironmentArgs",
    );
    return { name: match[1], args };
}

describe("examples/csharp", () => {
    it("names only components of the package", () => {
        const created = [...CSHARP.matchAll(/new EksKarpenter\.(\w+)\(/g)].map((m) => m[1]);
        assert.deepEqual(created, ["Environment"]);
        for (const name of created) assert.ok(schema.resources[`${TOKEN}${name}`], name);
    });

    it("sets Environment's args with the SDK's classes, properties and enum members", () => {
        const { name, args } = csharpEnvironment();
        assert.equal(name, "prod");
        assert.ok(Object.keys(args).length >= 8);
    });

    it("exports the stack's outputs, each an output of Environment", () => {
        const exported = [...CSHARP.matchAll(/\["(\w+)"\] = environment\.(\w+),/g)];
        assert.deepEqual(
            exported.map((m) => m[1]),
            STACK_OUTPUTS,
        );
        const outputs = schema.resources[`${TOKEN}Environment`].properties!;
        for (const [, key, property] of exported) {
            assert.ok(outputs[camel(property)], `environment.${property} is an output`);
            assert.equal(camel(property), key);
        }
        assert.deepEqual(
            [...CSHARP.matchAll(/environment\.(\w+)/g)].map((m) => camel(m[1])).filter((p) => !outputs[p]),
            [],
            "every environment member used is an output",
        );
    });
});

describe("examples/yaml", () => {
    it("creates the Environment by its token, with properties the schema has", () => {
        assert.deepEqual(Object.keys(YAML.resources), ["prod"]);
        assert.equal(YAML.resources.prod.type, `${TOKEN}Environment`);
        checkJsonObject(schema, YAML.resources.prod.properties, schema.resources[`${TOKEN}Environment`], "prod");
        assert.equal(YAML.packages["eks-karpenter"], "../..");
    });

    it("exports the stack's outputs, each an output of Environment", () => {
        assert.deepEqual(Object.keys(YAML.outputs), STACK_OUTPUTS);
        const outputs = schema.resources[`${TOKEN}Environment`].properties!;
        for (const [key, value] of Object.entries(YAML.outputs)) {
            assert.equal(value, `\${prod.${key}}`);
            assert.ok(outputs[key], key);
        }
    });

    it("has the C# program's settings", () => {
        assert.deepEqual(csharpEnvironment().args, YAML.resources.prod.properties);
    });

    it("is the prod stack: through the package's provider, its settings register what `pulumi up -s prod` registers", async () => {
        const stack = [...(await runProgram("prod")).resources];

        // What the engine does for the YAML program: the provider constructs the component from the settings
        // (unset ones may come as null), in a stack with the program's config.
        const inputs = { ...YAML.resources.prod.properties, endpoints: null, imageCache: null };
        const { result, resources: constructed } = await runEngine(
            () => provider.construct("prod", `${TOKEN}Environment`, inputs, {}),
            yamlProgram,
        );

        const view = (rs: typeof constructed) =>
            rs
                .map((r) => ({ type: r.type, name: r.name, parent: r.parent, inputs: r.inputs }))
                .sort((a, b) => `${a.type}${a.name}`.localeCompare(`${b.type}${b.name}`));
        assert.ok(stack.length > 100);
        assert.deepEqual(view(constructed), view(stack));

        const outputs = Object.keys(schema.resources[`${TOKEN}Environment`].properties!).sort();
        assert.deepEqual(Object.keys(result.state).sort(), outputs);
        assert.equal(await pulumi.isSecret(result.state.kubeconfig as pulumi.Output<string>), true);
        assert.equal(stackConfig(path.join(PACKAGE_ROOT, "Pulumi.prod.yaml"))["aws:region"], YAML.config["aws:region"].value);
    });

    it("with the GPU pool on, the component refuses a private cluster without a reachable device plugin image, naming its own setting", async () => {
        const props = YAML.resources.prod.properties;
        const withGpu = (devicePluginImage?: object) => ({
            ...props,
            endpoints: null,
            imageCache: null,
            nodes: {
                ...props.nodes,
                defaultPools: { ...props.nodes.defaultPools, gpu: true },
                ...(devicePluginImage ? { devicePluginImage } : {}),
            },
        });
        await assert.rejects(
            runEngine(() => provider.construct("prod", `${TOKEN}Environment`, withGpu(), {}), yamlProgram),
            /^ConfigError: Environment\.nodes\.devicePluginImage\.repository: \(missing\) is not valid; in a private cluster, a registry the VPC reaches .*crane copy/,
        );
        assert.deepEqual(lastRegistrations(), [], "nothing registered");
        // Negative control: with the image mirrored into private ECR, it constructs, and the release runs the mirror.
        const { resources } = await runEngine(
            () => provider.construct("prod", `${TOKEN}Environment`, withGpu({ repository: DEVICE_PLUGIN_MIRROR }), {}),
            yamlProgram,
        );
        const release = resources.find((r) => r.name === "prod-nvidia-device-plugin");
        assert.deepEqual(release?.inputs.values.image, { repository: DEVICE_PLUGIN_MIRROR, tag: "v0.20.0" });
    });
});
