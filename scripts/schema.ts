// `npm run schema`: prints the Pulumi package schema (JSON) that `pulumi package add` generates the C#,
// Python, Go and YAML SDKs from. Pulumi's own component provider builds it from the TypeScript sources:
// no Pulumi CLI, no cloud account.
import { packageSchema } from "../package/provider";

packageSchema().then(
    (schema) => process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`),
    (e: unknown) => {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 1;
    },
);
