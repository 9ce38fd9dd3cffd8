// The contact policy (contact.yaml) as the gate applies it: caps over every window containing the
// moment (past and future touches), the minimum gap, quiet hours in the HCP's local time.
import { describe, expect, it } from "vitest";
import { peakAround } from "./checks/contact.ts";
import { decide } from "./decide.ts";
import { BUNDLE, DAY, HOUR, MINUTE, NOW, NOW_MS, at, bundleWith, consentView, hcpView, proposalOf, snapshotOf, touch } from "./fixtures.ts";
import type { Proposal } from "./proposal.ts";
import type { Snapshot, Touch } from "./snapshot.ts";
import { countsAgainstCaps, touchFor } from "./touches.ts";
import type { Verdict } from "./verdict.ts";

function run(p: Partial<Proposal> = {}, s: Partial<Snapshot> = {}, now: Date | number = NOW, bundle = BUNDLE): Verdict {
  return decide(proposalOf(p), snapshotOf(s, new Date(now).getTime()), bundle, new Date(now));
}
const codes = (v: Verdict) => v.reasons.map((r) => r.code);
const scheduledFor = (v: Verdict) => (v.outcome === "scheduled" ? v.scheduledFor.toISOString() : null);
const fieldConsent = [consentView("field", "promotional", "granted", 0)];
const fieldSuggestion = { action: "field_suggestion" as const, assetId: null };

describe("contact caps", () => {
  it("rejects a third email in 7 days with CAP_EXCEEDED", () => {
    const v = run({}, { touches: [touch(NOW_MS - 5 * DAY), touch(NOW_MS - 2 * DAY)] });
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toContain("CAP_EXCEEDED");
    expect(v.reasons.find((r) => r.code === "CAP_EXCEEDED")!.message).toContain("email 2 per 7d");
  });

  it("allows the email once the oldest touch has left every window containing now", () => {
    const v = run({}, { touches: [touch(NOW_MS - 7 * DAY), touch(NOW_MS - 2 * DAY)] });
    expect(v.outcome).toBe("allowed");
  });

  it("counts future scheduled touches: two emails ahead block an email now", () => {
    const v = run({}, { touches: [touch(NOW_MS + 3 * DAY), touch(NOW_MS + 5 * DAY)] });
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toContain("CAP_EXCEEDED");
  });

  it("checks windows on both sides exactly: touches 6 days before and after do not share a 7-day window", () => {
    const v = run({}, { touches: [touch(NOW_MS - 6 * DAY), touch(NOW_MS + 6 * DAY)] });
    expect(v.outcome).toBe("allowed");
  });

  it("counts every channel against the all-channel cap, and only the action's channel against its own", () => {
    const mixed = [touch(NOW_MS - 5 * DAY, "web"), touch(NOW_MS - 3 * DAY, "web"), touch(NOW_MS - 36 * HOUR, "field"), touch(NOW_MS + 36 * HOUR, "web")];
    const v = run({}, { touches: mixed });
    expect(v.outcome).toBe("rejected");
    const caps = v.reasons.filter((r) => r.code === "CAP_EXCEEDED");
    expect(caps).toHaveLength(1);
    expect(caps[0]!.message).toContain("all 4 per 7d");
    expect(run({}, { touches: mixed.slice(1) }).outcome).toBe("allowed");
  });

  it("does not apply a cap for another channel (field 1 per 14d does not limit email)", () => {
    expect(run({}, { touches: [touch(NOW_MS - 3 * DAY, "field")] }).outcome).toBe("allowed");
  });

  it("rejects a second field suggestion within 14 days", () => {
    const v = run(fieldSuggestion, { consents: fieldConsent, touches: [touch(NOW_MS - 13 * DAY, "field")] });
    expect(codes(v)).toContain("CAP_EXCEEDED");
    expect(run(fieldSuggestion, { consents: fieldConsent, touches: [touch(NOW_MS - 14 * DAY, "field")] }).outcome).toBe("allowed");
  });

  it("ignores exempt touches (medical, service) for caps and the gap", () => {
    const exempt = [touch(NOW_MS - 5 * DAY, "email", { exempt: true }), touch(NOW_MS - 2 * DAY, "email", { exempt: true }), touch(NOW_MS - HOUR, "email", { exempt: true })];
    expect(run({}, { touches: exempt }).outcome).toBe("allowed");
  });

  it("lets exempt purposes through a full cap, the gap and quiet hours", () => {
    const full = [touch(NOW_MS - 5 * DAY), touch(NOW_MS - 2 * DAY), touch(NOW_MS - HOUR)];
    const night = at("2026-01-06T04:00:00Z"); // 23:00 in New York
    const v = run({ purpose: "service" }, { touches: full }, night);
    expect(v.outcome).toBe("allowed");
    expect(v.exempt).toBe(true);
    expect(countsAgainstCaps(v)).toBe(false);
  });

  it("counts a scheduled touch against the caps from then on", () => {
    const evening = at("2026-01-06T02:00:00Z"); // 21:00 in New York
    const history: Touch[] = [touch(at("2026-01-02T15:00:00Z"))];
    const first = run({}, { touches: history }, evening);
    expect(first.outcome).toBe("scheduled");
    expect(scheduledFor(first)).toBe("2026-01-06T13:00:00.000Z");
    const t = touchFor(first, "d-first", "nba-1")!;
    expect(t).toEqual({ at: at("2026-01-06T13:00:00Z"), channel: "email", exempt: false, decisionId: "d-first", agentId: "nba-1" });
    // On the 8th an email would be the third in the window from the 2nd: the scheduled one counts.
    const later = run({}, { touches: [...history, t] }, at("2026-01-08T15:00:00Z"));
    expect(later.outcome).toBe("rejected");
    expect(codes(later)).toContain("CAP_EXCEEDED");
    expect(run({}, { touches: history }, at("2026-01-08T15:00:00Z")).outcome).toBe("allowed");
  });

  it("holds no slot for a pending review", () => {
    const review = run({ confidence: 0.3 });
    expect(review.outcome).toBe("pending_review");
    expect(touchFor(review, "d", "a")).toBeNull();
    expect(countsAgainstCaps(review)).toBe(false);
  });

  it("still rejects a capped action that needs confirmation", () => {
    const v = run({ confidence: 0.3 }, { touches: [touch(NOW_MS - 5 * DAY), touch(NOW_MS - 2 * DAY)] });
    expect(v.outcome).toBe("rejected");
  });
});

