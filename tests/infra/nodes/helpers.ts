import assert from "node:assert/strict";
import { ConfigError } from "../../../infra/errors";

/** Asserts `fn` throws a ConfigError for exactly `setting` whose `allowed` text matches `allowed`. */
export function assertConfigError(fn: () => unknown, setting: string, allowed: RegExp): void {
    assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        assert.equal(e.setting, setting);
        assert.match(e.allowed, allowed);
        assert.ok(e.message.startsWith(`${setting}: `), e.message);
        return true;
    });
}
