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
    it("refuses a private cluster on Karpenter's public image, set or left to the default", () => {
        for (const repository of [undefined, "", "public.ecr.aws/karpenter/controller", "PUBLIC.ECR.AWS/karpenter/controller"]) {
            assert.throws(() => checkControllerImage(true, repository), (e: Error) => {
                assert.equal(e.name, "ConfigError");
                assert.match(e.message, /^karpenter\.imageRepository: /);
                assert.match(e.message, /in a private cluster, a registry the VPC reaches: a private ECR repository in the cluster's region such as 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ecr-public\/karpenter\/controller/);
                return true;
            });
        }
        assert.throws(() => checkControllerImage(true, undefined), /karpenter\.imageRepository: \(missing\) is not valid/);
    });

    it("refuses other internet registries (Docker Hub, also when implied), and private ECR of another region", () => {
        for (const repository of ["karpenter/controller", "docker.io/karpenter/controller", "ghcr.io/x/controller", "nvcr.io/x/controller", cache.replace("eu-west-1", "us-east-1")]) {
            assert.throws(() => checkControllerImage(true, repository, "eu-west-1"), /^ConfigError: karpenter\.imageRepository: /, repository);
        }
        // Negative control: the cluster's region's ECR, and the example names that region.
        checkControllerImage(true, cache.replace("eu-west-1", "us-east-1"), "us-east-1");
        assert.throws(() => checkControllerImage(true, undefined, "us-east-1"), /such as 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\//);
    });

    it("accepts a private registry, and anything outside a private cluster", () => {
        checkControllerImage(true, cache, "eu-west-1");
        checkControllerImage(true, "localhost:5000/karpenter/controller", "eu-west-1");
        checkControllerImage(true, "registry.internal.example.com/karpenter/controller");
        checkControllerImage(false, undefined);
        checkControllerImage(false, "public.ecr.aws/karpenter/controller");
    });
});

describe("the ECR pull-through cache", () => {
    it("serves Karpenter's controller under <account>.dkr.ecr.<region>.<dnsSuffix>/<prefix>/karpenter/controller", () => {
        assert.equal(KARPENTER_IMAGE_PATH, "karpenter/controller");
        assert.equal(pullThroughCacheRepository({ accountId: "123456789012", region: "eu-west-1", dnsSuffix: "amazonaws.com" }, "ecr-public"), cache);
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
            assert.throws(() => checkCachePrefix(bad), /PublicEcrPullThroughCache\.repositoryPrefix: .* is not valid; 2 to 30 lower-case letters/);
        }
    });
});
