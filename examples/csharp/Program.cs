// The prod stack (stacks/prod.ts with Pulumi.prod.yaml) as a C# program: the same Environment component
// with the same settings, the same stack outputs. Every type and member here comes from the SDK that
// `pulumi package add` generates from the package schema (`npm run schema` in the repository root).
//
// Not compiled by the repository's CI (its NuGet dependencies are not reachable there); the repository's
// tests check every class, property and enum value here against the schema and that these settings equal
// examples/yaml's, which they run against the prod stack under Pulumi's mocks.
using System.Collections.Generic;
using Pulumi;
using EksKarpenter = Pulumi.EksKarpenter;

return await Deployment.RunAsync(() =>
{
    var environment = new EksKarpenter.Environment("prod", new EksKarpenter.EnvironmentArgs
    {
        // Private API endpoint only, secrets encrypted with KMS, control-plane logs, deletion protection.
        Cluster = new EksKarpenter.Inputs.ClusterSettingsArgs
        {
            ClusterName = "eks-karpenter-prod",
            KubernetesVersion = "1.35",
            EndpointPublicAccess = false,
            EnabledClusterLogTypes =
            {
                EksKarpenter.ClusterLogType.Api,
                EksKarpenter.ClusterLogType.Audit,
                EksKarpenter.ClusterLogType.Authenticator,
            },
            SecretsEncryption = true,
            Protect = true,
            // HTTPS to the private endpoint from the VPC (a runner or VPN there): the cluster security group admits only itself.
            DeployerCidrs = { "10.20.0.0/16" },
        },
        // A private cluster: no public subnets, no NAT; AWS APIs through VPC endpoints, the controller
        // image through an ECR pull-through cache of ECR Public.
        Network = new EksKarpenter.Inputs.NetworkSettingsArgs
        {
            CidrBlock = "10.20.0.0/16",
            ZoneCount = 3,
        },
        PrivateCluster = true,
        Karpenter = new EksKarpenter.Inputs.EnvironmentKarpenterArgs
        {
            SpotToSpotConsolidation = false,
            Replicas = 2,
            Requests = new EksKarpenter.Inputs.KarpenterResourcesArgs
            {
                Cpu = "1",
                Memory = "1Gi",
            },
        },
        Addons = new EksKarpenter.Inputs.EnvironmentAddonsArgs
        {
            CoreDns = new EksKarpenter.Inputs.CoreDnsOptionsArgs
            {
                Placement = EksKarpenter.CoreDnsPlacement.Fargate,
                Replicas = 3,
            },
            // A deleted claim must not take production data with it.
            StorageClass = new EksKarpenter.Inputs.StorageClassOptionsArgs
            {
                ReclaimPolicy = EksKarpenter.ReclaimPolicy.Retain,
            },
            Namespaces =
            {
                new EksKarpenter.Inputs.WorkloadNamespaceArgs
                {
                    Name = "payments",
                    DefaultCpuRequest = "250m",
                    DefaultMemory = "512Mi",
                    Labels =
                    {
                        { "pod-security.kubernetes.io/enforce", "restricted" },
                    },
                    Quota = new EksKarpenter.Inputs.WorkloadNamespaceQuotaArgs
                    {
                        Cpu = "64",
                        Memory = "128Gi",
                        Pods = 500,
                    },
                },
                new EksKarpenter.Inputs.WorkloadNamespaceArgs
                {
                    Name = "web",
                    DefaultCpuRequest = "100m",
                    DefaultMemory = "256Mi",
                    Labels =
                    {
                        { "pod-security.kubernetes.io/enforce", "baseline" },
                    },
                },
            },
        },
        Budget = new EksKarpenter.Inputs.CostBudgetSettingsArgs
        {
            LimitAmount = 5000,
            EmailAddresses =
            {
                "platform-team@example.com",
                "finops@example.com",
            },
            SnsTopicArn = "arn:aws:sns:eu-west-1:123456789012:prod-cost-alerts",
            Notifications =
            {
                new EksKarpenter.Inputs.BudgetNotificationArgs { Threshold = 50, Type = EksKarpenter.BudgetNotificationType.Actual },
                new EksKarpenter.Inputs.BudgetNotificationArgs { Threshold = 80, Type = EksKarpenter.BudgetNotificationType.Actual },
                new EksKarpenter.Inputs.BudgetNotificationArgs { Threshold = 100, Type = EksKarpenter.BudgetNotificationType.Actual },
                new EksKarpenter.Inputs.BudgetNotificationArgs { Threshold = 100, Type = EksKarpenter.BudgetNotificationType.Forecasted },
            },
        },
        // Alarms, cost anomalies and the budget reach the alerts topic these addresses subscribe to.
        Observability = new EksKarpenter.Inputs.ObservabilitySettingsArgs
        {
            Alerts = new EksKarpenter.Inputs.AlertSettingsArgs { EmailAddresses = { "platform-oncall@example.com" } },
        },
        Guardrails = new EksKarpenter.Inputs.GuardrailSettingsArgs { RequireAlertSubscribers = true },
        // The guides' 70 % Spot / 30 % On-Demand split, by a capacity-spread label across paired pools.
        Nodes = new EksKarpenter.Inputs.EnvironmentNodesArgs
        {
            NodeClasses =
            {
                new EksKarpenter.Inputs.NodeClassSettingsArgs
                {
                    Name = "default",
                    DataVolume = new EksKarpenter.Inputs.DataVolumeArgs
                    {
                        SizeGiB = 200,
                        Iops = 10000,
                        ThroughputMiBps = 500,
                    },
                },
            },
            DefaultPools = new EksKarpenter.Inputs.DefaultNodePoolsOptionsArgs
            {
                Profile = EksKarpenter.NodePoolProfile.Prod,
                SpotPercent = 70,
                // The GPU pool is opt-in: its nodes need NVIDIA's device plugin image mirrored (README).
                Gpu = false,
            },
            // Added to the default pools: a team's own pool (README: Team classes and pools from the stack file).
            NodePools =
            {
                new EksKarpenter.Inputs.NodePoolSettingsArgs
                {
                    Name = "billing-team",
                    NodeClassName = "default",
                    Weight = 80,
                    Labels = { { "billing-team", "my-team" } },
                    Taints =
                    {
                        new EksKarpenter.Inputs.TaintArgs { Key = "billing-team", Value = "my-team", Effect = EksKarpenter.TaintEffect.NoSchedule },
                    },
                    Architectures = { EksKarpenter.Architecture.Arm64 },
                    CapacityTypes = { EksKarpenter.CapacityType.Spot, EksKarpenter.CapacityType.OnDemand },
                    InstanceFamilies = { "c8g", "m8g", "r8g", "c7g", "m7g", "r7g" },
                    ExcludedInstanceSizes = { "nano", "micro", "small", "metal", "metal-24xl", "metal-48xl" },
                    ExcludedInstanceTypes = { "c7g.16xlarge", "m7g.16xlarge", "r7g.16xlarge", "c8g.48xlarge", "m8g.48xlarge", "r8g.48xlarge" },
                    Limits = new EksKarpenter.Inputs.NodePoolLimitsArgs { Cpu = "200", Memory = "800Gi" },
                },
            },
        },
        Tags =
        {
            { "environment", "prod" },
            { "managed-by", "pulumi" },
            { "team", "platform" },
            { "cost-center", "eng-prod" },
        },
    });

    // The stack outputs of the TypeScript stacks (index.ts); the kubeconfig is a secret.
    return new Dictionary<string, object?>
    {
        ["clusterName"] = environment.ClusterName,
        ["clusterEndpoint"] = environment.ClusterEndpoint,
        ["kubeconfig"] = environment.Kubeconfig,
        ["controllerRoleArn"] = environment.ControllerRoleArn,
        ["nodeRoleName"] = environment.NodeRoleName,
        ["interruptionQueueName"] = environment.InterruptionQueueName,
        ["addonVersions"] = environment.AddonVersions,
        ["workloadNamespaces"] = environment.WorkloadNamespaces,
        ["budgetName"] = environment.BudgetName,
        ["nodePoolLimits"] = environment.NodePoolLimits,
    };
});
