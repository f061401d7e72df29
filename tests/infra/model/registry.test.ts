import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    DOCKER_HUB_REGISTRY,
    ecrRegistry,
    isPublicRegistry,
    publicEcrPath,
    registryOf,
    unreachableFromPrivateCluster,
} from "../../../infra/model/registry";

describe("an image reference's registry (Docker's rule, compared as a host)", () => {
    it("is the first part when that is a host, lower-cased and without its port", () => {
        assert.equal(registryOf("nvcr.io/nvidia/k8s-device-plugin"), "nvcr.io");
        assert.equal(registryOf("PUBLIC.ECR.AWS/karpenter/controller"), "public.ecr.aws");
        assert.equal(registryOf("public.ecr.aws:443/karpenter/controller"), "public.ecr.aws");
        assert.equal(registryOf("localhost/x"), "localhost");
        assert.equal(registryOf("LOCALHOST:5000/x"), "localhost");
        assert.equal(registryOf("mirror:5000/x"), "mirror");
    });

    it("is Docker Hub when the first part is not a host, there is only one part, or it is one of Docker Hub's names", () => {
        assert.equal(registryOf("nvidia/k8s-device-plugin"), DOCKER_HUB_REGISTRY);
        assert.equal(registryOf("busybox"), DOCKER_HUB_REGISTRY);
        for (const host of ["DOCKER.IO", "index.docker.io:443", "registry-1.docker.io", "registry.hub.docker.com"]) {
            assert.equal(registryOf(`${host}/library/busybox`), DOCKER_HUB_REGISTRY, host);
        }
        assert.equal(registryOf(""), undefined);
        assert.equal(registryOf(undefined), undefined);
    });

    it("is public when on the internet, whatever its spelling; a private host is not", () => {
        for (const reference of [
            "DOCKER.IO/x/y",
            "busybox",
            "public.ecr.aws:443/karpenter/controller",
            "nvcr.io/nvidia/k8s-device-plugin",
            "k8s.gcr.io/pause",
        ]) {
            assert.equal(isPublicRegistry(reference), true, reference);
        }
        // Negative controls: private ECR, a host of one's own, nothing.
        for (const reference of ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/x", "registry.corp.example/x", ""]) {
            assert.equal(isPublicRegistry(reference), false, reference);
        }
    });

    it("names the account and region of a private ECR registry, and none of another registry", () => {
        assert.deepEqual(ecrRegistry("123456789012.dkr.ecr.eu-west-1.amazonaws.com/x"), { accountId: "123456789012", region: "eu-west-1" });
        assert.equal(ecrRegistry("123456789012.DKR.ECR.EU-WEST-1.AMAZONAWS.COM:443/x")?.region, "eu-west-1");
        assert.equal(ecrRegistry("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/x")?.region, "us-gov-west-1");
        assert.equal(ecrRegistry("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/x")?.region, "cn-north-1");
        assert.equal(ecrRegistry("public.ecr.aws/x"), undefined);
        assert.equal(ecrRegistry("12345.dkr.ecr.eu-west-1.amazonaws.com/x"), undefined);
        // A bare host is a Docker Hub repository name by Docker's rule, not a registry.
        assert.equal(ecrRegistry("123456789012.dkr.ecr.eu-west-1.amazonaws.com"), undefined);
    });
});

describe("what a private cluster (a VPC without internet route) pulls from", () => {
    const ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/nvidia/k8s-device-plugin";

    it("private ECR in its region, and in its account when the stack names its accounts", () => {
        assert.equal(unreachableFromPrivateCluster(ecr, "eu-west-1"), undefined);
        assert.equal(unreachableFromPrivateCluster(ecr.toUpperCase().replace(".COM/", ".COM:443/"), "eu-west-1"), undefined);
        assert.equal(unreachableFromPrivateCluster(ecr, "eu-west-1", ["123456789012"]), undefined);
    });

    it("no public registry, no private ECR of another region or account, no other host, nothing unnamed", () => {
        for (const repository of [
            "nvcr.io/nvidia/k8s-device-plugin",
            "public.ecr.aws/karpenter/controller",
            "nvidia/k8s-device-plugin",
            "ghcr.io/x/y",
        ]) {
            assert.equal(unreachableFromPrivateCluster(repository, "eu-west-1"), "is on the internet", repository);
        }
        assert.equal(unreachableFromPrivateCluster("registry.corp.example/nvidia/k8s-device-plugin", "eu-west-1"), "is not private ECR");
        assert.equal(unreachableFromPrivateCluster("", "eu-west-1"), "is not set");
        assert.equal(unreachableFromPrivateCluster(undefined, "eu-west-1"), "is not set");
        assert.equal(unreachableFromPrivateCluster(ecr, "us-east-1"), "is private ECR of another region than us-east-1");
        assert.equal(
            unreachableFromPrivateCluster(ecr, "eu-west-1", ["210987654321"]),
            "is private ECR of another account than 210987654321",
        );
    });
});

describe("a region not known yet", () => {
    it("lets any region's private ECR pass, and still refuses the internet and other hosts", () => {
        assert.equal(unreachableFromPrivateCluster("123456789012.dkr.ecr.us-east-1.amazonaws.com/x", undefined), undefined);
        assert.equal(unreachableFromPrivateCluster("public.ecr.aws/x", undefined), "is on the internet");
        assert.equal(unreachableFromPrivateCluster("registry.corp.example/x", undefined), "is not private ECR");
    });
});

describe("publicEcrPath", () => {
    it("is the path of an ECR Public image inside ECR Public, its tag kept; undefined elsewhere", () => {
        assert.equal(
            publicEcrPath("public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300060.0b1248"),
            "cloudwatch-agent/cloudwatch-agent:1.300060.0b1248",
        );
        assert.equal(publicEcrPath("PUBLIC.ECR.AWS:443/karpenter/controller"), "karpenter/controller");
        assert.equal(publicEcrPath("docker.io/library/busybox"), undefined);
        assert.equal(publicEcrPath("123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/karpenter/controller"), undefined);
    });
});
