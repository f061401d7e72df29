/**
 * What an API server would refuse in a Karpenter object, checked against the pinned CRDs
 * (reference/karpenter-1.9/crds): the OpenAPI v3 schema with ajv (structural defaults applied first, as
 * the API server does, unknown fields refused), and every CEL rule (`x-kubernetes-validations`) evaluated
 * at its schema location by a CEL engine (@bufbuild/cel, with CEL's strings extension and the Kubernetes
 * library functions the rules use). Transition rules (`oldSelf`) run on an update; a create is checked
 * as a create followed by a no-op update. A rule the engine cannot compile is reported, never skipped.
 */
import Ajv, { ValidateFunction } from "ajv";
import { CelResult, celEnv, celMethod, CelScalar, isCelError, parse, plan } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { RE2JS } from "@bufbuild/re2";

import { referenceData } from "../../harness";

type Json = any;

export const CRD_FOLDER = "karpenter-1.9/crds";
export const EC2_NODE_CLASS_CRD = "karpenter.k8s.aws_ec2nodeclasses.yaml";
export const NODE_POOL_CRD = "karpenter.sh_nodepools.yaml";
export const NODE_CLAIM_CRD = "karpenter.sh_nodeclaims.yaml";
/** The CRDs whose objects the library renders, or Karpenter makes from them (NodeClaims from NodePools). */
export const CRDS = [NODE_POOL_CRD, EC2_NODE_CLASS_CRD, NODE_CLAIM_CRD];

const schemas = new Map<string, Json>();
/** The `v1` OpenAPI schema of a CRD under reference/ (read when first needed, so a missing file fails only the tests using it). */
export function v1Schema(file: string): Json {
    if (!schemas.has(file)) {
        // A file of the pinned CRDs, or `karpenter-<minor>/crds/<file>` of another supported version.
        const crd = referenceData(file.includes("/") ? file : `${CRD_FOLDER}/${file}`);
        schemas.set(file, crd.spec.versions.find((v: Json) => v.name === "v1").schema.openAPIV3Schema);
    }
    return schemas.get(file);
}

/** Messages of every CEL rule in a schema, to check the negative controls quote the CRD. */
export function celMessages(schema: Json): string[] {
    if (schema === null || typeof schema !== "object") return [];
    const own = (schema["x-kubernetes-validations"] ?? []).map((r: Json) => r.message);
    return [...own, ...Object.values(schema).flatMap(celMessages)];
}

// ---------------------------------------------------------------------------------------------------
// CEL

/**
 * Kubernetes' CEL library functions (k8s.io/apiserver/pkg/cel/library) the rules use that CEL's standard
 * library and strings extension do not have. `<string>.find(<regex>)`: the first match of an RE2 regex,
 * or "" (library/regex.go). The pattern is compiled by RE2 (so what RE2 refuses is an error, as on the
 * API server); the match is located with the same pattern as a JavaScript regex, which finds the same
 * leftmost-first match for the syntax both accept.
 */
export const KUBERNETES_CEL_LIBRARY = [
    celMethod("find", CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (pattern: string) {
        RE2JS.compile(pattern);
        return new RegExp(pattern, "u").exec(this)?.[0] ?? "";
    }),
];

const env = celEnv({ funcs: [...strings, ...KUBERNETES_CEL_LIBRARY] });
/** Calls the planner implements itself (logic, conditional, index) rather than through the function table. */
const BUILT_IN = new Set(["_&&_", "_||_", "_?_:_", "_[_]", "@not_strictly_false"]);

/** Every function call of a parsed expression that has no overload with that receiver and arity. */
function unknownCalls(expr: Json): string[] {
    if (expr === null || typeof expr !== "object") return [];
    const found: string[] = [];
    if (expr.exprKind?.case === "callExpr") {
        const call = expr.exprKind.value;
        const method = call.target !== undefined;
        const arity = call.args.length;
        const overloads = [...(env.funcs.find(call.function) ?? [])];
        const ok =
            BUILT_IN.has(call.function) || overloads.some((f) => (f.target !== undefined) === method && f.arguments.length === arity);
        if (!ok) found.push(`${method ? "<receiver>." : ""}${call.function}/${arity}`);
    }
    for (const v of Object.values(expr)) if (v !== null && typeof v === "object") found.push(...unknownCalls(v));
    return found;
}

export type Program = (bindings: Record<string, unknown>) => CelResult;

/** Compiles a CEL expression: parsed, every function resolved, planned. Throws, saying why, if it cannot. */
export function compileCel(expression: string): Program {
    const parsed = parse(expression);
    const unknown = unknownCalls(parsed.expr);
    if (unknown.length > 0) throw new Error(`no such function in the CEL environment: ${[...new Set(unknown)].join(", ")}`);
    return plan(env, parsed) as Program;
}

