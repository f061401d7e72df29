import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { check } from "../errors";
import { ResourceDescription } from "../guardrails/types";
import { AwsScope, policyDocument } from "../iam/policy";
import { PUBLIC_ECR_REGISTRY, privateEcrRepository, publicEcrPath, registryOf, unreachableFromPrivateCluster } from "../model/registry";
import { TYPES } from "../model/tokens";
import { VERSIONS } from "../model/versions";

export { PUBLIC_ECR_REGISTRY };

/** The controller image's path inside ECR Public (`karpenter/controller`). */
export const KARPENTER_IMAGE_PATH = publicEcrPath(VERSIONS.karpenterImageRepository)!;

/** The node-disk agent's image inside ECR Public, with its tag (`cloudwatch-agent/cloudwatch-agent:<tag>`). */
export const CLOUDWATCH_AGENT_IMAGE_PATH = publicEcrPath(VERSIONS.cloudwatchAgentImage)!;

/** Repository prefix of the pull-through cache unless set. */
export const DEFAULT_CACHE_PREFIX = "ecr-public";

/** An account and region to show in examples of private ECR repositories: the stack's region, and its first allowed account if it names any. */
export function exampleEcrScope(region: string, allowedAccountIds: readonly string[] = []) {
    return { accountId: allowedAccountIds[0] ?? "123456789012", region, dnsSuffix: "amazonaws.com" };
}

/**
 * Checks that a private cluster pulls the controller image from a registry its VPC reaches
 * (`unreachableFromPrivateCluster`, the device plugin image's rule too): private ECR in the cluster's
 * region, whose `ecr.dkr` endpoint the private cluster has (and in its account, when the stack names its
 * accounts with `aws:allowedAccountIds`). The default image is in ECR Public, which a VPC without internet
 * egress cannot reach: the controller's pods would stay in ImagePullBackOff and no node would ever be
 * launched. Registries are compared as hosts: case-insensitively and without a port.
 */
export function checkControllerImage(
    privateCluster: boolean,
    imageRepository: string | undefined,
    region: string,
    allowedAccountIds: readonly string[] = [],
): void {
    if (!privateCluster) return;
    const why = unreachableFromPrivateCluster(imageRepository, region, allowedAccountIds);
    check(
        why === undefined,
        "karpenter.imageRepository",
        imageRepository,
        `in a private cluster, a registry the VPC reaches through its ecr.dkr endpoint: private ECR in the stack's region ${region}` +
            `${allowedAccountIds.length > 0 ? ` and account (${allowedAccountIds.join(", ")})` : ""}, such as ` +
            `${pullThroughCacheRepository(exampleEcrScope(region, allowedAccountIds), DEFAULT_CACHE_PREFIX)} ` +
            `(the PublicEcrPullThroughCache component's karpenterImageRepository, or a replicated copy); ${registryOf(imageRepository) ?? "the repository"} ${why}`,
    );
}

/** Checks a pull-through cache's repository prefix (ECR's rule: 2–30 characters). */
export function checkCachePrefix(prefix: unknown): void {
    check(
        typeof prefix === "string" && prefix.length >= 2 && prefix.length <= 30 && /^[a-z0-9]+([._-][a-z0-9]+)*$/.test(prefix),
        "PublicEcrPullThroughCache.repositoryPrefix",
        prefix,
        "2 to 30 lower-case letters and digits, separated by single '.', '_' or '-'",
    );
}

/**
 * Where a pull-through cache serves an ECR Public image: `<account>.dkr.ecr.<region>.<dnsSuffix>/<prefix>/<path>`,
 * e.g. Karpenter's controller at `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/karpenter/controller`
 * (a tag on the path stays on the result).
 */
export function pullThroughCacheRepository(
    scope: Pick<AwsScope, "accountId" | "region" | "dnsSuffix">,
    prefix: string,
    upstreamPath: string = KARPENTER_IMAGE_PATH,
): string {
    return privateEcrRepository(scope, `${prefix}/${upstreamPath}`);
}

/**
 * What a principal needs beyond ordinary pull rights to pull through the cache: the first pull of an
 * image creates its repository and imports the image from upstream. Limited to the cache's repositories.
 */
export function pullThroughCachePolicy(scope: Pick<AwsScope, "partition" | "accountId" | "region">, prefix: string): aws.iam.PolicyDocument {
    return policyDocument([
        {
            Sid: "PullThroughCacheImport",
            Effect: "Allow",
            Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
            Resource: `arn:${scope.partition}:ecr:${scope.region}:${scope.accountId}:repository/${prefix}/*`,
        },
    ]);
}

