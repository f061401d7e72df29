import { TYPES } from "../model/tokens";
import { objectName } from "./resources";
import { ResourceRule, at } from "./types";
import { CONTAINERD_DIR, containerdStoreLoss } from "./user-data";
import { isWindowsNodeClass } from "./windows";

/** Rule 2: user data keeps the containerd store (and the cached pause image) it finds. */
export const containerdStoreKept: ResourceRule = {
    id: "containerd-store-kept",
    scope: "resource",
    title: `EC2NodeClass user data neither deletes ${CONTAINERD_DIR} nor hides it under a blank volume, tmpfs or empty directory, before or after the containerd part carries it over`,
    why:
        `AL2023 AMIs ship the sandbox image localhost/kubernetes/pause inside ${CONTAINERD_DIR} and never pull it again: ` +
        'without it every pod sandbox fails (failed to pull image "localhost/kubernetes/pause" ... connection refused) ' +
        "and the node never becomes Ready. Running before containerd starts does not help: the image is already in the store.",
    fix:
        `carry the store over: mount the new volume at a temporary path, \`cp -a ${CONTAINERD_DIR}/. <tmp>/\`, unmount it, ` +
        `then mount it on ${CONTAINERD_DIR} (or move the contents away and back after mounting). On Bottlerocket use its ` +
        "data volume (/dev/xvdb) instead of a script.",
    types: [TYPES.ec2NodeClass],
    options: [],
    check(resource) {
        const userData = at(resource.inputs, "spec", "userData");
        // A Windows class's user data is PowerShell, and its nodes have no containerd store to lose (rule windows-nodes-separate
        // refuses Linux user data there).
        if (typeof userData !== "string" || isWindowsNodeClass(resource)) return [];
        const loss = containerdStoreLoss(userData);
        if (!loss) return [];
        const where = `EC2NodeClass "${objectName(resource)}" user data line ${loss.line} (\`${loss.command}\`) ${loss.effect}`;
        const problem =
            loss.kind === "lost"
                ? `${where}, and nothing copies them back`
                : `${where}, so whether it keeps ${CONTAINERD_DIR} cannot be checked`;
        return [{ resource, problem }];
    },
};
