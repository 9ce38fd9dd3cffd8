// The one small context object every service receives: store, clock, audit anchor, governance.
import type { Store, Tx } from "../store/db.ts";
import type { Clock } from "./clock.ts";
import type { AuditAnchor } from "../audit/anchor.ts";
import type { AuditEntry } from "../audit/chain.ts";
import { appendAudit } from "../audit/store.ts";
import type { ActiveGovernance } from "../governance/active.ts";

export interface Context {
  store: Store;
  clock: Clock;
  anchor: AuditAnchor;
  governance: ActiveGovernance;
}

/** Who did it, as the audit records it: `user:<id>`, `agent:<id>`, `system`. */
export type Actor = string;

export interface Write {
  trx: Tx;
  now: Date;
  actor: Actor;
  /** Queue an audit record; it is appended in this same transaction, just before commit. */
  audit(type: string, subject: string, data: unknown): void;
}

/**
 * Every state change goes through here: the change and its audit records commit together or not at
 * all (the audit fails closed). The chain head moves to the anchor only after the commit.
 */
export async function write<T>(ctx: Context, actor: Actor, fn: (w: Write) => Promise<T>): Promise<T> {
  let head: { seq: number; hash: string } | null = null;
  const result = await ctx.store.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const entries: AuditEntry[] = [];
    const at = now.toISOString();
    const w: Write = {
      trx,
      now,
      actor,
      audit: (type, subject, data) => entries.push({ at, actor, type, subject, data }),
    };
    const value = await fn(w);
    head = await appendAudit(ctx.store, trx, entries);
    return value;
  });
  if (head) ctx.anchor.advance(head);
  return result;
}
