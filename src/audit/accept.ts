// `steward audit accept`: an operator looked at a trail that fails verification and decides to go on
// from it. The decision goes into the chain (what was found, who, why; signed), and the anchor is
// reset at that record, so the server starts again and everything after it is guarded as before.
import { sql } from "kysely";
import type { Store } from "../store/db.ts";
import type { AuditAnchor } from "./anchor.ts";
import type { AuditKeys } from "./signing.ts";
import { AUDIT_ACCEPTED, signAcceptance } from "./acceptance.ts";
import { appendAudit } from "./store.ts";
import { GENESIS_HASH } from "./chain.ts";
import { verifyTrail, type TrailVerification } from "./verification.ts";

export type AcceptOutcome =
  | { outcome: "nothing-to-accept"; verification: TrailVerification }
  | { outcome: "accepted"; found: TrailVerification; seq: number; hash: string };

export async function acceptTrail(store: Store, anchor: AuditAnchor, keys: AuditKeys, decision: { reason: string; operator: string; at: Date }): Promise<AcceptOutcome> {
  const reading = await anchor.read();
  const found = await verifyTrail(store.db, reading, keys);
  if (found.ok) return { outcome: "nothing-to-accept", verification: found };
  const signer = keys.signer();
  const head = await store.db.transaction().execute(async (trx) => {
    // The head row locked (PostgreSQL) so no other process appends in between, then set at the newest
    // stored record: the acceptance follows the chain as it is, whatever was done to the head row.
    if (store.engine === "postgres") await sql`select seq from audit_head where id = 1 for update`.execute(trx);
    const last = await trx.selectFrom("audit_records").select(["seq", "hash"]).orderBy("seq", "desc").limit(1).executeTakeFirst();
    const row = { seq: Number(last?.seq ?? 0), hash: last?.hash ?? GENESIS_HASH };
    await trx.updateTable("audit_head").set(row).where("id", "=", 1).execute();
    const body = signAcceptance(signer, {
      through: Number(row.seq),
      headHash: row.hash,
      found: { firstBadSeq: found.firstBadSeq ?? null, problem: found.problem ?? "", entries: found.entries },
      anchor: reading.state === "anchored" ? { state: reading.state, location: reading.location, seq: reading.seq, hash: reading.hash } : { state: reading.state, ...("location" in reading ? { location: reading.location } : {}) },
      reason: decision.reason,
      operator: decision.operator,
    });
    return appendAudit(store, trx, [{ at: decision.at.toISOString(), actor: `operator:${decision.operator}`, type: AUDIT_ACCEPTED, subject: "audit:chain", data: body }]);
  });
  await anchor.reset(head!);
  return { outcome: "accepted", found, seq: head!.seq, hash: head!.hash };
}
