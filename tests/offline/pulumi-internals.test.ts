/**
 * The contract of offline/pulumi-internals.ts with @pulumi/pulumi: the installed SDK is the version the
 * internals were checked against (and package.json pins exactly that one), and each internal still does
 * what the engine relies on. A new SDK version fails here first, naming both versions.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
    CHECKED_SDK_VERSION,
    RegisterResourceRequest,
    assertCheckedSdk,
    inFreshRuntime,
    installedSdkVersion,
    observeMockMonitor,
} from "../../offline/pulumi-internals";
import { REPO_ROOT } from "../harness";

const ECHO: pulumi.runtime.Mocks = { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs };

/** Runs a component with a child inside a root stack on a fresh runtime, observing the mock monitor or not. */
async function rootStackRun(observe: boolean): Promise<{ urns: string[]; requests: string[] }> {
    return inFreshRuntime(async () => {
        await pulumi.runtime.setMocks(ECHO, "eks-karpenter", "dev");
        const requests: string[] = [];
        const urns: string[] = [];
        if (observe) {
            observeMockMonitor(pulumi.runtime.getMonitor(), (req: RegisterResourceRequest) => {
                requests.push(`${req.getType()} ${req.getName()} parent=${req.getParent()} remote=${req.getRemote()}`);
                return (resp) => resp && urns.push(resp.getUrn());
            });
        }
        let component: pulumi.ComponentResource | undefined;
        await pulumi.runtime.runInPulumiStack(async () => {
            component = new pulumi.ComponentResource("eks-karpenter:index:Probe", "probe");
            new pulumi.ComponentResource("eks-karpenter:index:ProbeChild", "child", {}, { parent: component });
        });
        await pulumi.runtime.disconnect();
        if (!observe) urns.push(await new Promise<string>((resolve) => component!.urn.apply(resolve)));
        return { urns, requests };
    });
}

describe("offline/pulumi-internals.ts against @pulumi/pulumi", () => {
    it(`is checked against the installed SDK (${CHECKED_SDK_VERSION}), which package.json pins exactly`, () => {
        assert.equal(installedSdkVersion(), CHECKED_SDK_VERSION);
        assertCheckedSdk();
        const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
        assert.equal(manifest.dependencies["@pulumi/pulumi"], CHECKED_SDK_VERSION, "an exact version, no range");
        const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8"));
        assert.equal(lock.packages[""].dependencies["@pulumi/pulumi"], CHECKED_SDK_VERSION);
        assert.equal(lock.packages["node_modules/@pulumi/pulumi"].version, CHECKED_SDK_VERSION);
    });

    it("negative control: another SDK version fails with a message naming both versions and what to re-check", () => {
        assert.throws(
            () => assertCheckedSdk("3.249.0"),
            /^Error: offline\/pulumi-internals\.ts was checked against @pulumi\/pulumi 3\.248\.0, but 3\.249\.0 is installed: re-read runtime\/state\.js \(withLocalStorage\) and runtime\/mocks\.js/,
        );
    });

    it("a fresh runtime keeps what a run sets to itself", async () => {
        const outside = pulumi.runtime.allConfig();
        const inside = await inFreshRuntime(async () => {
            pulumi.runtime.setAllConfig({ "eks-karpenter:probe": "inside" });
            await Promise.resolve();
            return pulumi.runtime.getConfig("eks-karpenter:probe");
        });
        assert.equal(inside, "inside", "the run sees its config, also after an await");
        assert.deepEqual(pulumi.runtime.allConfig(), outside);
        assert.equal(pulumi.runtime.getConfig("eks-karpenter:probe"), undefined);
    });

    it("the observed mock monitor reports each request (with its parent and remote flag) and answer, and names the root stack's children as the engine does", async () => {
        const { urns, requests } = await rootStackRun(true);
        const stack = "urn:pulumi:dev::eks-karpenter::pulumi:pulumi:Stack::eks-karpenter-dev";
        assert.deepEqual(requests, [
            "pulumi:pulumi:Stack eks-karpenter-dev parent= remote=false",
            `eks-karpenter:index:Probe probe parent=${stack} remote=false`,
            "eks-karpenter:index:ProbeChild child parent=urn:pulumi:dev::eks-karpenter::eks-karpenter:index:Probe::probe remote=false",
        ]);
        assert.deepEqual(urns, [
            stack,
            "urn:pulumi:dev::eks-karpenter::eks-karpenter:index:Probe::probe",
            "urn:pulumi:dev::eks-karpenter::eks-karpenter:index:Probe$eks-karpenter:index:ProbeChild::child",
        ]);
    });

    it("negative control: the mock monitor left alone puts the root stack in its children's URNs, which the engine does not", async () => {
        const { urns } = await rootStackRun(false);
        assert.deepEqual(urns, ["urn:pulumi:dev::eks-karpenter::pulumi:pulumi:Stack$eks-karpenter:index:Probe::probe"]);
    });

    it("refuses to observe what is not the SDK's mock monitor", () => {
        assert.throws(() => observeMockMonitor({}, () => () => undefined), /is not @pulumi\/pulumi 3\.248\.0's MockMonitor/);
    });
});
