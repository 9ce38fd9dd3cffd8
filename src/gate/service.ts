// The decision service: idempotency, then load -> decide -> commit under the HCP's lock, with the
// decision, its audit record and its consequence (outbox item | review | schedule) in one transaction.
import { hash as digest } from "node:crypto";
import { write, type Actor, type Context, type Write } from "../shared/context.ts";
import { conflict, notFound } from "../shared/errors.ts";
import { canonicalJson, parseJson } from "../shared/json.ts";
import { newId } from "../shared/ids.ts";
import { isUniqueViolation, lockHcp, type Db } from "../store/db.ts";
import { prepared, wholeRow } from "../store/prepared.ts";
import type { Bundle } from "../governance/bundle.ts";
import type { ReviewerRole } from "../shared/vocabulary.ts";
import { toProposal, type Proposal, type ProposalBody } from "./proposal.ts";
import type { Touch } from "./snapshot.ts";
import type { Verdict } from "./verdict.ts";
import type { Reason } from "./reasons.ts";
import { decide } from "./decide.ts";
import { arbitrate, markConflictLost } from "./arbitration.ts";
import { commitDelivery, loadSnapshot, TransactionReads } from "./store.ts";
import { openReview } from "../reviews/queue.ts";
import { lockAssetForSend } from "../content/read-model.ts";
import { GroupCommit } from "../shared/group-commit.ts";
import { outcomesByDecision, type DecisionOutcome } from "../data/outcomes.ts";
import { lockHcps } from "../data/hcp-locks.ts";
import { resolveHcpId, resolveHcpIds } from "../hcps/resolve.ts";
import { lockAgentShared } from "../agents/locks.ts";
import { carriesReason } from "./reason-filter.ts";

/** What an agent gets back (API.md), plus enough to read it without another call. */
export interface DecisionView {
  id: string;
  agentId: string;
  hcpId: string;
  action: string;
  purpose: string;
  channel: string;
  assetId: string | null;
  idempotencyKey: string;
  outcome: Verdict["outcome"];
  reasons: Reason[];
  bundleVersion: string;
  decidedAt: string;
  scheduledFor?: string;
  reviewId?: string;
  reviewers?: ReviewerRole[];
}

export function requestHash(body: ProposalBody): string {
  return digest("sha256", canonicalJson(body), "hex");
}

type DecisionRow = NonNullable<Awaited<ReturnType<typeof findByKey>>>;
const decisionByKey = prepared((db, p: { agentId: string; key: string }) =>
  db.selectFrom("decisions").selectAll().where("agent_id", "=", p.agentId).where("idempotency_key", "=", p.key));
const findByKey = (db: Db | Write["trx"], agentId: string, key: string) => decisionByKey.first(db, { agentId, key });
const insertDecision = prepared((db, p: DecisionRow) => db.insertInto("decisions").values(wholeRow(p, {
  id: true, agent_id: true, idempotency_key: true, request_hash: true, hcp_id: true, action: true, channel: true, purpose: true, asset_id: true,
  outcome: true, initial_outcome: true, reasons: true, checks: true, reviewers: true, bundle_version: true, decided_at: true, scheduled_for: true,
  review_id: true, proposal: true, expected_value: true, resolved_at: true, resolution: true, received_at: true,
})));
const agentPriority = prepared((db, p: { id: string }) => db.selectFrom("agents").select("priority").where("id", "=", p.id));

/** `written`: the values a row was just written from, so its JSON columns need not be parsed back. */
export function toView(row: DecisionRow, written?: { reasons: readonly Reason[]; reviewers: readonly ReviewerRole[] | null }): DecisionView {
  const view: DecisionView = {
    id: row.id, agentId: row.agent_id, hcpId: row.hcp_id, action: row.action, purpose: row.purpose, channel: row.channel,
    assetId: row.asset_id, idempotencyKey: row.idempotency_key, outcome: row.outcome as Verdict["outcome"],
    reasons: written ? [...written.reasons] : parseJson<Reason[]>(row.reasons, []), bundleVersion: row.bundle_version, decidedAt: row.decided_at,
  };
  if (row.scheduled_for) view.scheduledFor = row.scheduled_for;
  if (row.review_id) view.reviewId = row.review_id;
  if (row.reviewers) view.reviewers = written?.reviewers ? [...written.reviewers] : parseJson<ReviewerRole[]>(row.reviewers, []);
  return view;
}

