import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
    BudgetNotificationType,
    CostBudgetArgs,
    budgetCostFilters,
    budgetNotifications,
    resolveCostBudgetArgs,
} from "../../../infra/addons/budget";
import { summarizeNodePoolLimits } from "../../../infra/addons/node-pool-limits";
import { configError } from "./config-errors";

const base: CostBudgetArgs = { budgetName: "dev-monthly-cost", limitAmount: 500, emailAddresses: ["platform-team@example.com"] };

describe("budget notifications", () => {
    test("default: 80% actual and 100% forecast, to every subscriber", () => {
        const b = resolveCostBudgetArgs({ ...base, snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:alerts" });
        assert.deepEqual(budgetNotifications(b), [
            {
                comparisonOperator: "GREATER_THAN",
                threshold: 80,
                thresholdType: "PERCENTAGE",
                notificationType: "ACTUAL",
                subscriberEmailAddresses: ["platform-team@example.com"],
                subscriberSnsTopicArns: ["arn:aws:sns:eu-west-1:123456789012:alerts"],
            },
            {
                comparisonOperator: "GREATER_THAN",
                threshold: 100,
                thresholdType: "PERCENTAGE",
                notificationType: "FORECASTED",
                subscriberEmailAddresses: ["platform-team@example.com"],
                subscriberSnsTopicArns: ["arn:aws:sns:eu-west-1:123456789012:alerts"],
            },
        ]);
    });

    test("SNS only: no e-mail subscribers; type defaults to ACTUAL", () => {
        const b = resolveCostBudgetArgs({
            ...base,
            emailAddresses: [],
            snsTopicArn: "arn:aws-cn:sns:cn-north-1:123456789012:alerts",
            notifications: [{ threshold: 150 }],
        });
        const [n] = budgetNotifications(b);
        assert.equal(n.notificationType, "ACTUAL");
        assert.equal(n.threshold, 150);
        assert.equal(n.subscriberEmailAddresses, undefined);
        assert.deepEqual(n.subscriberSnsTopicArns, ["arn:aws-cn:sns:cn-north-1:123456789012:alerts"]);
    });

    test("cost filter: the account, or spend carrying a cost allocation tag", () => {
        assert.equal(budgetCostFilters({}), undefined);
        assert.deepEqual(budgetCostFilters({ environment: "dev" }), [{ name: "TagKeyValue", values: ["user:environment$dev"] }]);
    });
});

describe("resolveCostBudgetArgs", () => {
    for (const threshold of [0, 0.5, 1001, Number.NaN]) {
        test(`threshold ${threshold}% is refused`, () => {
            configError(
                () => resolveCostBudgetArgs({ ...base, notifications: [{ threshold: 80 }, { threshold }] }),
                "CostBudget.notifications[1].threshold",
            );
        });
    }

    test("thresholds of 1% and 1000% are accepted", () => {
        const b = resolveCostBudgetArgs({
            ...base,
            notifications: [{ threshold: 1 }, { threshold: 1000, type: BudgetNotificationType.Forecasted }],
        });
        assert.deepEqual(
            b.notifications.map((n) => n.threshold),
            [1, 1000],
        );
    });

    for (const email of ["platform-team", "platform team@example.com", "a@b", "@example.com"]) {
        test(`e-mail ${JSON.stringify(email)} is refused`, () => {
            const e = configError(
                () => resolveCostBudgetArgs({ ...base, emailAddresses: ["ok@example.com", email] }),
                "CostBudget.emailAddresses[1]",
            );
            assert.equal(e.value, email);
        });
    }

    test("other refusals", () => {
        configError(
            () => resolveCostBudgetArgs({ ...base, notifications: [{ threshold: 80, type: "ESTIMATED" as BudgetNotificationType }] }),
            "CostBudget.notifications[0].type",
        );
        configError(
            () =>
                resolveCostBudgetArgs({
                    ...base,
                    notifications: [{ threshold: 80 }, { threshold: 80, type: BudgetNotificationType.Actual }],
                }),
            "CostBudget.notifications",
        );
        configError(() => resolveCostBudgetArgs({ ...base, notifications: [] }), "CostBudget.notifications");
        configError(() => resolveCostBudgetArgs({ ...base, limitAmount: 0 }), "CostBudget.limitAmount");
        configError(() => resolveCostBudgetArgs({ ...base, emailAddresses: [] }), "CostBudget.emailAddresses");
        configError(
            () => resolveCostBudgetArgs({ ...base, emailAddresses: Array.from({ length: 11 }, (_, i) => `p${i}@example.com`) }),
            "CostBudget.emailAddresses",
        );
        configError(
            () => resolveCostBudgetArgs({ ...base, snsTopicArn: "arn:aws:sqs:eu-west-1:123456789012:q" }),
            "CostBudget.snsTopicArn",
        );
        configError(() => resolveCostBudgetArgs({ ...base, budgetName: "a:b" }), "CostBudget.budgetName");
    });
});

describe("NodePool limits summary", () => {
    test("totals CPU in cores and memory in Gi", () => {
        assert.deepEqual(
            summarizeNodePoolLimits("limits", { general: { cpu: "100", memory: "400Gi" }, batch: { cpu: "500m", memory: "512Mi" } }),
            {
                pools: { general: { cpu: "100", memory: "400Gi" }, batch: { cpu: "500m", memory: "512Mi" } },
                total: { cpu: "100.5", memory: "400.5Gi" },
            },
        );
    });

    test("a pool without a limit makes the total unlimited; so does having no pool", () => {
        assert.deepEqual(summarizeNodePoolLimits("limits", { general: { cpu: "100" } }).total, { cpu: "100", memory: "unlimited" });
        assert.deepEqual(summarizeNodePoolLimits("limits", {}).total, { cpu: "unlimited", memory: "unlimited" });
    });

    test("a malformed quantity names the pool", () => {
        configError(
            () => summarizeNodePoolLimits("Environment.nodePoolLimits", { gpu: { memory: "1TB" } }),
            "Environment.nodePoolLimits.gpu.memory",
        );
    });
});
