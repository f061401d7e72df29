import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_OPTIONS, ResourceDescription, TYPES, UNKNOWN, runRule } from "../../../infra/guardrails";
import { privateClusterEndpoints, privateClusterImages } from "../../../infra/guardrails/private-cluster";
import { endpointService } from "../../../infra/model/endpoints";
import { karpenterRelease, messages, vpcEndpoints } from "./fixtures";

const ALL = ["ec2", "ecr.api", "ecr.dkr", "s3", "sts", "ssm", "eks", "sqs"];
const privateRelease = (settings: Record<string, unknown> = {}, controller: Record<string, unknown> = {}) =>
    karpenterRelease({ settings: { clusterName: "eks", isolatedVPC: true, interruptionQueue: "eks-karpenter", ...settings }, controller });

describe("endpointService", () => {
    it("reads the service from commercial, China and GovCloud endpoint names", () => {
        assert.equal(endpointService("com.amazonaws.eu-west-1.ecr.dkr"), "ecr.dkr");
        assert.equal(endpointService("cn.com.amazonaws.cn-north-1.sts"), "sts");
        assert.equal(endpointService("com.amazonaws.us-gov-west-1.ssm"), "ssm");
        assert.equal(endpointService("com.amazonaws.vpce.eu-west-1.vpce-svc-0123"), undefined);
    });
});

describe("rule private-cluster-endpoints", () => {
    it("accepts a private cluster with every endpoint, and a cluster that is not private", () => {
        assert.deepEqual(messages(privateClusterEndpoints, [privateRelease(), ...vpcEndpoints(...ALL)]), []);
        assert.deepEqual(messages(privateClusterEndpoints, [karpenterRelease({ settings: { isolatedVPC: false } })]), []);
    });

    it("refuses missing endpoints, naming each with what needs it", () => {
        const [message, ...rest] = messages(privateClusterEndpoints, [
            privateRelease(),
            ...vpcEndpoints("ec2", "ecr.api", "ecr.dkr", "s3", "ssm", "eks"),
        ]);
        assert.equal(rest.length, 0);
        assert.match(
            message,
            /^Karpenter release "karpenter" runs in a private cluster \(settings\.isolatedVPC\) without VPC endpoints for sts \(the controller exchanges its IRSA token for credentials \(AssumeRoleWithWebIdentity\)\), sqs \(Karpenter reads interruption events from its SQS queue\)\. /,
        );
        assert.match(message, /Why: With no route to public endpoints, a missing endpoint is a call that times out/);
        assert.match(message, /Fix: Create the missing aws\.ec2\.VpcEndpoint resources/);
    });

    it("needs sqs only with interruption handling, and counts endpoints another stack provides", () => {
        const noSqs = ALL.filter((s) => s !== "sqs");
        assert.deepEqual(messages(privateClusterEndpoints, [privateRelease({ interruptionQueue: "" }), ...vpcEndpoints(...noSqs)]), []);
        assert.equal(
            messages(privateClusterEndpoints, [privateRelease({ interruptionQueue: UNKNOWN }), ...vpcEndpoints(...noSqs)]).length,
            1,
        );
        assert.deepEqual(messages(privateClusterEndpoints, [privateRelease()], { externalVpcEndpoints: ALL }), []);
    });

    it("waits while an endpoint's service is not known", () => {
        const pending = { type: TYPES.vpcEndpoint, name: "pending", inputs: { serviceName: UNKNOWN } };
        assert.deepEqual(messages(privateClusterEndpoints, [privateRelease(), pending]), []);
    });
});

