/**
 * The plugin's entry point (package.json `main`, which PulumiPlugin.yaml's nodejs runtime loads): when a
 * C#, Python, Go or YAML program uses the package, Pulumi starts this, and it serves the components over
 * Pulumi's provider protocol (`GetSchema` for `pulumi package add`, `Construct` for every component).
 * It exports nothing: a module exporting components would also be hosted by Pulumi's own component host.
 */
import { main } from "@pulumi/pulumi/provider";
import { EksKarpenterProvider } from "./provider";

void main(new EksKarpenterProvider(), process.argv.slice(2));
