// The chain head kept outside the database, so that deleting the newest records together with the
// head row is still detected: whoever can rewrite the database cannot, by that alone, rewrite this file.
// It only moves forward; several processes may share it (server mode), so each write re-reads it first.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Anchor } from "./chain.ts";

export interface AuditAnchor {
  read(): Anchor | null;
  advance(head: Anchor): void;
  /** Writes any head still held in memory (on shutdown). */
  close(): void;
  /** Where it lives, for the README and `steward audit verify` output. */
  readonly location: string | null;
}

/**
 * Writing a file on every commit would cost more than the commit itself, so the newest head is kept in
 * memory and written at most every `intervalMs` (and on close): the anchor trails the chain by at most
 * that long. Verification only needs the anchored record to still be there.
 */
export function fileAnchor(dataDir: string, intervalMs = 100): AuditAnchor & { flush(): void; close(): void } {
  const path = join(dataDir, "audit-head.json");
  let written = 0;
  let pending: Anchor | null = null;
  let timer: NodeJS.Timeout | null = null;
  const read = (): Anchor | null => {
    try {
      const parsed = JSON.parse(readFileSync(path, "utf8")) as Anchor;
      return typeof parsed.seq === "number" && typeof parsed.hash === "string" ? parsed : null;
    } catch {
      return null;
    }
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const head = pending;
    pending = null;
    if (!head || head.seq <= written) return;
    // Several processes may share the file (server mode): never move it backwards.
    const current = read();
    if (current && current.seq >= head.seq) {
      written = current.seq;
      return;
    }
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ seq: head.seq, hash: head.hash, at: new Date().toISOString() }));
    renameSync(tmp, path);
    written = head.seq;
  };
  return {
    location: path,
    read() {
      flush();
      return read();
    },
    advance(head) {
      if (head.seq <= written || (pending && pending.seq >= head.seq)) return;
      pending = head;
      timer ??= setTimeout(flush, intervalMs);
    },
    flush,
    close: flush,
  };
}

/** For a store with no directory beside it: the chain is still verified, truncation is not. */
export const noAnchor: AuditAnchor = { location: null, read: () => null, advance: () => {}, close: () => {} };
