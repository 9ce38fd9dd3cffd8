// The Prometheus view (prom-client). Gauges are computed from the store when scraped, so every process
// of a server-mode deployment reports the same numbers; process metrics come from this process.
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { Context } from "../shared/context.ts";
import { operatingMetrics } from "./metrics.ts";

const DAY = 24 * 3600 * 1000;

export function prometheusRegistry(ctx: Context): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "steward_" });
  let cached: { at: number; value: Promise<Awaited<ReturnType<typeof operatingMetrics>>> } | null = null;
  // One computation serves every gauge of a scrape (they collect in turn, moments apart).
  const last24h = () => {
    const now = ctx.clock.now();
    if (!cached || now.getTime() - cached.at > 1000) {
      cached = { at: now.getTime(), value: operatingMetrics(ctx.store.db, { from: new Date(now.getTime() - DAY), to: now }, now) };
    }
    return cached.value;
  };
  const gauge = (name: string, help: string, labelNames: string[], set: (g: Gauge, m: Awaited<ReturnType<typeof operatingMetrics>>) => void) =>
    new Gauge({ name, help, labelNames, registers: [registry], async collect() { this.reset(); set(this, await last24h()); } });

  gauge("steward_decisions_24h", "Decisions made in the last 24 hours, by current outcome", ["outcome"], (g, m) => {
    for (const [outcome, n] of Object.entries(m.outcomeMix)) g.set({ outcome }, n);
  });
  gauge("steward_rejection_reasons_24h", "Rejected decisions of the last 24 hours carrying each reason code", ["code"], (g, m) => {
    for (const [code, n] of Object.entries(m.rejectionReasons)) g.set({ code }, n);
  });
  gauge("steward_insight_to_action_seconds", "Time from insight to compliant action by stage, last 24 hours", ["stage", "quantile"], (g, m) => {
    for (const [stage, s] of Object.entries(m.insightToAction)) {
      if (s.p50 !== null) g.set({ stage, quantile: "0.5" }, s.p50);
      if (s.p95 !== null) g.set({ stage, quantile: "0.95" }, s.p95);
    }
  });
  gauge("steward_escalation_rate", "Share of decisions first routed to human review, last 24 hours", [], (g, m) => { if (m.escalationRate !== null) g.set(m.escalationRate); });
  gauge("steward_review_deadline_adherence", "Share of closed reviews closed by their deadline, last 24 hours", [], (g, m) => { if (m.reviews.deadlineAdherence !== null) g.set(m.reviews.deadlineAdherence); });
  gauge("steward_reviews_open_overdue", "Open reviews past their deadline", [], (g, m) => g.set(m.reviews.openOverdue));
  gauge("steward_touches_per_hcp_per_week", "Touches per touched HCP per week, last 24 hours", [], (g, m) => { if (m.noise.touchesPerHcpPerWeek !== null) g.set(m.noise.touchesPerHcpPerWeek); });
  gauge("steward_conflicts_prevented_24h", "Proposals capped, out-arbitrated or spaced by the contact policy, last 24 hours", [], (g, m) => g.set(m.conflictsPrevented));
  gauge("steward_low_value_suppressed_24h", "Proposals refused as noise or unauthorised, last 24 hours", [], (g, m) => g.set(m.lowValueSuppressed));
  gauge("steward_engagement_quality", "Engaged touches / sent touches, last 24 hours", [], (g, m) => { if (m.engagementQuality !== null) g.set(m.engagementQuality); });
  gauge("steward_field_adoption", "Accepted / delivered field suggestions, last 24 hours", [], (g, m) => { if (m.fieldAdoption.rate !== null) g.set(m.fieldAdoption.rate); });
  return registry;
}
