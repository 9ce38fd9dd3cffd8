// The latency audit as the API and the command line show it: each source's measured latency over a
// window of recently ingested events, mapped against what each action type requires.
import type { Db } from "../store/db.ts";
import type { Bundle } from "../governance/bundle.ts";
import { formatDuration } from "../gate/checks/format.ts";
import { parseDuration } from "../governance/duration.ts";
import { auditActions, humanDuration, sourceLatencies, type ActionSupport, type LatencySample, type SourceLatency } from "./latency.ts";

/** The newest events this many at most are measured; beyond it the figures are a sample (`sampled`). */
export const MAX_SAMPLES = 500_000;
export const MAX_WINDOW_MS = 90 * 86_400_000;
const PAGE = 20_000;

import { dataUseMap, dataUseOf, type DataUseMapRow } from "../governance/data-use.ts";

export interface LatencyReport {
  window: string;
  from: string;
  to: string;
  bundleVersion: string;
  sampled: boolean;
  sources: SourceLatency[];
  actions: ActionSupport[];
  /** The action types the current data cannot support. */
  unsupported: string[];
  atRisk: string[];
  /** data.yaml: per event source (`*`: any other), per market, the purposes that may use it. */
  dataUse: DataUseMapRow[];
}

export type WindowParse = { ok: true; ms: number } | { ok: false; message: string };

export function parseWindow(text: string): WindowParse {
  const parsed = parseDuration(text);
  if (!parsed.ok) return parsed;
  if (parsed.ms <= 0) return { ok: false, message: "the window must be longer than 0" };
  if (parsed.ms > MAX_WINDOW_MS) return { ok: false, message: "the window is at most 90d" };
  return parsed;
}

/** Events ingested in (now − window, now], newest first, read in keyset pages. */
async function* samplesIn(db: Db, fromIso: string, toIso: string): AsyncGenerator<LatencySample> {
  let after: { at: string; id: string } | null = null;
  let taken = 0;
  while (taken < MAX_SAMPLES) {
    let q = db.selectFrom("events").select(["id", "source", "occurred_at", "ingested_at"])
      .where("ingested_at", ">", fromIso).where("ingested_at", "<=", toIso);
    if (after) {
      const { at, id } = after;
      q = q.where((eb) => eb.or([eb("ingested_at", "<", at), eb.and([eb("ingested_at", "=", at), eb("id", "<", id)])]));
    }
    const rows = await q.orderBy("ingested_at", "desc").orderBy("id", "desc").limit(Math.min(PAGE, MAX_SAMPLES - taken)).execute();
    for (const r of rows) yield { source: r.source, occurredAt: Date.parse(r.occurred_at), ingestedAt: Date.parse(r.ingested_at) };
    taken += rows.length;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.ingested_at, id: last.id };
  }
}

export async function latencyReport(db: Db, bundle: Bundle, now: Date, windowMs: number): Promise<LatencyReport> {
  const to = now.toISOString();
  const from = new Date(now.getTime() - windowMs).toISOString();
  const samples: LatencySample[] = [];
  for await (const s of samplesIn(db, from, to)) samples.push(s);
  const sources = sourceLatencies(samples);
  const actions = auditActions(bundle.freshness, sources, humanDuration);
  return {
    window: formatDuration(windowMs), from, to, bundleVersion: bundle.version, sampled: samples.length >= MAX_SAMPLES,
    sources, actions,
    unsupported: actions.filter((a) => a.support === "unsupported").map((a) => a.action),
    atRisk: actions.filter((a) => a.support === "at_risk").map((a) => a.action),
    dataUse: dataUseMap(dataUseOf(bundle), sources.map((s) => s.source), Object.keys(bundle.markets).sort()),
  };
}

/** The report as a terminal table. */
export function formatLatencyReport(r: LatencyReport): string {
  const lines: string[] = [];
  lines.push(`Data latency (occurred → ingested), events ingested ${r.from} – ${r.to} (${r.window})${r.sampled ? `, newest ${MAX_SAMPLES} events` : ""}`);
  if (r.sources.length === 0) lines.push("  no events in the window");
  else {
    lines.push(`  ${"source".padEnd(20)} ${"events".padStart(8)} ${"p50".padStart(10)} ${"p95".padStart(10)} ${"max".padStart(10)}`);
    for (const s of r.sources) {
      lines.push(`  ${s.source.padEnd(20)} ${String(s.events).padStart(8)} ${humanDuration(s.p50Ms).padStart(10)} ${humanDuration(s.p95Ms).padStart(10)} ${humanDuration(s.maxMs).padStart(10)}${s.aheadOfClock ? `  (${s.aheadOfClock} dated ahead of ingestion)` : ""}`);
    }
  }
  lines.push("", `What each action type requires (governance bundle ${r.bundleVersion.slice(0, 12)}):`);
  for (const a of r.actions) {
    const basis = a.basis === "sources" ? `relies on ${a.requires.join(", ")}` : "relies on cited evidence";
    lines.push(`  ${a.action.padEnd(20)} newer than ${formatDuration(a.limitMs).padEnd(5)} ${basis.padEnd(32)} ${a.support.toUpperCase().replace("_", " ")}`);
    for (const p of a.problems) lines.push(`      ${p}`);
  }
  const markets = Object.keys(r.dataUse[0]?.byMarket ?? {});
  lines.push("", "Which purposes may use each source, per market (data.yaml; * = any other source):");
  lines.push(`  ${"source".padEnd(20)} ${markets.map((mk) => mk.padEnd(30)).join(" ")}`);
  for (const row of r.dataUse) lines.push(`  ${row.source.padEnd(20)} ${markets.map((mk) => (row.byMarket[mk]!.join(", ") || "—").padEnd(30)).join(" ")}`);
  lines.push("", r.unsupported.length === 0 ? "The current data supports every action type." : `The current data cannot support: ${r.unsupported.join(", ")}.`);
  return lines.join("\n");
}
