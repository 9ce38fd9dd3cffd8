// The SDK's types, read off the wire types generated from the server's /openapi.json (./openapi.ts):
// the package imports nothing from the server, and a test regenerates openapi.ts from a live server so
// the two cannot drift apart.
import type { components, operations } from "./openapi.ts";

type Ops = operations;
type S = components["schemas"];
type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;
/** The JSON of an operation's success answer (200, else 201). */
type Ok<K extends keyof Ops> = Ops[K]["responses"] extends { 200: infer R } ? JsonOf<R> : Ops[K]["responses"] extends { 201: infer R } ? JsonOf<R> : never;
/** The JSON body an operation takes. */
type Body<K extends keyof Ops> = Ops[K] extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;
/** An operation's query parameters, all optional where the server gives a default. */
type Query<K extends keyof Ops> = Ops[K] extends { parameters: { query?: infer Q } } ? Partial<NonNullable<Q>> : never;

// ---- vocabulary
export type ActionType = S["Agent"]["actions"][number];
export type Channel = S["Asset"]["channel"];
export type Purpose = Body<"propose">["purpose"];
export type Role = Ok<"getMe">["roles"][number];
export type ReviewerRole = Exclude<Role, "admin" | "agent_owner" | "mops" | "auditor" | "viewer">;
export type OutcomeType = Body<"reportOutcome">["type"];

// ---- the gate
/** The body of POST /v1/proposals. */
export type ProposalBody = Body<"propose">;
/** A proposal as the SDK takes it: the idempotency key may be left to the SDK (a fresh UUID, kept across retries). */
export type ProposalInput = Omit<ProposalBody, "idempotencyKey"> & { idempotencyKey?: string };
/** One proposal of a batch; a person batching several agents' proposals names each one's agent. */
export type BatchProposalInput = ProposalInput & { agentId?: string };
export type ProposalContent = NonNullable<ProposalBody["content"]>;
export type Decision = S["Decision"];
export type Outcome = Decision["outcome"];
export type Reason = Decision["reasons"][number];
/** A listed decision carries the outcome events linked to it (delivered, opened, suggestion_accepted...). */
export type ListedDecision = Ok<"listDecisions">["decisions"][number];
export type DecisionOutcome = ListedDecision["outcomes"][number];
/** GET /v1/decisions/{id}: the decision with its full explanation. */
export type DecisionDetail = Ok<"getDecision">;
export type DecisionListQuery = Query<"listDecisions">;
/** The feed (`order=asc`): a page of decisions in commit order and the cursor to read on from. */
export type DecisionFeedPage = Ok<"listDecisions">;
export type OutcomeReport = Body<"reportOutcome">;

// ---- portfolio
export type NewAgent = Body<"registerAgent">;
export type Agent = S["Agent"];
export type AgentRegistration = Ok<"registerAgent">;
export type StatusChange = Ok<"pauseAgent">;
export type GlobalHalt = Ok<"haltAllAgents">;
export type PortfolioResume = { resumed: string[] } & Record<string, unknown>;
export type ContentNotice = Ok<"listAgentNotices">["notices"][number];
export type NoticeQuery = Query<"listAgentNotices">;
export type Portfolio = Ok<"getPortfolio">;

// ---- people
export type NewUser = Body<"createUser">;
export type UserView = Ok<"createUser">["user"];
/** An electronic signature as a request carries it (the recorded one is `S["Signature"]`). */
export type Signature = Body<"approveClaim">["signature"];
export type SessionBody = Body<"createSession">;
export type SessionUser = Ok<"createSession">["user"];
export type Me = Ok<"getMe">;

// ---- HCPs, consent, events
export type HcpBody = Body<"putHcp">;
export type ConsentBody = Body<"recordConsent">;
export type Hcp = S["Hcp"];
export type ConsentRecord = S["ConsentRecord"];
export type HcpStateView = Ok<"getHcpState">["state"];
export type IngestResult = Ok<"ingestEvents">;
/** GET /v1/events: a page of the events feed. */
export type EventFeedPage = Ok<"listEvents">;
export type LatencyReport = Ok<"getDataLatency">;
/** An HCP event: as POST /v1/events takes it and GET /v1/events hands it out. */
export type HcpEvent = Ok<"listEvents">["events"][number];
export type MergeBody = Body<"mergeHcps">;
export type MergeResult = Ok<"mergeHcps">;
/** What an agent may see of an HCP (GET /v1/hcps/{id} with an agent key). */
export type HcpContext = S["AgentHcpContext"] & {
  hcp: Pick<Hcp, "id" | "market" | "specialty" | "timezone" | "segment"> & { identifiers?: { scheme: string; value: string }[] };
  purposes: Purpose[];
  consents: { channel: Channel; purpose: Purpose; status: "granted" | "revoked"; capturedAt: string; source: string; recordId: string }[];
  state: HcpStateView;
  withheldSources: string[];
  /** When each of the agent's channels may next be used: null `at` while a cap blocks it. */
  nextContact: { channel: Channel; purpose: Purpose; at: string | null; reasons: string[] }[];
};
/** GET /v1/hcps/{id} with a user token. */
export type HcpProfile = Extract<Ok<"getHcp">, { consentHistory: unknown }>;

// ---- content and MLR
export type NewClaim = Body<"createClaim">;
export type ClaimEdit = Body<"editClaim">;
export type ClaimListQuery = Query<"listClaims">;
export type NewAsset = Body<"createAsset">;
export type AssetEdit = Body<"editAsset">;
export type AssetListQuery = Query<"listAssets">;
export type Claim = S["Claim"];
export type Asset = S["Asset"];
export type Withdrawal = Ok<"withdrawClaim">;
export type RenderedAsset = Ok<"renderAsset">;

// ---- reviews
export type Review = S["Review"];
export type ReviewStatus = Review["status"];
export type ReviewListQuery = Query<"listReviews">;
export type ReviewApproval = Ok<"approveReview">;
export type ReviewRejection = Ok<"rejectReview">;

// ---- governance, audit, metrics, dispatch
export type GovernanceBundle = S["GovernanceBundle"];
export type BundleFiles = Record<string, string>;
export type DryRun = Ok<"dryRunGovernance">;
export type Activation = Ok<"activateGovernance">;
export type AuditRecord = S["AuditRecord"];
export type AuditPage = Ok<"listAuditRecords">;
export type AuditVerification = Ok<"verifyAuditChain">;
export type OperatingMetrics = Ok<"getMetrics">;
export type MetricsQuery = Query<"getMetrics">;
export type OutboxItemView = Ok<"listOutbox">["items"][number];
export type OutboxListQuery = Query<"listOutbox">;
export type OutboxItem = S["OutboxItem"];
export type AttemptView = Ok<"getOutboxItem">["attempts"][number];
