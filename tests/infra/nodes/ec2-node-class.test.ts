import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AmiFamily, renderEC2NodeClass } from "../../../infra/nodes/ec2-node-class";
import { VERSIONS } from "../../../infra/model/versions";
import { EC2_NODE_CLASS_CRD, celMessages, ec2NodeClassErrors, refusedBy, v1Schema } from "./crds";
import { assertConfigError } from "./helpers";

/** The renderer's argument: EC2NodeClassArgs with every input resolved. */
type Resolved = Parameters<typeof renderEC2NodeClass>[0];
const base: Resolved = { name: "default", clusterName: "prod", role: "prod-karpenter-node-k3x9qz" };
const render = (overrides: Partial<Resolved> = {}) => renderEC2NodeClass({ ...base, ...overrides });

/** A deep copy of `object` changed by `edit`, for the invalid variants. */
function variant<T>(object: T, edit: (o: any) => void): T {
    const copy = structuredClone(object);
    edit(copy);
    return copy;
}

describe("renderEC2NodeClass: valid against the EC2NodeClass CRD", () => {
    const cases: [string, Partial<Resolved>][] = [
        ["AL2023 with defaults", {}],
        ["AL2023 with an instance profile instead of a role", { role: undefined, instanceProfile: "prod-nodes" }],
        [
            "AL2023 with every figure set, a KMS key and tags",
            {
                rootVolume: { sizeGiB: 100, iops: 6000, throughputMiBps: 250 },
                dataVolume: { sizeGiB: 500, iops: 16000, throughputMiBps: 1000, deviceName: "/dev/xvdf" },
                kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                tags: { "cost-center": "platform", team: "infra" },
            },
        ],
        ["Bottlerocket", { amiFamily: AmiFamily.Bottlerocket }],
        [
            "the smallest volumes each family allows",
            { rootVolume: { sizeGiB: 20 }, dataVolume: { sizeGiB: 20, iops: 10000, throughputMiBps: 500 } },
        ],
    ];
    for (const [name, overrides] of cases) {
        test(name, () => assert.deepEqual(ec2NodeClassErrors(render(overrides)), []));
    }

    test("the shape: alias, discovery selectors, encrypted gp3 volumes, IMDSv2 with one hop", () => {
        const { spec, metadata, apiVersion, kind } = render();
        assert.equal(apiVersion, VERSIONS.apiVersions.ec2NodeClass);
        assert.equal(kind, "EC2NodeClass");
        assert.equal(metadata.name, "default");
        assert.deepEqual(spec.amiSelectorTerms, [{ alias: VERSIONS.al2023AmiAlias }]);
        assert.equal("role" in spec ? spec.role : undefined, base.role);
        assert.equal("instanceProfile" in spec, false);
        assert.deepEqual(spec.subnetSelectorTerms, [{ tags: { "karpenter.sh/discovery": "prod" } }]);
        assert.deepEqual(spec.securityGroupSelectorTerms, [{ tags: { "karpenter.sh/discovery": "prod" } }]);
        assert.deepEqual(spec.metadataOptions, {
            httpEndpoint: "enabled",
            httpProtocolIPv6: "disabled",
            httpPutResponseHopLimit: 1,
            httpTokens: "required",
        });
        assert.deepEqual(spec.blockDeviceMappings, [
            {
                deviceName: "/dev/xvda",
                rootVolume: true,
                ebs: { volumeSize: "50Gi", volumeType: "gp3", iops: 3000, throughput: 125, encrypted: true, deleteOnTermination: true },
            },
            {
                deviceName: "/dev/xvdb",
                ebs: { volumeSize: "200Gi", volumeType: "gp3", iops: 10000, throughput: 500, encrypted: true, deleteOnTermination: true },
            },
        ]);
        assert.match(spec.userData ?? "", /^MIME-Version: 1\.0\n/);
    });

    test("Bottlerocket: its data volume (kubelet's root dir) is the rootVolume, and there is no user data", () => {
        const { spec } = render({ amiFamily: AmiFamily.Bottlerocket });
        assert.deepEqual(spec.amiSelectorTerms, [{ alias: VERSIONS.bottlerocketAmiAlias }]);
        const [os, data] = spec.blockDeviceMappings;
        assert.deepEqual([os.deviceName, os.rootVolume, os.ebs.volumeSize], ["/dev/xvda", undefined, "4Gi"]);
        assert.deepEqual([data.deviceName, data.rootVolume, data.ebs.volumeSize], ["/dev/xvdb", true, "200Gi"]);
        assert.equal(spec.userData, undefined);
    });

    test("the user data carries the data volume's device name", () => {
        assert.match(
            render({ dataVolume: { deviceName: "/dev/sdf" } }).spec.userData ?? "",
            /\nexport CONTAINERD_VOLUME_DEVICE=\/dev\/sdf\n/,
        );
    });

    test("the pinned aliases name real release formats", () => {
        assert.match(VERSIONS.al2023AmiAlias, /^al2023@v[0-9]{8}$/);
        assert.match(VERSIONS.bottlerocketAmiAlias, /^bottlerocket@v[0-9]+\.[0-9]+\.[0-9]+$/);
        assert.equal(render({ amiVersion: "v20260801" }).spec.amiSelectorTerms[0].alias, "al2023@v20260801");
    });
});

