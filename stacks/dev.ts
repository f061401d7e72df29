import { ReclaimPolicy } from "../infra/addons/cluster-addons";
import { NodePoolProfile } from "../infra/nodes/default-pools";
import { EnvironmentProfile, EnvironmentStack } from "./base";

/**
 * Development: cheaper, a public API endpoint (reachable only from the CIDRs config lists in
 * publicAccessCidrs, which it must), nothing protected from deletion.
 */
export class DevStack extends EnvironmentStack {
    protected profile(): EnvironmentProfile {
        return {
            name: "dev",
            privateCluster: false,
            endpointPublicAccess: true,
            secretsEncryption: false,
            clusterLogTypes: [],
            nodePoolProfile: NodePoolProfile.Dev,
            protect: false,
            storageReclaimPolicy: ReclaimPolicy.Delete,
            fixed: {},
            requiredClusterLogTypes: [],
        };
    }
}
