/**
 * What only AWS knows about a stack's network, looked up before the program registers anything: the zones
 * the region offers (for a created VPC), and an adopted VPC and its subnets. A wrong zone, a VPC that does
 * not exist or a subnet of another VPC is then a config error like any other, reported with the rest of
 * the stack file's errors and with nothing registered, rather than a failed registration inside a
 * half-registered program.
 */
import * as aws from "@pulumi/aws";
import { ConfigError, ConfigErrorCollector } from "../infra/errors";
import { isAwsRegion } from "../infra/model/regions";
import { NetworkSettings, checkAdoptedVpc, checkSubnetInVpc, oneSubnetPerZone, resolveNetworkArgs } from "../infra/network/network";
import { ZONE_LOOKUP, selectZones } from "../infra/network/zones";

/** What the look-ups found: the network to build, and the collector holding the config errors they raised. */
export interface NetworkLookups {
    /** The stack's network settings, a created VPC's zones resolved (`availabilityZones` set to the zones it will use). */
    network: NetworkSettings;
    /** The stack's config-error collector, with the look-ups' errors (named by component setting, `Network.*`). */
    errors: ConfigErrorCollector;
}

/**
 * Looks up what the stack's network needs from AWS in `region`. Settings that fail their own checks are
 * not looked up (the stack reports those); a look-up that fails (an SDK error) is a ConfigError naming the
 * setting and AWS's answer.
 */
export async function lookUpNetwork(network: NetworkSettings, clusterName: string, region: string | undefined): Promise<NetworkLookups> {
    const errors = new ConfigErrorCollector();
    let resolved: ReturnType<typeof resolveNetworkArgs> | undefined;
    try {
        if (isAwsRegion(region)) resolved = resolveNetworkArgs({ ...network, clusterName }, region);
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
    }
    if (resolved?.created) {
        const { zoneCount, availabilityZones } = resolved.created;
        const offered = await lookUp(errors, "aws:region", region, `a region whose availability zones this account can list`, () =>
            aws.getAvailabilityZones(ZONE_LOOKUP),
        );
        const zones = offered && errors.attempt(() => selectZones(offered.names, zoneCount, availabilityZones));
        return { network: zones ? { ...network, availabilityZones: zones } : network, errors };
    }
    if (resolved?.existing) {
        const { vpcId, privateSubnetIds, publicSubnetIds } = resolved.existing;
        const where = `in ${region} (the stack's aws:region)`;
        const subnets = (setting: string, ids: string[]) =>
            Promise.all(ids.map((id) => lookUp(errors, setting, id, `a subnet of this account ${where}`, () => aws.ec2.getSubnet({ id }))));
        const [vpc, privateSubnets, publicSubnets] = await Promise.all([
            lookUp(errors, "Network.existingVpc.vpcId", vpcId, `a VPC of this account ${where}`, () => aws.ec2.getVpc({ id: vpcId })),
            subnets("Network.existingVpc.privateSubnetIds", privateSubnetIds),
            subnets("Network.existingVpc.publicSubnetIds", publicSubnetIds),
        ]);
        // Whose subnets they are is only worth saying of a VPC that exists.
        if (vpc) {
            errors.attempt(() => checkAdoptedVpc(vpcId, vpc));
            const found = privateSubnets.filter((s) => s !== undefined);
            if (found.length === privateSubnets.length) errors.attempt(() => oneSubnetPerZone(vpcId, found));
            for (const s of publicSubnets) if (s) errors.attempt(() => checkSubnetInVpc("Network.existingVpc.publicSubnetIds", vpcId, s));
        }
    }
    return { network, errors };
}

/**
 * The answer of `invoke`, or undefined after recording a ConfigError for `setting`: what it must be, and
 * what AWS answered (the SDK's wrapping of the provider's message left out).
 */
async function lookUp<T>(
    errors: ConfigErrorCollector,
    setting: string,
    value: unknown,
    allowed: string,
    invoke: () => Promise<T>,
): Promise<T | undefined> {
    try {
        return await invoke();
    } catch (e) {
        const message = awsMessage(e);
        return errors.attempt(() => {
            throw new ConfigError(setting, value, `${allowed}; AWS answered: ${message}`);
        });
    }
}

/** The provider's message of a failed invoke, on one line: `no matching EC2 VPC found`. */
function awsMessage(e: unknown): string {
    const text = e instanceof Error ? e.message : String(e);
    return text
        .replace(/^(invocation of \S+ returned an error: )?(invoking \S+: )?(\d+ errors? occurred:\s*)?/, "")
        .replace(/^\s*\*\s*/, "")
        .replace(/\s+/g, " ")
        .trim();
}
