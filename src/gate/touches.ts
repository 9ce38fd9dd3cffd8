// What a verdict does to an HCP's contact history: the Touch it creates, if any. The service records
// it; tests and the simulator apply it to a touch list to replay a sequence of decisions.
import type { Touch } from "./snapshot.ts";
import type { Verdict } from "./verdict.ts";

/** When the verdict's action takes place (epoch ms): now if allowed, its moment if scheduled, else null. */
export function touchTime(verdict: Verdict): number | null {
  switch (verdict.outcome) {
    case "allowed":
      return verdict.decidedAt.getTime();
    case "scheduled":
      return verdict.scheduledFor.getTime();
    case "pending_review":
    case "rejected":
      return null;
    default: {
      const unreachable: never = verdict;
      throw new Error(`unknown outcome ${(unreachable as Verdict).outcome}`);
    }
  }
}

/** True when the verdict takes contact capacity: allowed or scheduled, and not for an exempt purpose. */
export function countsAgainstCaps(verdict: Verdict): boolean {
  return !verdict.exempt && touchTime(verdict) !== null;
}

/**
 * The touch an allowed or scheduled verdict creates (exempt ones are recorded too, marked exempt, and
 * never count); null for pending_review and rejected — a pending review holds no slot.
 */
export function touchFor(verdict: Verdict, decisionId: string, agentId: string): Touch | null {
  const at = touchTime(verdict);
  if (at === null) return null;
  return { at, channel: verdict.channel, exempt: verdict.exempt, decisionId, agentId };
}
