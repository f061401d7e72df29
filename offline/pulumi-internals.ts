/**
 * The only Pulumi SDK internals the mock engine (offline/engine.ts) uses, because @pulumi/pulumi's public
 * API offers no equivalent. Everything else the engine does goes through `pulumi.runtime`'s public
 * functions (setMocks, setAllConfig, getMonitor, runInPulumiStack, deserializeProperties, disconnect).
 *
 * Checked against the @pulumi/pulumi version below, which package.json pins exactly; the contract test
 * (tests/offline/pulumi-internals.test.ts) fails, naming both versions, when another one is installed.
 *
 * 1. A fresh runtime state per run (`runtime/state`'s `withLocalStorage`): what the automation API's
 *    inline programs and a provider's `construct` run in, so that a run's monitor, config, stack and
 *    feature flags live in its own store and the process-wide one is never written.
 * 2. The registration requests the mock monitor receives (parent, dependencies, remote, protect,
 *    aliases: none of them reach the public `Mocks.newResource`), seen by wrapping the `registerResource`
 *    method of the one MockMonitor instance `setMocks` made; the prototype is never touched.
 * 3. URNs as the engine makes them: the mock monitor prefixes a child's type with its parent's, also
 *    when the parent is the root stack, which the engine leaves out
 *    (`urn:pulumi:dev::eks-karpenter::eks-karpenter:index:Environment::dev`, not `...::pulumi:pulumi:Stack$eks-karpenter:...`).
 */
import * as fs from "node:fs";
import type { RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";

export type { RegisterResourceRequest, RegisterResourceResponse };

/** The @pulumi/pulumi version these internals were read in (runtime/state.js, runtime/mocks.js). */
export const CHECKED_SDK_VERSION = "3.248.0";

/** The type of the root stack resource (public: `pulumi.runtime.rootPulumiStackTypeName`). */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/* eslint-disable @typescript-eslint/no-require-imports */
const state: { withLocalStorage<T>(callback: () => T): T } = require("@pulumi/pulumi/runtime/state");

/** The installed @pulumi/pulumi's version. */
export function installedSdkVersion(): string {
    return JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")).version;
}

/** Throws, naming both versions and what to do, unless `version` is the one these internals were checked against. */
export function assertCheckedSdk(version = installedSdkVersion()): void {
    if (version !== CHECKED_SDK_VERSION) {
        throw new Error(
            `offline/pulumi-internals.ts was checked against @pulumi/pulumi ${CHECKED_SDK_VERSION}, but ${version} is installed: ` +
                `re-read runtime/state.js (withLocalStorage) and runtime/mocks.js (MockMonitor.registerResource, newUrn) of ${version}, ` +
                `then set CHECKED_SDK_VERSION and package.json's exact pin to it`,
        );
    }
}

/** Runs `work` in a runtime state of its own: nothing it sets (monitor, config, stack, root resource) outlives it. */
export function inFreshRuntime<T>(work: () => Promise<T>): Promise<T> {
    return state.withLocalStorage(work);
}

/**
 * Told of each registration request as the mock monitor receives it; what it returns is told the answer
 * (undefined when the registration failed).
 */
export type RegistrationObserver = (request: RegisterResourceRequest) => (response: RegisterResourceResponse | undefined) => void;

/** The MockMonitor methods this file replaces on one instance. */
interface MockMonitorInstance {
    registerResource(
        req: RegisterResourceRequest,
        callback: (err: unknown, resp: RegisterResourceResponse | undefined) => void,
    ): Promise<void>;
    newUrn(parent: string, type: string, name: string): string;
}

/**
 * Makes the mock monitor that `pulumi.runtime.setMocks` installed (`pulumi.runtime.getMonitor()`) report
 * each registration request and then its answer to `observe` (before the program sees it), and name a root
 * stack's children as the engine does. Only this instance changes; it goes when its run ends.
 */
export function observeMockMonitor(monitor: unknown, observe: RegistrationObserver): void {
    const instance = monitor as MockMonitorInstance;
    if (typeof instance?.registerResource !== "function" || typeof instance.newUrn !== "function") {
        throw new Error(
            `the monitor is not @pulumi/pulumi ${CHECKED_SDK_VERSION}'s MockMonitor (no registerResource/newUrn); was setMocks called?`,
        );
    }
    const registerResource = instance.registerResource;
    instance.registerResource = function (req, callback) {
        const answered = observe(req);
        return registerResource.call(this, req, (err, resp) => {
            answered(err ? undefined : resp);
            callback(err, resp);
        });
    };
    const newUrn = instance.newUrn;
    instance.newUrn = function (parent, type, name) {
        const parentType = parent ? parent.split("::")[2].split("$").pop() : undefined;
        return newUrn.call(this, parentType === ROOT_STACK_TYPE ? "" : parent, type, name);
    };
}
