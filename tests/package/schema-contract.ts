/**
 * The contract other languages see: the package schema, as `npm run schema` prints it and `pulumi package add`
 * receives it, checked against the TypeScript declarations it comes from. The
 * expectations are read from the sources with TypeScript's own type checker (not from the schema, and not
 * with the provider's doc reader): every public component is a resource, every arg of its args interface
 * is there with its type, required-ness and doc comment (and `@default`), every output with its doc, every
 * enum with its values, and nothing else.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import * as ts from "typescript";
import { parse } from "yaml";
import { PUBLIC_COMPONENT_NAMES } from "../../infra/model/components";
import { COMPONENTS, PACKAGE_ROOT, PackageSchema, SchemaProperty } from "../../package/provider";
import { packageSchema, schemaCommand } from "./package-schema";

const TOKEN = "eks-karpenter:index:";
const ref = (name: string) => `#/types/${TOKEN}${name}`;

/** The public components of the registry (infra/model/components.ts). */
const PUBLIC_COMPONENTS = [...PUBLIC_COMPONENT_NAMES].sort();

/** What the issue names (cluster, Karpenter, node class, node pool, private endpoints, the whole environment), and the two sets. */
const NAMED_BY_THE_ISSUE = [
    "Cluster",
    "EC2NodeClass",
    "Environment",
    "Karpenter",
    "KarpenterNodes",
    "Network",
    "NodePool",
    "PrivateEndpoints",
];

/** The choices that are enums in every language. */
const ENUMS = [
    "AmiFamily",
    "Architecture",
    "BudgetNotificationType",
    "CapacityType",
    "ClusterLogType",
    "ConsolidationPolicy",
    "CoreDnsPlacement",
    "DisruptionReason",
    "KarpenterLogLevel",
    "NatGateways",
    "NodePoolProfile",
    "ReclaimPolicy",
    "RequirementOperator",
    "TaintEffect",
];

// The TypeScript side, read by the type checker.
const config = ts.parseJsonConfigFileContent(
    ts.readConfigFile(path.join(PACKAGE_ROOT, "tsconfig.json"), ts.sys.readFile).config,
    ts.sys,
    PACKAGE_ROOT,
);
const entry = path.join(PACKAGE_ROOT, "package", "index.ts");
// Every file of the project, with `noResolve`: the declarations the test reads are all in the repository, so
// the checker need not load @pulumi/aws's and the other SDKs' declarations (over 500 MB of memory). Made
// once the schema is built, so that it and Pulumi's analyzer are not in memory at once.
let program: ts.Program;
let checker: ts.TypeChecker;

function exportedSymbol(file: string, name: string): ts.Symbol {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    const symbol = checker.getExportsOfModule(module).find((s) => s.name === name);
    assert.ok(symbol, `${path.relative(PACKAGE_ROOT, file)} exports ${name}`);
    return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** A doc comment's text, and the `@default` after it as the schema shows it. */
function expectedDescription(symbol: ts.Symbol): string {
    const comment = ts.displayPartsToString(symbol.getDocumentationComment(checker));
    const tag = symbol.getJsDocTags(checker).find((t) => t.name === "default");
    return tag ? `${comment}\n\nDefault: ${ts.displayPartsToString(tag.text)}` : comment;
}

const isSecret = (symbol: ts.Symbol) => symbol.getJsDocTags(checker).some((t) => t.name === "secret");

interface Shape {
    /** `string`, `number`, `boolean`, `X[]`, `map<X>` or `ref:Name` (an enum or object type of the package). */
    kind: string;
    /** Not wrapped in `pulumi.Input`: the SDKs take a plain value. */
    plain: boolean;
}

/** The enums and interfaces the components use, by name, and whether an output uses them (else an arg). */
type Refs = Map<string, { type: ts.Type; output: boolean }>;

/**
 * The schema shape of a declared TypeScript type, from its syntax: only what the schema can carry is
 * accepted (no union but `| undefined`, no intersection, tuple or function type). Referenced enums and
 * interfaces are collected in `refs`.
 */
function shapeOf(node: ts.TypeNode, refs: Refs, where: string, output: boolean): Shape {
    if (ts.isTypeReferenceNode(node) && /^(pulumi\.)?(Input|Output)$/.test(node.typeName.getText())) {
        return { kind: shapeOf(node.typeArguments![0], refs, where, output).kind, plain: false };
    }
    if (ts.isUnionTypeNode(node)) {
        const defined = node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword);
        assert.equal(defined.length, 1, `${where}: a union type (${node.getText()}) has no schema type; pick one type`);
        return shapeOf(defined[0], refs, where, output);
    }
    switch (node.kind) {
        case ts.SyntaxKind.StringKeyword:
            return { kind: "string", plain: true };
        case ts.SyntaxKind.NumberKeyword:
            return { kind: "number", plain: true };
        case ts.SyntaxKind.BooleanKeyword:
            return { kind: "boolean", plain: true };
    }
    if (ts.isArrayTypeNode(node)) return { kind: `${shapeOf(node.elementType, refs, where, output).kind}[]`, plain: true };
    if (ts.isTypeReferenceNode(node) && node.typeName.getText() === "Record") {
        assert.equal(node.typeArguments![0].kind, ts.SyntaxKind.StringKeyword, `${where}: map keys are strings`);
        return { kind: `map<${shapeOf(node.typeArguments![1], refs, where, output).kind}>`, plain: true };
    }
    assert.ok(
        ts.isTypeReferenceNode(node),
        `${where}: ${node.getText()} has no schema type (union, intersection, tuple and function types have none)`,
    );
    const type = checker.getTypeFromTypeNode(node);
    const symbol = type.aliasSymbol ?? type.getSymbol();
    assert.ok(
        symbol && symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Enum),
        `${where}: ${node.getText()} is an interface or an enum`,
    );
    refs.set(symbol.name, { type, output });
    return { kind: `ref:${symbol.name}`, plain: true };
}

