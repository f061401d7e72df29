/**
 * Pulumi mocks that answer as the real providers do: ARNs, names and URLs built the way AWS builds
 * them, and for the `@pulumi/eks` Cluster component its real outputs (OIDC provider, kubeconfig and
 * the underlying `aws.eks.Cluster` with its endpoint and EKS-managed security group). A mock that
 * only echoed inputs would let an `undefined:sub` trust policy pass.
 */
import * as pulumi from "@pulumi/pulumi";
import { rpc } from "./pulumi-internals";

export const ACCOUNT_ID = "123456789012";
export const OIDC_ID = "EXAMPLED539D4633E53DE1B71EXAMPLE";
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

    constructor(public readonly region: string) {}

    /** The region's zones: a, b and c. */
    get zones(): string[] {
        return ["a", "b", "c"].map((z) => `${this.region}${z}`);
    }

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string; state: Record<string, unknown> }> {
        const i = args.inputs;
        const arn = (service: string, resource: string, region = this.region) =>
            `arn:aws:${service}:${region}:${ACCOUNT_ID}:${resource}`;
        switch (args.type) {
            case "aws:iam/role:Role": {
                const name = i.name ?? `${args.name}-${"a1b2c3d"}`;
                return { id: name, state: { ...i, name, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${name}`, uniqueId: "AROAEXAMPLE" } };
            }
            case "aws:iam/policy:Policy": {
                const name = i.name ?? args.name;
                return { id: `arn:aws:iam::${ACCOUNT_ID}:policy/${name}`, state: { ...i, name, arn: `arn:aws:iam::${ACCOUNT_ID}:policy/${name}` } };
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
            case "eks:index:Cluster":
                return { id: "", state: await this.eksCluster(args) };
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
                this.vpcs.push(id);
                const cidrBlock = id === EXISTING_VPC.vpcId ? EXISTING_VPC.cidrBlock : ASSUMED_VPC_CIDR;
                if (id !== EXISTING_VPC.vpcId) this.assume(`VPC ${id}: CIDR ${cidrBlock}, DNS support and hostnames on, its main route table (assumed, not read from AWS)`);
                return { id, cidrBlock, cidrBlockAssociations: [{ cidrBlock }], enableDnsHostnames: true, enableDnsSupport: true, mainRouteTableId: "rtb-0existingmain" };
            }
            case "aws:ec2/getSubnet:getSubnet": {
                const id: string = args.inputs.id;
                const known = [...EXISTING_VPC.privateSubnetIds, ...EXISTING_VPC.publicSubnetIds].indexOf(id);
                if (known >= 0) return { id, vpcId: EXISTING_VPC.vpcId, availabilityZone: this.zones[known % 2], cidrBlock: `10.50.${known}.0/24` };
                if (!SUBNET_ID.test(id)) throw new Error(`InvalidSubnetID.Malformed: ${id}`);
                if (!this.subnets.includes(id)) this.subnets.push(id);
                const n = this.subnets.indexOf(id);
                const subnet = { id, vpcId: this.vpcs[this.vpcs.length - 1] ?? "vpc-unknown", availabilityZone: this.zones[n % this.zones.length], cidrBlock: `10.0.${n}.0/24` };
                this.assume(`subnet ${id}: zone ${subnet.availabilityZone}, CIDR ${subnet.cidrBlock}, in ${subnet.vpcId} (assumed, not read from AWS)`);
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

    /**
     * The eks.Cluster component's outputs. Its `eksCluster` output is a reference to a child
     * `aws:eks/cluster:Cluster`, so that child is stored in the mock monitor the way the engine would
     * have it, and the reference resolves to a real `aws.eks.Cluster` with its state.
     */
    private async eksCluster(args: pulumi.runtime.MockResourceArgs): Promise<Record<string, unknown>> {
        const i = args.inputs;
        const name: string = i.name ?? `${args.name}-eksCluster-1234567`;
        const endpoint = `https://${OIDC_ID}.gr7.${this.region}.eks.amazonaws.com`;
        const issuer = `https://oidc.eks.${this.region}.amazonaws.com/id/${OIDC_ID}`;
        const clusterSecurityGroupId = "sg-0eksmanaged000001";
        const childUrn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::eks:index:Cluster$aws:eks/cluster:Cluster::${args.name}-eksCluster`;
        const childState = {
            name,
            arn: `arn:aws:eks:${this.region}:${ACCOUNT_ID}:cluster/${name}`,
            endpoint,
            version: i.version,
            identities: [{ oidcs: [{ issuer }] }],
            certificateAuthority: { data: "LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0t" },
            vpcConfig: {
                clusterSecurityGroupId,
                endpointPrivateAccess: i.endpointPrivateAccess,
                endpointPublicAccess: i.endpointPublicAccess,
                publicAccessCidrs: i.publicAccessCidrs,
                subnetIds: i.privateSubnetIds,
                vpcId: i.vpcId,
            },
            accessConfig: { authenticationMode: i.authenticationMode },
            encryptionConfig: i.encryptionConfigKeyArn ? { provider: { keyArn: i.encryptionConfigKeyArn }, resources: ["secrets"] } : undefined,
            enabledClusterLogTypes: i.enabledClusterLogTypes,
            tags: i.tags,
        };
        const monitor = pulumi.runtime.getMonitor() as unknown as { resources: Map<string, unknown> };
        monitor.resources.set(childUrn, { urn: childUrn, id: name, state: await rpc.serializeProperties("eksCluster", childState) });
        const kubeconfig = {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "kubernetes", cluster: { server: endpoint, "certificate-authority-data": childState.certificateAuthority.data } }],
            contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
            "current-context": "aws",
            users: [{ name: "aws", user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", name] } } }],
        };
        return {
            eksCluster: { [rpc.specialSigKey]: rpc.specialResourceSig, urn: childUrn, id: name },
            kubeconfig,
            kubeconfigJson: JSON.stringify(kubeconfig),
            oidcProviderArn: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/oidc.eks.${this.region}.amazonaws.com/id/${OIDC_ID}`,
            oidcProviderUrl: `oidc.eks.${this.region}.amazonaws.com/id/${OIDC_ID}`,
            oidcIssuer: `oidc.eks.${this.region}.amazonaws.com/id/${OIDC_ID}`,
            clusterSecurityGroupId,
            nodeSecurityGroupId: clusterSecurityGroupId,
        };
    }
}