describe("the window search", () => {
  const per = 7 * DAY;
  function brute(touches: Touch[], t: number): number {
    let best = 0;
    for (let s = t - per + 1; s <= t; s += HOUR / 4) {
      best = Math.max(best, touches.filter((x) => x.at >= s && x.at < s + per).length);
    }
    return Math.max(best, touches.filter((x) => x.at >= t && x.at < t + per).length);
  }
  it("finds the fullest window containing t, on either side", () => {
    const xs = [-10, -6.5, -6, -1, 0.5, 2, 6.9, 7, 12].map((d) => touch(NOW_MS + d * DAY));
    for (const dt of [-3, 0, 1, 3.25, 6.5]) {
      const t = NOW_MS + dt * DAY;
      expect(peakAround(xs, "all", per, t)).toBe(brute(xs, t));
    }
  });
});

describe("minimum gap", () => {
  it("schedules an email 24h after a touch 2 hours ago (MIN_GAP)", () => {
    const v = run({}, { touches: [touch(NOW_MS - 2 * HOUR, "field")] });
    expect(v.outcome).toBe("scheduled");
    expect(scheduledFor(v)).toBe("2026-01-06T13:00:00.000Z");
    expect(codes(v)).toEqual(["AUTHORITY_AUTONOMOUS", "MIN_GAP"]);
    expect(v.checks.find((c) => c.check === "contact")!.status).toBe("hold");
  });

  it("keeps the gap to a future scheduled touch too", () => {
    const v = run({}, { touches: [touch(NOW_MS + 2 * HOUR)] });
    expect(scheduledFor(v)).toBe(new Date(NOW_MS + 26 * HOUR).toISOString());
  });

  it("hops over a chain of touches", () => {
    const v = run({}, { touches: [touch(NOW_MS - HOUR, "web"), touch(NOW_MS + 23 * HOUR + 30 * MINUTE, "web")] });
    expect(scheduledFor(v)).toBe(new Date(NOW_MS + 47 * HOUR + 30 * MINUTE).toISOString());
  });

  it("allows an email exactly a gap after the last touch", () => {
    expect(run({}, { touches: [touch(NOW_MS - 24 * HOUR)] }).outcome).toBe("allowed");
  });

  it("rejects when the moment the gap allows is capped", () => {
    const v = run({}, { touches: [touch(NOW_MS - 4 * DAY), touch(NOW_MS - 2 * HOUR)] });
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toEqual(["AUTHORITY_AUTONOMOUS", "MIN_GAP", "CAP_EXCEEDED"]);
  });

  it("is off when the policy has no minimum gap", () => {
    const noGap = bundleWith({ contact: { minGapMs: 0 } });
    expect(run({}, { touches: [touch(NOW_MS - MINUTE)] }, NOW, noGap).outcome).toBe("allowed");
  });
});

