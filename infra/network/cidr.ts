/**
 * IPv4 CIDR arithmetic for the VPC and its subnets. Pure functions: the subnet layout is computed and
 * checked before any resource is registered, so a bad range stops `pulumi preview`.
 */
import { isCidr } from "../model/names";
import { check } from "../errors";

/** A parsed IPv4 CIDR: the address as an unsigned 32-bit number and the prefix length. */
export interface Ipv4Cidr {
    address: number;
    prefix: number;
}

/** Prefix lengths a created VPC may have: /16 (AWS's largest) to /22 (private subnets of /24 each). */
export const VPC_PREFIX = { min: 16, max: 22 } as const;

/** AWS's smallest subnet. */
export const SUBNET_MAX_PREFIX = 28;

export function parseCidr(value: string): Ipv4Cidr {
    if (!isCidr(value)) throw new Error(`not an IPv4 CIDR: ${value}`);
    const [ip, prefix] = value.split("/");
    const address = ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
    return { address, prefix: Number(prefix) };
}

export function formatCidr(cidr: Ipv4Cidr): string {
    const a = cidr.address;
    return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${cidr.prefix}`;
}

/** Number of addresses in a CIDR; arithmetic stays in plain numbers (2^32 fits exactly). */
function size(prefix: number): number {
    return 2 ** (32 - prefix);
}

/** Whether the address is the first of its range (`10.0.0.0/16`, not `10.0.1.0/16`). */
export function isNetworkAddress(cidr: Ipv4Cidr): boolean {
    return cidr.address % size(cidr.prefix) === 0;
}

export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
    return (
        inner.prefix >= outer.prefix &&
        inner.address >= outer.address &&
        inner.address + size(inner.prefix) <= outer.address + size(outer.prefix)
    );
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
    return a.address < b.address + size(b.prefix) && b.address < a.address + size(a.prefix);
}

/** The `index`-th block of `parent` split into blocks `extraBits` longer (Terraform's `cidrsubnet`). */
export function subnetCidr(parent: Ipv4Cidr, extraBits: number, index: number): Ipv4Cidr {
    const prefix = parent.prefix + extraBits;
    if (prefix > 32 || index < 0 || index >= 2 ** extraBits) {
        throw new Error(`block ${index} of ${formatCidr(parent)} split by ${extraBits} bits does not exist`);
    }
    return { address: parent.address + index * size(prefix), prefix };
}

export interface SubnetLayout {
    /** One per zone, in zone order. */
    private: string[];
    /** One per zone, in zone order. */
    public: string[];
}

/**
 * The subnets of a VPC: zone `i`'s private subnet is the VPC's `i`-th quarter (nodes and pods take
 * their addresses from it: the VPC CNI gives every pod a VPC address), its public subnet the `i`-th
 * sixteenth of the last quarter (only load balancers and NAT gateways live there). A zone's subnets
 * do not move when a zone is added, and the last sixteenth stays free.
 *
 * `10.0.0.0/16`, 3 zones: private 10.0.0.0/18, 10.0.64.0/18, 10.0.128.0/18;
 * public 10.0.192.0/20, 10.0.208.0/20, 10.0.224.0/20.
 */
export function subnetLayout(vpcCidr: string, zoneCount: number): SubnetLayout {
    const vpc = parseCidr(vpcCidr);
    const zones = [...Array(zoneCount).keys()];
    const lastQuarter = subnetCidr(vpc, 2, 3);
    return {
        private: zones.map((i) => formatCidr(subnetCidr(vpc, 2, i))),
        public: zones.map((i) => formatCidr(subnetCidr(lastQuarter, 2, i))),
    };
}

/** Checks a CIDR's form: four octets, a prefix, and no bits set past the prefix. */
export function checkCidr(setting: string, value: unknown, minPrefix: number, maxPrefix: number): Ipv4Cidr {
    const allowed = `an IPv4 CIDR from /${minPrefix} to /${maxPrefix} with no bits set past the prefix, such as 10.0.0.0/${minPrefix}`;
    check(typeof value === "string" && isCidr(value), setting, value, allowed);
    const cidr = parseCidr(value as string);
    check(cidr.prefix >= minPrefix && cidr.prefix <= maxPrefix && isNetworkAddress(cidr), setting, value, allowed);
    return cidr;
}

/**
 * Checks explicit subnet CIDRs: one per zone, each inside the VPC, none overlapping another subnet
 * (`others` are the subnets of the other kind, already checked).
 */
export function checkSubnetCidrs(setting: string, cidrs: string[], vpcCidr: string, zoneCount: number, others: string[] = []): void {
    check(cidrs.length === zoneCount, setting, cidrs, `one CIDR per zone (${zoneCount})`);
    const vpc = parseCidr(vpcCidr);
    const seen = others.map((c) => ({ text: c, cidr: parseCidr(c) }));
    for (const text of cidrs) {
        const cidr = checkCidr(setting, text, vpc.prefix, SUBNET_MAX_PREFIX);
        check(cidrContains(vpc, cidr), setting, text, `a range inside the VPC's ${vpcCidr}`);
        const clash = seen.find((s) => cidrsOverlap(s.cidr, cidr));
        check(clash === undefined, setting, text, `a range that overlaps no other subnet (it overlaps ${clash?.text})`);
        seen.push({ text, cidr });
    }
}
