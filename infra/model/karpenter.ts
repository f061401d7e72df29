/** Facts about the Karpenter controller this library installs, shared by the component, the stacks and the offline plan. No imports. */

/** The controller's replicas and requests when nothing sets them: what Karpenter's guides run in production. */
export const CONTROLLER_DEFAULTS = { replicas: 2, requests: { cpu: "1", memory: "1Gi" } } as const;
