// Appending to and reading the chain in the database.
import { sql } from "kysely";
import type { Db, Store, Tx } from "../store/db.ts";
import { prepared, wholeRow } from "../store/prepared.ts";
import { canonicalJson } from "../shared/json.ts";
import { chainRecord, ChainVerifier, type AuditEntry, type AuditRecord, type Verification, type Anchor } from "./chain.ts";

type RecordRow = ReturnType<typeof toRow>;
const chainHead = prepared((db, _: Record<string, never>) => db.selectFrom("audit_head").select(["seq", "hash"]).where("id", "=", 1));
const insertRecord = prepared((db, p: RecordRow) => db.insertInto("audit_records").values(wholeRow(p, { seq: true, at: true, actor: true, type: true, subject: true, data: true, prev_hash: true, hash: true })));
const moveHead = prepared((db, p: { seq: number; hash: string }) => db.updateTable("audit_head").set({ seq: p.seq, hash: p.hash }).where("id", "=", 1));

/**
 * Appends entries at the end of a transaction. The head row is locked only here, as the last step,
 * so concurrent transactions for different HCPs overlap in everything but the append itself.
 */
export async function appendAudit(store: Store, trx: Tx, entries: readonly AuditEntry[]): Promise<Anchor | null> {
  if (entries.length === 0) return null;
  let head = store.engine === "postgres"
    ? (await sql<{ seq: number; hash: string }>`select seq, hash from audit_head where id = 1 for update`.execute(trx)).rows[0]
    : await chainHead.first(trx, {});
  if (!head) throw new Error("audit head row is missing: the store was not migrated");
  const rows = [];
  for (const entry of entries) {
    // Serialized once: the stored text is the very text the hash covers.
    const dataJson = canonicalJson(entry.data ?? null);
    const record = chainRecord(head.hash, head.seq + 1, entry, dataJson);
    rows.push(toRow(record, dataJson));
    head = { seq: record.seq, hash: record.hash };
  }
  // SQLite has no round trip to save: one prepared single-row insert per record beats building a
  // multi-row statement whose text changes with the number of rows. PostgreSQL: one statement.
  if (store.engine === "sqlite") for (const row of rows) await insertRecord.run(trx, row);
  else await trx.insertInto("audit_records").values(rows).execute();
  await moveHead.run(trx, { seq: head.seq, hash: head.hash });
  return head;
}

function toRow(r: AuditRecord, dataJson: string) {
  return { seq: r.seq, at: r.at, actor: r.actor, type: r.type, subject: r.subject, data: dataJson, prev_hash: r.prevHash, hash: r.hash };
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
