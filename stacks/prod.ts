import { ReclaimPolicy } from "../infra/addons/cluster-addons";
import { ClusterLogType } from "../infra/cluster/cluster";
import { NodePoolProfile } from "../infra/nodes/default-pools";
import { CONTROLLER_DEFAULTS } from "../infra/model/karpenter";
import { EnvironmentProfile, EnvironmentStack } from "./base";

/**
 * Production: a private cluster (no internet route, private API endpoint only), secrets encrypted with
 * KMS, control-plane logs, and every resource protected from deletion (so a destroy deletes nothing).
 * Config may not relax any of them, nor leave out the audit log.
 * Volumes outlive their claims unless config says otherwise. The GPU pool is opt-in (`nodes.gpu`): in this
 * private cluster it needs NVIDIA's device plugin image mirrored (`nodes.devicePluginImage`).
 */
export class ProdStack extends EnvironmentStack {
    protected profile(): EnvironmentProfile {
        return {
            name: "prod",
            privateCluster: true,
            endpointPublicAccess: false,
            secretsEncryption: true,
            clusterLogTypes: [ClusterLogType.Api, ClusterLogType.Audit, ClusterLogType.Authenticator],
            nodePoolProfile: NodePoolProfile.Prod,
            // Opt-in: GPU instances are costly, and a private cluster's GPU nodes need a mirrored device plugin image.
            gpu: false,
            protect: true,
            // A deleted claim must not take production data with it.
            storageReclaimPolicy: ReclaimPolicy.Retain,
            // Two replicas: the standby takes over within seconds when the leader's pod goes.
            karpenter: { replicas: CONTROLLER_DEFAULTS.replicas, requests: { ...CONTROLLER_DEFAULTS.requests } },
            // Logs kept a month; the node monitoring agent reports failing disks, kernels and networking.
            observability: { logRetentionDays: 30, nodeMonitoringAgent: true },
            requireAlertSubscribers: true,
            fixed: { endpointPublicAccess: false, secretsEncryption: true, protect: true, privateCluster: true },
            // Who did what to which object: the record an incident review starts from.
            requiredClusterLogTypes: [ClusterLogType.Audit],
        };
    }
}
