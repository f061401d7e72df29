/**
 * Every CEL rule of the NodePool, EC2NodeClass and NodeClaim CRDs, compiled and evaluated by a CEL engine
 * at its schema location: on every object the dev and prod stacks register (and variants of their config),
 * on pools and classes that set each optional field the library renders, and on those fields the library
 * never sets added to a rendered object, so that no rule goes unevaluated. Negative controls: broken objects
 * and updates that each rule must refuse, and rules the engine must refuse to compile.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { isCelError } from "@bufbuild/cel";
import { AmiFamily, renderEC2NodeClass } from "../../../infra/nodes/ec2-node-class";
import {
    Architecture,
    CapacityType,
    ConsolidationPolicy,
    DisruptionReason,
    RequirementOperator,
    TaintEffect,
    renderNodePool,
} from "../../../infra/nodes/node-pool";
import { runProgram } from "../../harness";
import {
    CRDS,
    EC2_NODE_CLASS_CRD,
    NODE_CLAIM_CRD,
    NODE_POOL_CRD,
    celCheck,
    celCompileErrors,
    celRules,
    compileCel,
    crdErrors,
    ec2NodeClassErrors,
    nodeClaimOf,
    nodePoolErrors,
    refusedBy,
    withDefaults,
    v1Schema,
} from "./crds";

type Json = any;

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const EC2_NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

/** A pool that sets every optional field the library renders. */
const customPool = () =>
    renderNodePool({
        name: "batch",
        nodeClassName: "default",
        architectures: [Architecture.Amd64, Architecture.Arm64],
        capacityTypes: [CapacityType.Spot],
        instanceCategories: ["c", "m"],
        instanceFamilies: ["c7i", "m7i", "c7g", "m7g"],
        minInstanceGeneration: 6,
        excludedInstanceSizes: ["metal", "nano"],
        requirements: [
            { key: "topology.kubernetes.io/zone", operator: RequirementOperator.In, values: ["eu-west-1a", "eu-west-1b"] },
            { key: "karpenter.k8s.aws/instance-cpu", operator: RequirementOperator.Lt, values: ["65"] },
            { key: "example.com/dedicated", operator: RequirementOperator.DoesNotExist },
            { key: "karpenter.k8s.aws/instance-gpu-count", operator: RequirementOperator.Exists },
        ],
        limits: { cpu: "200", memory: "800Gi", nvidiaGpus: 8 },
        disruption: {
            consolidationPolicy: ConsolidationPolicy.WhenEmpty,
            consolidateAfter: "10m",
            budgets: [
                { nodes: "20%", reasons: [DisruptionReason.Empty, DisruptionReason.Drifted] },
                { nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h" },
                { nodes: "1", schedule: "@daily", duration: "1h30m", reasons: [DisruptionReason.Underutilized] },
            ],
        },
        expireAfter: "Never",
        terminationGracePeriod: "48h",
        taints: [
            { key: "example.com/batch", value: "true", effect: TaintEffect.NoSchedule },
            { key: "example.com/spot", effect: TaintEffect.PreferNoSchedule },
        ],
        labels: { team: "data", "example.com/tier": "batch" },
    });

/** The fields of a NodePool the library never sets: a static pool. */
const staticPool = () => {
    const p: Json = renderNodePool({
        name: "static",
        nodeClassName: "default",
        architectures: [Architecture.Arm64],
        capacityTypes: [CapacityType.OnDemand],
        limits: { cpu: "10", memory: "40Gi" },
    });
    p.spec.replicas = 3;
    p.spec.limits = { nodes: "5" };
    return p;
};

const baseClass = () => renderEC2NodeClass({ name: "default", clusterName: "prod", role: "prod-node" }) as Json;

/** The fields of an EC2NodeClass the library never sets, with values the API server accepts. */
const fullClass = () => {
    const c = baseClass();
    c.spec.amiFamily = "AL2023";
    c.spec.kubelet = {
        maxPods: 110,
        podsPerCore: 2,
        systemReserved: { cpu: "100m", memory: "100Mi", "ephemeral-storage": "1Gi" },
        kubeReserved: { cpu: "200m", memory: "500Mi", pid: "1000" },
        evictionHard: { "memory.available": "5%", "nodefs.available": "10%" },
        evictionSoft: { "memory.available": "10%" },
        evictionSoftGracePeriod: { "memory.available": "1m" },
        evictionMaxPodGracePeriod: 60,
        imageGCHighThresholdPercent: 85,
        imageGCLowThresholdPercent: 80,
        cpuCFSQuota: true,
    };
    c.spec.capacityReservationSelectorTerms = [{ tags: { team: "data" } }, { id: "cr-0123456789abcdef0" }];
    c.spec.blockDeviceMappings.push({
        deviceName: "/dev/xvdc",
        ebs: { snapshotID: "snap-0123456789abcdef0", volumeInitializationRate: 300, volumeType: "gp3" },
    });
    return c;
};

/** A class selecting its AMI by ID and tags (no alias, so amiFamily is required) and its groups by name or ID. */
const selectorClass = () => {
    const c = baseClass();
    c.spec.amiFamily = "Custom";
    c.spec.amiSelectorTerms = [{ id: "ami-0123456789abcdef0" }, { tags: { team: "data" }, owner: "self" }, { name: "my-ami-*" }];
    c.spec.securityGroupSelectorTerms = [{ id: "sg-0123456789abcdef0" }, { name: "nodes" }];
    c.spec.subnetSelectorTerms = [{ id: "subnet-0123456789abcdef0" }];
    return c;
};

describe("the CRDs' CEL rules compile", () => {
    for (const file of CRDS) {
        test(`every rule of ${file}`, () => {
            assert.ok(celRules(file).length > 0, `${file} has CEL rules`);
            assert.deepEqual(celCompileErrors(file), []);
        });
    }

    test("negative controls: an unknown function, a wrong arity and a syntax error do not compile", () => {
        assert.throws(() => compileCel("self.findAll('a')"), /no such function in the CEL environment: <receiver>\.findAll\/1/);
        assert.throws(() => compileCel("self.find('a', 1)"), /<receiver>\.find\/2/);
        assert.throws(() => compileCel("self.all(x, x =="));
    });

    test("Kubernetes' find: the first match of an RE2 regex, or empty; a pattern RE2 refuses is an error", () => {
        const find = compileCel("self.find(pattern)");
        assert.equal(find({ self: "karpenter.k8s.aws/instance-cpu", pattern: "^([^/]+)" }), "karpenter.k8s.aws");
        assert.equal(find({ self: "bottlerocket@v1.49.0", pattern: "^[^@]+" }), "bottlerocket");
        assert.equal(find({ self: "abc", pattern: "[0-9]+" }), "");
        assert.ok(isCelError(find({ self: "aa", pattern: "(a)\\1" })), "RE2 has no back-references");
    });
});

describe("every rule holds on every object the stacks render, and on variants that set each optional field", () => {
    const objects: [string, string, Json][] = [];
    before(async () => {
        const programs: [string, Awaited<ReturnType<typeof runProgram>>][] = [
            ["dev", await runProgram("dev")],
            ["prod", await runProgram("prod")],
            [
                "dev, Bottlerocket, GPU pools, 90% Spot",
                await runProgram("dev", { nodes: { amiFamily: "Bottlerocket", gpu: true, spotPercent: 90 } }),
            ],
            [
                "prod, pinned AMI and small volumes",
                await runProgram("prod", {
                    nodes: { amiVersion: "v20260801", spotPercent: 50, rootVolume: { sizeGiB: 30 }, dataVolume: { sizeGiB: 40 } },
                }),
            ],
        ];
        for (const [what, p] of programs) {
            for (const r of p.ofType(NODE_POOL)) objects.push([`${what}: ${r.name}`, NODE_POOL_CRD, r.inputs]);
            for (const r of p.ofType(EC2_NODE_CLASS)) objects.push([`${what}: ${r.name}`, EC2_NODE_CLASS_CRD, r.inputs]);
        }
        objects.push(["a pool with every optional field", NODE_POOL_CRD, customPool()]);
        objects.push(["a static pool", NODE_POOL_CRD, staticPool()]);
        objects.push([
            "a class with an instance profile, a KMS key and tags",
            EC2_NODE_CLASS_CRD,
            renderEC2NodeClass({
                name: "private",
                clusterName: "prod",
                instanceProfile: "prod-nodes",
                kmsKeyId: "alias/ebs",
                tags: { team: "data" },
            }),
        ]);
        objects.push([
            "a Bottlerocket class",
            EC2_NODE_CLASS_CRD,
            renderEC2NodeClass({ name: "br", clusterName: "prod", role: "r", amiFamily: AmiFamily.Bottlerocket }),
        ]);
        objects.push(["a class with kubelet settings, capacity reservations and a snapshot volume", EC2_NODE_CLASS_CRD, fullClass()]);
        objects.push(["a class selecting AMIs, groups and subnets by ID, tags and name", EC2_NODE_CLASS_CRD, selectorClass()]);
        for (const [what, file, o] of [...objects])
            if (file === NODE_POOL_CRD) objects.push([`the NodeClaim of ${what}`, NODE_CLAIM_CRD, nodeClaimOf(o)]);
    });

    test("no object breaks the schema or a rule, on create or on a no-op update", () => {
        assert.ok(objects.filter(([, f]) => f === NODE_POOL_CRD).length >= 10, "the stacks' pools");
        for (const [what, file, o] of objects) {
            const errors =
                file === NODE_POOL_CRD ? nodePoolErrors(o) : file === EC2_NODE_CLASS_CRD ? ec2NodeClassErrors(o) : crdErrors(file, o);
            assert.deepEqual(errors, [], what);
        }
    });

    /** The rules no object of the list reaches (on create or on a no-op update). */
    const neverEvaluated = (list: [string, string, Json][]) => {
        const evaluated = new Set<string>();
        for (const [, file, o] of list) {
            const defaulted = withDefaults(v1Schema(file), o);
            for (const id of celCheck(file, defaulted).evaluated) evaluated.add(id);
            for (const id of celCheck(file, defaulted, defaulted).evaluated) evaluated.add(id);
        }
        return CRDS.flatMap((f) => celRules(f))
            .filter((r) => !evaluated.has(r.id))
            .map((r) => r.id);
    };

    test("every rule of the three CRDs was evaluated on at least one of them", () => {
        assert.deepEqual(neverEvaluated(objects), []);
        // Negative control: the stacks' own objects alone leave the rules of fields they never set unevaluated
        // (eviction thresholds); the image GC rule on spec.kubelet they do reach (their imageGC thresholds).
        const fromStacks = neverEvaluated(objects.filter(([what]) => /^(dev|prod)/.test(what)));
        assert.ok(
            fromStacks.some((id) => id.includes(" spec.kubelet.evictionHard ")),
            fromStacks.join("\n"),
        );
        const imageGcRule = celRules(EC2_NODE_CLASS_CRD).find(
            (r) => r.id.includes(" spec.kubelet ") && r.id.includes("imageGCHighThresholdPercent"),
        );
        assert.ok(imageGcRule, "the CRD's image GC rule");
        assert.ok(!fromStacks.includes(imageGcRule.id), "the stacks' image GC thresholds meet the CRD's rule");
    });
});

describe("the rules refuse broken objects and updates (so the checks above can fail)", () => {
    const refuses = (file: string, object: Json, message: string) =>
        assert.ok(refusedBy(crdErrors(file, object), message), `${message}\n${crdErrors(file, object).join("\n")}`);
    const edited = (make: () => Json, edit: (o: Json) => void) => {
        const o = make();
        edit(o);
        return o;
    };

    test("kubelet settings", () => {
        const kubelet = (edit: (k: Json) => void) => edited(fullClass, (o) => edit(o.spec.kubelet));
        refuses(
            EC2_NODE_CLASS_CRD,
            kubelet((k) => (k.imageGCLowThresholdPercent = 85)),
            "imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent",
        );
        refuses(
            EC2_NODE_CLASS_CRD,
            kubelet((k) => (k.evictionSoftGracePeriod = { "nodefs.available": "1m" })),
            "evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod",
        );
        refuses(
            EC2_NODE_CLASS_CRD,
            kubelet((k) => (k.kubeReserved.cpu = "-1")),
            "kubeReserved value cannot be a negative resource quantity",
        );
        refuses(
            EC2_NODE_CLASS_CRD,
            kubelet((k) => (k.systemReserved.gpu = "1")),
            "valid keys for systemReserved are ['cpu','memory','ephemeral-storage','pid']",
        );
        refuses(
            EC2_NODE_CLASS_CRD,
            kubelet((k) => (k.evictionHard["memory.free"] = "1%")),
            "valid keys for evictionHard are ['memory.available','nodefs.available','nodefs.inodesFree','imagefs.available','imagefs.inodesFree','pid.available']",
        );
    });

    test("selector terms the library does not render", () => {
        refuses(
            EC2_NODE_CLASS_CRD,
            edited(fullClass, (o) => (o.spec.capacityReservationSelectorTerms = [{ id: "cr-0123456789abcdef0", tags: { a: "b" } }])),
            "'id' is mutually exclusive, cannot be set along with other fields in a capacity reservation selector term",
        );
        refuses(
            EC2_NODE_CLASS_CRD,
            edited(selectorClass, (o) => (o.spec.securityGroupSelectorTerms = [{ name: "nodes", tags: { a: "b" } }])),
            "'name' is mutually exclusive, cannot be set with a combination of other fields in a security group selector term",
        );
        refuses(
            EC2_NODE_CLASS_CRD,
            edited(fullClass, (o) => delete o.spec.blockDeviceMappings[2].ebs.snapshotID),
            "snapshotID must be set when volumeInitializationRate is set",
        );
        refuses(
            EC2_NODE_CLASS_CRD,
            edited(selectorClass, (o) => o.spec.amiSelectorTerms.push({ alias: "al2023@latest" })),
            "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms",
        );
        refuses(
            EC2_NODE_CLASS_CRD,
            edited(baseClass, (o) => (o.spec.amiSelectorTerms = [{ alias: "windows2022@v1" }])),
            "windows families may only specify version 'latest'",
        );
    });

    test("static pools", () => {
        refuses(
            NODE_POOL_CRD,
            edited(staticPool, (o) => (o.spec.limits.cpu = "10")),
            "only 'limits.nodes' is supported on static NodePools",
        );
        refuses(
            NODE_POOL_CRD,
            edited(staticPool, (o) => (o.spec.weight = 10)),
            "'weight' is not supported on static NodePools",
        );
    });

    test("transition rules: what a no-op update accepts, a change refuses", () => {
        const pool = customPool() as Json;
        const moved = edited(customPool, (o) => (o.spec.template.spec.nodeClassRef.group = "example.com"));
        assert.deepEqual(celCheck(NODE_POOL_CRD, pool, pool).errors, []);
        assert.ok(celCheck(NODE_POOL_CRD, moved, pool).errors.includes("nodeClassRef.group is immutable"));
        assert.ok(
            celCheck(NODE_POOL_CRD, staticPool(), pool).errors.includes(
                "Cannot transition NodePool between static (replicas set) and dynamic (replicas unset) provisioning modes",
            ),
        );
        // On a create the transition rules do not run.
        assert.deepEqual(celCheck(NODE_POOL_CRD, moved).errors, []);

        const claim = nodeClaimOf(pool);
        assert.deepEqual(celCheck(NODE_CLAIM_CRD, claim, claim).errors, []);
        assert.ok(celCheck(NODE_CLAIM_CRD, nodeClaimOf(moved), claim).errors.includes("spec is immutable"));
    });

    test("a NodeClaim Karpenter would make from a pool is checked too", () => {
        const pool = edited(customPool, (o) =>
            o.spec.template.spec.requirements.push({ key: "karpenter.k8s.aws/instance-cpu", operator: "Gt", values: ["-1"] }),
        );
        const errors = nodePoolErrors(pool);
        const message = "requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value";
        assert.ok(refusedBy(errors, message) && errors.some((e) => e.startsWith("NodeClaim: ") && e.endsWith(message)), errors.join("\n"));
    });

    test("a rule that cannot be evaluated refuses the object, as the API server does", () => {
        const errors = nodePoolErrors(edited(customPool, (o) => o.spec.template.spec.requirements.push({ key: "team", operator: "In" })));
        assert.ok(
            errors.some((e) =>
                /^spec\.template\.spec\.requirements: .* evaluating rule: requirements with operator 'In' must have a value defined$/.test(
                    e,
                ),
            ),
            errors.join("\n"),
        );
    });

    test("the schema's defaults are applied before validation, as the API server does", () => {
        const pool = edited(customPool, (o) => delete o.spec.disruption.consolidateAfter);
        const defaulted = withDefaults(v1Schema(NODE_POOL_CRD), pool);
        assert.equal(
            defaulted.spec.disruption.consolidateAfter,
            v1Schema(NODE_POOL_CRD).properties.spec.properties.disruption.properties.consolidateAfter.default,
        );
    });
});
