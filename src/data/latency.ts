// The data-latency audit. Pure: measured samples and the freshness policy in, figures and verdicts out.
// Latency of an event = ingestedAt − occurredAt: how late the data reached Steward. Percentiles are
// nearest-rank (the smallest sample with at least p% of samples at or below it), so every figure is a
// latency some event really had.
import { ACTION_TYPES, type ActionType } from "../shared/vocabulary.ts";
import type { FreshnessPolicy } from "../governance/bundle.ts";
import { percentile } from "../shared/stats.ts";

export interface LatencySample {
  source: string;
  occurredAt: number;
  ingestedAt: number;
}

export interface SourceLatency {
  source: string;
  events: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Events that claimed to occur after they were ingested (a source clock running ahead); counted as 0 ms. */
  aheadOfClock: number;
}

export function sourceLatencies(samples: Iterable<LatencySample>): SourceLatency[] {
  const bySource = new Map<string, { latencies: number[]; ahead: number }>();
  for (const s of samples) {
    const entry = bySource.get(s.source) ?? { latencies: [], ahead: 0 };
    const latency = s.ingestedAt - s.occurredAt;
    if (latency < 0) entry.ahead++;
    entry.latencies.push(Math.max(0, latency));
    bySource.set(s.source, entry);
  }
  return [...bySource.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([source, { latencies, ahead }]) => {
      const sorted = Float64Array.from(latencies).sort();
      const values = Array.from(sorted);
      return { source, events: values.length, p50Ms: percentile(values, 50)!, p95Ms: percentile(values, 95)!, maxMs: values[values.length - 1]!, aheadOfClock: ahead };
    });
}

/**
 * - `supported`: every source the action relies on delivers 95% of its events within the action's limit.
 * - `at_risk`: 95% do, but some events arrive later than the limit (those proposals get DATA_STALE).
 * - `unsupported`: a source it relies on is slower than the limit at p95, or sent nothing in the window.
 */
export type Support = "supported" | "at_risk" | "unsupported";

export interface SourceFit {
  source: string;
  p95Ms: number | null;
  maxMs: number | null;
  fit: "fits" | "late_tail" | "too_slow" | "no_data";
}

export interface ActionSupport {
  action: ActionType;
  limitMs: number;
  /** `sources`: freshness.yaml names what the action relies on; `evidence`: whatever the proposal cites (any source). */
  basis: "sources" | "evidence";
  requires: string[];
  support: Support;
  sources: SourceFit[];
  /** One sentence per problem, for people. */
  problems: string[];
}

export function fitOf(source: string, measured: SourceLatency | undefined, limitMs: number): SourceFit {
  if (!measured) return { source, p95Ms: null, maxMs: null, fit: "no_data" };
  const fit = measured.p95Ms > limitMs ? "too_slow" : measured.maxMs > limitMs ? "late_tail" : "fits";
  return { source, p95Ms: measured.p95Ms, maxMs: measured.maxMs, fit };
}

export function supportFor(action: ActionType, policy: FreshnessPolicy, measured: readonly SourceLatency[], describe: (ms: number) => string): ActionSupport {
  const limitMs = policy.actions[action] ?? policy.defaultMs;
  const requires = [...(policy.requires[action] ?? [])];
  const bySource = new Map(measured.map((m) => [m.source, m]));
  const limit = describe(limitMs);
  if (requires.length > 0) {
    const sources = requires.map((s) => fitOf(s, bySource.get(s), limitMs));
    const problems = sources.flatMap((f) => {
      switch (f.fit) {
        case "no_data":
          return [`${f.source} sent no events in the window; ${action} relies on it`];
        case "too_slow":
          return [`${f.source} delivers at p95 ${describe(f.p95Ms!)} after the fact; ${action} needs data newer than ${limit}`];
        case "late_tail":
          return [`${f.source}'s slowest events arrive ${describe(f.maxMs!)} late, beyond ${action}'s ${limit}`];
        case "fits":
          return [];
      }
    });
    const support: Support = sources.some((f) => f.fit === "no_data" || f.fit === "too_slow") ? "unsupported" : sources.some((f) => f.fit === "late_tail") ? "at_risk" : "supported";
    return { action, limitMs, basis: "sources", requires, support, sources, problems };
  }
  // No named sources: a proposal may cite evidence from any source, so one source fast enough suffices.
  const sources = measured.map((m) => fitOf(m.source, m, limitMs));
  let support: Support;
  let problems: string[] = [];
  if (sources.length === 0) {
    support = "unsupported";
    problems = [`no source sent events in the window; ${action} needs data newer than ${limit}`];
  } else if (sources.some((f) => f.fit === "fits")) {
    support = "supported";
  } else if (sources.some((f) => f.fit === "late_tail")) {
    support = "at_risk";
    problems = [`every source has events arriving later than ${action}'s ${limit}`];
  } else {
    support = "unsupported";
    problems = [`every source delivers at p95 later than ${action}'s ${limit}`];
  }
  return { action, limitMs, basis: "evidence", requires, support, sources, problems };
}

export function auditActions(policy: FreshnessPolicy, measured: readonly SourceLatency[], describe: (ms: number) => string): ActionSupport[] {
  return ACTION_TYPES.map((action) => supportFor(action, policy, measured, describe));
}

/** "3d 4h", "2h 5m", "42s", "350ms": the two largest units, for people reading measured latencies. */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [["d", 86_400], ["h", 3_600], ["m", 60], ["s", 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(" ");
}
