// The operating-model metrics: did the operating model make better decisions faster? Each figure's
// exact definition is in the README ("Operating-model metrics"); the code below is that definition.
import type { Db } from "../store/db.ts";
import { parseJson } from "../shared/json.ts";
import { DELAYING, INFORMATIONAL, type Reason, type ReasonCode } from "../gate/reasons.ts";
import { countBy, ratio, summarize, type Summary } from "../shared/stats.ts";

export interface MetricsQuery {
  agentId?: string;
  market?: string;
  from: Date;
  to: Date;
}

/** Outcome events that show the HCP (or the rep) engaged with what was sent. */
export const ENGAGED = ["opened", "clicked", "suggestion_accepted", "visit_completed", "mi_answered"] as const;
/** Refusals that kept noise or unauthorised activity from reaching an HCP. */
export const LOW_VALUE_CODES = ["CAP_EXCEEDED", "CONFLICT_LOST", "AUTHORITY_FORBIDDEN"] as const;

export interface OperatingMetrics {
  window: { from: string; to: string; hours: number };
  filter: { agentId: string | null; market: string | null };
  decisions: number;
  decisionVelocityPerHour: number;
  outcomeMix: Record<string, number>;
  initialOutcomeMix: Record<string, number>;
  rejectionReasons: Record<string, number>;
  escalationRate: number | null;
  reviews: { opened: number; closed: number; closedOnTime: number; deadlineAdherence: number | null; openOverdue: number };
  /** Seconds per stage; see the README for where each stage starts and ends. */
  insightToAction: { data: Summary; agent: Summary; governance: Summary; review: Summary; dispatch: Summary; total: Summary };
  noise: { touches: number; hcpsTouched: number; touchesPerHcpPerWeek: number | null; distribution: Record<string, number> };
  conflictsPrevented: number;
  lowValueSuppressed: number;
  sent: number;
  engagementQuality: number | null;
  fieldAdoption: { delivered: number; accepted: number; rate: number | null };
}

interface DecisionRow {
  id: string;
  agent_id: string;
  hcp_id: string;
  action: string;
  outcome: string;
  initial_outcome: string;
  reasons: string;
  decided_at: string;
  received_at: string | null;
  proposal: string;
}

const seconds = (fromIso: string, toIso: string) => (Date.parse(toIso) - Date.parse(fromIso)) / 1000;
const CHUNK = 500;

async function inChunks<T>(ids: readonly string[], load: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await load(ids.slice(i, i + CHUNK))));
  return out;
}

async function decisionsIn(db: Db, q: MetricsQuery): Promise<DecisionRow[]> {
  let query = db.selectFrom("decisions")
    .innerJoin("hcps", "hcps.id", "decisions.hcp_id")
    .select(["decisions.id", "decisions.agent_id", "decisions.hcp_id", "decisions.action", "decisions.outcome", "decisions.initial_outcome", "decisions.reasons", "decisions.decided_at", "decisions.received_at", "decisions.proposal"])
    .where("decisions.decided_at", ">=", q.from.toISOString())
    .where("decisions.decided_at", "<", q.to.toISOString());
  if (q.agentId) query = query.where("decisions.agent_id", "=", q.agentId);
  if (q.market) query = query.where("hcps.market", "=", q.market);
  return query.execute();
}

