// The withdrawal cascade at scale: 100k assets and 1M pending actions in the store; one claim used by
// a share of the assets is withdrawn. Prints the figure; asserts nothing. Goal: under 1 s.
// `npx tsx bench/withdrawal.ts` (SQLite); with BENCH_DATABASE_URL=postgres://... it runs on PostgreSQL.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type Kysely } from "kysely";
import { openContext } from "../src/server/context.ts";
import { withdrawClaim } from "../src/content/withdrawal.ts";
import type { Database } from "../src/store/schema.ts";

export interface WithdrawalBenchOptions {
  assets?: number;
  actions?: number;
  /** Share of the assets that use the withdrawn claim. */
  share?: number;
  databaseUrl?: string;
  /** Withdraw with a successor claim: every blocked asset is also revised (a revision campaign). */
  successor?: boolean;
}

export interface WithdrawalBenchResult {
  engine: string;
  assets: number;
  actions: number;
  assetsBlocked: number;
  actionsCancelled: number;
  revised: number;
  seedMs: number;
  cascadeMs: number;
}

/** Rows 0..n-1 as a derived table `n(i)`, on either engine. */
function series(engine: "sqlite" | "postgres", n: number) {
  return engine === "postgres"
    ? sql`(select g as i from generate_series(0, ${sql.lit(n - 1)}) as g) as n`
    : sql`(with recursive s(i) as (select 0 union all select i + 1 from s where i < ${sql.lit(n - 1)}) select i from s) as n`;
}

async function seed(db: Kysely<Database>, engine: "sqlite" | "postgres", assets: number, actions: number, using: number): Promise<void> {
  const at = "2026-03-02T15:00:00.000Z";
  const id = (prefix: string) => (engine === "postgres" ? sql.raw(`'${prefix}' || i::text`) : sql.raw(`'${prefix}' || i`));
  await db.insertInto("claims").values([
    { id: "clm-w", version: 1, text: "Cardiozan lowers LDL-C.", product: "cardiozan", risk_class: "low", refs: '["ref"]', markets: '["US"]', status: "approved", expires_at: null, created_at: at, created_by: "bench", approved_at: at, approval: null, withdrawn_at: null, withdraw_reason: null, language: "en", submitted_at: null, review: null, rejection: null },
    { id: "clm-s", version: 1, text: "Cardiozan lowers LDL-C in adults.", product: "cardiozan", risk_class: "low", refs: '["ref"]', markets: '["US"]', status: "approved", expires_at: null, created_at: at, created_by: "bench", approved_at: at, approval: null, withdrawn_at: null, withdraw_reason: null, language: "en", submitted_at: null, review: null, rejection: null },
    { id: "clm-o", version: 1, text: "Cardiozan is one tablet daily.", product: "cardiozan", risk_class: "low", refs: '["ref"]', markets: '["US"]', status: "approved", expires_at: null, created_at: at, created_by: "bench", approved_at: at, approval: null, withdrawn_at: null, withdraw_reason: null, language: "en", submitted_at: null, review: null, rejection: null },
  ]).execute();
  await sql`insert into claim_versions (claim_id, version, text, product, risk_class, refs, markets, language, status, expires_at, created_at, created_by, submitted_at, review, approved_at, approval, rejection)
    select id, version, text, product, risk_class, refs, markets, language, status, expires_at, created_at, created_by, null, null, approved_at, approval, null from claims`.execute(db);
  await sql`insert into assets (id, version, title, subject, channel, market, language, product, body, safety_info, expires_at, derived_from, status, checks, created_at, created_by, approved_at, approval, blocked_reason, rendered, submitted_at, review, rejection, live_version)
    select ${id("ast-")}, 1, 'Asset', 'Subject', 'email', 'US', 'en', 'cardiozan', 'Body', 'ISI', null, null, 'approved', '[]', ${at}, 'bench', ${at}, null, null, 'Body', null, null, null, 1 from ${series(engine, assets)}`.execute(db);
  await sql`insert into asset_versions (asset_id, version, title, subject, channel, market, language, product, body, safety_info, expires_at, derived_from, status, checks, rendered, created_at, created_by, submitted_at, review, approved_at, approval, rejection, blocked_reason)
    select id, 1, title, subject, channel, market, language, product, body, safety_info, null, null, 'approved', '[]', rendered, created_at, created_by, null, null, approved_at, null, null, null from assets`.execute(db);
  await sql`insert into asset_modules (asset_id, version, position, claim_id, claim_version) select ${id("ast-")}, 1, 0, 'clm-o', 1 from ${series(engine, assets)}`.execute(db);
  await sql`insert into asset_modules (asset_id, version, position, claim_id, claim_version) select ${id("ast-")}, 1, 1, 'clm-w', 1 from ${series(engine, using)}`.execute(db);
  const asset = engine === "postgres" ? sql.raw(`'ast-' || (i % ${assets})::text`) : sql.raw(`'ast-' || (i % ${assets})`);
  const agent = engine === "postgres" ? sql.raw(`'agent-' || (i % 10)::text`) : sql.raw(`'agent-' || (i % 10)`);
  await sql`insert into outbox (id, decision_id, agent_id, hcp_id, channel, action, asset_id, payload, available_at, status, created_at, closed_at, closed_reason)
    select ${id("out-")}, ${id("dec-")}, ${agent}, ${id("hcp-")}, 'email', 'email', ${asset}, '{}', ${at}, 'pending', ${at}, null, null from ${series(engine, actions)}`.execute(db);
  await sql`insert into touches (decision_id, hcp_id, agent_id, channel, at, exempt, cancelled) select decision_id, hcp_id, agent_id, 'email', ${at}, 0, 0 from outbox`.execute(db);
  // Start from a quiet store, as a production one is between loads: statistics fresh, the bulk load
  // vacuumed and checkpointed, so no checkpoint or autovacuum the seeding set off runs during the cascade.
  if (engine === "postgres") {
    await sql`vacuum analyze`.execute(db);
    // CHECKPOINT needs a superuser (or pg_checkpoint); without one the figure is merely noisier.
    await sql`checkpoint`.execute(db).catch((error: unknown) => console.error(`bench: no checkpoint after seeding (${error instanceof Error ? error.message : String(error)})`));
  } else {
    await sql`analyze`.execute(db);
    await sql`pragma wal_checkpoint(truncate)`.execute(db);
  }
}

