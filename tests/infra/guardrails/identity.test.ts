/**
 * Rule unique-physical-identity: no two resources of a program claim what AWS holds only once. And the
 * case it was written for: the vpc-cni add-on @pulumi/eks's remote Cluster made beside infra/addons' own.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ResourceDescription, TYPES, UNKNOWN } from "../../../infra/guardrails";
import { uniquePhysicalIdentity } from "../../../infra/guardrails/identity";
import { checkGuardrails } from "../../../offline/plan/guardrails";
import { Program, runProgram } from "../../harness";
import { resource } from "../../offline/fixtures";
import { messages } from "./fixtures";

const d = (type: string, name: string, inputs: object): ResourceDescription => ({ type, name, inputs });
const addon = (name: string, clusterName: unknown, addonName: string, more: object = {}) =>
    d(TYPES.addon, name, { clusterName, addonName, ...more });
const check = (...resources: ResourceDescription[]) => messages(uniquePhysicalIdentity, resources);

describe("rule unique-physical-identity", () => {
    it("refuses a second add-on of one name on one cluster, naming both, why and the fix", () => {
        const [message, ...rest] = check(addon("mine", "eks", "vpc-cni"), addon("theirs", "eks", "vpc-cni"));
        assert.equal(rest.length, 0);
        assert.match(
            message,
            /^aws:eks\/addon:Addon "theirs" claims the add-on eks\/vpc-cni, which aws:eks\/addon:Addon "mine" claims too\. /,
        );
        assert.match(message, /Why: AWS holds one of each: the second create fails \(ResourceInUseException: Addon already exists/);
        assert.match(message, /Fix: Keep one of them/);
    });

    it("allows one add-on of a name per cluster, and distinct add-ons on one cluster", () => {
        assert.deepEqual(check(addon("a", "dev", "vpc-cni"), addon("b", "prod", "vpc-cni"), addon("c", "dev", "coredns")), []);
    });

    it("IAM names are unique per account whatever their case; a name Pulumi generates claims nothing", () => {
        const role = (name: string, roleName?: string) => d(TYPES.iamRole, name, roleName === undefined ? {} : { name: roleName });
        assert.equal(check(role("a", "Deployer"), role("b", "deployer")).length, 1);
        assert.deepEqual(check(role("a", "deployer"), role("b", "builder"), role("c"), role("d")), []);
        const policy = (name: string, policyName: string) => d(TYPES.iamPolicy, name, { name: policyName });
        assert.equal(check(policy("a", "p"), policy("b", "p")).length, 1);
        // A role and a policy of one name are different things.
        assert.deepEqual(check(role("a", "x"), policy("b", "x"), d(TYPES.instanceProfile, "c", { name: "x" })), []);
        assert.equal(check(d(TYPES.instanceProfile, "a", { name: "x" }), d(TYPES.instanceProfile, "b", { name: "x" })).length, 1);
    });

    it("one Fargate profile of a name and one access entry per principal on a cluster", () => {
        const profile = (name: string, clusterName: string) =>
            d(TYPES.fargateProfile, name, { clusterName, fargateProfileName: "karpenter" });
        assert.equal(check(profile("a", "eks"), profile("b", "eks")).length, 1);
        assert.deepEqual(check(profile("a", "eks"), profile("b", "other")), []);
        const entry = (name: string, principalArn: string) => d(TYPES.accessEntry, name, { clusterName: "eks", principalArn });
        assert.equal(
            check(entry("a", "arn:aws:iam::111122223333:role/admin"), entry("b", "arn:aws:iam::111122223333:role/admin")).length,
            1,
        );
        assert.deepEqual(
            check(entry("a", "arn:aws:iam::111122223333:role/admin"), entry("b", "arn:aws:iam::111122223333:role/viewer")),
            [],
        );
    });

    it("one Pod Identity association per service account, an add-on's own association included", () => {
        const association = (name: string, serviceAccount: string) =>
            d(TYPES.podIdentityAssociation, name, { clusterName: "eks", namespace: "kube-system", serviceAccount, roleArn: "r" });
        const ebs = addon("ebs", "eks", "aws-ebs-csi-driver", {
            podIdentityAssociations: [{ serviceAccount: "ebs-csi-controller-sa", roleArn: "r" }],
        });
        assert.equal(check(ebs, association("extra", "ebs-csi-controller-sa")).length, 1);
        assert.deepEqual(check(ebs, association("other", "other-sa")), []);
        assert.equal(check(association("a", "x"), association("b", "x")).length, 1);
    });

    it("says nothing about values not known yet (a preview)", () => {
        assert.deepEqual(check(addon("a", UNKNOWN, "vpc-cni"), addon("b", UNKNOWN, "vpc-cni")), []);
    });
});

describe("it would have caught the second vpc-cni add-on", () => {
    let p: Program;
    before(async () => {
        p = await runProgram("dev");
    });

    it("the dev program as it is: no claim twice", () => {
        assert.deepEqual(
            checkGuardrails(p.resources).filter((v) => v.rule === uniquePhysicalIdentity.id),
            [],
        );
    });

    it("plus the add-on @pulumi/eks's Cluster made (unless useDefaultVpcCni): a violation", () => {
        const clusterName = p.one("aws:eks/cluster:Cluster").inputs.name;
        const theirs = resource(TYPES.addon, "dev-cluster-vpc-cni", { inputs: { clusterName, addonName: "vpc-cni" } });
        const violations = checkGuardrails([...p.resources, theirs]).filter((v) => v.rule === uniquePhysicalIdentity.id);
        assert.deepEqual(
            violations.map((v) => v.resource.name),
            ["dev-cluster-vpc-cni"],
        );
        assert.match(
            violations[0].message,
            /claims the add-on eks-karpenter-dev\/vpc-cni, which aws:eks\/addon:Addon "dev-addons-vpc-cni" claims too/,
        );
    });
});
