// Who wins when proposals in one batch compete for the same HCP's contact capacity
// (contact.yaml `arbitration`): the criteria in the bundle's order — agent priority, higher first;
// expected value, higher first, none last — then the order the proposals came in.
//
// The service decides a batch's proposals in arbitrate() order, each against the touches of the
// winners before it, and runs markConflictLost() on every one that the earlier winners cost its slot.
import type { ContactPolicy } from "../governance/bundle.ts";
import type { Reason } from "./reasons.ts";
import type { Touch } from "./snapshot.ts";
import type { CheckResult, Verdict } from "./verdict.ts";

/** What arbitration compares: the proposing agent's priority and the proposal's expected value. */
export interface Contender {
  priority: number;
  expectedValue: number | null;
}

function compareBy(criterion: ContactPolicy["arbitration"][number], a: Contender, b: Contender): number {
  switch (criterion) {
    case "priority":
      return b.priority - a.priority;
    case "expectedValue":
      if (a.expectedValue === b.expectedValue) return 0;
      if (a.expectedValue === null) return 1;
      if (b.expectedValue === null) return -1;
      return b.expectedValue - a.expectedValue;
    default: {
      const unreachable: never = criterion;
      throw new Error(`unknown arbitration criterion ${String(unreachable)}`);
    }
  }
}

/** The contenders, winners first. A new array; the input is untouched. */
export function arbitrate<T extends Contender>(contenders: readonly T[], order: ContactPolicy["arbitration"]): T[] {
  const indexed = contenders.map((c, index) => ({ c, index }));
  indexed.sort((a, b) => {
    for (const criterion of order) {
      const d = compareBy(criterion, a.c, b.c);
      if (d !== 0) return d;
    }
    return a.index - b.index;
  });
  return indexed.map((x) => x.c);
}

/**
 * `withRivals`: the proposal decided against the history plus the touches of the batch's earlier
 * winners; `withoutRivals`: the same proposal decided against the history alone, at the same moment.
 * When the rivals cost it its slot — alone it would have gone through (allowed, scheduled, or to review)
 * but with them it is refused (a cap, or no allowed moment before its notAfter) — it is rejected with
 * CONFLICT_LOST added to the reasons it already has. A loser the rivals only delay (the minimum gap or
 * quiet hours after a winner's touch) is deferred, not dropped: `withRivals` is then already `scheduled`
 * for its next allowed moment within notAfter, and is returned as it is, like every other verdict.
 */
export function markConflictLost(withRivals: Verdict, withoutRivals: Verdict, rivals: readonly Touch[] = []): Verdict {
  if (withoutRivals.outcome === "rejected" || withRivals.outcome !== "rejected") return withRivals;

  const agents = [...new Set(rivals.map((r) => r.agentId))];
  const conflict: Reason = {
    code: "CONFLICT_LOST",
    message:
      rivals.length === 0
        ? "Lost arbitration for the HCP's contact capacity to higher-ranked proposals in the same batch"
        : `Lost arbitration for the HCP's contact capacity to ${rivals.length} higher-ranked proposal(s) in the same batch (agent ${agents.join(", ")}; decision ${rivals.map((r) => r.decisionId).join(", ")})`,
  };
  const checks: CheckResult[] = withRivals.checks.map((c) =>
    c.check === "contact" ? { ...c, status: "fail", reasons: [...c.reasons, conflict] } : c,
  );
  return {
    outcome: "rejected",
    bundleVersion: withRivals.bundleVersion,
    decidedAt: withRivals.decidedAt,
    reasons: [...withRivals.reasons, conflict],
    checks,
    channel: withRivals.channel,
    exempt: withRivals.exempt,
  };
}
