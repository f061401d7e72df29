/**
 * The Karpenter versions this library supports, as data: one table per minor version with its charts, its
 * controller image, the controller's IAM policy (Karpenter's getting-started CloudFormation of that version,
 * statement for statement), the interruption events it acts on, the Kubernetes minors it supports and the
 * upgrade notes that change what an upgrade does. Everything version-dependent reads this table; the tests
 * check every entry against `reference/karpenter-<minor>/`. No imports: this layer depends on nothing.
 */

/** A statement of the controller's policy, with CloudFormation's substitutions (see {@link POLICY_SUBSTITUTIONS}). */
export interface PolicyStatementTemplate {
    Sid: string;
    Effect: "Allow";
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

/** One managed policy of the controller role: a group of statements that stays under IAM's size limit. */
export interface ControllerPolicyTemplate {
    /** Stable suffix of the policy's name and Pulumi resource name (`node-lifecycle`). */
    name: string;
    /** Only with interruption handling on (the policy names the queue). @default false */
    needsInterruptionQueue?: boolean;
    statements: PolicyStatementTemplate[];
}

/**
 * The substitutions a statement template may hold, as Karpenter's CloudFormation writes them, and what each
 * stands for. A controller policy is rendered by replacing them (keys of conditions included).
 */
export const POLICY_SUBSTITUTIONS = {
    "${AWS::Partition}": "partition",
    "${AWS::Region}": "region",
    "${AWS::AccountId}": "accountId",
    "${AWS::URLSuffix}": "dnsSuffix",
    "${ClusterName}": "clusterName",
    "${KarpenterNodeRole.Arn}": "nodeRoleArn",
    "${KarpenterInterruptionQueue.Arn}": "interruptionQueueArn",
} as const;

/** An EventBridge event Karpenter's interruption queue receives: EventBridge matches the strings exactly. */
export interface InterruptionEvent {
    /** Stable suffix of the rule's resource name. */
    name: string;
    source: string;
    detailType: string;
}

/** A note of Karpenter's upgrade guide that changes what moving past `since` does to a cluster. */
export interface UpgradeNote {
    /** The Karpenter version that brings the change. */
    since: string;
    note: string;
    /** Moving past `since` marks every existing node as drifted: every pool rolls. @default false */
    rollsEveryNode?: boolean;
}

export interface KarpenterVersion {
    /** `1.<minor>`: what `karpenter.version` names. */
    minor: string;
    /** Version of the `karpenter` chart (also its appVersion). */
    chart: string;
    /** Version of the `karpenter-crd` chart, installed and upgraded with the controller. */
    crdChart: string;
    /** The controller image of the chart's values.yaml: its tag and digest. */
    image: { tag: string; digest: string };
    /** Kubernetes minors it supports (Karpenter's compatibility matrix), as `1.<min>` to `1.<max>`. */
    kubernetesMinors: { min: number; max: number };
    /** The controller's managed policies, in the order they are created. */
    controllerPolicies: ControllerPolicyTemplate[];
    /** The interruption events of the reference's EventBridge rules. */
    interruptionEvents: InterruptionEvent[];
    /** Notes of the upgrade guide from the previous supported version up to this one. */
    upgradeNotes: UpgradeNote[];
}

const ec2 = (resource: string, account = "*") => `arn:\${AWS::Partition}:ec2:\${AWS::Region}:${account}:${resource}`;
const INSTANCE_PROFILES = "arn:${AWS::Partition}:iam::${AWS::AccountId}:instance-profile/*";
const CLUSTER_TAG = "kubernetes.io/cluster/${ClusterName}";
const CLUSTER_ARN = "arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:cluster/${ClusterName}";
const LAUNCHED = ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map((r) =>
    ec2(r),
);
const REGION_TAGS = { [`aws:ResourceTag/${CLUSTER_TAG}`]: "owned", "aws:ResourceTag/topology.kubernetes.io/region": "${AWS::Region}" };
const REQUEST_TAGS = {
    [`aws:RequestTag/${CLUSTER_TAG}`]: "owned",
    "aws:RequestTag/eks:eks-cluster-name": "${ClusterName}",
    "aws:RequestTag/topology.kubernetes.io/region": "${AWS::Region}",
};

/**
 * Karpenter 1.9's controller policy (website/content/en/v1.9/getting-started/getting-started-with-karpenter/
 * cloudformation.yaml), grouped so that no managed policy passes IAM's 6,144 characters even for a
 * 100-character cluster name. One deliberate difference: `iam:PassedToService` names EC2 in the account's
 * partition only (`ec2.${AWS::URLSuffix}`), where the reference lists both the commercial and the China name.
 */
const CONTROLLER_POLICIES_1_9: ControllerPolicyTemplate[] = [
    {
        name: "node-lifecycle",
        statements: [
            {
                Sid: "AllowScopedEC2InstanceAccessActions",
                Effect: "Allow",
                Resource: [
                    ec2("image/*", ""),
                    ec2("snapshot/*", ""),
                    ec2("security-group/*"),
                    ec2("subnet/*"),
                    ec2("capacity-reservation/*"),
                ],
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
            },
            {
                Sid: "AllowScopedEC2LaunchTemplateAccessActions",
                Effect: "Allow",
                Resource: ec2("launch-template/*"),
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                Condition: {
                    StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: "owned" },
                    StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowScopedEC2InstanceActionsWithTags",
                Effect: "Allow",
                Resource: LAUNCHED,
                Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                Condition: {
                    StringEquals: { [`aws:RequestTag/${CLUSTER_TAG}`]: "owned", "aws:RequestTag/eks:eks-cluster-name": "${ClusterName}" },
                    StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowScopedResourceCreationTagging",
                Effect: "Allow",
                Resource: LAUNCHED,
                Action: "ec2:CreateTags",
                Condition: {
                    StringEquals: {
                        [`aws:RequestTag/${CLUSTER_TAG}`]: "owned",
                        "aws:RequestTag/eks:eks-cluster-name": "${ClusterName}",
                        "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                    },
                    StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowScopedResourceTagging",
                Effect: "Allow",
                Resource: ec2("instance/*"),
                Action: "ec2:CreateTags",
                Condition: {
                    StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: "owned" },
                    StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                    StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": "${ClusterName}" },
                    "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
                },
            },
            {
                Sid: "AllowScopedDeletion",
                Effect: "Allow",
                Resource: [ec2("instance/*"), ec2("launch-template/*")],
                Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                Condition: {
                    StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: "owned" },
                    StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                },
            },
        ],
    },
    {
        name: "iam-integration",
        statements: [
            {
                Sid: "AllowPassingInstanceRole",
                Effect: "Allow",
                Resource: "${KarpenterNodeRole.Arn}",
                Action: "iam:PassRole",
                Condition: { StringEquals: { "iam:PassedToService": "ec2.${AWS::URLSuffix}" } },
            },
            {
                Sid: "AllowScopedInstanceProfileCreationActions",
                Effect: "Allow",
                Resource: INSTANCE_PROFILES,
                Action: ["iam:CreateInstanceProfile"],
                Condition: { StringEquals: REQUEST_TAGS, StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" } },
            },
            {
                Sid: "AllowScopedInstanceProfileTagActions",
                Effect: "Allow",
                Resource: INSTANCE_PROFILES,
                Action: ["iam:TagInstanceProfile"],
                Condition: {
                    StringEquals: { ...REGION_TAGS, ...REQUEST_TAGS },
                    StringLike: {
                        "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                        "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    },
                },
            },
            {
                Sid: "AllowScopedInstanceProfileActions",
                Effect: "Allow",
                Resource: INSTANCE_PROFILES,
                Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
                Condition: { StringEquals: REGION_TAGS, StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" } },
            },
            { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Resource: INSTANCE_PROFILES, Action: "iam:GetInstanceProfile" },
            { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Resource: "*", Action: "iam:ListInstanceProfiles" },
        ],
    },
    {
        name: "eks-integration",
        statements: [{ Sid: "AllowAPIServerEndpointDiscovery", Effect: "Allow", Resource: CLUSTER_ARN, Action: "eks:DescribeCluster" }],
    },
    {
        name: "resource-discovery",
        statements: [
            {
                Sid: "AllowRegionalReadActions",
                Effect: "Allow",
                Resource: "*",
                Action: [
                    "ec2:DescribeCapacityReservations",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstances",
                    "ec2:DescribeInstanceTypeOfferings",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplates",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSpotPriceHistory",
                    "ec2:DescribeSubnets",
                ],
                Condition: { StringEquals: { "aws:RequestedRegion": "${AWS::Region}" } },
            },
            {
                Sid: "AllowSSMReadActions",
                Effect: "Allow",
                Resource: "arn:${AWS::Partition}:ssm:${AWS::Region}::parameter/aws/service/*",
                Action: "ssm:GetParameter",
            },
            { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: "pricing:GetProducts" },
        ],
    },
    {
        name: "interruption",
        needsInterruptionQueue: true,
        statements: [
            {
                Sid: "AllowInterruptionQueueActions",
                Effect: "Allow",
                Resource: "${KarpenterInterruptionQueue.Arn}",
                Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
            },
        ],
    },
];

/** What a newer version's reference adds to an older one's policy: resources and actions by Sid, and new policies. */
interface PolicyAmendment {
    resources?: Record<string, string[]>;
    actions?: Record<string, string[]>;
    policies?: ControllerPolicyTemplate[];
}

/** `base` with `amendment`: values added to a statement's list are kept sorted where the reference sorts them. */
function amend(base: ControllerPolicyTemplate[], amendment: PolicyAmendment): ControllerPolicyTemplate[] {
    const extend = (value: string | string[], extra: string[] | undefined, sort: boolean) => {
        if (!extra) return value;
        const list = [...[value].flat(), ...extra];
        return sort ? list.sort((a, b) => a.localeCompare(b, "en")) : list;
    };
    return [
        ...base.map((p) => ({
            ...p,
            statements: p.statements.map((s) => ({
                ...s,
                Resource: extend(s.Resource, amendment.resources?.[s.Sid], false),
                Action: extend(s.Action, amendment.actions?.[s.Sid], true),
            })),
        })),
        ...(amendment.policies ?? []),
    ];
}

const INTERRUPTION_EVENTS_1_9: InterruptionEvent[] = [
    { name: "scheduled-change", source: "aws.health", detailType: "AWS Health Event" },
    { name: "spot-interruption", source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
    { name: "rebalance", source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
    { name: "instance-state-change", source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
];

/** The supported Karpenter versions, by the minor `karpenter.version` names. */
export const KARPENTER_VERSIONS = {
    "1.9": {
        minor: "1.9",
        chart: "1.9.0",
        crdChart: "1.9.0",
        image: { tag: "1.9.0", digest: "sha256:30a506c64fbb1d8026cbfd9a1d662be3ab6e33a7999290a104085d78b49a69d7" },
        kubernetesMinors: { min: 26, max: 35 },
        controllerPolicies: CONTROLLER_POLICIES_1_9,
        interruptionEvents: INTERRUPTION_EVENTS_1_9,
        upgradeNotes: [],
    },
    "1.14": {
        minor: "1.14",
        chart: "1.14.1",
        crdChart: "1.14.1",
        image: { tag: "1.14.1", digest: "sha256:445baefaaa689029cc12ac1f659b916b0b82fb14308ce536f8521fcf079116fa" },
        kubernetesMinors: { min: 26, max: 36 },
        controllerPolicies: amend(CONTROLLER_POLICIES_1_9, {
            resources: { AllowScopedEC2InstanceAccessActions: [ec2("placement-group/*")] },
            actions: { AllowRegionalReadActions: ["ec2:DescribeInstanceStatus", "ec2:DescribePlacementGroups"] },
            policies: [
                {
                    name: "zonal-shift",
                    statements: [
                        {
                            Sid: "AllowZonalShiftStatusReadOnly",
                            Effect: "Allow",
                            Resource: "*",
                            Action: ["arc-zonal-shift:GetManagedResource"],
                            Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": CLUSTER_ARN } },
                        },
                    ],
                },
            ],
        }),
        interruptionEvents: [
            ...INTERRUPTION_EVENTS_1_9,
            {
                name: "capacity-reservation-interruption",
                source: "aws.ec2",
                detailType: "EC2 Capacity Reservation Instance Interruption Warning",
            },
        ],
        upgradeNotes: [
            { since: "1.10.0", note: "an EventBridge rule for Capacity Reservation instance interruption warnings (interruptible ODCRs)" },
            {
                since: "1.11.0",
                note: "placement groups: ec2:DescribePlacementGroups and placement-group resources in the controller policy",
            },
            {
                since: "1.12.0",
                note: "drift on the CA bundle: the new hashing marks every existing node as drifted; ec2:DescribeInstanceStatus is required; zonal shift (opt-in) needs arc-zonal-shift:GetManagedResource",
                rollsEveryNode: true,
            },
            {
                since: "1.14.0",
                note: "a new CRD, capacitybuffers.autoscaling.x-k8s.io, installed by the karpenter-crd chart before the controller; Balanced consolidation and DRA are opt-in",
            },
        ],
    },
} satisfies Record<string, KarpenterVersion>;

/** A minor version `karpenter.version` may name. */
export type KarpenterMinor = keyof typeof KARPENTER_VERSIONS;

/** The version a stack gets where config names none: the one Karpenter's guide of this library pins. */
export const DEFAULT_KARPENTER_VERSION: KarpenterMinor = "1.9";

export function isKarpenterMinor(value: unknown): value is KarpenterMinor {
    return typeof value === "string" && Object.prototype.hasOwnProperty.call(KARPENTER_VERSIONS, value);
}

/** The supported version whose chart is `chartVersion`, if any. */
export function karpenterVersionOfChart(chartVersion: string): KarpenterVersion | undefined {
    return Object.values(KARPENTER_VERSIONS).find((v) => v.chart === chartVersion);
}

/** Whether a Kubernetes minor (`1.NN`) is one `version` supports; the supported range for the error. */
export function supportsKubernetes(version: KarpenterVersion, kubernetesVersion: string): boolean {
    const minor = Number(/^1\.([0-9]+)$/.exec(kubernetesVersion)?.[1]);
    return minor >= version.kubernetesMinors.min && minor <= version.kubernetesMinors.max;
}

/** The supported Kubernetes range of a version, as the errors say it. */
export function kubernetesRange(version: KarpenterVersion): string {
    return `1.${version.kubernetesMinors.min} to 1.${version.kubernetesMinors.max}`;
}
