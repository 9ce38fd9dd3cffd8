// Properties the gate must keep for any input, checked against oracles written independently of it.
import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import type { Bundle, Cap, ContactPolicy } from "../governance/bundle.ts";
import { ACTION_TYPES, CHANNELS, PURPOSES, channelOf, type ActionType, type Channel, type Purpose } from "../shared/vocabulary.ts";
import { decide } from "./decide.ts";
import { BUNDLE, DAY, HOUR, MARKETS, MINUTE, agentView, assetFor, claimView, consentView, hcpView, proposalOf, snapshotOf } from "./fixtures.ts";
import type { ConsentView, Snapshot, Touch } from "./snapshot.ts";
import { touchFor } from "./touches.ts";
import type { Verdict } from "./verdict.ts";

const START = Date.UTC(2026, 0, 1);
const END = Date.UTC(2027, 0, 1);
const ZONES = [null, "America/New_York", "Europe/Berlin", "Asia/Kathmandu", "Australia/Lord_Howe", "America/Los_Angeles"] as const;

const action = fc.constantFrom(...ACTION_TYPES);
const purpose = fc.constantFrom(...PURPOSES);
const channel = fc.constantFrom(...CHANNELS);
const instant = fc.integer({ min: START, max: END });

/** The consent that counts, as the contract states it: newest for channel and purpose captured by now; a revocation wins a tie. */
function consentOracle(consents: readonly ConsentView[], ch: Channel, p: Purpose, now: number): "granted" | "revoked" | null {
  const relevant = consents.filter((c) => c.channel === ch && c.purpose === p && c.capturedAt <= now);
  if (relevant.length === 0) return null;
  const newest = Math.max(...relevant.map((c) => c.capturedAt));
  return relevant.some((c) => c.capturedAt === newest && c.status === "revoked") ? "revoked" : "granted";
}

describe("property: an allowed or scheduled action always has valid consent", () => {
  const arbitraryCase = fc.record({
    now: instant,
    action,
    purpose,
    market: fc.constantFrom("US", "DE", "DE", "US", "FR"),
    timezone: fc.constantFrom(...ZONES),
    confidence: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    consents: fc.array(
      fc.record({ channel, purpose, status: fc.constantFrom("granted" as const, "revoked" as const), offset: fc.integer({ min: -200 * DAY, max: 5 * DAY }) }),
      { maxLength: 8 },
    ),
    touches: fc.array(fc.record({ offset: fc.integer({ min: -20 * DAY, max: 20 * DAY }), channel, exempt: fc.boolean() }), { maxLength: 8 }),
    riskClass: fc.constantFrom("low" as const, "medium" as const, "high" as const),
  });

  it("holds for any proposal and snapshot", () => {
    let through = 0;
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const consents = c.consents.map((x, i) => consentView(x.channel, x.purpose, x.status, c.now + x.offset, { recordId: `r${i}` }));
        const snapshot = snapshotOf(
          {
            hcp: hcpView({ market: c.market, timezone: c.timezone }),
            consents,
            asset: assetFor(c.action, c.market, { riskClass: c.riskClass }),
            touches: c.touches.map((t, i) => ({ at: c.now + t.offset, channel: t.channel, exempt: t.exempt, decisionId: `t${i}`, agentId: "x" })),
          },
          c.now,
        );
        const v = decide(proposalOf({ action: c.action, purpose: c.purpose, confidence: c.confidence, assetId: snapshot.asset!.id }), snapshot, BUNDLE, new Date(c.now));
        if (v.outcome !== "allowed" && v.outcome !== "scheduled") return;
        through++;
        const ch = channelOf(c.action);
        const regime = MARKETS[c.market]?.consent[ch] ?? "opt_in";
        const status = consentOracle(consents, ch, c.purpose, c.now);
        if (regime === "opt_in") expect(status).toBe("granted");
        else expect(status).not.toBe("revoked");
      }),
      { numRuns: 5_000 },
    );
    expect(through).toBeGreaterThan(250); // the property was exercised, not vacuously true
  });
});

