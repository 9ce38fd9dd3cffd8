import { z } from "zod";
import { ActionTypeSchema, PurposeSchema, type ActionType, type Purpose } from "../shared/vocabulary.ts";

const IsoTime = z.iso.datetime({ offset: true });

/** Text an action carries itself is sent exactly as written and signed, so it may hold no `{{…}}` token to fill. */
const noTokens = (s: string) => !/\{\{[^{}]*\}\}/.test(s);
const TOKEN_MESSAGE = "content is sent exactly as reviewed: write the HCP's name and links out instead of {{…}} tokens";

/** The text of an action without an asset (an MI answer, a note for the field): what review shows and what is sent. */
export const ProposalContentSchema = z.strictObject({
  text: z.string().trim().min(1).max(20_000).refine(noTokens, TOKEN_MESSAGE),
  subject: z.string().trim().min(1).max(300).refine((s) => !/[\r\n]/.test(s), "a subject is one line").refine(noTokens, TOKEN_MESSAGE).optional(),
});
export type ProposalContent = { text: string; subject?: string };

/** The body an agent sends to POST /v1/proposals (API.md). */
export const ProposalFieldsSchema = z.strictObject({
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
  content: ProposalContentSchema.optional(),
});
/** What is sent must be unambiguous: the asset's approved render, or the proposal's own content. */
export const oneContent: [(b: { content?: unknown; assetId?: string }) => boolean, { message: string; path: string[] }] = [
  (b) => !(b.content && b.assetId),
  { message: "a proposal sends either an approved asset (assetId) or its own content, not both", path: ["content"] },
];
export const ProposalBodySchema = ProposalFieldsSchema.refine(...oneContent);
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
  /** The action's own text, when it sends no asset; null otherwise. */
  content: ProposalContent | null;
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
    content: body.content ? (body.content.subject === undefined ? { text: body.content.text } : { text: body.content.text, subject: body.content.subject }) : null,
  };
}
