// The shapes of the Steward API the console reads (API.md), as the server sends them.

export const ROLES = ["admin", "agent_owner", "reviewer:medical", "reviewer:legal", "reviewer:regulatory", "reviewer:brand", "mops", "auditor", "viewer"] as const;
/** Plus a market's own admin, `market_admin:<MARKET>` (its governance overlay only). */
export type Role = (typeof ROLES)[number] | `market_admin:${string}`;
export const REVIEWER_ROLES = ["reviewer:medical", "reviewer:legal", "reviewer:regulatory", "reviewer:brand"] as const;
export type ReviewerRole = (typeof REVIEWER_ROLES)[number];
/** Who signs content (claims and assets). */
export const CONTENT_REVIEWER_ROLES: readonly Role[] = ["reviewer:medical", "reviewer:legal", "reviewer:regulatory"];

export const OUTCOMES = ["allowed", "scheduled", "pending_review", "rejected"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const ACTION_TYPES = ["email", "event_invite", "mi_response", "field_suggestion", "visit_request", "web_personalization"] as const;
export const PURPOSES = ["promotional", "medical", "service"] as const;

export const REASON_CODES = [
  "AGENT_UNKNOWN", "AGENT_PAUSED", "AGENT_HALTED", "AGENT_ACTION_NOT_ALLOWED", "AGENT_MARKET_NOT_ALLOWED",
  "HCP_UNKNOWN", "DATA_STALE", "CONSENT_MISSING", "CONSENT_REVOKED",
  "CONTENT_REQUIRED", "CONTENT_NOT_APPROVED", "CONTENT_EXPIRED", "CONTENT_CLAIM_WITHDRAWN", "CONTENT_MARKET_MISMATCH", "CONTENT_CHANNEL_MISMATCH",
  "AUTHORITY_AUTONOMOUS", "AUTHORITY_CONFIRM", "AUTHORITY_FORBIDDEN",
  "CAP_EXCEEDED", "MIN_GAP", "QUIET_HOURS", "CONFLICT_LOST", "PROPOSAL_EXPIRED", "PERSONALIZATION_MISSING",
  "EVIDENCE_INVALID", "DATA_USE_NOT_PERMITTED",
] as const;

export type AgentStatus = "active" | "paused" | "halted";

export interface Agent {
  id: string;
  name: string;
  owner: string;
  objective: string;
  metric: string;
  actions: string[];
  markets: string[];
  priority: number;
  status: AgentStatus;
  statusReason: string | null;
  statusChangedAt: string;
  createdAt: string;
  /** The agent's own values of the bundle's tunables; a tunable not here has its default. */
  thresholds?: Record<string, number>;
}

export type OutcomeCounts = Record<Outcome, number> & { total: number };

export interface PortfolioAgent extends Agent {
  decisions: OutcomeCounts;
  engagement: Record<string, number>;
  openReviews: number;
}

export interface Portfolio {
  since: string;
  agents: PortfolioAgent[];
  totals: OutcomeCounts;
}

export interface StatusChange {
  agent: Agent;
  outboxCancelled: number;
  reviewsCancelled: number;
}

export interface Reason {
  code: string;
  message: string;
  ruleId?: string;
}

export interface DecisionOutcomeEvent {
  type: string;
  at: string;
  eventId: string;
}

export interface Decision {
  id: string;
  agentId: string;
  hcpId: string;
  action: string;
  purpose: string;
  channel: string;
  assetId: string | null;
  idempotencyKey: string;
  outcome: Outcome;
  reasons: Reason[];
  bundleVersion: string;
  decidedAt: string;
  scheduledFor?: string;
  reviewId?: string;
  reviewers?: string[];
  outcomes?: DecisionOutcomeEvent[];
}

export interface CheckResult {
  check: string;
  status: "pass" | "fail" | "hold" | "skipped";
  reasons: Reason[];
  evidence?: Record<string, unknown>;
}

export interface DecisionDetail extends Decision {
  initialOutcome: Outcome;
  checks: CheckResult[];
  proposal: Record<string, unknown>;
  resolvedAt: string | null;
  resolution: unknown;
}

export interface Signature {
  userId: string;
  username: string;
  printedName: string;
  signedAt: string;
  meaning: "approved" | "rejected" | "reviewed";
  roles?: string[];
  /** On a review's signature: the hash of the content signed. */
  content?: { hash: string; approved: { assetId: string; version: number; hash: string } | null };
}

export interface Review {
  id: string;
  decisionId: string;
  agentId: string;
  hcpId: string;
  roles: ReviewerRole[];
  status: "open" | "approved" | "rejected" | "cancelled";
  createdAt: string;
  dueAt: string;
  closedAt: string | null;
  closedBy: string | null;
  signatures: Signature[];
  awaiting: ReviewerRole[];
  reason: string | null;
  /** GET /v1/reviews/{id} only: what the action sends, as signed (its hash is what a signature covers). */
  content?: ReviewContent | null;
}

export interface ReviewContent {
  text: string;
  subject?: string;
  hash: string;
}

export type ContentStatus = "draft" | "submitted" | "in_review" | "approved" | "rejected" | "withdrawn" | "expired" | string;

export interface Claim {
  id: string;
  version: number;
  text: string;
  product: string | null;
  riskClass: "low" | "medium" | "high";
  references: string[];
  markets: string[];
  status: ContentStatus;
  expiresAt: string | null;
  createdAt: string;
  approvedAt: string | null;
  approval: Signature | null;
  withdrawnAt: string | null;
  withdrawReason: string | null;
}

export interface Finding {
  code: string;
  severity: "error" | "warning" | "info";
  message: string;
  span?: { field: "subject" | "rendered"; start: number; end: number; text: string };
  field?: string;
  claimId?: string;
}

export interface Asset {
  id: string;
  version: number;
  title: string;
  subject: string | null;
  channel: string;
  market: string;
  language: string;
  product: string | null;
  body: string;
  safetyInfo: string | null;
  /** The approved render: modules and safety information placed, tokens unfilled. */
  rendered: string;
  expiresAt: string | null;
  derivedFrom: string | null;
  status: ContentStatus;
  riskClass: string;
  claims: string[];
  checks: Finding[];
  /** Where `rendered` states a claim: placed modules and sentences that restate one. */
  claimSpans: ClaimSpan[];
  createdAt: string;
  approvedAt: string | null;
  approval: Signature | null;
  rejection: (Signature & { reason: string }) | null;
  blockedReason: string | null;
}

export interface ClaimSpan {
  claimId: string;
  start: number;
  end: number;
  kind: "module" | "restatement";
}

export interface FirstUse {
  assetId: string;
  version: number;
  title: string | null;
  market: string;
  firstUsedAt: string;
  dueAt: string;
  overdue: boolean;
  channels: string[];
  status: "due" | "submitted";
  submittedAt?: string;
  reference?: string;
  submittedBy?: Signature;
}

export type RevisionStage = "drafted" | "in_review" | "approved" | "rejected" | "superseded";

export interface RevisionCampaign {
  campaignId: string;
  claimId: string;
  replacedBy: string;
  replacedByVersion: number;
  reason: string;
  createdAt: string;
  createdBy: string;
  total: number;
  byStage: Record<RevisionStage, number>;
  progress: ({ market: string; channel: string; total: number } & Record<RevisionStage, number>)[];
  items: { assetId: string; version: number; fromVersion: number; market: string; channel: string; stage: RevisionStage; status: string }[];
}

export interface Withdrawal {
  claim: Claim;
  assetsBlocked: number;
  actionsCancelled: number;
  campaignId?: string;
  revisions?: { assetId: string; version: number; market: string; channel: string; status: string }[];
  outboxCancelled?: number;
  reviewsCancelled?: number;
  assetIds?: string[];
}

export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  type: string;
  subject: string;
  data: unknown;
  prevHash: string;
  hash: string;
}

