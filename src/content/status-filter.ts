// Listing by status as of `now`. Expiry is computed, not stored, so the SQL filter mirrors statusAt():
// a stored row past its expiry lists as `expired` and not as what it was, unless it was closed for good.
import type { ExpressionBuilder } from "kysely";
import type { Database } from "../store/schema.ts";
import type { ContentStatus } from "./lifecycle.ts";

const FINAL = ["withdrawn", "rejected", "superseded"];

export function statusFilter<T extends "claims" | "assets">(eb: ExpressionBuilder<Database, T>, status: ContentStatus, nowIso: string) {
  // Both tables carry `status` and `expires_at`; Kysely cannot see that through the generic.
  const e = eb as unknown as ExpressionBuilder<Database, "claims">;
  switch (status) {
    case "withdrawn":
    case "rejected":
    case "superseded":
      return e("status", "=", status);
    case "expired":
      return e.and([e("status", "not in", FINAL), e("expires_at", "is not", null), e("expires_at", "<=", nowIso)]);
    case "draft":
    case "submitted":
    case "in_review":
    case "approved":
    case "changes_requested":
      return e.and([e("status", "=", status), e.or([e("expires_at", "is", null), e("expires_at", ">", nowIso)])]);
    default: {
      const never: never = status;
      throw new Error(`unknown content status ${String(never)}`);
    }
  }
}
