/**
 * The negative control of tests/offline/engine.test.ts, run in a process of its own: a program run the
 * way the tests ran them before the mock engine (setMocks and setAllConfig on the process's runtime
 * state, then waiting for the registrations and disconnecting). Prints, as JSON, what that left behind.
 */
import * as pulumi from "@pulumi/pulumi";
import { AwsMocks } from "../mocks";
import { changes, runtimeState } from "./runtime-state";

async function main(): Promise<void> {
    const before = runtimeState();
    await pulumi.runtime.setMocks(new AwsMocks("eu-west-1"), "eks-karpenter", "leak", true);
    pulumi.runtime.setAllConfig({ "eks-karpenter:probe": "one" });
    await pulumi.runtime.runInPulumiStack(async () => {
        new pulumi.ComponentResource("eks-karpenter:index:Probe", "probe");
    });
    await pulumi.runtime.disconnect();
    console.log(JSON.stringify(changes(before, runtimeState())));
}

void main();
