// The one small context object every service receives: store, clock, audit anchor, governance.
import { sql } from "kysely";
import type { Store, Tx } from "../store/db.ts";
import type { Clock } from "./clock.ts";
import type { AuditAnchor } from "../audit/anchor.ts";
import type { AuditKeys } from "../audit/signing.ts";
import type { AuditEntry } from "../audit/chain.ts";
import { appendAudit } from "../audit/store.ts";
import type { ActiveGovernance } from "../governance/active.ts";

export interface Context {
  store: Store;
  clock: Clock;
  anchor: AuditAnchor;
  /** The audit signing key (external anchor, checkpoints, acceptances). */
  auditKeys: AuditKeys;
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
  /**
   * A unit of work inside this transaction (a savepoint), on behalf of `actor`: if `fn` throws, its
   * changes and its audit records are undone and the error is rethrown; the rest of the transaction
   * goes on. Several callers' work can so share one commit (group commit) without sharing failures.
   */
  nested<T>(actor: Actor, fn: (w: Write) => Promise<T>): Promise<T>;
}

/**
 * Every state change goes through here: the change and its audit records commit together or not at
 * all (the audit fails closed). The chain head moves to the anchor only after the commit.
 */
export async function write<T>(ctx: Context, actor: Actor, fn: (w: Write) => Promise<T>): Promise<T> {
  let head: { seq: number; hash: string } | null = null;
  const result = await ctx.store.db.transaction().execute(async (trx) => {
    const entries: AuditEntry[] = [];
    const value = await fn(unitOfWork(trx, ctx.clock.now(), actor, entries, 0));
    head = await appendAudit(ctx.store, trx, entries);
    return value;
  });
  if (head) ctx.anchor.advance(head);
  return result;
}

function unitOfWork(trx: Tx, now: Date, actor: Actor, entries: AuditEntry[], depth: number): Write {
  const at = now.toISOString();
  return {
    trx,
    now,
    actor,
    audit: (type, subject, data) => entries.push({ at, actor, type, subject, data }),
    async nested(childActor, fn) {
      // Named by depth, not by count: the same few statements are prepared once and reused, and a
      // savepoint name may repeat (release and rollback refer to the innermost of that name).
      const name = sql.raw(`unit_${depth + 1}`);
      const own: AuditEntry[] = [];
      await sql`savepoint ${name}`.execute(trx);
      try {
        const value = await fn(unitOfWork(trx, now, childActor, own, depth + 1));
        await sql`release savepoint ${name}`.execute(trx);
        entries.push(...own);
        return value;
      } catch (error) {
        await sql`rollback to savepoint ${name}`.execute(trx);
        await sql`release savepoint ${name}`.execute(trx);
        throw error;
      }
    },
  };
}
