// The figures a monitor reads, per agent, from the store: its metric over the recent window and over
// the baseline window just before it. Outcome metrics count outcome events of the agent's decisions by
// when they happened; decision metrics count the agent's decisions by when they were made.
import type { Db } from "../store/db.ts";
import type { Monitor, MonitorFigures, MonitorMetric } from "../governance/monitors.ts";
import { parseJson } from "../shared/json.ts";

interface Span {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;

async function outcomeCounts(db: Db, agentId: string, span: Span): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("events")
    .innerJoin("decisions", "decisions.id", "events.decision_id")
    .select(["events.type", (eb) => eb.fn.count<number>("events.decision_id").distinct().as("n")])
    .where("decisions.agent_id", "=", agentId)
    .where("events.occurred_at", ">=", span.from)
    .where("events.occurred_at", "<", span.to)
    .where("events.type", "in", ["delivered", "unsubscribed"])
    .groupBy("events.type")
    .execute();
  // Engaged: decisions opened or clicked (either, counted once).
  const engaged = await db
    .selectFrom("events")
    .innerJoin("decisions", "decisions.id", "events.decision_id")
    .select((eb) => eb.fn.count<number>("events.decision_id").distinct().as("n"))
    .where("decisions.agent_id", "=", agentId)
    .where("events.occurred_at", ">=", span.from)
    .where("events.occurred_at", "<", span.to)
    .where("events.type", "in", ["opened", "clicked"])
    .executeTakeFirst();
  return { ...Object.fromEntries(rows.map((r) => [r.type, Number(r.n)])), engaged: Number(engaged?.n ?? 0) };
}

async function decisionFigures(db: Db, agentId: string, span: Span): Promise<{ n: number; rejected: number; reviewed: number; confidences: number[] }> {
  const rows = await db
    .selectFrom("decisions")
    .select(["initial_outcome", "outcome", "proposal"])
    .where("agent_id", "=", agentId)
    .where("decided_at", ">=", span.from)
    .where("decided_at", "<", span.to)
    .execute();
  const confidences = rows.flatMap((r) => {
    const c = parseJson<{ confidence?: unknown }>(r.proposal, {}).confidence;
    return typeof c === "number" ? [c] : [];
  });
  return { n: rows.length, rejected: rows.filter((r) => r.initial_outcome === "rejected").length, reviewed: rows.filter((r) => r.initial_outcome === "pending_review").length, confidences };
}

async function latencies(db: Db, agentId: string, span: Span): Promise<number[]> {
  const rows = await db
    .selectFrom("events")
    .innerJoin("decisions", "decisions.id", "events.decision_id")
    .select(["events.occurred_at", "events.ingested_at"])
    .where("decisions.agent_id", "=", agentId)
    .where("events.occurred_at", ">=", span.from)
    .where("events.occurred_at", "<", span.to)
    .execute();
  return rows.map((r) => (Date.parse(r.ingested_at) - Date.parse(r.occurred_at)) / 3_600_000).sort((a, b) => a - b);
}

/** The metric over one window, and how many events it rests on. */
async function figure(db: Db, metric: MonitorMetric, agentId: string, span: Span): Promise<{ value: number | null; events: number }> {
  const ratio = (part: number, whole: number) => ({ value: whole > 0 ? part / whole : null, events: whole });
  switch (metric) {
    case "engagement_rate":
    case "unsubscribe_rate":
    case "delivered_per_day": {
      const c = await outcomeCounts(db, agentId, span);
      const delivered = c.delivered ?? 0;
      if (metric === "delivered_per_day") return { value: delivered / ((Date.parse(span.to) - Date.parse(span.from)) / DAY_MS), events: delivered };
      if (metric === "unsubscribe_rate") return ratio(c.unsubscribed ?? 0, delivered);
      return ratio(c.engaged ?? 0, delivered);
    }
    case "rejection_rate":
    case "review_rate":
    case "confidence_mean": {
      const d = await decisionFigures(db, agentId, span);
      if (metric === "rejection_rate") return ratio(d.rejected, d.n);
      if (metric === "review_rate") return ratio(d.reviewed, d.n);
      return { value: d.confidences.length > 0 ? d.confidences.reduce((a, b) => a + b, 0) / d.confidences.length : null, events: d.confidences.length };
    }
    case "data_latency_p95": {
      const l = await latencies(db, agentId, span);
      return { value: l.length > 0 ? l[Math.min(l.length - 1, Math.ceil(0.95 * l.length) - 1)]! : null, events: l.length };
    }
    default: {
      const unreachable: never = metric;
      throw new Error(`unknown metric ${String(unreachable)}`);
    }
  }
}

/**
 * Recent window [now - window, now), baseline [start - baseline, start). `notBefore` (the agent's last
 * resume after a trip) shortens the recent window, so old figures do not trip the monitor again.
 */
export async function monitorFigures(db: Db, monitor: Monitor, agentId: string, now: Date, notBefore: Date | null = null): Promise<MonitorFigures> {
  const nowMs = now.getTime();
  const start = nowMs - monitor.windowMs;
  const recentFrom = notBefore && notBefore.getTime() > start ? notBefore.getTime() : start;
  const iso = (ms: number) => new Date(ms).toISOString();
  const recent = await figure(db, monitor.metric, agentId, { from: iso(recentFrom), to: iso(nowMs) });
  const base = await figure(db, monitor.metric, agentId, { from: iso(start - monitor.baselineMs), to: iso(start) });
  return { value: recent.value, baseline: base.value, events: recent.events, baselineEvents: base.events };
}