/** Same key and same body: the stored decision. Same key, other body: 409. Unknown key: null. */
function replay(row: DecisionRow | undefined, hash: string): DecisionView | null {
  if (!row) return null;
  if (row.request_hash !== hash) {
    throw conflict("IDEMPOTENCY_KEY_REUSED", `idempotency key '${row.idempotency_key}' was already used with a different body (decision ${row.id})`, { decisionId: row.id });
  }
  return toView(row);
}

export async function propose(ctx: Context, agentId: string, body: ProposalBody): Promise<DecisionView> {
  const receivedAt = ctx.clock.now();
  const hash = requestHash(body);
  const earlier = replay(await findByKey(ctx.store.db, agentId, body.idempotencyKey), hash);
  if (earlier) return earlier;
  const bundle = await ctx.governance.refresh(ctx.store.db);
  // `scheme:value` and merged ids name the HCP they resolve to; the decision is that HCP's.
  const hcpId = await resolveHcpId(ctx.store.db, body.hcpId);
  const job: ProposalJob = { proposal: { ...toProposal(agentId, body), hcpId }, hash, bundle, receivedAt };
  try {
    // SQLite has one writer and pays one fsync per commit: proposals arriving together share a commit.
    // PostgreSQL runs them in parallel, each under its HCP's lock.
    if (ctx.store.engine === "sqlite") return await groupCommitOf(ctx).submit(job).then(settled);
    return await write(ctx, `agent:${agentId}`, (w) => decideOne(ctx, w, job, new TransactionReads()));
  } catch (error) {
    // The same key raced in through another HCP's lock: the unique index settled it.
    if (isUniqueViolation(error)) {
      const settled = replay(await findByKey(ctx.store.db, agentId, body.idempotencyKey), hash);
      if (settled) return settled;
    }
    throw error;
  }
}

interface ProposalJob {
  proposal: Proposal;
  hash: string;
  bundle: Bundle;
  receivedAt: Date;
}

/** Under the HCP's lock: the same key may have raced in since the first look; else decide and record. */
async function decideOne(ctx: Context, w: Write, job: ProposalJob, reads: TransactionReads): Promise<DecisionView> {
  const { proposal, hash } = job;
  await lockHcp(ctx.store, w.trx, proposal.hcpId);
  const raced = replay(await findByKey(w.trx, proposal.agentId, proposal.idempotencyKey), hash);
  if (raced) return raced;
  return decideAndRecord(ctx, w, proposal, hash, job.bundle, [], job.receivedAt, reads);
}

type Settled = { ok: true; view: DecisionView } | { ok: false; error: unknown };
const settled = (s: Settled): DecisionView => {
  if (s.ok) return s.view;
  throw s.error;
};

// One group commit per store; keyed by the context so no state outlives it.
const groups = new WeakMap<Context, GroupCommit<ProposalJob, Settled>>();

/**
 * Group commit: every proposal waiting when a commit starts joins the next one. Each is its own unit
 * of work (a savepoint), so one proposal's failure (a racing key) is its own, and each caller still
 * answers only after the commit that holds its decision is durable.
 */
function groupCommitOf(ctx: Context): GroupCommit<ProposalJob, Settled> {
  let group = groups.get(ctx);
  if (!group) {
    group = new GroupCommit<ProposalJob, Settled>((take) =>
      write(ctx, "system", async (w) => {
        const jobs = take();
        const out: Settled[] = [];
        const reads = new TransactionReads();
        for (const job of jobs) {
          try {
            out.push({ ok: true, view: await w.nested(`agent:${job.proposal.agentId}`, (jw) => decideOne(ctx, jw, job, reads)) });
          } catch (error) {
            out.push({ ok: false, error });
          }
        }
        return out;
      }),
    );
    groups.set(ctx, group);
  }
  return group;
}

