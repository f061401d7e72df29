// The offline runner lives in offline/ (the plan command uses it too); the tests keep importing it from here.
import * as path from "node:path";
import { ACCOUNT_ID } from "../offline/mocks";
import { REPO_ROOT, stackConfig } from "../offline/runner";

export * from "../offline/runner";

/** `shared/` sits beside the repository (in CI too: a fresh clone with shared/ next to it). */
export const SHARED = path.resolve(REPO_ROOT, "..", "shared");

/** NVIDIA's device plugin mirrored into the account's private ECR, in prod's region (README: GPU nodes). */
export const DEVICE_PLUGIN_MIRROR = `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/nvidia/k8s-device-plugin`;

/** Prod's `nodes` as its file has them. */
export const PROD_NODES: Record<string, unknown> = JSON.parse(stackConfig(path.join(REPO_ROOT, "Pulumi.prod.yaml"))["eks-karpenter:nodes"]);

/** Prod's `nodes` with the (opt-in) GPU pool turned on as the README says: `gpu` and the mirrored `devicePluginImage`. */
export const PROD_GPU_NODES = { ...PROD_NODES, gpu: true, devicePluginImage: { repository: DEVICE_PLUGIN_MIRROR } };
