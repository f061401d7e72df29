import { EnvironmentProfile, EnvironmentStack } from "./base";

/** Development: cheaper, public API endpoint allowed, nothing protected from deletion. */
export class DevStack extends EnvironmentStack {
    protected profile(): EnvironmentProfile {
        return {
            name: "dev",
            endpointPublicAccess: true,
            secretsEncryption: false,
            clusterLogTypes: [],
            protect: false,
            storageReclaimPolicy: "Delete",
            fixed: {},
        };
    }
}
