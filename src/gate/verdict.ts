// What decide() returns. A discriminated union: a `scheduled` verdict cannot exist without its moment,
// a `pending_review` one without its reviewers, and none without the bundle version it was made under.
import type { Channel, ReviewerRole } from "../shared/vocabulary.ts";
import type { Reason } from "./reasons.ts";

export type CheckName = "agent" | "expiry" | "hcp" | "evidence" | "freshness" | "consent" | "content" | "personalization" | "authority" | "contact";

export interface CheckResult {
  check: CheckName;
  status: "pass" | "fail" | "hold" | "skipped";
  reasons: readonly Reason[];
  /** Inputs the check relied on (consent record ids, asset version, rule ids, counts), for the explanation. */
  evidence?: Record<string, unknown>;
}

interface VerdictBase {
  bundleVersion: string;
  decidedAt: Date;
  reasons: readonly Reason[];
  checks: readonly CheckResult[];
  channel: Channel;
  /** Exempt purposes hold no contact capacity. */
  exempt: boolean;
}

export type Verdict =
  | (VerdictBase & { outcome: "allowed" })
  | (VerdictBase & { outcome: "scheduled"; scheduledFor: Date })
  | (VerdictBase & { outcome: "pending_review"; reviewers: readonly ReviewerRole[] })
  | (VerdictBase & { outcome: "rejected" });

export type Outcome = Verdict["outcome"];
export const OUTCOMES = ["allowed", "scheduled", "pending_review", "rejected"] as const satisfies readonly Outcome[];
