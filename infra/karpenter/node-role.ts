import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { ResourceDescription, TYPES } from "../guardrails";
import { managedPolicyArn, policyDocument } from "../iam/policy";

/** The AWS managed policies every Karpenter node needs to join the cluster and run pods. */
export const NODE_MANAGED_POLICIES = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
] as const;

/** Trust policy of the node role: EC2 instances of this partition. */
export function nodeTrustPolicy(dnsSuffix: string): aws.iam.PolicyDocument {
    return policyDocument([
        {
            Sid: "AllowEC2Instances",
            Effect: "Allow",
            Principal: { Service: `ec2.${dnsSuffix}` },
            Action: "sts:AssumeRole",
        },
    ]);
}

export interface NodeRoleArgs {
    /** Name of the EKS cluster the nodes join (for the access entry). */
    clusterName: pulumi.Input<string>;
    /** Physical role name (at most 64 characters). */
    roleName: pulumi.Input<string>;
    /** AWS partition (`aws`, `aws-cn`, `aws-us-gov`). */
    partition: pulumi.Input<string>;
    /** DNS suffix of the partition (`amazonaws.com`). */
    dnsSuffix: pulumi.Input<string>;
    /**
     * Also create an instance profile for the role, to name in EC2NodeClasses (`instanceProfile`).
     * Needed where the controller cannot reach IAM (a private cluster with no IAM endpoint).
     * @default false: Karpenter creates and tags instance profiles itself.
     */
    createInstanceProfile?: boolean;
    /**
     * The nodes' operating system, and so the access entry's type: `EC2_LINUX` or `EC2_WINDOWS` (an IAM principal
     * has one access entry per cluster, so Windows nodes need a role of their own). @default "EC2_LINUX"
     */
    accessEntryType?: NodeAccessEntryType;
    /** Tags for the role. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** EKS access entry types of node roles: the Kubernetes groups and OS-specific permissions nodes get. */
export type NodeAccessEntryType = "EC2_LINUX" | "EC2_WINDOWS";

/**
 * The node role's plan: the role, its managed policy attachments, the access entry and (when asked for)
 * the instance profile, by the names the component registers them under, with the inputs the rules read
 * (the role's and profile's names, the entry's cluster). The role's ARN is known after deployment only.
 */
export function planNodeRole(name: string, args: NodeRoleArgs) {
    const settings = {
        ...args,
        createInstanceProfile: args.createInstanceProfile ?? false,
        accessEntryType: args.accessEntryType ?? "EC2_LINUX",
    };
    const role = {
        type: TYPES.iamRole,
        name,
        inputs: {
            name: args.roleName,
            tags: args.tags,
        } satisfies Omit<aws.iam.RoleArgs, "assumeRolePolicy">,
    };
    const attachments = NODE_MANAGED_POLICIES.map((policy) => ({
        type: TYPES.rolePolicyAttachment,
        name: `${name}-${policy}`,
        policy,
        inputs: {},
    }));
    const accessEntry = {
        type: TYPES.accessEntry,
        name,
        inputs: { clusterName: args.clusterName, type: settings.accessEntryType, tags: args.tags } satisfies Omit<
            aws.eks.AccessEntryArgs,
            "principalArn"
        >,
    };
    const instanceProfile = settings.createInstanceProfile
        ? {
              type: TYPES.instanceProfile,
              name,
              inputs: { name: args.roleName, tags: args.tags } satisfies Omit<aws.iam.InstanceProfileArgs, "role">,
          }
        : undefined;
    return {
        settings,
        role,
        attachments,
        accessEntry,
        instanceProfile,
        descriptions: [role, ...attachments, accessEntry, ...(instanceProfile ? [instanceProfile] : [])] as ResourceDescription[],
    };
}

/**
 * The IAM role of the EC2 nodes Karpenter launches, with the four managed policies and the
 * `EC2_LINUX` (or, for Windows nodes, `EC2_WINDOWS`) access entry without which nodes launch but never join
 * the cluster.
 */
export class NodeRole extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;
    /** Name of the pre-created instance profile; undefined unless `createInstanceProfile`. */
    public readonly instanceProfileName: pulumi.Output<string | undefined>;

    constructor(name: string, args: NodeRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planNodeRole(name, args);
        super(componentType("NodeRole"), name, {}, componentOptions("NodeRole", opts));
        const role = new aws.iam.Role(
            plan.role.name,
            { ...plan.role.inputs, assumeRolePolicy: pulumi.output(args.dnsSuffix).apply((s) => JSON.stringify(nodeTrustPolicy(s))) },
            { parent: this },
        );
        const attachments = plan.attachments.map(
            (a) =>
                new aws.iam.RolePolicyAttachment(
                    a.name,
                    { role: role.name, policyArn: pulumi.output(args.partition).apply((p) => managedPolicyArn(p, a.policy)) },
                    { parent: this },
                ),
        );
        new aws.eks.AccessEntry(
            plan.accessEntry.name,
            { ...plan.accessEntry.inputs, principalArn: role.arn },
            { parent: this, dependsOn: attachments },
        );
        const profile = plan.instanceProfile
            ? new aws.iam.InstanceProfile(plan.instanceProfile.name, { ...plan.instanceProfile.inputs, role: role.name }, { parent: this })
            : undefined;
        this.roleArn = role.arn;
        this.roleName = role.name;
        this.instanceProfileName = profile ? profile.name : pulumi.output(undefined);
        this.registerOutputs({
            roleArn: this.roleArn,
            roleName: this.roleName,
            instanceProfileName: this.instanceProfileName,
        });
    }
}
