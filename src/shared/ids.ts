import { randomUUID } from "node:crypto";

/** Opaque ids with a prefix that says what they name (dec_, rev_, ...), readable in logs and the audit. */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll("-", "")}`;
}