describe("the EC2NodeClass CRD refuses broken variants (so the checks above can fail)", () => {
    const good = render();
    const cel = (edit: (o: any) => void, message: string) => () => {
        assert.ok(celMessages(v1Schema(EC2_NODE_CLASS_CRD)).includes(message), `not a CRD message: ${message}`);
        assert.ok(refusedBy(ec2NodeClassErrors(variant(good, edit)), message), message);
    };
    const schema = (edit: (o: any) => void, pattern: RegExp) => () => {
        const errors = ec2NodeClassErrors(variant(good, edit));
        assert.ok(
            errors.some((e) => pattern.test(e)),
            errors.join("\n"),
        );
    };
    test(
        "role and instanceProfile together",
        cel((o) => (o.spec.instanceProfile = "p"), "must specify exactly one of ['role', 'instanceProfile']"),
    );
    test(
        "neither role nor instanceProfile",
        cel((o) => delete o.spec.role, "must specify exactly one of ['role', 'instanceProfile']"),
    );
    test(
        "an empty role",
        cel((o) => (o.spec.role = ""), "role cannot be empty"),
    );
    test(
        "an alias beside another AMI term",
        cel(
            (o) => o.spec.amiSelectorTerms.push({ id: "ami-123" }),
            "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms",
        ),
    );
    test(
        "an alias with tags in one term",
        cel(
            (o) => (o.spec.amiSelectorTerms[0].tags = { a: "b" }),
            "'alias' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms",
        ),
    );
    test(
        "a malformed alias",
        cel(
            (o) => (o.spec.amiSelectorTerms[0].alias = "al2023"),
            "'alias' is improperly formatted, must match the format 'family@version'",
        ),
    );
    test(
        "an unknown alias family",
        cel(
            (o) => (o.spec.amiSelectorTerms[0].alias = "ubuntu@v1"),
            "family is not supported, must be one of the following: 'al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022', 'windows2025'",
        ),
    );
    test(
        "an amiFamily contradicting the alias",
        cel((o) => (o.spec.amiFamily = "Bottlerocket"), "if set, amiFamily must be 'AL2023' or 'Custom' when using an AL2023 alias"),
    );
    test(
        "no alias and no amiFamily",
        cel((o) => (o.spec.amiSelectorTerms = [{ id: "ami-123" }]), "must specify amiFamily if amiSelectorTerms does not contain an alias"),
    );
    test(
        "two root volumes",
        cel((o) => (o.spec.blockDeviceMappings[1].rootVolume = true), "must have only one blockDeviceMappings with rootVolume"),
    );
    test(
        "a volume without size or snapshot",
        cel((o) => delete o.spec.blockDeviceMappings[1].ebs.volumeSize, "snapshotID or volumeSize must be defined"),
    );
    test(
        "a tag Karpenter sets itself",
        cel((o) => (o.spec.tags = { "karpenter.sh/nodepool": "x" }), "tag contains a restricted tag matching karpenter.sh/nodepool"),
    );
    test(
        "an empty discovery tag value",
        cel((o) => (o.spec.subnetSelectorTerms[0].tags["karpenter.sh/discovery"] = ""), "empty tag keys or values aren't supported"),
    );
    test(
        "no subnet selector terms",
        cel((o) => (o.spec.subnetSelectorTerms = []), "subnetSelectorTerms cannot be empty"),
    );
    test(
        "a volume size in the wrong unit",
        schema((o) => (o.spec.blockDeviceMappings[0].ebs.volumeSize = "50GiB"), /volumeSize must match pattern/),
    );
    test(
        "an unknown volume type",
        schema((o) => (o.spec.blockDeviceMappings[0].ebs.volumeType = "gp4"), /volumeType must be equal to one of the allowed values/),
    );
    test(
        "IMDSv1 allowed by a typo",
        schema((o) => (o.spec.metadataOptions.httpTokens = "maybe"), /httpTokens must be equal to one of the allowed values/),
    );
    test(
        "a hop limit of 0",
        schema((o) => (o.spec.metadataOptions.httpPutResponseHopLimit = 0), /httpPutResponseHopLimit must be >= 1/),
    );
    test(
        "a misspelt field",
        schema((o) => (o.spec.blockDeviceMappings[0].rootvolume = true), /must NOT have additional properties.*rootvolume/),
    );
    test(
        "no security group selector",
        schema((o) => delete o.spec.securityGroupSelectorTerms, /must have required property 'securityGroupSelectorTerms'/),
    );
});

