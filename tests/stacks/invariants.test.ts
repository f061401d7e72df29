/**
 * Invariants checked on the settings the program will use (defaults resolved), each as a config override
 * run through the real stack program: it must stop before registering anything, with every error of the
 * stack file at once, each naming the config key as written in Pulumi.<stack>.yaml. Each case has a
 * passing neighbour (the negative control) so the check is shown to be the one refusing.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { parse, stringify } from "yaml";
import { ConfigError, ConfigErrors } from "../../infra/errors";
import { GuardrailError } from "../../infra/guardrails/enforce";
import { AWS_REGIONS } from "../../infra/model/regions";
import { EXIT, main } from "../../offline/plan";
import { checkGuardrails } from "../../offline/plan/guardrails";
import { REPO_ROOT, lastRegistrations, runProgram } from "../harness";

/** What the program threw, after checking it registered nothing. */
async function thrown(stack: string, overrides: Record<string, unknown | null>, configFile?: string): Promise<Error> {
    try {
        await runProgram(stack, overrides, configFile);
    } catch (e) {
        assert.deepEqual(
            lastRegistrations().map((r) => `${r.type} ${r.name}`),
            [],
            "nothing is half-created",
        );
        return e as Error;
    }
    assert.fail(`expected the ${stack} program to fail with ${JSON.stringify(overrides)}`);
}

/** The config errors the program threw (one or several), as `setting: message`. */
async function configErrors(stack: string, overrides: Record<string, unknown | null>, configFile?: string): Promise<ConfigError[]> {
    const e = await thrown(stack, overrides, configFile);
    assert.ok(e instanceof ConfigError, `a ConfigError, not ${String(e)}`);
    return e instanceof ConfigErrors ? [...e.errors] : [e];
}

/** Asserts one of the errors names `setting` and matches `allowed`. */
async function refuses(stack: string, overrides: Record<string, unknown | null>, setting: string, allowed: RegExp): Promise<void> {
    const errors = await configErrors(stack, overrides);
    assert.ok(
        errors.some((e) => e.setting === setting && allowed.test(e.allowed)),
        `expected ${setting} (${allowed}) among:\n${errors.map((e) => e.message).join("\n")}`,
    );
}

async function violations(stack: string, overrides: Record<string, unknown | null>): Promise<GuardrailError> {
    const e = await thrown(stack, overrides);
    assert.ok(e instanceof GuardrailError, `a GuardrailError, not ${String(e)}`);
    return e;
}

const passes = (stack: string, overrides: Record<string, unknown | null>) => runProgram(stack, overrides);

describe("a private cluster, on the resolved network", () => {
    test("public subnets are refused in prod (an internet gateway, NAT and 0.0.0.0/0 routes would follow)", async () => {
        await refuses(
            "prod",
            { network: { cidrBlock: "10.20.0.0/16", zoneCount: 3, publicSubnets: true } },
            "eks-karpenter:network.publicSubnets",
            /^false: in a private cluster nothing routes to the internet/,
        );
        // Control: the same in dev, which is not private.
        await passes("dev", { network: { cidrBlock: "10.10.0.0/16", zoneCount: 3, publicSubnets: true } });
    });

    test("a dev stack made private is checked on dev's resolved NAT gateway, not on what prod typed", async () => {
        await refuses(
            "dev",
            { privateCluster: true, endpointPublicAccess: false, publicAccessCidrs: null },
            "eks-karpenter:network.natGateways",
            /None/,
        );
        await passes("dev", {
            privateCluster: true,
            endpointPublicAccess: false,
            publicAccessCidrs: null,
            network: { cidrBlock: "10.10.0.0/16" },
        });
    });

    test("an adopted VPC's public subnets are refused", async () => {
        const existingVpc = { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] };
        await refuses(
            "prod",
            { network: { existingVpc: { ...existingVpc, publicSubnetIds: ["subnet-0123456789abcdef2"] } } },
            "eks-karpenter:network.existingVpc.publicSubnetIds",
            /^empty: in a private cluster/,
        );
    });
});

