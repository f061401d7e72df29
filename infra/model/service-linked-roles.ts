/**
 * EC2's service-linked role for Spot (IAM: `AWSServiceRoleForEC2Spot`, path `/aws-service-role/spot.amazonaws.com/`).
 * EC2 needs it to launch Spot instances; a fresh account has none until something creates it, and
 * creating it where it exists fails. Karpenter's getting-started guide creates it
 * (`aws iam create-service-linked-role --aws-service-name spot.amazonaws.com`).
 */
export const SPOT_SERVICE_LINKED_ROLE = {
    awsServiceName: "spot.amazonaws.com",
    roleName: "AWSServiceRoleForEC2Spot",
} as const;
