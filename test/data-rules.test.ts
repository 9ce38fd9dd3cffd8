// The pure rules of continuous data: the state fold, event meanings, latency figures and verdicts.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { applyEvent, emptyState, viewOf, MAX_ENGAGEMENTS, type StateEvent } from "../src/data/hcp-state.ts";
import { effectOf, normaliseType } from "../src/data/event-kinds.ts";
import { auditActions, humanDuration, sourceLatencies } from "../src/data/latency.ts";
import { percentile } from "../src/shared/stats.ts";
import { linkProblems, type DecisionRef } from "../src/data/outcome-links.ts";
import { toEvent } from "../src/data/import-file.ts";
import { formatOf } from "../src/shared/record-file.ts";
import type { FreshnessPolicy } from "../src/governance/bundle.ts";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-03-02T15:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

describe("the HCP state fold", () => {
  // Every kind but an MI answer that names no request (it closes the oldest open one it can see).
  const TYPES = ["symposium.attended", "crm.call_logged", "web.content_viewed", "email_opened", "mi.request_received", "delivered", "opened", "visit_completed", "unsubscribed", "other"] as const;
  const arbEvent = fc.record({
    n: fc.integer({ min: 0, max: 1_000_000 }),
    type: fc.constantFrom(...TYPES),
    source: fc.constantFrom("crm", "web", "events", "esp"),
    // Few distinct instants, so ties are common.
    ageMin: fc.integer({ min: 0, max: 20 }).map((k) => k * 60 * 24),
    channel: fc.constantFrom(undefined, "email", "field", "web"),
  });
  const toStateEvent = (e: { n: number; type: string; source: string; ageMin: number; channel: string | undefined }): StateEvent => {
    const data = e.channel ? { channel: e.channel } : {};
    return { id: `e${e.n}`, type: e.type, source: e.source, occurredAt: iso(T0 - e.ageMin * 60_000), data, effect: effectOf(e.type, data, "email") };
  };

  it("gives the same state whatever order the events arrive in", () => {
    fc.assert(fc.property(fc.uniqueArray(arbEvent, { selector: (e) => e.n, maxLength: 40 }), fc.integer(), (raw, seed) => {
      const events = raw.map(toStateEvent);
      const shuffled = [...events];
      let r = seed >>> 0;
      for (let i = shuffled.length - 1; i > 0; i--) {
        r = (Math.imul(r, 1_103_515_245) + 12_345) >>> 0;
        const j = r % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const fold = (list: StateEvent[]) => list.reduce((s, e) => applyEvent(s, e, "now"), emptyState("h", "now"));
      expect(fold(shuffled)).toEqual(fold(events));
    }));
  });

  it("keeps the newest engagements when there are more than it holds", () => {
    let s = emptyState("h", "now");
    for (let i = 0; i < MAX_ENGAGEMENTS + 20; i++) s = applyEvent(s, { id: `o${i}`, type: "opened", source: "esp", occurredAt: iso(T0 - i * HOUR), data: {}, effect: effectOf("opened", {}, null) }, "now");
    expect(s.engagements).toHaveLength(MAX_ENGAGEMENTS);
    expect(s.engagements[0]!.at).toBe(iso(T0));
    // 30 days = 720 hours back, of which the 100 newest are kept.
    expect(viewOf(s, T0).recentEngagements).toBe(MAX_ENGAGEMENTS);
    expect(viewOf(s, T0 + 720 * HOUR - 1).recentEngagements).toBe(1);
    expect(viewOf(s, T0 + 720 * HOUR).recentEngagements).toBe(0);
  });
});

describe("what an event type means", () => {
  it("reads CRM type names whatever their punctuation", () => {
    expect(normaliseType("Crm.Call-Logged")).toBe("crm_call_logged");
    expect(effectOf("Symposium-Attended", {}, null)).toMatchObject({ attended: true, engagement: true });
    expect(effectOf("crm.call_logged", {}, null).touch).toBe("field");
    expect(effectOf("mi.request_received", {}, null).mi).toBe("requested");
    expect(effectOf("newsletter_sent", { channel: "email" }, null).touch).toBe("email");
    expect(effectOf("profile_updated", {}, null)).toEqual({ touch: null, engagement: false, attended: false, mi: null });
  });
  it("takes a delivery's channel from its decision", () => {
    expect(effectOf("delivered", {}, "field").touch).toBe("field");
    expect(effectOf("suggestion_accepted", {}, "field").touch).toBeNull();
  });
});

describe("outcome links", () => {
  const decision: DecisionRef = { id: "dec_1", hcpId: "us-1", agentId: "nba", action: "email", channel: "email", outcome: "allowed", evidence: [] };
  it("accepts an outcome about a decision that sent something to the same HCP", () => {
    expect(linkProblems({ hcpId: "us-1", type: "opened", decisionId: "dec_1" }, decision)).toEqual([]);
  });
  it("names the field of each broken link", () => {
    expect(linkProblems({ hcpId: "us-1", type: "opened", decisionId: "dec_x" }, undefined)[0]).toMatchObject({ field: "decisionId", unresolved: true });
    expect(linkProblems({ hcpId: "us-2", type: "opened", decisionId: "dec_1" }, decision)[0]!.field).toBe("decisionId");
    expect(linkProblems({ hcpId: "us-1", type: "opened" }, undefined)[0]!.field).toBe("decisionId");
    expect(linkProblems({ hcpId: "us-1", type: "suggestion_accepted", decisionId: "dec_1" }, decision)[0]!.field).toBe("type");
    expect(linkProblems({ hcpId: "us-1", type: "delivered", decisionId: "dec_1" }, { ...decision, outcome: "rejected" })[0]!.field).toBe("type");
    expect(linkProblems({ hcpId: "us-1", type: "unsubscribed" }, undefined)[0]!.field).toBe("decisionId");
    expect(linkProblems({ hcpId: "us-1", type: "unsubscribed", data: { channel: "email" } }, undefined)).toEqual([]);
    expect(linkProblems({ hcpId: "us-1", type: "visit_completed" }, undefined)).toEqual([]);
  });
});

describe("latency figures", () => {
  it("takes nearest-rank percentiles: the smallest sample with at least p% at or below it", () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(ten, 50)).toBe(5);
    expect(percentile(ten, 95)).toBe(10);
    expect(percentile(ten, 90)).toBe(9);
    expect(percentile([7], 50)).toBe(7);
  });
  it("measures each source apart and counts a source clock running ahead as zero", () => {
    const samples = [
      { source: "crm", occurredAt: 0, ingestedAt: 3 * HOUR },
      { source: "crm", occurredAt: 0, ingestedAt: HOUR },
      { source: "web", occurredAt: 10 * HOUR, ingestedAt: 9 * HOUR },
    ];
    expect(sourceLatencies(samples)).toEqual([
      { source: "crm", events: 2, p50Ms: HOUR, p95Ms: 3 * HOUR, maxMs: 3 * HOUR, aheadOfClock: 0 },
      { source: "web", events: 1, p50Ms: 0, p95Ms: 0, maxMs: 0, aheadOfClock: 1 },
    ]);
  });
  it("says which action types the data cannot support", () => {
    const policy: FreshnessPolicy = { defaultMs: 30 * 24 * HOUR, actions: { field_suggestion: 24 * HOUR, visit_request: 12 * HOUR }, requires: { field_suggestion: ["crm"], visit_request: ["crm"], mi_response: ["mi"] } };
    const crm = { source: "crm", events: 20, p50Ms: 10 * HOUR, p95Ms: 19 * HOUR, maxMs: 30 * HOUR, aheadOfClock: 0 };
    const byAction = Object.fromEntries(auditActions(policy, [crm], humanDuration).map((a) => [a.action, a]));
    expect(byAction.field_suggestion!.support).toBe("at_risk");
    expect(byAction.visit_request!.support).toBe("unsupported");
    expect(byAction.visit_request!.problems[0]).toContain("crm delivers at p95 19h");
    expect(byAction.mi_response!.support).toBe("unsupported");
    expect(byAction.mi_response!.sources).toEqual([{ source: "mi", p95Ms: null, maxMs: null, fit: "no_data" }]);
    expect(byAction.email!).toMatchObject({ basis: "evidence", support: "supported" });
    expect(auditActions(policy, [], humanDuration).every((a) => a.support === "unsupported")).toBe(true);
  });
  it("writes measured durations for people", () => {
    expect(humanDuration(350)).toBe("350ms");
    expect(humanDuration(42_000)).toBe("42s");
    expect(humanDuration(2 * HOUR + 5 * 60_000 + 7000)).toBe("2h 5m");
    expect(humanDuration(76 * HOUR)).toBe("3d 4h");
  });
});

describe("reading an extract row", () => {
  it("maps the usual column names and keeps every other column as data", () => {
    expect(toEvent({ Event_ID: "e1", hcp_id: "us-1", type: "call", Source: "crm", occurred_at: "2026-03-02T10:00:00Z", rep: "R. Diaz", notes: "" }, true)).toEqual({
      event: { id: "e1", hcpId: "us-1", type: "call", source: "crm", occurredAt: "2026-03-02T10:00:00Z", data: { rep: "R. Diaz" } },
    });
    expect(toEvent({ id: "e2", data: '{"topic": "dosing"}', channel: "email" }, true)).toEqual({ event: { id: "e2", data: { channel: "email", topic: "dosing" } } });
    expect(toEvent({ id: "e3", data: "{oops" }, true)).toEqual({ problems: [{ field: "data", message: "is not valid JSON" }] });
  });
  it("tells the format by the file name", () => {
    expect(formatOf("crm.CSV")).toBe("csv");
    expect(formatOf("x.ndjson")).toBe("jsonl");
    expect(formatOf("x.txt")).toBeNull();
    expect(formatOf("x.txt", "jsonl")).toBe("jsonl");
  });
});