describe("property: replaying any sequence of decisions never breaks the contact policy", () => {
  const capArb = fc.record({
    channel: fc.constantFrom("all" as const, "email" as const, "field" as const, "web" as const),
    max: fc.integer({ min: 1, max: 4 }),
    days: fc.integer({ min: 1, max: 14 }),
  });
  const policyArb = fc.record({
    caps: fc.array(capArb, { minLength: 1, maxLength: 4 }),
    minGapMs: fc.constantFrom(0, 6 * HOUR, 24 * HOUR, 36 * HOUR),
    quietHours: fc.option(
      fc.record({ fromMinute: fc.integer({ min: 0, max: 1439 }), toMinute: fc.integer({ min: 0, max: 1439 }) }),
      { nil: null },
    ),
  });
  const stepArb = fc.record({
    advance: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * HOUR }), fc.integer({ min: 0, max: 3 * DAY })),
    action,
    purpose: fc.constantFrom<Purpose>("promotional", "promotional", "promotional", "service", "medical"),
    /** Sometimes the HCP's profile moves to another zone: touches scheduled earlier no longer line up with quiet hours. */
    moveTo: fc.option(fc.constantFrom(...ZONES), { freq: 6 }),
  });
  const scenarioArb = fc.record({
    start: instant,
    market: fc.constantFrom("US", "DE"),
    timezone: fc.constantFrom(...ZONES),
    policy: policyArb,
    steps: fc.array(stepArb, { minLength: 1, maxLength: 40 }),
  });

  function quietInOracle(zone: string, quiet: NonNullable<ContactPolicy["quietHours"]>, t: number): boolean {
    if (quiet.fromMinute === quiet.toMinute) return false;
    const d = DateTime.fromMillis(t, { zone });
    const m = d.hour * 60 + d.minute + (d.second * 1000 + d.millisecond) / MINUTE;
    return quiet.fromMinute < quiet.toMinute ? m >= quiet.fromMinute && m < quiet.toMinute : m >= quiet.fromMinute || m < quiet.toMinute;
  }

  /**
   * When clocks fall back, an hour of wall time happens twice. A quiet period that began before it runs
   * on to its local end time; the gate does not open a window in the repeated hour because the wall
   * clock briefly reads a time before `from` again. The oracle does not count such a moment as free.
   */
  function inRepeatedHour(zone: string, t: number): boolean {
    return DateTime.fromMillis(t, { zone }).offset < DateTime.fromMillis(t - 3_600_000, { zone }).offset;
  }

  it("no HCP exceeds any cap in any window, no two counted touches are closer than the gap, none falls in quiet hours (in the HCP's zone at the time)", () => {
    let counted = 0;
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const caps: Cap[] = sc.policy.caps.map((c) => ({ channel: c.channel, max: c.max, perMs: c.days * DAY, label: `${c.channel} ${c.max} per ${c.days}d` }));
        const bundle: Bundle = { ...BUNDLE, contact: { ...BUNDLE.contact, caps, minGapMs: sc.policy.minGapMs, quietHours: sc.policy.quietHours } };
        let timezone: string | null = sc.timezone;
        const everything: ConsentView[] = [];
        for (const ch of CHANNELS) for (const p of PURPOSES) everything.push(consentView(ch, p, "granted", START - DAY));
        const history: Touch[] = [];
        let now = sc.start;
        sc.steps.forEach((step, i) => {
          now += step.advance;
          if (step.moveTo !== null) timezone = step.moveTo;
          const snapshot: Snapshot = snapshotOf(
            { hcp: hcpView({ market: sc.market, timezone }), consents: everything, asset: assetFor(step.action, sc.market), touches: [...history] },
            now,
          );
          const p = proposalOf({ action: step.action, purpose: step.purpose, assetId: snapshot.asset!.id, confidence: 0.9 });
          const v = decide(p, snapshot, bundle, new Date(now));
          const zoneNow = timezone ?? MARKETS[sc.market]!.timezone;
          const counted = history.filter((x) => !x.exempt);
          // Precise, not only safe: a cap rejection is one a brute-force window count confirms ...
          if (v.reasons.some((r) => r.code === "CAP_EXCEEDED")) {
            const at = v.checks.find((c) => c.check === "contact")!.evidence!.firstAllowedAt as number;
            const withIt = [...counted, { at, channel: channelOf(step.action) }];
            const breaks = caps.some((cap) =>
              withIt.some((first) => withIt.filter((x) => (cap.channel === "all" || x.channel === cap.channel) && x.at >= first.at && x.at < first.at + cap.perMs).length > cap.max),
            );
            expect(breaks, "a cap rejection no window confirms").toBe(true);
          }
          // ... and a scheduled moment is the first one: every earlier moment since now is quiet or too close to a touch.
          if (v.outcome === "scheduled") {
            const until = v.scheduledFor.getTime();
            for (let k = 0; k < 40; k++) {
              const x = now + Math.floor(((until - now) * k) / 40);
              const blocked =
                counted.some((c) => Math.abs(c.at - x) < sc.policy.minGapMs) ||
                (sc.policy.quietHours !== null && (quietInOracle(zoneNow, sc.policy.quietHours, x) || inRepeatedHour(zoneNow, x)));
              expect(blocked, `${new Date(x).toISOString()} was free before ${v.scheduledFor.toISOString()}`).toBe(true);
            }
          }
          const t = touchFor(v, `d${i}`, "agent");
          if (t === null) return;
          history.push(t);
          if (!t.exempt && sc.policy.quietHours !== null) expect(quietInOracle(zoneNow, sc.policy.quietHours, t.at), `${new Date(t.at).toISOString()} in ${zoneNow}`).toBe(false);
        });

        const touches = history.filter((t) => !t.exempt).sort((a, b) => a.at - b.at);
        counted += touches.length;
        for (const cap of caps) {
          const on = touches.filter((t) => cap.channel === "all" || t.channel === cap.channel);
          for (const first of on) {
            const inWindow = on.filter((t) => t.at >= first.at && t.at < first.at + cap.perMs).length;
            expect(inWindow, `${cap.label} from ${new Date(first.at).toISOString()}`).toBeLessThanOrEqual(cap.max);
          }
        }
        for (let i = 1; i < touches.length; i++) expect(touches[i]!.at - touches[i - 1]!.at).toBeGreaterThanOrEqual(sc.policy.minGapMs);
      }),
      { numRuns: 2_000 },
    );
    expect(counted).toBeGreaterThan(1_500); // sequences did fill up contact capacity
  });
});

