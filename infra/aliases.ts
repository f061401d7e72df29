import * as pulumi from "@pulumi/pulumi";
import { ComponentName, componentType, formerComponentType } from "./model/components";

export { PACKAGE_NAME, componentType, formerComponentType, type ComponentName } from "./model/components";

/** `opts` plus an alias for the component's former token, unless that token did not change. */
export function componentOptions(name: ComponentName, opts?: pulumi.ComponentResourceOptions): pulumi.ComponentResourceOptions {
    const former = formerComponentType(name);
    if (former === componentType(name)) return opts ?? {};
    return { ...opts, aliases: [...(opts?.aliases ?? []), { type: former }] };
}