describe("prod's fixed settings", () => {
    test("the private cluster and the audit log cannot be turned off", async () => {
        await refuses("prod", { privateCluster: false }, "eks-karpenter:privateCluster", /^true in the prod environment$/);
        await refuses(
            "prod",
            { clusterLogTypes: ["api", "authenticator"] },
            "eks-karpenter:clusterLogTypes",
            /^a list including audit in the prod environment$/,
        );
        await passes("prod", { clusterLogTypes: ["audit"] });
    });
});

describe("the public API endpoint", () => {
    test("an empty CIDR list is refused (EKS would open it to 0.0.0.0/0)", async () => {
        await refuses("dev", { publicAccessCidrs: [] }, "eks-karpenter:publicAccessCidrs", /EKS opens an empty list to 0\.0\.0\.0\/0/);
    });

    test("in dev an open endpoint is written in the stack file, never a default", async () => {
        await refuses(
            "dev",
            { publicAccessCidrs: null },
            "eks-karpenter:publicAccessCidrs",
            /write \["0\.0\.0\.0\/0"\] to open it to the internet on purpose/,
        );
        await passes("dev", { publicAccessCidrs: ["203.0.113.0/24"] });
        await passes("dev", { publicAccessCidrs: null, endpointPublicAccess: false });
    });
});

describe("registries compared as registries", () => {
    for (const image of [
        "DOCKER.IO/karpenter/controller",
        "public.ecr.aws:443/karpenter/controller",
        "PUBLIC.ECR.AWS/karpenter/controller",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/x/karpenter/controller",
    ]) {
        test(`a private cluster refuses ${image}`, async () => {
            await refuses(
                "prod",
                { karpenter: { replicas: 2, imageRepository: image } },
                "eks-karpenter:karpenter.imageRepository",
                /private ECR in the stack's region eu-west-1/,
            );
        });
    }
    test("private ECR of the stack's region is accepted; of another account, when the stack names its accounts, refused", async () => {
        const mirror = "123456789012.DKR.ECR.EU-WEST-1.AMAZONAWS.COM:443/mirror/karpenter/controller";
        await passes("prod", { karpenter: { replicas: 2, imageRepository: mirror } });
        await refuses(
            "prod",
            { karpenter: { replicas: 2, imageRepository: mirror }, "aws:allowedAccountIds": ["210987654321"] },
            "eks-karpenter:karpenter.imageRepository",
            /and account \(210987654321\)/,
        );
    });
});

describe("the controller's requests", () => {
    const cases: [string, Record<string, string>, string][] = [
        ["zero CPU (BestEffort)", { cpu: "0", memory: "1Gi" }, "cpu"],
        ["zero memory, written as 0Mi", { cpu: "1", memory: "0Mi" }, "memory"],
        ["more CPU than Fargate's largest pod", { cpu: "17", memory: "1Gi" }, "cpu"],
        ["more memory than Fargate's largest pod", { cpu: "16", memory: "120Gi" }, "memory"],
    ];
    for (const [what, requests, resource] of cases) {
        test(`${what} is refused`, async () => {
            await refuses(
                "prod",
                { karpenter: { replicas: 2, requests } },
                `eks-karpenter:karpenter.requests.${resource}`,
                /more than zero and at most .*Fargate/,
            );
        });
    }
    test("Fargate's largest pod itself is accepted (16 vCPU, 120Gi less the 256Mi Fargate adds)", async () => {
        await passes("prod", { karpenter: { replicas: 2, requests: { cpu: "16000m", memory: "122624Mi" } } });
    });
});

describe("the containerd data volume", () => {
    test("is at least 20 GiB", async () => {
        await refuses("dev", { nodes: { dataVolume: { sizeGiB: 10 } } }, "eks-karpenter:nodes.dataVolume.sizeGiB", /at least 20 GiB/);
        await passes("dev", { nodes: { dataVolume: { sizeGiB: 20 } } });
    });
});

