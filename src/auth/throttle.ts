// Password guessing, slowed down in the store: failed checks are counted per username and per client
// address in `auth_failures`, so every process serving one database counts the same guesses. From a
// key's few-th failure in a row on, each failure makes the next attempt wait — doubling, up to a short
// cap. There is no lockout: once the wait has passed, the right password works, so a stranger
// failing on purpose can delay the real user by the cap at most, never shut them out. While a key
// waits, attempts are refused without checking the password and are not counted.
import { sql } from "kysely";
import type { Db } from "../store/db.ts";
import { RetryLater } from "../shared/errors.ts";

export interface ThrottleRule {
  /** The failure in a row from which the next attempt must wait. */
  waitFrom: number;
  /** The wait after failure number `waitFrom`; each further failure doubles it. */
  baseMs: number;
  capMs: number;
  /** A correct password clears the count (per username: yes; per address: no, or one good account would reset a spray). */
  clearedBySuccess: boolean;
}

/** Guesses at one person's password, from anywhere (sign-in and e-signatures count together). */
export const PER_USERNAME: ThrottleRule = { waitFrom: 5, baseMs: 2_000, capMs: 30_000, clearedBySuccess: true };
/** Guesses from one address at any usernames: spraying one password across many names. */
export const PER_ADDRESS: ThrottleRule = { waitFrom: 20, baseMs: 2_000, capMs: 60_000, clearedBySuccess: false };
/** A count with no failure for this long starts again from zero. */
export const FORGET_AFTER_MS = 15 * 60_000;

export interface Counted {
  key: string;
  rule: ThrottleRule;
}

export const byUsername = (username: string): Counted => ({ key: `user:${username}`, rule: PER_USERNAME });
export const byAddress = (address: string): Counted => ({ key: `address:${address}`, rule: PER_ADDRESS });

/** How long the next attempt must wait after `failures` failures in a row. */
export function waitAfter(failures: number, rule: ThrottleRule): number {
  if (failures < rule.waitFrom) return 0;
  return Math.min(rule.capMs, rule.baseMs * 2 ** Math.min(failures - rule.waitFrom, 30));
}

/**
 * Runs `check` (a password comparison) unless one of `counted` must still wait — then 429
 * TOO_MANY_ATTEMPTS with Retry-After. The attempt is counted as a failure under every key before the
 * password is checked, so a burst of concurrent guesses cannot all slip through before the first is
 * counted; a passed check takes it back (and clears the keys whose rule says so).
 */
export async function throttledCheck(db: Db, now: Date, counted: Counted[], check: () => Promise<boolean>): Promise<boolean> {
  const waiting = await longestWait(db, counted.map((c) => c.key), now);
  if (waiting > 0) throw tooManyAttempts(waiting);
  const reserved: Counted[] = [];
  for (const c of counted) {
    // A concurrent attempt may have set a wait since the look above.
    const waitMs = await reserve(db, c, now);
    if (waitMs > 0) {
      for (const r of reserved) await refund(db, r);
      throw tooManyAttempts(waitMs);
    }
    reserved.push(c);
  }
  const passed = await check();
  if (passed) for (const c of counted) await (c.rule.clearedBySuccess ? clear(db, c) : refund(db, c));
  // Counts nobody has added to for a while are dropped, so guessed usernames do not pile up.
  else await db.deleteFrom("auth_failures").where("last_failed_at", "<", new Date(now.getTime() - FORGET_AFTER_MS).toISOString()).execute();
  return passed;
}

function tooManyAttempts(waitMs: number): RetryLater {
  const seconds = Math.ceil(waitMs / 1000);
  return new RetryLater("TOO_MANY_ATTEMPTS", `too many wrong passwords; try again in ${seconds} s`, seconds);
}

async function longestWait(db: Db, keys: string[], now: Date): Promise<number> {
  const rows = await db.selectFrom("auth_failures").select("blocked_until").where("key", "in", keys).where("blocked_until", ">", now.toISOString()).execute();
  return Math.max(0, ...rows.map((r) => Date.parse(r.blocked_until!) - now.getTime()));
}

/**
 * Counts one attempt under `key` unless the key must still wait (then how long, in ms; else 0). In one
 * transaction: the conditional increment locks the row (PostgreSQL) or the database (SQLite) until the
 * wait it implies is written, so concurrent attempts see it.
 */
async function reserve(db: Db, { key, rule }: Counted, now: Date): Promise<number> {
  const at = now.toISOString();
  const stale = new Date(now.getTime() - FORGET_AFTER_MS).toISOString();
  return db.transaction().execute(async (trx) => {
    await trx.insertInto("auth_failures").values({ key, failures: 0, last_failed_at: at, blocked_until: null }).onConflict((oc) => oc.column("key").doNothing()).execute();
    const row = await trx.updateTable("auth_failures")
      .set((eb) => ({
        failures: sql<number>`case when ${eb.ref("last_failed_at")} < ${stale} then 1 else ${eb.ref("failures")} + 1 end`,
        last_failed_at: at,
      }))
      .where("key", "=", key)
      .where((eb) => eb.or([eb("blocked_until", "is", null), eb("blocked_until", "<=", at)]))
      .returning("failures")
      .executeTakeFirst();
    if (!row) {
      const blocked = await trx.selectFrom("auth_failures").select("blocked_until").where("key", "=", key).executeTakeFirstOrThrow();
      return Math.max(1, Date.parse(blocked.blocked_until!) - now.getTime());
    }
    const waitMs = waitAfter(Number(row.failures), rule);
    await trx.updateTable("auth_failures").set({ blocked_until: waitMs > 0 ? new Date(now.getTime() + waitMs).toISOString() : null }).where("key", "=", key).execute();
    return 0;
  });
}

/** Takes back an attempt counted in advance (it passed, or it was refused under another key). */
async function refund(db: Db, { key, rule }: Counted): Promise<void> {
  await db.updateTable("auth_failures")
    .set((eb) => ({
      failures: sql<number>`${eb.ref("failures")} - 1`,
      // Below the threshold again, no wait is owed (a wait set by this very attempt is lifted).
      blocked_until: sql<string | null>`case when ${eb.ref("failures")} - 1 < ${rule.waitFrom} then null else ${eb.ref("blocked_until")} end`,
    }))
    .where("key", "=", key).where("failures", ">", 0).execute();
}

async function clear(db: Db, { key }: Counted): Promise<void> {
  await db.deleteFrom("auth_failures").where("key", "=", key).execute();
}
