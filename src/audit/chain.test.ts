import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { canonicalJson } from "../shared/json.ts";
import { chainRecord, GENESIS_HASH, verifyChain, type AuditEntry, type AuditRecord, type StoredRecord } from "./chain.ts";
import { acceptanceOf, AUDIT_ACCEPTED, signAcceptance } from "./acceptance.ts";

const entryArb: fc.Arbitrary<AuditEntry> = fc.record({
  at: fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }).map((d) => d.toISOString()),
  actor: fc.constantFrom("system", "user:admin", "agent:nba", "user:mlr"),
  type: fc.constantFrom("decision.made", "agent.halted", "consent.granted", "review.approved"),
  subject: fc.string({ minLength: 1, maxLength: 20 }),
  data: fc.jsonValue(),
});

function build(entries: AuditEntry[]): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prev = GENESIS_HASH;
  entries.forEach((e, i) => {
    const r = chainRecord(prev, i + 1, e);
    out.push(r);
    prev = r.hash;
  });
  return out;
}

const headOf = (chain: AuditRecord[]) => ({ seq: chain[chain.length - 1]!.seq, hash: chain[chain.length - 1]!.hash });

describe("the audit hash chain", () => {
  it("hashes each record as SHA-256 of the previous hash, a newline and the record's canonical JSON", () => {
    fc.assert(fc.property(entryArb, fc.nat(), fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }), (entry, seq, prev) => {
      const body = canonicalJson({ seq, at: entry.at, actor: entry.actor, type: entry.type, subject: entry.subject, data: entry.data });
      const expected = createHash("sha256").update(prev).update("\n").update(body).digest("hex");
      expect(chainRecord(prev, seq, entry).hash).toBe(expected);
      expect(chainRecord(prev, seq, entry, canonicalJson(entry.data)).hash).toBe(expected);
    }));
  });

  it("verifies an untouched chain of any length, with its anchor", () => {
    fc.assert(fc.property(fc.array(entryArb, { minLength: 1, maxLength: 30 }), (entries) => {
      const chain = build(entries);
      const v = verifyChain(chain, headOf(chain));
      expect(v).toMatchObject({ ok: true, entries: chain.length, headHash: chain[chain.length - 1]!.hash });
    }));
  });

  it("finds the first edited record, whatever field was changed", () => {
    fc.assert(fc.property(
      fc.array(entryArb, { minLength: 1, maxLength: 30 }),
      fc.nat(),
      fc.constantFrom("at", "actor", "type", "subject", "data"),
      fc.string({ minLength: 1, maxLength: 10 }),
      (entries, pick, field, junk) => {
        const chain = build(entries);
        const i = pick % chain.length;
        const victim = { ...chain[i]! } as Record<string, unknown>;
        const forged = field === "data" ? { forged: junk, was: victim.data ?? null } : `${String(victim[field])}${junk}`;
        victim[field] = forged;
        const edited = [...chain];
        edited[i] = victim as unknown as AuditRecord;
        const v = verifyChain(edited, headOf(chain));
        expect(v.ok).toBe(false);
        expect(v.firstBadSeq).toBe(i + 1);
      },
    ));
  });

  it("detects an edited record even when the forger re-hashes it (the next link breaks)", () => {
    fc.assert(fc.property(fc.array(entryArb, { minLength: 2, maxLength: 30 }), fc.nat(), (entries, pick) => {
      const chain = build(entries);
      const i = pick % (chain.length - 1);
      const edited = [...chain];
      edited[i] = chainRecord(chain[i]!.prevHash, chain[i]!.seq, { ...chain[i]!, subject: chain[i]!.subject + "!" });
      const v = verifyChain(edited, headOf(chain));
      expect(v.ok).toBe(false);
      expect(v.firstBadSeq).toBe(i + 2);
    }));
  });

  it("detects any removed record, including the newest ones (through the anchor)", () => {
    fc.assert(fc.property(fc.array(entryArb, { minLength: 1, maxLength: 30 }), fc.nat(), (entries, pick) => {
      const chain = build(entries);
      const i = pick % chain.length;
      const removed = chain.filter((_, j) => j !== i);
      const v = verifyChain(removed, headOf(chain));
      expect(v.ok).toBe(false);
      expect(v.firstBadSeq).toBe(i + 1);
    }));
  });

  it("detects two records swapped", () => {
    fc.assert(fc.property(fc.array(entryArb, { minLength: 2, maxLength: 30 }), fc.nat(), fc.nat(), (entries, a, b) => {
      const chain = build(entries);
      const i = a % chain.length;
      const j = b % chain.length;
      fc.pre(i !== j);
      const swapped = [...chain];
      [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
      const v = verifyChain(swapped, headOf(chain));
      expect(v.ok).toBe(false);
      expect(v.firstBadSeq).toBe(Math.min(i, j) + 1);
    }));
  });

  it("cannot see a deleted tail without an anchor — which is why the head is anchored outside the database", () => {
    const chain = build([{ at: "2026-01-01T00:00:00.000Z", actor: "system", type: "t", subject: "s", data: 1 }, { at: "2026-01-01T00:00:01.000Z", actor: "system", type: "t", subject: "s", data: 2 }]);
    expect(verifyChain(chain.slice(0, 1), null).ok).toBe(true);
    expect(verifyChain(chain.slice(0, 1), headOf(chain)).ok).toBe(false);
  });
});

