import { writeFileSync } from "node:fs";
import { signHead } from "../audit/signed-head.ts";
import { publicKeyPath } from "../audit/signing.ts";
import { verifyTrail } from "../audit/verification.ts";
import { openTrail } from "./audit-trail.ts";

interface CheckpointOptions {
  data: string;
  out?: string;
}

/** A signed checkpoint of a verified chain, for an auditor to keep elsewhere. */
export async function auditCheckpointCommand(options: CheckpointOptions): Promise<void> {
  const trail = await openTrail(options.data);
  try {
    const result = await verifyTrail(trail.store.db, await trail.anchor.read(), trail.keys);
    if (!result.ok) {
      process.stdout.write(`no checkpoint: the audit chain is BROKEN${result.firstBadSeq !== undefined ? ` at record ${result.firstBadSeq}` : ""}: ${result.problem}\n`);
      process.exitCode = 1;
      return;
    }
    const signer = trail.keys.signer();
    const text = JSON.stringify(signHead(signer, { seq: result.headSeq, hash: result.headHash }, new Date().toISOString()), null, 2) + "\n";
    if (options.out) {
      writeFileSync(options.out, text);
      process.stdout.write(`checkpoint at record ${result.headSeq} written to ${options.out}; check it with the public key ${publicKeyPath(signer.keyPath)}\n`);
    } else {
      process.stdout.write(text);
    }
  } finally {
    await trail.close();
  }
}
