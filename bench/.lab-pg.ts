// scratch (removed after measuring)
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { openContext } from "../src/server/start.ts";
import { seed } from "./withdrawal.ts";

class Rollback extends Error {}
const ctx = await openContext({ dataDir: mkdtempSync(join(tmpdir(), "lab-")), databaseUrl: process.env.LAB_PG! });
await seed(ctx.store.db, "postgres", 100_000, 1_000_000, 10_000);
await sql`vacuum analyze`.execute(ctx.store.db);
await sql`checkpoint`.execute(ctx.store.db);
const db = ctx.store.db;
const sending = sql`select a.id from assets a join asset_modules m on m.asset_id = a.id and m.version = coalesce(a.live_version, a.version) where m.claim_id = 'clm-w'`;
const timed = async (label: string, p: Promise<any>) => { const t = performance.now(); const r = await p; console.log(`   ${label}: ${(performance.now() - t).toFixed(0)} ms`); return r; };
const variants: Record<string, (trx: any) => Promise<void>> = {
  portable: async (trx) => {
    await timed("counts", sql`select agent_id, count(*) from outbox where status = 'pending' and asset_id in (${sending}) group by agent_id`.execute(trx));
    await timed("listed", sql`select id, decision_id from outbox where status = 'pending' and asset_id in (${sending}) order by id limit 1001`.execute(trx));
    await timed("touches", sql`update touches set cancelled = 1 where decision_id in (select decision_id from outbox where status = 'pending' and asset_id in (${sending}))`.execute(trx));
    await timed("outbox", sql`update outbox set status = 'cancelled', closed_at = 'x', closed_reason = 'claim withdrawn: clm-w: safety' where status = 'pending' and asset_id in (${sending})`.execute(trx));
  },
  temp: async (trx) => {
    await timed("temp", sql`create temp table sending on commit drop as ${sending}`.execute(trx));
    await timed("analyze", sql`analyze sending`.execute(trx));
    await timed("counts", sql`select agent_id, count(*) from outbox where status = 'pending' and asset_id in (select id from sending) group by agent_id`.execute(trx));
    await timed("listed", sql`select id, decision_id from outbox where status = 'pending' and asset_id in (select id from sending) order by id limit 1001`.execute(trx));
    await timed("touches", sql`update touches set cancelled = 1 from outbox o where o.decision_id = touches.decision_id and o.status = 'pending' and o.asset_id in (select id from sending)`.execute(trx));
    await timed("outbox", sql`update outbox set status = 'cancelled', closed_at = 'x', closed_reason = 'claim withdrawn: clm-w: safety' where status = 'pending' and asset_id in (select id from sending)`.execute(trx));
  },
  cte: async (trx) => {
    await timed("cte", sql`with cancelled as (
        update outbox set status = 'cancelled', closed_at = 'x', closed_reason = 'claim withdrawn: clm-w: safety'
        where status = 'pending' and asset_id in (${sending}) returning id, decision_id, agent_id
      ), released as (
        update touches set cancelled = 1 from cancelled where touches.decision_id = cancelled.decision_id
      )
      select agent_id, count(*) as n, null as id, null as decision_id from cancelled group by agent_id
      union all select null, null, id, decision_id from (select id, decision_id from cancelled order by id limit 1001) l`.execute(trx));
  },
  versionsTupleChunk: async (trx) => {
    const rows = (await sql<any>`select asset_id, version from asset_modules where claim_id = 'clm-w'`.execute(trx)).rows;
    const t = performance.now();
    for (let i = 0; i < rows.length; i += 1000) {
      const part = rows.slice(i, i + 1000);
      await trx.updateTable("asset_versions").set({ status: "withdrawn" }).where((eb: any) => eb(eb.refTuple("asset_id", "version"), "in", part.map((r: any) => eb.tuple(r.asset_id, r.version)))).execute();
    }
    console.log(`   versions chunked: ${(performance.now() - t).toFixed(0)} ms`);
  },
  versionsSet: async (trx) => {
    await timed("heads", sql`update assets set blocked_reason = 'x' where id in (select asset_id from asset_modules where claim_id = 'clm-w')`.execute(trx));
    await timed("versions set", sql`update asset_versions set status = 'withdrawn', blocked_reason = 'x' where status in ('draft','approved') and (asset_id, version) in (select asset_id, version from asset_modules where claim_id = 'clm-w') returning asset_id`.execute(trx));
    await timed("heads status", sql`update assets set status = 'withdrawn' where status in ('draft','approved') and (id, version) in (select asset_id, version from asset_modules where claim_id = 'clm-w')`.execute(trx));
  },
};
for (const round of [1, 2]) {
  for (const [name, fn] of Object.entries(variants)) {
    const t = performance.now();
    try {
      await db.transaction().execute(async (trx) => { await fn(trx); console.log(`${name} round ${round}: ${(performance.now() - t).toFixed(0)} ms`); throw new Rollback(); });
    } catch (e) { if (!(e instanceof Rollback)) throw e; }
    await sql`vacuum outbox`.execute(db); await sql`vacuum touches`.execute(db); await sql`vacuum asset_versions`.execute(db); await sql`vacuum assets`.execute(db);
    await sql`checkpoint`.execute(db);
  }
}
ctx.anchor.close();
await ctx.store.close();
