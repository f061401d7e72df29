import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { ConfigError } from "../../infra/errors";
import { GuardrailError } from "../../infra/guardrails/enforce";
import { CONTROLLER_LOG_ALARMS, IMAGE_GC_DEFAULTS } from "../../infra/model/observability";
import { ACCOUNT_ID } from "../../offline/mocks";
import { Program, failure, lastRegistrations, runProgram } from "../harness";
import { ec2NodeClassErrors } from "../infra/nodes/crds";

const statements = (policy: string) => JSON.parse(policy).Statement as any[];

for (const stack of ["dev", "prod"] as const) {
    describe(`${stack}: monitoring and alerts under mocks`, () => {
        let p: Program;
        const cluster = `eks-karpenter-${stack}`;
        const group = `/aws/eks/${cluster}/fargate`;
        before(async () => {
            p = await runProgram(stack);
        });

        test("Fargate's log router: its namespace, its ConfigMap's keys and output, a retained group", () => {
            const ns = p.one("kubernetes:core/v1:Namespace", `${stack}-observability-aws-observability`);
            assert.deepEqual(ns.inputs.metadata, { name: "aws-observability", labels: { "aws-observability": "enabled" } });
            const cm = p.one("kubernetes:core/v1:ConfigMap", `${stack}-observability-aws-logging`);
            assert.deepEqual(cm.inputs.metadata, { name: "aws-logging", namespace: "aws-observability" });
            assert.deepEqual(Object.keys(cm.inputs.data).sort(), ["filters.conf", "flb_log_cw", "output.conf", "parsers.conf"]);
            assert.match(cm.inputs.data["output.conf"], new RegExp(`log_group_name ${group}\\n`));
            assert.match(cm.inputs.data["output.conf"], /region eu-west-1\n/);
            assert.match(cm.inputs.data["output.conf"], /auto_create_group false/);
            assert.match(cm.inputs.data["filters.conf"], /Merge_Log On/);
            assert.ok(Object.values<string>(cm.inputs.data).join("").length <= 5300, "EKS's limit on the ConfigMap");
            const lg = p.one("aws:cloudwatch/logGroup:LogGroup");
            assert.equal(lg.inputs.name, group);
            assert.equal(lg.inputs.retentionInDays, stack === "prod" ? 30 : 7);
        });

        test("the pod execution role may write streams of that group only", () => {
            const policy = p.one("aws:iam/rolePolicy:RolePolicy", `${stack}-observability-fargate-log-router`);
            assert.equal(policy.inputs.role, p.one("aws:iam/role:Role", `${stack}-karpenter-fargate-pod-execution`).inputs.name);
            const [s] = statements(policy.inputs.policy);
            const arn = `arn:aws:logs:eu-west-1:${ACCOUNT_ID}:log-group:${group}`;
            assert.deepEqual(s.Resource, [arn, `${arn}:*`]);
            assert.deepEqual(s.Action, ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]);
        });

        test("the controller starts after its log routing exists", () => {
            const release = p.one("kubernetes:helm.sh/v3:Release", `${stack}-karpenter`);
            assert.ok(p.dependsOn(release, p.one("kubernetes:core/v1:ConfigMap", `${stack}-observability-aws-logging`)));
            assert.ok(p.dependsOn(release, p.one("aws:iam/rolePolicy:RolePolicy", `${stack}-observability-fargate-log-router`)));
            assert.equal(release.inputs.values.settings.featureGates.nodeRepair, false);
        });

        test("every alarm notifies the alerts topic; the topic admits CloudWatch, Budgets and Cost Anomaly Detection of this account", () => {
            const topic = p.one("aws:sns/topic:Topic");
            const arn = `arn:aws:sns:eu-west-1:${ACCOUNT_ID}:${cluster}-alerts`;
            assert.equal(topic.outputs.arn, arn);
            const alarms = p.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
            assert.equal(alarms.length, CONTROLLER_LOG_ALARMS.length + 4);
            for (const a of alarms) assert.deepEqual(a.inputs.alarmActions, [arn], a.name);
            const policy = statements(p.one("aws:sns/topicPolicy:TopicPolicy").inputs.policy);
            assert.deepEqual(
                policy.map((s) => s.Principal.Service),
                ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "costalerts.amazonaws.com"],
            );
            for (const s of policy) assert.equal(s.Condition.StringEquals["aws:SourceAccount"], ACCOUNT_ID, s.Sid);
            const subscriptions = p.ofType("aws:sns/topicSubscription:TopicSubscription").map((s) => s.inputs.endpoint);
            assert.deepEqual(subscriptions, stack === "prod" ? ["platform-oncall@example.com"] : []);
        });

        test("metric filters carry the model's patterns on the Fargate group", () => {
            const filters = p.ofType("aws:cloudwatch/logMetricFilter:LogMetricFilter");
            assert.deepEqual(filters.map((f) => f.inputs.pattern).sort(), CONTROLLER_LOG_ALARMS.map((a) => a.filterPattern).sort());
            for (const f of filters) {
                assert.equal(f.inputs.logGroupName, group);
                assert.equal(f.inputs.metricTransformation.namespace, `EKSKarpenter/${cluster}`);
                assert.ok(p.dependsOn(f, p.one("aws:cloudwatch/logGroup:LogGroup")), "created after its group");
            }
        });

        test("queue alarms name the interruption queue; disk alarms the two paths at 80 and 90 %", () => {
            const queue = p.one("aws:sqs/queue:Queue").inputs.name;
            const oldest = p.one("aws:cloudwatch/metricAlarm:MetricAlarm", `${stack}-observability-queue-oldest-message`);
            assert.deepEqual(
                [oldest.inputs.metricName, oldest.inputs.dimensions, oldest.inputs.threshold],
                ["ApproximateAgeOfOldestMessage", { QueueName: queue }, 120],
            );
            const visible = p.one("aws:cloudwatch/metricAlarm:MetricAlarm", `${stack}-observability-queue-visible-messages`);
            assert.deepEqual([visible.inputs.metricName, visible.inputs.threshold], ["ApproximateNumberOfMessagesVisible", 100]);
            const disk = (id: string) => p.one("aws:cloudwatch/metricAlarm:MetricAlarm", `${stack}-observability-disk-${id}`).inputs;
            assert.deepEqual([disk("root").dimensions, disk("root").threshold], [{ path: "/" }, 80]);
            assert.deepEqual([disk("containerd").dimensions, disk("containerd").threshold], [{ path: "/var/lib/containerd" }, 90]);
            const config = JSON.parse(
                p.one("kubernetes:core/v1:ConfigMap", `${stack}-observability-disk-agent`).inputs.data["cwagentconfig.json"],
            );
            assert.equal(config.metrics.namespace, disk("root").namespace);
            assert.deepEqual(config.metrics.metrics_collected.disk.resources, ["/", "/var/lib/containerd"]);
            const put = statements(p.one("aws:iam/rolePolicy:RolePolicy", `${stack}-observability-disk-metrics`).inputs.policy)[0];
            assert.equal(put.Condition.StringEquals["cloudwatch:namespace"], `EKSKarpenter/${cluster}`);
            const ds = p.one("kubernetes:apps/v1:DaemonSet", `${stack}-observability-disk-agent`).inputs.spec.template.spec;
            assert.equal(ds.hostNetwork, true);
            assert.deepEqual(ds.tolerations, [{ operator: "Exists" }]);
        });

        test("cost anomalies of the environment's tag reach the topic above 100 USD", () => {
            const monitor = p.one("aws:costexplorer/anomalyMonitor:AnomalyMonitor");
            assert.deepEqual(JSON.parse(monitor.inputs.monitorSpecification), {
                Tags: { Key: "environment", Values: [stack], MatchOptions: ["EQUALS"] },
            });
            const sub = p.one("aws:costexplorer/anomalySubscription:AnomalySubscription");
            assert.deepEqual(sub.inputs.monitorArnLists, [monitor.outputs.arn]);
            assert.deepEqual(sub.inputs.subscribers, [{ type: "SNS", address: p.one("aws:sns/topic:Topic").outputs.arn }]);
            assert.deepEqual(sub.inputs.thresholdExpression.dimension.values, ["100"]);
        });

        test("kubelet image GC on the EC2NodeClass below the containerd alarm, accepted by the CRD", () => {
            const nodeClass = p.ofType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")[0];
            assert.deepEqual(nodeClass.inputs.spec.kubelet, {
                imageGCHighThresholdPercent: IMAGE_GC_DEFAULTS.highThresholdPercent,
                imageGCLowThresholdPercent: IMAGE_GC_DEFAULTS.lowThresholdPercent,
            });
            assert.ok(IMAGE_GC_DEFAULTS.highThresholdPercent < 90);
            assert.deepEqual(ec2NodeClassErrors(nodeClass.inputs), []);
            // Negative control: the CRD's rule refuses high at or below low.
            const swapped = {
                ...nodeClass.inputs,
                spec: { ...nodeClass.inputs.spec, kubelet: { imageGCHighThresholdPercent: 80, imageGCLowThresholdPercent: 85 } },
            };
            assert.ok(ec2NodeClassErrors(swapped).includes("imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent"));
        });

        test("the node monitoring agent in prod only; the logs key policy where the cluster has a key", () => {
            const agent = p.ofType("aws:eks/addon:Addon").filter((a) => a.inputs.addonName === "eks-node-monitoring-agent");
            assert.equal(agent.length, stack === "prod" ? 1 : 0);
            const keyPolicies = p.ofType("aws:kms/keyPolicy:KeyPolicy");
            if (stack === "dev") {
                assert.equal(keyPolicies.length, 0);
                assert.equal(p.one("aws:cloudwatch/logGroup:LogGroup").inputs.kmsKeyId, undefined);
                return;
            }
            const key = p.one("aws:kms/key:Key").outputs.arn;
            assert.equal(keyPolicies[0].inputs.keyId, key);
            assert.equal(p.one("aws:cloudwatch/logGroup:LogGroup").inputs.kmsKeyId, key);
            const [root, logs] = statements(keyPolicies[0].inputs.policy);
            assert.equal(root.Principal.AWS, `arn:aws:iam::${ACCOUNT_ID}:root`, "the account keeps the key");
            assert.equal(logs.Principal.Service, "logs.eu-west-1.amazonaws.com");
            assert.equal(
                logs.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"],
                `arn:aws:logs:eu-west-1:${ACCOUNT_ID}:log-group:${group}`,
            );
            assert.ok(
                p.dependsOn(p.one("aws:cloudwatch/logGroup:LogGroup"), keyPolicies[0]),
                "the group waits for the key to admit CloudWatch Logs",
            );
        });
    });
}

