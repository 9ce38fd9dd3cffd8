// The simulator's report: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched),
// with the same numbers the JSON holds, every parameter, and the model's assumptions up front.
import { PARAM_DOCS, formatValue, valueAt } from "./params.ts";
import { PILOTS } from "./pilots.ts";
import { STAGES, VIOLATION_KINDS, PREVENTED_KINDS, type ArmResult, type Stage } from "./run.ts";
import type { ScenarioResult } from "./scenarios.ts";

const COLORS = ["#c2410c", "#1d4ed8"] as const;
const STAGE_COLORS: Record<Stage, string> = {
  data: "#64748b", agent: "#0891b2", governance: "#7c3aed", review: "#db2777", schedule: "#ca8a04", dispatch: "#16a34a", total: "#111827",
};

export const ASSUMPTIONS: readonly string[] = [
  "This is a model, not a forecast. Every HCP, signal and response is synthetic, drawn from the parameters below; the numbers show how the mechanisms interact, not what any real market would do.",
  "Engagement is a probability per touch: a base rate by segment, times the HCP's channel affinity and topic interest, lowered by fatigue (every touch in the previous 7 days) and raised briefly after the HCP's own signal. Real HCPs are less regular.",
  "Unsubscribing is a hazard per promotional email or web touch that grows exponentially with the touches beyond a comfort level in the previous 7 days. An unsubscribe is permanent for that channel.",
  "Signals (portal visits, rep calls, symposia, medical-information requests) arrive independently of what the pilots do and are identical in both arms of a scenario (same seed, separate random streams). Clicks that lead to more visits are not modelled.",
  "The five pilots are simplified stand-ins for real vendors' agents: fixed cadences and rules, and a Thompson-sampling NBA engine (the reference agent's bandit). They react to rejections by backing off; they do not game the gate.",
  "Every decision is made by Steward's real decision service (gate, consent ledger, content eligibility, authority matrix, contact policy, reviews, outbox dispatcher) on a temporary SQLite store, in-process, driven by a virtual clock. Siloed pilots each run on their own store under their own bundle (their own caps and an authority matrix that lets them decide alone) and see only their own data feed and their own touches.",
  "Ground truth (violations) is judged against the company's example governance bundle: its contact policy (brute force over the delivered touches), the consent an HCP really gave or withdrew (including unsubscribes a silo never heard of), the authority matrix (a touch that needed a person's confirmation and had none) and withdrawn content.",
  "Reviewers sign after a lognormal delay with a daily capacity; the review queue, its signatures and the re-decision at approval are Steward's own. The outbox is drained by Steward's dispatcher into the simulated market; it never bounces.",
  "Time is simulated in steps (default one hour): nothing happens between steps, so dispatch and agent latencies are rounded up to a step. The governance stage is 0 in simulated time; the real time Steward spent per decision is under 'How it ran'.",
];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || Number.isNaN(x) ? "—" : Number.isInteger(x) ? x.toLocaleString("en-US") : x.toFixed(digits));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`);

interface Series {
  label: string;
  color: string;
  values: readonly (number | null)[];
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function legend(series: readonly { label: string; color: string }[], x: number, y: number): string {
  return series.map((s, i) => `<rect x="${x + i * 260}" y="${y - 9}" width="12" height="12" fill="${s.color}"/><text x="${x + i * 260 + 18}" y="${y + 1}" class="small">${esc(s.label)}</text>`).join("");
}

/** A line chart over weeks. */
export function lineChart(title: string, unit: string, series: readonly Series[], xLabel = "week"): string {
  const W = 640, H = 270, L = 56, R = 16, T = 48, B = 46;
  const n = Math.max(...series.map((s) => s.values.length), 1);
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const x = (i: number) => L + (n === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (n - 1));
  const y = (v: number) => T + (H - T - B) * (1 - v / max);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => `<line x1="${L}" x2="${W - R}" y1="${y(max * f)}" y2="${y(max * f)}" class="grid"/><text x="${L - 6}" y="${y(max * f) + 4}" text-anchor="end" class="small">${fmt(max * f, max * f < 1 ? 3 : 1)}</text>`).join("");
  const ticks = Array.from({ length: n }, (_, i) => i).filter((i) => n <= 14 || i % 2 === 0).map((i) => `<text x="${x(i)}" y="${H - B + 16}" text-anchor="middle" class="small">${i + 1}</text>`).join("");
  const lines = series.map((s) => {
    const pts = s.values.map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`));
    const segs: string[] = [];
    let cur: string[] = [];
    for (const p of pts) {
      if (p === null) {
        if (cur.length) segs.push(cur.join(" "));
        cur = [];
      } else cur.push(p);
    }
    if (cur.length) segs.push(cur.join(" "));
    const dots = s.values.map((v, i) => (v === null ? "" : `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${s.color}"><title>${esc(s.label)}, ${xLabel} ${i + 1}: ${fmt(v, 3)}</title></circle>`)).join("");
    return segs.map((pp) => `<polyline points="${pp}" fill="none" stroke="${s.color}" stroke-width="2"/>`).join("") + dots;
  }).join("");
  return `<figure><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}"><text x="${L}" y="18" class="title">${esc(title)}</text>${grid}${ticks}<text x="${(W + L) / 2}" y="${H - 8}" text-anchor="middle" class="small">${xLabel}</text><text x="14" y="${(H - B + T) / 2}" transform="rotate(-90 14 ${(H - B + T) / 2})" text-anchor="middle" class="small">${esc(unit)}</text>${lines}${legend(series, L, 36)}</svg></figure>`;
}

