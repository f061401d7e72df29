import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { renderEC2NodeClass } from "../../../infra/nodes/ec2-node-class";
import { CONTAINERD_VOLUME_SCRIPT, USER_DATA_BOUNDARY, containerdVolumePart, multipartUserData } from "../../../infra/nodes/user-data";

const userData = renderEC2NodeClass({ name: "default", clusterName: "prod", role: "node" }).spec.userData!;
const script = fs.readFileSync(CONTAINERD_VOLUME_SCRIPT, "utf8");

/** Splits a multipart/mixed document as RFC 2046 says: the line break before a delimiter belongs to it. */
function parts(doc: string) {
    const headerEnd = doc.indexOf("\n\n");
    const headers = doc.slice(0, headerEnd).split("\n");
    const boundary = /^Content-Type: multipart\/mixed; boundary="([^"]+)"$/m.exec(doc.slice(0, headerEnd))?.[1];
    assert.ok(boundary, "a multipart/mixed Content-Type with a boundary");
    const body = doc.slice(headerEnd + 2);
    assert.ok(body.startsWith(`--${boundary}\n`), "the body opens with the first delimiter");
    assert.ok(body.endsWith(`\n--${boundary}--\n`), "the body ends with the close delimiter");
    const inner = body.slice(`--${boundary}\n`.length, body.length - `\n--${boundary}--\n`.length);
    return {
        headers,
        parts: inner
            .split(`\n--${boundary}\n`)
            .map((p) => ({ headers: p.slice(0, p.indexOf("\n\n")).split("\n"), body: p.slice(p.indexOf("\n\n") + 2) })),
    };
}

describe("user data", () => {
    test("a MIME multi-part document as Karpenter merges it for AL2023, with one shell part", () => {
        const doc = parts(userData);
        assert.deepEqual(doc.headers, ["MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="${USER_DATA_BOUNDARY}"`]);
        assert.equal(doc.parts.length, 1);
        assert.deepEqual(doc.parts[0].headers, ['Content-Type: text/x-shellscript; charset="us-ascii"']);
    });

    test("the shell part is the script file itself, with only the device setting added after the shebang", () => {
        const [shebang, setting, ...rest] = parts(userData).parts[0].body.split("\n");
        assert.equal(setting, "export CONTAINERD_VOLUME_DEVICE=/dev/xvdb");
        assert.equal([shebang, ...rest].join("\n"), script);
        assert.match(shebang, /^#!/);
    });

    test("a standard MIME parser (Python's email package) reads the same part", (t) => {
        if (spawnSync("python3", ["--version"]).status !== 0) return t.skip("python3 is not installed");
        const read = spawnSync(
            "python3",
            [
                "-c",
                "import email,json,sys; m=email.message_from_string(sys.stdin.read()); print(json.dumps([m.is_multipart()] + [[p.get_content_type(), p.get_content_charset(), p.get_payload()] for p in m.get_payload()]))",
            ],
            { input: userData, encoding: "utf8" },
        );
        assert.equal(read.status, 0, read.stderr);
        assert.deepEqual(JSON.parse(read.stdout), [true, ["text/x-shellscript", "us-ascii", containerdVolumePart("/dev/xvdb").body]]);
    });

    test("the script is plain ASCII, as its part declares", () => {
        assert.ok(
            [...script].every((c) => c.charCodeAt(0) < 0x80),
            "non-ASCII character in containerd-volume.sh",
        );
    });

    test("leaves room under EC2's 16 KiB user-data limit for Karpenter's NodeConfig part", () => {
        assert.ok(Buffer.byteLength(userData) <= 10 * 1024, `${Buffer.byteLength(userData)} bytes`);
    });

    test("a part containing the boundary is refused", () => {
        assert.throws(
            () => multipartUserData([{ contentType: "text/plain", body: `a\n--${USER_DATA_BOUNDARY}\nb` }]),
            /contains the MIME boundary/,
        );
    });

    test("a part with a line starting with --// (the boundary Karpenter merges with) is refused", () => {
        const body = "#!/bin/bash\necho start\n--//\necho end";
        assert.throws(
            () => multipartUserData([{ contentType: "text/x-shellscript", body }]),
            /^Error: user data part \(text\/x-shellscript\) line 3 starts with --\/\/: it contains the MIME boundary Karpenter merges the user data with \/\/$/,
        );
        assert.throws(() => multipartUserData([{ contentType: "text/x-shellscript", body: "echo a\n--//--" }]), /Karpenter merges/);
        // Elsewhere on a line, or not at its start, it splits nothing.
        assert.doesNotThrow(() => multipartUserData([{ contentType: "text/x-shellscript", body: "echo --// x\n -- //\n-//" }]));
    });
});
