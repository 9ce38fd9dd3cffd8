// The hash chain, pure: SHA-256 over the previous hash and a canonical encoding of the record.
// One-shot hash(): no Hash object per record (the chain hashes every decision and every send).
import { hash as digest } from "node:crypto";
import { canonicalJson } from "../shared/json.ts";

export const GENESIS_HASH = "0".repeat(64);

export interface AuditEntry {
  at: string;
  actor: string;
  type: string;
  subject: string;
  data: unknown;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * The hash of a record: SHA-256 over the previous hash, a newline, and the canonical JSON of
 * {seq, at, actor, type, subject, data}. `dataJson` is the canonical JSON of `data`, when the caller
 * already has it (an append stores that same text).
 */
export function hashRecord(prevHash: string, seq: number, entry: AuditEntry, dataJson = canonicalJson(entry.data ?? null)): string {
  // canonicalJson of the whole record, its keys in sorted order, written around the data's own text.
  const body = `{"actor":${JSON.stringify(entry.actor)},"at":${JSON.stringify(entry.at)},"data":${dataJson},"seq":${seq},"subject":${JSON.stringify(entry.subject)},"type":${JSON.stringify(entry.type)}}`;
  return digest("sha256", `${prevHash}\n${body}`, "hex");
}

export function chainRecord(prevHash: string, seq: number, entry: AuditEntry, dataJson?: string): AuditRecord {
  return { seq, ...entry, prevHash, hash: hashRecord(prevHash, seq, entry, dataJson) };
}

/** The head as remembered outside the database: the newest seq and hash it was seen with. */
export interface Anchor {
  seq: number;
  hash: string;
}

export interface Verification {
  ok: boolean;
  entries: number;
  headHash: string;
  firstBadSeq?: number;
  problem?: string;
}

/**
 * Walks the chain in seq order. Finds the first record that was edited (its hash no longer matches),
 * removed (a gap in seq, or a prevHash that does not match its predecessor), or moved. The anchor
 * catches what the chain alone cannot: the newest records deleted together with the head.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private count = 0;
  private bad: { seq: number; problem: string } | null = null;
  private anchorSeen = false;

  constructor(private readonly anchor: Anchor | null) {}

  add(record: AuditRecord): void {
    if (this.bad) return;
    this.count++;
    if (record.seq !== this.expectedSeq) {
      this.fail(Math.min(record.seq, this.expectedSeq), `expected record ${this.expectedSeq} but found ${record.seq}: a record was removed or reordered`);
      return;
    }
    if (record.prevHash !== this.prevHash) {
      this.fail(record.seq, `record ${record.seq} does not follow record ${record.seq - 1}: its previous hash differs`);
      return;
    }
    const recomputed = hashRecord(record.prevHash, record.seq, record);
    if (recomputed !== record.hash) {
      this.fail(record.seq, `record ${record.seq} was altered: its content no longer matches its hash`);
      return;
    }
    if (this.anchor && record.seq === this.anchor.seq) {
      this.anchorSeen = true;
      if (record.hash !== this.anchor.hash) {
        this.fail(record.seq, `record ${record.seq} differs from the anchored head: the chain was rewritten`);
        return;
      }
    }
    this.prevHash = record.hash;
    this.expectedSeq++;
  }

  finish(): Verification {
    if (!this.bad && this.anchor && this.anchor.seq > 0 && !this.anchorSeen) {
      this.fail(this.expectedSeq, `the anchored head is record ${this.anchor.seq} but the chain ends at ${this.expectedSeq - 1}: newest records were deleted`);
    }
    const result: Verification = { ok: this.bad === null, entries: this.count, headHash: this.prevHash };
    if (this.bad) {
      result.firstBadSeq = this.bad.seq;
      result.problem = this.bad.problem;
    }
    return result;
  }

  private fail(seq: number, problem: string): void {
    this.bad = { seq, problem };
  }
}

export function verifyChain(records: Iterable<AuditRecord>, anchor: Anchor | null): Verification {
  const v = new ChainVerifier(anchor);
  for (const r of records) v.add(r);
  return v.finish();
}