export interface BatchItem {
  agentId: string;
  body: ProposalBody;
  /** Who sent it, when batches of several callers are decided together (held batches); else the batch's actor. */
  actor?: Actor;
}

/**
 * Proposals competing for one HCP's contact capacity are decided together under that HCP's lock, in
 * arbitration order (agent priority, then expected value); a loser is told it lost (CONFLICT_LOST).
 * The whole batch is one transaction: it lands entirely or not at all. HCP locks are all taken first, in
 * one order (lockHcps), so two batches — or a batch and an ingest — naming the same HCPs cannot deadlock.
 */
export async function proposeBatch(ctx: Context, actor: string, items: readonly BatchItem[]): Promise<DecisionView[]> {
  const receivedAt = ctx.clock.now();
  const bundle = await ctx.governance.refresh(ctx.store.db);
  const results: DecisionView[] = new Array(items.length);
  const resolved = await resolveHcpIds(ctx.store.db, items.map((it) => it.body.hcpId));
  const hcpOf = (i: number) => resolved.get(items[i]!.body.hcpId)!;
  const byHcp = new Map<string, number[]>();
  items.forEach((_, i) => {
    const mine = byHcp.get(hcpOf(i));
    if (mine) mine.push(i);
    else byHcp.set(hcpOf(i), [i]);
  });
  const hcpIds = [...byHcp.keys()].sort();

  await write(ctx, actor, async (w) => {
    // Every HCP's lock first (one order for every locker: no deadlock), then their rows and ledgers
    // in a few reads: under the locks nothing else can change them before this batch commits.
    await lockHcps(ctx.store, w.trx, hcpIds);
    // Every agent's lock up front, in one order (a global halt takes them in the same order).
    await lockAgentShared(ctx.store, w.trx, items.map((it) => it.agentId));
    const reads = new TransactionReads();
    await reads.preloadHcps(w.trx, hcpIds);
    const priorities = new Map<string, number>();
    for (const agentId of new Set(items.map((it) => it.agentId))) {
      const agent = await agentPriority.first(w.trx, { id: agentId });
      priorities.set(agentId, agent?.priority ?? -1);
    }
    for (const hcpId of hcpIds) {
      const order = arbitrate(
        byHcp.get(hcpId)!.map((i) => ({ index: i, priority: priorities.get(items[i]!.agentId)!, expectedValue: items[i]!.body.expectedValue ?? null })),
        bundle.contact.arbitration,
      );
      const rivals: Touch[] = [];
      for (const { index } of order) {
        const { agentId, body } = items[index]!;
        const hash = requestHash(body);
        const earlier = replay(await findByKey(w.trx, agentId, body.idempotencyKey), hash);
        if (earlier) {
          results[index] = earlier;
          continue;
        }
        const own = items[index]!.actor;
        const decideIt = (u: Write) => decideAndRecord(ctx, u, { ...toProposal(agentId, body), hcpId }, hash, bundle, rivals, receivedAt, reads);
        // Another caller's proposal in a held batch: its decision is audited under that caller.
        results[index] = own !== undefined && own !== actor ? await w.nested(own, decideIt) : await decideIt(w);
      }
    }
  });
  return results;
}

