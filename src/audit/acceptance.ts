// An operator's acceptance of a broken chain (`steward audit accept`): an `audit.accepted` record that
// says what verification found, who accepted it and why, signed with the audit signing key. It covers
// the breaks at or before the record it follows; the anchor is then reset at it. Signed, because a
// record in the database is what a database-only attacker can write: without the key it does not count.
import type { KeyObject } from "node:crypto";
import type { Acceptance, StoredRecord } from "./chain.ts";
import { signatureHolds, type AuditSigner } from "./signing.ts";

export const AUDIT_ACCEPTED = "audit.accepted";

export interface AcceptanceBody {
  /** The last record the acceptance covers: the head it was appended to. */
  through: number;
  /** That record's hash: the acceptance's own previous hash, so a signature cannot be moved elsewhere. */
  headHash: string;
  found: { firstBadSeq: number | null; problem: string; entries: number };
  /** The anchor as it stood (`state`, and `seq`/`hash` when it held a pair). */
  anchor: Record<string, unknown>;
  reason: string;
  operator: string;
}

export function signAcceptance(signer: AuditSigner, body: AcceptanceBody): AcceptanceBody & { signature: string } {
  return { ...body, signature: signer.sign(body) };
}

/** Judges an `audit.accepted` record for the verifier: genuine (its signature holds where it stands), or refused. */
export function acceptanceOf(publicKey: KeyObject | null): (record: StoredRecord) => Acceptance | null {
  return (record) => {
    if (record.type !== AUDIT_ACCEPTED) return null;
    if (!publicKey) return { refused: "there is no audit signing key to check its signature" };
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(record.dataJson ?? JSON.stringify(record.data)) as Record<string, unknown>;
    } catch {
      return { refused: "its data is not JSON" };
    }
    const { signature, ...body } = data ?? {};
    if (body.through !== record.seq - 1 || body.headHash !== record.prevHash) return { refused: "it was not appended where it was signed" };
    if (!signatureHolds(publicKey, body, signature)) return { refused: "its signature does not verify with the audit signing key" };
    return { through: record.seq - 1 };
  };
}
