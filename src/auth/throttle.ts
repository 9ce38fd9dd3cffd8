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
 * TOO_MANY_ATTEMPTS with Retry-After. A failed check is counted under every key; a passed one clears
 * the keys whose rule says so.
 */
export async function throttledCheck(db: Db, now: Date, counted: Counted[], check: () => Promise<boolean>): Promise<boolean> {
  const waitMs = await waiting(db, counted.map((c) => c.key), now);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    throw new RetryLater("TOO_MANY_ATTEMPTS", `too many wrong passwords; try again in ${seconds} s`, seconds);
  }
  const passed = await check();
  if (passed) {
    const cleared = counted.filter((c) => c.rule.clearedBySuccess).map((c) => c.key);
    if (cleared.length > 0) await db.deleteFrom("auth_failures").where("key", "in", cleared).execute();
  } else {
    for (const c of counted) await countFailure(db, c, now);
  }
  return passed;
}

async function waiting(db: Db, keys: string[], now: Date): Promise<number> {
  const rows = await db.selectFrom("auth_failures").select("blocked_until").where("key", "in", keys).where("blocked_until", ">", now.toISOString()).execute();
  return Math.max(0, ...rows.map((r) => Date.parse(r.blocked_until!) - now.getTime()));
}

/** One more failure under `key`, counted atomically in the store (concurrent failures all count). */
async function countFailure(db: Db, { key, rule }: Counted, now: Date): Promise<void> {
  const at = now.toISOString();
  const stale = new Date(now.getTime() - FORGET_AFTER_MS).toISOString();
  const row = await db
    .insertInto("auth_failures")
    .values({ key, failures: 1, last_failed_at: at, blocked_until: null })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet((eb) => ({
        failures: sql<number>`case when ${eb.ref("auth_failures.last_failed_at")} < ${stale} then 1 else ${eb.ref("auth_failures.failures")} + 1 end`,
        last_failed_at: at,
      })),
    )
    .returning("failures")
    .executeTakeFirstOrThrow();
  const waitMs = waitAfter(Number(row.failures), rule);
  if (waitMs > 0) {
    const until = new Date(now.getTime() + waitMs).toISOString();
    // Never shortens a wait a concurrent failure already set.
    await db.updateTable("auth_failures").set({ blocked_until: until }).where("key", "=", key)
      .where((eb) => eb.or([eb("blocked_until", "is", null), eb("blocked_until", "<", until)])).execute();
  }
  // Counts nobody has added to for a while are dropped, so guessed usernames do not pile up.
  await db.deleteFrom("auth_failures").where("last_failed_at", "<", stale).execute();
}
