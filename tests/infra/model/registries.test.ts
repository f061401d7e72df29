import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DOCKER_HUB_REGISTRY, imageRegistry, privateEcrRegion, reachableWithoutInternet } from "../../../infra/model/registries";

describe("an image repository's registry (Docker's rule)", () => {
    it("is the first part when that is a host, lower-cased", () => {
        assert.equal(imageRegistry("nvcr.io/nvidia/k8s-device-plugin"), "nvcr.io");
        assert.equal(imageRegistry("PUBLIC.ECR.AWS/karpenter/controller"), "public.ecr.aws");
        assert.equal(imageRegistry("localhost/x"), "localhost");
        assert.equal(imageRegistry("mirror:5000/x"), "mirror:5000");
    });

    it("is Docker Hub when the first part is not a host, or there is only one part", () => {
        assert.equal(imageRegistry("nvidia/k8s-device-plugin"), DOCKER_HUB_REGISTRY);
        assert.equal(imageRegistry("busybox"), DOCKER_HUB_REGISTRY);
        assert.equal(imageRegistry(""), undefined);
        assert.equal(imageRegistry(undefined), undefined);
    });

    it("names the region of a private ECR registry, and none of another registry", () => {
        assert.equal(privateEcrRegion("123456789012.dkr.ecr.eu-west-1.amazonaws.com"), "eu-west-1");
        assert.equal(privateEcrRegion("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com"), "us-gov-west-1");
        assert.equal(privateEcrRegion("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"), "cn-north-1");
        assert.equal(privateEcrRegion("public.ecr.aws"), undefined);
        assert.equal(privateEcrRegion("12345.dkr.ecr.eu-west-1.amazonaws.com"), undefined);
    });
});

describe("what a VPC without internet egress reaches", () => {
    const ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/nvidia/k8s-device-plugin";

    it("private ECR in its region, and a declared mirror", () => {
        assert.equal(reachableWithoutInternet(ecr, "eu-west-1"), true);
        assert.equal(reachableWithoutInternet("registry.corp.example/nvidia/k8s-device-plugin", "eu-west-1"), true);
    });

    it("no public registry, no private ECR of another region, nothing unnamed", () => {
        for (const repository of ["nvcr.io/nvidia/k8s-device-plugin", "public.ecr.aws/karpenter/controller", "nvidia/k8s-device-plugin", "ghcr.io/x/y", "", undefined]) {
            assert.equal(reachableWithoutInternet(repository, "eu-west-1"), false, String(repository));
        }
        assert.equal(reachableWithoutInternet(ecr, "us-east-1"), false);
    });
});
