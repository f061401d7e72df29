import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_KARPENTER_VERSION, KARPENTER_VERSIONS, VERSIONS } from "../../infra/model/versions";

/** The Karpenter version a stack gets when its config names none. */
const PINNED = KARPENTER_VERSIONS[DEFAULT_KARPENTER_VERSION];
import { ACCOUNT_ID } from "../mocks";
import { lastRegistrations, runProgram } from "../harness";

/** The controller image the stack's Karpenter release asks the chart for. */
async function imageOf(stack: "dev" | "prod", karpenter: Record<string, unknown>) {
    const p = await runProgram(stack, { karpenter });
    return p.one("kubernetes:helm.sh/v3:Release", `${stack}-karpenter`).inputs.values.controller.image;
}

/**
 * The image reference the chart renders from these values (`karpenter.controller.image` in its
 * templates/_helpers.tpl): `repository:tag@digest`, or `repository:tag` when the digest is empty.
 */
function reference(image: { repository: string; tag: string; digest: string }): string {
    return image.digest ? `${image.repository}:${image.tag}@${image.digest}` : `${image.repository}:${image.tag}`;
}

const DIGEST = `sha256:${"c".repeat(64)}`;

describe("karpenter.imageTag / imageDigest apply with or without karpenter.imageRepository", () => {
    test("nothing set: the public image at the pinned tag and digest, spelled out", async () => {
        const image = await imageOf("dev", {});
        assert.equal(reference(image), `${VERSIONS.karpenterImageRepository}:${PINNED.image.tag}@${PINNED.image.digest}`);
    });

    test("a tag alone overrides the default image's tag, and drops the pinned digest (it is the pinned tag's)", async () => {
        const image = await imageOf("dev", { imageTag: "1.9.1" });
        // The digest is sent as "" (not left out): Helm would otherwise keep the chart's digest of 1.9.0.
        assert.deepEqual(image, { repository: VERSIONS.karpenterImageRepository, tag: "1.9.1", digest: "" });
        assert.equal(reference(image), `${VERSIONS.karpenterImageRepository}:1.9.1`);
    });

    test("a tag and its digest, without a repository", async () => {
        const image = await imageOf("dev", { imageTag: "1.9.1", imageDigest: DIGEST });
        assert.equal(reference(image), `${VERSIONS.karpenterImageRepository}:1.9.1@${DIGEST}`);
    });

    test("a digest alone pins the pinned tag to that digest", async () => {
        const image = await imageOf("dev", { imageDigest: DIGEST });
        assert.equal(reference(image), `${VERSIONS.karpenterImageRepository}:${PINNED.image.tag}@${DIGEST}`);
    });

    test("through prod's pull-through cache, the tag asked for applies too", async () => {
        const image = await imageOf("prod", { replicas: 2, imageTag: "1.9.1" });
        assert.equal(reference(image), `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/karpenter/controller:1.9.1`);
    });

    test("a malformed tag stops the program before anything is registered, naming the setting", async () => {
        await assert.rejects(
            runProgram("dev", { karpenter: { imageTag: "1.9.1@sha256:x" } }),
            /^ConfigError: eks-karpenter:karpenter\.imageTag: "1\.9\.1@sha256:x" is not valid; an image tag/,
        );
        assert.deepEqual(lastRegistrations(), []);
    });
});
