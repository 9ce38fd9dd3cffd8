// Outcomes of decisions come back as events: linked to their decision, read by the agent that proposed
// it, and an unsubscribe revokes consent before the next proposal. On SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, PASSWORD, email, ok, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(ENGINES)("decision outcomes on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
  const post = (events: unknown[]) => ok(m.users.mops.post("/v1/events", { events }));
  const codes = (d: any) => d.reasons.map((r: any) => r.code);

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
  });
  afterAll(async () => server?.stop());

  it("lets the agent read each decision's outcomes, in the order they happened", async () => {
    clock.set(MONDAY_AFTERNOON);
    const d = await ok(m.agent.post("/v1/proposals", email("us-1")));
    expect(d.outcome).toBe("allowed");
    // The outcomes come in over the next hours.
    clock.set(Date.parse(MONDAY_AFTERNOON) + 4 * HOUR);
    const at = (ms: number) => new Date(Date.parse(MONDAY_AFTERNOON) + ms).toISOString();
    const res = await post([
      { id: "o-opened", hcpId: "us-1", type: "opened", source: "esp", occurredAt: at(2 * HOUR), decisionId: d.id },
      { id: "o-delivered", hcpId: "us-1", type: "delivered", source: "esp", occurredAt: at(HOUR), decisionId: d.id },
      { id: "o-clicked", hcpId: "us-1", type: "clicked", source: "esp", occurredAt: at(3 * HOUR), decisionId: d.id },
    ]);
    expect(res).toEqual({ accepted: 3, duplicates: 0, rejected: [] });

    const expected = [
      { type: "delivered", at: at(HOUR), eventId: "o-delivered" },
      { type: "opened", at: at(2 * HOUR), eventId: "o-opened" },
      { type: "clicked", at: at(3 * HOUR), eventId: "o-clicked" },
    ];
    const list = await ok(m.agent.get(`/v1/decisions?agentId=${m.agentId}`));
    expect(list.decisions.find((x: any) => x.id === d.id).outcomes).toEqual(expected);
    expect((await ok(m.agent.get(`/v1/decisions/${d.id}`))).outcomes).toEqual(expected);
    // A decision nothing has come back for yet says so.
    const quiet = await ok(m.agent.post("/v1/proposals", email("us-2")));
    expect((await ok(m.agent.get(`/v1/decisions/${quiet.id}`))).outcomes).toEqual([]);
    // The rival agent cannot read them.
    expect((await m.rival.get(`/v1/decisions?agentId=${m.agentId}`)).status).toBe(403);

    const state = (await ok(m.agent.get("/v1/hcps/us-1/state"))).state;
    expect(state.lastTouch.email).toBe(at(HOUR));
    expect(state.recentEngagements).toBe(2);
  });

  it("rejects an outcome whose decision is unknown, about another HCP, unsent or of the wrong kind, and keeps the rest", async () => {
    clock.set(new Date(Date.parse(MONDAY_AFTERNOON) + 10 * DAY));
    const sent = await ok(m.agent.post("/v1/proposals", email("us-2")));
    expect(sent.outcome).toBe("allowed");
    const refused = await ok(m.agent.post("/v1/proposals", email("de-2")));
    expect(refused.outcome).toBe("rejected");
    const res = await post([
      { id: "bad-o-1", hcpId: "us-2", type: "delivered", source: "esp", occurredAt: at(0), decisionId: "dec_does_not_exist" },
      { id: "bad-o-2", hcpId: "us-1", type: "delivered", source: "esp", occurredAt: at(0), decisionId: sent.id },
      { id: "bad-o-3", hcpId: "de-2", type: "delivered", source: "esp", occurredAt: at(0), decisionId: refused.id },
      { id: "bad-o-4", hcpId: "us-2", type: "suggestion_accepted", source: "crm", occurredAt: at(0), decisionId: sent.id },
      { id: "bad-o-5", hcpId: "us-2", type: "opened", source: "esp", occurredAt: at(0) },
      { id: "good-o-1", hcpId: "us-2", type: "delivered", source: "esp", occurredAt: at(0), decisionId: sent.id },
      { id: "good-o-2", hcpId: "us-2", type: "crm.note", source: "crm", occurredAt: at(0), decisionId: sent.id },
    ]);
    expect(res.accepted).toBe(2);
    expect(res.rejected.map((r: any) => [r.index, r.problems[0].field])).toEqual([[0, "decisionId"], [1, "decisionId"], [2, "type"], [3, "type"], [4, "decisionId"]]);
    expect(res.rejected[0].error).toContain("dec_does_not_exist");
    expect((await ok(m.agent.get(`/v1/decisions/${sent.id}`))).outcomes.map((o: any) => o.type)).toEqual(["delivered"]);
  });

  it("revokes promotional consent at once on an unsubscribe, so the next proposal is rejected CONSENT_REVOKED", async () => {
    clock.set(new Date(Date.parse(MONDAY_AFTERNOON) + 20 * DAY));
    const d = await ok(m.agent.post("/v1/proposals", email("de-1")));
    expect(d.outcome).toBe("allowed");
    const unsubscribe = { id: "unsub-1", hcpId: "de-1", type: "unsubscribed", source: "esp", occurredAt: at(-60_000), decisionId: d.id };
    expect(await post([unsubscribe])).toEqual({ accepted: 1, duplicates: 0, rejected: [] });

    const hcp = await ok(m.users.mops.get("/v1/hcps/de-1"));
    const revocation = hcp.consentHistory.at(-1);
    expect(revocation).toMatchObject({ channel: "email", purpose: "promotional", status: "revoked", source: "unsubscribe", capturedAt: at(-60_000), evidence: { eventId: "unsub-1", decisionId: d.id } });
    expect(hcp.consents.find((c: any) => c.channel === "email" && c.purpose === "promotional").status).toBe("revoked");
    // Medical consent on the same channel stands: an unsubscribe is from promotion.
    expect(hcp.consents.find((c: any) => c.channel === "email" && c.purpose === "medical").status).toBe("granted");

    clock.set(new Date(Date.parse(MONDAY_AFTERNOON) + 30 * DAY));
    const next = await ok(m.agent.post("/v1/proposals", email("de-1")));
    expect(next.outcome).toBe("rejected");
    expect(codes(next)).toContain("CONSENT_REVOKED");

    // The same unsubscribe again is a duplicate and records nothing more.
    expect(await post([unsubscribe])).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await ok(m.users.mops.get("/v1/hcps/de-1"))).consentHistory).toHaveLength(hcp.consentHistory.length);
    const audit = await ok(m.users.auditor.get("/v1/audit?limit=1000"));
    expect(audit.records.filter((r: any) => r.type === "consent.revoked" && r.data.source === "unsubscribe" && r.subject === "hcp:de-1")).toHaveLength(1);
    expect((await ok(m.agent.get(`/v1/decisions/${d.id}`))).outcomes.map((o: any) => o.type)).toEqual(["unsubscribed"]);
  });

  it("takes an unsubscribe from the CRM, with no decision, on the channel it names", async () => {
    clock.set(new Date(Date.parse(MONDAY_AFTERNOON) + 40 * DAY));
    const before = await ok(m.agent.post("/v1/proposals", email("us-2")));
    expect(codes(before)).not.toContain("CONSENT_REVOKED");
    await post([{ id: "unsub-crm-1", hcpId: "us-2", type: "unsubscribed", source: "crm", occurredAt: at(-HOUR), data: { channel: "email" } }]);
    clock.set(new Date(Date.parse(MONDAY_AFTERNOON) + 50 * DAY));
    const after = await ok(m.agent.post("/v1/proposals", email("us-2")));
    expect(codes(after)).toContain("CONSENT_REVOKED");
  });

  it("follows a field suggestion through the rep's answer and an MI answer through to the closed request", async () => {
    clock.set(new Date(Date.parse(MONDAY_AFTERNOON) + 60 * DAY));
    const suggestion = await ok(m.agent.post("/v1/proposals", { idempotencyKey: "fs-1", hcpId: "us-1", action: "field_suggestion", purpose: "promotional", confidence: 0.9 }));
    expect(suggestion.outcome).toBe("allowed");
    await post([
      { id: "fs-delivered", hcpId: "us-1", type: "delivered", source: "crm", occurredAt: at(HOUR), decisionId: suggestion.id },
      { id: "fs-accepted", hcpId: "us-1", type: "suggestion_accepted", source: "crm", occurredAt: at(2 * HOUR), decisionId: suggestion.id },
      { id: "fs-visit", hcpId: "us-1", type: "visit_completed", source: "crm", occurredAt: at(DAY), decisionId: suggestion.id },
    ]);
    expect((await ok(m.agent.get(`/v1/decisions/${suggestion.id}`))).outcomes.map((o: any) => o.type)).toEqual(["delivered", "suggestion_accepted", "visit_completed"]);
    expect((await ok(m.agent.get("/v1/hcps/us-1/state"))).state.lastTouch.field).toBe(at(DAY));

    await post([{ id: "mi-req-9", hcpId: "us-1", type: "mi.request_received", source: "mi", occurredAt: at(-HOUR), data: { topic: "dosing" } }]);
    const mi = await ok(m.agent.post("/v1/proposals", { idempotencyKey: "mi-9", hcpId: "us-1", action: "mi_response", purpose: "medical", evidence: ["mi-req-9"], content: { text: "Cardiozan is taken as one 10 mg tablet once daily (PI section 2)." } }));
    expect(mi.outcome).toBe("pending_review");
    const approved = await ok(m.users.medical.post(`/v1/reviews/${mi.reviewId}/approve`, { signature: { password: PASSWORD, meaning: "approved" } }));
    expect(approved.decision.outcome).toBe("allowed");
    expect((await ok(m.agent.get("/v1/hcps/us-1/state"))).state.openMiRequests.map((r: any) => r.id)).toEqual(["mi-req-9"]);
    await post([{ id: "mi-ans-9", hcpId: "us-1", type: "mi_answered", source: "mi", occurredAt: at(2 * HOUR), decisionId: mi.id }]);
    expect((await ok(m.agent.get("/v1/hcps/us-1/state"))).state.openMiRequests).toEqual([]);
  });
});
