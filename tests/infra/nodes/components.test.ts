/**
 * The node components under Pulumi's mocks: what they register (the custom resources' types, inputs,
 * parents, providers and dependencies, as the engine receives them) and that bad config fails
 * before any registration.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../../infra/errors";
import { NodePoolProfile, defaultNodePools } from "../../../infra/nodes/default-pools";
import { AmiFamily, EC2NodeClass, renderEC2NodeClass } from "../../../infra/nodes/ec2-node-class";
import { KarpenterNodes } from "../../../infra/nodes/karpenter-nodes";
import { NodePool, renderNodePool } from "../../../infra/nodes/node-pool";

import { Registered, runEngine } from "../../harness";

/** Mocks that echo each resource's inputs as its state. */
const ECHO: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
};

const EC2_NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";

/** Creates resources with `create` on the mock engine, and returns what it registered. */
async function program(create: () => void): Promise<Registered[]> {
    return (await runEngine(create, { mocks: ECHO })).resources;
}

/** The stand-ins for what the environment passes: the cluster's provider and the Karpenter release. */
function environment(prefix: string) {
    const provider = new k8s.Provider(`${prefix}-k8s`, { kubeconfig: "{}" });
    const release = new k8s.helm.v3.Release(`${prefix}-karpenter`, { chart: "karpenter" }, { provider });
    return { provider, release };
}

const one = (resources: Registered[], type: string, name: string) => {
    const found = resources.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `${type} ${name}: ${resources.map((r) => `${r.type} ${r.name}`).join(", ")}`);
    return found[0];
};

describe("KarpenterNodes under mocks", () => {
    test("registers the classes and pools as Karpenter custom resources with the cluster's provider, after the release", async () => {
        const resources = await program(() => {
            const { provider, release } = environment("a");
            new KarpenterNodes(
                "nodes",
                {
                    clusterName: pulumi.output("prod"),
                    role: pulumi.output("prod-karpenter-node-k3x9qz"),
                    tags: { environment: "prod" },
                    defaultPools: { profile: NodePoolProfile.Prod, spotPercent: 70 },
                },
                { providers: { kubernetes: provider }, dependsOn: [release] },
            );
        });
        const providerUrn = one(resources, "pulumi:providers:kubernetes", "a-k8s").urn;
        const releaseUrn = one(resources, "kubernetes:helm.sh/v3:Release", "a-karpenter").urn;
        const component = one(resources, "eks-karpenter:index:KarpenterNodes", "nodes");

        const nodeClass = one(resources, EC2_NODE_CLASS, "nodes-default");
        assert.deepEqual(nodeClass.inputs, {
            ...renderEC2NodeClass({
                name: "default",
                clusterName: "prod",
                role: "prod-karpenter-node-k3x9qz",
                tags: { environment: "prod" },
            }),
        });
        assert.equal(nodeClass.parent, one(resources, "eks-karpenter:index:EC2NodeClass", "nodes-default").urn);
        assert.equal(one(resources, "eks-karpenter:index:EC2NodeClass", "nodes-default").parent, component.urn);
        assert.ok(nodeClass.provider.startsWith(`${providerUrn}::`), nodeClass.provider);
        assert.ok(nodeClass.dependencies.includes(releaseUrn), "the class depends on the release");

        const pools = resources.filter((r) => r.type === NODE_POOL);
        const expected = defaultNodePools({ profile: NodePoolProfile.Prod, spotPercent: 70 });
        assert.deepEqual(
            pools.map((p) => p.name),
            expected.map((p) => `nodes-${p.name}`),
        );
        for (const [i, pool] of pools.entries()) {
            assert.deepEqual(pool.inputs, renderNodePool(expected[i]));
            assert.ok(pool.provider.startsWith(`${providerUrn}::`), pool.provider);
            assert.ok(pool.dependencies.includes(releaseUrn), `${pool.name} depends on the release`);
            assert.ok(pool.dependencies.includes(nodeClass.urn), `${pool.name} depends on its EC2NodeClass`);
        }
    });

    test("a bad pool stops everything before the first registration", async () => {
        const resources = await program(() => {
            const pools = defaultNodePools({ profile: NodePoolProfile.Dev });
            pools[1].weight = pools[0].weight;
            assert.throws(
                () => new KarpenterNodes("bad", { clusterName: "dev", role: "node", nodePools: pools }),
                (e: unknown) => e instanceof ConfigError && e.setting === "KarpenterNodes.nodePools[amd64].weight",
            );
        });
        assert.deepEqual(
            resources.map((r) => r.type),
            [],
        );
    });

    test("set-level mistakes are refused with the setting named", async () => {
        const resources = await program(() => {
            const setting = (args: Partial<ConstructorParameters<typeof KarpenterNodes>[1]>) => {
                try {
                    new KarpenterNodes("x", { clusterName: "dev", role: "node", ...args });
                } catch (e) {
                    return e instanceof ConfigError ? [e.setting, e.allowed] : [String(e)];
                }
                return [];
            };
            const pools = defaultNodePools({ profile: NodePoolProfile.Dev });
            assert.match(
                setting({ nodeClasses: [{ name: "al2023" }], nodePools: pools }).join(" "),
                /^NodePool\[arm64\]\.nodeClassName one of the EC2NodeClasses: al2023$/,
            );
            assert.deepEqual(setting({ nodeClasses: [{ name: "a" }, { name: "a" }], nodePools: pools }), [
                "KarpenterNodes.nodeClasses",
                "distinct names",
            ]);
            assert.deepEqual(setting({ nodePools: [pools[0], { ...pools[0], weight: 1 }] }), [
                "KarpenterNodes.nodePools",
                "distinct names",
            ]);
            // Pools given beside the defaults are added to them: the defaults' own names clash.
            assert.deepEqual(setting({ nodePools: pools, defaultPools: { profile: NodePoolProfile.Prod } }), [
                "KarpenterNodes.nodePools",
                "distinct names",
            ]);
            assert.deepEqual(setting({ nodePools: [] }), ["KarpenterNodes.nodePools", "at least one NodePool"]);
            assert.deepEqual(setting({}), [
                "KarpenterNodes.defaultPools",
                "the default pools' options, at least the profile (dev or prod), unless nodePools is given",
            ]);
            assert.equal(setting({ instanceProfile: "profile", nodePools: pools })[0], "EC2NodeClass[default].role");
        });
        assert.deepEqual(
            resources.map((r) => r.type),
            [],
        );
    });
});

