// The scenarios: each compares two arms on the same seed — the same HCPs, the same signals at the same
// moments — so the difference between the arms is the operating model, not luck.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../shared/clock.ts";
import { loadBundleDir } from "../governance/load.ts";
import { EXAMPLE_BUNDLE_DIR } from "../server/start.ts";
import { makeHcps, makeSignals } from "./market.ts";
import { withParams, type SimParams } from "./params.ts";
import { runArm, type ArmResult, type ArmSpec, type Market, type Progress } from "./run.ts";
import { seedBase } from "./steward.ts";

export interface Scenario {
  name: string;
  title: string;
  question: string;
  arms: (base: SimParams) => [ArmSpec, ArmSpec];
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "portfolio",
    title: "(a) Five siloed pilots vs one governed portfolio",
    question: "What changes when the same five pilots stop deciding alone — each with its own caps, checks and data — and pass one Steward portfolio with one contact policy, one consent ledger, one authority matrix and one content library?",
    arms: (base) => [
      { name: "siloed", label: "Siloed pilots (own caps and checks)", mode: "siloed", params: base },
      { name: "governed", label: "One Steward portfolio", mode: "governed", params: base },
    ],
  },
  {
    name: "data-latency",
    title: "(b) Weekly CRM batch vs streaming events",
    question: "What does data latency cost when every pilot passes Steward: signals and outcomes arriving in a weekly CRM extract versus streamed within minutes?",
    arms: (base) => [
      { name: "weekly", label: "Weekly CRM batch", mode: "governed", params: withParams(base, (p) => void (p.data.mode = "weekly")) },
      { name: "streaming", label: "Streaming events", mode: "governed", params: withParams(base, (p) => void (p.data.mode = "streaming")) },
    ],
  },
  {
    name: "mlr",
    title: "(c) 20-day MLR review vs upstream modular reuse",
    question: "What does content availability cost: new and revised assets approved after a full 20-day MLR cycle versus assembled from pre-approved claim modules in days?",
    arms: (base) => [
      { name: "traditional", label: "20-day MLR review", mode: "governed", params: withParams(base, (p) => void (p.content.mode = "traditional")) },
      { name: "modular", label: "Upstream modular reuse", mode: "governed", params: withParams(base, (p) => void (p.content.mode = "modular")) },
    ],
  },
];

export function scenarioNamed(name: string): Scenario | null {
  return SCENARIOS.find((s) => s.name === name) ?? null;
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  question: string;
  params: SimParams;
  arms: [ArmResult, ArmResult];
  performance: { wallSeconds: number; seedSeconds: number };
}

export interface RunOptions {
  /** Where the temporary stores live (default: a fresh directory under the OS temp dir, removed after). */
  workDir?: string;
  keepStores?: boolean;
  /** Called as steps complete, per arm. */
  progress?: (arm: number, done: number, total: number) => void;
}

/** Builds the shared market (seeded base store, HCPs, signals) once, then runs both arms on it. */
export async function runScenario(scenario: Scenario, params: SimParams, options: RunOptions = {}): Promise<ScenarioResult> {
  const started = performance.now();
  const workDir = options.workDir ?? mkdtempSync(join(defaultTemp(), "steward-sim-"));
  try {
    const loaded = loadBundleDir(EXAMPLE_BUNDLE_DIR);
    if (!loaded.ok) throw new Error(`the example governance bundle does not load: ${loaded.errors[0]?.message}`);
    const hcps = makeHcps(params);
    const signals = makeSignals(params, hcps);
    const baseDir = join(workDir, "base");
    await seedBase(params, hcps, baseDir, new ManualClock(params.start));
    const seedSeconds = (performance.now() - started) / 1000;
    const market: Market = { hcps, signals, baseDir, bundle: loaded.bundle };
    const specs = scenario.arms(params);
    const results: ArmResult[] = [];
    for (let i = 0; i < specs.length; i++) {
      const progress: Progress | undefined = options.progress ? (done, total) => options.progress!(i, done, total) : undefined;
      results.push(await runArm(specs[i]!, market, workDir, progress));
    }
    return {
      scenario: scenario.name, title: scenario.title, question: scenario.question, params, arms: [results[0]!, results[1]!],
      performance: { wallSeconds: Math.round((performance.now() - started) / 10) / 100, seedSeconds: Math.round(seedSeconds * 100) / 100 },
    };
  } finally {
    if (!options.workDir && !options.keepStores) rmSync(workDir, { recursive: true, force: true });
  }
}

/** RAM-backed when there is one: the stores are throwaway. */
function defaultTemp(): string {
  try {
    rmSync(join("/dev/shm", ".steward-sim-probe"), { force: true });
    return process.platform === "linux" ? "/dev/shm" : tmpdir();
  } catch {
    return tmpdir();
  }
}
