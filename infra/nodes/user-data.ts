import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../root";

/** The containerd-volume script, a real file so that shellcheck and the tests run exactly what nodes run. */
export const CONTAINERD_VOLUME_SCRIPT = path.join(REPO_ROOT, "infra", "nodes", "containerd-volume.sh");

/** One part of a MIME multi-part user data document. */
export interface UserDataPart {
    /** MIME type, e.g. `text/x-shellscript; charset="us-ascii"`. */
    contentType: string;
    body: string;
}

/** Boundary between the parts; a body containing a line that starts with `--<boundary>` is refused. */
export const USER_DATA_BOUNDARY = "==EKS-KARPENTER-USER-DATA==";

/**
 * The boundary Karpenter re-wraps AL2023 user data with when it adds its NodeConfig part
 * (aws/karpenter-provider-aws, pkg/providers/amifamily/bootstrap/mime/mime.go): a body line starting
 * with `--//` would split the merged document there, so it is refused too.
 */
export const KARPENTER_MIME_BOUNDARY = "//";

/**
 * A MIME multi-part document, the user data format Karpenter merges for AL2023: it keeps these
 * parts, in order, before its own NodeConfig part. Lines end in LF, as in Karpenter's examples.
 */
export function multipartUserData(parts: UserDataPart[]): string {
    const delimiter = `--${USER_DATA_BOUNDARY}`;
    for (const part of parts) {
        const found = boundaryLine(part.body);
        if (found) throw new Error(`user data part (${part.contentType}) ${found}`);
    }
    const lines = [`MIME-Version: 1.0`, `Content-Type: multipart/mixed; boundary="${USER_DATA_BOUNDARY}"`, ""];
    for (const part of parts) {
        // The line break before a delimiter belongs to the delimiter, so a body keeps its last newline.
        lines.push(delimiter, `Content-Type: ${part.contentType}`, "", part.body);
    }
    lines.push(`${delimiter}--`, "");
    return lines.join("\n");
}

/** Where a part's body would split the MIME document (`line 3 starts with --//: ...`), or undefined. */
export function boundaryLine(body: string): string | undefined {
    for (const boundary of [USER_DATA_BOUNDARY, KARPENTER_MIME_BOUNDARY]) {
        const line = body.split("\n").findIndex((l) => l.startsWith(`--${boundary}`));
        if (line >= 0) {
            const whose = boundary === KARPENTER_MIME_BOUNDARY ? " Karpenter merges the user data with" : "";
            return `line ${line + 1} starts with --${boundary}: it contains the MIME boundary${whose} ${boundary}`;
        }
    }
    return undefined;
}

/** The kinds of user-data part a node class may add, each with its MIME type. */
export enum UserDataFormat {
    /** A shell script, run by cloud-init in its final stage (before containerd and kubelet start on AL2023). */
    Shell = "shell",
    /** A cloud-config document, applied by cloud-init's modules. */
    CloudConfig = "cloud-config",
}

export const USER_DATA_CONTENT_TYPES: Readonly<Record<UserDataFormat, string>> = {
    [UserDataFormat.Shell]: 'text/x-shellscript; charset="us-ascii"',
    [UserDataFormat.CloudConfig]: 'text/cloud-config; charset="us-ascii"',
};

/**
 * The containerd-volume script as a user-data part, for a data volume mapped as `device`
 * (the script reads it from CONTAINERD_VOLUME_DEVICE, set right after the shebang).
 */
export function containerdVolumePart(device: string): UserDataPart {
    if (!/^\/dev\/[a-z0-9]+$/.test(device)) throw new Error(`invalid device name ${device}`);
    const [shebang, ...rest] = fs.readFileSync(CONTAINERD_VOLUME_SCRIPT, "utf8").split("\n");
    return {
        contentType: 'text/x-shellscript; charset="us-ascii"',
        body: [shebang, `export CONTAINERD_VOLUME_DEVICE=${device}`, ...rest].join("\n"),
    };
}
