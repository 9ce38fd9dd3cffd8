// The dispatcher's SQL: claim due items, read what one needs to leave, and record how it went. Every
// status change is fenced by the claim it was made under (`attempts`, which each claim increments): a
// dispatcher whose lease lapsed and whose item another took over can no longer change that item.
import { IN_LIST_CHUNK, type Store, type Tx } from "../store/db.ts";
import { prepared } from "../store/prepared.ts";
import type { Write } from "../shared/context.ts";
import type { Bundle } from "../governance/bundle.ts";
import type { ActionType, Channel, Purpose } from "../shared/vocabulary.ts";
import { ACTION_TYPES, PURPOSES } from "../shared/vocabulary.ts";
import { parseJson } from "../shared/json.ts";
import { loadSnapshot, TransactionReads } from "../gate/store.ts";
import type { OutboxTable } from "../store/schema.ts";
import type { Selectable, Updateable } from "kysely";
import { recheck, storedProposal } from "./recheck.ts";
import { emailOf, type Outbound } from "./outbound.ts";
import { loadSendableCopy, type SendableCopy } from "../content/read-model.ts";
import { composeMessage } from "./compose.ts";
import { signedContents, tamperStops } from "./signed.ts";
import { toWire } from "../content/message.ts";
import { unsubscribeUrlOf } from "./email.ts";
import type { AdapterName, Delivered, DeliveryFailure } from "./adapters/adapter.ts";
import type { AfterFailure } from "./retry.ts";
import { recordDissemination } from "../content/first-use.ts";

export type OutboxRow = Selectable<OutboxTable>;

const decisionOfItem = prepared((db, p: { id: string }) => db.selectFrom("decisions").select(["proposal", "decided_at", "scheduled_for", "resolution"]).where("id", "=", p.id));
const recipientOf = prepared((db, p: { id: string }) => db.selectFrom("hcps").select(["name", "market", "attributes"]).where("id", "=", p.id));
const markItemSent = prepared((db, p: { id: string; attempt: number; at: string; message: string | null; messageHash: string | null; approved: string | null }) =>
  db.updateTable("outbox").set({ status: "sent", sent_at: p.at, closed_at: p.at, closed_reason: null, lease_owner: null, lease_until: null, message: p.message, message_hash: p.messageHash, approved: p.approved })
    .where("id", "=", p.id).where("status", "=", "sending").where("attempts", "=", p.attempt));
const insertAttempt = prepared((db, p: { outboxId: string; attempt: number; decisionId: string; adapter: string; worker: string; startedAt: string; at: string; status: string; error: string | null }) =>
  db.insertInto("dispatch_attempts").values({
    outbox_id: p.outboxId, attempt: p.attempt, decision_id: p.decisionId, adapter: p.adapter, worker: p.worker, started_at: p.startedAt, at: p.at, status: p.status, error: p.error,
  }));

/** An item this dispatcher holds: the row as claimed; `attempts` is this claim's number. */
export interface Claim {
  row: OutboxRow;
  attempt: number;
  leaseUntil: Date;
}

export interface ClaimRequest {
  now: Date;
  limit: number;
  worker: string;
  leaseMs: number;
}

/**
 * Claims up to `limit` items that are due (pending and available) or abandoned (sending, lease lapsed),
 * marking them `sending` under this worker's lease, in one statement. PostgreSQL: the candidate rows are
 * locked FOR UPDATE SKIP LOCKED, so dispatchers in several processes each take different items without
 * waiting on one another. SQLite: one writer at a time makes the statement atomic by itself.
 */
