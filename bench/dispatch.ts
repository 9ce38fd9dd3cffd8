// How many outbox items per second the dispatcher drains through the JSONL file sink on embedded
// SQLite: claim, re-check against a fresh snapshot, write and fsync the line, mark sent with its
// attempt record and audit record (durable: synchronous=FULL). The items are real decisions made by
// the gate beforehand; only the drain is timed. A plain script, not a test:
//   npx tsx bench/dispatch.ts            (BENCH_DISPATCH_ITEMS=2000 by default)
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ManualClock } from "../src/shared/clock.ts";
import { openContext } from "../src/server/context.ts";
import { registerAgent } from "../src/agents/portfolio.ts";
import { putHcp } from "../src/hcps/registry.ts";
import { proposeBatch } from "../src/gate/service.ts";
import { Dispatcher } from "../src/dispatch/dispatcher.ts";
import { defaultDispatchConfig } from "../src/dispatch/config.ts";

export interface DispatchBench {
  items: number;
  seconds: number;
  itemsPerSecond: number;
}

export async function benchDispatch(items = Number(process.env.BENCH_DISPATCH_ITEMS ?? 2000)): Promise<DispatchBench> {
  const dir = mkdtempSync(join(tmpdir(), "steward-bench-dispatch-"));
  // Monday 15:00 UTC: daytime in New York, so nothing is held for quiet hours.
  const ctx = await openContext({ dataDir: dir, clock: new ManualClock("2026-03-02T15:00:00.000Z") });
  try {
    await registerAgent(ctx, "system", {
      id: "bench-nba", name: "Bench NBA", owner: "bench", objective: "throughput", metric: "items/s", actions: ["field_suggestion"], markets: ["US"], priority: 50,
    });
    const batch = [];
    for (let i = 0; i < items; i++) {
      const hcpId = `us-b${i}`;
      await putHcp(ctx, "system", hcpId, { name: `Dr. ${i}`, specialty: "cardiology", market: "US" });
      batch.push({ agentId: "bench-nba", body: { idempotencyKey: `b-${i}`, hcpId, action: "field_suggestion" as const, purpose: "promotional" as const, confidence: 0.9 } });
    }
    for (let i = 0; i < batch.length; i += 500) await proposeBatch(ctx, "system", batch.slice(i, i + 500));
    const queued = await ctx.store.db.selectFrom("outbox").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "pending").executeTakeFirstOrThrow();

    const defaults = defaultDispatchConfig(dir);
    const config = { ...defaults, concurrency: Number(process.env.BENCH_DISPATCH_CONCURRENCY ?? defaults.concurrency) };
    const dispatcher = new Dispatcher(ctx, config);
    const started = process.hrtime.bigint();
    const report = await dispatcher.drainAll();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await dispatcher.stop();
    const lines = readFileSync(config.outboxFile, "utf8").split("\n").filter(Boolean).length;
    if (report.sent !== queued.n || lines !== queued.n) throw new Error(`bench drained ${report.sent} of ${queued.n} items, ${lines} lines`);
    return { items: report.sent, seconds, itemsPerSecond: Math.round(report.sent / seconds) };
  } finally {
    await ctx.anchor.close();
    await ctx.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = await benchDispatch();
  console.log(`dispatch through the file sink (SQLite, durable): ${r.itemsPerSecond.toLocaleString("en-US")} items/s (${r.items} items in ${r.seconds.toFixed(2)} s)`);
}
