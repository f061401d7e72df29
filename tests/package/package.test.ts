// The multi-language package's tests, in one process so that the schema is built once (package-schema.ts).
import "./schema-contract";
import "./examples";
