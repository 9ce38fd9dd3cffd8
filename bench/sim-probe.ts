import { DEFAULT_PARAMS, withParams } from "../src/sim/params.ts";
import { runScenario, scenarioNamed } from "../src/sim/scenarios.ts";
const name = process.argv[2] ?? "portfolio";
const hcps = Number(process.argv[3] ?? 300);
const days = Number(process.argv[4] ?? 28);
const full = process.argv[5] === "full";
const params = withParams(DEFAULT_PARAMS, (p) => { p.hcps = hcps; p.days = days; p.seed = 7; });
const r = await runScenario(scenarioNamed(name)!, params);
for (const a of r.arms) {
  if (full) { const { weekly, ...rest } = a; console.log(JSON.stringify(rest, null, 1)); }
  else console.log(a.name, JSON.stringify({ totals: a.totals, violations: a.violations, prevented: a.prevented, perf: a.performance }));
}
console.log(r.performance);
