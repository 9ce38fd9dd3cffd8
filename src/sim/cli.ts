// `steward simulate`: runs a scenario's two arms on one seed and writes DIR/<scenario>.json and
// DIR/<scenario>.html. A progress bar on stderr when it is a terminal; the summary on stdout.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import cliProgress from "cli-progress";
import { DEFAULT_PARAMS, PARAM_DOCS, valueAt, withParams, type SimParams } from "./params.ts";
import { SCENARIOS, runScenario, scenarioNamed, type Scenario, type ScenarioResult } from "./scenarios.ts";
import { driftSummary, renderReport } from "./report.ts";

export interface SimulateOptions {
  scenario: string;
  hcps: string;
  days: string;
  seed: string;
  out: string;
  stepHours?: string;
  set?: string[];
  keepStores?: boolean;
}

const usage = (message: string) => {
  process.stderr.write(`steward simulate: ${message}\n`);
  process.exitCode = 2;
};

function wholeNumber(name: string, text: string, min: number, max: number): number | null {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    usage(`--${name} must be a whole number from ${min} to ${max}, got '${text}'`);
    return null;
  }
  return n;
}

/** Applies `path=value` to a copy of the parameters; a wrong path or type is a usage error. */
export function applySetting(params: SimParams, setting: string): SimParams | string {
  const eq = setting.indexOf("=");
  if (eq < 1) return `--set expects PATH=VALUE, got '${setting}'`;
  const path = setting.slice(0, eq).trim();
  const text = setting.slice(eq + 1).trim();
  if (!PARAM_DOCS.some((d) => d.path === path || path.startsWith(`${d.path}.`))) return `unknown parameter '${path}' (see --help)`;
  let current: unknown;
  try {
    current = valueAt(params, path);
  } catch {
    current = undefined;
  }
  if (current === undefined) return `unknown parameter '${path}' (see --help)`;
  let value: unknown;
  if (typeof current === "number") value = Number(text);
  else if (Array.isArray(current)) value = text === "" ? [] : text.split(",").map((x) => (typeof current[0] === "string" ? x.trim() : Number(x)));
  else if (typeof current === "string") value = text;
  else return `parameter '${path}' is a group; set one of its fields, e.g. ${path}.${Object.keys(current as object)[0]}`;
  if ((typeof value === "number" && !Number.isFinite(value)) || (Array.isArray(value) && value.some((v) => typeof v === "number" && !Number.isFinite(v)))) {
    return `parameter '${path}' needs a number, got '${text}'`;
  }
  return withParams(params, (p) => {
    const keys = path.split(".");
    let target = p as unknown as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) target = target[k] as Record<string, unknown>;
    target[keys[keys.length - 1]!] = value;
  });
}

export async function simulateCommand(options: SimulateOptions): Promise<void> {
  const scenarios: Scenario[] = options.scenario === "all" ? [...SCENARIOS] : [scenarioNamed(options.scenario)].filter((s): s is Scenario => s !== null);
  if (scenarios.length === 0) return usage(`unknown scenario '${options.scenario}'; one of ${SCENARIOS.map((s) => s.name).join(", ")}, or all`);
  const hcps = wholeNumber("hcps", options.hcps, 10, 1_000_000);
  const days = wholeNumber("days", options.days, 1, 365);
  const seed = wholeNumber("seed", options.seed, 0, 2 ** 32 - 1);
  const stepHours = wholeNumber("step-hours", options.stepHours ?? "1", 1, 24);
  if (hcps === null || days === null || seed === null || stepHours === null) return;
  if (24 % stepHours !== 0) return usage(`--step-hours must divide 24, got ${stepHours}`);
  let params = withParams(DEFAULT_PARAMS, (p) => {
    p.hcps = hcps;
    p.days = days;
    p.seed = seed;
    p.stepHours = stepHours;
  });
  for (const setting of options.set ?? []) {
    const next = applySetting(params, setting);
    if (typeof next === "string") return usage(next);
    params = next;
  }

  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  for (const scenario of scenarios) {
    // Both arms may run at once (worker threads): the bar shows their sum, the text each one's share.
    const bar = process.stderr.isTTY
      ? new cliProgress.SingleBar({
          stream: process.stderr, hideCursor: true, clearOnComplete: true,
          format: `${scenario.name} |{bar}| {percentage}% {arms} · eta {eta_formatted}`,
        }, cliProgress.Presets.shades_classic)
      : null;
    const names = scenario.arms(params).map((a) => a.name);
    const done = [0, 0];
    const label = () => names.map((n, i) => `${n} day ${Math.floor(done[i]! * days)}/${days}`).join(", ");
    bar?.start(2000, 0, { arms: label() });
    let result: ScenarioResult;
    try {
      result = await runScenario(scenario, params, {
        keepStores: options.keepStores ?? false,
        progress: (arm, step, total) => {
          done[arm] = step / total;
          if (bar && (step % 24 === 0 || step === total)) bar.update(Math.round((done[0]! + done[1]!) * 1000), { arms: label() });
        },
      });
    } finally {
      bar?.stop();
    }
    const base = join(out, scenario.name);
    writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(`${base}.html`, renderReport(result));
    process.stdout.write(summary(result, base));
  }
}

function summary(r: ScenarioResult, base: string): string {
  const [a, b] = r.arms;
  const line = (label: string, f: (x: typeof a) => string) => `  ${label.padEnd(34)} ${f(a).padStart(14)} ${f(b).padStart(14)}\n`;
  const n = (x: number | null) => (x === null ? "—" : x.toLocaleString("en-US", { maximumFractionDigits: 3 }));
  return `${r.title} — ${r.params.hcps} HCPs × ${r.params.days} days, seed ${r.params.seed} (${r.performance.wallSeconds} s)\n`
    + `  ${"".padEnd(34)} ${a.name.padStart(14)} ${b.name.padStart(14)}\n`
    + line("touches per HCP per week", (x) => n(x.totals.touchesPerHcpPerWeek))
    + line("engaged touches per HCP", (x) => n(x.totals.engagedPerHcp))
    + line("engagement rate", (x) => n(x.totals.engagementRate))
    + line("HCPs unsubscribed (email+web)", (x) => n(x.totals.unsubscribed.email + x.totals.unsubscribed.web))
    + line("violations reaching HCPs", (x) => n(x.violations.total))
    + line("proposals stopped by a gate", (x) => n(x.prevented.total))
    + line("insight→action p50 hours", (x) => n(x.insightToAction.total.p50))
    + (a.drift ? line("drifting pilot: touches after drift", (x) => n(x.drift!.touchesAfter))
      + line("drifting pilot: wasted touches", (x) => n(x.drift!.wastedTouches))
      + line("days until paused", (x) => (x.drift!.daysUntilPaused === null ? "—" : n(x.drift!.daysUntilPaused)))
      + `  ${driftSummary(r)}\n` : "")
    + `  report: ${base}.html\n  numbers: ${base}.json\n`;
}
