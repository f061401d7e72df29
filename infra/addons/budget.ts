import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { check } from "../errors";
import { ResourceDescription } from "../guardrails/types";
import { TYPES } from "../model/tokens";
import { EMAIL_ADDRESS, SNS_TOPIC_ARN } from "../model/observability";

/** What a budget notification compares with its threshold. */
export enum BudgetNotificationType {
    /** The spend so far this month. */
    Actual = "ACTUAL",
    /** The spend projected for the whole month. */
    Forecasted = "FORECASTED",
}

/** A notification at a percentage of the monthly limit. */
export interface BudgetNotification {
    /** Percent of the monthly limit that triggers the notification, 1–1000. */
    threshold: number;
    /** Actual (spent so far this month) or Forecasted (projected for the whole month). @default BudgetNotificationType.Actual */
    type?: BudgetNotificationType;
}

/** A monthly cost budget's limit, notifications and subscribers: what an environment lets its user choose. */
export interface CostBudgetSettings {
    /** Monthly limit in USD. */
    limitAmount: number;
    /**
     * When to notify. AWS Budgets allows ten per budget.
     * @default [{ threshold: 80, type: Actual }, { threshold: 100, type: Forecasted }]
     */
    notifications?: BudgetNotification[];
    /** E-mail addresses notified (at most ten). @default [] */
    emailAddresses?: string[];
    /**
     * An SNS topic notified (for chat or paging); its policy must let `budgets.amazonaws.com` publish.
     * @default none
     */
    snsTopicArn?: string;
    /**
     * Count only spend tagged with one of these cost allocation tags (activated in the Billing console;
     * an inactive tag matches nothing and the budget stays at zero).
     * @default {} (the whole account)
     */
    costAllocationTags?: Record<string, string>;
}