/** Grouped bars: one group per category, one bar per arm. */
export function groupedBars(title: string, unit: string, categories: readonly string[], series: readonly { label: string; color: string; values: readonly number[] }[]): string {
  const W = 640, H = 270, L = 56, R = 16, T = 48, B = 46;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const gw = (W - L - R) / Math.max(1, categories.length);
  const bw = Math.min(48, (gw - 16) / Math.max(1, series.length));
  const y = (v: number) => T + (H - T - B) * (1 - v / max);
  const grid = [0, 0.5, 1].map((f) => `<line x1="${L}" x2="${W - R}" y1="${y(max * f)}" y2="${y(max * f)}" class="grid"/><text x="${L - 6}" y="${y(max * f) + 4}" text-anchor="end" class="small">${fmt(max * f, 1)}</text>`).join("");
  const bars = categories.map((c, ci) => {
    const x0 = L + ci * gw + (gw - bw * series.length) / 2;
    return series.map((s, si) => {
      const v = s.values[ci] ?? 0;
      const bx = x0 + si * bw;
      return `<rect x="${bx.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bw - 3).toFixed(1)}" height="${(H - B - y(v)).toFixed(1)}" fill="${s.color}"><title>${esc(s.label)} — ${esc(c)}: ${fmt(v)}</title></rect><text x="${(bx + (bw - 3) / 2).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" text-anchor="middle" class="tiny">${fmt(v, 1)}</text>`;
    }).join("") + `<text x="${(L + ci * gw + gw / 2).toFixed(1)}" y="${H - B + 16}" text-anchor="middle" class="small">${esc(c)}</text>`;
  }).join("");
  return `<figure><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}"><text x="${L}" y="18" class="title">${esc(title)}</text>${grid}${bars}<text x="14" y="${(H - B + T) / 2}" transform="rotate(-90 14 ${(H - B + T) / 2})" text-anchor="middle" class="small">${esc(unit)}</text>${legend(series, L, 36)}</svg></figure>`;
}

