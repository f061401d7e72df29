/**
 * Availability zones of a created VPC. What can be known without a cloud call (how many zones, the form of
 * their names, their region) is checked before any resource is registered; whether the region offers
 * them is checked against `aws.getAvailabilityZones` while `pulumi preview` resolves it.
 */
import { check } from "../errors";

/**
 * The `aws.getAvailabilityZones` arguments of a created VPC's zones: standard zones only (Local and
 * Wavelength Zones are opt-in and carry no EKS control plane). The stack program looks them up with these
 * before anything is registered; the Network component with the same.
 */
export const ZONE_LOOKUP = { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] };

/** Zones a created VPC spans: two at least (EKS needs subnets in two), three at most (this layout's limit). */
export const ZONE_COUNT = { min: 2, max: 3 } as const;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Checks a region name's form (`eu-west-1`, `us-gov-west-1`, `cn-north-1`). */
export function checkRegion(setting: string, region: unknown): void {
    check(typeof region === "string" && REGION.test(region), setting, region, "a region name such as eu-west-1");
}

/**
 * Checks the zone settings and returns the zone count. Zones named explicitly must be distinct standard
 * zones of `region` (its name and one letter; Local and Wavelength Zones are not for EKS subnets).
 * `region` is undefined when the stack does not set `aws:region`: the names are then checked against
 * the region's list alone.
 */
export function checkZones(region: string | undefined, zoneCount: number | undefined, availabilityZones: string[] | undefined): number {
    const range = `from ${ZONE_COUNT.min} to ${ZONE_COUNT.max}`;
    if (availabilityZones === undefined) {
        const count = zoneCount ?? ZONE_COUNT.max;
        check(
            Number.isInteger(count) && count >= ZONE_COUNT.min && count <= ZONE_COUNT.max,
            "Network.zoneCount",
            count,
            `a whole number ${range}`,
        );
        return count;
    }
    check(
        Array.isArray(availabilityZones) && availabilityZones.length >= ZONE_COUNT.min && availabilityZones.length <= ZONE_COUNT.max,
        "Network.availabilityZones",
        availabilityZones,
        `${range} zone names`,
    );
    check(
        zoneCount === undefined || zoneCount === availabilityZones.length,
        "Network.zoneCount",
        zoneCount,
        `unset, or the number of availabilityZones (${availabilityZones.length})`,
    );
    const zone = region === undefined ? /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/ : new RegExp(`^${region}[a-z]$`);
    for (const name of availabilityZones) {
        check(
            typeof name === "string" && zone.test(name),
            "Network.availabilityZones",
            name,
            region === undefined ? "a zone name such as eu-west-1a" : `a zone of the stack's region ${region}: ${region}a, ${region}b, ...`,
        );
    }
    check(
        new Set(availabilityZones).size === availabilityZones.length,
        "Network.availabilityZones",
        availabilityZones,
        "distinct zones: each zone holds one private and one public subnet",
    );
    return availabilityZones.length;
}

/**
 * The zones to use, from those the region offers (in its order): the named ones, or the first
 * `zoneCount`. Runs on the result of `aws.getAvailabilityZones`; throws ConfigError as the static
 * checks do.
 */
export function selectZones(offered: string[], zoneCount: number, availabilityZones: string[] | undefined): string[] {
    if (availabilityZones !== undefined) {
        for (const name of availabilityZones) {
            check(offered.includes(name), "Network.availabilityZones", name, `a zone the region offers: ${offered.join(", ")}`);
        }
        return availabilityZones;
    }
    check(
        offered.length >= zoneCount,
        "Network.zoneCount",
        zoneCount,
        `at most ${offered.length}: the region offers this account ${offered.length} zone(s) (${offered.join(", ") || "none"})`,
    );
    return offered.slice(0, zoneCount);
}