export interface CostBudgetArgs extends CostBudgetSettings {
    /** Physical budget name, unique in the account: at most 100 characters, no ':' or '\'. */
    budgetName: string;
    /**
     * The environment's alerts topic (its policy admits AWS Budgets): notified when `snsTopicArn` is unset,
     * since AWS Budgets takes one SNS subscriber per notification. @default none
     */
    alertsTopicArn?: pulumi.Input<string>;
    /** Tags for the budget. @default {} */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export const DEFAULT_BUDGET_NOTIFICATIONS: BudgetNotification[] = [
    { threshold: 80, type: BudgetNotificationType.Actual },
    { threshold: 100, type: BudgetNotificationType.Forecasted },
];


/** Args with defaults applied and every value checked; throws ConfigError naming the setting. */
export function resolveCostBudgetArgs(args: CostBudgetArgs) {
    check(
        typeof args.budgetName === "string" && /^[^:\\]{1,100}$/.test(args.budgetName),
        "CostBudget.budgetName",
        args.budgetName,
        "1 to 100 characters, none of them ':' or '\\'",
    );
    check(
        typeof args.limitAmount === "number" && Number.isFinite(args.limitAmount) && args.limitAmount > 0,
        "CostBudget.limitAmount",
        args.limitAmount,
        "a positive amount of USD per month",
    );
    const notifications = (args.notifications ?? DEFAULT_BUDGET_NOTIFICATIONS).map((n, i) => {
        const at = `CostBudget.notifications[${i}]`;
        check(
            typeof n.threshold === "number" && n.threshold >= 1 && n.threshold <= 1000,
            `${at}.threshold`,
            n.threshold,
            "a percentage of the limit from 1 to 1000",
        );
        const type = n.type ?? BudgetNotificationType.Actual;
        const types = Object.values(BudgetNotificationType) as string[];
        check(types.includes(type), `${at}.type`, type, `one of ${types.join(", ")}`);
        return { threshold: n.threshold, type };
    });
    check(notifications.length >= 1 && notifications.length <= 10, "CostBudget.notifications", args.notifications, "1 to 10 notifications");
    const keys = notifications.map((n) => `${n.type} ${n.threshold}%`);
    const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
    check(duplicate === undefined, "CostBudget.notifications", duplicate, "each threshold and type once (AWS rejects duplicates)");

    const emailAddresses = args.emailAddresses ?? [];
    emailAddresses.forEach((e, i) =>
        check(
            typeof e === "string" && EMAIL_ADDRESS.test(e),
            `CostBudget.emailAddresses[${i}]`,
            e,
            "an e-mail address such as platform-team@example.com",
        ),
    );
    check(emailAddresses.length <= 10, "CostBudget.emailAddresses", emailAddresses, "at most 10 addresses (an AWS Budgets limit)");
    if (args.snsTopicArn !== undefined) {
        check(
            SNS_TOPIC_ARN.test(args.snsTopicArn),
            "CostBudget.snsTopicArn",
            args.snsTopicArn,
            "an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)",
        );
    }
    check(
        emailAddresses.length > 0 || args.snsTopicArn !== undefined || args.alertsTopicArn !== undefined,
        "CostBudget.emailAddresses",
        emailAddresses,
        "at least one address, or an snsTopicArn (or the environment's alerts topic): a notification needs a subscriber",
    );
    const costAllocationTags = args.costAllocationTags ?? {};
    for (const [key, value] of Object.entries(costAllocationTags)) {
        check(key !== "" && value !== "", `CostBudget.costAllocationTags.${key}`, value, "a non-empty tag key and value");
    }
    return { ...args, notifications, emailAddresses, costAllocationTags, tags: args.tags ?? {} };
}

export type ResolvedCostBudget = ReturnType<typeof resolveCostBudgetArgs>;

/** The budget's notifications, each to every subscriber, at a percentage of the limit. */
export function budgetNotifications(b: ResolvedCostBudget) {
    return b.notifications.map((n) => ({
        comparisonOperator: "GREATER_THAN",
        threshold: n.threshold,
        thresholdType: "PERCENTAGE",
        notificationType: n.type,
        subscriberEmailAddresses: b.emailAddresses.length > 0 ? b.emailAddresses : undefined,
        subscriberSnsTopicArns: b.snsTopicArn !== undefined ? [b.snsTopicArn] : b.alertsTopicArn !== undefined ? [b.alertsTopicArn] : undefined,
    }));
}

/** Cost filters: spend carrying any of the cost allocation tags (`user:<key>$<value>`); none for the whole account. */
export function budgetCostFilters(tags: Record<string, string>) {
    const values = Object.entries(tags).map(([key, value]) => `user:${key}$${value}`);
    return values.length > 0 ? [{ name: "TagKeyValue", values }] : undefined;
}

/**
 * The budget's plan: its args checked and resolved, and the budget it registers (its notifications
 * and their subscribers): what the guardrails check before anything is registered.
 */
export function planCostBudget(name: string, args: CostBudgetArgs) {
    const settings = resolveCostBudgetArgs(args);
    const budget = {
        type: TYPES.budget,
        name,
        inputs: {
            name: settings.budgetName,
            budgetType: "COST",
            timeUnit: "MONTHLY",
            limitAmount: settings.limitAmount.toFixed(2),
            limitUnit: "USD",
            costFilters: budgetCostFilters(settings.costAllocationTags),
            notifications: budgetNotifications(settings),
            tags: settings.tags,
        } satisfies aws.budgets.BudgetArgs,
    };
    return { settings, budget, descriptions: [budget] as ResourceDescription[] };
}

/**
 * A monthly AWS Budgets cost budget with notifications at percentages of its limit, actual or
 * forecast, to e-mail addresses and/or an SNS topic. It warns; it stops nothing: NodePool limits are
 * what cap Karpenter's spend.
 */
export class CostBudget extends pulumi.ComponentResource {
    public readonly budgetName: pulumi.Output<string>;

    constructor(name: string, args: CostBudgetArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planCostBudget(name, args); // every check, before registering anything
        super(componentType("CostBudget"), name, {}, componentOptions("CostBudget", opts));
        const budget = new aws.budgets.Budget(plan.budget.name, plan.budget.inputs, { parent: this });
        this.budgetName = budget.name;
        this.registerOutputs({ budgetName: this.budgetName });
    }
}
