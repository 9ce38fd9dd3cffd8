// `npm run bench`: figures printed, never asserted. Compare ratios measured in one run.
// BENCH_SECONDS (HTTP and ingest load, default 10), BENCH_SIM_HCPS / BENCH_SIM_DAYS (default 10,000 × 90,
// the size of the simulator's goal: under 60 s), BENCH_ONLY=decide,http,ingest,dispatch,withdrawal,sim,content.
import { benchDecideWithExample } from "./decide.ts";
import { benchHttp } from "./http.ts";
import { benchIngest, describeIngest } from "./ingest.ts";
import { benchDispatch } from "./dispatch.ts";
import { printWithdrawalBench } from "./withdrawal.ts";
import { benchSimulator, formatSimBench } from "./sim.ts";
import { printContentEval } from "./eval-content.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",")) : null;
const wanted = (name: string) => !only || only.has(name);
const fmt = (n: number) => n.toLocaleString("en-US");

if (wanted("decide")) {
  const d = benchDecideWithExample();
  console.log(`decide() with the example bundle, one core: ${fmt(d.perSecond)} decisions/s (goal ≥ 250,000) — outcomes ${JSON.stringify(d.outcomes)}`);
}

if (wanted("http")) {
  const h = await benchHttp(seconds);
  console.log(`HTTP echo route (bare Fastify):              ${fmt(h.echo.requestsPerSecond)} req/s, p99 ${h.echo.p99Ms} ms`);
  console.log(`HTTP POST /v1/proposals (durable, SQLite):   ${fmt(h.proposals.requestsPerSecond)} req/s, p99 ${h.proposals.p99Ms} ms, non-2xx ${h.proposals.non2xx}`);
  console.log(`ratio proposals / echo: ${h.ratio.toFixed(3)} (goal ≥ 0.333)`);
}

if (wanted("ingest")) for (const line of describeIngest(await benchIngest(seconds))) console.log(line);

if (wanted("dispatch")) {
  const dp = await benchDispatch();
  console.log(`dispatch through the file sink (SQLite, durable): ${fmt(dp.itemsPerSecond)} items/s`);
}

if (wanted("withdrawal")) {
  // 100k assets and 1M pending actions; the withdrawn claim is used by 1% and by 10% of the assets.
  await printWithdrawalBench({ share: 0.01 });
  await printWithdrawalBench({ share: 0.1 });
}

if (wanted("sim")) {
  console.log(formatSimBench(await benchSimulator({ hcps: Number(process.env.BENCH_SIM_HCPS ?? 10_000), days: Number(process.env.BENCH_SIM_DAYS ?? 90) })));
}

if (wanted("content")) printContentEval();
