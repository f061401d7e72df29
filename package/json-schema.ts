/**
 * JSON Schemas generated from documented TypeScript interfaces, with TypeScript's own parser and checker:
 * the stack config (`StackConfig`, stacks/stack-config.ts → stacks/config.schema.json) and the guardrails'
 * options (`GuardrailSettings`, infra/guardrails/types.ts → infra/guardrails/options.schema.json). The
 * interfaces are the source; `npm run docs` writes the schemas (and the README's tables from them), and a
 * test fails when a committed one is stale.
 *
 * What a property's declaration becomes: `string`, `number`, `boolean`; `X[]` an array; `Record<string, X>`
 * a map; an enum its values (`title`: the enum's name); an interface (with the interfaces it extends) an
 * object of its properties that refuses other keys (an interface may extend `Pick<X, "a" | "b">` to take X's
 * documented properties a and b); `pulumi.Input<X>` is X (config is plain data); `| undefined`
 * is dropped. Its doc comment is the description, followed by its `@default`; `@integer`, `@minimum n` and
 * `@maximum n` tags add those constraints. Anything else (unions, intersections, functions) is refused, so
 * a schema never quietly says less than the type.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import type { JsonSchema } from "../infra/model/json-schema";
import { docOf, propertyDescription, sourceFiles, tagsOf } from "./docs";

export type { JsonSchema } from "../infra/model/json-schema";

/** A program over the repository's own TypeScript (infra/, stacks/), without loading any dependency's declarations. */
export function repositoryProgram(root: string): ts.Program {
    const files = ["infra", "stacks"].flatMap((dir) => sourceFiles(path.join(root, dir)));
    return ts.createProgram({ rootNames: files, options: { noResolve: true, types: [], noEmit: true, target: ts.ScriptTarget.ES2022 } });
}

/** The JSON Schema of the interface `name` declared in `file`, with `title` and a `$comment` naming its source. */
export function interfaceSchema(program: ts.Program, root: string, file: string, name: string, title: string): JsonSchema {
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(path.join(root, file));
    if (source === undefined) throw new Error(`${file} is not in the program`);
    const declaration = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
    if (declaration === undefined) throw new Error(`${file} declares no interface ${name}`);
    return {
        $schema: "http://json-schema.org/draft-07/schema#",
        $comment: `Generated from ${name} in ${file} by \`npm run docs\`; do not edit.`,
        title,
        ...objectSchema(checker, declaration),
    };
}

/** A schema as the committed file holds it. */
export function schemaText(schema: JsonSchema): string {
    return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Whether `file` holds exactly `text`. */
export function isCurrent(file: string, text: string): boolean {
    return fs.existsSync(file) && fs.readFileSync(file, "utf8") === text;
}

function objectSchema(checker: ts.TypeChecker, declaration: ts.InterfaceDeclaration): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const member of membersOf(checker, declaration)) {
        const key = member.name.getText();
        const where = `${declaration.name.text}.${key}`;
        if (member.type === undefined) throw new Error(`${where} has no declared type`);
        const doc = docOf(member);
        if (doc.comment === "") throw new Error(`${where} has no doc comment`);
        properties[key] = {
            ...typeSchema(checker, member.type, where),
            ...constraints(member),
            description: propertyDescription({ ...doc, secret: false }),
        };
        if (member.questionToken === undefined) required.push(key);
    }
    const comment = docOf(declaration).comment;
    return {
        type: "object",
        ...(comment === "" ? {} : { description: comment }),
        properties,
        ...(required.length > 0 ? { required } : {}),
        additionalProperties: false,
    };
}