describe("property: decide is deterministic", () => {
  it("gives equal verdicts for equal inputs and changes none of them", () => {
    fc.assert(
      fc.property(
        instant,
        action,
        purpose,
        fc.constantFrom("US", "DE"),
        fc.constantFrom(...ZONES),
        fc.array(fc.record({ offset: fc.integer({ min: -15 * DAY, max: 15 * DAY }), channel, exempt: fc.boolean() }), { maxLength: 10 }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
        (now, a, p, market, timezone, ts, confidence) => {
          const build = () => {
            const snapshot = snapshotOf(
              {
                hcp: hcpView({ market, timezone }),
                consents: [consentView(channelOf(a), p, "granted", now - DAY)],
                asset: assetFor(a, market, { claims: [claimView(), claimView({ id: "c2", expiresAt: now + HOUR })] }),
                agent: agentView(),
                touches: ts.map((t, i) => ({ at: now + t.offset, channel: t.channel, exempt: t.exempt, decisionId: `t${i}`, agentId: "x" })),
              },
              now,
            );
            return { snapshot, proposal: proposalOf({ action: a as ActionType, purpose: p, confidence, assetId: snapshot.asset!.id }) };
          };
          const one = build();
          const before = JSON.stringify(one);
          const first: Verdict = decide(one.proposal, one.snapshot, BUNDLE, new Date(now));
          const second: Verdict = decide(one.proposal, one.snapshot, BUNDLE, new Date(now));
          const other = build();
          const third: Verdict = decide(other.proposal, other.snapshot, BUNDLE, new Date(now));
          expect(second).toEqual(first);
          expect(third).toEqual(first);
          expect(JSON.stringify(one)).toBe(before);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
