// scratch (removed after measuring)
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { openContext } from "../src/server/start.ts";
import { seed } from "./withdrawal.ts";

class Rollback extends Error {}
const url = process.env.LAB_PG;
const ctx = await openContext({ dataDir: mkdtempSync(join(tmpdir(), "lab-")), ...(url ? { databaseUrl: url } : {}) });
const engine = ctx.store.engine;
await seed(ctx.store.db, engine, 100_000, 1_000_000, 10_000);
const db = ctx.store.db;
const sending = sql`select a.id from assets a join asset_modules m on m.asset_id = a.id and m.version = coalesce(a.live_version, a.version) where m.claim_id = 'clm-w'`;
const variants: Record<string, (trx: any) => Promise<void>> = {
  chunked: async (trx) => {
    const ids = (await sql<{ id: string }>`${sending}`.execute(trx)).rows.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 1000) {
      const part = ids.slice(i, i + 1000);
      await trx.updateTable("touches").set({ cancelled: 1 }).where("decision_id", "in", trx.selectFrom("outbox").select("decision_id").where("asset_id", "in", part).where("status", "=", "pending")).execute();
      await trx.updateTable("outbox").set({ status: "cancelled", closed_at: "x", closed_reason: "claim withdrawn: clm-w: safety" }).where("asset_id", "in", part).where("status", "=", "pending").execute();
    }
  },
  setBased: async (trx) => {
    let t = performance.now();
    await sql`update touches set cancelled = 1 where decision_id in (select decision_id from outbox where status = 'pending' and asset_id in (${sending}))`.execute(trx);
    console.log("   touches", (performance.now() - t).toFixed(0)); t = performance.now();
    await sql`update outbox set status = 'cancelled', closed_at = 'x', closed_reason = 'claim withdrawn: clm-w: safety' where status = 'pending' and asset_id in (${sending})`.execute(trx);
    console.log("   outbox", (performance.now() - t).toFixed(0));
  },
  statusOnly: async (trx) => {
    await sql`update outbox set status = 'cancelled' where status = 'pending' and asset_id in (${sending})`.execute(trx);
  },
  bigCache: async (trx) => {
    await sql`pragma cache_size = -400000`.execute(trx);
    const t = performance.now();
    await sql`update touches set cancelled = 1 where decision_id in (select decision_id from outbox where status = 'pending' and asset_id in (${sending}))`.execute(trx);
    await sql`update outbox set status = 'cancelled', closed_at = 'x', closed_reason = 'claim withdrawn: clm-w: safety' where status = 'pending' and asset_id in (${sending})`.execute(trx);
    console.log("   big cache statements", (performance.now() - t).toFixed(0));
    await sql`pragma cache_size = -2000`.execute(trx);
  },
  tempTable: async (trx) => {
    let t = performance.now();
    if (engine === "postgres") await sql`create temp table affected (id text primary key) on commit drop`.execute(trx);
    else await sql`create temp table affected (id text primary key)`.execute(trx);
    await sql`insert into affected (id) ${sending}`.execute(trx);
    if (engine === "postgres") await sql`analyze affected`.execute(trx);
    console.log("   temp", (performance.now() - t).toFixed(0)); t = performance.now();
    await sql`update touches set cancelled = 1 where decision_id in (select o.decision_id from outbox o join affected f on f.id = o.asset_id where o.status = 'pending')`.execute(trx);
    console.log("   touches", (performance.now() - t).toFixed(0)); t = performance.now();
    await sql`update outbox set status = 'cancelled', closed_at = 'x', closed_reason = 'claim withdrawn: clm-w: safety' where status = 'pending' and asset_id in (select id from affected)`.execute(trx);
    console.log("   outbox", (performance.now() - t).toFixed(0));
    if (engine === "sqlite") await sql`drop table temp.affected`.execute(trx);
  },
};
for (const round of [1, 2]) {
  for (const [name, fn] of Object.entries(variants)) {
    const t = performance.now();
    try {
      await db.transaction().execute(async (trx) => { await fn(trx); throw new Rollback(); });
    } catch (e) { if (!(e instanceof Rollback)) throw e; }
    console.log(`${engine} round ${round} ${name}: ${(performance.now() - t).toFixed(0)} ms (incl. rollback)`);
  }
}
if (engine === "sqlite") {
  const plan = await sql<any>`explain query plan update outbox set status = 'cancelled' where status = 'pending' and asset_id in (${sending})`.execute(db);
  console.log(JSON.stringify(plan.rows));
}
if (engine === "postgres") {
  const plan = await sql<any>`explain update outbox set status = 'cancelled' where status = 'pending' and asset_id in (${sending})`.execute(db);
  console.log(plan.rows.map((r: any) => r["QUERY PLAN"]).join("\n"));
}
ctx.anchor.close();
await ctx.store.close();
