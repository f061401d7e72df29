/**
 * The policy pack as the Pulumi CLI runs it: its TypeScript loaded by the CLI's own loader (ts-node,
 * type-checked), served over gRPC on loopback, and asked to analyze a stack the way the engine asks,
 * with values unknown during a preview in the engine's wire format.
 */
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { after, before, it } from "node:test";

const PACK = path.resolve(__dirname, "../../../policy-pack");
const packRequire = createRequire(path.join(PACK, "package.json"));
const grpc: any = packRequire("@grpc/grpc-js");
const services: any = packRequire("@pulumi/pulumi/proto/analyzer_grpc_pb");
const messages: any = packRequire("@pulumi/pulumi/proto/analyzer_pb");
const { Struct }: any = packRequire("google-protobuf/google/protobuf/struct_pb");
/** How the engine sends a value not known yet. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What @pulumi/pulumi's run-policy-pack does before it requires the pack. */
const SERVE = `
const tsutils = require("@pulumi/pulumi/tsutils");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({ typeCheck: true, compiler: typescriptRequire,
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", ...tsutils.loadTypeScriptCompilerOptions("tsconfig.json") } });
require(process.cwd());
// Exit with the test process (its stdin closes), even if it dies before the after hook runs.
process.stdin.on("end", () => process.exit(0)).resume();`;

let server: ChildProcess;
let client: any;

before(async () => {
    server = spawn(process.execPath, ["-e", SERVE], { cwd: PACK, stdio: ["pipe", "pipe", "inherit"] });
    const port = await new Promise<string>((resolve, reject) => {
        server.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
        server.once("exit", (code) => reject(new Error(`policy pack exited with ${code}`)));
    });
    client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

after(() => {
    client?.close();
    server.kill();
});

function resource(type: string, name: string, props: object) {
    const r = new messages.AnalyzerResource();
    r.setType(type);
    r.setName(name);
    r.setUrn(`urn:pulumi:dev::p::${type}::${name}`);
    r.setProperties(Struct.fromJavaScript(props));
    r.setOptions(new messages.AnalyzerResourceOptions());
    return r;
}

const call = (method: string, request: unknown): Promise<any> =>
    new Promise((resolve, reject) => client[method](request, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));

it("serves the policies and reports violations through the analyzer protocol", { timeout: 120_000 }, async () => {
    const stack = new messages.AnalyzeStackRequest();
    const pool = (name: string) =>
        resource("kubernetes:karpenter.sh/v1:NodePool", name, {
            metadata: { name },
            spec: { limits: { cpu: "10" }, template: { spec: { requirements: [] } } },
        });
    const release = resource("kubernetes:helm.sh/v3:Release", "karpenter", {
        name: "karpenter",
        chart: "oci://public.ecr.aws/karpenter/karpenter",
        namespace: "karpenter",
        values: {
            settings: { isolatedVPC: true, interruptionQueue: UNKNOWN, clusterEndpoint: UNKNOWN },
            controller: { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } },
        },
    });
    // A DaemonSet of the same (private) cluster: a public initContainer image, a regular one not known yet.
    const daemonSet = resource("kubernetes:apps/v1:DaemonSet", "agent", {
        metadata: { name: "agent", namespace: "ops" },
        spec: {
            template: {
                spec: { initContainers: [{ name: "setup", image: "busybox:1.36" }], containers: [{ name: "agent", image: UNKNOWN }] },
            },
        },
    });
    stack.setResourcesList([
        release,
        daemonSet,
        resource("aws:ec2/vpcEndpoint:VpcEndpoint", "sts", { serviceName: "com.amazonaws.eu-west-1.sts" }),
        pool("a"),
        pool("b"),
    ]);
    const diagnostics = (await call("analyzeStack", stack)).getDiagnosticsList();
    const byPolicy = Object.fromEntries(diagnostics.map((d: any) => [d.getPolicyname(), d]));
    assert.deepEqual(Object.keys(byPolicy).sort(), ["nodepools-unambiguous", "private-cluster-endpoints", "private-cluster-images"]);
    // The controller chart's default image and the DaemonSet's initContainer; the unknown image waits.
    const images = diagnostics
        .filter((d: any) => d.getPolicyname() === "private-cluster-images")
        .map((d: any) => [d.getUrn(), d.getMessage().split("\n").pop().split(". Why:")[0]]);
    assert.deepEqual(images, [
        [
            "urn:pulumi:dev::p::kubernetes:helm.sh/v3:Release::karpenter",
            'Helm release "karpenter" runs in a private cluster (Karpenter release "karpenter" sets settings.isolatedVPC) but pulls controller.image.repository (the chart\'s default) from public.ecr.aws/karpenter/controller: public.ecr.aws is on the internet',
        ],
        [
            "urn:pulumi:dev::p::kubernetes:apps/v1:DaemonSet::agent",
            'DaemonSet "ops/agent" runs in a private cluster (Karpenter release "karpenter" sets settings.isolatedVPC) but pulls spec.template.spec.initContainers[0] (setup) from busybox:1.36: docker.io is on the internet',
        ],
    ]);
    assert.match(byPolicy["nodepools-unambiguous"].getMessage(), /NodePools "a" and "b" can take the same pods/);
    assert.equal(byPolicy["nodepools-unambiguous"].getUrn(), "urn:pulumi:dev::p::kubernetes:karpenter.sh/v1:NodePool::b");
    // The unknown queue name still means interruption handling: sqs is among the missing endpoints.
    assert.match(
        byPolicy["private-cluster-endpoints"].getMessage(),
        /without VPC endpoints for ec2 .*sqs \(Karpenter reads interruption events/,
    );
    assert.equal(byPolicy["private-cluster-endpoints"].getEnforcementlevel(), messages.EnforcementLevel.MANDATORY);

    const request = new messages.AnalyzeRequest();
    request.setType("aws:eks/podIdentityAssociation:PodIdentityAssociation");
    request.setName("karpenter");
    request.setUrn("urn:pulumi:dev::p::aws:eks/podIdentityAssociation:PodIdentityAssociation::karpenter");
    request.setProperties(
        Struct.fromJavaScript({ clusterName: UNKNOWN, namespace: "karpenter", serviceAccount: "karpenter", roleArn: UNKNOWN }),
    );
    request.setOptions(new messages.AnalyzerResourceOptions());
    const [violation, ...rest] = (await call("analyze", request)).getDiagnosticsList();
    assert.equal(rest.length, 0);
    assert.equal(violation.getPolicyname(), "no-pod-identity-on-fargate");
    assert.match(violation.getMessage(), /Pod Identity association for karpenter\/karpenter, whose pods run on Fargate/);
});