describe("the chain as stored, and operators' acceptances", () => {
  const stored = (chain: AuditRecord[]): StoredRecord[] => chain.map((r) => ({ ...r, dataJson: canonicalJson(r.data) }));
  const keys = generateKeyPairSync("ed25519");
  const signer = { keyPath: "test", publicKey: keys.publicKey, publicKeyPem: "", sign: (v: unknown) => sign(null, Buffer.from(canonicalJson(v)), keys.privateKey).toString("base64") };

  /** Appends a signed acceptance of everything so far, as `steward audit accept` does. */
  function accept(chain: StoredRecord[], by = signer): StoredRecord[] {
    const last = chain[chain.length - 1]!;
    const data = signAcceptance(by, { through: last.seq, headHash: last.hash, found: { firstBadSeq: 1, problem: "p", entries: chain.length }, anchor: { state: "anchored" }, reason: "r", operator: "o" });
    const r = chainRecord(last.hash, last.seq + 1, { at: last.at, actor: "operator:o", type: AUDIT_ACCEPTED, subject: "audit:chain", data });
    return [...chain, { ...r, dataJson: canonicalJson(data) }];
  }

  const sameMeaning = (a: string, b: string) => {
    try {
      return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
    } catch {
      return false;
    }
  };

  it("finds any change to what a record says, its stored data text included, even text that is not JSON", () => {
    fc.assert(fc.property(fc.array(entryArb, { minLength: 1, maxLength: 20 }), fc.nat(), fc.constantFrom("at", "actor", "type", "subject", "dataJson"), fc.oneof(fc.string({ maxLength: 12 }), fc.json()), (entries, pick, field, text) => {
      const chain = stored(build(entries));
      const i = pick % chain.length;
      const victim = { ...chain[i]! } as Record<string, unknown>;
      fc.pre(victim[field] !== text && !(field === "dataJson" && sameMeaning(text, victim.dataJson as string)));
      victim[field] = text;
      const edited = [...chain];
      edited[i] = victim as unknown as StoredRecord;
      const v = verifyChain(edited, headOf(chain));
      expect(v).toMatchObject({ ok: false, firstBadSeq: i + 1 });
    }));
  });

  it("lets a genuine acceptance cover the breaks before it, never one after it", () => {
    fc.assert(fc.property(fc.array(entryArb, { minLength: 2, maxLength: 20 }), fc.array(entryArb, { minLength: 1, maxLength: 5 }), fc.nat(), (entries, more, pick) => {
      const chain = stored(build(entries));
      const i = pick % chain.length;
      chain[i] = { ...chain[i]!, subject: chain[i]!.subject + "!" };
      const accepted = accept(chain);
      const judge = acceptanceOf(keys.publicKey);
      const head = accepted[accepted.length - 1]!;
      expect(verifyChain(accepted, head, judge)).toMatchObject({ ok: true, acceptedBreaks: 1, headSeq: head.seq });
      // A later edit is not covered.
      let prev = head.hash;
      const tail = more.map((e, k) => {
        const r = chainRecord(prev, head.seq + 1 + k, e);
        prev = r.hash;
        return r;
      });
      const later = [...accepted, ...tail];
      later[later.length - 1] = { ...later[later.length - 1]!, actor: "user:mallory" };
      expect(verifyChain(later, null, judge)).toMatchObject({ ok: false, firstBadSeq: head.seq + more.length });
    }));
  });

  it("does not count an acceptance signed with another key, or moved elsewhere", () => {
    const chain = stored(build([1, 2, 3].map((n) => ({ at: "2026-01-01T00:00:00.000Z", actor: "system", type: "t", subject: "s", data: n }))));
    chain[0] = { ...chain[0]!, actor: "user:mallory" };
    const other = generateKeyPairSync("ed25519");
    const forged = accept(chain, { ...signer, sign: (v: unknown) => sign(null, Buffer.from(canonicalJson(v)), other.privateKey).toString("base64") });
    const v = verifyChain(forged, null, acceptanceOf(keys.publicKey));
    expect(v).toMatchObject({ ok: false, firstBadSeq: 1 });
    expect(v.problem).toContain("the acceptance at record 4 does not count: its signature does not verify");
    expect(verifyChain(accept(chain), null, acceptanceOf(null)).problem).toContain("there is no audit signing key");
  });

  it("still verifies records stored before the stored text was the hashed text (other key order, same data)", () => {
    const chain = stored(build([{ at: "2026-01-01T00:00:00.000Z", actor: "system", type: "t", subject: "s", data: { b: 1, a: { d: 2, c: 3 } } }]));
    const legacy = [{ ...chain[0]!, dataJson: JSON.stringify({ b: 1, a: { d: 2, c: 3 } }) }];
    expect(legacy[0]!.dataJson).not.toBe(canonicalJson(legacy[0]!.data));
    expect(verifyChain(legacy, headOf(chain)).ok).toBe(true);
    expect(verifyChain([{ ...legacy[0]!, dataJson: JSON.stringify({ b: 2, a: { d: 2, c: 3 } }) }], headOf(chain)).firstBadSeq).toBe(1);
  });
});