describe("monitoring settings and guardrail", () => {
    test("dev's budget, naming no topic, notifies the alerts topic", async () => {
        const p = await runProgram("dev");
        const arn = p.one("aws:sns/topic:Topic").outputs.arn;
        for (const n of p.one("aws:budgets/budget:Budget").inputs.notifications) assert.deepEqual(n.subscriberSnsTopicArns, [arn]);
    });

    test("prod without a subscriber stops before anything is registered (guardrail alerts-reach-someone)", async () => {
        const e = await failure(runProgram("prod", { observability: {} }));
        assert.ok(e instanceof GuardrailError);
        assert.deepEqual(
            e.violations.map((v) => v.rule),
            ["alerts-reach-someone"],
        );
        assert.match(e.message, /SNS topic prod-observability-alerts has no subscription/);
        assert.deepEqual(
            lastRegistrations().filter((r) => r.custom),
            [],
        );
        // Negative control: dev does not require it.
        await runProgram("dev", { observability: {} });
        // Prod with an existing topic (its subscribers are managed where it is) passes.
        await runProgram("prod", { observability: { alerts: { topicArn: `arn:aws:sns:eu-west-1:${ACCOUNT_ID}:ops` } } });
    });

    test("prod with monitoring off: the budget has no alerts path of its own when it names no topic", async () => {
        const e = await failure(
            runProgram("prod", { observability: { enabled: false }, budget: { limitAmount: 100, emailAddresses: ["a@example.com"] } }),
        );
        assert.ok(e instanceof GuardrailError);
        assert.match(e.message, /budget prod-budget notification 0 notifies no SNS topic/);
    });

    test("bad values are refused, naming the config key, before any registration", async () => {
        for (const [overrides, setting] of [
            [{ observability: { logRetentionDays: 10 } }, "eks-karpenter:observability.logRetentionDays"],
            [{ observability: { nodeDisks: { rootThresholdPercent: 100 } } }, "eks-karpenter:observability.nodeDisks.rootThresholdPercent"],
            [
                { observability: { queueAlarms: { oldestMessageAgeSeconds: 300 } } },
                "eks-karpenter:observability.queueAlarms.oldestMessageAgeSeconds",
            ],
            [
                { observability: { alerts: { topicArn: "arn:aws:sqs:eu-west-1:123456789012:q" } } },
                "eks-karpenter:observability.alerts.topicArn",
            ],
            [{ observability: { alerts: { emailAddresses: ["not-an-address"] } } }, "eks-karpenter:observability.alerts.emailAddresses[0]"],
        ] as const) {
            const e = await failure(runProgram("dev", overrides));
            assert.ok(e instanceof ConfigError, JSON.stringify(overrides));
            assert.equal(e.setting, setting);
            assert.deepEqual(
                lastRegistrations().filter((r) => r.custom),
                [],
            );
        }
    });

    test("observability.enabled false registers none of it (negative control for the counts above)", async () => {
        const p = await runProgram("dev", { observability: { enabled: false } });
        for (const type of [
            "aws:sns/topic:Topic",
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "aws:costexplorer/anomalyMonitor:AnomalyMonitor",
        ]) {
            assert.equal(p.ofType(type).length, 0, type);
        }
        assert.equal(p.ofType("kubernetes:core/v1:ConfigMap").filter((c) => c.inputs.metadata.name === "aws-logging").length, 0);
    });
});
