// Locks that make a status change and a proposal of the same agent serialize across every process of
// one PostgreSQL store. A proposal holds its agent's lock shared from before it reads the agent's status
// until it commits; a pause, halt or resume takes it exclusively. So a halt either commits first (the
// proposal then reads "halted") or waits until the proposal's decision and outbox item are committed,
// and then cancels that item. The portfolio lock orders the global halt, its resume and registrations.
// SQLite runs one writing transaction at a time and needs none.
import { sql } from "kysely";
import type { Store, Tx } from "../store/db.ts";

export async function lockAgentShared(store: Store, trx: Tx, agentIds: readonly string[]): Promise<void> {
  if (store.engine !== "postgres" || agentIds.length === 0) return;
  const keys = [...new Set(agentIds)].sort().map((id) => "agent:" + id);
  await sql`select pg_advisory_xact_lock_shared(hashtextextended(k, 0)) from unnest(${keys}::text[]) as k order by k`.execute(trx);
}

export async function lockAgentExclusive(store: Store, trx: Tx, agentId: string): Promise<void> {
  if (store.engine !== "postgres") return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${"agent:" + agentId}, 0))`.execute(trx);
}

export async function lockPortfolio(store: Store, trx: Tx): Promise<void> {
  if (store.engine !== "postgres") return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${"portfolio"}, 0))`.execute(trx);
}
