/**
 * The components' type tokens: `eks-karpenter:index:<Name>` (one module, as a multi-language package
 * has), each aliased to the token it had before, so that `pulumi up` on a stack created before the change
 * finds its resources instead of replacing them (their children follow their parent's alias).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { componentOptions, componentType } from "../../infra/aliases";
import { COMPONENT_NAMES, COMPONENT_REGISTRY, ComponentName, formerComponentType } from "../../infra/model/components";
import { REPO_ROOT, runProgram } from "../harness";

/** The tokens the components had before they became a package: what existing stacks' state holds. */
const TOKENS_BEFORE = [
    "eks-karpenter:addons:ClusterAddons",
    "eks-karpenter:addons:CostBudget",
    "eks-karpenter:addons:WorkloadNamespaces",
    "eks-karpenter:cluster:Cluster",
    "eks-karpenter:iam:IrsaRole",
    "eks-karpenter:index:Environment",
    // New with the index module: its token is its own, no alias.
    "eks-karpenter:index:Observability",
    "eks-karpenter:karpenter:InterruptionQueue",
    "eks-karpenter:karpenter:Karpenter",
    "eks-karpenter:karpenter:KarpenterControllerRole",
    "eks-karpenter:karpenter:KarpenterFargateProfile",
    "eks-karpenter:karpenter:NodeRole",
    "eks-karpenter:network:Network",
    "eks-karpenter:network:PrivateEndpoints",
    "eks-karpenter:network:PublicEcrPullThroughCache",
    "eks-karpenter:nodes:EC2NodeClass",
    "eks-karpenter:nodes:KarpenterNodes",
    "eks-karpenter:nodes:NodePool",
];

function infraFiles(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? infraFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

describe("component type tokens", () => {
    it("every component of infra/ registers as eks-karpenter:index:<its class name>, through componentOptions", () => {
        const classes: string[] = [];
        for (const file of infraFiles(path.join(REPO_ROOT, "infra"))) {
            const source = fs.readFileSync(file, "utf8");
            for (const [, name] of source.matchAll(/export class (\w+) extends pulumi\.ComponentResource/g)) {
                classes.push(name);
                assert.ok(
                    source.includes(`super(componentType("${name}"), name, {}, componentOptions("${name}", opts));`),
                    `${name} (${path.relative(REPO_ROOT, file)}) registers with componentType and componentOptions`,
                );
            }
        }
        assert.deepEqual([...COMPONENT_NAMES].sort(), classes.sort(), "the component registry lists every component");
        for (const name of classes) assert.equal(componentType(name as ComponentName), `eks-karpenter:index:${name}`);
    });

    it("the former tokens are the ones existing stacks hold", () => {
        const former = Object.entries(COMPONENT_REGISTRY).map(([name, c]) => `eks-karpenter:${c.formerModule}:${name}`);
        assert.deepEqual(former.sort(), TOKENS_BEFORE);
        assert.deepEqual(COMPONENT_NAMES.map(formerComponentType).sort(), TOKENS_BEFORE);
    });

    it("componentOptions adds the former token as an alias, keeps the caller's aliases, and adds none where nothing changed", () => {
        const opts = componentOptions("Cluster", { protect: true, aliases: [{ name: "old-name" }] });
        assert.equal(opts.protect, true);
        assert.deepEqual(opts.aliases, [{ name: "old-name" }, { type: "eks-karpenter:cluster:Cluster" }]);
        assert.deepEqual(componentOptions("Environment", { protect: true }), { protect: true });
    });

    it("a stack's registrations carry the aliases to the engine", async () => {
        const sent = new Map<string, string[]>();
        for (const r of (await runProgram("prod")).resources) {
            if (r.type.startsWith("eks-karpenter:")) {
                const aliases = (r.aliases ?? []).map((a) => a.type ?? a.urn ?? "");
                sent.set(r.type, [...new Set([...(sent.get(r.type) ?? []), ...aliases])]);
            }
        }
        assert.ok(sent.size >= 15, [...sent.keys()].join(", "));
        for (const [type, aliases] of sent) {
            const name = type.split(":")[2] as ComponentName;
            assert.equal(type, `eks-karpenter:index:${name}`);
            const former = `eks-karpenter:${COMPONENT_REGISTRY[name].formerModule}:${name}`;
            assert.deepEqual(aliases, former === type ? [] : [former], type);
        }
    });

    it("the EKS cluster keeps the name @pulumi/eks's Cluster gave it, aliased to that component as its parent", async () => {
        const specs = (await runProgram("dev"))
            .ofType("aws:eks/cluster:Cluster")
            .flatMap((r) => (r.aliases ?? []).map((a) => ({ name: r.name, parentUrn: a.parentUrn })));
        assert.deepEqual(specs, [
            {
                name: "dev-cluster-eksCluster",
                parentUrn:
                    "urn:pulumi:dev::eks-karpenter::eks-karpenter:index:Environment$eks-karpenter:index:Cluster$eks:index:Cluster::dev-cluster",
            },
        ]);
    });
});
