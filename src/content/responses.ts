// What the content routes answer, for the OpenAPI document (responses are sent as built).
import { z } from "zod";
import { ReviewerRoleOut, ReviewSignatureOut, SignatureOut } from "../auth/responses.ts";
import { ActionTypeSchema, ChannelSchema, MarketSchema } from "../shared/vocabulary.ts";
import { InstantOut, NullableInstant } from "../server/openapi.ts";
import { ContentStatusSchema, RiskClassSchema } from "./lifecycle.ts";

const RequiredReviewOut = z.object({ roles: z.array(ReviewerRoleOut), because: z.string() });
const ContentReviewOut = z.object({ required: z.array(RequiredReviewOut), signatures: z.array(ReviewSignatureOut), awaiting: z.array(RequiredReviewOut) })
  .describe("Who must sign this version and who has; null before it is submitted");
const RejectionOut = SignatureOut.extend({ reason: z.string(), outcome: z.enum(["rejected", "changes_requested"]) });

/** What claims and assets share: their version's place in the MLR workflow. */
const workflowFields = {
  id: z.string(),
  version: z.number().int(),
  status: ContentStatusSchema,
  riskClass: RiskClassSchema,
  expiresAt: NullableInstant,
  createdAt: InstantOut,
  createdBy: z.string(),
  submittedAt: NullableInstant,
  review: ContentReviewOut.nullable(),
  approvedAt: NullableInstant,
  approval: SignatureOut.nullable().describe("The first approving signature (every signature is in `review`)"),
  rejection: RejectionOut.nullable(),
};

export const ClaimOut = z.object({
  ...workflowFields,
  text: z.string(),
  product: z.string().nullable(),
  references: z.array(z.string()),
  markets: z.array(MarketSchema),
  language: z.string().nullable(),
  withdrawnAt: NullableInstant,
  withdrawReason: z.string().nullable(),
}).meta({ id: "Claim" });

const FindingOut = z.looseObject({ code: z.string(), severity: z.string(), message: z.string(), field: z.string().optional() });

export const AssetOut = z.object({
  ...workflowFields,
  title: z.string(),
  subject: z.string().nullable(),
  channel: ChannelSchema,
  market: MarketSchema,
  language: z.string(),
  product: z.string().nullable(),
  body: z.string(),
  safetyInfo: z.string().nullable(),
  derivedFrom: z.string().nullable(),
  claims: z.array(z.string()),
  modules: z.array(z.object({ claimId: z.string(), version: z.number().int() })),
  checks: z.array(FindingOut).describe("Pre-review findings"),
  rendered: z.string().describe("The final text: copy with modules placed, then the safety information"),
  liveVersion: z.number().int().nullable().describe("The approved version in force, or null"),
  approvedFor: z.object({ market: MarketSchema, channel: ChannelSchema }).nullable(),
  blockedReason: z.string().nullable(),
}).meta({ id: "Asset" });

export const ClaimResponse = z.object({ claim: ClaimOut });
export const ClaimListResponse = z.object({ claims: z.array(ClaimOut) });
export const ClaimVersionsResponse = z.object({ versions: z.array(ClaimOut) });
export const AssetResponse = z.object({ asset: AssetOut });
export const AssetListResponse = z.object({ assets: z.array(AssetOut) });
export const AssetVersionsResponse = z.object({ versions: z.array(AssetOut) });
export const RenderResponse = z.object({ id: z.string(), version: z.number().int(), subject: z.string().nullable(), text: z.string() });

export const WithdrawalResponse = z.object({
  claim: ClaimOut,
  assetsBlocked: z.number().int(),
  versionsBlocked: z.number().int(),
  actionsCancelled: z.number().int(),
  outboxCancelled: z.number().int(),
  reviewsCancelled: z.number().int(),
  agentsNotified: z.number().int(),
  assetIds: z.array(z.string()),
});

export const NoticeListResponse = z.object({
  notices: z.array(z.object({ id: z.string(), agentId: z.string(), kind: z.string(), claimId: z.string(), createdAt: InstantOut, data: z.record(z.string(), z.unknown()) })),
});

const Mean = z.number().nullable();
export const ReuseOut = z.object({ sent: z.number().int(), sentWithContent: z.number().int(), reused: z.number().int(), share: z.number().nullable() });
export const ReadinessOut = z.object({
  bundleVersion: z.string().nullable(),
  cells: z.array(z.object({ market: MarketSchema, action: ActionTypeSchema, channel: ChannelSchema, ready: z.boolean(), asset: z.object({ id: z.string(), version: z.number().int() }).nullable() })),
  ready: z.number().int(),
  total: z.number().int(),
  share: z.number().nullable(),
});
export const ContentMetricsResponse = z.object({
  at: InstantOut,
  reuse: ReuseOut,
  claimsPerAsset: z.object({ assets: z.number().int(), mean: Mean, distribution: z.array(z.object({ claims: z.number().int(), assets: z.number().int() })) }),
  assetsPerClaim: z.object({ claims: z.number().int(), mean: Mean, distribution: z.array(z.object({ assets: z.number().int(), claims: z.number().int() })) }),
  readiness: ReadinessOut,
});
