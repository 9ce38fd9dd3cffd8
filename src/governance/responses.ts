// What the governance routes answer, for the OpenAPI document (responses are sent as built).
import { z } from "zod";

export const BundleOut = z.object({
  version: z.string(),
  owner: z.string(),
  default: z.string(),
  rules: z.array(z.object({ id: z.string(), when: z.unknown(), if: z.string().nullable().describe("The CEL condition as written"), outcome: z.string(), reviewers: z.array(z.string()), reason: z.string().nullable(), layer: z.string().describe('"global", or "market:<M>" for a market overlay\'s rule') })),
  tunables: z.record(z.string(), z.object({ min: z.number(), max: z.number(), default: z.number() })).describe("authority.yaml tunables: what an agent's owner may set per agent, within [min, max]"),
  review: z.object({ ownerMayConfirm: z.boolean(), distinctReviewers: z.boolean() }).describe("Separation of duties in reviews"),
  dataUse: z.unknown().describe("data.yaml: which event sources may serve which purposes, per market"),
  contact: z.looseObject({}).describe("The contact policy: caps, minimum gap, quiet hours, exempt purposes, arbitration"),
  markets: z.unknown().describe("Per-market settings"),
  freshness: z.unknown().describe("How fresh each source's data must be"),
  files: z.unknown().describe("The bundle's files as loaded"),
}).meta({ id: "GovernanceBundle", description: "The governance bundle as loaded" });

const BundleTestsOut = z.object({ passed: z.number().int(), failed: z.array(z.looseObject({ file: z.string(), name: z.string() })) });
const Outcome = z.object({ outcome: z.string(), reasons: z.array(z.string()) });

export const DryRunResponse = z.object({
  activeVersion: z.string(),
  candidateVersion: z.string(),
  replayed: z.number().int(),
  changed: z.number().int(),
  byOutcome: z.record(z.string(), z.object({ before: z.number().int(), after: z.number().int() })),
  changes: z.array(z.object({ decisionId: z.string(), agentId: z.string(), hcpId: z.string(), action: z.string(), decidedAt: z.string(), before: Outcome, after: Outcome })),
  tests: BundleTestsOut,
});

export const ActivationResponse = z.object({ activated: BundleOut, tests: BundleTestsOut });
