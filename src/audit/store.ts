// Appending to and reading the chain in the database.
import { sql } from "kysely";
import type { Db, Store, Tx } from "../store/db.ts";
import { chainRecord, ChainVerifier, type AuditEntry, type AuditRecord, type Verification, type Anchor } from "./chain.ts";

/**
 * Appends entries at the end of a transaction. The head row is locked only here, as the last step,
 * so concurrent transactions for different HCPs overlap in everything but the append itself.
 */
export async function appendAudit(store: Store, trx: Tx, entries: readonly AuditEntry[]): Promise<Anchor | null> {
  if (entries.length === 0) return null;
  let head = store.engine === "postgres"
    ? (await sql<{ seq: number; hash: string }>`select seq, hash from audit_head where id = 1 for update`.execute(trx)).rows[0]
    : await trx.selectFrom("audit_head").select(["seq", "hash"]).where("id", "=", 1).executeTakeFirst();
  if (!head) throw new Error("audit head row is missing: the store was not migrated");
  const rows = [];
  for (const entry of entries) {
    const record = chainRecord(head.hash, head.seq + 1, entry);
    rows.push(toRow(record));
    head = { seq: record.seq, hash: record.hash };
  }
  await trx.insertInto("audit_records").values(rows).execute();
  await trx.updateTable("audit_head").set({ seq: head.seq, hash: head.hash }).where("id", "=", 1).execute();
  return head;
}

function toRow(r: AuditRecord) {
  return { seq: r.seq, at: r.at, actor: r.actor, type: r.type, subject: r.subject, data: JSON.stringify(r.data ?? null), prev_hash: r.prevHash, hash: r.hash };
}

export function fromRow(row: { seq: number; at: string; actor: string; type: string; subject: string; data: string; prev_hash: string; hash: string }): AuditRecord {
  return { seq: Number(row.seq), at: row.at, actor: row.actor, type: row.type, subject: row.subject, data: JSON.parse(row.data), prevHash: row.prev_hash, hash: row.hash };
}

export async function listAudit(db: Db, after: number, limit: number): Promise<AuditRecord[]> {
  const rows = await db.selectFrom("audit_records").selectAll().where("seq", ">", after).orderBy("seq").limit(limit).execute();
  return rows.map(fromRow);
}

/** Streams the whole chain in pages so a long history verifies in bounded memory. */
export async function verifyAudit(db: Db, anchor: Anchor | null, pageSize = 5000): Promise<Verification> {
  const verifier = new ChainVerifier(anchor);
  // Page by position, not by seq value: a removed or reordered seq must still be seen in order.
  let offset = 0;
  for (;;) {
    const rows = await db.selectFrom("audit_records").selectAll().orderBy("seq").limit(pageSize).offset(offset).execute();
    for (const row of rows) verifier.add(fromRow(row));
    if (rows.length < pageSize) break;
    offset += rows.length;
  }
  return verifier.finish();
}
