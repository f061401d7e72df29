/**
 * Pulumi mocks that answer as the real providers do: ARNs, names, IDs and URLs built the way AWS builds
 * them (an EKS cluster's ARN, endpoint, certificate authority, OIDC issuer and EKS-managed security group;
 * the OIDC provider's ARN; add-on, access-entry and Fargate-profile IDs). A mock that only echoed inputs
 * would let an `undefined:sub` trust policy, or an ARN where a name belongs, pass.
 */
import * as pulumi from "@pulumi/pulumi";

export const ACCOUNT_ID = "123456789012";
export const OIDC_ID = "EXAMPLED539D4633E53DE1B71EXAMPLE";
/** The security group EKS creates for a cluster (what `vpcConfig.clusterSecurityGroupId` returns). */
export const CLUSTER_SECURITY_GROUP_ID = "sg-0eksmanaged000001";
/** Base64 of a PEM certificate, as `certificateAuthority.data` returns it. */
export const CERTIFICATE_AUTHORITY_DATA = Buffer.from(
    "-----BEGIN CERTIFICATE-----\nMIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAV\n-----END CERTIFICATE-----\n",
).toString("base64");
/** What `aws.eks.getAddonVersion` answers, by add-on name (a Kubernetes version is required, as in AWS). */
export const ADDON_VERSIONS: Record<string, string> = {
    "vpc-cni": "v1.20.1-eksbuild.3",
    "kube-proxy": "v1.35.0-eksbuild.2",
    "eks-pod-identity-agent": "v1.3.8-eksbuild.2",
    coredns: "v1.12.2-eksbuild.4",
    "aws-ebs-csi-driver": "v1.48.0-eksbuild.2",
};

/** Physical IDs as AWS shapes them, derived from the resource name so tests can predict them. */
export const ID_PREFIX: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
};

/** An existing VPC the account holds, for stacks that adopt one (`network.existingVpc`). */
export const EXISTING_VPC = {
    vpcId: "vpc-0a1b2c3d4e5f60001",
    cidrBlock: "10.50.0.0/16",
    privateSubnetIds: ["subnet-0a1b2c3d4e5f6000a", "subnet-0a1b2c3d4e5f6000b"],
    publicSubnetIds: ["subnet-0a1b2c3d4e5f6001a", "subnet-0a1b2c3d4e5f6001b"],
};

/** A VPC of the same account beside EXISTING_VPC, with a subnet of its own: a subnet listed for the wrong VPC. */
export const OTHER_VPC = {
    vpcId: "vpc-0f1e2d3c4b5a60002",
    cidrBlock: "10.60.0.0/16",
    subnetIds: ["subnet-0f1e2d3c4b5a6000a"],
};

/** What the mocks answer beyond their defaults. */
export interface AwsMockOptions {
    /**
     * VPC and subnet IDs, well-formed, that the account does not hold: their look-ups fail as AWS's do
     * (`no matching EC2 VPC found`). @default [] (any well-formed ID is answered, its facts assumed)
     */
    missing?: readonly string[];
}

/**
 * A provider's failed invoke as the engine answers it: a gRPC error whose `details` the SDK turns into the
 * program's Error (pulumi/pulumi#9094 shows the text: `invocation of aws:ec2/getVpc:getVpc returned an
 * error: invoking aws:ec2/getVpc:getVpc: 1 error occurred:` and the provider's message).
 */
function invokeError(token: string, message: string): Error {
    const details = `invocation of ${token} returned an error: invoking ${token}: 1 error occurred:\n\t* ${message}`;
    return Object.assign(new Error(details), { details });
}

/** What AWS accepts as a VPC or subnet ID: the prefix and 8 or 17 hex digits. */
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** The CIDR block assumed for an adopted VPC the mocks do not hold (its subnets get /24s in it). */
const ASSUMED_VPC_CIDR = "10.0.0.0/16";

export class AwsMocks implements pulumi.runtime.Mocks {
    /**
     * What the mocks made up because only AWS knows it (an adopted VPC's CIDR, its subnets' zones and
     * CIDRs): the plan prints these as assumed, not read.
     */
    public readonly assumptions: string[] = [];
    /** The adopted VPCs looked up so far, in order; an unknown subnet is taken to be in the last. */
    private readonly vpcs: string[] = [];
    /** Unknown subnets looked up so far, in order: each gets the next zone and /24. */
    private readonly subnets: string[] = [];

    constructor(
        public readonly region: string,
        private readonly options: AwsMockOptions = {},
    ) {}

