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

export class AwsMocks implements pulumi.runtime.Mocks {
    constructor(public readonly region: string) {}

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
            default:
                return { id: `${args.name}-id`, state: { ...i } };
        }
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/ci`, userId: "AIDAEXAMPLE", id: ACCOUNT_ID };
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
            case "aws:index/getRegion:getRegion":
                return { region: this.region, name: this.region, endpoint: `ec2.${this.region}.amazonaws.com`, id: this.region };
            default:
                return args.inputs;
        }
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
