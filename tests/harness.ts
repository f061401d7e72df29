// The offline runner lives in offline/ (the plan command uses it too); the tests keep importing it from here.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ACCOUNT_ID } from "../offline/mocks";
import { REPO_ROOT, Registered, stackConfig } from "../offline/runner";

export * from "../offline/runner";

/** Upstream data the tests compare with, kept in the repository: one folder per upstream and version. */
export const REFERENCE = path.join(REPO_ROOT, "reference");

/**
 * The text of a file under reference/. Call it inside a test (not at import): a missing file then fails
 * the tests that need it, each naming the file, instead of taking every file of its process down.
 */
export function referenceText(relative: string): string {
    const file = path.join(REFERENCE, relative);
    if (!fs.existsSync(file)) {
        const folder = relative.split("/")[0];
        throw new Error(
            `reference/${relative} is missing: upstream data the tests compare with, kept in the repository (reference/${folder}/README.md says where it comes from)`,
        );
    }
    return fs.readFileSync(file, "utf8");
}

/** A YAML or JSON file under reference/, parsed (see referenceText). */
export function referenceData(relative: string): any {
    return parse(referenceText(relative));
}

/** NVIDIA's device plugin mirrored into the account's private ECR, in prod's region (README: GPU nodes). */
export const DEVICE_PLUGIN_MIRROR = `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/nvidia/k8s-device-plugin`;

/** Dev's `nodes` as its file has them. */
export const DEV_NODES: Record<string, unknown> = JSON.parse(stackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml"))["eks-karpenter:nodes"]);

/** Prod's `nodes` as its file has them. */
export const PROD_NODES: Record<string, unknown> = JSON.parse(stackConfig(path.join(REPO_ROOT, "Pulumi.prod.yaml"))["eks-karpenter:nodes"]);

/** Prod's `nodes` with the (opt-in) GPU pool turned on as the README says: `gpu` and the mirrored `devicePluginImage`. */
export const PROD_GPU_NODES = { ...PROD_NODES, gpu: true, devicePluginImage: { repository: DEVICE_PLUGIN_MIRROR } };

/**
 * The error a program run fails with (the engine rejects once the registrations it started, its
 * components, have settled). Fails when the run succeeds.
 */
export async function failure(run: Promise<unknown>): Promise<unknown> {
    return run.then(
        () => assert.fail("the program ran"),
        (e: unknown) => e,
    );
}

/**
 * A registered workload (Deployment, DaemonSet...) with its pod template's spec changed by `change`: how a
 * negative control puts back a pod spec the program no longer renders.
 */
export function withPodSpec(r: Registered, change: (spec: Record<string, any>) => Record<string, any>): Registered {
    const template = r.inputs.spec.template;
    return { ...r, inputs: { ...r.inputs, spec: { ...r.inputs.spec, template: { ...template, spec: change(template.spec) } } } };
}
