import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    checkCachePrefix,
    checkControllerImage,
    KARPENTER_IMAGE_PATH,
    pullThroughCachePolicy,
    pullThroughCacheRepository,
} from "../../../infra/network/image";

const cache = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/karpenter/controller";

describe("checkControllerImage", () => {
    it("refuses a private cluster on a registry outside its reach, compared as a registry (case, port, Docker Hub's names)", () => {
        for (const repository of [
            undefined,
            "",
            "public.ecr.aws/karpenter/controller",
            "PUBLIC.ECR.AWS/karpenter/controller",
            "public.ecr.aws:443/karpenter/controller",
            "DOCKER.IO/karpenter/controller",
            "index.docker.io:443/karpenter/controller",
            "karpenter/controller",
            // Private ECR, but another region: the VPC's ecr.dkr endpoint serves its own region only.
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecr-public/karpenter/controller",
            "registry.internal.example.com/karpenter/controller",
        ]) {
            assert.throws(
                () => checkControllerImage(true, repository, "eu-west-1"),
                (e: Error) => {
                    assert.equal(e.name, "ConfigError");
                    assert.match(e.message, /^karpenter\.imageRepository: /);
                    assert.match(
                        e.message,
                        /in a private cluster, a registry the VPC reaches through its ecr\.dkr endpoint: private ECR in the stack's region eu-west-1, such as 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ecr-public\/karpenter\/controller/,
                    );
                    return true;
                },
                String(repository),
            );
        }
        assert.throws(() => checkControllerImage(true, undefined, "eu-west-1"), /karpenter\.imageRepository: \(missing\) is not valid/);
        assert.throws(() => checkControllerImage(true, "DOCKER.IO/karpenter/controller", "eu-west-1"), /; docker\.io is on the internet$/);
        // Another account, when the stack names its accounts (aws:allowedAccountIds).
        assert.throws(() => checkControllerImage(true, cache, "eu-west-1", ["210987654321"]), /and account \(210987654321\)/);
    });

    it("refuses other internet registries (Docker Hub, also when implied), and private ECR of another region", () => {
        for (const repository of [
            "karpenter/controller",
            "docker.io/karpenter/controller",
            "ghcr.io/x/controller",
            "nvcr.io/x/controller",
            cache.replace("eu-west-1", "us-east-1"),
        ]) {
            assert.throws(
                () => checkControllerImage(true, repository, "eu-west-1"),
                /^ConfigError: karpenter\.imageRepository: /,
                repository,
            );
        }
        // Negative control: the cluster's region's ECR, and the example names that region.
        checkControllerImage(true, cache.replace("eu-west-1", "us-east-1"), "us-east-1");
        assert.throws(
            () => checkControllerImage(true, undefined, "us-east-1"),
            /such as 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\//,
        );
    });

    it("accepts private ECR of the stack's region (and account), and anything outside a private cluster", () => {
        checkControllerImage(true, cache, "eu-west-1");
        checkControllerImage(
            true,
            cache.toUpperCase().replace("/ECR-PUBLIC/KARPENTER/CONTROLLER", "/ecr-public/karpenter/controller"),
            "eu-west-1",
        );
        checkControllerImage(true, cache, "eu-west-1", ["123456789012"]);
        checkControllerImage(false, undefined, "eu-west-1");
        checkControllerImage(false, "public.ecr.aws/karpenter/controller", "eu-west-1");
    });
});

describe("the ECR pull-through cache", () => {
    it("serves Karpenter's controller under <account>.dkr.ecr.<region>.<dnsSuffix>/<prefix>/karpenter/controller", () => {
        assert.equal(KARPENTER_IMAGE_PATH, "karpenter/controller");
        assert.equal(
            pullThroughCacheRepository({ accountId: "123456789012", region: "eu-west-1", dnsSuffix: "amazonaws.com" }, "ecr-public"),
            cache,
        );
        assert.equal(
            pullThroughCacheRepository({ accountId: "123456789012", region: "cn-north-1", dnsSuffix: "amazonaws.com.cn" }, "mirror"),
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/mirror/karpenter/controller",
        );
    });

    it("lets pullers import into the cache's repositories only", () => {
        assert.deepEqual(pullThroughCachePolicy({ partition: "aws", accountId: "123456789012", region: "eu-west-1" }, "ecr-public"), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "PullThroughCacheImport",
                    Effect: "Allow",
                    Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
                    Resource: "arn:aws:ecr:eu-west-1:123456789012:repository/ecr-public/*",
                },
            ],
        });
    });

    it("checks the repository prefix as ECR does", () => {
        checkCachePrefix("ecr-public");
        for (const bad of ["e", "Ecr", "ecr--public", "-ecr", "a".repeat(31), "ecr/public"]) {
            assert.throws(
                () => checkCachePrefix(bad),
                /PublicEcrPullThroughCache\.repositoryPrefix: .* is not valid; 2 to 30 lower-case letters/,
            );
        }
    });
});