function schemaShape(p: SchemaProperty): string {
    if (p.$ref !== undefined) return `ref:${p.$ref.slice(ref("").length)}`;
    if (p.type === "array") return `${schemaShape(p.items!)}[]`;
    if (p.type === "object" && p.additionalProperties) return `map<${schemaShape(p.additionalProperties)}>`;
    return p.type!;
}

/** Checks one property against its declaration. */
function checkProperty(where: string, symbol: ts.Symbol, property: SchemaProperty | undefined, refs: Refs, output: boolean): void {
    assert.ok(property, `${where} is in the schema`);
    const declaration = symbol.valueDeclaration as ts.PropertySignature | ts.PropertyDeclaration;
    assert.ok(declaration.type, `${where} has a declared type`);
    const comment = ts.displayPartsToString(symbol.getDocumentationComment(checker));
    assert.notEqual(comment, "", `${where} has a doc comment`);
    assert.equal(property.description, expectedDescription(symbol), `${where}: description`);
    const shape = shapeOf(declaration.type, refs, where, output);
    assert.equal(schemaShape(property), shape.kind, `${where}: type`);
    if (output) {
        assert.equal(property.secret === true, isSecret(symbol), `${where}: secret exactly when tagged @secret`);
    } else {
        assert.equal(property.plain === true, shape.plain, `${where}: plain exactly when not a pulumi.Input`);
    }
}

/** Whether a declared output type admits undefined (`Output<string | undefined>`): then the output is optional. */
function mayBeUndefined(node: ts.TypeNode): boolean {
    const inner = ts.isTypeReferenceNode(node) ? node.typeArguments?.[0] : undefined;
    return inner !== undefined && ts.isUnionTypeNode(inner) && inner.types.some((t) => t.kind === ts.SyntaxKind.UndefinedKeyword);
}

/** The schema as `npm run -s schema` prints it: what `pulumi package add` receives (no Pulumi CLI, no cloud account). */
let printed: { code: number; stdout: string; stderr: string };
let schema: PackageSchema;
before(async () => {
    printed = await schemaCommand();
    schema = await packageSchema();
    program = ts.createProgram({ rootNames: config.fileNames, options: { ...config.options, noResolve: true, types: [] } });
    checker = program.getTypeChecker();
});

