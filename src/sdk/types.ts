// The SDK's types, taken from the server's own schemas and services so the two cannot drift apart.
// Every import here is `import type`: erased at run time, so the SDK pulls no server code into an agent.
import type { z } from "zod";
import type { ProposalBodySchema, ProposalContent } from "../gate/proposal.ts";
import type { ReviewContent, SignedContent } from "../reviews/content.ts";
import type { ItemMessage } from "../dispatch/read-model.ts";
import type { ApprovedRef } from "../dispatch/compose.ts";
import type { PersonalizationToken } from "../content/personalization.ts";
import type { DecisionQuery, DecisionView, getDecision } from "../gate/service.ts";
import type { NewAgentSchema, StatusChange, Agent, haltAll, registerAgent, resumeAll } from "../agents/portfolio.ts";
import type { MergeBodySchema, MergeResult } from "../hcps/merge.ts";
import type { HcpContext } from "../hcps/context.ts";
import type { ConsentBodySchema, ConsentRecord, Hcp, HcpBodySchema, consentsInForce } from "../hcps/registry.ts";
import type { hcpDataFreshness, recentTouches } from "../hcps/read-model.ts";
import type { EventSchema, IngestResult } from "../data/events.ts";
import type { DecisionOutcome } from "../data/outcomes.ts";
import type { OutcomeType } from "../data/event-kinds.ts";
import type { HcpStateView } from "../data/hcp-state.ts";
import type { LatencyReport } from "../data/latency-report.ts";
import type { NewUserSchema, SignatureSchema, UserView } from "../auth/store.ts";
import type { SessionBodySchema, SessionUser } from "../auth/sessions.ts";
import type { Claim, ClaimEditSchema, ClaimListQuerySchema, NewClaimSchema } from "../content/claims.ts";
import type { Asset, AssetEditSchema, AssetListQuerySchema, NewAssetSchema } from "../content/assets.ts";
import type { Withdrawal } from "../content/withdrawal.ts";
import type { ContentNotice, NoticeQuerySchema } from "../content/notices.ts";
import type { Review, ReviewStatus, approveReview, rejectReview } from "../reviews/queue.ts";
import type { describeBundle } from "../governance/routes.ts";
import type { DryRunReport } from "../governance/dry-run.ts";
import type { BundleTestReport } from "../governance/bundle-tests.ts";
import type { AuditRecord } from "../audit/chain.ts";
import type { TrailVerification } from "../audit/verification.ts";
import type { OperatingMetrics } from "../monitoring/metrics.ts";
import type { Portfolio } from "../console/portfolio.ts";
import type { AttemptView, OutboxItemView, OutboxQuery } from "../dispatch/read-model.ts";
import type { ActionType, Channel, Purpose, ReviewerRole, Role } from "../shared/vocabulary.ts";

export type { ActionType, Channel, Purpose, ReviewerRole, Role, OutcomeType };

// ---- the gate
/** The body of POST /v1/proposals. */
export type ProposalBody = z.input<typeof ProposalBodySchema>;
/** A proposal as the SDK takes it: the idempotency key may be left to the SDK (a fresh UUID, kept across retries). */
export type ProposalInput = Omit<ProposalBody, "idempotencyKey"> & { idempotencyKey?: string };
/** One proposal of a batch; a person batching several agents' proposals names each one's agent. */
export type BatchProposalInput = ProposalInput & { agentId?: string };
export type Decision = DecisionView;
export type Outcome = DecisionView["outcome"];
export type Reason = DecisionView["reasons"][number];
export type { DecisionOutcome };
/** A listed decision carries the outcome events linked to it (delivered, opened, suggestion_accepted...). */
export type ListedDecision = DecisionView & { outcomes: DecisionOutcome[] };
/** GET /v1/decisions/{id}: the decision with its full explanation. */
export type DecisionDetail = Awaited<ReturnType<typeof getDecision>>;
export type DecisionListQuery = Partial<Omit<DecisionQuery, "outcome">> & { outcome?: Outcome };

// ---- portfolio
export type NewAgent = z.input<typeof NewAgentSchema>;
export type { Agent, StatusChange };
export type AgentRegistration = Awaited<ReturnType<typeof registerAgent>>;
export type GlobalHalt = Awaited<ReturnType<typeof haltAll>>;
export type PortfolioResume = Awaited<ReturnType<typeof resumeAll>>;

