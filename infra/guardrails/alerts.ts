import { TYPES } from "../model/tokens";
import { Finding, ResourceDescription, StackRule, at, containsUnknown, isUnknown } from "./types";

function nonEmptyList(value: unknown): boolean {
    return isUnknown(value) || (Array.isArray(value) && value.length > 0);
}

/** The ARN a topic is known by here (its `arn` from the engine), or undefined before it exists. */
function topicArn(topic: ResourceDescription): unknown {
    return at(topic, "inputs", "arn");
}

/**
 * Rule: where alerts are required (production), every alarm and anomaly subscription notifies someone, every
 * topic created in the stack has a subscriber, and every budget notification reaches an SNS topic (the alerts
 * path), not only mailboxes.
 */
export const alertsReachSomeone: StackRule = {
    id: "alerts-reach-someone",
    scope: "stack",
    title: "In production, alerts reach a subscriber: alarms have actions, alert topics have subscribers, budgets notify a topic",
    why:
        "an alarm without an action, or a topic nobody subscribes to, fires into the void: a NodePool at its limit, " +
        "failing launches or a filling disk go unnoticed until workloads fail; a budget that only mails reaches no pager or chat.",
    fix:
        "set eks-karpenter:observability.alerts.emailAddresses (or alerts.topicArn, an existing topic with subscribers), " +
        "and keep observability enabled so the budget notifies the alerts topic.",
    types: [TYPES.snsTopic, TYPES.snsTopicSubscription, TYPES.metricAlarm, TYPES.anomalySubscription, TYPES.budget],
    options: ["requireAlertSubscribers"],
    check(resources, options) {
        if (!options.requireAlertSubscribers) return [];
        const findings: Finding[] = [];
        const subscriptions = resources.filter((r) => r.type === TYPES.snsTopicSubscription);
        for (const topic of resources.filter((r) => r.type === TYPES.snsTopic)) {
            const arn = topicArn(topic);
            const subscribed = subscriptions.some((s) => {
                const target = at(s.inputs, "topic");
                // A topic or subscription not known yet (a preview) is given the benefit of the doubt.
                return arn === undefined || containsUnknown(arn) || containsUnknown(target) || target === arn;
            });
            if (!subscribed) findings.push({ resource: topic, problem: `SNS topic ${topic.name} has no subscription` });
        }
        for (const alarm of resources.filter((r) => r.type === TYPES.metricAlarm)) {
            if (!nonEmptyList(at(alarm.inputs, "alarmActions")))
                findings.push({ resource: alarm, problem: `alarm ${alarm.name} has no alarmActions` });
        }
        for (const sub of resources.filter((r) => r.type === TYPES.anomalySubscription)) {
            if (!nonEmptyList(at(sub.inputs, "subscribers")))
                findings.push({ resource: sub, problem: `cost anomaly subscription ${sub.name} has no subscriber` });
        }
        for (const budget of resources.filter((r) => r.type === TYPES.budget)) {
            const notifications = at(budget.inputs, "notifications");
            if (isUnknown(notifications)) continue;
            const list = Array.isArray(notifications) ? notifications : [];
            if (list.length === 0) {
                findings.push({ resource: budget, problem: `budget ${budget.name} has no notification` });
                continue;
            }
            list.forEach((n, i) => {
                if (!nonEmptyList(at(n, "subscriberSnsTopicArns"))) {
                    findings.push({
                        resource: budget,
                        problem: `budget ${budget.name} notification ${i} notifies no SNS topic (subscriberSnsTopicArns is empty)`,
                    });
                }
            });
        }
        return findings;
    },
};
