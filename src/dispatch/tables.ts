// Tables owned by src/dispatch (dispatch attempts and deliveries). Part of the one Database interface (src/store/schema.ts).
import type { Generated } from "kysely";

/**
 * One row per time an outbox item was handed to a channel adapter (or found already delivered):
 * the history an inspector reads, and the source of dispatch latency and failure metrics.
 */
export interface DispatchAttemptsTable {
  outbox_id: string;
  /** 1, 2, ...: the outbox row's `attempts` counter at the claim that made this attempt. */
  attempt: number;
  decision_id: string;
  /** smtp | webhook | file */
  adapter: string;
  /** Which dispatcher process made it (host:pid:nonce). */
  worker: string;
  started_at: string;
  at: string;
  /** sent | failed | dead */
  status: string;
  error: string | null;
}

export interface DispatchTables {
  dispatch_attempts: DispatchAttemptsTable;
}

// The outbox row itself carries its dispatch state (migration 003 adds these columns): claiming an item
// is then one conditional UPDATE of one row, never a join. Declared here, beside the code that owns
// them; nullable or generated, so the gate's inserts need not name them.
declare module "../store/schema.ts" {
  interface OutboxTable {
    /** How many times a dispatcher has claimed the item; the fencing token of the current claim. */
    attempts: Generated<number>;
    /** Which dispatcher holds the claim while the item is `sending`. */
    lease_owner: string | null;
    /** After this moment a `sending` item is presumed abandoned (its dispatcher crashed) and may be claimed again. */
    lease_until: string | null;
    /** When the channel adapter accepted it: the end of dispatch latency. */
    sent_at: string | null;
    /** Migration 007, set when sent: the message as it left (JSON `{subject?, text}`), SHA-256 hex of its text, and the approved render it came from (JSON `{assetId, version, hash}`). */
    message: string | null;
    message_hash: string | null;
    approved: string | null;
  }
}
