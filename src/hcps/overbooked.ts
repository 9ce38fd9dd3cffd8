// After a merge, one HCP may hold two records' pending sends: both booked as if the other did not
// exist (the same email to the same person at the same moment). Which pending touches the merged
// identity's contact policy no longer admits. Pure.
import type { ContactPolicy } from "../governance/bundle.ts";
import { countedTouches, peakAround } from "../gate/checks/contact.ts";
import type { Touch } from "../gate/snapshot.ts";
import type { Reason } from "../gate/reasons.ts";
import { formatDuration, formatInstant } from "../gate/checks/format.ts";

/**
 * Touches already sent stand (they happened); pending ones are admitted again in time order, each
 * against every touch that stands so far — the same gap and window rules as the gate (contact.ts).
 * Returns the refused pending touches with their reason.
 */
export function overbooked(touches: readonly Touch[], pending: ReadonlySet<string>, policy: ContactPolicy): Map<string, Reason> {
  const counted = countedTouches(touches);
  const kept: Touch[] = counted.filter((t) => !pending.has(t.decisionId));
  const refused = new Map<string, Reason>();
  for (const t of counted) {
    if (!pending.has(t.decisionId)) continue;
    const reason = refusal(kept, t, policy);
    if (reason) {
      refused.set(t.decisionId, reason);
      continue;
    }
    let i = kept.length;
    while (i > 0 && kept[i - 1]!.at > t.at) i--;
    kept.splice(i, 0, t);
  }
  return refused;
}

function refusal(kept: readonly Touch[], t: Touch, policy: ContactPolicy): Reason | null {
  const near = policy.minGapMs > 0 ? kept.find((x) => Math.abs(x.at - t.at) < policy.minGapMs) : undefined;
  if (near) {
    return { code: "MIN_GAP", message: `after the merge, decision ${t.decisionId} at ${formatInstant(t.at)} is within ${formatDuration(policy.minGapMs)} of decision ${near.decisionId} at ${formatInstant(near.at)} for the same HCP` };
  }
  for (const cap of policy.caps) {
    if (cap.channel !== "all" && cap.channel !== t.channel) continue;
    const inWindow = peakAround(kept, cap.channel, cap.perMs, t.at);
    if (inWindow + 1 > cap.max) {
      return { code: "CAP_EXCEEDED", message: `after the merge, decision ${t.decisionId} at ${formatInstant(t.at)} would exceed "${cap.label}" for the same HCP (${inWindow} already in the window)` };
    }
  }
  return null;
}