describe("EC2NodeClass and NodePool under mocks", () => {
    test("take a single provider through opts.provider and resolve inputs into the spec", async () => {
        const resources = await program(() => {
            const { provider, release } = environment("b");
            const nodeClass = new EC2NodeClass(
                "bottlerocket",
                {
                    name: "bottlerocket",
                    amiFamily: AmiFamily.Bottlerocket,
                    clusterName: pulumi.output("prod"),
                    instanceProfile: pulumi.output("prod-nodes"),
                },
                { provider, dependsOn: release },
            );
            new NodePool(
                "batch",
                { ...defaultNodePools({ profile: NodePoolProfile.Dev })[0], name: "batch", nodeClassName: "bottlerocket" },
                { provider, dependsOn: [release, nodeClass] },
            );
        });
        const providerUrn = one(resources, "pulumi:providers:kubernetes", "b-k8s").urn;
        const nodeClass = one(resources, EC2_NODE_CLASS, "bottlerocket");
        assert.equal(nodeClass.inputs.spec.instanceProfile, "prod-nodes");
        assert.deepEqual(nodeClass.inputs.spec.subnetSelectorTerms, [{ tags: { "karpenter.sh/discovery": "prod" } }]);
        assert.equal(nodeClass.inputs.metadata.name, "bottlerocket");
        const pool = one(resources, NODE_POOL, "batch");
        assert.equal(pool.inputs.spec.template.spec.nodeClassRef.name, "bottlerocket");
        for (const r of [nodeClass, pool]) assert.ok(r.provider.startsWith(`${providerUrn}::`), r.provider);
        assert.ok(pool.dependencies.includes(nodeClass.urn));
    });

    test("bad input throws in the constructor, before registering", async () => {
        const resources = await program(() => {
            assert.throws(
                () => new EC2NodeClass("x", { name: "x", clusterName: "c", role: "r", dataVolume: { iops: 20000 } }),
                ConfigError,
            );
            assert.throws(() => new NodePool("y", { ...defaultNodePools({ profile: NodePoolProfile.Dev })[0], weight: 0 }), ConfigError);
        });
        assert.deepEqual(
            resources.map((r) => r.type),
            [],
        );
    });
});