/** Mean hours each stage adds to a touch's insight-to-action time, stacked per arm (means add up). */
export function stageBars(title: string, arms: readonly ArmResult[]): string {
  const stages = STAGES.filter((s) => s !== "total");
  const W = 640, rowH = 34, L = 150, R = 60, T = 40;
  const H = T + arms.length * (rowH + 14) + 40;
  const contributions = arms.map((a) => {
    const total = a.insightToAction.total.count;
    return stages.map((s) => (total > 0 && a.insightToAction[s].mean !== null ? (a.insightToAction[s].mean! * a.insightToAction[s].count) / total : 0));
  });
  const max = niceMax(Math.max(1, ...contributions.map((c) => c.reduce((x, y) => x + y, 0))));
  const x = (v: number) => L + ((W - L - R) * v) / max;
  const rows = arms.map((a, ai) => {
    const y0 = T + ai * (rowH + 14) + 10;
    let acc = 0;
    const segs = stages.map((s, si) => {
      const v = contributions[ai]![si]!;
      const seg = `<rect x="${x(acc).toFixed(1)}" y="${y0}" width="${Math.max(0, x(acc + v) - x(acc)).toFixed(1)}" height="${rowH}" fill="${STAGE_COLORS[s]}"><title>${esc(a.label)} — ${s}: ${fmt(v)} h on average (p50 ${fmt(a.insightToAction[s].p50)} h over ${a.insightToAction[s].count} touches)</title></rect>`;
      acc += v;
      return seg;
    }).join("");
    return `<text x="${L - 8}" y="${y0 + rowH / 2 + 4}" text-anchor="end" class="small">${esc(a.label.length > 22 ? a.label.slice(0, 21) + "…" : a.label)}</text>${segs}<text x="${x(acc) + 6}" y="${y0 + rowH / 2 + 4}" class="small">${fmt(acc, 1)} h</text>`;
  }).join("");
  const axis = [0, 0.5, 1].map((f) => `<text x="${x(max * f)}" y="${H - 22}" text-anchor="middle" class="small">${fmt(max * f, 0)} h</text>`).join("");
  const leg = stages.map((s, i) => `<rect x="${L + i * 72}" y="${H - 12}" width="10" height="10" fill="${STAGE_COLORS[s]}"/><text x="${L + i * 72 + 14}" y="${H - 3}" class="tiny">${s}</text>`).join("");
  return `<figure><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}"><text x="16" y="18" class="title">${esc(title)}</text>${rows}${axis}${leg}</svg></figure>`;
}

function cumulative(values: readonly number[]): number[] {
  let acc = 0;
  return values.map((v) => (acc += v));
}

