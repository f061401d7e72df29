import { ReclaimPolicy } from "../infra/addons/cluster-addons";
import { NodePoolProfile } from "../infra/nodes/default-pools";
import { EnvironmentProfile, EnvironmentStack } from "./base";

/** Development: cheaper, public API endpoint allowed, nothing protected from deletion. */
export class DevStack extends EnvironmentStack {
    protected profile(): EnvironmentProfile {
        return {
            name: "dev",
            privateCluster: false,
            endpointPublicAccess: true,
            secretsEncryption: false,
            clusterLogTypes: [],
            nodePoolProfile: NodePoolProfile.Dev,
            gpu: false,
            protect: false,
            storageReclaimPolicy: ReclaimPolicy.Delete,
            fixed: {},
        };
    }
}
