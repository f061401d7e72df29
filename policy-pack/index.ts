// The guardrails policy pack: `pulumi preview --policy-pack ./policy-pack` (see the README's Guardrails).
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("eks-karpenter-guardrails", { policies });
