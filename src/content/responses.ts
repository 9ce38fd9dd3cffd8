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
  rendered: z.string().describe("The approved render: copy with modules and safety information placed, personalization tokens unfilled"),
  claimSpans: z.array(z.object({ claimId: z.string(), start: z.number().int(), end: z.number().int(), kind: z.enum(["module", "restatement"]) }))
    .describe("Where the render states a claim: placed modules and sentences of copy that restate one"),
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
export const RenderResponse = z.object({
  id: z.string(), version: z.number().int(), subject: z.string().nullable(),
  text: z.string().describe("The approved render, personalization tokens unfilled"),
  hash: z.string().describe("SHA-256 hex of the approved render (subject and text)"),
  tokens: z.array(z.string()).describe("The personalization tokens the render uses"),
  hcpId: z.string().optional(),
  message: z.object({ subject: z.string().optional(), text: z.string() }).nullable().optional().describe("With ?hcpId=: the message that HCP would receive, or null when a token has no value"),
  missing: z.array(z.string()).optional().describe("With ?hcpId=: the tokens with no value for that HCP"),
});

export const WithdrawalResponse = z.object({
  claim: ClaimOut,
  assetsBlocked: z.number().int(),
  versionsBlocked: z.number().int(),
  actionsCancelled: z.number().int(),
  outboxCancelled: z.number().int(),
  reviewsCancelled: z.number().int(),
  agentsNotified: z.number().int(),
  assetIds: z.array(z.string()),
  campaignId: z.string().optional().describe("With replacedBy: the revision campaign these new versions belong to"),
  revisions: z.array(z.object({ assetId: z.string(), version: z.number().int(), market: MarketSchema, channel: ChannelSchema, status: z.string() })).optional()
    .describe("With replacedBy: the new version of each blocked asset, with the successor claim in place"),
});

const StageCounts = { drafted: z.number().int(), in_review: z.number().int(), approved: z.number().int(), rejected: z.number().int(), superseded: z.number().int() };
const Stage = z.enum(["drafted", "in_review", "approved", "rejected", "superseded"]);
export const CampaignListResponse = z.object({
  campaigns: z.array(z.object({ campaignId: z.string(), claimId: z.string(), replacedBy: z.string(), reason: z.string(), createdAt: InstantOut, total: z.number().int() })),
});
export const CampaignResponse = z.object({
  campaign: z.object({
    campaignId: z.string(), claimId: z.string(), replacedBy: z.string(), replacedByVersion: z.number().int(), reason: z.string(), createdAt: InstantOut, createdBy: z.string(),
    total: z.number().int(),
    byStage: z.object(StageCounts),
    progress: z.array(z.object({ market: MarketSchema, channel: ChannelSchema, total: z.number().int(), ...StageCounts })),
    items: z.array(z.object({ assetId: z.string(), version: z.number().int(), fromVersion: z.number().int(), market: MarketSchema, channel: ChannelSchema, stage: Stage, status: z.string() })),
  }).meta({ id: "RevisionCampaign" }),
});

export const FirstUseOut = z.object({
  assetId: z.string(), version: z.number().int(), title: z.string().nullable(), market: MarketSchema,
  firstUsedAt: InstantOut, dueAt: InstantOut.describe("FDA: submission is due at the time of initial dissemination"), overdue: z.boolean(),
  channels: z.array(z.string()), status: z.enum(["due", "submitted"]),
  submittedAt: InstantOut.optional(), reference: z.string().optional(), submittedBy: z.unknown().optional(),
}).meta({ id: "FirstUse" });
export const FirstUseListResponse = z.object({ items: z.array(FirstUseOut) });
export const FirstUseItemResponse = z.object({ item: FirstUseOut });

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
