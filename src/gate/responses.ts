// What the gate's routes answer, for the OpenAPI document (responses are sent as built).
import { z } from "zod";
import { ReviewerRoleOut } from "../auth/responses.ts";
import { InstantOut } from "../server/openapi.ts";
import { OUTCOMES } from "./verdict.ts";

export const ReasonOut = z.object({ code: z.string(), message: z.string(), ruleId: z.string().optional(), layer: z.string().optional().describe('The layer the rule came from: "global" or "market:<M>"') });

export const DecisionOut = z.looseObject({
  id: z.string(),
  agentId: z.string(),
  hcpId: z.string(),
  action: z.string(),
  purpose: z.string(),
  channel: z.string(),
  assetId: z.string().nullable(),
  idempotencyKey: z.string(),
  outcome: z.enum(OUTCOMES),
  reasons: z.array(ReasonOut),
  bundleVersion: z.string(),
  decidedAt: InstantOut,
  scheduledFor: InstantOut.optional().describe("When a scheduled action may go"),
  reviewId: z.string().optional().describe("The review a pending_review decision waits on"),
  reviewers: z.array(ReviewerRoleOut).optional(),
}).meta({ id: "Decision", description: "The gate's decision on one proposal (more read-only fields may follow)" });

const OutcomeEventOut = z.object({ type: z.string(), at: InstantOut, eventId: z.string() });
const ListedDecisionOut = DecisionOut.extend({ outcomes: z.array(OutcomeEventOut).describe("What followed the decision (delivered, opened, …)") });

export const DecisionDetailResponse = ListedDecisionOut.extend({
  initialOutcome: z.enum(OUTCOMES).describe("The outcome before any review resolved it"),
  checks: z.array(z.looseObject({ check: z.string(), status: z.enum(["pass", "fail", "hold", "skipped"]), reasons: z.array(ReasonOut) })),
  proposal: z.record(z.string(), z.unknown()).describe("The proposal as received"),
  resolvedAt: InstantOut.nullable(),
  resolution: z.unknown().describe("How a review resolved it, or null"),
});

export const BatchResponse = z.object({ decisions: z.array(DecisionOut) });
export const DecisionListResponse = z.object({
  decisions: z.array(ListedDecisionOut),
  nextCursor: z.string().nullable().describe("Feed (order=asc): pass as `after` for the next page; it stays put when the page is empty. Null for the newest-first list"),
});