describe("rule private-cluster-images", () => {
    const ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    const inRegion = (controller: Record<string, unknown> = {}) => ({ env: [{ name: "AWS_REGION", value: "eu-west-1" }], ...controller });
    const mirrored = (cluster?: string) => ({
        ...privateRelease({}, inRegion({ image: { repository: `${ECR}/ecr-public/karpenter/controller`, tag: "1.9.0" } })),
        ...(cluster ? { cluster } : {}),
    });
    const workload = (type: string, podSpec: Record<string, unknown>, cluster?: string): ResourceDescription => {
        const template = { metadata: { labels: { app: "agent" } }, spec: podSpec };
        const spec =
            type === TYPES.pod
                ? podSpec
                : type === TYPES.cronJob
                  ? { schedule: "@hourly", jobTemplate: { spec: { template } } }
                  : { selector: { matchLabels: { app: "agent" } }, template };
        return { type, name: "agent", inputs: { metadata: { name: "agent", namespace: "ops" }, spec }, ...(cluster ? { cluster } : {}) };
    };
    const withInit = (image: unknown) => ({
        initContainers: [{ name: "setup", image }],
        containers: [{ name: "agent", image: `${ECR}/ops/agent:1` }],
    });

    it("a public image in a DaemonSet's initContainer is reported in a private cluster, and not in a cluster that is not private", () => {
        const daemonSet = workload(TYPES.daemonSet, withInit("busybox:1.36"));
        const [message, ...rest] = messages(privateClusterImages, [mirrored(), daemonSet]);
        assert.equal(rest.length, 0);
        assert.match(
            message,
            /^DaemonSet "ops\/agent" runs in a private cluster \(Karpenter release "karpenter" sets settings\.isolatedVPC\) but pulls spec\.template\.spec\.initContainers\[0\] \(setup\) from busybox:1\.36: docker\.io is on the internet\. /,
        );
        assert.match(message, /Why: A private cluster's nodes and Fargate pods reach no public registry/);
        assert.match(message, /Fix: Pull ECR Public images through an ECR pull-through cache/);
        // Negative control: the same DaemonSet beside a Karpenter release that is not isolated.
        assert.deepEqual(messages(privateClusterImages, [karpenterRelease({ settings: { isolatedVPC: false } }), daemonSet]), []);
        assert.deepEqual(messages(privateClusterImages, [daemonSet]), []);
    });

    it("reads the pod template of every workload kind, and every container list", () => {
        const spec = {
            containers: [{ name: "app", image: "public.ecr.aws/x/app:1" }],
            ephemeralContainers: [{ name: "debug", image: "quay.io/x/debug:1" }],
        };
        for (const type of [TYPES.deployment, TYPES.daemonSet, TYPES.statefulSet, TYPES.replicaSet, TYPES.job, TYPES.cronJob, TYPES.pod]) {
            const found = messages(privateClusterImages, [mirrored(), workload(type, spec)]);
            assert.equal(found.length, 2, type);
            assert.match(found[0], /containers\[0\] \(app\) from public\.ecr\.aws\/x\/app:1: public\.ecr\.aws is on the internet/, type);
            assert.match(found[1], /ephemeralContainers\[0\] \(debug\) from quay\.io\/x\/debug:1: quay\.io is on the internet/, type);
        }
    });

    it("accepts private ECR of the cluster's region; refuses another region's, another registry, and waits on unknown images", () => {
        assert.deepEqual(messages(privateClusterImages, [mirrored(), workload(TYPES.daemonSet, withInit(`${ECR}/ops/setup:1`))]), []);
        const [other] = messages(privateClusterImages, [
            mirrored(),
            workload(TYPES.daemonSet, withInit("123456789012.dkr.ecr.us-east-1.amazonaws.com/ops/setup:1")),
        ]);
        assert.match(other, /123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com is private ECR of another region than eu-west-1/);
        const [corp] = messages(privateClusterImages, [
            mirrored(),
            workload(TYPES.daemonSet, withInit("registry.corp.example/ops/setup:1")),
        ]);
        assert.match(corp, /registry\.corp\.example is not private ECR/);
        assert.deepEqual(messages(privateClusterImages, [mirrored(), workload(TYPES.daemonSet, withInit(UNKNOWN))]), []);
        // The region not known (the controller's AWS_REGION not resolved yet): any region's private ECR passes, the internet does not.
        const unknownRegion = privateRelease(
            {},
            { env: [{ name: "AWS_REGION", value: UNKNOWN }], image: { repository: `${ECR}/k/controller` } },
        );
        assert.deepEqual(
            messages(privateClusterImages, [
                unknownRegion,
                workload(TYPES.daemonSet, withInit("123456789012.dkr.ecr.us-east-1.amazonaws.com/ops/setup:1")),
            ]),
            [],
        );
        assert.equal(messages(privateClusterImages, [unknownRegion, workload(TYPES.daemonSet, withInit("busybox"))]).length, 1);
    });

    it("compares workloads with the private cluster they run in only", () => {
        const daemonSet = (cluster: string) => workload(TYPES.daemonSet, withInit("busybox"), cluster);
        const publicRelease = { ...karpenterRelease({ settings: { isolatedVPC: false } }), cluster: "urn:public" };
        const found = runRule(
            privateClusterImages,
            [mirrored("urn:private"), publicRelease, daemonSet("urn:private"), daemonSet("urn:public")],
            DEFAULT_OPTIONS,
        );
        assert.deepEqual(
            found.map((v) => v.resource.cluster),
            ["urn:private"],
        );
    });

    it("refuses the controller chart's public image (its default) or a Docker Hub one, comparing registries as hosts", () => {
        const [message] = messages(privateClusterImages, [privateRelease({}, inRegion())]);
        assert.match(
            message,
            /^Helm release "karpenter" runs in a private cluster \(Karpenter release "karpenter" sets settings\.isolatedVPC\) but pulls controller\.image\.repository \(the chart's default\) from public\.ecr\.aws\/karpenter\/controller: public\.ecr\.aws is on the internet\. /,
        );
        for (const repository of [
            "someone/karpenter",
            "PUBLIC.ECR.AWS/karpenter/controller",
            "public.ecr.aws:443/karpenter/controller",
            "DOCKER.IO/karpenter/controller",
            "registry-1.docker.io:443/karpenter/controller",
        ]) {
            assert.equal(messages(privateClusterImages, [privateRelease({}, inRegion({ image: { repository } }))]).length, 1, repository);
        }
        assert.deepEqual(messages(privateClusterImages, [mirrored()]), []);
        const mirroredUpper = privateRelease(
            {},
            inRegion({ image: { repository: "123456789012.DKR.ECR.EU-WEST-1.AMAZONAWS.COM:443/karpenter/controller" } }),
        );
        assert.deepEqual(messages(privateClusterImages, [mirroredUpper]), []);
        // Not private: the public default is fine.
        assert.deepEqual(messages(privateClusterImages, [karpenterRelease({})]), []);
    });

    it("reads every image value of any release: initContainers in values, registry/repository pairs, the device plugin's default", () => {
        const withInitValues = privateRelease({}, inRegion({ image: { repository: `${ECR}/k/controller` } }));
        (withInitValues.inputs as Record<string, unknown>).values = {
            ...(withInitValues.inputs as { values: object }).values,
            initContainers: [{ name: "list", image: "amazon/aws-cli:latest" }],
        };
        const [init] = messages(privateClusterImages, [withInitValues]);
        assert.match(init, /pulls initContainers\[0\]\.image from amazon\/aws-cli:latest: docker\.io is on the internet/);
        const release = (chart: string, values: Record<string, unknown>): ResourceDescription => ({
            type: TYPES.helmRelease,
            name: chart,
            inputs: { name: chart, chart, values },
        });
        const [bitnami] = messages(privateClusterImages, [
            mirrored(),
            release("kubectl", { hook: { image: { registry: "docker.io", repository: "bitnami/kubectl", tag: "1.33" } } }),
        ]);
        assert.match(
            bitnami,
            /^Helm release "kubectl" runs in a private cluster .* but pulls hook\.image\.repository from docker\.io\/bitnami\/kubectl: docker\.io is on the internet/,
        );
        const [plugin] = messages(privateClusterImages, [mirrored(), release("nvidia-device-plugin", { tolerations: [] })]);
        assert.match(
            plugin,
            /pulls image\.repository \(the chart's default\) from nvcr\.io\/nvidia\/k8s-device-plugin: nvcr\.io is on the internet/,
        );
        assert.deepEqual(
            messages(privateClusterImages, [
                mirrored(),
                release("nvidia-device-plugin", { image: { repository: `${ECR}/nvidia/k8s-device-plugin`, tag: "v0.20.0" } }),
            ]),
            [],
        );
        assert.deepEqual(messages(privateClusterImages, [mirrored(), release("kubectl", { image: { repository: UNKNOWN } })]), []);
    });

    it("ignores the CRD chart, which runs no image", () => {
        const crds = karpenterRelease({ settings: { isolatedVPC: true } }, { chart: "oci://public.ecr.aws/karpenter/karpenter-crd" });
        assert.deepEqual(messages(privateClusterImages, [mirrored(), crds]), []);
    });
});