function keyTable(arms: readonly ArmResult[]): string {
  const rows: [string, (a: ArmResult) => string][] = [
    ["Proposals decided", (a) => fmt(a.totals.proposals)],
    ["Touches delivered (promotional)", (a) => fmt(a.totals.delivered)],
    ["Touches per HCP per week", (a) => fmt(a.totals.touchesPerHcpPerWeek)],
    ["HCP-weeks with more than 4 touches", (a) => pct(a.totals.hcpWeek.overFour)],
    ["Most touches one HCP got in one week", (a) => fmt(a.totals.hcpWeek.max)],
    ["Engaged touches per HCP", (a) => fmt(a.totals.engagedPerHcp, 3)],
    ["Engagement rate (engaged / delivered)", (a) => pct(a.totals.engagementRate)],
    ["Touches on the HCP's favourite topic", (a) => pct(a.totals.onFavouriteTopic)],
    ["HCPs who unsubscribed (email / web)", (a) => `${fmt(a.totals.unsubscribed.email)} / ${fmt(a.totals.unsubscribed.web)}`],
    ["Compliance violations that reached HCPs", (a) => fmt(a.violations.total)],
    ["… contact policy (over cap / gap / quiet hours)", (a) => `${fmt(a.violations.contact)} (${a.violations.contactDetail.overCap} / ${a.violations.contactDetail.underGap} / ${a.violations.contactDetail.quietHours})`],
    ["… consent", (a) => fmt(a.violations.consent)],
    ["… authority (no required review, or forbidden)", (a) => fmt(a.violations.authority)],
    ["… withdrawn content", (a) => fmt(a.violations.content)],
    ["Proposals stopped by a gate", (a) => fmt(a.prevented.total)],
    ["Decision reviews opened / approved / rejected / open at end", (a) => `${a.totals.reviews.opened} / ${a.totals.reviews.approved} / ${a.totals.reviews.rejected} / ${a.totals.reviews.open}`],
    ["Insight → action, median hours (signal to HCP)", (a) => fmt(a.insightToAction.total.p50)],
    ["Insight → action, 90th percentile hours", (a) => fmt(a.insightToAction.total.p90)],
  ];
  return `<table><thead><tr><th></th>${arms.map((a, i) => `<th style="color:${COLORS[i]}">${esc(a.label)}</th>`).join("")}</tr></thead><tbody>${rows.map(([label, f]) => `<tr><td>${esc(label)}</td>${arms.map((a) => `<td class="num">${f(a)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}

/** Scenario drift: what the drifting pilot cost in each arm, said in a sentence first. */
export function driftSummary(result: ScenarioResult): string | null {
  const [a, b] = result.arms;
  if (!a.drift || !b.drift) return null;
  const d = b.drift;
  const pilot = PILOTS.find((x) => x.id === d.pilot)?.name ?? d.pilot;
  if (!d.reached) {
    return `The run ends after day ${result.params.days}, before the drift day ${d.day}: nothing drifted, so the arms differ in nothing this scenario is about. Run more days (--days) or an earlier drift (--set drift.day=N).`;
  }
  const factor = result.params.drift.engagementFactor;
  const without = `On day ${d.day} the ${pilot}'s model degraded: HCPs engaged with its touches at ${fmt(factor * 100, 0)}% of the usual rate while it proposed them as confidently as before. With nobody watching, ${fmt(a.drift.wastedTouches)} of its ${fmt(a.drift.touchesAfter)} touches from then on got no engagement.`;
  const falseAlarms = d.trips.filter((t) => t.agent !== d.pilot || t.day < d.day);
  const alarms = falseAlarms.length > 0 ? ` The monitor also tripped ${falseAlarms.length} time(s) on something other than the drift (${falseAlarms.map((t) => `${t.agent} on day ${fmt(t.day)}`).join(", ")}), pausing that pilot too.` : "";
  const withMonitor = d.daysUntilPaused !== null
    ? ` With the engagement-drop monitor evaluated every ${result.params.drift.monitorEveryHours} simulated hours, it was paused ${fmt(d.daysUntilPaused)} days after the drift, and wasted ${fmt(d.wastedTouches)} touches.`
    : ` With the engagement-drop monitor evaluated every ${result.params.drift.monitorEveryHours} simulated hours, it was not paused after the drift (${fmt(d.wastedTouches)} wasted touches).`;
  return without + withMonitor + alarms;
}

function driftTable(arms: readonly ArmResult[]): string {
  const rows: [string, (a: ArmResult) => string][] = [
    ["Touches by the drifting pilot after the drift day", (a) => fmt(a.drift?.touchesAfter)],
    ["… of which wasted (no engagement)", (a) => fmt(a.drift?.wastedTouches)],
    ["HCPs who unsubscribed after one of them", (a) => fmt(a.drift?.unsubscribesAfter)],
    ["HCPs who unsubscribed, all pilots (email + web)", (a) => fmt(a.totals.unsubscribed.email + a.totals.unsubscribed.web)],
    ["Days from the drift until the pilot was paused", (a) => (a.drift?.monitors ? (a.drift.daysUntilPaused === null ? "not paused" : fmt(a.drift.daysUntilPaused)) : "— (no monitors)")],
    ["Monitor trips (pilot, day)", (a) => (a.drift && a.drift.trips.length > 0 ? esc(a.drift.trips.map((t) => `${t.agent} day ${fmt(t.day)}`).join("; ")) : "none")],
  ];
  return `<table><thead><tr><th></th>${arms.map((a, i) => `<th style="color:${COLORS[i]}">${esc(a.label)}</th>`).join("")}</tr></thead><tbody>${rows.map(([label, f]) => `<tr><td>${esc(label)}</td>${arms.map((a) => `<td class="num">${f(a)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}

function pilotTable(arms: readonly ArmResult[]): string {
  const head = `<tr><th>pilot</th><th>priority</th>${arms.map((a, i) => `<th colspan="4" style="color:${COLORS[i]}">${esc(a.label)}</th>`).join("")}</tr><tr><th></th><th></th>${arms.map(() => "<th>proposed</th><th>rejected</th><th>delivered</th><th>engaged</th>").join("")}</tr>`;
  const rows = PILOTS.map((p) => `<tr><td>${esc(p.name)}</td><td class="num">${p.priority}</td>${arms.map((a) => {
    const t = a.pilots[p.id]!;
    return `<td class="num">${fmt(t.proposals)}</td><td class="num">${fmt(t.rejected)}</td><td class="num">${fmt(t.delivered)}</td><td class="num">${fmt(t.engaged)}</td>`;
  }).join("")}</tr>`).join("");
  return `<table>${head}${rows}</table>`;
}

function reasonsTable(arms: readonly ArmResult[]): string {
  const codes = [...new Set(arms.flatMap((a) => Object.keys(a.totals.rejectionReasons)))].sort();
  if (codes.length === 0) return "<p>No proposal was rejected.</p>";
  return `<table><tr><th>reason code</th>${arms.map((a, i) => `<th style="color:${COLORS[i]}">${esc(a.label)}</th>`).join("")}</tr>${codes.map((c) => `<tr><td><code>${c}</code></td>${arms.map((a) => `<td class="num">${fmt(a.totals.rejectionReasons[c] ?? 0)}</td>`).join("")}</tr>`).join("")}</table>`;
}

function paramsTable(result: ScenarioResult): string {
  const variants = result.arms.map((a) => ({ data: a.dataMode, content: a.contentMode }));
  return `<table><tr><th>parameter</th><th>value</th><th>meaning</th></tr>${PARAM_DOCS.map((d) => {
    let value = formatValue(valueAt(result.params, d.path));
    if (d.path === "data.mode") value = [...new Set(variants.map((v) => v.data))].join(" vs ");
    if (d.path === "content.mode") value = [...new Set(variants.map((v) => v.content))].join(" vs ");
    return `<tr><td><code>${esc(d.path)}</code></td><td>${esc(value)}</td><td>${esc(d.meaning)}</td></tr>`;
  }).join("")}</table>`;
}

function pilotsDoc(): string {
  return `<table><tr><th>pilot</th><th>actions</th><th>follows</th><th>priority</th><th>its own rules when siloed</th></tr>${PILOTS.map((p) => {
    const own = [
      ...p.silo.caps.map((c) => `${c.max} ${c.channel === "all" ? "touches" : c.channel} per ${c.perDays} d`),
      ...(p.silo.minGapHours > 0 ? [`${p.silo.minGapHours} h gap`] : []),
      ...(p.silo.quietHours ? ["quiet hours 20:00–08:00"] : []),
    ];
    return `<tr><td>${esc(p.name)}<br><span class="small">${esc(p.objective)}</span></td><td>${p.actions.join(", ")}</td><td>${p.feeds.join(", ") || "its own cadence"}</td><td class="num">${p.priority}</td><td>${esc(own.join("; ") || "none")}; decides alone</td></tr>`;
  }).join("")}</table>`;
}

function driftSection(result: ScenarioResult): string {
  const summary = driftSummary(result);
  return summary === null ? "" : `<h2>An agent drifts</h2>\n<p>${esc(summary)}</p>\n${driftTable(result.arms)}\n`;
}

export function renderReport(result: ScenarioResult): string {
  const arms = result.arms;
  const series = (f: (a: ArmResult) => readonly (number | null)[]) => arms.map((a, i) => ({ label: a.label, color: COLORS[i]!, values: f(a) }));
  const p = result.params;
  const charts = [
    lineChart("Touches per HCP per week", "touches / HCP / week", series((a) => a.weekly.touchesPerHcp)),
    lineChart("Engagement rate per week", "engaged / delivered", series((a) => a.weekly.engagementRate)),
    lineChart("HCPs who unsubscribed (cumulative)", "HCPs", series((a) => cumulative(a.weekly.unsubscribes))),
    groupedBars("Compliance violations that reached HCPs", "touches", VIOLATION_KINDS, arms.map((a, i) => ({ label: a.label, color: COLORS[i]!, values: VIOLATION_KINDS.map((k) => a.violations[k]) }))),
    groupedBars("Proposals a gate stopped, by the rule it enforced", "proposals", PREVENTED_KINDS.map((k) => (k === "staleData" ? "stale data" : k)), arms.map((a, i) => ({ label: a.label, color: COLORS[i]!, values: PREVENTED_KINDS.map((k) => a.prevented[k]) }))),
    stageBars("Insight → action: mean hours per signal-driven touch, by stage", arms),
  ];
  const stageRows = STAGES.map((s) => `<tr><td>${s}</td>${arms.map((a) => {
    const x = a.insightToAction[s];
    return `<td class="num">${fmt(x.p50)}</td><td class="num">${fmt(x.p90)}</td><td class="num">${fmt(x.count)}</td>`;
  }).join("")}</tr>`).join("");
  const perf = arms.map((a) => `<li><b>${esc(a.label)}</b>: ${fmt(a.performance.wallSeconds)} s wall, ${fmt(a.performance.busySeconds)} s busy, ${fmt(a.performance.decisions)} decisions (${fmt(a.performance.decisionsPerSecond)} per second of decision-service time); phases (s): ${Object.entries(a.performance.phases).map(([k, v]) => `${k} ${v}`).join(", ")}</li>`).join("");
  const content = arms.map((a) => `<li><b>${esc(a.label)}</b>: ${a.content.events.map((e) => `day ${e.day}: ${esc(e.what)}`).join("; ") || "no content events"}</li>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Steward simulation — ${esc(result.title)}</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111827;max-width:1320px;margin:24px auto;padding:0 20px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.note{background:#fef3c7;border:1px solid #f59e0b;border-radius:6px;padding:10px 14px;margin:14px 0}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:12px}
figure{margin:0;border:1px solid #e5e7eb;border-radius:6px;padding:6px}svg{width:100%;height:auto}
svg .title{font-weight:600;font-size:14px}svg .small{font-size:11px;fill:#374151}svg .tiny{font-size:9px;fill:#374151}svg .grid{stroke:#e5e7eb}
table{border-collapse:collapse;margin:8px 0;font-size:14px}th,td{border-bottom:1px solid #e5e7eb;padding:4px 10px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}.small{font-size:12px;color:#4b5563}code{font-size:13px}
</style></head><body>
<h1>${esc(result.title)}</h1>
<p>${esc(result.question)}</p>
<p class="small">${p.hcps.toLocaleString("en-US")} HCPs × ${p.days} days × ${PILOTS.length} pilots, seed ${p.seed}, steps of ${p.stepHours} h · generated by <code>steward simulate --scenario ${esc(result.scenario)} --hcps ${p.hcps} --days ${p.days} --seed ${p.seed}</code></p>
<div class="note"><b>Not a forecast.</b> ${esc(ASSUMPTIONS[0]!)} The assumptions are listed below; change any parameter and run it again.</div>
${driftSection(result)}<h2>Key numbers</h2>
${keyTable(arms)}
<h2>Charts</h2>
<div class="grid2">${charts.join("\n")}</div>
<h2>Time from insight to action, by stage (hours)</h2>
<p class="small">For touches prompted by an HCP's own signal: <b>data</b> = signal occurred → ingested; <b>agent</b> = ingested → proposed; <b>governance</b> = proposed → decided (simulated time); <b>review</b> = review opened → signed (reviewed touches only); <b>schedule</b> = decided → the moment the contact policy allowed; <b>dispatch</b> = that moment → handed to the market; <b>total</b> = signal → HCP.</p>
<table><tr><th>stage</th>${arms.map((a, i) => `<th colspan="3" style="color:${COLORS[i]}">${esc(a.label)}</th>`).join("")}</tr><tr><th></th>${arms.map(() => "<th>p50</th><th>p90</th><th>touches</th>").join("")}</tr>${stageRows}</table>
<h2>Pilots</h2>
${pilotsDoc()}
${pilotTable(arms)}
<h2>Why proposals were rejected</h2>
${reasonsTable(arms)}
<h2>Content (MLR)</h2>
<ul>${content}</ul>
<h2>Assumptions</h2>
<ul>${ASSUMPTIONS.map((a) => `<li>${esc(a)}</li>`).join("")}</ul>
<h2>Parameters</h2>
${paramsTable(result)}
<h2>How it ran</h2>
<ul>${perf}<li>Market seeded in ${fmt(result.performance.seedSeconds)} s; whole scenario ${fmt(result.performance.wallSeconds)} s.</li></ul>
</body></html>
`;
}