/** One `x-kubernetes-validations` entry, where it sits in the schema, compiled. */
export interface CelRule {
    /** `<crd file> <schema path> <rule>`: unique per rule. */
    id: string;
    /** Schema path: `spec.template.spec.requirements[].key`, `[*]` for a map's values. */
    path: string;
    rule: string;
    message: string;
    /** It reads oldSelf: evaluated on updates only. */
    transition: boolean;
    run?: Program;
    messageExpression?: Program;
    /** Why it could not be compiled. */
    error?: string;
}

const compiled = new Map<string, CelRule[]>();

/** Every CEL rule of a CRD's v1 schema, each compiled (or with the reason it cannot be). */
export function celRules(file: string): CelRule[] {
    if (compiled.has(file)) return compiled.get(file)!;
    const rules: CelRule[] = [];
    const walk = (schema: Json, path: string) => {
        if (schema === null || typeof schema !== "object") return;
        for (const r of schema["x-kubernetes-validations"] ?? []) rules.push(compileRule(file, path, r));
        for (const [k, child] of Object.entries(schema.properties ?? {})) walk(child, path ? `${path}.${k}` : k);
        if (schema.items) walk(schema.items, `${path}[]`);
        if (typeof schema.additionalProperties === "object") walk(schema.additionalProperties, `${path}[*]`);
    };
    walk(v1Schema(file), "");
    compiled.set(file, rules);
    return rules;
}

function compileRule(file: string, path: string, r: Json): CelRule {
    const rule: CelRule = {
        id: `${file} ${path || "<root>"} ${r.rule}`,
        path,
        rule: r.rule,
        message: r.message ?? `failed rule: ${r.rule}`,
        transition: /\boldSelf\b/.test(r.rule),
    };
    try {
        // optionalOldSelf makes oldSelf an optional value, which this checker does not model.
        if (r.optionalOldSelf !== undefined) throw new Error("optionalOldSelf is not supported by this checker");
        rule.run = compileCel(r.rule);
        if (r.messageExpression !== undefined) rule.messageExpression = compileCel(r.messageExpression);
    } catch (e) {
        rule.error = (e as Error).message;
    }
    return rule;
}

/** The rules of a CRD that cannot be compiled, each with the reason. */
export function celCompileErrors(file: string): string[] {
    return celRules(file).flatMap((r) => (r.error ? [`${r.id}: ${r.error}`] : []));
}

/** A JSON value as CEL sees it under its schema: integers are CEL ints, the rest maps, lists, strings, bools, doubles. */
function celValue(schema: Json, value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => celValue(schema?.items, v));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value).map(([k, v]) => [
                k,
                celValue(
                    schema?.properties?.[k] ?? (typeof schema?.additionalProperties === "object" ? schema.additionalProperties : undefined),
                    v,
                ),
            ]),
        );
    }
    const integer = schema?.type === "integer" || schema?.["x-kubernetes-int-or-string"] === true;
    return typeof value === "number" && integer && Number.isInteger(value) ? BigInt(value) : value;
}

/** The old item an item of a list corresponds to on an update (list-type map by its keys, set by value); none for atomic lists. */
function correlatedItem(schema: Json, item: Json, oldList: Json): Json {
    if (!Array.isArray(oldList)) return undefined;
    const type = schema["x-kubernetes-list-type"];
    if (type === "set") return oldList.find((o) => JSON.stringify(o) === JSON.stringify(item));
    if (type === "map") {
        const keys: string[] = schema["x-kubernetes-list-map-keys"] ?? [];
        return oldList.find((o) => keys.every((k) => JSON.stringify(o?.[k]) === JSON.stringify(item?.[k])));
    }
    return undefined;
}

/** A rule's refusal: its message when it evaluates to false, `<path>: <error> evaluating rule: <message>` when it cannot be evaluated. */
export const refusedBy = (errors: string[], message: string) =>
    errors.some((e) => e === message || e.endsWith(`evaluating rule: ${message}`));

/** The result of checking one object: each failure (the rule's message), and the rules that ran. */
export interface CelCheck {
    errors: string[];
    evaluated: Set<string>;
}

/**
 * Evaluates every rule of a CRD where the object has a value: on a create when `old` is undefined
 * (transition rules do not run), else on an update from `old` (transition rules run where the old value
 * correlates: object fields, map keys, list-type map or set items).
 */
