import { z } from "zod";
import { ActionTypeSchema, PurposeSchema, type ActionType, type Purpose } from "../shared/vocabulary.ts";

const IsoTime = z.iso.datetime({ offset: true });

/** The body an agent sends to POST /v1/proposals (API.md). */
export const ProposalBodySchema = z.strictObject({
  idempotencyKey: z.string().min(1).max(200),
  hcpId: z.string().min(1).max(200),
  action: ActionTypeSchema,
  purpose: PurposeSchema,
  assetId: z.string().min(1).max(200).optional(),
  confidence: z.number().min(0).max(1).optional(),
  expectedValue: z.number().finite().optional(),
  rationale: z.string().max(4000).optional(),
  evidence: z.array(z.string().min(1).max(200)).max(100).optional(),
  notAfter: IsoTime.optional(),
});
export type ProposalBody = z.infer<typeof ProposalBodySchema>;

/** A proposal as the gate sees it: the body plus the agent the key belongs to. */
export interface Proposal {
  agentId: string;
  idempotencyKey: string;
  hcpId: string;
  action: ActionType;
  purpose: Purpose;
  assetId: string | null;
  confidence: number | null;
  expectedValue: number | null;
  rationale: string | null;
  evidence: readonly string[];
  notAfter: Date | null;
}

export function toProposal(agentId: string, body: ProposalBody): Proposal {
  return {
    agentId,
    idempotencyKey: body.idempotencyKey,
    hcpId: body.hcpId,
    action: body.action,
    purpose: body.purpose,
    assetId: body.assetId ?? null,
    confidence: body.confidence ?? null,
    expectedValue: body.expectedValue ?? null,
    rationale: body.rationale ?? null,
    evidence: body.evidence ?? [],
    notAfter: body.notAfter ? new Date(body.notAfter) : null,
  };
}
