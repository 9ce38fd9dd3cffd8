// The chain head kept outside the database, so that deleting the newest records together with the
// head row is still detected: whoever can rewrite the database cannot, by that alone, rewrite this file.
// It only moves forward; several processes may share it (server mode), so each write re-reads it first.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Anchor } from "./chain.ts";

export interface AuditAnchor {
  read(): Anchor | null;
  advance(head: Anchor): void;
  /** Where it lives, for the README and `steward audit verify` output. */
  readonly location: string | null;
}

export function fileAnchor(dataDir: string): AuditAnchor {
  const path = join(dataDir, "audit-head.json");
  let written = 0;
  const read = (): Anchor | null => {
    try {
      const parsed = JSON.parse(readFileSync(path, "utf8")) as Anchor;
      return typeof parsed.seq === "number" && typeof parsed.hash === "string" ? parsed : null;
    } catch {
      return null;
    }
  };
  return {
    location: path,
    read,
    advance(head) {
      if (head.seq <= written) return;
      const current = read();
      if (current && current.seq >= head.seq) {
        written = current.seq;
        return;
      }
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ seq: head.seq, hash: head.hash, at: new Date().toISOString() }));
      renameSync(tmp, path);
      written = head.seq;
    },
  };
}

/** For a store with no directory beside it: the chain is still verified, truncation is not. */
export const noAnchor: AuditAnchor = { location: null, read: () => null, advance: () => {} };
