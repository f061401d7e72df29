// `npm run -s schema`: prints the Pulumi package schema (JSON) that `pulumi package add` generates the C#,
// Python, Go and YAML SDKs from. Pulumi's own component provider builds it from the TypeScript sources:
// no Pulumi CLI, no cloud account. Only the JSON goes to stdout; progress goes to stderr (the analysis
// type-checks the whole project and takes 10 to 40 s).
import type { Io } from "../offline/plan";
import { COMPONENTS, EksKarpenterProvider } from "../package/provider";

const processIo: Io = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
};

/** Prints the schema `provider` builds; 0 when printed, 1 when it could not be built. */
export async function main(io: Io = processIo, provider = new EksKarpenterProvider()): Promise<number> {
    const started = process.hrtime.bigint();
    const seconds = () => (Number(process.hrtime.bigint() - started) / 1e9).toFixed(1);
    io.stderr(`schema: analysing the ${COMPONENTS.length} components' TypeScript sources with Pulumi's component analyzer (10 to 40 s)…\n`);
    // The analysis is one long synchronous type-check between awaits: a tick every few seconds shows it is alive.
    const ticker = setInterval(() => io.stderr(`schema: still analysing (${seconds()} s)…\n`), PROGRESS_SECONDS * 1000);
    ticker.unref();
    try {
        const schema = JSON.parse(await provider.getSchema()) as { resources: object; types: object };
        io.stderr(
            `schema: ${Object.keys(schema.resources).length} components and ${Object.keys(schema.types).length} types in ${seconds()} s\n`,
        );
        io.stdout(`${JSON.stringify(schema, null, 2)}\n`);
        return 0;
    } catch (e) {
        io.stderr(`schema: ${e instanceof Error ? e.message : String(e)}\n`);
        return 1;
    } finally {
        clearInterval(ticker);
    }
}

/** Seconds between progress lines while the schema is built. */
const PROGRESS_SECONDS = 5;

if (require.main === module) main().then((code) => (process.exitCode = code));