// ---- people
export type NewUser = z.input<typeof NewUserSchema>;
export type { UserView, SessionUser };
export type Signature = z.input<typeof SignatureSchema>;
export type SessionBody = z.input<typeof SessionBodySchema>;
export type Me =
  | { kind: "user"; id: string; username: string; name: string; roles: Role[] }
  | { kind: "agent"; id: string; name: string; roles: []; status: "active" | "paused" | "halted" };

// ---- HCPs, consent, events
export type HcpBody = z.input<typeof HcpBodySchema>;
export type ConsentBody = z.input<typeof ConsentBodySchema>;
export type { Hcp, ConsentRecord, HcpStateView, IngestResult, LatencyReport };
export type HcpEvent = z.input<typeof EventSchema>;
export type MergeBody = z.input<typeof MergeBodySchema>;
export type { MergeResult, HcpContext };
export interface HcpProfile {
  hcp: Hcp;
  consents: (ReturnType<typeof consentsInForce>[number] & { capturedAt: string })[];
  consentHistory: ConsentRecord[];
  recentTouches: Awaited<ReturnType<typeof recentTouches>>;
  freshness: Awaited<ReturnType<typeof hcpDataFreshness>>;
}

// ---- content and MLR
export type NewClaim = z.input<typeof NewClaimSchema>;
export type ClaimEdit = z.input<typeof ClaimEditSchema>;
export type ClaimListQuery = z.output<typeof ClaimListQuerySchema>;
export type NewAsset = z.input<typeof NewAssetSchema>;
export type AssetEdit = z.input<typeof AssetEditSchema>;
export type AssetListQuery = z.output<typeof AssetListQuerySchema>;
export type NoticeQuery = z.output<typeof NoticeQuerySchema>;
export type { Claim, Asset, Withdrawal, ContentNotice };
export interface RenderedAsset {
  id: Asset["id"];
  version: Asset["version"];
  subject: Asset["subject"];
  /** The approved render: modules and safety information placed, personalization tokens unfilled. */
  text: Asset["rendered"];
  /** SHA-256 hex of JSON.stringify([subject, text]) (docs/content.md). */
  hash: string;
  /** The personalization tokens the subject and text use. */
  tokens: PersonalizationToken[];
  /** With `hcpId`: the message that HCP would receive (null when a token has no value; those are in `missing`). */
  hcpId?: string;
  message?: { subject?: string; text: string } | null;
  missing?: string[];
}
/** The text an action without an asset carries (`content` of a proposal): what review shows and what is sent. */
export type { ProposalContent, ReviewContent, SignedContent, ApprovedRef, PersonalizationToken };

// ---- reviews
export type { Review, ReviewStatus };
export interface ReviewListQuery {
  status?: ReviewStatus;
  role?: ReviewerRole;
  limit?: number;
}
export type ReviewApproval = Awaited<ReturnType<typeof approveReview>>;
export type ReviewRejection = Awaited<ReturnType<typeof rejectReview>>;

// ---- governance, audit, metrics, dispatch
export type GovernanceBundle = ReturnType<typeof describeBundle>;
export type BundleFiles = Record<string, string>;
export type DryRun = DryRunReport & { tests: BundleTestReport };
export interface Activation {
  activated: GovernanceBundle;
  tests: BundleTestReport;
}
export type { AuditRecord, OperatingMetrics, Portfolio, OutboxItemView, AttemptView };
export interface AuditPage {
  records: AuditRecord[];
  /** Pass as `after` for the next page; null on the last one. */
  next: number | null;
}
export type AuditVerification = TrailVerification & {
  /** Set when this server noticed, while advancing its anchor, that the anchored record was changed. */
  tampering?: string;
};
export interface MetricsQuery {
  agentId?: string;
  market?: string;
  from?: string;
  to?: string;
}
export type OutboxListQuery = Partial<OutboxQuery>;
/** GET /v1/outbox/{id}: the item with its message as sent (or as it will be sent) and the approved version it came from. */
export type OutboxItem = OutboxItemView & ItemMessage;