export interface PublicEcrPullThroughCacheArgs {
    /**
     * Prefix of the cache's repositories in private ECR; 2–30 lower-case letters and digits, separated by
     * '.', '_' or '-'. @default "ecr-public"
     */
    repositoryPrefix?: string;
    /**
     * Create the pull-through cache rule. A rule is unique per account, region and prefix: set false where
     * another stack already created it. @default true
     */
    createRule?: boolean;
    /**
     * Names of the IAM roles that pull through the cache, given the import rights of `pullThroughCachePolicy`:
     * the Fargate pod execution role of Karpenter's controller, and the node role (the kubelet pulls the
     * node-disk agent's image, and any other ECR Public image of pods on EC2 nodes, through the cache).
     * @default []
     */
    pullerRoleNames?: pulumi.Input<string>[];
    /** Tags for every resource created here. */
    tags?: Record<string, string>;
}

/**
 * The cache's plan: its prefix checked, and the account-wide rule (unless `createRule` is false) and the
 * import policy it registers, under the names the component registers them.
 */
export function planPublicEcrPullThroughCache(name: string, args: PublicEcrPullThroughCacheArgs) {
    const prefix = args.repositoryPrefix ?? DEFAULT_CACHE_PREFIX;
    checkCachePrefix(prefix);
    const settings = { ...args, repositoryPrefix: prefix, createRule: args.createRule ?? true, pullerRoleNames: args.pullerRoleNames ?? [], tags: args.tags ?? {} };
    // ECR Public needs no credentials.
    const rule = settings.createRule
        ? { type: TYPES.pullThroughCacheRule, name, inputs: { ecrRepositoryPrefix: prefix, upstreamRegistryUrl: PUBLIC_ECR_REGISTRY } satisfies aws.ecr.PullThroughCacheRuleArgs }
        : undefined;
    const policy = { type: TYPES.iamPolicy, name, inputs: { description: `Import images into the ECR pull-through cache ${prefix}/`, tags: settings.tags } };
    return { settings, rule, policy, descriptions: [...(rule ? [rule] : []), policy] as ResourceDescription[] };
}

/**
 * An ECR pull-through cache of ECR Public: the VPC reaches private ECR through its endpoints, and ECR
 * fetches from ECR Public on the first pull of each image. Pass `karpenterImageRepository` as Karpenter's
 * `imageRepository` (tags and digests are those of ECR Public, so the pinned version and digest hold).
 */
export class PublicEcrPullThroughCache extends pulumi.ComponentResource {
    /** Karpenter's controller image in the cache. */
    public readonly karpenterImageRepository: pulumi.Output<string>;
    public readonly repositoryPrefix: pulumi.Output<string>;
    /** The IAM policy with `pullThroughCachePolicy`, attached to `pullerRoleNames`. */
    public readonly importPolicyArn: pulumi.Output<string>;
    private readonly scope: pulumi.Output<Pick<AwsScope, "accountId" | "region" | "dnsSuffix">>;
    private readonly prefix: string;

    constructor(name: string, args: PublicEcrPullThroughCacheArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planPublicEcrPullThroughCache(name, args); // every check, before registering anything
        const { repositoryPrefix: prefix } = plan.settings;
        super(componentType("PublicEcrPullThroughCache"), name, {}, componentOptions("PublicEcrPullThroughCache", opts));
        const parent = { parent: this };
        const partition = aws.getPartitionOutput({}, parent);
        const scope = pulumi
            .all([
                partition.partition,
                partition.dnsSuffix,
                aws.getRegionOutput({}, parent).region,
                aws.getCallerIdentityOutput({}, parent).accountId,
            ])
            .apply(([partition, dnsSuffix, region, accountId]) => ({ partition, dnsSuffix, region, accountId }));

        if (plan.rule) new aws.ecr.PullThroughCacheRule(plan.rule.name, plan.rule.inputs, parent);
        const policy = new aws.iam.Policy(
            plan.policy.name,
            { ...plan.policy.inputs, policy: scope.apply((s) => JSON.stringify(pullThroughCachePolicy(s, prefix))) },
            parent,
        );
        plan.settings.pullerRoleNames.forEach(
            (role, i) => new aws.iam.RolePolicyAttachment(`${name}-${i}`, { role, policyArn: policy.arn }, parent),
        );

        this.scope = scope;
        this.prefix = prefix;
        this.karpenterImageRepository = this.imageOf(KARPENTER_IMAGE_PATH);
        this.repositoryPrefix = pulumi.output(prefix);
        this.importPolicyArn = policy.arn;
        this.registerOutputs({
            karpenterImageRepository: this.karpenterImageRepository,
            repositoryPrefix: this.repositoryPrefix,
            importPolicyArn: this.importPolicyArn,
        });
    }

    /** Where the cache serves an ECR Public image or repository, by its path in ECR Public (`cloudwatch-agent/cloudwatch-agent:<tag>`). */
    public imageOf(upstreamPath: string): pulumi.Output<string> {
        return this.scope.apply((s) => pullThroughCacheRepository(s, this.prefix, upstreamPath));
    }
}
