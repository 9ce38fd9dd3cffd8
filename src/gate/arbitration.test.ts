// Arbitration between proposals competing for one HCP's contact capacity in a batch.
import { describe, expect, it } from "vitest";
import { arbitrate, markConflictLost } from "./arbitration.ts";
import { decide } from "./decide.ts";
import { BUNDLE, DAY, HOUR, NOW, NOW_MS, proposalOf, snapshotOf, touch } from "./fixtures.ts";
import type { Touch } from "./snapshot.ts";
import { touchFor } from "./touches.ts";

describe("arbitrate", () => {
  const c = (name: string, priority: number, expectedValue: number | null) => ({ name, priority, expectedValue });
  const names = (xs: { name: string }[]) => xs.map((x) => x.name);

  it("ranks by agent priority, then expected value (none last), then the order proposals came in", () => {
    const batch = [c("a", 10, 5), c("b", 50, null), c("c", 50, 2), c("d", 50, 9), c("e", 10, 5), c("f", 50, null)];
    expect(names(arbitrate(batch, ["priority", "expectedValue"]))).toEqual(["d", "c", "b", "f", "a", "e"]);
  });

  it("follows the bundle's order of criteria", () => {
    const batch = [c("low-priority-high-value", 10, 100), c("high-priority-low-value", 90, 1)];
    expect(names(arbitrate(batch, ["expectedValue", "priority"]))).toEqual(["low-priority-high-value", "high-priority-low-value"]);
    expect(names(arbitrate(batch, ["priority"]))).toEqual(["high-priority-low-value", "low-priority-high-value"]);
    expect(names(arbitrate(batch, []))).toEqual(["low-priority-high-value", "high-priority-low-value"]);
  });

  it("leaves its input untouched", () => {
    const batch = [c("a", 1, null), c("b", 2, null)];
    arbitrate(batch, ["priority"]);
    expect(names(batch)).toEqual(["a", "b"]);
  });
});

describe("markConflictLost", () => {
  // Two agents each want to email the same HCP now; one email already went out 3 days ago.
  const history: Touch[] = [touch(NOW_MS - 3 * DAY)];
  const winner = decide(proposalOf({ agentId: "hi" }), snapshotOf({ touches: history }), BUNDLE, NOW);
  const winnerTouch = touchFor(winner, "d-winner", "hi")!;

  it("rejects a proposal the batch's winner cost its slot, keeping the cap reason and adding CONFLICT_LOST", () => {
    const alone = decide(proposalOf({ agentId: "lo" }), snapshotOf({ touches: history }), BUNDLE, NOW);
    const withRivals = decide(proposalOf({ agentId: "lo" }), snapshotOf({ touches: [...history, winnerTouch] }), BUNDLE, NOW);
    expect(alone.outcome).toBe("allowed");
    expect(withRivals.outcome).toBe("rejected");
    const v = markConflictLost(withRivals, alone, [winnerTouch]);
    expect(v.outcome).toBe("rejected");
    const codes = v.reasons.map((r) => r.code);
    expect(codes).toContain("CAP_EXCEEDED");
    expect(codes).toContain("CONFLICT_LOST");
    expect(v.reasons.at(-1)!.message).toContain("agent hi");
    expect(v.checks.find((c) => c.check === "contact")).toMatchObject({ status: "fail" });
  });

  it("defers a proposal the winner only delayed: scheduled for its next allowed moment, not CONFLICT_LOST", () => {
    const empty: Touch[] = [];
    const first = touchFor(decide(proposalOf({ agentId: "hi" }), snapshotOf({ touches: empty }), BUNDLE, NOW), "d1", "hi")!;
    const alone = decide(proposalOf({ agentId: "lo" }), snapshotOf({ touches: empty }), BUNDLE, NOW);
    const withRivals = decide(proposalOf({ agentId: "lo" }), snapshotOf({ touches: [first] }), BUNDLE, NOW);
    expect(withRivals.outcome).toBe("scheduled");
    const v = markConflictLost(withRivals, alone, [first]);
    expect(v).toBe(withRivals);
    expect(v.reasons.map((r) => r.code)).toEqual(["AUTHORITY_AUTONOMOUS", "MIN_GAP"]);
    expect(v.outcome === "scheduled" && v.scheduledFor.getTime()).toBe(first.at + BUNDLE.contact.minGapMs);
  });

  it("still drops a delayed loser whose next allowed moment is past its notAfter (CONFLICT_LOST)", () => {
    const first = touchFor(decide(proposalOf({ agentId: "hi" }), snapshotOf(), BUNDLE, NOW), "d1", "hi")!;
    const soon = proposalOf({ agentId: "lo", notAfter: new Date(NOW_MS + HOUR) });
    const alone = decide(soon, snapshotOf(), BUNDLE, NOW);
    const withRivals = decide(soon, snapshotOf({ touches: [first] }), BUNDLE, NOW);
    const v = markConflictLost(withRivals, alone, [first]);
    expect(v.outcome).toBe("rejected");
    expect(v.reasons.map((r) => r.code)).toContain("CONFLICT_LOST");
  });

  it("leaves alone a proposal that would have been rejected anyway, or that the rivals did not affect", () => {
    const capped = [touch(NOW_MS - 5 * DAY), touch(NOW_MS - 3 * DAY)];
    const rejectedAlone = decide(proposalOf(), snapshotOf({ touches: capped }), BUNDLE, NOW);
    const rejectedWith = decide(proposalOf(), snapshotOf({ touches: [...capped, winnerTouch] }), BUNDLE, NOW);
    expect(markConflictLost(rejectedWith, rejectedAlone)).toBe(rejectedWith);

    const field = touch(NOW_MS - 30 * DAY, "field");
    const unaffected = decide(proposalOf(), snapshotOf({ touches: [field] }), BUNDLE, NOW);
    expect(markConflictLost(unaffected, unaffected)).toBe(unaffected);
  });

  it("leaves a scheduled proposal alone when the rivals did not move its moment", () => {
    const evening = new Date(NOW_MS + 12 * HOUR); // 22:00 in New York
    const alone = decide(proposalOf(), snapshotOf(), BUNDLE, evening);
    expect(alone.outcome).toBe("scheduled");
    expect(markConflictLost(alone, alone)).toBe(alone);
  });
});