/** The property signatures of an interface, its bases' first (an own property overrides an inherited one). */
function membersOf(checker: ts.TypeChecker, declaration: ts.InterfaceDeclaration): ts.PropertySignature[] {
    const inherited = (declaration.heritageClauses ?? []).flatMap((clause) =>
        clause.types.flatMap((t) => {
            // `Pick<X, "a" | "b">`: X's properties a and b, with X's docs.
            if (t.expression.getText() === "Pick" && t.typeArguments?.length === 2 && ts.isTypeReferenceNode(t.typeArguments[0])) {
                const picked = t.typeArguments[1];
                const keys = (ts.isUnionTypeNode(picked) ? picked.types : [picked]).map((k) =>
                    ts.isLiteralTypeNode(k) && ts.isStringLiteral(k.literal) ? k.literal.text : undefined,
                );
                const from = declarationOf(checker, t.typeArguments[0].typeName);
                if (from === undefined || !ts.isInterfaceDeclaration(from) || keys.includes(undefined)) {
                    throw new Error(`${declaration.name.text} extends ${t.getText()}: Pick of an interface by string literals only`);
                }
                const members = membersOf(checker, from);
                const missing = keys.filter((k) => !members.some((m) => m.name.getText() === k));
                if (missing.length > 0)
                    throw new Error(`${declaration.name.text} extends ${t.getText()}: ${from.name.text} has no ${missing.join(", ")}`);
                return members.filter((m) => keys.includes(m.name.getText()));
            }
            const base = declarationOf(checker, t.expression);
            if (base === undefined || !ts.isInterfaceDeclaration(base))
                throw new Error(`${declaration.name.text} extends ${t.getText()}, which is no interface`);
            return membersOf(checker, base);
        }),
    );
    const own = declaration.members.map((m) => {
        if (!ts.isPropertySignature(m)) throw new Error(`${declaration.name.text}: ${m.getText()} is not a property`);
        return m;
    });
    const names = new Set(own.map((m) => m.name.getText()));
    return [...inherited.filter((m) => !names.has(m.name.getText())), ...own];
}

function declarationOf(checker: ts.TypeChecker, name: ts.Node): ts.Declaration | undefined {
    let symbol = checker.getSymbolAtLocation(name);
    if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol?.declarations?.[0];
}

function typeSchema(checker: ts.TypeChecker, node: ts.TypeNode, where: string): JsonSchema {
    if (ts.isUnionTypeNode(node)) {
        const defined = node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword);
        if (defined.length !== 1) throw new Error(`${where}: a union type (${node.getText()}) has no schema here; pick one type`);
        return typeSchema(checker, defined[0], where);
    }
    switch (node.kind) {
        case ts.SyntaxKind.StringKeyword:
            return { type: "string" };
        case ts.SyntaxKind.NumberKeyword:
            return { type: "number" };
        case ts.SyntaxKind.BooleanKeyword:
            return { type: "boolean" };
    }
    if (ts.isArrayTypeNode(node)) return { type: "array", items: typeSchema(checker, node.elementType, where) };
    if (ts.isTypeReferenceNode(node)) {
        const name = node.typeName.getText();
        if (/^(pulumi\.)?Input$/.test(name) && node.typeArguments?.length === 1) return typeSchema(checker, node.typeArguments[0], where);
        if (name === "Record" && node.typeArguments?.length === 2 && node.typeArguments[0].kind === ts.SyntaxKind.StringKeyword) {
            return { type: "object", additionalProperties: typeSchema(checker, node.typeArguments[1], where) };
        }
        const declaration = declarationOf(checker, node.typeName);
        if (declaration !== undefined && ts.isInterfaceDeclaration(declaration)) return objectSchema(checker, declaration);
        if (declaration !== undefined && ts.isEnumDeclaration(declaration)) {
            const values = declaration.members.map((m) => {
                if (m.initializer === undefined || !ts.isStringLiteral(m.initializer))
                    throw new Error(`${where}: ${declaration.name.text}.${m.name.getText()} is not a string`);
                return m.initializer.text;
            });
            return { title: declaration.name.text, type: "string", enum: values };
        }
    }
    throw new Error(
        `${where}: ${node.getText()} has no JSON Schema type (interfaces, enums, arrays, Record<string, X> and primitives have)`,
    );
}

/** `@integer`, `@minimum n`, `@maximum n`. */
function constraints(member: ts.PropertySignature): JsonSchema {
    const out: JsonSchema = {};
    for (const tag of tagsOf(member)) {
        const text = ts.getTextOfJSDocComment(tag.comment)?.trim() ?? "";
        if (tag.tagName.text === "integer") out.type = "integer";
        if (tag.tagName.text === "minimum") out.minimum = Number(text);
        if (tag.tagName.text === "maximum") out.maximum = Number(text);
    }
    return out;
}
