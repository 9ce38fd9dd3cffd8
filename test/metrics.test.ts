// The operating-model metrics on a small scenario whose every number is derived here by hand.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { defaultDispatchConfig } from "../src/dispatch/config.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, PASSWORD, email, ok, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const T0 = Date.parse(MONDAY_AFTERNOON);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describe.each(ENGINES)("operating-model metrics on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(T0);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock, dispatch: { ...defaultDispatchConfig(null), outboxFile: `${process.env.TMPDIR ?? "/tmp"}/steward-metrics-${process.pid}-${engine}-${Date.now()}.jsonl`, pollMs: 3_600_000 } });
    m = await seedMarket(server);
    await ok(m.users.mops.put("/v1/hcps/us-3", { name: "Dr. Eve Stone", specialty: "cardiology", market: "US" }), 201);

    // The insight: an event that happened 600 s before Steward ingested it (at T0).
    await ok(m.users.mops.post("/v1/events", { events: [{ id: "ev-1", hcpId: "us-1", type: "symposium_attended", source: "events", occurredAt: at(-600) }] }));

    clock.set(T0 + 120 * 1000);
    ids.A = (await ok(m.agent.post("/v1/proposals", email("us-1", { evidence: ["ev-1"] })))).id; // allowed
    ids.B = (await ok(m.agent.post("/v1/proposals", email("de-2")))).id; // rejected: CONSENT_MISSING
    ids.C = (await ok(m.agent.post("/v1/proposals", email("us-1")))).id; // scheduled: MIN_GAP (24 h after A)
    const d = await ok(m.agent.post("/v1/proposals", email("de-1", { confidence: 0.3 }))); // pending_review (brand)
    ids.D = d.id;
    ids.E = (await ok(m.agent.post("/v1/proposals", { idempotencyKey: "E", hcpId: "us-2", action: "field_suggestion", purpose: "promotional" }))).id; // allowed
    ids.F = (await ok(m.rival.post("/v1/proposals", { idempotencyKey: "F", hcpId: "us-3", action: "visit_request", purpose: "promotional" }))).id; // rejected: AUTHORITY_FORBIDDEN

    clock.set(T0 + 720 * 1000);
    await ok(m.users.brand.post(`/v1/reviews/${d.reviewId}/approve`, { signature: { password: PASSWORD, meaning: "approved" } })); // → allowed

    clock.set(T0 + 780 * 1000);
    await server.dispatcher!.drainAll();

    clock.set(T0 + 900 * 1000);
    await ok(m.users.mops.post("/v1/events", { events: [
      { id: "o-1", hcpId: "us-1", type: "opened", source: "esp", occurredAt: at(850), decisionId: ids.A },
      { id: "o-2", hcpId: "us-2", type: "suggestion_accepted", source: "crm", occurredAt: at(860), decisionId: ids.E },
      { id: "o-3", hcpId: "de-1", type: "delivered", source: "esp", occurredAt: at(870), decisionId: ids.D },
    ] }));
  });
  afterAll(async () => server?.stop());

  it("sets up the scenario it claims to", async () => {
    const outcome = async (id: string) => (await ok(m.admin.get(`/v1/decisions/${id}`))).outcome;
    expect(await Promise.all(["A", "B", "C", "D", "E", "F"].map((k) => outcome(ids[k]!)))).toEqual(["allowed", "rejected", "scheduled", "allowed", "allowed", "rejected"]);
  });

  it("computes every metric as defined in the README", async () => {
    const mt = await ok(m.users.mops.get(`/v1/metrics?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(3600))}`));
    expect(mt.decisions).toBe(6);
    expect(mt.decisionVelocityPerHour).toBeCloseTo(6);
    expect(mt.outcomeMix).toEqual({ allowed: 3, scheduled: 1, rejected: 2 });
    expect(mt.initialOutcomeMix).toEqual({ allowed: 2, scheduled: 1, pending_review: 1, rejected: 2 });
    expect(mt.rejectionReasons).toEqual({ CONSENT_MISSING: 1, AUTHORITY_FORBIDDEN: 1 }); // B also carries AUTHORITY_AUTONOMOUS: not a refusal
    expect(mt.escalationRate).toBeCloseTo(1 / 6);
    expect(mt.reviews).toEqual({ opened: 1, closed: 1, closedOnTime: 1, deadlineAdherence: 1, openOverdue: 0 });

    const s = mt.insightToAction;
    expect(s.data).toEqual({ count: 1, p50: 600, p95: 600, max: 600 }); // ingested T0, occurred T0−600
    expect(s.agent).toEqual({ count: 1, p50: 120, p95: 120, max: 120 }); // ingested T0, proposed T0+120
    expect(s.governance).toEqual({ count: 6, p50: 0, p95: 0, max: 0 }); // the test clock stands still inside a request
    expect(s.review).toEqual({ count: 1, p50: 600, p95: 600, max: 600 }); // opened T0+120, approved T0+720
    // A and E could leave at T0+120, D at its approval (T0+720); all sent at T0+780: 660, 60, 660 s.
    expect(s.dispatch).toEqual({ count: 3, p50: 660, p95: 660, max: 660 });
    expect(s.total).toEqual({ count: 1, p50: 1380, p95: 1380, max: 1380 }); // A: occurred T0−600, sent T0+780

    // Touches in the hour: A, E (T0+120) and D (T0+720); C's moment is a day later. One each for three
    // HCPs in 1/168 of a week: 168 touches per HCP per week — all in the top bucket.
    expect(mt.noise.touches).toBe(3);
    expect(mt.noise.hcpsTouched).toBe(3);
    expect(mt.noise.touchesPerHcpPerWeek).toBeCloseTo(168);
    expect(mt.noise.distribution).toEqual({ "0-1": 0, "1-2": 0, "2-3": 0, "3-4": 0, "4+": 3 });
    expect(mt.conflictsPrevented).toBe(1); // C, spaced by the minimum gap
    expect(mt.lowValueSuppressed).toBe(1); // F, forbidden
    expect(mt.sent).toBe(3);
    expect(mt.engagementQuality).toBeCloseTo(2 / 3); // A opened, E accepted; D only delivered
    expect(mt.fieldAdoption).toEqual({ delivered: 1, accepted: 1, rate: 1 });
    // ast-us and ast-de share the claim clm-1: every sent action with an asset used a reused module (A, D);
    // E (a field suggestion) carried none. Ready: the email channel in US and DE — an event invite is sent
    // by email too, so the email assets serve it; no web content exists.
    expect(mt.contentReuse).toMatchObject({ sent: 3, sentWithContent: 2, reused: 2 });
    expect(mt.contentReuse.share).toBeCloseTo(2 / 3);
    const ready = mt.marketReadiness.cells.filter((c: any) => c.ready).map((c: any) => `${c.market}/${c.action}`).sort();
    expect(ready).toEqual(["DE/email", "DE/event_invite", "US/email", "US/event_invite"]);
    expect(mt.marketReadiness.share).toBeCloseTo(4 / 6);
  });

  it("filters by agent and by market", async () => {
    const window = `from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(3600))}`;
    const rival = await ok(m.users.mops.get(`/v1/metrics?${window}&agentId=${m.rivalId}`));
    expect(rival.decisions).toBe(1);
    expect(rival.lowValueSuppressed).toBe(1);
    const de = await ok(m.users.mops.get(`/v1/metrics?${window}&market=DE`));
    expect(de.decisions).toBe(2); // B and D
    expect(de.outcomeMix).toEqual({ allowed: 1, rejected: 1 });
  });

  it("refuses an empty window and an agent key", async () => {
    expect((await m.users.mops.get(`/v1/metrics?from=${encodeURIComponent(at(10))}&to=${encodeURIComponent(at(0))}`)).status).toBe(400);
    expect((await m.agent.get("/v1/metrics")).status).toBe(403);
  });

  it("serves the same figures to Prometheus", async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/steward_decisions_24h\{outcome="allowed"\} 3/);
    expect(text).toMatch(/steward_decisions_24h\{outcome="rejected"\} 2/);
    expect(text).toMatch(/steward_insight_to_action_seconds\{stage="review",quantile="0.5"\} 600/);
    expect(text).toMatch(/steward_field_adoption 1/);
    expect(text).toContain("steward_process_cpu_user_seconds_total");
  });
});
