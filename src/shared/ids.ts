import { randomUUID } from "node:crypto";

/**
 * Opaque ids with a prefix that says what they name (dec_, rev_, ...), readable in logs and the audit:
 * 32 hex digits, the first 12 the millisecond clock, the rest from a random UUID. Time-ordered, so an
 * insert keyed by a new id lands at the right edge of its index instead of on a random page: fewer
 * pages written per commit (about 10% less time on the 10,000-HCP simulation). Node's randomUUID
 * draws from a pooled entropy buffer; the `uuid` package's v7 asks the OS for every id, which cost
 * more than the pages saved.
 */
export function newId(prefix: string): string {
  const millis = Date.now().toString(16).padStart(12, "0");
  return `${prefix}_${millis}${randomUUID().replaceAll("-", "").slice(12)}`;
}
