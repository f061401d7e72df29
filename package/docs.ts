import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/** The documentation of one property of an interface or component class. */
export interface PropertyDoc {
    /** The doc comment's text. */
    comment: string;
    /** Its `@default` tag, if any. */
    default?: string;
    /** It carries the `@secret` tag: the value is a secret (a component output). */
    secret: boolean;
}

/** An interface, class or enum of the package, as its doc comments describe it. */
export interface DeclarationDoc {
    comment: string;
    /** Names of the interfaces it extends (`Partial<X>` counts as X). */
    bases: string[];
    /** Own properties, by name. */
    properties: Map<string, PropertyDoc>;
    /** For a component class: the name of its constructor's `args` type. */
    argsType?: string;
}

/**
 * The doc comments of every top-level interface, class and enum in the given files, by name; a name declared
 * twice maps to `undefined` (ambiguous). Syntax only: no type checking, so it is quick.
 */
export function readDeclarations(files: string[]): Map<string, DeclarationDoc | undefined> {
    const declarations = new Map<string, DeclarationDoc | undefined>();
    for (const file of files) {
        const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
        for (const node of source.statements) {
            if (
                !(ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node) || ts.isEnumDeclaration(node)) ||
                node.name === undefined
            ) {
                continue;
            }
            const name = node.name.text;
            const doc = ts.isEnumDeclaration(node) ? { comment: docOf(node).comment, bases: [], properties: new Map() } : describe(node);
            declarations.set(name, declarations.has(name) ? undefined : doc);
        }
    }
    return declarations;
}

function describe(node: ts.InterfaceDeclaration | ts.ClassDeclaration): DeclarationDoc {
    const bases = (node.heritageClauses ?? [])
        .filter((c) => c.token === ts.SyntaxKind.ExtendsKeyword && ts.isInterfaceDeclaration(node))
        .flatMap((c) => c.types)
        .map((t) =>
            t.expression.getText() === "Partial" && t.typeArguments?.length === 1 ? t.typeArguments[0].getText() : t.expression.getText(),
        );
    const properties = new Map<string, PropertyDoc>();
    let argsType: string | undefined;
    for (const member of node.members) {
        if ((ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) && ts.isIdentifier(member.name)) {
            properties.set(member.name.text, { ...docOf(member), secret: tagsOf(member).some((t) => t.tagName.text === "secret") });
        } else if (ts.isConstructorDeclaration(member)) {
            const args = member.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === "args");
            if (args?.type && ts.isTypeReferenceNode(args.type)) argsType = args.type.typeName.getText();
        }
    }
    return { comment: docOf(node).comment, bases, properties, argsType };
}

function jsDocsOf(node: ts.Node): ts.JSDoc[] {
    return ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
}

export function tagsOf(node: ts.Node): ts.JSDocTag[] {
    return jsDocsOf(node).flatMap((d) => [...(d.tags ?? [])]);
}

export function docOf(node: ts.Node): { comment: string; default?: string } {
    const comment = jsDocsOf(node)
        .map((d) => ts.getTextOfJSDocComment(d.comment) ?? "")
        .join("\n")
        .trim();
    const tag = tagsOf(node).find((t) => t.tagName.text === "default");
    const value = tag ? ts.getTextOfJSDocComment(tag.comment)?.trim() : undefined;
    return value ? { comment, default: value } : { comment };
}

/** The TypeScript files under `dir`, recursively. */
export function sourceFiles(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

/** A property's description in the schema: its doc comment, then its default. */
export function propertyDescription(doc: PropertyDoc): string {
    return doc.default === undefined ? doc.comment : `${doc.comment}\n\nDefault: ${doc.default}`;
}

/**
 * Every property of a declaration, its bases' first (an own property overrides an inherited one).
 * Throws when a name it needs is declared twice in the package: the schema's types are one namespace.
 */
export function allProperties(declarations: Map<string, DeclarationDoc | undefined>, name: string): Map<string, PropertyDoc> {
    const declaration = lookUp(declarations, name);
    if (declaration === undefined) return new Map();
    return new Map([...declaration.bases.flatMap((base) => [...allProperties(declarations, base)]), ...declaration.properties]);
}

/** The declaration of `name`; undefined when there is none, an error when there are two. */
export function lookUp(declarations: Map<string, DeclarationDoc | undefined>, name: string): DeclarationDoc | undefined {
    if (declarations.has(name) && declarations.get(name) === undefined) {
        throw new Error(`${name} is declared twice in the package: every type of the schema needs a name of its own`);
    }
    return declarations.get(name);
}
