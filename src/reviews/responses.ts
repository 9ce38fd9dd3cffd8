// What the review routes answer, for the OpenAPI document (responses are sent as built).
import { z } from "zod";
import { ReviewerRoleOut, ReviewSignatureOut } from "../auth/responses.ts";
import { InstantOut } from "../server/openapi.ts";
import { OUTCOMES } from "../gate/verdict.ts";

export const ReviewOut = z.object({
  id: z.string(),
  decisionId: z.string(),
  agentId: z.string(),
  hcpId: z.string(),
  roles: z.array(ReviewerRoleOut),
  status: z.enum(["open", "approved", "rejected", "cancelled"]),
  createdAt: InstantOut,
  dueAt: InstantOut,
  closedAt: InstantOut.nullable(),
  closedBy: z.string().nullable(),
  signatures: z.array(ReviewSignatureOut),
  awaiting: z.array(ReviewerRoleOut).describe("Roles that have not signed yet"),
  reason: z.string().nullable(),
  content: z.object({ text: z.string(), subject: z.string().optional(), hash: z.string() }).optional()
    .describe("GET /v1/reviews/{id}: the text the reviewer signs (its SHA-256 hash) and the HCP receives"),
}).meta({ id: "Review" });

export const ReviewListResponse = z.object({ reviews: z.array(ReviewOut) });
export const ReviewResponse = z.object({ review: ReviewOut });
/** `decision` is null while other roles still have to sign. */
export const ReviewClosingResponse = z.object({
  review: ReviewOut,
  decision: z.looseObject({ id: z.string(), outcome: z.enum(OUTCOMES) }).nullable(),
});
