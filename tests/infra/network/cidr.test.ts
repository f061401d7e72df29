import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    checkCidr,
    checkSubnetCidrs,
    cidrContains,
    cidrsOverlap,
    formatCidr,
    isNetworkAddress,
    parseCidr,
    subnetCidr,
    subnetLayout,
    VPC_PREFIX,
} from "../../../infra/network/cidr";

describe("CIDR arithmetic", () => {
    it("parses and formats addresses across the whole unsigned range", () => {
        for (const cidr of ["0.0.0.0/0", "10.0.0.0/16", "192.168.255.0/24", "255.255.255.255/32"]) {
            assert.equal(formatCidr(parseCidr(cidr)), cidr);
        }
        assert.equal(parseCidr("255.255.255.255/32").address, 2 ** 32 - 1);
        assert.throws(() => parseCidr("10.0.0/16"), /not an IPv4 CIDR/);
    });

    it("knows network addresses, containment and overlap", () => {
        assert.equal(isNetworkAddress(parseCidr("10.0.0.0/16")), true);
        assert.equal(isNetworkAddress(parseCidr("10.0.1.0/16")), false);
        assert.equal(cidrContains(parseCidr("10.0.0.0/16"), parseCidr("10.0.255.0/24")), true);
        assert.equal(cidrContains(parseCidr("10.0.0.0/16"), parseCidr("10.1.0.0/24")), false);
        assert.equal(cidrContains(parseCidr("10.0.0.0/24"), parseCidr("10.0.0.0/16")), false);
        assert.equal(cidrsOverlap(parseCidr("10.0.0.0/18"), parseCidr("10.0.63.0/24")), true);
        assert.equal(cidrsOverlap(parseCidr("10.0.0.0/18"), parseCidr("10.0.64.0/24")), false);
    });

    it("splits a block like Terraform's cidrsubnet and refuses blocks that do not exist", () => {
        assert.equal(formatCidr(subnetCidr(parseCidr("10.0.0.0/16"), 4, 15)), "10.0.240.0/20");
        assert.throws(() => subnetCidr(parseCidr("10.0.0.0/16"), 2, 4), /does not exist/);
        assert.throws(() => subnetCidr(parseCidr("10.0.0.0/30"), 4, 0), /does not exist/);
    });
});

describe("subnetLayout", () => {
    it("gives each zone a quarter of a /16 privately and a /20 of the last quarter publicly", () => {
        assert.deepEqual(subnetLayout("10.0.0.0/16", 3), {
            private: ["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"],
            public: ["10.0.192.0/20", "10.0.208.0/20", "10.0.224.0/20"],
        });
    });

    it("keeps zone a and b where they are when a third zone is added", () => {
        const two = subnetLayout("172.16.0.0/20", 2);
        const three = subnetLayout("172.16.0.0/20", 3);
        assert.deepEqual(three.private.slice(0, 2), two.private);
        assert.deepEqual(three.public.slice(0, 2), two.public);
        assert.deepEqual(two, { private: ["172.16.0.0/22", "172.16.4.0/22"], public: ["172.16.12.0/24", "172.16.13.0/24"] });
    });

    it("lays out every allowed VPC size and zone count inside the VPC without overlap", () => {
        for (let prefix = VPC_PREFIX.min; prefix <= VPC_PREFIX.max; prefix++) {
            for (const zones of [2, 3]) {
                const vpc = parseCidr(`10.64.0.0/${prefix}`);
                const layout = subnetLayout(formatCidr(vpc), zones);
                const all = [...layout.private, ...layout.public].map(parseCidr);
                assert.equal(all.length, 2 * zones);
                for (const [i, a] of all.entries()) {
                    assert.ok(cidrContains(vpc, a), `${formatCidr(a)} inside /${prefix}`);
                    assert.ok(a.prefix <= 28, "no subnet below AWS's /28");
                    for (const b of all.slice(i + 1)) assert.ok(!cidrsOverlap(a, b), `${formatCidr(a)} vs ${formatCidr(b)}`);
                }
            }
        }
    });
});

describe("CIDR checks", () => {
    it("rejects malformed CIDRs, stray host bits and prefixes out of range, naming setting, value and what is allowed", () => {
        assert.throws(() => checkCidr("Network.cidrBlock", "10.0.0.0", 16, 22), {
            name: "ConfigError",
            message:
                'Network.cidrBlock: "10.0.0.0" is not valid; an IPv4 CIDR from /16 to /22 with no bits set past the prefix, such as 10.0.0.0/16',
        });
        assert.throws(() => checkCidr("Network.cidrBlock", "10.0.300.0/16", 16, 22), /"10\.0\.300\.0\/16" is not valid/);
        assert.throws(() => checkCidr("Network.cidrBlock", "10.0.1.0/16", 16, 22), /no bits set past the prefix/);
        assert.throws(() => checkCidr("Network.cidrBlock", "10.0.0.0/8", 16, 22), /from \/16 to \/22/);
        assert.throws(() => checkCidr("Network.cidrBlock", 42, 16, 22), /Network\.cidrBlock: 42 is not valid/);
        assert.equal(checkCidr("Network.cidrBlock", "10.0.0.0/16", 16, 22).prefix, 16);
    });

    it("rejects subnet CIDRs that overlap, leave the VPC or miss a zone", () => {
        const setting = "Network.publicSubnetCidrs";
        assert.throws(() => checkSubnetCidrs(setting, ["10.0.0.0/24", "10.0.0.128/25"], "10.0.0.0/16", 2), {
            message: `${setting}: "10.0.0.128/25" is not valid; a range that overlaps no other subnet (it overlaps 10.0.0.0/24)`,
        });
        assert.throws(
            () => checkSubnetCidrs(setting, ["10.0.192.0/20", "10.0.32.0/20"], "10.0.0.0/16", 2, ["10.0.0.0/18", "10.0.64.0/18"]),
            /"10\.0\.32\.0\/20" is not valid; a range that overlaps no other subnet \(it overlaps 10\.0\.0\.0\/18\)/,
        );
        assert.throws(
            () => checkSubnetCidrs(setting, ["10.1.0.0/24", "10.0.1.0/24"], "10.0.0.0/16", 2),
            /inside the VPC's 10\.0\.0\.0\/16/,
        );
        assert.throws(() => checkSubnetCidrs(setting, ["10.0.0.0/24"], "10.0.0.0/16", 2), /one CIDR per zone \(2\)/);
        assert.throws(() => checkSubnetCidrs(setting, ["10.0.0.0/29", "10.0.1.0/24"], "10.0.0.0/16", 2), /from \/16 to \/28/);
        checkSubnetCidrs(setting, ["10.0.0.0/24", "10.0.1.0/24"], "10.0.0.0/16", 2);
    });
});