export async function claimDue(store: Store, request: ClaimRequest): Promise<Claim[]> {
  const nowIso = request.now.toISOString();
  const leaseUntil = new Date(request.now.getTime() + request.leaseMs);
  const set = { status: "sending", lease_owner: request.worker, lease_until: leaseUntil.toISOString() };
  let rows: OutboxRow[];
  if (store.engine === "postgres") {
    const candidates = store.db.selectFrom("outbox").select("id")
      .where((eb) => eb.or([
        eb.and([eb("status", "=", "pending"), eb("available_at", "<=", nowIso)]),
        eb.and([eb("status", "=", "sending"), eb("lease_until", "<=", nowIso)]),
      ]))
      .orderBy("available_at").orderBy("id")
      .limit(request.limit)
      .forUpdate().skipLocked();
    rows = await store.db.updateTable("outbox")
      .set((eb) => ({ ...set, attempts: eb("attempts", "+", 1) }))
      .where("id", "in", candidates)
      // A row locked by the subquery is re-read before it is updated: the guard states the intent.
      .where((eb) => eb.or([eb("status", "=", "pending"), eb("status", "=", "sending")]))
      .returningAll()
      .execute();
  } else {
    // Each branch walks its own index from its oldest entry (an OR of the two would sort every candidate,
    // and a status guard on the update would have SQLite scan every pending row, scheduled ones too).
    const pending = store.db.selectFrom("outbox").select(["id", "available_at"]).where("status", "=", "pending").where("available_at", "<=", nowIso)
      .orderBy("available_at").limit(request.limit);
    const lapsed = store.db.selectFrom("outbox").select(["id", "available_at"]).where("status", "=", "sending").where("lease_until", "<=", nowIso)
      .orderBy("lease_until").limit(request.limit);
    const due = store.db.selectFrom(pending.as("p")).selectAll().unionAll(store.db.selectFrom(lapsed.as("l")).selectAll());
    const candidates = store.db.selectFrom(due.as("due")).select("due.id").orderBy("due.available_at").orderBy("due.id").limit(request.limit);
    // One writer at a time makes the statement atomic by itself.
    rows = await store.db.updateTable("outbox")
      .set((eb) => ({ ...set, attempts: eb("attempts", "+", 1) }))
      .where("id", "in", candidates)
      .returningAll()
      .execute();
  }
  return rows
    .sort((a, b) => (a.available_at < b.available_at ? -1 : a.available_at > b.available_at ? 1 : a.id < b.id ? -1 : 1))
    .map((row) => ({ row, attempt: row.attempts, leaseUntil }));
}

/**
 * Gives back a claim this dispatcher will not act on (too little of its lease left to finish an
 * attempt): the item is pending again, as if never claimed, so the unused claim costs it no attempt.
 * Fenced like every change; claims are not audited, and neither is handing one back.
 */