    /** The region's zones: a, b and c. */
    get zones(): string[] {
        return ["a", "b", "c"].map((z) => `${this.region}${z}`);
    }

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string; state: Record<string, unknown> }> {
        const i = args.inputs;
        const arn = (service: string, resource: string, region = this.region) => `arn:aws:${service}:${region}:${ACCOUNT_ID}:${resource}`;
        switch (args.type) {
            case "aws:iam/role:Role": {
                const name = i.name ?? `${args.name}-${"a1b2c3d"}`;
                return { id: name, state: { ...i, name, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${name}`, uniqueId: "AROAEXAMPLE" } };
            }
            case "aws:iam/serviceLinkedRole:ServiceLinkedRole": {
                // AWS names a service-linked role after its service; Spot's is AWSServiceRoleForEC2Spot.
                const names: Record<string, string> = { "spot.amazonaws.com": "AWSServiceRoleForEC2Spot" };
                const name = names[i.awsServiceName] ?? `AWSServiceRoleFor${String(i.awsServiceName).split(".")[0]}`;
                const path = `/aws-service-role/${i.awsServiceName}/`;
                return {
                    id: `arn:aws:iam::${ACCOUNT_ID}:role${path}${name}`,
                    state: { ...i, name, path, arn: `arn:aws:iam::${ACCOUNT_ID}:role${path}${name}`, uniqueId: "AROAEXAMPLESLR" },
                };
            }
            case "aws:iam/policy:Policy": {
                const name = i.name ?? args.name;
                return {
                    id: `arn:aws:iam::${ACCOUNT_ID}:policy/${name}`,
                    state: { ...i, name, arn: `arn:aws:iam::${ACCOUNT_ID}:policy/${name}` },
                };
            }
            case "aws:iam/instanceProfile:InstanceProfile": {
                const name = i.name ?? args.name;
                return { id: name, state: { ...i, name, arn: `arn:aws:iam::${ACCOUNT_ID}:instance-profile/${name}` } };
            }
            case "aws:sqs/queue:Queue": {
                const name = i.name ?? args.name;
                const url = `https://sqs.${this.region}.amazonaws.com/${ACCOUNT_ID}/${name}`;
                return { id: url, state: { ...i, name, url, arn: arn("sqs", name) } };
            }
            case "aws:sns/topic:Topic": {
                const name = i.name ?? `${args.name}-5e6f7a8`;
                return { id: arn("sns", name), state: { ...i, name, arn: arn("sns", name) } };
            }
            case "aws:cloudwatch/logGroup:LogGroup":
                return { id: i.name, state: { ...i, arn: arn("logs", `log-group:${i.name}`) } };
            case "aws:costexplorer/anomalyMonitor:AnomalyMonitor": {
                const monitorArn = `arn:aws:ce::${ACCOUNT_ID}:anomalymonitor/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e`;
                return { id: monitorArn, state: { ...i, arn: monitorArn } };
            }
            case "aws:kms/key:Key":
                return { id: "mrk-1234abcd", state: { ...i, keyId: "mrk-1234abcd", arn: arn("kms", "key/mrk-1234abcd") } };
            case "aws:cloudwatch/eventRule:EventRule": {
                const name = i.name ?? `${args.name}-e1f2`;
                return { id: name, state: { ...i, name, arn: arn("events", `rule/${name}`) } };
            }
            case "aws:eks/fargateProfile:FargateProfile":
                return {
                    id: `${i.clusterName}:${i.fargateProfileName}`,
                    state: { ...i, arn: arn("eks", `fargateprofile/${i.clusterName}/${i.fargateProfileName}/abcd`), status: "ACTIVE" },
                };
            case "random:index/randomString:RandomString":
                return { id: "k3x9qz", state: { ...i, result: "k3x9qz".slice(0, Number(i.length ?? 6)) } };
            case "aws:eks/cluster:Cluster": {
                const name: string = i.name ?? `${args.name}-1234567`;
                return {
                    id: name,
                    state: {
                        ...i,
                        name,
                        arn: arn("eks", `cluster/${name}`),
                        endpoint: `https://${OIDC_ID}.gr7.${this.region}.eks.amazonaws.com`,
                        certificateAuthority: { data: CERTIFICATE_AUTHORITY_DATA },
                        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${this.region}.amazonaws.com/id/${OIDC_ID}` }] }],
                        vpcConfig: { ...i.vpcConfig, clusterSecurityGroupId: CLUSTER_SECURITY_GROUP_ID },
                        platformVersion: "eks.1",
                        status: "ACTIVE",
                    },
                };
            }
            case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
                // IAM keeps the URL without its scheme; the ARN names the issuer's host and path.
                const url = String(i.url).replace(/^https:\/\//, "");
                const providerArn = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${url}`;
                return { id: providerArn, state: { ...i, url, arn: providerArn } };
            }
            case "aws:eks/addon:Addon":
                return {
                    id: `${i.clusterName}:${i.addonName}`,
                    state: { ...i, arn: arn("eks", `addon/${i.clusterName}/${i.addonName}/abcd`) },
                };
            case "aws:eks/accessEntry:AccessEntry": {
                const [, , , , , resource] = String(i.principalArn).split(":");
                return {
                    id: `${i.clusterName}:${i.principalArn}`,
                    state: {
                        ...i,
                        accessEntryArn: arn("eks", `access-entry/${i.clusterName}/${resource}/abcd`),
                        kubernetesGroups: [],
                        userName: i.principalArn,
                    },
                };
            }
            case "aws:eks/accessPolicyAssociation:AccessPolicyAssociation":
                return { id: `${i.clusterName}#${i.principalArn}#${i.policyArn}`, state: { ...i, associatedAt: "2026-01-01T00:00:00Z" } };
            case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
                const id = `sgr-${args.name.replace(/[^a-z0-9]/g, "").slice(-17)}`;
                return { id, state: { ...i, securityGroupRuleId: id, arn: arn("ec2", `security-group-rule/${id}`) } };
            }
            case "aws:ec2/vpc:Vpc": {
                const id = `vpc-${args.name}`;
                return { id, state: { ...i, arn: arn("ec2", `vpc/${id}`), mainRouteTableId: `rtb-${args.name}-main` } };
            }
            default: {
                const prefix = ID_PREFIX[args.type];
                return { id: prefix ? `${prefix}-${args.name}` : `${args.name}-id`, state: { ...i } };
            }
        }
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/ci`, userId: "AIDAEXAMPLE", id: ACCOUNT_ID };
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return { id: this.region, names: this.zones, zoneIds: this.zones.map((_, n) => `az${n + 1}`), state: args.inputs.state };
            case "aws:ec2/getVpc:getVpc": {
                const id: string = args.inputs.id;
                if (!VPC_ID.test(id)) throw new Error(`InvalidVpcID.Malformed: ${id}`);
                if (this.options.missing?.includes(id)) throw invokeError(args.token, "no matching EC2 VPC found");
                this.vpcs.push(id);
                const known = [EXISTING_VPC, OTHER_VPC].find((v) => v.vpcId === id);
                const cidrBlock = known?.cidrBlock ?? ASSUMED_VPC_CIDR;
                if (!known)
                    this.assume(
                        `VPC ${id}: CIDR ${cidrBlock}, DNS support and hostnames on, its main route table (assumed, not read from AWS)`,
                    );
                return {
                    id,
                    cidrBlock,
                    cidrBlockAssociations: [{ cidrBlock }],
                    enableDnsHostnames: true,
                    enableDnsSupport: true,
                    mainRouteTableId: "rtb-0existingmain",
                };
            }
            case "aws:ec2/getSubnet:getSubnet": {
                const id: string = args.inputs.id;
                if (this.options.missing?.includes(id)) throw invokeError(args.token, "no matching EC2 Subnet found");
                const known = [...EXISTING_VPC.privateSubnetIds, ...EXISTING_VPC.publicSubnetIds].indexOf(id);
                if (known >= 0)
                    return { id, vpcId: EXISTING_VPC.vpcId, availabilityZone: this.zones[known % 2], cidrBlock: `10.50.${known}.0/24` };
                const other = OTHER_VPC.subnetIds.indexOf(id);
                if (other >= 0)
                    return { id, vpcId: OTHER_VPC.vpcId, availabilityZone: this.zones[other % 3], cidrBlock: `10.60.${other}.0/24` };
                if (!SUBNET_ID.test(id)) throw new Error(`InvalidSubnetID.Malformed: ${id}`);
                if (!this.subnets.includes(id)) this.subnets.push(id);
                const n = this.subnets.indexOf(id);
                const subnet = {
                    id,
                    vpcId: this.vpcs[this.vpcs.length - 1] ?? "vpc-unknown",
                    availabilityZone: this.zones[n % this.zones.length],
                    cidrBlock: `10.0.${n}.0/24`,
                };
                this.assume(
                    `subnet ${id}: zone ${subnet.availabilityZone}, CIDR ${subnet.cidrBlock}, in ${subnet.vpcId} (assumed, not read from AWS)`,
                );
                return subnet;
            }
            case "aws:ec2/getRouteTables:getRouteTables":
                return { id: this.region, ids: [`rtb-0existing${args.inputs.filters[0].values[0].slice(-1)}`] };
            case "aws:eks/getAddonVersion:getAddonVersion": {
                const { addonName, kubernetesVersion } = args.inputs;
                if (!ADDON_VERSIONS[addonName] || !/^1\.[0-9]+$/.test(kubernetesVersion ?? "")) {
                    throw new Error(`no version of add-on ${addonName} for Kubernetes ${kubernetesVersion}`);
                }
                return { ...args.inputs, version: ADDON_VERSIONS[addonName], id: addonName };
            }
            case "aws:index/getRegion:getRegion":
                return { region: this.region, name: this.region, endpoint: `ec2.${this.region}.amazonaws.com`, id: this.region };
            default:
                return args.inputs;
        }
    }

    private assume(sentence: string): void {
        if (!this.assumptions.includes(sentence)) this.assumptions.push(sentence);
    }
}
