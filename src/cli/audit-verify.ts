import { readFileSync } from "node:fs";
import type { KeyObject } from "node:crypto";
import { readSignedHead, type SignedHead } from "../audit/signed-head.ts";
import { readPublicKey } from "../audit/signing.ts";
import { verifyTrail } from "../audit/verification.ts";
import { openTrail } from "./audit-trail.ts";

interface VerifyOptions {
  data: string;
  checkpoint?: string;
  publicKey?: string;
}

export async function auditVerifyCommand(options: VerifyOptions): Promise<void> {
  const trail = await openTrail(options.data);
  try {
    let checkpoint: SignedHead | undefined;
    if (options.checkpoint) {
      const read = readCheckpoint(options.checkpoint, options.publicKey ? readPublicKey(options.publicKey) : trail.keys.publicKey());
      if (!read.ok) {
        process.stdout.write(`checkpoint ${options.checkpoint} REFUSED: ${read.problem}\n`);
        process.exitCode = 1;
        return;
      }
      checkpoint = read.head;
    }
    const result = await verifyTrail(trail.store.db, await trail.anchor.read(), trail.keys, checkpoint);
    if (result.ok) {
      const anchored = result.anchor ? `, anchored at ${result.anchor.seq} (${result.anchor.location})` : result.anchorState === "not-kept" ? ", no anchor kept" : ", no anchor yet (empty chain)";
      const held = checkpoint ? `; checkpoint at record ${checkpoint.seq} (${checkpoint.at}) holds` : "";
      const accepted = result.acceptedBreaks ? `; ${result.acceptedBreaks} break(s) accepted by an operator (see the audit.accepted records)` : "";
      process.stdout.write(`audit chain intact: ${result.entries} records, head ${result.headHash}${anchored}${held}${accepted}\n`);
    } else {
      process.stdout.write(result.firstBadSeq !== undefined ? `audit chain BROKEN at record ${result.firstBadSeq}: ${result.problem}\n` : `audit trail BROKEN: ${result.problem}\n`);
      process.exitCode = 1;
    }
  } finally {
    await trail.close();
  }
}

/** A checkpoint file as `steward audit checkpoint` writes it, its signature checked. */
function readCheckpoint(path: string, publicKey: KeyObject | null): { ok: true; head: SignedHead } | { ok: false; problem: string } {
  if (!publicKey) return { ok: false, problem: "there is no public key to check it with (give --public-key FILE)" };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    return { ok: false, problem: error instanceof SyntaxError ? "it is not JSON" : (error as Error).message };
  }
  return readSignedHead(value, publicKey);
}
