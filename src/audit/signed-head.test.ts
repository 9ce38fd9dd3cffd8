import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSignedHead, signHead } from "./signed-head.ts";
import { loadSigner, publicKeyPath, readPublicKey } from "./signing.ts";

describe("signed heads", () => {
  const dir = mkdtempSync(join(tmpdir(), "steward-keys-"));
  const signer = loadSigner(join(dir, "audit-signing-key.pem"), true)!;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("makes the key pair on first use, and loads the same one after", () => {
    expect(readFileSync(publicKeyPath(signer.keyPath), "utf8")).toBe(signer.publicKeyPem);
    expect(loadSigner(signer.keyPath, true)!.publicKeyPem).toBe(signer.publicKeyPem);
    expect(loadSigner(join(dir, "none.pem"), false)).toBeNull();
  });

  it("verifies with the public key, and refuses any change to seq, hash, at or reset", () => {
    const publicKey = readPublicKey(publicKeyPath(signer.keyPath));
    const hex = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 });
    fc.assert(fc.property(fc.nat(), hex, fc.boolean(), fc.constantFrom("seq", "hash", "at", "reset"), hex, (seq, hash, reset, field, other) => {
      const head = signHead(signer, { seq, hash }, "2026-12-02T10:00:00.000Z", reset);
      expect(readSignedHead(head, publicKey)).toEqual({ ok: true, head });
      const changed: Record<string, unknown> = { ...head };
      if (field === "seq") changed.seq = seq + 1;
      if (field === "hash") {
        fc.pre(other !== hash);
        changed.hash = other;
      }
      if (field === "at") changed.at = "2026-12-02T10:00:00.001Z";
      if (field === "reset") changed.reset = reset ? undefined : true;
      expect(readSignedHead(changed, publicKey)).toEqual({ ok: false, problem: "its signature does not verify with the audit signing key" });
    }), { numRuns: 50 });
  });

  it("says what is wrong with something that is not a signed head", () => {
    const publicKey = signer.publicKey;
    expect(readSignedHead("x", publicKey)).toEqual({ ok: false, problem: "it is not a JSON object" });
    expect(readSignedHead({ seq: -1 }, publicKey)).toMatchObject({ problem: "its seq is not a non-negative integer" });
    expect(readSignedHead({ seq: 1, hash: "zz" }, publicKey)).toMatchObject({ problem: "its hash is not 64 hex digits" });
  });
});