export interface Verification {
  ok: boolean;
  entries: number;
  headHash: string | null;
  firstBadSeq?: number;
  problem?: string;
  anchor?: { seq: number; hash: string; location?: string } | null;
  [key: string]: unknown;
}

export interface BundleRule {
  id: string;
  when: { action?: string[]; purpose?: string[]; channel?: string[]; market?: string[] };
  if: string | null;
  outcome: "autonomous" | "confirm" | "forbidden";
  reviewers: string[];
  reason: string | null;
}

export interface BundleView {
  version: string;
  owner: string;
  default: "autonomous" | "confirm" | "forbidden";
  rules: BundleRule[];
  contact: {
    caps: { channel: string; max: number; perMs: number; label?: string }[];
    minGapMs: number;
    quietHours: { fromMinute: number; toMinute: number } | null;
    exemptPurposes: string[];
    arbitration: string[];
  };
  markets: Record<string, { timezone?: string; language?: string; consent?: Record<string, string> }>;
  freshness: { defaultMs: number; actions: Record<string, number>; requires?: Record<string, string[]> };
  files: Record<string, string>;
}

export interface BundleError {
  file: string;
  line: number;
  column: number;
  field?: string;
  message: string;
}

export interface BundleTestReport {
  passed: number;
  failed: { file: string; name: string; expected: unknown; actual: unknown }[];
}

export interface DryRunReport {
  activeVersion: string;
  candidateVersion: string;
  replayed: number;
  changed: number;
  byOutcome: Record<string, { before: number; after: number }>;
  changes: {
    decisionId: string;
    agentId: string;
    hcpId: string;
    action: string;
    decidedAt: string;
    before: { outcome: string; reasons: string[] };
    after: { outcome: string; reasons: string[] };
  }[];
  tests: BundleTestReport;
}

export interface SourceLatency {
  source: string;
  events: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  aheadOfClock: number;
}

export interface ActionSupport {
  action: string;
  limitMs: number;
  basis: "sources" | "evidence";
  requires: string[];
  support: "supported" | "at_risk" | "unsupported";
  sources: { source: string; p95Ms: number | null; maxMs: number | null; fit: string }[];
  problems: string[];
}

export interface LatencyReport {
  window: string;
  from: string;
  to: string;
  bundleVersion: string;
  sampled: boolean;
  sources: SourceLatency[];
  actions: ActionSupport[];
  unsupported: string[];
  atRisk: string[];
  /** data.yaml: per source (`*`: any other), per market, the purposes that may use it (absent on older servers). */
  dataUse?: { source: string; byMarket: Record<string, string[]> }[];
}
