// The simulator at the size the issue asks for: 10,000 HCPs × 90 days × 5 agents (goal: under 60 s).
// Every decision is the real decision service's on SQLite, so this measures the service as much as the
// harness: figures per arm (wall and busy seconds, decisions, phases) and the scenario's wall time.
//   npx tsx bench/sim.ts                      # scenario (a), 10,000 × 90
//   BENCH_SIM_HCPS=2000 BENCH_SIM_DAYS=30 BENCH_SIM_SCENARIO=mlr npx tsx bench/sim.ts
import { pathToFileURL } from "node:url";
import { DEFAULT_PARAMS, withParams } from "../src/sim/params.ts";
import { runScenario, scenarioNamed } from "../src/sim/scenarios.ts";

export interface SimBench {
  scenario: string;
  hcps: number;
  days: number;
  wallSeconds: number;
  seedSeconds: number;
  arms: { name: string; wallSeconds: number; busySeconds: number; decisions: number; delivered: number; decisionsPerBusySecond: number; phases: Record<string, number> }[];
}

export async function benchSimulator(options: { scenario?: string; hcps?: number; days?: number; seed?: number; parallel?: boolean } = {}): Promise<SimBench> {
  const name = options.scenario ?? "portfolio";
  const scenario = scenarioNamed(name);
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  const params = withParams(DEFAULT_PARAMS, (p) => {
    p.hcps = options.hcps ?? 10_000;
    p.days = options.days ?? 90;
    p.seed = options.seed ?? 1;
  });
  const result = await runScenario(scenario, params, options.parallel === undefined ? {} : { parallel: options.parallel });
  return {
    scenario: name, hcps: params.hcps, days: params.days, wallSeconds: result.performance.wallSeconds, seedSeconds: result.performance.seedSeconds,
    arms: result.arms.map((a) => ({
      name: a.name, wallSeconds: a.performance.wallSeconds, busySeconds: a.performance.busySeconds, decisions: a.performance.decisions, delivered: a.totals.delivered,
      decisionsPerBusySecond: Math.round(a.performance.decisions / Math.max(0.001, a.performance.busySeconds)), phases: a.performance.phases,
    })),
  };
}

export function formatSimBench(b: SimBench): string {
  const fmt = (n: number) => n.toLocaleString("en-US");
  const arms = b.arms.map((a) => `  ${a.name.padEnd(12)} ${fmt(a.wallSeconds)} s wall, ${fmt(a.busySeconds)} s busy; ${fmt(a.decisions)} decisions, ${fmt(a.delivered)} delivered (${fmt(a.decisionsPerBusySecond)} decisions per busy second); phases ${JSON.stringify(a.phases)}`);
  return [`simulator, scenario ${b.scenario}, ${fmt(b.hcps)} HCPs × ${b.days} days × 5 agents: ${fmt(b.wallSeconds)} s (goal < 60 s; market seeded in ${fmt(b.seedSeconds)} s)`, ...arms].join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const env = process.env;
  const b = await benchSimulator({
    scenario: env.BENCH_SIM_SCENARIO ?? "portfolio",
    hcps: Number(env.BENCH_SIM_HCPS ?? 10_000),
    days: Number(env.BENCH_SIM_DAYS ?? 90),
    ...(env.BENCH_SIM_PARALLEL ? { parallel: env.BENCH_SIM_PARALLEL !== "0" } : {}),
  });
  console.log(formatSimBench(b));
}
