// monitors.yaml: what to watch per agent over time, and what to do when it drifts. The file's shape
// and the pure rule that turns computed figures into a state (ok / warning / tripped) live here; the
// figures come from the store (src/monitors/figures.ts) and acting on a trip is src/monitors/watch.ts.
import { z } from "zod";
import { parseDuration, DURATION_HINT } from "./duration.ts";

export const MONITOR_METRICS = ["engagement_rate", "unsubscribe_rate", "rejection_rate", "review_rate", "confidence_mean", "data_latency_p95", "delivered_per_day"] as const;
export type MonitorMetric = (typeof MONITOR_METRICS)[number];
export const MONITOR_KINDS = ["relative_drop", "relative_rise", "value >", "value <"] as const;
export type MonitorKind = "relative_drop" | "relative_rise" | "value_above" | "value_below";

export interface Monitor {
  id: string;
  metric: MonitorMetric;
  windowMs: number;
  baselineMs: number;
  kind: MonitorKind;
  /** As written in `when:`; an agent's owner may set its own within `bounds`. */
  threshold: number;
  minEvents: number;
  action: "pause" | "notify";
  /** null: every agent. */
  agents: readonly string[] | null;
  bounds: { min: number; max: number } | null;
  /** `when:` as written, e.g. "relative_drop > 0.4". */
  when: string;
}

/** A monitor's threshold an owner sets for their agent is named like this among the agent's thresholds. */
export const monitorThresholdName = (id: string) => `monitor:${id}`;

const WHEN = /^\s*(relative_drop|relative_rise|value)\s*([<>])\s*(-?\d+(?:\.\d+)?)\s*$/;

function parseWhen(text: string): { kind: MonitorKind; threshold: number } | null {
  const m = WHEN.exec(text);
  if (!m) return null;
  const [, what, op, number] = m;
  if (what !== "value" && op !== ">") return null;
  const kind: MonitorKind = what === "relative_drop" ? "relative_drop" : what === "relative_rise" ? "relative_rise" : op === ">" ? "value_above" : "value_below";
  return { kind, threshold: Number(number) };
}

const Duration = z.string().transform((text, ctx) => {
  const parsed = parseDuration(text);
  if (parsed.ok && parsed.ms > 0) return parsed.ms;
  ctx.addIssue({ code: "custom", message: parsed.ok ? `a window must be longer than 0; ${DURATION_HINT}` : parsed.message });
  return z.NEVER;
});

const MonitorSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "a monitor id: lowercase letters, digits, dot, dash, underscore"),
    metric: z.enum(MONITOR_METRICS, { error: (i) => (i.input === undefined ? undefined : `unknown metric ${JSON.stringify(i.input)}; expected one of: ${MONITOR_METRICS.join(", ")}`) }),
    window: Duration,
    baseline: Duration,
    when: z.string().transform((text, ctx) => {
      const parsed = parseWhen(text);
      if (parsed) return { text, ...parsed };
      ctx.addIssue({ code: "custom", message: 'expected one of: relative_drop > X, relative_rise > X, value > X, value < X (e.g. "relative_drop > 0.4")' });
      return z.NEVER;
    }),
    minEvents: z.number().int().min(0).default(0),
    action: z.enum(["pause", "notify"], { error: (i) => (i.input === undefined ? undefined : 'action is "pause" or "notify"') }),
    agents: z.union([z.literal("all"), z.array(z.string().min(1)).min(1)]).default("all"),
    bounds: z.strictObject({ min: z.number(), max: z.number() }).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.bounds && (m.bounds.min > m.bounds.max || m.when.threshold < m.bounds.min || m.when.threshold > m.bounds.max)) {
      ctx.addIssue({ code: "custom", path: ["bounds"], message: `bounds must hold the threshold ${m.when.threshold} (min ≤ threshold ≤ max)` });
    }
  });

export const MonitorsFileSchema = z.array(MonitorSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((m, i) => {
    if (seen.has(m.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate monitor id "${m.id}"` });
    seen.add(m.id);
  });
});
export type MonitorsFile = z.output<typeof MonitorsFileSchema>;

export function toMonitors(file: MonitorsFile): Monitor[] {
  return file.map((m) => ({
    id: m.id, metric: m.metric, windowMs: m.window, baselineMs: m.baseline, kind: m.when.kind, threshold: m.when.threshold, when: m.when.text,
    minEvents: m.minEvents, action: m.action, agents: m.agents === "all" ? null : m.agents, bounds: m.bounds ?? null,
  }));
}

/** What the store computed for one agent: the metric over the recent window and over the baseline before it. */
export interface MonitorFigures {
  value: number | null;
  baseline: number | null;
  /** The events the recent figure rests on (e.g. deliveries for an engagement rate). */
  events: number;
  baselineEvents: number;
}

export type MonitorState = "ok" | "warning" | "tripped";

/** A warning comes at this share of the way to the threshold. */
export const WARNING_SHARE = 0.8;

export interface MonitorReading {
  state: MonitorState;
  /** The watched quantity: the relative change for relative kinds, else the value; null without enough data. */
  observed: number | null;
  why: string;
}

/**
 * The state of one monitor for one agent. Too little data (fewer than minEvents in the recent window,
 * or in the baseline for a relative kind, or a baseline of 0) is ok. Warning: the watched quantity is at
 * least 80% of the way to the threshold (for `value < X`: below X / 0.8).
 */
export function readMonitor(monitor: Pick<Monitor, "kind" | "minEvents">, threshold: number, f: MonitorFigures): MonitorReading {
  const relative = monitor.kind === "relative_drop" || monitor.kind === "relative_rise";
  if (f.value === null || f.events < monitor.minEvents || (relative && (f.baseline === null || f.baselineEvents < monitor.minEvents))) {
    return { state: "ok", observed: null, why: `too little data (${f.events} events, at least ${monitor.minEvents} needed)` };
  }
  if (relative && f.baseline === 0) return { state: "ok", observed: null, why: "the baseline is 0: no relative change" };
  let observed: number;
  let tripped: boolean;
  let warning: boolean;
  switch (monitor.kind) {
    case "relative_drop":
      observed = (f.baseline! - f.value) / f.baseline!;
      tripped = observed > threshold;
      warning = observed >= WARNING_SHARE * threshold;
      break;
    case "relative_rise":
      observed = (f.value - f.baseline!) / f.baseline!;
      tripped = observed > threshold;
      warning = observed >= WARNING_SHARE * threshold;
      break;
    case "value_above":
      observed = f.value;
      tripped = observed > threshold;
      warning = observed >= WARNING_SHARE * threshold;
      break;
    case "value_below":
      observed = f.value;
      tripped = observed < threshold;
      warning = observed <= threshold / WARNING_SHARE;
      break;
    default: {
      const unreachable: never = monitor.kind;
      throw new Error(`unknown monitor kind ${String(unreachable)}`);
    }
  }
  const figures = `value ${round(f.value)}${f.baseline !== null ? `, baseline ${round(f.baseline)}` : ""}${relative ? ` (${monitor.kind.replace("_", " ")} ${round(observed)})` : ""}, threshold ${threshold}`;
  return { state: tripped ? "tripped" : warning ? "warning" : "ok", observed, why: figures };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
