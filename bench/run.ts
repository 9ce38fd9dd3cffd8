// `npm run bench`: figures printed, never asserted. Compare ratios measured in one run.
import { benchDecideWithExample } from "./decide.ts";
import { benchHttp } from "./http.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const fmt = (n: number) => n.toLocaleString("en-US");

const d = benchDecideWithExample();
console.log(`decide() with the example bundle, one core: ${fmt(d.perSecond)} decisions/s (goal ≥ 250,000) — outcomes ${JSON.stringify(d.outcomes)}`);

const h = await benchHttp(seconds);
console.log(`HTTP echo route (bare Fastify):              ${fmt(h.echo.requestsPerSecond)} req/s, p99 ${h.echo.p99Ms} ms`);
console.log(`HTTP POST /v1/proposals (durable, SQLite):   ${fmt(h.proposals.requestsPerSecond)} req/s, p99 ${h.proposals.p99Ms} ms, non-2xx ${h.proposals.non2xx}`);
console.log(`ratio proposals / echo: ${h.ratio.toFixed(3)} (goal ≥ 0.333)`);