export async function operatingMetrics(db: Db, q: MetricsQuery, now: Date): Promise<OperatingMetrics> {
  const hours = Math.max((q.to.getTime() - q.from.getTime()) / 3_600_000, 1 / 60);
  const decisions = await decisionsIn(db, q);
  const ids = decisions.map((d) => d.id);

  const reasonsOf = new Map(decisions.map((d) => [d.id, parseJson<Reason[]>(d.reasons, []).map((r) => r.code as string)]));
  const rejected = decisions.filter((d) => d.outcome === "rejected");
  const rejectionReasons: Record<string, number> = {};
  // Only the codes that refuse: the authority that would have let it through, or a delay, is not why it was refused.
  for (const d of rejected) {
    for (const code of new Set(reasonsOf.get(d.id))) {
      if (INFORMATIONAL.has(code as ReasonCode) || DELAYING.has(code as ReasonCode)) continue;
      rejectionReasons[code] = (rejectionReasons[code] ?? 0) + 1;
    }
  }

  // Evidence: the newest event each decision cites (the insight it acted on).
  const evidenceIds = new Map<string, string[]>();
  for (const d of decisions) {
    const evidence = parseJson<{ evidence?: string[] }>(d.proposal, {}).evidence ?? [];
    if (evidence.length > 0) evidenceIds.set(d.id, evidence);
  }
  const events = await inChunks([...new Set([...evidenceIds.values()].flat())], (chunk) =>
    db.selectFrom("events").select(["id", "occurred_at", "ingested_at"]).where("id", "in", chunk).execute());
  const eventById = new Map(events.map((e) => [e.id, e]));
  const insightOf = new Map<string, { occurred_at: string; ingested_at: string }>();
  for (const [decisionId, list] of evidenceIds) {
    const found = list.map((id) => eventById.get(id)).filter((e) => e !== undefined);
    if (found.length > 0) insightOf.set(decisionId, found.reduce((a, b) => (a.occurred_at >= b.occurred_at ? a : b)));
  }

  const reviews = await inChunks(ids, (chunk) =>
    db.selectFrom("reviews").select(["decision_id", "status", "created_at", "due_at", "closed_at"]).where("decision_id", "in", chunk).execute());
  const outbox = await inChunks(ids, (chunk) =>
    db.selectFrom("outbox").select(["decision_id", "action", "status", "available_at", "sent_at"]).where("decision_id", "in", chunk).execute());
  const outcomes = await inChunks(ids, (chunk) =>
    db.selectFrom("events").select(["decision_id", "type"]).where("decision_id", "in", chunk).execute());
  const outcomeTypes = new Map<string, Set<string>>();
  for (const o of outcomes) {
    const set = outcomeTypes.get(o.decision_id!) ?? new Set<string>();
    set.add(o.type);
    outcomeTypes.set(o.decision_id!, set);
  }

  const stage = { data: [] as number[], agent: [] as number[], governance: [] as number[], review: [] as number[], dispatch: [] as number[], total: [] as number[] };
  const sentAt = new Map(outbox.filter((o) => o.sent_at).map((o) => [o.decision_id, o]));
  for (const d of decisions) {
    const received = d.received_at ?? d.decided_at;
    const insight = insightOf.get(d.id);
    if (insight) {
      stage.data.push(seconds(insight.occurred_at, insight.ingested_at));
      stage.agent.push(Math.max(0, seconds(insight.ingested_at, received)));
    }
    stage.governance.push(seconds(received, d.decided_at));
    const sent = sentAt.get(d.id);
    if (sent?.sent_at) {
      stage.dispatch.push(Math.max(0, seconds(sent.available_at, sent.sent_at)));
      if (insight) stage.total.push(seconds(insight.occurred_at, sent.sent_at));
    }
  }
  const closedReviews = reviews.filter((r) => (r.status === "approved" || r.status === "rejected") && r.closed_at);
  for (const r of closedReviews) if (r.status === "approved") stage.review.push(seconds(r.created_at, r.closed_at!));
  const closedOnTime = closedReviews.filter((r) => r.closed_at! <= r.due_at).length;
  const nowIso = now.toISOString();

  let touchesQuery = db.selectFrom("touches").innerJoin("hcps", "hcps.id", "touches.hcp_id").select(["touches.hcp_id"])
    .where("touches.cancelled", "=", 0).where("touches.at", ">=", q.from.toISOString()).where("touches.at", "<", q.to.toISOString());
  if (q.agentId) touchesQuery = touchesQuery.where("touches.agent_id", "=", q.agentId);
  if (q.market) touchesQuery = touchesQuery.where("hcps.market", "=", q.market);
  const touches = await touchesQuery.execute();
  const perHcp = countBy(touches, (t) => t.hcp_id);
  const weeks = hours / (24 * 7);
  const distribution: Record<string, number> = { "0-1": 0, "1-2": 0, "2-3": 0, "3-4": 0, "4+": 0 };
  for (const n of Object.values(perHcp)) {
    const rate = n / weeks;
    const bucket = rate < 1 ? "0-1" : rate < 2 ? "1-2" : rate < 3 ? "2-3" : rate < 4 ? "3-4" : "4+";
    distribution[bucket]!++;
  }
  const hcpsTouched = Object.keys(perHcp).length;

  const has = (id: string, codes: readonly string[]) => (reasonsOf.get(id) ?? []).some((c) => codes.includes(c));
  const sent = outbox.filter((o) => o.sent_at);
  const engaged = sent.filter((o) => [...(outcomeTypes.get(o.decision_id) ?? [])].some((t) => (ENGAGED as readonly string[]).includes(t)));
  const suggestionsDelivered = sent.filter((o) => o.action === "field_suggestion");
  const accepted = suggestionsDelivered.filter((o) => outcomeTypes.get(o.decision_id)?.has("suggestion_accepted"));

  return {
    window: { from: q.from.toISOString(), to: q.to.toISOString(), hours },
    filter: { agentId: q.agentId ?? null, market: q.market ?? null },
    decisions: decisions.length,
    decisionVelocityPerHour: decisions.length / hours,
    outcomeMix: countBy(decisions, (d) => d.outcome),
    initialOutcomeMix: countBy(decisions, (d) => d.initial_outcome),
    rejectionReasons,
    escalationRate: ratio(decisions.filter((d) => d.initial_outcome === "pending_review").length, decisions.length),
    reviews: {
      opened: reviews.length,
      closed: closedReviews.length,
      closedOnTime,
      deadlineAdherence: ratio(closedOnTime, closedReviews.length),
      openOverdue: reviews.filter((r) => r.status === "open" && r.due_at < nowIso).length,
    },
    insightToAction: {
      data: summarize(stage.data), agent: summarize(stage.agent), governance: summarize(stage.governance),
      review: summarize(stage.review), dispatch: summarize(stage.dispatch), total: summarize(stage.total),
    },
    noise: { touches: touches.length, hcpsTouched, touchesPerHcpPerWeek: hcpsTouched ? touches.length / hcpsTouched / weeks : null, distribution },
    conflictsPrevented: decisions.filter((d) => (d.outcome === "rejected" && has(d.id, ["CAP_EXCEEDED", "CONFLICT_LOST"])) || (d.outcome === "scheduled" && has(d.id, ["MIN_GAP"]))).length,
    lowValueSuppressed: rejected.filter((d) => has(d.id, LOW_VALUE_CODES)).length,
    sent: sent.length,
    engagementQuality: ratio(engaged.length, sent.length),
    fieldAdoption: { delivered: suggestionsDelivered.length, accepted: accepted.length, rate: ratio(accepted.length, suggestionsDelivered.length) },
  };
}