describe("quiet hours (20:00–08:00 in the HCP's local time)", () => {
  it("schedules an evening email for 08:00 the next morning, across midnight (QUIET_HOURS)", () => {
    const v = run({}, {}, at("2026-01-06T02:30:00Z")); // 21:30 in New York
    expect(v.outcome).toBe("scheduled");
    expect(scheduledFor(v)).toBe("2026-01-06T13:00:00.000Z");
    expect(codes(v)).toEqual(["AUTHORITY_AUTONOMOUS", "QUIET_HOURS"]);
    expect(v.reasons[1]!.message).toContain("America/New_York");
  });

  it("schedules an early-morning email for 08:00 the same day", () => {
    expect(scheduledFor(run({}, {}, at("2026-01-06T10:00:00Z")))).toBe("2026-01-06T13:00:00.000Z"); // 05:00
  });

  it("treats 20:00 as quiet and 08:00 as not", () => {
    expect(run({}, {}, at("2026-01-06T01:00:00Z")).outcome).toBe("scheduled"); // 20:00
    expect(run({}, {}, at("2026-01-06T00:59:59.999Z")).outcome).toBe("allowed"); // 19:59:59.999
    expect(run({}, {}, at("2026-01-06T13:00:00Z")).outcome).toBe("allowed"); // 08:00
  });

  it("uses the HCP's own zone over the market's", () => {
    const berliner = hcpView({ timezone: "Europe/Berlin" }); // a US HCP living in Berlin
    const when = at("2026-01-05T20:30:00Z"); // 15:30 in New York, 21:30 in Berlin
    expect(run({}, {}, when).outcome).toBe("allowed");
    const v = run({}, { hcp: berliner }, when);
    expect(scheduledFor(v)).toBe("2026-01-06T07:00:00.000Z"); // 08:00 CET
    expect(v.reasons.find((r) => r.code === "QUIET_HOURS")!.message).toContain("the HCP's zone");
  });

  it("falls back to the market's zone when the HCP's zone is not a real one", () => {
    const v = run({}, { hcp: hcpView({ timezone: "Mars/Olympus" }) }, at("2026-01-06T02:30:00Z"));
    expect(scheduledFor(v)).toBe("2026-01-06T13:00:00.000Z");
  });

  it("ends at 08:00 local after the spring-forward night (Berlin, 29 March 2026)", () => {
    const berliner = hcpView({ market: "DE", timezone: null });
    const de = { hcp: berliner, asset: { ...snapshotOf().asset!, market: "DE" }, consents: [consentView("email", "promotional", "granted", 0)] };
    // 23:00 CET on the 28th; 08:00 CEST on the 29th is 06:00 UTC, not 07:00.
    expect(scheduledFor(run({}, de, at("2026-03-28T22:00:00Z")))).toBe("2026-03-29T06:00:00.000Z");
    // 03:30 CEST, just after the jump.
    expect(scheduledFor(run({}, de, at("2026-03-29T01:30:00Z")))).toBe("2026-03-29T06:00:00.000Z");
  });

  it("ends at 08:00 local after the fall-back night (Berlin, 25 October 2026)", () => {
    const de = { hcp: hcpView({ market: "DE" }), asset: { ...snapshotOf().asset!, market: "DE" }, consents: [consentView("email", "promotional", "granted", 0)] };
    expect(scheduledFor(run({}, de, at("2026-10-24T19:00:00Z")))).toBe("2026-10-25T07:00:00.000Z"); // 21:00 CEST → 08:00 CET
  });

  it("uses the HCP's DST rules, not the market's: a US-market HCP in Berlin between the two DST dates", () => {
    // 2026-03-20: New York is already on EDT (since 8 March), Berlin still on CET (until 29 March).
    const when = at("2026-03-20T20:00:00Z"); // 16:00 EDT, 21:00 CET
    expect(run({}, {}, when).outcome).toBe("allowed");
    expect(scheduledFor(run({}, { hcp: hcpView({ timezone: "Europe/Berlin" }) }, when))).toBe("2026-03-21T07:00:00.000Z");
    // And the New York morning end moves with EDT: 08:00 EDT is 12:00 UTC.
    expect(scheduledFor(run({}, {}, at("2026-03-20T02:00:00Z")))).toBe("2026-03-20T12:00:00.000Z");
  });

  it("ends at the jump when the end of quiet hours is a local time the clock skips", () => {
    const quietTo0230 = bundleWith({ contact: { quietHours: { fromMinute: 20 * 60, toMinute: 2 * 60 + 30 } } });
    const de = { hcp: hcpView({ market: "DE" }), asset: { ...snapshotOf().asset!, market: "DE" }, consents: [consentView("email", "promotional", "granted", 0)] };
    // 00:30 CET on 29 March; 02:30 does not exist that night (02:00 CET → 03:00 CEST at 01:00 UTC).
    expect(scheduledFor(run({}, de, at("2026-03-28T23:30:00Z"), quietTo0230))).toBe("2026-03-29T01:00:00.000Z");
  });

  it("ends at the first 02:30 when the end is a local time the clock reads twice", () => {
    const quietTo0230 = bundleWith({ contact: { quietHours: { fromMinute: 20 * 60, toMinute: 2 * 60 + 30 } } });
    const de = { hcp: hcpView({ market: "DE" }), asset: { ...snapshotOf().asset!, market: "DE" }, consents: [consentView("email", "promotional", "granted", 0)] };
    // 00:00 CEST on 25 October; 02:30 comes first as CEST (00:30 UTC), again as CET (01:30 UTC).
    expect(scheduledFor(run({}, de, at("2026-10-24T22:00:00Z"), quietTo0230))).toBe("2026-10-25T00:30:00.000Z");
  });

  it("supports quiet hours that do not span midnight", () => {
    const lunch = bundleWith({ contact: { quietHours: { fromMinute: 12 * 60, toMinute: 13 * 60 } } });
    expect(scheduledFor(run({}, {}, at("2026-01-05T17:15:00Z"), lunch))).toBe("2026-01-05T18:00:00.000Z"); // 12:15 → 13:00 EST
    expect(run({}, {}, at("2026-01-05T16:59:00Z"), lunch).outcome).toBe("allowed");
  });

  it("is off when the policy has none, or from equals to", () => {
    const night = at("2026-01-06T04:00:00Z");
    expect(run({}, {}, night, bundleWith({ contact: { quietHours: null } })).outcome).toBe("allowed");
    expect(run({}, {}, night, bundleWith({ contact: { quietHours: { fromMinute: 600, toMinute: 600 } } })).outcome).toBe("allowed");
  });

  it("moves past the gap and then out of quiet hours, naming both", () => {
    // 18:00 in New York, a touch at 17:00: the gap lands at 17:00 tomorrow — fine — but a touch then
    // pushes it to 21:00 (quiet), so 08:00 the day after.
    const v = run({}, { touches: [touch(at("2026-01-05T22:00:00Z"), "web"), touch(at("2026-01-07T01:00:00Z") - 20 * HOUR, "web")] }, at("2026-01-05T23:00:00Z"));
    expect(codes(v)).toEqual(["AUTHORITY_AUTONOMOUS", "MIN_GAP", "QUIET_HOURS"]);
    expect(scheduledFor(v)).toBe("2026-01-07T13:00:00.000Z");
  });
});