export async function releaseClaim(store: Store, claim: Claim): Promise<boolean> {
  const result = await store.db.updateTable("outbox")
    .set((eb) => ({ status: "pending", attempts: eb("attempts", "-", 1), lease_owner: null, lease_until: null }))
    .where("id", "=", claim.row.id).where("status", "=", "sending").where("attempts", "=", claim.attempt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Why an item must not leave: the gate's reason codes, or what makes the item unreadable. */
export interface Stop {
  code: string;
  message: string;
}

/**
 * `dead`: the item can never leave as approved (its personalization has no value, or its text differs
 * from what was signed) and goes to a person; otherwise a stopped item is cancelled.
 */
export type Prepared = { kind: "ready"; outbound: Outbound } | { kind: "stopped"; stops: Stop[]; dead: boolean };

/** Stops that dead-letter the item instead of cancelling it. */
const DEAD_STOPS: ReadonlySet<string> = new Set(["PERSONALIZATION_MISSING", "CONTENT_TAMPERED"]);
const stopped = (stops: Stop[]): Prepared => ({ kind: "stopped", stops, dead: stops.some((s) => DEAD_STOPS.has(s.code)) });

const isAction = (v: unknown): v is ActionType => typeof v === "string" && (ACTION_TYPES as readonly string[]).includes(v);
const isPurpose = (v: unknown): v is Purpose => typeof v === "string" && (PURPOSES as readonly string[]).includes(v);

/**
 * Re-checks the item against a fresh snapshot and, when it may leave, builds what leaves: the content
 * and the HCP as they stand now. Reads only.
 */
/**
 * What the items re-checked together in one read transaction share: the agents and assets of the gate's
 * snapshot, and the copy of each asset that may be sent. Valid for that transaction only.
 */
export class PrepareReads {
  readonly snapshot = new TransactionReads();
  readonly contents = new Map<string, SendableCopy | null>();
  readonly decisions = new Map<string, ItemDecision | null>();

  /** The claimed items' decisions, HCPs and ledgers in a few reads instead of several per item. */
  async preload(trx: Tx, claims: readonly Claim[]): Promise<void> {
    const ids = [...new Set(claims.map((c) => c.row.decision_id))];
    for (const id of ids) this.decisions.set(id, null);
    for (let i = 0; i < ids.length; i += IN_LIST_CHUNK) {
      const rows = await trx.selectFrom("decisions").select(["id", "proposal", "decided_at", "scheduled_for", "resolution"]).where("id", "in", ids.slice(i, i + IN_LIST_CHUNK)).execute();
      for (const r of rows) this.decisions.set(r.id, r);
    }
    await this.snapshot.preloadHcps(trx, claims.map((c) => c.row.hcp_id));
  }
}

type ItemDecision = { proposal: string; decided_at: string; scheduled_for: string | null; resolution: string | null };

export async function prepare(trx: Tx, claim: Claim, bundle: Bundle, now: Date, unsubscribeTemplate: string, reads = new PrepareReads()): Promise<Prepared> {
  const { row } = claim;
  const decision = reads.decisions.has(row.decision_id) ? reads.decisions.get(row.decision_id) : await decisionOfItem.first(trx, { id: row.decision_id });
  const unreadable = (what: string): Prepared => stopped([{ code: "DISPATCH_UNREADABLE", message: `outbox item ${row.id}: ${what}` }]);
  if (!decision) return unreadable(`its decision ${row.decision_id} does not exist`);
  let proposal;
  try {
    // The item's HCP, not the proposal's words for it: a merge moves the item to the survivor.
    proposal = { ...storedProposal(decision.proposal), hcpId: row.hcp_id };
  } catch {
    return unreadable(`the proposal stored with decision ${row.decision_id} is not JSON`);
  }
  if (typeof proposal.agentId !== "string" || typeof proposal.hcpId !== "string" || !isAction(proposal.action) || !isPurpose(proposal.purpose)) {
    return unreadable(`the proposal stored with decision ${row.decision_id} lacks its agent, HCP, action or purpose`);
  }
  const snapshot = await loadSnapshot(trx, proposal, bundle, now, { eligibilityOnly: true, reads: reads.snapshot });
  const reasons = recheck(proposal, snapshot, bundle, now);
  if (reasons.length > 0) return stopped(reasons.map((r) => ({ code: r.code, message: r.message })));

  const hcp = reads.snapshot.hcps.get(proposal.hcpId) ?? (await recipientOf.first(trx, { id: proposal.hcpId }));
  if (!hcp) return unreadable(`its HCP ${proposal.hcpId} does not exist`);
  const attributes = parseJson<Record<string, unknown>>(hcp.attributes, {});
  const copy = row.asset_id ? await sendableCopyOnce(trx, row.asset_id, reads) : null;
  const composed = composeMessage(copy, proposal.content ?? null, { name: hcp.name, attributes }, unsubscribeUrlOf(unsubscribeTemplate, row.decision_id, row.id));
  if (composed.kind === "missing") {
    return stopped([{ code: "PERSONALIZATION_MISSING", message: `HCP ${proposal.hcpId}'s profile has no value for ${composed.missing.map((t) => `{{${t}}}`).join(", ")}, which asset ${composed.approved.assetId} v${composed.approved.version} needs` }]);
  }
  const tampered = tamperStops(signedContents(decision.resolution), composed, proposal.content ?? null);
  if (tampered.length > 0) return stopped(tampered);
  const sent = composed.kind === "message" ? composed : null;
  return {
    kind: "ready",
    outbound: {
      attempt: claim.attempt,
      recipient: { hcpId: proposal.hcpId, name: hcp.name, email: emailOf(attributes) },
      document: {
        id: row.id,
        decisionId: row.decision_id,
        agentId: row.agent_id,
        hcpId: row.hcp_id,
        market: hcp.market,
        channel: row.channel as Channel,
        action: proposal.action,
        purpose: proposal.purpose,
        rationale: proposal.rationale ?? null,
        decidedAt: decision.decided_at,
        // Not the row's available_at: that moves with each retry, and every attempt carries the same document.
        scheduledFor: decision.scheduled_for,
        asset: copy ? { id: copy.id, version: copy.version, title: copy.title, language: copy.language } : null,
        message: sent ? toWire(sent.message) : null,
        messageHash: sent?.messageHash ?? null,
        approved: sent?.approved ?? null,
      },
    },
  };
}

/** The copy in force (which the re-check just found approved), read once per asset per read transaction. */
async function sendableCopyOnce(trx: Tx, assetId: string, reads: PrepareReads): Promise<SendableCopy | null> {
  if (reads.contents.has(assetId)) return reads.contents.get(assetId)!;
  const copy = await loadSendableCopy(trx, assetId);
  reads.contents.set(assetId, copy);
  return copy;
}

/** What the audit records about an item, whatever happened to it. */
function subjectOf(claim: Claim) {
  const r = claim.row;
  return { outboxId: r.id, decisionId: r.decision_id, agentId: r.agent_id, hcpId: r.hcp_id, channel: r.channel, action: r.action, assetId: r.asset_id, attempt: claim.attempt };
}

/** Changes the item only while this claim still holds it; true when it did. */
async function fenced(w: Write, claim: Claim, set: Updateable<OutboxTable>): Promise<boolean> {
  const result = await w.trx.updateTable("outbox").set(set)
    .where("id", "=", claim.row.id).where("status", "=", "sending").where("attempts", "=", claim.attempt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A cancelled or dead item never reaches the HCP, so it no longer holds the HCP's contact capacity. */
async function releaseTouch(w: Write, decisionId: string): Promise<void> {
  await w.trx.updateTable("touches").set({ cancelled: 1 }).where("decision_id", "=", decisionId).execute();
}

export interface AttemptFacts {
  adapter: AdapterName;
  worker: string;
  startedAt: Date;
}

async function recordAttempt(w: Write, claim: Claim, facts: AttemptFacts, status: "sent" | "failed" | "dead", error: string | null): Promise<void> {
  await insertAttempt.run(w.trx, {
    outboxId: claim.row.id, attempt: claim.attempt, decisionId: claim.row.decision_id, adapter: facts.adapter, worker: facts.worker,
    startedAt: facts.startedAt.toISOString(), at: w.now.toISOString(), status, error,
  });
}

/** `outbound`: what went out — its message and hashes, and the asset version it carries (null for an action without one). */
export async function markSent(w: Write, claim: Claim, facts: AttemptFacts, delivered: Delivered, outbound: Outbound): Promise<boolean> {
  const at = w.now.toISOString();
  const doc = outbound.document;
  const changed = (await markItemSent.run(w.trx, {
    id: claim.row.id, attempt: claim.attempt, at,
    message: doc.message ? JSON.stringify(doc.message) : null, messageHash: doc.messageHash, approved: doc.approved ? JSON.stringify(doc.approved) : null,
  })) === 1;
  await recordAttempt(w, claim, facts, "sent", null);
  // A send after a lapsed lease still disseminated the content: the first use counts it either way.
  const content = doc.asset;
  if (content) await recordDissemination(w, { assetId: content.id, version: content.version, channel: claim.row.channel, outboxId: claim.row.id });
  // subjectOf's fields and these, in canonical key order (the chain hashes it at native speed).
  const r = claim.row;
  const data: ReturnType<typeof subjectOf> & { adapter: string; approvedHash: string | null; detail: string | null; duplicate: boolean; messageHash: string | null; sentAt: string } = {
    action: r.action, adapter: facts.adapter, agentId: r.agent_id, approvedHash: doc.approved?.hash ?? null, assetId: r.asset_id, attempt: claim.attempt, channel: r.channel,
    decisionId: r.decision_id, detail: delivered.detail, duplicate: delivered.duplicate, hcpId: r.hcp_id, messageHash: doc.messageHash, outboxId: r.id, sentAt: at,
  };
  // A claim that lapsed while its send was under way still sent: the attempt is on record, and the
  // dispatcher that took the item over repeats it under the same idempotency key.
  w.audit(changed ? "outbox.sent" : "outbox.sent_after_lease", `outbox:${claim.row.id}`, data);
  return changed;
}

export async function markFailed(w: Write, claim: Claim, facts: AttemptFacts, failure: DeliveryFailure, next: AfterFailure): Promise<boolean> {
  const at = w.now.toISOString();
  const error = failure.message.slice(0, 2000);
  const changed = next.kind === "dead"
    ? await fenced(w, claim, { status: "dead", closed_at: at, closed_reason: `dead-lettered after ${claim.attempt} attempt(s): ${error}`, lease_owner: null, lease_until: null })
    : await fenced(w, claim, { status: "pending", available_at: next.at.toISOString(), lease_owner: null, lease_until: null });
  await recordAttempt(w, claim, facts, next.kind === "dead" ? "dead" : "failed", error);
  if (changed && next.kind === "dead") await releaseTouch(w, claim.row.decision_id);
  const data = { ...subjectOf(claim), adapter: facts.adapter, error, permanent: failure.permanent };
  if (!changed) w.audit("outbox.attempt_failed", `outbox:${claim.row.id}`, { ...data, superseded: true });
  else if (next.kind === "dead") w.audit("outbox.dead_lettered", `outbox:${claim.row.id}`, data);
  else w.audit("outbox.attempt_failed", `outbox:${claim.row.id}`, { ...data, retryAt: next.at.toISOString(), delayMs: next.delayMs });
  return changed;
}

/**
 * An item that can never leave as approved (PERSONALIZATION_MISSING, CONTENT_TAMPERED): dead-lettered
 * for a person, with the reasons; no adapter was asked, so no attempt is recorded.
 */
export async function deadLetterItem(w: Write, claim: Claim, stops: readonly Stop[]): Promise<boolean> {
  const at = w.now.toISOString();
  const reason = `refused at dispatch: ${stops.map((s) => `${s.code}: ${s.message}`).join("; ")}`.slice(0, 4000);
  const changed = await fenced(w, claim, { status: "dead", closed_at: at, closed_reason: reason, lease_owner: null, lease_until: null });
  if (!changed) return false;
  await releaseTouch(w, claim.row.decision_id);
  w.audit("outbox.dead_lettered", `outbox:${claim.row.id}`, { ...subjectOf(claim), reasons: stops });
  return true;
}

export async function cancelItem(w: Write, claim: Claim, stops: readonly Stop[]): Promise<boolean> {
  const at = w.now.toISOString();
  const reason = `re-checked at dispatch: ${stops.map((s) => `${s.code}: ${s.message}`).join("; ")}`.slice(0, 4000);
  const changed = await fenced(w, claim, { status: "cancelled", closed_at: at, closed_reason: reason, lease_owner: null, lease_until: null });
  if (!changed) return false;
  await releaseTouch(w, claim.row.decision_id);
  w.audit("outbox.cancelled", `outbox:${claim.row.id}`, { ...subjectOf(claim), reasons: stops });
  return true;
}
