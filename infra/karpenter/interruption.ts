import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../aliases";
import { ResourceDescription, TYPES } from "../guardrails";
import { AwsScope, policyDocument, servicePrincipal } from "../iam/policy";
import { InterruptionEvent } from "../model/karpenter-versions";

/**
 * The EventBridge pattern of one interruption event (its version's table holds the exact `source` and
 * `detail-type` strings EventBridge matches on: a pattern with any other spelling is accepted and never fires).
 */
export function eventPattern(event: InterruptionEvent): string {
    return JSON.stringify({ source: [event.source], "detail-type": [event.detailType] });
}

/**
 * Queue policy: only this stack's EventBridge rules may send, and only over TLS. Without the
 * `aws:SourceArn` condition any EventBridge rule, in any account, that targets the queue could deliver
 * forged interruption events, and Karpenter would drain and terminate the nodes they name. (Karpenter's
 * reference CloudFormation, and terraform-aws-eks, also admit `sqs.amazonaws.com` with no condition;
 * nothing here sends through SQS, so that principal is left out.)
 */
export function queuePolicy(scope: Pick<AwsScope, "dnsSuffix">, queueArn: string, ruleArns: string[]): aws.iam.PolicyDocument {
    return policyDocument([
        {
            Sid: "AllowInterruptionRules",
            Effect: "Allow",
            Principal: { Service: servicePrincipal(scope, "events") },
            Action: "sqs:SendMessage",
            Resource: queueArn,
            Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
        },
        {
            Sid: "DenyHTTP",
            Effect: "Deny",
            Principal: "*",
            Action: "sqs:*",
            Resource: queueArn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
    ]);
}

export interface InterruptionQueueArgs {
    /** Physical queue name (SQS allows at most 80 characters). Karpenter's `settings.interruptionQueue`. */
    queueName: pulumi.Input<string>;
    /** DNS suffix of the partition, for service principals. @default "amazonaws.com" */
    dnsSuffix?: pulumi.Input<string>;
    /**
     * The events to feed the queue with, one EventBridge rule each: the Karpenter version's (its table's
     * `interruptionEvents`).
     */
    events: InterruptionEvent[];
    /** Tags for the queue and the rules. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The queue's plan: the queue, one EventBridge rule and target per event, and the queue policy, by the names
 * the component registers them under. What links them (the queue's URL and ARN, the rules' names and ARNs)
 * is known after deployment only, and left to the constructor.
 */
export function planInterruptionQueue(name: string, args: InterruptionQueueArgs) {
    const settings = { ...args, dnsSuffix: args.dnsSuffix ?? "amazonaws.com" };
    const queue = {
        type: TYPES.sqsQueue,
        name,
        inputs: {
            name: args.queueName,
            messageRetentionSeconds: 300,
            sqsManagedSseEnabled: true,
            tags: args.tags,
        } satisfies aws.sqs.QueueArgs,
    };
    const rules = args.events.map((event) => ({
        type: TYPES.eventRule,
        name: `${name}-${event.name}`,
        inputs: {
            description: `Karpenter interruption handling: ${event.detailType}`,
            eventPattern: eventPattern(event),
            tags: args.tags,
        } satisfies aws.cloudwatch.EventRuleArgs,
    }));
    const policy = { type: TYPES.sqsQueuePolicy, name, inputs: {} };
    const targets = args.events.map((event) => ({
        type: TYPES.eventTarget,
        name: `${name}-${event.name}`,
        inputs: { targetId: "KarpenterInterruptionQueueTarget" } satisfies Omit<aws.cloudwatch.EventTargetArgs, "rule" | "arn">,
    }));
    return {
        settings,
        queue,
        rules,
        policy,
        targets,
        descriptions: [queue, ...rules, policy, ...targets] as ResourceDescription[],
    };
}

/**
 * The SQS queue Karpenter reads Spot interruptions, rebalance recommendations, instance state changes
 * and AWS Health scheduled changes from, and the EventBridge rules that feed it. This replaces the
 * AWS Node Termination Handler, which must not run beside Karpenter. The queue accepts messages from these
 * rules only (see queuePolicy).
 */
export class InterruptionQueue extends pulumi.ComponentResource {
    public readonly queueArn: pulumi.Output<string>;
    public readonly queueName: pulumi.Output<string>;

    constructor(name: string, args: InterruptionQueueArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planInterruptionQueue(name, args);
        super(componentType("InterruptionQueue"), name, {}, componentOptions("InterruptionQueue", opts));
        const queue = new aws.sqs.Queue(plan.queue.name, plan.queue.inputs, { parent: this });
        const rules = plan.rules.map((rule) => new aws.cloudwatch.EventRule(rule.name, rule.inputs, { parent: this }));
        const policy = new aws.sqs.QueuePolicy(
            plan.policy.name,
            {
                queueUrl: queue.url,
                policy: pulumi
                    .all([queue.arn, plan.settings.dnsSuffix, pulumi.all(rules.map((r) => r.arn))])
                    .apply(([arn, dnsSuffix, ruleArns]) => JSON.stringify(queuePolicy({ dnsSuffix }, arn, ruleArns))),
            },
            { parent: this },
        );
        // After the policy: a rule that delivers before it exists loses the message to a refused send.
        plan.targets.forEach(
            (target, i) =>
                new aws.cloudwatch.EventTarget(
                    target.name,
                    { ...target.inputs, rule: rules[i].name, arn: queue.arn },
                    { parent: this, dependsOn: [policy] },
                ),
        );
        this.queueArn = queue.arn;
        this.queueName = queue.name;
        this.registerOutputs({ queueArn: this.queueArn, queueName: this.queueName });
    }
}
