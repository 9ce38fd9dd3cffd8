// The chain head kept outside the database, so that deleting the newest records together with the
// head row, or rewriting the chain, is still detected: whoever can rewrite the database cannot, by that
// alone, rewrite the anchor. It only moves forward, and only from a pair the database still holds:
// before each advance the anchored record is read back (one indexed SELECT by seq, at flush time);
// if it no longer holds the anchored hash the anchor stays where it is and the tampering is reported.
// Where it lives: a file (the data directory, or a shared path in server mode) or an HTTP endpoint
// receiving signed heads. Several processes may share it: each advance re-reads it under a lock.
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Db, Store } from "../store/db.ts";
import type { Anchor } from "./chain.ts";
import { readSignedHead, signHead } from "./signed-head.ts";
import type { AuditSigner } from "./signing.ts";

/** What the anchor holds, as read just now. */
export type AnchorReading =
  | { state: "not-kept" }
  | { state: "missing"; location: string }
  | { state: "unreadable"; location: string; problem: string }
  /** An external anchor that did not answer: not evidence of tampering, but nothing is vouched for. */
  | { state: "unreachable"; location: string; problem: string }
  | { state: "anchored"; location: string; seq: number; hash: string; at?: string };

export interface AuditAnchor {
  /** Where it lives, for `steward audit verify` and the API; null when no anchor is kept. */
  readonly location: string | null;
  /** The anchor as it stands now (the newest head this process committed is written first). */
  read(): Promise<AnchorReading>;
  /** After a commit: remembers the new head, written at the next flush. The hot path: memory only. */
  advance(head: Anchor): void;
  /** Writes the newest head, after re-checking the anchored pair against the database. */
  flush(): Promise<void>;
  /** Sets the anchor at `head` whatever it held: `steward audit accept`, after an operator's decision. */
  reset(head: Anchor): Promise<void>;
  /** Writes any head still held in memory (on shutdown). */
  close(): Promise<void>;
  /** From now on a missing anchor is tampering, not a fresh store (this process has seen one). */
  expectAnchor(): void;
  /** The tampering this process noticed while advancing, if any. */
  readonly tampering: string | null;
}