export async function benchWithdrawal(options: WithdrawalBenchOptions = {}): Promise<WithdrawalBenchResult> {
  const assets = options.assets ?? 100_000;
  const actions = options.actions ?? 1_000_000;
  const using = Math.round(assets * (options.share ?? 0.1));
  const dataDir = mkdtempSync(join(tmpdir(), "steward-bench-withdrawal-"));
  let databaseUrl = options.databaseUrl;
  let dropDb: (() => Promise<void>) | null = null;
  if (databaseUrl) {
    const pg = (await import("pg")).default;
    const name = `steward_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDb = async () => {
      const c = new pg.Client({ connectionString: options.databaseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const ctx = await openContext({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
  try {
    const t0 = performance.now();
    await seed(ctx.store.db, ctx.store.engine, assets, actions, using);
    const seedMs = performance.now() - t0;
    const t1 = performance.now();
    const result = await withdrawClaim(ctx, "user:bench", "clm-w", "safety update (bench)", options.successor ? "clm-s" : undefined);
    const cascadeMs = performance.now() - t1;
    return { engine: ctx.store.engine, assets, actions, assetsBlocked: result.assetsBlocked, actionsCancelled: result.actionsCancelled, revised: result.revisions?.length ?? 0, seedMs, cascadeMs };
  } finally {
    await ctx.anchor.close();
    await ctx.store.close();
    rmSync(dataDir, { recursive: true, force: true });
    await dropDb?.();
  }
}

/** Prints the figure, as bench/run.ts prints the others. */
export async function printWithdrawalBench(options: WithdrawalBenchOptions = {}): Promise<WithdrawalBenchResult> {
  const r = await benchWithdrawal(options);
  const fmt = (n: number) => n.toLocaleString("en-US");
  console.log(
    `withdrawal cascade (${r.engine}), ${fmt(r.assets)} assets / ${fmt(r.actions)} pending actions: ${r.cascadeMs.toFixed(0)} ms ` +
    `to block ${fmt(r.assetsBlocked)} assets and cancel ${fmt(r.actionsCancelled)} actions${r.revised ? ` and revise ${fmt(r.revised)} assets` : ""} (goal < 1000 ms; seeding took ${(r.seedMs / 1000).toFixed(1)} s)`,
  );
  return r;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const share = Number(process.env.BENCH_SHARE ?? 0.1);
  // BENCH_SUCCESSOR=1: the withdrawal names a successor, so the cascade also revises every blocked asset.
  const successor = process.env.BENCH_SUCCESSOR === "1";
  const sizes = { ...(process.env.BENCH_ASSETS ? { assets: Number(process.env.BENCH_ASSETS) } : {}), ...(process.env.BENCH_ACTIONS ? { actions: Number(process.env.BENCH_ACTIONS) } : {}) };
  await printWithdrawalBench({ share, successor, ...sizes });
  if (process.env.BENCH_DATABASE_URL) await printWithdrawalBench({ share, successor, ...sizes, databaseUrl: process.env.BENCH_DATABASE_URL });
}
