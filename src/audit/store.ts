// Appending to and reading the chain in the database.
import { sql } from "kysely";
import type { Db, Store, Tx } from "../store/db.ts";
import { prepared, wholeRow } from "../store/prepared.ts";
import { canonicalJson } from "../shared/json.ts";
import { chainRecord, ChainVerifier, type Acceptance, type Anchor, type AuditEntry, type AuditRecord, type Pin, type StoredRecord, type Verification } from "./chain.ts";

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
  return { seq: Number(row.seq), at: row.at, actor: row.actor, type: row.type, subject: row.subject, data: storedData(row.data), prevHash: row.prev_hash, hash: row.hash };
}

/** A record whose stored data is no longer JSON (tampered with) is still listed: its raw text as data. */
function storedData(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function listAudit(db: Db, after: number, limit: number): Promise<AuditRecord[]> {
  const rows = await db.selectFrom("audit_records").selectAll().where("seq", ">", after).orderBy("seq").limit(limit).execute();
  return rows.map(fromRow);
}

/**
 * Streams the whole chain in pages so a long history verifies in bounded memory. Each record is
 * checked against its stored text: the stored `data` is the very text the hash covers, so it is hashed
 * as it is, never parsed and re-serialised (a record whose data is no longer JSON is simply altered).
 */
export async function verifyAudit(db: Db, pins: readonly Pin[], acceptance?: (r: StoredRecord) => Acceptance | null, pageSize = 5000): Promise<Verification> {
  const verifier = new ChainVerifier(pins, acceptance);
  // Keyset pages in seq order: every stored row is seen once, in order, whatever gaps there are.
  let after: number | null = null;
  for (;;) {
    let page = db.selectFrom("audit_records").selectAll();
    if (after !== null) page = page.where("seq", ">", after);
    const rows = await page.orderBy("seq").limit(pageSize).execute();
    for (const row of rows) verifier.add(storedRecord(row));
    if (rows.length < pageSize) break;
    after = Number(rows[rows.length - 1]!.seq);
  }
  return verifier.finish();
}

function storedRecord(row: { seq: number; at: string; actor: string; type: string; subject: string; data: string; prev_hash: string; hash: string }): StoredRecord {
  return { seq: Number(row.seq), at: row.at, actor: row.actor, type: row.type, subject: row.subject, data: null, dataJson: row.data, prevHash: row.prev_hash, hash: row.hash };
}
