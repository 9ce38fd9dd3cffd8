// A typed client for the Steward HTTP API v1 (../shared/API.md). One method per endpoint; requests that
// are safe to repeat are retried on a network error, a 5xx or a 429 with exponential backoff, and a
// proposal is always retried with the SAME idempotency key, so a lost answer can never become a second
// decision (the server returns the stored one).
// Web Crypto (global in Node 20 and browsers): the package needs no Node import.
const randomUUID = () => globalThis.crypto.randomUUID();
import { StewardError, StewardNetworkError, toStewardError } from "./errors.ts";
import type * as T from "./types.ts";

export interface RetryPolicy {
  /** Attempts after the first (default 4). 0 disables retries. */
  retries: number;
  /** First backoff; doubles each attempt, with full jitter (default 200 ms). */
  baseDelayMs: number;
  /** Longest wait between attempts, also the cap on a server's Retry-After (default 5 s). */
  maxDelayMs: number;
}

export interface ClientOptions {
  /** The server's base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  /** An agent key or a user token. */
  token: string;
  retry?: Partial<RetryPolicy>;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** Replaceable for tests or instrumentation. */
  fetch?: typeof fetch;
  /** How to wait between attempts (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
  /** Deterministic jitter for tests: a number in [0, 1). */
  random?: () => number;
}

/**
 * Whether a request may be sent again after an unanswered attempt.
 * - `always`: repeating it cannot change the result (GET, PUT, proposals with their key, events with their ids).
 * - `unsent`: it might create something twice, so it is repeated only when the server surely did not
 *   process it: the connection was refused, or the answer was 429 / 503.
 */
export type Repeatable = "always" | "unsent";

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  repeat?: Repeatable;
  /** Overrides the client's retry count for this call. */
  retries?: number;
}

const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 200, maxDelayMs: 5_000 };
const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const enc = encodeURIComponent;