describe("the controller's namespace, service account and pod labels", () => {
    test("the default service account is refused", async () => {
        await refuses(
            "dev",
            { karpenter: { serviceAccountName: "default" } },
            "eks-karpenter:karpenter.serviceAccountName",
            /of the controller's own/,
        );
    });
    for (const namespace of ["kube-system", "default", "kube-public"]) {
        test(`namespace ${namespace}, which the program would own and delete, is refused`, async () => {
            await refuses("dev", { karpenter: { namespace } }, "eks-karpenter:karpenter.namespace", /a destroy deletes it/);
        });
    }
    test("invalid label keys and values, and the chart's selector labels, are refused", async () => {
        await refuses("dev", { karpenter: { podLabels: { "bad key": "x" } } }, "eks-karpenter:karpenter.podLabels", /a qualified name/);
        await refuses(
            "dev",
            { karpenter: { podLabels: { team: "x".repeat(64) } } },
            "eks-karpenter:karpenter.podLabels.team",
            /at most 63/,
        );
        await refuses(
            "dev",
            { karpenter: { podLabels: { "app.kubernetes.io/instance": "x" } } },
            "eks-karpenter:karpenter.podLabels",
            /selector is immutable/,
        );
        await passes("dev", { karpenter: { namespace: "platform", serviceAccountName: "controller", podLabels: { team: "platform" } } });
    });
});

describe("Spot capacity without interruption handling", () => {
    test("is a guardrail violation", async () => {
        const e = await violations("dev", { karpenter: { replicas: 2, interruptionHandling: false } });
        assert.deepEqual([...new Set(e.violations.map((v) => v.rule))], ["spot-interruption-handling"]);
        assert.match(e.message, /NodePool "arm64" allows Spot, but Karpenter release "dev-karpenter" has no interruption queue/);
    });
});

describe("Pod Identity associations", () => {
    const ROLE = "arn:aws:iam::123456789012:role/app";
    const association = (namespace: string, serviceAccount: string, roleArn = ROLE) => ({
        podIdentityAssociations: [{ namespace, serviceAccount, roleArn }],
    });
    test("one for a service account an add-on binds to its own role is refused", async () => {
        await refuses(
            "dev",
            association("kube-system", "ebs-csi-controller-sa"),
            "eks-karpenter:podIdentityAssociations[0].serviceAccount",
            /the aws-ebs-csi-driver add-on binds it/,
        );
    });
    test("each fault reported once, by one check: a config error stops the program before the guardrails that would see it too", async () => {
        // The EBS CSI controller's account is bound by its add-on and on Fargate: one error, not also no-pod-identity-on-fargate.
        const bound = await configErrors("dev", association("kube-system", "ebs-csi-controller-sa"));
        assert.deepEqual(
            bound.map((e) => e.setting),
            ["eks-karpenter:podIdentityAssociations[0].serviceAccount"],
        );
        // Two for one account: one error, not also unique-physical-identity.
        const twice = {
            podIdentityAssociations: [
                association("team-a", "app").podIdentityAssociations[0],
                association("team-a", "app", "arn:aws:iam::123456789012:role/other").podIdentityAssociations[0],
            ],
        };
        const dup = await configErrors("dev", twice);
        assert.deepEqual(
            dup.map((e) => [e.setting, e.allowed]),
            [["eks-karpenter:podIdentityAssociations[1].serviceAccount", "one association per service account (EKS refuses a second)"]],
        );
        // Control: the guardrail does report two associations of one account where no config check ran (the policy pack's view).
        const p = await passes("dev", association("team-a", "app"));
        const one = p.ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation")[0];
        const found = checkGuardrails([...p.resources, { ...one, name: "copy", urn: `${one.urn}-copy` }]).map((v) => v.rule);
        assert.deepEqual(found, ["unique-physical-identity"]);
    });

    test("one for CoreDNS on Fargate is a guardrail violation", async () => {
        const e = await violations("dev", association("kube-system", "coredns"));
        assert.match(e.message, /\[no-pod-identity-on-fargate\] .*kube-system\/coredns, whose pods run on Fargate/);
        // Control: CoreDNS on Karpenter's nodes can use one.
        await passes("dev", { ...association("kube-system", "coredns"), addons: { coreDns: { placement: "karpenter" } } });
    });
    test("role ARNs, namespaces and service-account names are validated", async () => {
        await refuses(
            "dev",
            association("team-a", "app", "arn:aws:iam::123456789012:user/app"),
            "eks-karpenter:podIdentityAssociations[0].roleArn",
            /an IAM role ARN/,
        );
        await refuses("dev", association("Team_A", "app"), "eks-karpenter:podIdentityAssociations[0].namespace", /DNS-1123 label/);
        await refuses(
            "dev",
            association("team-a", "App!"),
            "eks-karpenter:podIdentityAssociations[0].serviceAccount",
            /DNS-1123 subdomain/,
        );
        await passes("dev", association("team-a", "app"));
    });
});

