/**
 * The part of JSON Schema (draft-07) the generated schemas use: the stack config's and the guardrails' options
 * (package/json-schema.ts generates them from documented interfaces). A type only, no imports.
 */

export interface JsonSchema {
    $schema?: string;
    $comment?: string;
    title?: string;
    description?: string;
    type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
    enum?: string[];
    items?: JsonSchema;
    properties?: Record<string, JsonSchema>;
    required?: string[];
    additionalProperties?: JsonSchema | false;
    minimum?: number;
    maximum?: number;
}