export class StewardClient {
  readonly url: string;
  private readonly token: string;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: ClientOptions) {
    this.url = options.url.replace(/\/+$/, "");
    this.token = options.token;
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? sleepReal;
    this.random = options.random ?? Math.random;
  }

  /** The same server, another token (e.g. a person's, to review what an agent proposed). */
  as(token: string): StewardClient {
    return new StewardClient({ url: this.url, token, retry: this.policy, timeoutMs: this.timeoutMs, fetch: this.fetchImpl, sleep: this.sleep, random: this.random });
  }

  /** Any endpoint, typed by the caller; the named methods below are preferred. */
  async request<R>(method: string, path: string, options: RequestOptions = {}): Promise<R> {
    const repeat = options.repeat ?? (method === "GET" || method === "PUT" || method === "DELETE" ? "always" : "unsent");
    const retries = options.retries ?? this.policy.retries;
    const label = `${method} ${path}`;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: "application/json" };
    if (payload !== undefined) headers["content-type"] = "application/json";
    const url = this.url + path + queryString(options.query);

    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await this.fetchImpl(url, { method, headers, body: payload, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (error) {
        const unsent = connectionRefused(error);
        if (attempt <= retries && (repeat === "always" || unsent)) {
          await this.sleep(this.backoff(attempt, null));
          continue;
        }
        throw new StewardNetworkError(`${label} got no answer: ${describe(error)}`, label, attempt, { cause: error });
      }
      const body = await readBody(res);
      if (res.ok) return body as R;
      const retryable = res.status === 429 || res.status === 503 || (res.status >= 500 && repeat === "always");
      if (retryable && attempt <= retries) {
        await this.sleep(this.backoff(attempt, res.headers.get("retry-after")));
        continue;
      }
      throw toStewardError(res.status, body, label, attempt);
    }
  }

  private backoff(attempt: number, retryAfter: string | null): number {
    const asked = retryAfter === null ? NaN : Number(retryAfter) * 1000;
    if (Number.isFinite(asked) && asked >= 0) return Math.min(asked, this.policy.maxDelayMs);
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * ceiling);
  }

  private get<R>(path: string, query?: RequestOptions["query"]) {
    return this.request<R>("GET", path, { query });
  }
  private post<R>(path: string, body: unknown = {}, repeat: Repeatable = "unsent") {
    return this.request<R>("POST", path, { body, repeat });
  }
  private put<R>(path: string, body: unknown) {
    return this.request<R>("PUT", path, { body });
  }

  // ---- the gate ---------------------------------------------------------------------------------
  /**
   * Proposes an action. Without an `idempotencyKey` the SDK makes one; either way every retry sends the
   * same key and body, so the answer is the one decision the gate made.
   */
  propose(proposal: T.ProposalInput): Promise<T.Decision> {
    const body: T.ProposalBody = { ...proposal, idempotencyKey: proposal.idempotencyKey ?? randomUUID() };
    return this.post<T.Decision>("/v1/proposals", body, "always");
  }

  /**
   * Proposals competing for the same HCPs, arbitrated together (API.md). Keys are filled in as for
   * `propose`. `holdMs` (≤ 2000): the server waits that long for other callers' batches on the same HCPs
   * and arbitrates them with this one (docs/governance-layers.md).
   */
  async proposeBatch(proposals: readonly T.BatchProposalInput[], options: { holdMs?: number } = {}): Promise<T.Decision[]> {
    const body = { proposals: proposals.map((p) => ({ ...p, idempotencyKey: p.idempotencyKey ?? randomUUID() })), ...(options.holdMs !== undefined ? { holdMs: options.holdMs } : {}) };
    return (await this.post<{ decisions: T.Decision[] }>("/v1/proposals/batch", body, "always")).decisions;
  }

  getDecision(id: string): Promise<T.DecisionDetail> {
    return this.get(`/v1/decisions/${enc(id)}`);
  }

  /** Newest first; an agent key sees only its own. */
  async listDecisions(query: T.DecisionListQuery = {}): Promise<T.ListedDecision[]> {
    return (await this.get<{ decisions: T.ListedDecision[] }>("/v1/decisions", { ...query })).decisions;
  }

  /**
   * The feed: decisions in commit order, each once. Pass the answer's `nextCursor` as `after` next time
   * (persist it with the agent's state); an empty page leaves it where it was.
   */
  decisionFeed(query: { after?: string; reason?: string; limit?: number; outcome?: T.Outcome; hcpId?: string } = {}): Promise<T.DecisionFeedPage> {
    return this.get("/v1/decisions", { order: "asc", ...query });
  }

  /** Reports what followed one of the agent's decisions (idempotent: the same report twice is one outcome). */
  reportOutcome(decisionId: string, report: T.OutcomeReport): Promise<T.IngestResult> {
    return this.post(`/v1/decisions/${enc(decisionId)}/outcomes`, report, "always");
  }

  // ---- people -----------------------------------------------------------------------------------
  me(): Promise<T.Me> {
    return this.get("/v1/me");
  }
  createUser(user: T.NewUser): Promise<{ user: T.UserView; token: string }> {
    return this.post("/v1/users", user);
  }
  /** Signs in with a password (public); the answer's token is a user token that ends at `expiresAt`. */
  signIn(body: T.SessionBody): Promise<{ token: string; expiresAt: string; user: T.SessionUser }> {
    return this.post("/v1/sessions", body);
  }
  /** Admin: every live token of the user (by id or username) stops working. */
  revokeUserTokens(idOrUsername: string): Promise<{ userId: string; username: string; revoked: number }> {
    return this.post(`/v1/users/${enc(idOrUsername)}/revoke-tokens`, {}, "always");
  }
  async signOut(): Promise<void> {
    await this.request("DELETE", "/v1/sessions/current");
  }

  // ---- portfolio --------------------------------------------------------------------------------
  registerAgent(agent: T.NewAgent): Promise<T.AgentRegistration> {
    return this.post("/v1/agents", agent);
  }
  async listAgents(): Promise<T.Agent[]> {
    return (await this.get<{ agents: T.Agent[] }>("/v1/agents")).agents;
  }
  async getAgent(id: string): Promise<T.Agent> {
    return (await this.get<{ agent: T.Agent }>(`/v1/agents/${enc(id)}`)).agent;
  }
  pauseAgent(id: string, reason: string): Promise<T.StatusChange> {
    return this.post(`/v1/agents/${enc(id)}/pause`, { reason }, "always");
  }
  haltAgent(id: string, reason: string): Promise<T.StatusChange> {
    return this.post(`/v1/agents/${enc(id)}/halt`, { reason }, "always");
  }
  resumeAgent(id: string, reason: string): Promise<T.StatusChange> {
    return this.post(`/v1/agents/${enc(id)}/resume`, { reason }, "always");
  }
  /** Admin: a new key for the agent (shown once); the old one is refused at once. Never repeated on its own. */
  rotateAgentKey(id: string): Promise<{ agentId: string; apiKey: string }> {
    return this.post(`/v1/agents/${enc(id)}/rotate-key`);
  }
  /** The global kill switch. */
  haltAll(reason: string): Promise<T.GlobalHalt> {
    return this.post("/v1/halt", { reason }, "always");
  }
  /** Ends the standing global halt (admin); the agents it stopped get their status from before it. */
  resumeAll(reason: string): Promise<T.PortfolioResume> {
    return this.post("/v1/resume", { reason }, "unsent");
  }
  async listNotices(agentId: string, query: T.NoticeQuery = {}): Promise<T.ContentNotice[]> {
    return (await this.get<{ notices: T.ContentNotice[] }>(`/v1/agents/${enc(agentId)}/notices`, { ...query })).notices;
  }
  portfolio(since?: string): Promise<T.Portfolio> {
    return this.get("/v1/portfolio", { since });
  }

  // ---- HCPs, consent, events -----------------------------------------------------------------------
  async putHcp(id: string, hcp: T.HcpBody): Promise<T.Hcp> {
    return (await this.put<{ hcp: T.Hcp }>(`/v1/hcps/${enc(id)}`, hcp)).hcp;
  }
  getHcp(id: string): Promise<T.HcpProfile> {
    return this.get(`/v1/hcps/${enc(id)}`);
  }
  /** Merges records of one person into `survivorId` (mops); the merged ids keep naming it. */
  mergeHcps(survivorId: string, body: T.MergeBody): Promise<T.MergeResult> {
    return this.post(`/v1/hcps/${enc(survivorId)}/merge`, body, "unsent");
  }
  /** What this agent may see about an HCP (its markets only; filtered by data.yaml for its purposes). */
  getHcpContext(id: string): Promise<T.HcpContext> {
    return this.get(`/v1/hcps/${enc(id)}`);
  }
  /** The HCP's current state as the gate sees it (agents may read it, filtered for them). */
  async getHcpState(id: string): Promise<T.HcpStateView> {
    return (await this.get<{ state: T.HcpStateView }>(`/v1/hcps/${enc(id)}/state`)).state;
  }
  /** Consent is an append-only ledger: repeating a record appends it again, so this is not retried blindly. */
  async recordConsent(hcpId: string, channel: T.Channel, consent: T.ConsentBody): Promise<T.ConsentRecord> {
    return (await this.request<{ consent: T.ConsentRecord }>("PUT", `/v1/hcps/${enc(hcpId)}/consents/${enc(channel)}`, { body: consent, repeat: "unsent" })).consent;
  }
  /** Idempotent by event id, so always safe to retry. */
  ingestEvents(events: readonly T.HcpEvent[]): Promise<T.IngestResult> {
    return this.post("/v1/events", { events }, "always");
  }
  /**
   * HCP events in commit order from a cursor (an agent sees those of its markets that its data use allows).
   * Keep `nextCursor` and pass it as `after` next time.
   */
  eventFeed(query: { after?: string; limit?: number } = {}): Promise<T.EventFeedPage> {
    return this.get("/v1/events", { ...query });
  }
  dataLatency(window?: string): Promise<T.LatencyReport> {
    return this.get("/v1/data/latency", { window });
  }

  // ---- content and MLR ------------------------------------------------------------------------------
  async createClaim(claim: T.NewClaim): Promise<T.Claim> {
    return (await this.post<{ claim: T.Claim }>("/v1/claims", claim)).claim;
  }
  async listClaims(query: T.ClaimListQuery = {}): Promise<T.Claim[]> {
    return (await this.get<{ claims: T.Claim[] }>("/v1/claims", { ...query })).claims;
  }
  async getClaim(id: string): Promise<T.Claim> {
    return (await this.get<{ claim: T.Claim }>(`/v1/claims/${enc(id)}`)).claim;
  }
  async editClaim(id: string, edit: T.ClaimEdit): Promise<T.Claim> {
    return (await this.request<{ claim: T.Claim }>("PUT", `/v1/claims/${enc(id)}`, { body: edit, repeat: "unsent" })).claim;
  }
  async claimVersions(id: string): Promise<T.Claim[]> {
    return (await this.get<{ versions: T.Claim[] }>(`/v1/claims/${enc(id)}/versions`)).versions;
  }
  async claimVersion(id: string, version: number): Promise<T.Claim> {
    return (await this.get<{ claim: T.Claim }>(`/v1/claims/${enc(id)}/versions/${version}`)).claim;
  }
  async submitClaim(id: string): Promise<T.Claim> {
    return (await this.post<{ claim: T.Claim }>(`/v1/claims/${enc(id)}/submit`)).claim;
  }
  async startClaimReview(id: string): Promise<T.Claim> {
    return (await this.post<{ claim: T.Claim }>(`/v1/claims/${enc(id)}/start-review`)).claim;
  }
  async approveClaim(id: string, signature: T.Signature): Promise<T.Claim> {
    return (await this.post<{ claim: T.Claim }>(`/v1/claims/${enc(id)}/approve`, { signature })).claim;
  }
  async requestClaimChanges(id: string, reason: string, signature: T.Signature): Promise<T.Claim> {
    return (await this.post<{ claim: T.Claim }>(`/v1/claims/${enc(id)}/request-changes`, { reason, signature })).claim;
  }
  async rejectClaim(id: string, reason: string, signature: T.Signature): Promise<T.Claim> {
    return (await this.post<{ claim: T.Claim }>(`/v1/claims/${enc(id)}/reject`, { reason, signature })).claim;
  }
  /** The withdrawal cascade: blocks every asset using the claim and cancels every pending action sending it. */
  withdrawClaim(id: string, reason: string): Promise<T.Withdrawal> {
    return this.post(`/v1/claims/${enc(id)}/withdraw`, { reason });
  }
  async createAsset(asset: T.NewAsset): Promise<T.Asset> {
    return (await this.post<{ asset: T.Asset }>("/v1/assets", asset)).asset;
  }
  async listAssets(query: T.AssetListQuery = {}): Promise<T.Asset[]> {
    return (await this.get<{ assets: T.Asset[] }>("/v1/assets", { ...query })).assets;
  }
  /** The approved assets this agent may send now (its markets and channels; no withdrawn or expired claim). */
  async usableAssets(query: { market?: string; channel?: T.Channel; agentId?: string } = {}): Promise<T.Asset[]> {
    return (await this.get<{ assets: T.Asset[] }>("/v1/assets", { usable: "true", ...query })).assets;
  }
  async getAsset(id: string): Promise<T.Asset> {
    return (await this.get<{ asset: T.Asset }>(`/v1/assets/${enc(id)}`)).asset;
  }
  async editAsset(id: string, edit: T.AssetEdit): Promise<T.Asset> {
    return (await this.request<{ asset: T.Asset }>("PUT", `/v1/assets/${enc(id)}`, { body: edit, repeat: "unsent" })).asset;
  }
  async assetVersions(id: string): Promise<T.Asset[]> {
    return (await this.get<{ versions: T.Asset[] }>(`/v1/assets/${enc(id)}/versions`)).versions;
  }
  /** The approved render; with `hcpId`, also the message that HCP would receive. */
  renderAsset(id: string, hcpId?: string): Promise<T.RenderedAsset> {
    return this.get(`/v1/assets/${enc(id)}/render`, hcpId === undefined ? {} : { hcpId });
  }
  async submitAsset(id: string): Promise<T.Asset> {
    return (await this.post<{ asset: T.Asset }>(`/v1/assets/${enc(id)}/submit`)).asset;
  }
  async startAssetReview(id: string): Promise<T.Asset> {
    return (await this.post<{ asset: T.Asset }>(`/v1/assets/${enc(id)}/start-review`)).asset;
  }
  async approveAsset(id: string, signature: T.Signature): Promise<T.Asset> {
    return (await this.post<{ asset: T.Asset }>(`/v1/assets/${enc(id)}/approve`, { signature })).asset;
  }
  async requestAssetChanges(id: string, reason: string, signature: T.Signature): Promise<T.Asset> {
    return (await this.post<{ asset: T.Asset }>(`/v1/assets/${enc(id)}/request-changes`, { reason, signature })).asset;
  }
  async rejectAsset(id: string, reason: string, signature: T.Signature): Promise<T.Asset> {
    return (await this.post<{ asset: T.Asset }>(`/v1/assets/${enc(id)}/reject`, { reason, signature })).asset;
  }
  async recertifyAsset(id: string, expiresAt: string): Promise<T.Asset> {
    return (await this.post<{ asset: T.Asset }>(`/v1/assets/${enc(id)}/recertify`, { expiresAt })).asset;
  }

  // ---- reviews ----------------------------------------------------------------------------------
  async listReviews(query: T.ReviewListQuery = {}): Promise<T.Review[]> {
    return (await this.get<{ reviews: T.Review[] }>("/v1/reviews", { ...query })).reviews;
  }
  async getReview(id: string): Promise<T.Review> {
    return (await this.get<{ review: T.Review }>(`/v1/reviews/${enc(id)}`)).review;
  }
  approveReview(id: string, signature: T.Signature): Promise<T.ReviewApproval> {
    return this.post(`/v1/reviews/${enc(id)}/approve`, { signature });
  }
  rejectReview(id: string, reason: string, signature: T.Signature): Promise<T.ReviewRejection> {
    return this.post(`/v1/reviews/${enc(id)}/reject`, { reason, signature });
  }

  // ---- governance -------------------------------------------------------------------------------
  governance(): Promise<T.GovernanceBundle> {
    return this.get("/v1/governance");
  }
  dryRunGovernance(files: T.BundleFiles): Promise<T.DryRun> {
    return this.post("/v1/governance/dry-run", { files }, "always");
  }
  activateGovernance(files: T.BundleFiles): Promise<T.Activation> {
    return this.put("/v1/governance", { files });
  }

  // ---- audit, metrics, dispatch, health ------------------------------------------------------------
  audit(after = 0, limit = 100): Promise<T.AuditPage> {
    return this.get("/v1/audit", { after, limit });
  }
  verifyAudit(): Promise<T.AuditVerification> {
    return this.get("/v1/audit/verify");
  }
  metrics(query: T.MetricsQuery = {}): Promise<T.OperatingMetrics> {
    return this.get("/v1/metrics", { ...query });
  }
  async listOutbox(query: T.OutboxListQuery = {}): Promise<T.OutboxItemView[]> {
    return (await this.get<{ items: T.OutboxItemView[] }>("/v1/outbox", { ...query })).items;
  }
  getOutboxItem(id: string): Promise<{ item: T.OutboxItem; attempts: T.AttemptView[] }> {
    return this.get(`/v1/outbox/${enc(id)}`);
  }
  /** True when the server answers its liveness probe. */
  async healthy(): Promise<boolean> {
    try {
      await this.get("/healthz");
      return true;
    } catch (error) {
      if (error instanceof StewardError || error instanceof StewardNetworkError) return false;
      throw error;
    }
  }
}

function queryString(query: RequestOptions["query"]): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : "";
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Refused before anything was sent: repeating it cannot duplicate anything. */
function connectionRefused(error: unknown): boolean {
  const code = (error as { cause?: { code?: string } })?.cause?.code;
  return code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN";
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ""}`;
  return error instanceof Error ? error.message : String(error);
}
