// The scenarios: each compares two arms on the same seed — the same HCPs, the same signals at the same
// moments — so the difference between the arms is the operating model, not luck.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { ManualClock } from "../shared/clock.ts";
import { loadBundleDir } from "../governance/load.ts";
import { EXAMPLE_BUNDLE_DIR } from "../server/context.ts";
import { makeHcps, makeSignals } from "./market.ts";
import { withParams, type SimParams } from "./params.ts";
import { runArm, type ArmResult, type ArmSpec, type Market, type Progress } from "./run.ts";
import type { ArmJob, ArmMessage } from "./worker.ts";
import { seedBase } from "./steward.ts";
import { SCENARIO_INFO } from "./help.ts";

const info = (name: (typeof SCENARIO_INFO)[number]["name"]) => {
  const i = SCENARIO_INFO.find((s) => s.name === name)!;
  return { name: i.name, title: i.title, question: i.question };
};

export interface Scenario {
  name: string;
  title: string;
  question: string;
  arms: (base: SimParams) => [ArmSpec, ArmSpec];
}

export const SCENARIOS: readonly Scenario[] = [
  {
    ...info("portfolio"),
    arms: (base) => [
      { name: "siloed", label: "Siloed pilots (own caps and checks)", mode: "siloed", params: base },
      { name: "governed", label: "One Steward portfolio", mode: "governed", params: base },
    ],
  },
  {
    ...info("data-latency"),
    arms: (base) => [
      { name: "weekly", label: "Weekly CRM batch", mode: "governed", params: withParams(base, (p) => void (p.data.mode = "weekly")) },
      { name: "streaming", label: "Streaming events", mode: "governed", params: withParams(base, (p) => void (p.data.mode = "streaming")) },
    ],
  },
  {
    ...info("mlr"),
    arms: (base) => [
      { name: "traditional", label: "20-day MLR review", mode: "governed", params: withParams(base, (p) => void (p.content.mode = "traditional")) },
      { name: "modular", label: "Upstream modular reuse", mode: "governed", params: withParams(base, (p) => void (p.content.mode = "modular")) },
    ],
  },
  {
    ...info("drift"),
    arms: (base) => [
      { name: "no-monitors", label: "No monitors", mode: "governed", params: base, drift: { monitors: false } },
      { name: "auto-pause", label: "Monitors with auto-pause", mode: "governed", params: base, drift: { monitors: true } },
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

const PARALLEL_FROM_HCP_DAYS = 20_000;
const YOUNG_GENERATION_MB = 192;

export interface RunOptions {
  /** Where the temporary stores live (default: a fresh directory under the OS temp dir, removed after). */
  workDir?: string;
  keepStores?: boolean;
  /** Called as steps complete, per arm. */
  progress?: (arm: number, done: number, total: number) => void;
  /**
   * Run the two arms at once in worker threads. Default: with two cores or more and a market big enough
   * to repay starting a worker (each loads the sources anew, about a second).
   */
  parallel?: boolean;
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
    const progressOf = (i: number): Progress | undefined => (options.progress ? (done, total) => options.progress!(i, done, total) : undefined);
    const results: ArmResult[] = [];
    if (options.parallel ?? (availableParallelism() >= 2 && params.hcps * params.days >= PARALLEL_FROM_HCP_DAYS)) {
      results.push(...(await Promise.all(specs.map((spec, i) => runArmInWorker(spec, baseDir, workDir, progressOf(i))))));
    } else {
      for (let i = 0; i < specs.length; i++) results.push(await runArm(specs[i]!, market, workDir, progressOf(i)));
    }
    return {
      scenario: scenario.name, title: scenario.title, question: scenario.question, params, arms: [results[0]!, results[1]!],
      performance: { wallSeconds: Math.round((performance.now() - started) / 10) / 100, seedSeconds: Math.round(seedSeconds * 100) / 100 },
    };
  } finally {
    if (!options.workDir && !options.keepStores) rmSync(workDir, { recursive: true, force: true });
  }
}

/** One arm in a worker thread (src/sim/worker.ts); its numbers are the same as in-process. */
function runArmInWorker(spec: ArmSpec, baseDir: string, workDir: string, progress?: Progress): Promise<ArmResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./worker-entry.mjs", import.meta.url), {
      workerData: { spec, baseDir, workDir } satisfies ArmJob,
      // An arm allocates short-lived objects at a high rate (rows, JSON, verdicts): a larger young
      // generation lets most of them die before a scavenge copies them. Measured: ~20% less time per decision.
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    let settled = false;
    worker.on("message", (m: ArmMessage) => {
      if (m.kind === "progress") progress?.(m.done, m.total);
      else {
        settled = true;
        if (m.kind === "result") resolve(m.result);
        else reject(Object.assign(new Error(`arm ${spec.name}: ${m.message}`), m.stack ? { cause: m.stack } : {}));
        void worker.terminate();
      }
    });
    worker.on("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.on("exit", (code) => {
      if (!settled) reject(new Error(`arm ${spec.name}: its worker stopped (exit code ${code}) before it finished`));
    });
  });
}

/** RAM-backed when there is one: the stores are throwaway. */
function defaultTemp(): string {
  return process.platform === "linux" && existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
}