describe("config keys and their namespace", () => {
    test("a near miss of the project's namespace is an error, not an ignored key", async () => {
        const errors = await configErrors("dev", { "eks_karpenter:budget": { limitAmount: 1 }, "eks-karpentr:clusterName": "x" });
        assert.deepEqual(
            errors.map((e) => e.setting),
            ["eks_karpenter:budget", "eks-karpentr:clusterName"],
        );
        assert.match(errors[0].allowed, /a key of this project's namespace: eks-karpenter:budget/);
        // Control: other providers' namespaces are not near misses.
        await passes("dev", { "kubernetes:context": "x" });
    });

    describe("keys without a namespace are the project's, as the Pulumi CLI reads them (the offline plan too)", () => {
        let dir: string;
        let file: string;
        before(() => {
            const yaml = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
            const config: Record<string, unknown> = {};
            for (const [k, v] of Object.entries(yaml.config as Record<string, unknown>)) config[k.replace(/^eks-karpenter:/, "")] = v;
            config.clusterName = "bare-key-cluster";
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "bare-keys-"));
            file = path.join(dir, "Pulumi.dev.yaml");
            fs.writeFileSync(file, stringify({ config }));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        test("the program reads them", async () => {
            const p = await runProgram("dev", {}, file);
            assert.equal(p.stack.config.clusterName, "bare-key-cluster");
            assert.equal(p.one("aws:budgets/budget:Budget").inputs.name, "bare-key-cluster-monthly-cost");
        });
    });
});

describe("the region", () => {
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
    const restore = () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    };
    after(restore);

    test("none set anywhere is an error (no silent default region)", async () => {
        delete process.env.AWS_REGION;
        delete process.env.AWS_DEFAULT_REGION;
        await refuses("dev", { "aws:region": null }, "aws:region", /set aws:region \(or AWS_REGION \/ AWS_DEFAULT_REGION\)/);
        process.env.AWS_DEFAULT_REGION = "eu-central-1";
        const p = await passes("dev", { "aws:region": null });
        assert.equal(p.region, "eu-central-1");
        restore();
    });

    test("a region that does not exist is an error", async () => {
        await refuses("dev", { "aws:region": "eu-west-9" }, "aws:region", /an AWS region: /);
        await refuses("dev", { "aws:region": "EU-WEST-1" }, "aws:region", /an AWS region: /);
    });

    test("the region list is the AWS provider's", () => {
        assert.deepEqual([...AWS_REGIONS].sort(), Object.values(aws.Region).sort());
    });
});

