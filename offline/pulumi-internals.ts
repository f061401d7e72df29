/**
 * The Pulumi SDK internals the harness needs and the public API does not offer: reading state like
 * the engine, seeing each registration request (its parent, dependencies and whether it is remote),
 * and waiting for every registration to finish.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const rpc: {
    deserializeProperties(props: unknown): Record<string, any>;
} = require("@pulumi/pulumi/runtime/rpc");

export const settings: { waitForRPCs(): Promise<void> } = require("@pulumi/pulumi/runtime/settings");

export const MockMonitor: {
    prototype: { registerResource(req: RegisterResourceRequest, callback: (err: unknown, resp: unknown) => void): Promise<void> };
} = require("@pulumi/pulumi/runtime/mocks").MockMonitor;

export interface RegisterResourceRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    /** A component whose children a provider plugin creates (a multi-language component), not this program. */
    getRemote(): boolean;
    getProtect(): boolean;
    getProvider(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(callback: (deps: { getUrnsList(): string[] }, key: string) => void): void };
    getObject(): unknown;
}
