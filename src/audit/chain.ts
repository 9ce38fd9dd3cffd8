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

/** A pair the chain must still hold (the anchor, a checkpoint), named for the problem text. */
export interface Pin extends Anchor {
  source: string;
}

/** A record as stored: `dataJson` is the stored text of `data`, the very text its hash covers. */
export type StoredRecord = AuditRecord & { dataJson?: string };

/**
 * What an `audit.accepted` record says, once its signature was checked: the breaks at or before
 * `through` were seen by an operator and recorded. `refused` says why such a record does not count.
 */
export type Acceptance = { through: number } | { refused: string };

export interface Verification {
  ok: boolean;
  entries: number;
  /** The newest record's seq and stored hash (0 and the genesis hash for an empty chain). */
  headSeq: number;
  headHash: string;
  firstBadSeq?: number;
  problem?: string;
  /** Breaks an operator accepted (`steward audit accept`), still counted so no one forgets them. */
  acceptedBreaks?: number;
}

interface Break {
  seq: number;
  problem: string;
}

/**
 * Walks the chain in seq order. Finds every record that was edited (its hash no longer matches),
 * removed (a gap in seq, or a prevHash that does not match its predecessor), or moved; after a break it
 * goes on from the record as stored, so later breaks are found too and a genuine acceptance can cover
 * them. The pins catch what the chain alone cannot: the newest records deleted together with the head,
 * or the chain rewritten consistently. A pin's problem cannot be accepted: the anchor is reset instead.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private lastSeq = 0;
  private count = 0;
  private open: Break[] = [];
  private accepted = 0;
  private refusals: string[] = [];
  private readonly pins: Map<number, Pin>;
  private readonly pinSeen = new Set<number>();
  private pinBreak: Break | null = null;
  private overflow: { first: Break; lastSeq: number; count: number } | null = null;

  constructor(pins: readonly Pin[] = [], private readonly acceptance: (r: StoredRecord) => Acceptance | null = () => null) {
    this.pins = new Map(pins.filter((p) => p.seq > 0).map((p) => [p.seq, p]));
  }

  add(record: StoredRecord): void {
    this.count++;
    let problem: string | null;
    try {
      problem = this.check(record);
    } catch (error) {
      // A corrupt row is a break like any other, never a crash of the verification.
      problem = `record ${record.seq} cannot be read: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (problem !== null) this.breakAt(Math.min(Number(record.seq) || this.expectedSeq, this.expectedSeq), problem);
    this.checkPin(record);
    // Go on from the record as stored: what follows it links to its stored hash.
    this.prevHash = record.hash;
    this.expectedSeq = Number(record.seq) + 1;
    this.lastSeq = Math.max(this.lastSeq, Number(record.seq));
    if (problem === null && record.type === "audit.accepted") this.accept(record);
  }

  finish(): Verification {
    const breaks: Break[] = [...this.open];
    if (this.overflow) breaks.push(this.overflow.first);
    if (this.pinBreak) breaks.push(this.pinBreak);
    for (const pin of this.pins.values()) {
      if (this.pinSeen.has(pin.seq)) continue;
      breaks.push(pin.seq > this.lastSeq
        ? { seq: this.lastSeq + 1, problem: `${pin.source} is record ${pin.seq} but the chain ends at ${this.lastSeq}: newest records were deleted` }
        : { seq: pin.seq, problem: `${pin.source} is record ${pin.seq}, which is missing from the chain: records were removed` });
    }
    const result: Verification = { ok: breaks.length === 0, entries: this.count, headSeq: this.lastSeq, headHash: this.prevHash };
    if (breaks.length > 0) {
      const first = breaks.reduce((a, b) => (b.seq < a.seq ? b : a));
      result.firstBadSeq = first.seq;
      result.problem = first.problem + (this.refusals.length > 0 ? ` (${this.refusals[0]})` : "");
    }
    if (this.accepted > 0) result.acceptedBreaks = this.accepted;
    return result;
  }

  private check(record: StoredRecord): string | null {
    if (record.seq !== this.expectedSeq) {
      return record.seq > this.expectedSeq
        ? `expected record ${this.expectedSeq} but found ${record.seq}: a record was removed`
        : `expected record ${this.expectedSeq} but found ${record.seq}: records were reordered`;
    }
    if (record.prevHash !== this.prevHash) return `record ${record.seq} does not follow record ${record.seq - 1}: its previous hash differs`;
    if (hashRecord(record.prevHash, record.seq, record, record.dataJson) !== record.hash && !canonicalFormMatches(record)) {
      return `record ${record.seq} was altered: its content no longer matches its hash`;
    }
    return null;
  }

  private checkPin(record: StoredRecord): void {
    const pin = this.pins.get(record.seq);
    if (!pin) return;
    this.pinSeen.add(pin.seq);
    if (record.hash !== pin.hash && !this.pinBreak) {
      this.pinBreak = { seq: record.seq, problem: `record ${record.seq} differs from ${pin.source}: the chain was rewritten at or before this record` };
    }
  }

  private accept(record: StoredRecord): void {
    const verdict = this.acceptance(record);
    if (!verdict) return;
    if ("refused" in verdict) {
      this.refusals.push(`the acceptance at record ${record.seq} does not count: ${verdict.refused}`);
      return;
    }
    const still = this.open.filter((b) => b.seq > verdict.through);
    this.accepted += this.open.length - still.length;
    this.open = still;
    if (this.overflow && this.overflow.lastSeq <= verdict.through) {
      this.accepted += this.overflow.count;
      this.overflow = null;
    }
  }

  private breakAt(seq: number, problem: string): void {
    // Bounded memory: a rewritten chain breaks at every record. Beyond the first thousand only the
    // range is kept, enough to tell whether an acceptance covers them all.
    if (this.open.length < 1000 && !this.overflow) this.open.push({ seq, problem });
    else if (!this.overflow) this.overflow = { first: { seq, problem }, lastSeq: seq, count: 1 };
    else {
      this.overflow.lastSeq = Math.max(this.overflow.lastSeq, seq);
      this.overflow.count++;
    }
  }
}

/**
 * Stores written before the stored text became the hashed text kept JSON.stringify's key order: their
 * data still means what was hashed. Tried only after the stored text failed; text that is not JSON fails.
 */
function canonicalFormMatches(record: StoredRecord): boolean {
  if (record.dataJson === undefined) return false;
  try {
    return hashRecord(record.prevHash, record.seq, record, canonicalJson(JSON.parse(record.dataJson))) === record.hash;
  } catch {
    return false;
  }
}

export function verifyChain(records: Iterable<StoredRecord>, anchor: Anchor | null, acceptance?: (r: StoredRecord) => Acceptance | null): Verification {
  const v = new ChainVerifier(anchor ? [{ ...anchor, source: "the anchored head" }] : [], acceptance);
  for (const r of records) v.add(r);
  return v.finish();
}