export function celCheck(file: string, object: Json, old?: Json): CelCheck {
    const byPath = new Map<string, CelRule[]>();
    for (const r of celRules(file)) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
    const errors: string[] = [];
    const evaluated = new Set<string>();
    const visit = (schema: Json, value: Json, oldValue: Json, path: string, at: string) => {
        if (value === undefined || value === null || schema === undefined) return;
        for (const r of byPath.get(path) ?? []) {
            if (r.transition && oldValue === undefined) continue;
            if (!r.run) {
                errors.push(`${at || "<root>"}: cannot compile ${JSON.stringify(r.rule)}: ${r.error}`);
                continue;
            }
            evaluated.add(r.id);
            const bindings = { self: celValue(schema, value), ...(r.transition ? { oldSelf: celValue(schema, oldValue) } : {}) };
            const result = r.run(bindings);
            // The API server refuses the object on an evaluation error too, in these words (apiextensions-apiserver's CEL validator).
            if (isCelError(result)) errors.push(`${at || "<root>"}: ${result.message} evaluating rule: ${r.message}`);
            else if (result !== true) {
                const custom = r.messageExpression?.(bindings);
                errors.push(typeof custom === "string" ? custom : r.message);
            }
        }
        if (Array.isArray(value) && schema.items) {
            value.forEach((item, i) => visit(schema.items, item, correlatedItem(schema, item, oldValue), `${path}[]`, `${at}[${i}]`));
        } else if (typeof value === "object") {
            for (const [k, child] of Object.entries(schema.properties ?? {}))
                visit(child, value[k], oldValue?.[k], path ? `${path}.${k}` : k, at ? `${at}.${k}` : k);
            if (typeof schema.additionalProperties === "object") {
                for (const k of Object.keys(value))
                    visit(schema.additionalProperties, value[k], oldValue?.[k], `${path}[*]`, `${at}[${k}]`);
            }
        }
    };
    visit(v1Schema(file), object, old, "", "");
    return { errors, evaluated };
}

// ---------------------------------------------------------------------------------------------------
// OpenAPI schema

/** The object with the schema's defaults filled in, as the API server does before it validates. */
export function withDefaults(schema: Json, value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => withDefaults(schema?.items, v));
    if (value === null || typeof value !== "object" || schema === undefined) return value;
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
        const child = schema.properties?.[k] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
        out[k] = withDefaults(child, v);
    }
    for (const [k, child] of Object.entries<Json>(schema.properties ?? {})) {
        if (out[k] === undefined && child.default !== undefined) out[k] = withDefaults(child, structuredClone(child.default));
    }
    return out;
}

/**
 * The schema with every object that lists its properties closed to others: the API server drops or
 * (with strict field validation) refuses unknown fields, so a misspelt field must fail here.
 */
function closed(schema: Json): Json {
    if (Array.isArray(schema)) return schema.map(closed);
    if (schema === null || typeof schema !== "object") return schema;
    const out: Json = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === "default" || k === "enum" ? v : closed(v)]));
    if (out.type === "object" && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
}

// strict: false lets ajv skip the Kubernetes keywords (x-kubernetes-*); formats (int64, date-time) are not checked.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, ValidateFunction>();

function schemaErrors(file: string, object: Json): string[] {
    if (!validators.has(file)) validators.set(file, ajv.compile(closed(v1Schema(file))));
    const validate = validators.get(file)!;
    return validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}

// ---------------------------------------------------------------------------------------------------
// The objects

/**
 * Everything the API server would refuse in an object of a CRD: defaults applied, the schema, every CEL
 * rule on create and on a no-op update (so transition rules run too).
 */
export function crdErrors(file: string, object: Json): string[] {
    const defaulted = withDefaults(v1Schema(file), object);
    const errors = [...schemaErrors(file, defaulted), ...celCheck(file, defaulted).errors, ...celCheck(file, defaulted, defaulted).errors];
    return [...new Set(errors)];
}

/** Everything the API server would refuse in an EC2NodeClass (of the pinned CRDs, or those in `folder`). */
export function ec2NodeClassErrors(object: Json, folder = CRD_FOLDER): string[] {
    return crdErrors(`${folder}/${EC2_NODE_CLASS_CRD}`, object);
}

/** Everything the API server would refuse in a NodePool, and in the NodeClaims Karpenter makes from it. */
export function nodePoolErrors(object: Json, folder = CRD_FOLDER): string[] {
    const errors = crdErrors(`${folder}/${NODE_POOL_CRD}`, object);
    // The CRD hangs the label-value pattern on the values array, where OpenAPI ignores it; the API
    // server's label validation still applies it to each value.
    for (const r of object.spec?.template?.spec?.requirements ?? []) {
        for (const v of r.values ?? []) {
            if (!(v.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)))
                errors.push(`invalid label value ${JSON.stringify(v)}`);
        }
    }
    return [...errors, ...crdErrors(`${folder}/${NODE_CLAIM_CRD}`, nodeClaimOf(object)).map((e) => `NodeClaim: ${e}`)];
}

/**
 * A NodeClaim as Karpenter makes one from a NodePool (karpenter's `NodePool.NodeClaimTemplate`): the
 * template's labels and spec, and a requirement pinning the pool's name.
 */
export function nodeClaimOf(nodePool: Json): Json {
    const template = nodePool.spec?.template ?? {};
    const name = nodePool.metadata?.name ?? "pool";
    return {
        apiVersion: "karpenter.sh/v1",
        kind: "NodeClaim",
        metadata: { name: `${name}-abcde`, labels: { ...(template.metadata?.labels ?? {}), "karpenter.sh/nodepool": name } },
        spec: {
            ...template.spec,
            requirements: [...(template.spec?.requirements ?? []), { key: "karpenter.sh/nodepool", operator: "In", values: [name] }],
        },
    };
}
