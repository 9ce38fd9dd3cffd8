// What other capabilities (metrics, the console, outcome linking) may ask about dispatch. Read-only.
import type { Db, Tx } from "../store/db.ts";
import { notFound } from "../shared/errors.ts";
import { parseJson } from "../shared/json.ts";
import { loadSendableCopy } from "../content/read-model.ts";
import { toWire } from "../content/message.ts";
import type { ProposalContent } from "../gate/proposal.ts";
import { composeMessage, type ApprovedRef } from "./compose.ts";
import { unsubscribeTemplate } from "./config.ts";
import { unsubscribeUrlOf } from "./email.ts";

/**
 * When each decision's action was sent: decision id → sent at (ISO), for items sent at or after
 * `since`. Dispatch latency is sent at − decided at; an action not (yet) sent is absent.
 */
export async function dispatchTimes(db: Db | Tx, since: Date | string): Promise<Map<string, string>> {
  const from = new Date(since).toISOString();
  const rows = await db.selectFrom("outbox").select(["decision_id", "sent_at"])
    .where("status", "=", "sent").where("sent_at", ">=", from)
    .orderBy("sent_at").execute();
  return new Map(rows.map((r) => [r.decision_id, r.sent_at!]));
}

export const OUTBOX_STATUSES = ["pending", "sending", "sent", "dead", "cancelled"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface OutboxItemView {
  id: string;
  decisionId: string;
  agentId: string;
  hcpId: string;
  channel: string;
  action: string;
  assetId: string | null;
  status: OutboxStatus;
  /** When it may leave next: its scheduled moment, or after a failure its retry time. */
  availableAt: string;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
  closedAt: string | null;
  closedReason: string | null;
  leaseOwner: string | null;
  leaseUntil: string | null;
}

export interface AttemptView {
  attempt: number;
  adapter: string;
  worker: string;
  startedAt: string;
  at: string;
  status: "sent" | "failed" | "dead";
  error: string | null;
}

type Row = Awaited<ReturnType<typeof selectItems>>[number];
const selectItems = (db: Db) => db.selectFrom("outbox").selectAll().execute();

function toView(r: Row): OutboxItemView {
  return {
    id: r.id, decisionId: r.decision_id, agentId: r.agent_id, hcpId: r.hcp_id, channel: r.channel, action: r.action, assetId: r.asset_id,
    status: r.status as OutboxStatus, availableAt: r.available_at, attempts: r.attempts, createdAt: r.created_at, sentAt: r.sent_at,
    closedAt: r.closed_at, closedReason: r.closed_reason, leaseOwner: r.lease_owner, leaseUntil: r.lease_until,
  };
}

export interface OutboxQuery {
  status?: OutboxStatus;
  agentId?: string;
  hcpId?: string;
  decisionId?: string;
  limit: number;
}

export async function listOutbox(db: Db, q: OutboxQuery): Promise<OutboxItemView[]> {
  let query = db.selectFrom("outbox").selectAll();
  if (q.status) query = query.where("status", "=", q.status);
  if (q.agentId) query = query.where("agent_id", "=", q.agentId);
  if (q.hcpId) query = query.where("hcp_id", "=", q.hcpId);
  if (q.decisionId) query = query.where("decision_id", "=", q.decisionId);
  const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(q.limit).execute();
  return rows.map(toView);
}

/** What the item sends: as it left when sent; else as it would leave now (null when it cannot be composed). */
export interface ItemMessage {
  message: { subject?: string; text: string } | null;
  messageHash: string | null;
  approved: ApprovedRef | null;
  /** Why there is no message: the personalization tokens without a value. */
  missing?: string[];
}

async function itemMessage(db: Db, row: Row): Promise<ItemMessage> {
  if (row.message !== null) {
    return { message: parseJson(row.message, null), messageHash: row.message_hash, approved: row.approved ? parseJson<ApprovedRef | null>(row.approved, null) : null };
  }
  const decision = await db.selectFrom("decisions").select("proposal").where("id", "=", row.decision_id).executeTakeFirst();
  const hcp = await db.selectFrom("hcps").select(["name", "attributes"]).where("id", "=", row.hcp_id).executeTakeFirst();
  const content = parseJson<{ content?: ProposalContent | null }>(decision?.proposal ?? "{}", {}).content ?? null;
  const copy = row.asset_id ? await loadSendableCopy(db, row.asset_id) : null;
  const profile = { name: hcp?.name ?? "", attributes: parseJson<Record<string, unknown>>(hcp?.attributes ?? "{}", {}) };
  const composed = composeMessage(copy, content, profile, unsubscribeUrlOf(unsubscribeTemplate(), row.decision_id, row.id));
  switch (composed.kind) {
    case "message": return { message: toWire(composed.message), messageHash: composed.messageHash, approved: composed.approved };
    case "missing": return { message: null, messageHash: null, approved: composed.approved, missing: composed.missing };
    case "none": return { message: null, messageHash: null, approved: null };
  }
}

export async function getOutboxItem(db: Db, id: string): Promise<{ item: OutboxItemView & ItemMessage; attempts: AttemptView[] }> {
  const row = await db.selectFrom("outbox").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("outbox item", id);
  const attempts = await db.selectFrom("dispatch_attempts").selectAll().where("outbox_id", "=", id).orderBy("attempt").execute();
  return {
    item: { ...toView(row), ...(await itemMessage(db, row)) },
    attempts: attempts.map((a) => ({ attempt: a.attempt, adapter: a.adapter, worker: a.worker, startedAt: a.started_at, at: a.at, status: a.status as AttemptView["status"], error: a.error })),
  };
}