async function decideAndRecord(ctx: Context, w: Write, proposal: Proposal, hash: string, bundle: Bundle, rivals: Touch[], receivedAt: Date, reads: TransactionReads): Promise<DecisionView> {
  // A claim withdrawal racing this decision either commits first and is seen, or waits and then cancels it.
  if (proposal.assetId) await lockAssetForSend(ctx.store, w.trx, proposal.assetId);
  // Held until commit, before the agent's status is read: a pause or halt is before this decision or after it.
  await lockAgentShared(ctx.store, w.trx, [proposal.agentId]);
  const now = ctx.clock.now();
  const snapshot = await loadSnapshot(w.trx, proposal, bundle, now, { reads });
  let verdict = decide(proposal, snapshot, bundle, now);
  if (rivals.length > 0) {
    // The snapshot already holds the touches this batch's winners committed; without them is the baseline.
    const rivalIds = new Set(rivals.map((r) => r.decisionId));
    const alone = decide(proposal, { ...snapshot, touches: snapshot.touches.filter((t) => !rivalIds.has(t.decisionId)) }, bundle, now);
    verdict = markConflictLost(verdict, alone, rivals);
  }
  const id = newId("dec");
  const reviewId = verdict.outcome === "pending_review" ? newId("rev") : null;
  const reviewers = verdict.outcome === "pending_review" ? [...verdict.reviewers] : null;
  const scheduledFor = verdict.outcome === "scheduled" ? verdict.scheduledFor.toISOString() : null;
  const row: DecisionRow = {
    id, agent_id: proposal.agentId, idempotency_key: proposal.idempotencyKey, request_hash: hash, hcp_id: proposal.hcpId,
    action: proposal.action, channel: verdict.channel, purpose: proposal.purpose, asset_id: proposal.assetId,
    outcome: verdict.outcome, initial_outcome: verdict.outcome, reasons: JSON.stringify(verdict.reasons), checks: JSON.stringify(verdict.checks),
    reviewers: reviewers ? JSON.stringify(reviewers) : null, bundle_version: verdict.bundleVersion, decided_at: now.toISOString(),
    scheduled_for: scheduledFor, review_id: reviewId, proposal: JSON.stringify(proposal), expected_value: proposal.expectedValue,
    resolved_at: verdict.outcome === "pending_review" ? null : now.toISOString(), resolution: null, received_at: receivedAt.toISOString(),
  };
  await insertDecision.run(w.trx, row);
  const touch = await commitDelivery(w.trx, id, proposal, verdict);
  if (touch) rivals.push(touch);
  if (reviewId && reviewers) await openReview(w, { id: reviewId, decisionId: id, agentId: proposal.agentId, hcpId: proposal.hcpId, roles: reviewers, now });
  // Keys in canonical order, like the checks' evidence: the chain then hashes it at native speed.
  w.audit("decision.made", `decision:${id}`, {
    action: proposal.action, agentId: proposal.agentId, assetId: proposal.assetId, bundleVersion: verdict.bundleVersion, hcpId: proposal.hcpId,
    inputs: verdict.checks.filter((c) => c.evidence).map((c) => ({ check: c.check, evidence: c.evidence })),
    outcome: verdict.outcome, purpose: proposal.purpose, reasons: verdict.reasons, reviewId, scheduledFor,
  });
  return toView(row, { reasons: verdict.reasons, reviewers });
}

export async function getDecision(db: Db, id: string) {
  const row = await db.selectFrom("decisions").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("decision", id);
  const outcomes = await outcomesByDecision(db, [row.id]);
  return {
    ...toView(row),
    outcomes: outcomes.get(row.id) ?? [],
    initialOutcome: row.initial_outcome,
    checks: parseJson(row.checks, []),
    proposal: parseJson(row.proposal, {}),
    resolvedAt: row.resolved_at,
    resolution: parseJson(row.resolution, null),
  };
}

export interface DecisionQuery {
  agentId?: string;
  hcpId?: string;
  outcome?: string;
  since?: string;
  reason?: string;
  limit: number;
}

/** A listed decision carries what happened after it (delivered, opened, unsubscribed...), so agents learn from it. */
export async function listDecisions(db: Db, q: DecisionQuery): Promise<(DecisionView & { outcomes: DecisionOutcome[] })[]> {
  let query = db.selectFrom("decisions").selectAll();
  if (q.agentId) query = query.where("agent_id", "=", q.agentId);
  if (q.hcpId) query = query.where("hcp_id", "=", q.hcpId);
  if (q.outcome) query = query.where("outcome", "=", q.outcome);
  if (q.since) query = query.where("decided_at", ">=", new Date(q.since).toISOString());
  if (q.reason) query = query.where(carriesReason("reasons", q.reason));
  const rows = await query.orderBy("decided_at", "desc").orderBy("id", "desc").limit(q.limit).execute();
  const outcomes = await outcomesByDecision(db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...toView(r), outcomes: outcomes.get(r.id) ?? [] }));
}
