// Taking many HCPs' locks at once, for a batch of events about many HCPs.
import { sql } from "kysely";
import { lockHcp, type Store, type Tx } from "../store/db.ts";

/**
 * The same locks as `lockHcp` (src/store/db.ts) — the same key, "hcp:" + id, hashed the same way —
 * so an ingest and a decision about one HCP serialize. PostgreSQL takes them in one round trip, in
 * sorted order (volatile functions in the select list run after ORDER BY), so two batches that share
 * HCPs cannot deadlock; SQLite's single writer needs none.
 */
export async function lockHcps(store: Store, trx: Tx, hcpIds: readonly string[]): Promise<void> {
  if (store.engine !== "postgres" || hcpIds.length === 0) return;
  if (hcpIds.length === 1) return lockHcp(store, trx, hcpIds[0]!);
  const keys = [...new Set(hcpIds)].map((id) => "hcp:" + id);
  await sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${keys}::text[]) as k order by k`.execute(trx);
}
