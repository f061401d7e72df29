import * as path from "node:path";
import { ComponentResourceOptions, Inputs } from "@pulumi/pulumi";
import { ConstructResult } from "@pulumi/pulumi/provider";
import { ComponentProvider, ComponentResourceConstructor } from "@pulumi/pulumi/provider/experimental";
import { PACKAGE_NAME, PUBLIC_COMPONENT_NAMES, PublicComponentName } from "../infra/model/components";
import { REPO_ROOT } from "../infra/root";
import { DeclarationDoc, allProperties, lookUp, propertyDescription, readDeclarations, sourceFiles } from "./docs";
import { Cluster, EC2NodeClass, Environment, Karpenter, KarpenterNodes, Network, NodePool, PrivateEndpoints } from "./index";

/** The repository root: its package.json names the package, its tsconfig.json is what the schema analyzer reads. */
export const PACKAGE_ROOT = REPO_ROOT;

/**
 * The class of each public component of the registry (infra/model/components.ts): one entry per public name,
 * no other (the compiler refuses a missing or an extra one; the schema test checks each is the class of its name).
 */
const CLASSES: Record<PublicComponentName, ComponentResourceConstructor> = {
    Environment,
    Cluster,
    Network,
    PrivateEndpoints,
    Karpenter,
    EC2NodeClass,
    NodePool,
    KarpenterNodes,
};

/** The components of the package, each `eks-karpenter:index:<class name>`, in the registry's order. */
export const COMPONENTS = PUBLIC_COMPONENT_NAMES.map((n) => CLASSES[n]);

/** A property of the package schema (the part of Pulumi's schema format used here). */
export interface SchemaProperty {
    type?: string;
    $ref?: string;
    items?: SchemaProperty;
    additionalProperties?: SchemaProperty;
    description?: string;
    plain?: boolean;
    secret?: boolean;
}

/** A resource (component) or an object or enum type of the package schema. */
export interface SchemaObject {
    type?: string;
    description?: string;
    isComponent?: boolean;
    inputProperties?: Record<string, SchemaProperty>;
    requiredInputs?: string[];
    properties?: Record<string, SchemaProperty>;
    required?: string[];
    enum?: { name: string; value: string | number; description?: string }[];
}

/** The package schema: what `pulumi package add` generates the C#, Python, Go and YAML SDKs from. */
export interface PackageSchema {
    name: string;
    version: string;
    description?: string;
    resources: Record<string, SchemaObject>;
    types: Record<string, SchemaObject>;
    language?: Record<string, unknown>;
    dependencies?: unknown[];
}

/**
 * Pulumi's component provider for this package, with descriptions completed from the doc comments:
 * Pulumi's analyzer keeps a comment's text but not its tags, so each property's `@default` is appended
 * here, and an output tagged `@secret` is marked secret. Everything else (components, types, enums,
 * required-ness, `construct`) is Pulumi's.
 */
export class EksKarpenterProvider extends ComponentProvider {
    private completedSchema?: string;

    constructor() {
        super({ name: PACKAGE_NAME, dirname: PACKAGE_ROOT, components: COMPONENTS });
    }

    override async getSchema(): Promise<string> {
        if (this.completedSchema === undefined) {
            const schema = JSON.parse(await super.getSchema()) as PackageSchema;
            const declarations = readDeclarations(sourceFiles(path.join(PACKAGE_ROOT, "infra")));
            this.completedSchema = JSON.stringify(completeDescriptions(schema, declarations));
        }
        return this.completedSchema;
    }

    /** Creates a component for another language's program; a setting it sends as null counts as unset. */
    override async construct(name: string, type: string, inputs: Inputs, options: ComponentResourceOptions): Promise<ConstructResult> {
        return super.construct(name, type, withoutNulls(inputs) as Inputs, options);
    }
}

/**
 * The value without null settings, in plain objects and arrays at any depth: the components read an unset
 * setting as undefined (`existingVpc === undefined`), and another language may send an unset one as null.
 * Outputs and resources are left as they are.
 */
export function withoutNulls(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return value;
    return Object.fromEntries(
        Object.entries(value)
            .filter(([, v]) => v !== null)
            .map(([k, v]) => [k, withoutNulls(v)]),
    );
}

/** `schema` with every documented property's default in its description, and `@secret` outputs marked secret. */
export function completeDescriptions(schema: PackageSchema, declarations: Map<string, DeclarationDoc | undefined>): PackageSchema {
    const describe = (properties: Record<string, SchemaProperty> | undefined, declaration: string | undefined, outputs: boolean) => {
        if (properties === undefined || declaration === undefined) return;
        const docs = allProperties(declarations, declaration);
        for (const [name, property] of Object.entries(properties)) {
            const doc = docs.get(name);
            if (doc === undefined) continue;
            property.description = propertyDescription(doc);
            if (outputs && doc.secret) property.secret = true;
        }
    };
    const prefix = `${schema.name}:index:`;
    for (const [token, resource] of Object.entries(schema.resources)) {
        const component = lookUp(declarations, token.slice(prefix.length));
        describe(resource.inputProperties, component?.argsType, false);
        describe(resource.properties, token.slice(prefix.length), true);
    }
    for (const [token, type] of Object.entries(schema.types)) {
        const name = token.slice(prefix.length);
        // Pulumi names the type of a `Partial<X>` property PartialX.
        const declaration =
            lookUp(declarations, name) ?? (name.startsWith("Partial") ? lookUp(declarations, name.slice("Partial".length)) : undefined);
        if (declaration === undefined) continue;
        if (declaration.comment !== "") type.description = declaration.comment;
        describe(type.properties, declarations.has(name) ? name : name.slice("Partial".length), false);
    }
    return schema;
}
