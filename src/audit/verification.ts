// Verifying the audit trail as a whole: the chain, its anchor, an auditor's checkpoint, and the
// operators' signed acceptances. What the API, `steward audit verify` and the server's start share.
import type { Db } from "../store/db.ts";
import type { Pin, Verification } from "./chain.ts";
import type { AnchorReading } from "./anchor.ts";
import type { AuditKeys } from "./signing.ts";
import type { SignedHead } from "./signed-head.ts";
import { acceptanceOf } from "./acceptance.ts";
import { verifyAudit } from "./store.ts";

export interface TrailVerification extends Verification {
  /** The anchored pair, when the anchor holds one. */
  anchor: { seq: number; hash: string; at?: string; location: string } | null;
  anchorState: AnchorReading["state"];
}

export async function verifyTrail(db: Db, reading: AnchorReading, keys: AuditKeys, checkpoint?: SignedHead): Promise<TrailVerification> {
  const pins: Pin[] = [];
  if (reading.state === "anchored") pins.push({ seq: reading.seq, hash: reading.hash, source: `the anchored head (${reading.location})` });
  if (checkpoint) pins.push({ seq: checkpoint.seq, hash: checkpoint.hash, source: `the checkpoint of ${checkpoint.at}` });
  let publicKey = null;
  let keyProblem: string | null = null;
  try {
    publicKey = keys.publicKey();
  } catch (error) {
    keyProblem = (error as Error).message;
  }
  const chain = await verifyAudit(db, pins, acceptanceOf(publicKey));
  const result: TrailVerification = {
    ...chain,
    anchor: reading.state === "anchored" ? { seq: reading.seq, hash: reading.hash, ...(reading.at ? { at: reading.at } : {}), location: reading.location } : null,
    anchorState: reading.state,
  };
  const anchorProblem = problemOf(reading, chain.entries);
  if (anchorProblem) {
    result.ok = false;
    result.problem = result.problem ? `${result.problem}; and ${anchorProblem}` : anchorProblem;
  }
  if (!result.ok && keyProblem) result.problem += ` (${keyProblem})`;
  return result;
}

/** What is wrong with the anchor itself; an empty chain needs none (a fresh store). */
function problemOf(reading: AnchorReading, entries: number): string | null {
  switch (reading.state) {
    case "not-kept":
    case "anchored":
      return null;
    case "missing":
      return entries > 0 ? `the audit anchor ${reading.location} is missing but the chain holds ${entries} records: the newest records cannot be vouched for (was the anchor deleted?)` : null;
    case "unreadable":
      return `the audit anchor ${reading.location} cannot be read: ${reading.problem}`;
    case "unreachable":
      return `the audit anchor ${reading.location} did not answer (${reading.problem}): the newest records cannot be vouched for`;
    default:
      return reading satisfies never;
  }
}