describe("the package schema", () => {
    it("is the eks-karpenter package at package.json's version", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { name: string; version: string };
        assert.equal(schema.name, "eks-karpenter");
        assert.equal(schema.name, manifest.name);
        assert.equal(schema.version, manifest.version);
    });

    it("has every public component as a component resource eks-karpenter:index:<Name>, and nothing else", () => {
        assert.deepEqual(PUBLIC_COMPONENTS, NAMED_BY_THE_ISSUE);
        assert.deepEqual(COMPONENTS.map((c) => c.name).sort(), PUBLIC_COMPONENTS);
        assert.deepEqual(
            Object.keys(schema.resources).sort(),
            PUBLIC_COMPONENTS.map((n) => `${TOKEN}${n}`),
        );
        for (const [token, resource] of Object.entries(schema.resources)) assert.equal(resource.isComponent, true, token);
    });

    for (const name of PUBLIC_COMPONENTS) {
        it(`${name}: every arg with its type, required-ness and description; every output; nothing else`, () => {
            const resource = schema.resources[`${TOKEN}${name}`];
            const declaration = exportedSymbol(entry, name).valueDeclaration as ts.ClassDeclaration;
            const ctor = declaration.members.find(ts.isConstructorDeclaration)!;
            const argsNode = ctor.parameters.find((p) => p.name.getText() === "args")!.type!;
            const args = checker.getPropertiesOfType(checker.getTypeFromTypeNode(argsNode));
            const refs: Refs = new Map();

            assert.deepEqual(Object.keys(resource.inputProperties ?? {}).sort(), args.map((a) => a.name).sort(), `${name}: args`);
            for (const arg of args) checkProperty(`${name}.${arg.name}`, arg, resource.inputProperties![arg.name], refs, false);
            const required = args.filter((a) => !(a.flags & ts.SymbolFlags.Optional)).map((a) => a.name);
            assert.deepEqual([...(resource.requiredInputs ?? [])].sort(), required.sort(), `${name}: required args`);

            // Outputs: the class's own members are its constructor and `public readonly` Outputs, nothing else.
            const outputs: string[] = [];
            const optional: string[] = [];
            for (const member of declaration.members) {
                if (ts.isConstructorDeclaration(member)) continue;
                const where = `${name}.${member.name?.getText()}`;
                assert.ok(ts.isPropertyDeclaration(member), `${where} is a property (helpers are module functions)`);
                const modifiers = (member.modifiers ?? []).map((m) => m.kind);
                assert.deepEqual(modifiers, [ts.SyntaxKind.PublicKeyword, ts.SyntaxKind.ReadonlyKeyword], `${where} is public readonly`);
                assert.match(member.type!.getText(), /^pulumi\.Output</, `${where} is an Output`);
                const symbol = checker.getSymbolAtLocation(member.name)!;
                checkProperty(`${where}`, symbol, resource.properties?.[symbol.name], refs, true);
                outputs.push(symbol.name);
                if (mayBeUndefined(member.type!)) optional.push(symbol.name);
            }
            assert.deepEqual(Object.keys(resource.properties ?? {}).sort(), outputs.sort(), `${name}: outputs`);
            assert.deepEqual(
                [...(resource.required ?? [])].sort(),
                outputs.filter((o) => !optional.includes(o)).sort(),
                `${name}: outputs always set`,
            );
        });
    }

    it("has each type the components' args and outputs use, with its fields, enums with their values, and no other", () => {
        const refs: Refs = new Map();
        const collect = (nodes: (ts.TypeNode | undefined)[], output: boolean) =>
            nodes.forEach((n, i) => n && shapeOf(n, refs, `component member ${i}`, output));
        for (const name of PUBLIC_COMPONENTS) {
            const declaration = exportedSymbol(entry, name).valueDeclaration as ts.ClassDeclaration;
            const ctor = declaration.members.find(ts.isConstructorDeclaration)!;
            const args = checker.getPropertiesOfType(
                checker.getTypeFromTypeNode(ctor.parameters.find((p) => p.name.getText() === "args")!.type!),
            );
            collect(
                args.map((a) => (a.valueDeclaration as ts.PropertySignature).type),
                false,
            );
            collect(
                declaration.members.filter(ts.isPropertyDeclaration).map((m) => m.type),
                true,
            );
        }
        const seen = new Set<string>();
        while (seen.size < refs.size) {
            for (const [name, { type, output }] of [...refs]) {
                if (seen.has(name)) continue;
                seen.add(name);
                const token = `${TOKEN}${name}`;
                const defined = schema.types[token];
                assert.ok(defined, `${token} is in the schema`);
                const symbol = type.aliasSymbol ?? type.getSymbol()!;
                assert.equal(defined.description, ts.displayPartsToString(symbol.getDocumentationComment(checker)), `${name}: description`);
                if (symbol.flags & ts.SymbolFlags.Enum) {
                    const members = (symbol.valueDeclaration as ts.EnumDeclaration).members.map((m) => ({
                        name: m.name.getText(),
                        value: (m.initializer as ts.StringLiteral).text,
                    }));
                    assert.deepEqual(
                        defined.enum?.map((e) => ({ name: e.name, value: e.value })),
                        members,
                        `${name}: enum values`,
                    );
                    continue;
                }
                const properties = checker.getPropertiesOfType(type);
                assert.deepEqual(Object.keys(defined.properties ?? {}).sort(), properties.map((p) => p.name).sort(), `${name}: fields`);
                for (const p of properties) checkProperty(`${name}.${p.name}`, p, defined.properties![p.name], refs, output);
                const required = properties.filter((p) => !(p.flags & ts.SymbolFlags.Optional)).map((p) => p.name);
                assert.deepEqual([...(defined.required ?? [])].sort(), required.sort(), `${name}: required fields`);
            }
        }
        assert.deepEqual(
            Object.keys(schema.types).sort(),
            [...seen].map((n) => `${TOKEN}${n}`).sort(),
            "no type the components do not use",
        );
        for (const name of ENUMS) assert.ok(schema.types[`${TOKEN}${name}`]?.enum, `${name} is an enum`);
    });

    it("gives stacks what they export: every stack output is an Environment output, the kubeconfig a secret", () => {
        const environment = schema.resources[`${TOKEN}Environment`].properties!;
        const stackOutputs = checker.getPropertiesOfType(
            checker.getDeclaredTypeOfSymbol(exportedSymbol(path.join(PACKAGE_ROOT, "stacks", "base.ts"), "StackOutputs")),
        );
        assert.ok(stackOutputs.length >= 10);
        for (const output of stackOutputs) assert.ok(environment[output.name], `Environment output ${output.name}`);
        for (const output of [
            "clusterName",
            "clusterEndpoint",
            "kubeconfig",
            "controllerRoleArn",
            "nodeRoleArn",
            "nodeRoleName",
            "interruptionQueueName",
        ]) {
            assert.ok(environment[output], output);
        }
        assert.equal(environment.kubeconfig.secret, true);
        assert.equal(schema.resources[`${TOKEN}Cluster`].properties!.kubeconfig.secret, true);
        assert.deepEqual(
            Object.entries(schema.resources).flatMap(([token, r]) =>
                Object.entries(r.properties ?? {})
                    .filter(([, p]) => p.secret)
                    .map(([n]) => `${token}.${n}`),
            ),
            [`${TOKEN}Cluster.kubeconfig`, `${TOKEN}Environment.kubeconfig`],
        );
    });

    it("depends on no other package: no arg or output is a resource of another provider", () => {
        assert.deepEqual(schema.dependencies ?? [], []);
    });
});

describe("entry points", () => {
    it("the stack program is index.ts (Pulumi.yaml), the package's plugin package/host.ts (package.json, PulumiPlugin.yaml)", () => {
        const project = parse(fs.readFileSync(path.join(PACKAGE_ROOT, "Pulumi.yaml"), "utf8"));
        assert.equal(project.main, "index.ts");
        const plugin = parse(fs.readFileSync(path.join(PACKAGE_ROOT, "PulumiPlugin.yaml"), "utf8"));
        assert.equal(plugin.runtime.name, "nodejs");
        const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8"));
        assert.equal(manifest.main, "package/host.ts");
        assert.equal(manifest.scripts.schema, "tsc -b tsconfig.build.json && node dist/scripts/schema.js");
    });
});

describe("npm run schema", () => {
    it("prints only the schema, as JSON, on stdout, and its progress on stderr", () => {
        assert.equal(printed.code, 0);
        assert.match(printed.stdout, /^\{[\s\S]*\}\n$/);
        assert.equal(schema.name, "eks-karpenter");
        assert.match(
            printed.stderr,
            /^schema: analysing the 8 components' TypeScript sources .*\nschema: 8 components and \d+ types in [\d.]+ s\n$/,
        );
    });
});