/** Where an anchor is kept: reads and writes one pair; `exclusive` orders processes that share it. */
export interface AnchorPlace {
  readonly location: string;
  read(): Promise<AnchorReading>;
  /** `reset`: an operator's re-anchoring, which may move it backwards. */
  write(head: Anchor, at: string, reset?: boolean): Promise<void>;
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

export interface AnchorOptions {
  /** Writing on every commit would cost more than the commit: the anchor trails the chain by at most this. */
  intervalMs?: number;
  /** Told of tampering (once) and of a failed write (default: a line on stderr). */
  report?: (message: string) => void;
  now?: () => Date;
}

/** Which anchor a store uses: STEWARD_AUDIT_ANCHOR_URL, else STEWARD_AUDIT_ANCHOR_PATH, else the data directory's file. */
export function anchorPlaceFor(dataDir: string | null, env: NodeJS.ProcessEnv, signer: () => AuditSigner): AnchorPlace | null {
  if (env.STEWARD_AUDIT_ANCHOR_URL) return urlPlace(env.STEWARD_AUDIT_ANCHOR_URL, signer());
  const path = env.STEWARD_AUDIT_ANCHOR_PATH || (dataDir ? join(dataDir, "audit-head.json") : null);
  return path ? filePlace(path) : null;
}

export function auditAnchor(db: Db, place: AnchorPlace | null, options: AnchorOptions = {}): AuditAnchor {
  if (!place) return noAnchor;
  const intervalMs = options.intervalMs ?? 100;
  const now = options.now ?? (() => new Date());
  const report = options.report ?? ((message: string) => process.stderr.write(`steward: ${message}\n`));
  let written = 0;
  let pending: Anchor | null = null;
  let timer: NodeJS.Timeout | null = null;
  let expectExisting = false;
  let tampering: string | null = null;
  // One flush at a time in this process; the place's lock orders processes.
  let flushing: Promise<void> = Promise.resolve();

  const tamper = (message: string) => {
    if (tampering) return;
    tampering = message;
    report(message);
  };

  const requeue = (head: Anchor) => {
    const waiting = pending as Anchor | null;
    if (!waiting || waiting.seq < head.seq) pending = head;
  };

  const flushOnce = async () => {
    const head = pending;
    pending = null;
    if (!head || head.seq <= written || tampering) return;
    try {
      await place.exclusive(async () => {
        const current = await place.read();
        switch (current.state) {
          case "not-kept":
            return;
          case "unreachable":
            // Try again at the next flush (or close): an unanswered endpoint is no proof of anything.
            requeue(head);
            return;
          case "unreadable":
            tamper(`the audit anchor at ${current.location} cannot be read (${current.problem}); it is not advanced`);
            return;
          case "missing":
            if (expectExisting) {
              tamper(`the audit anchor at ${current.location} has disappeared; it is not recreated`);
              return;
            }
            break;
          case "anchored": {
            const stored = await db.selectFrom("audit_records").select("hash").where("seq", "=", current.seq).executeTakeFirst();
            if (current.seq > 0 && stored?.hash !== current.hash) {
              tamper(`audit record ${current.seq} ${stored ? "no longer holds" : "is gone, it held"} the anchored hash ${current.hash.slice(0, 12)}…: the chain was rewritten; the anchor at ${current.location} is not advanced`);
              return;
            }
            // Several processes share it: never move it backwards.
            if (current.seq >= head.seq) {
              written = current.seq;
              expectExisting = true;
              return;
            }
            break;
          }
          default:
            current satisfies never;
        }
        await place.write(head, now().toISOString());
        written = head.seq;
        expectExisting = true;
      });
    } catch (error) {
      requeue(head);
      report(`the audit anchor at ${place.location} could not be advanced: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    flushing = flushing.then(flushOnce);
    return flushing;
  };

  return {
    location: place.location,
    get tampering() {
      return tampering;
    },
    async read() {
      await flush();
      return place.read();
    },
    advance(head) {
      if (head.seq <= written || (pending && pending.seq >= head.seq)) return;
      pending = head;
      timer ??= setTimeout(() => void flush(), intervalMs);
    },
    flush,
    async reset(head) {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
      await flushing;
      await place.exclusive(() => place.write(head, now().toISOString(), true));
      written = head.seq;
      expectExisting = true;
      tampering = null;
    },
    close: flush,
    expectAnchor() {
      expectExisting = true;
    },
  };
}

/** For a store with no anchor kept: the chain is still verified, truncation is not. */
export const noAnchor: AuditAnchor = {
  location: null,
  tampering: null,
  read: async () => ({ state: "not-kept" }),
  advance: () => {},
  flush: async () => {},
  reset: async () => {},
  close: async () => {},
  expectAnchor: () => {},
};

/** A JSON file `{seq, hash, at}`, replaced atomically (write + rename) under a lock file. */
export function filePlace(path: string, lockStaleMs = 10_000): AnchorPlace {
  const lock = `${path}.lock`;
  return {
    location: path,
    async read() {
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return { state: "missing", location: path };
        return { state: "unreadable", location: path, problem: (error as Error).message };
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return { state: "unreadable", location: path, problem: "it is not JSON" };
      }
      const p = parsed as Record<string, unknown> | null;
      if (typeof p !== "object" || p === null || !Number.isSafeInteger(p.seq) || (p.seq as number) < 0 || typeof p.hash !== "string" || !/^[0-9a-f]{64}$/.test(p.hash)) {
        return { state: "unreadable", location: path, problem: "it does not hold {seq, hash}" };
      }
      return { state: "anchored", location: path, seq: p.seq as number, hash: p.hash, ...(typeof p.at === "string" ? { at: p.at } : {}) };
    },
    async write(head, at) {
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ seq: head.seq, hash: head.hash, at }));
      renameSync(tmp, path);
    },
    async exclusive(fn) {
      for (let attempt = 0; ; attempt++) {
        try {
          closeSync(openSync(lock, "wx"));
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
          // A holder that died leaves its lock behind; no live holder keeps it for seconds.
          try {
            if (Date.now() - statSync(lock).mtimeMs > lockStaleMs) unlinkSync(lock);
          } catch {
            // gone meanwhile: try again
          }
          if (attempt > 2000) throw new Error(`the anchor's lock ${lock} is held for too long`);
          await sleep(5);
        }
      }
      try {
        return await fn();
      } finally {
        try {
          unlinkSync(lock);
        } catch {
          // removed as stale by another process: nothing to release
        }
      }
    },
  };
}

/**
 * An HTTP endpoint holding signed heads: POST `{seq, hash, at, signature}`, GET the latest it holds
 * (404 while it holds none). It must never go backwards (a POST with a lower seq than it holds gets
 * 409, unless the signed body says `reset: true`), which is what orders processes sharing it; the
 * signature keeps it from being fed by anyone else.
 */
export function urlPlace(url: string, signer: AuditSigner, timeoutMs = 5000): AnchorPlace {
  return {
    location: url,
    async read() {
      let res: Response;
      try {
        res = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        return { state: "unreachable", location: url, problem: (error as Error).message };
      }
      if (res.status === 404) return { state: "missing", location: url };
      if (!res.ok) return { state: "unreachable", location: url, problem: `it answered ${res.status}` };
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        return { state: "unreadable", location: url, problem: "it did not answer JSON" };
      }
      const head = readSignedHead(body, signer.publicKey);
      if (!head.ok) return { state: "unreadable", location: url, problem: head.problem };
      return { state: "anchored", location: url, seq: head.head.seq, hash: head.head.hash, at: head.head.at };
    },
    async write(head, at, reset = false) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(signHead(signer, head, at, reset)),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // 409: another process got further meanwhile.
      if (!res.ok && (reset || res.status !== 409)) throw new Error(`the external anchor ${url} answered ${res.status}`);
    },
    exclusive: (fn) => fn(),
  };
}

/** The store's anchor as `openContext` and the command-line tools build it. */
export function storeAnchor(store: Store, env: NodeJS.ProcessEnv, signer: () => AuditSigner, options?: AnchorOptions): AuditAnchor {
  return auditAnchor(store.db, anchorPlaceFor(store.dataDir, env, signer), options);
}
