import { ReclaimPolicy } from "../infra/addons/cluster-addons";
import { NodePoolProfile } from "../infra/nodes/default-pools";
import { EnvironmentProfile, EnvironmentStack } from "./base";

/** Dev's Karpenter controller where config sets none: one small replica (see DevStack for the trade-off). */
export const DEV_CONTROLLER = { replicas: 1, requests: { cpu: "250m", memory: "768Mi" } };

/**
 * Development: cheaper, a public API endpoint (reachable only from the CIDRs config lists in
 * publicAccessCidrs, which it must), nothing protected from deletion.
 *
 * One Karpenter replica with 250m CPU / 768Mi (one 0.25 vCPU / 1 GB Fargate pod instead of two of 1 vCPU /
 * 2 GB). The trade-off: while that pod restarts or moves (a Fargate pod takes about a minute to start) no
 * node is launched or consolidated and interruption messages wait in the queue; scheduling many pending
 * pods at once is slower. Memory stays at 768Mi because Karpenter holds every instance type's data in memory.
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
            gpu: false,
            protect: false,
            storageReclaimPolicy: ReclaimPolicy.Delete,
            karpenter: DEV_CONTROLLER,
            // A week of logs; no node monitoring agent (a DaemonSet on every node).
            observability: { logRetentionDays: 7, nodeMonitoringAgent: false },
            requireAlertSubscribers: false,
            fixed: {},
            requiredClusterLogTypes: [],
        };
    }
}
