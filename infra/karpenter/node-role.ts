import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
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
    /** Tags for the role. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The IAM role of the EC2 nodes Karpenter launches, with the four managed policies and the
 * `EC2_LINUX` access entry without which nodes launch but never join the cluster.
 */
export class NodeRole extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;
    /** Name of the pre-created instance profile; undefined unless `createInstanceProfile`. */
    public readonly instanceProfileName: pulumi.Output<string | undefined>;

    constructor(name: string, args: NodeRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("NodeRole"), name, {}, componentOptions("NodeRole", opts));
        const role = new aws.iam.Role(
            name,
            {
                name: args.roleName,
                assumeRolePolicy: pulumi.output(args.dnsSuffix).apply((s) => JSON.stringify(nodeTrustPolicy(s))),
                tags: args.tags,
            },
            { parent: this },
        );
        const attachments = NODE_MANAGED_POLICIES.map(
            (policy) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-${policy}`,
                    {
                        role: role.name,
                        policyArn: pulumi.output(args.partition).apply((p) => managedPolicyArn(p, policy)),
                    },
                    { parent: this },
                ),
        );
        new aws.eks.AccessEntry(
            name,
            { clusterName: args.clusterName, principalArn: role.arn, type: "EC2_LINUX", tags: args.tags },
            { parent: this, dependsOn: attachments },
        );
        const profile = args.createInstanceProfile
            ? new aws.iam.InstanceProfile(name, { name: args.roleName, role: role.name, tags: args.tags }, { parent: this })
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