describe("every config error of a stack file in one run", () => {
    test("settings of different parts are reported together, each by its config key", async () => {
        const errors = await configErrors("dev", {
            kubernetesVersion: "1.3x",
            network: { cidrBlock: "10.0.0.0/33" },
            karpenter: { replicas: 0 },
            addons: { coreDns: { placement: "nodegroup" } },
            budget: { limitAmount: -1 },
            tags: { "aws:owner": "me" },
        });
        assert.deepEqual(
            errors.map((e) => e.setting),
            [
                "eks-karpenter:kubernetesVersion",
                "eks-karpenter:network.cidrBlock",
                "eks-karpenter:karpenter.replicas",
                "eks-karpenter:tags",
                "eks-karpenter:addons.coreDns.placement",
                "eks-karpenter:budget.limitAmount",
            ],
        );
        const e = await thrown("dev", { kubernetesVersion: "1.3x", karpenter: { replicas: 0 } });
        assert.match(
            e.message,
            /^2 config errors:\n- eks-karpenter:kubernetesVersion: "1\.3x" is not valid; .*\n- eks-karpenter:karpenter\.replicas: 0 is not valid; /,
        );
    });

    test("the cluster's access and network settings are checked independently, each named by its config key", async () => {
        const errors = await configErrors("prod", {
            deployerCidrs: ["10.0.0.0/33"],
            deployerSecurityGroupIds: ["sg-xyz"],
            supportType: "LONG",
            accessEntries: [{ principalArn: "arn:aws:iam::123456789012:role/admin", policy: "owner" }],
        });
        assert.deepEqual(
            errors.map((e) => e.setting),
            [
                "eks-karpenter:supportType",
                "eks-karpenter:deployerCidrs",
                "eks-karpenter:deployerSecurityGroupIds",
                "eks-karpenter:accessEntries[0].policy",
            ],
        );
        // Control: each alone is the only error (none of them hides or causes another).
        for (const [key, value] of [
            ["deployerCidrs", ["10.0.0.0/33"]],
            ["supportType", "LONG"],
        ] as const) {
            assert.deepEqual(
                (await configErrors("prod", { [key]: value })).map((e) => e.setting),
                [`eks-karpenter:${key}`],
            );
        }
        await passes("prod", {
            deployerCidrs: ["10.0.0.0/16"],
            deployerSecurityGroupIds: ["sg-0123456789abcdef0"],
            supportType: "STANDARD",
        });
    });

    test("no creator admin without a cluster-wide cluster-admin entry names bootstrapClusterCreatorAdminPermissions", async () => {
        const entry = (policy: string) => ({ principalArn: "arn:aws:iam::123456789012:role/admin", policy });
        await refuses(
            "dev",
            { bootstrapClusterCreatorAdminPermissions: false, accessEntries: [entry("admin")] },
            "eks-karpenter:bootstrapClusterCreatorAdminPermissions",
            /^true unless accessEntries has a cluster-wide cluster-admin/,
        );
        await passes("dev", { bootstrapClusterCreatorAdminPermissions: false, accessEntries: [entry("cluster-admin")] });
    });

    test("type errors are reported together too", async () => {
        const errors = await configErrors("dev", { karpenter: { replica: 2, createSpotServiceLinkedRole: "yes" }, nodes: { gpu: "yes" } });
        assert.deepEqual(errors.map((e) => e.setting).sort(), [
            "eks-karpenter:karpenter.createSpotServiceLinkedRole",
            "eks-karpenter:karpenter.replica",
            "eks-karpenter:nodes.gpu",
        ]);
    });

    describe("a YAML syntax error", () => {
        let dir: string;
        let file: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-yaml-"));
            file = path.join(dir, "Pulumi.dev.yaml");
            fs.writeFileSync(file, "config:\n  aws:region: eu-west-1\n  eks-karpenter:clusterName: [unclosed\n");
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        test("is reported with the file and line; the plan exits 2 (config error), not 1 (guardrail violation)", async () => {
            const e = await thrown("dev", {}, file);
            assert.ok(e instanceof ConfigError);
            assert.match(e.setting, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:4:1$`));
            const out = { stdout: "", stderr: "" };
            const code = await main(["--stack", "dev", "--config-file", file], {
                stdout: (t) => void (out.stdout += t),
                stderr: (t) => void (out.stderr += t),
            });
            assert.equal(code, EXIT.notPlanned);
            assert.notEqual(EXIT.notPlanned, EXIT.violations);
            assert.match(out.stderr, /Pulumi\.dev\.yaml:4:1: .*YAML: /);
        });
    });
});

describe("AWS's limits, up front", () => {
    test("tag keys starting with aws:, more than 40 of the user's tags, values over 256 characters", async () => {
        await refuses("dev", { tags: { "AWS:team": "x" } }, "eks-karpenter:tags", /not starting with aws:/);
        const many = Object.fromEntries(Array.from({ length: 39 }, (_, i) => [`t${i}`, "x"]));
        await refuses("dev", { tags: many }, "eks-karpenter:tags", /at most 40 tags, environment and managed-by included/);
        await passes("dev", { tags: Object.fromEntries(Object.entries(many).slice(1)) });
        await refuses("dev", { tags: { team: "x".repeat(257) } }, "eks-karpenter:tags.team", /at most 256 characters/);
    });

    test("a budget name over AWS Budgets' 100 characters names the cluster name it comes from", async () => {
        await refuses("dev", { clusterName: "c".repeat(90) }, "eks-karpenter:clusterName", /1 to 100 characters/);
        await passes("dev", { clusterName: "c".repeat(87) });
    });
});