describe("resolveEC2NodeClassArgs: bad config is refused, naming the field and what is allowed", () => {
    const at = "EC2NodeClass[default]";
    test("IOPS below gp3's 3000", () =>
        assertConfigError(() => render({ dataVolume: { iops: 2999 } }), `${at}.dataVolume.iops`, /3000 to 16000/));
    test("IOPS above gp3's 16000", () =>
        assertConfigError(() => render({ dataVolume: { iops: 16001 } }), `${at}.dataVolume.iops`, /3000 to 16000/));
    test("IOPS above 500 per GiB", () =>
        assertConfigError(
            () => render({ dataVolume: { sizeGiB: 20, iops: 10001 } }),
            `${at}.dataVolume.iops`,
            /at most 10000 for 20 GiB.*500 IOPS per GiB/,
        ));
    test("3000 IOPS on a small volume is gp3's baseline, not over the ratio", () =>
        assert.doesNotThrow(() => render({ amiFamily: AmiFamily.Bottlerocket, rootVolume: { sizeGiB: 4, iops: 3000 } })));
    test("throughput below 125 MiB/s", () =>
        assertConfigError(() => render({ rootVolume: { throughputMiBps: 100 } }), `${at}.rootVolume.throughputMiBps`, /125 to 1000/));
    test("throughput above 1000 MiB/s", () =>
        assertConfigError(
            () => render({ dataVolume: { iops: 16000, throughputMiBps: 1001 } }),
            `${at}.dataVolume.throughputMiBps`,
            /125 to 1000/,
        ));
    test("throughput above 0.25 MiB/s per IOPS", () =>
        assertConfigError(
            () => render({ dataVolume: { iops: 3000, throughputMiBps: 751 } }),
            `${at}.dataVolume.throughputMiBps`,
            /at most 750 MiB\/s for 3000 IOPS.*0\.25 MiB\/s per provisioned IOPS/,
        ));
    test("a root volume smaller than the AL2023 AMI", () =>
        assertConfigError(
            () => render({ rootVolume: { sizeGiB: 19 } }),
            `${at}.rootVolume.sizeGiB`,
            /20 to 16384.*AMI needs at least 20 GiB/,
        ));
    test("a volume above gp3's 16384 GiB", () =>
        assertConfigError(() => render({ dataVolume: { sizeGiB: 16385 } }), `${at}.dataVolume.sizeGiB`, /20 to 16384/));
    test("a fractional size", () =>
        assertConfigError(() => render({ dataVolume: { sizeGiB: 10.5 } }), `${at}.dataVolume.sizeGiB`, /whole number/));
    test("a Bottlerocket data volume smaller than its AMI's", () =>
        assertConfigError(
            () => render({ amiFamily: AmiFamily.Bottlerocket, dataVolume: { sizeGiB: 10 } }),
            `${at}.dataVolume.sizeGiB`,
            /at least 20 GiB/,
        ));
    test("the data volume on the root volume's device", () =>
        assertConfigError(
            () => render({ dataVolume: { deviceName: "/dev/xvda" } }),
            `${at}.dataVolume.deviceName`,
            /other than the root volume's \/dev\/xvda/,
        ));
    test("a malformed device name", () =>
        assertConfigError(
            () => render({ dataVolume: { deviceName: "xvdb" } }),
            `${at}.dataVolume.deviceName`,
            /\/dev\/xvdb to \/dev\/xvdz/,
        ));
    test("Bottlerocket's data volume elsewhere than /dev/xvdb", () =>
        assertConfigError(
            () => render({ amiFamily: AmiFamily.Bottlerocket, dataVolume: { deviceName: "/dev/xvdc" } }),
            `${at}.dataVolume.deviceName`,
            /Bottlerocket/,
        ));
    test("both role and instanceProfile", () =>
        assertConfigError(() => render({ instanceProfile: "p" }), `${at}.role`, /exactly one of role .* and instanceProfile/));
    test("neither role nor instanceProfile", () => assertConfigError(() => render({ role: undefined }), `${at}.role`, /exactly one/));
    test("an empty cluster name", () => assertConfigError(() => render({ clusterName: "" }), `${at}.clusterName`, /cluster's name/));
    test("an AMI version without its v", () =>
        assertConfigError(() => render({ amiVersion: "20260724" }), `${at}.amiVersion`, /vYYYYMMDD/));
    test("an unknown AMI family", () =>
        assertConfigError(() => render({ amiFamily: "Ubuntu" as AmiFamily }), `${at}.amiFamily`, /AL2023, Bottlerocket, Windows2022/));
    test("a tag Karpenter sets", () =>
        assertConfigError(
            () => render({ tags: { "kubernetes.io/cluster/prod": "owned" } }),
            `${at}.tags`,
            /not one of the tags Karpenter sets/,
        ));
    test("a name that is not a DNS subdomain", () =>
        assertConfigError(() => render({ name: "Default" }), "EC2NodeClass[Default].name", /DNS-1123 subdomain/));
});
