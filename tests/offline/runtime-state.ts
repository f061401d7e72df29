/**
 * What of Pulumi's runtime state a program run could leave behind in this process, read through the
 * public API: the config, the monitor, the stack and project, preview or not, the root resource; and
 * what a run borrows from the process (its unhandled-rejection listeners, the stack-trace limit).
 */
import * as pulumi from "@pulumi/pulumi";

export interface RuntimeState {
    config: Record<string, string>;
    hasMonitor: boolean;
    monitor: unknown;
    stack: string;
    project: string;
    preview: boolean;
    rootResource: unknown;
    unhandledRejectionListeners: unknown[];
    stackTraceLimit: number;
}

export function runtimeState(): RuntimeState {
    return {
        config: pulumi.runtime.allConfig(),
        hasMonitor: pulumi.runtime.hasMonitor(),
        monitor: pulumi.runtime.getMonitor(),
        stack: pulumi.runtime.getStack(),
        project: pulumi.runtime.getProject(),
        preview: pulumi.runtime.isDryRun(),
        rootResource: pulumi.runtime.getStackResource(),
        unhandledRejectionListeners: process.listeners("unhandledRejection"),
        stackTraceLimit: Error.stackTraceLimit,
    };
}

/** What differs between two states, as `key: before -> after` (config by value, listeners item by item, the rest by identity). */
export function changes(before: RuntimeState, after: RuntimeState): string[] {
    return (Object.keys(before) as (keyof RuntimeState)[]).flatMap((key) => {
        const [a, b] = [before[key], after[key]];
        const same =
            key === "config"
                ? JSON.stringify(a) === JSON.stringify(b)
                : Array.isArray(a) && Array.isArray(b)
                  ? a.length === b.length && a.every((x, i) => x === b[i])
                  : a === b;
        return same ? [] : [`${key}: ${show(a)} -> ${show(b)}`];
    });
}

function show(value: unknown): string {
    if (Array.isArray(value)) return `${value.length} item(s)`;
    if (typeof value === "object" && value !== null && value.constructor !== Object) return value.constructor.name;
    return JSON.stringify(value) ?? "undefined";
}
