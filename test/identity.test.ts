// One HCP, one identity; evidence bound to its HCP and to data use; the kill switch without holes;
// agents see only what they may. End to end over HTTP, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { Api, startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, email, ok, seedMarket, type Market } from "./market.ts";
import { startChild } from "./processes.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/data-use");
const HOUR = 3_600_000;
const agentBody = (id: string, actions: string[], markets: string[]) => ({ id, name: id, owner: "owner", objective: "test", metric: "touches", actions, markets, priority: 10 });
const codes = (d: { reasons: { code: string }[] }) => d.reasons.map((r) => r.code);

describe.each(ENGINES)("one HCP, one identity, data used only where it may be, on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
  });
  afterAll(async () => server?.stop());

  const events = (list: object[]) => ok(m.users.mops.post("/v1/events", { events: list }));
  const at = (offsetMs = 0) => new Date(clock.now().getTime() + offsetMs).toISOString();

  it("gives one identifier to one HCP: a second holder is refused with the holder, and a bad NPI is refused", async () => {
    await ok(m.users.mops.put("/v1/hcps/us-1", { name: "Dr. Ada Park", specialty: "cardiology", market: "US", npi: "1234567893", identifiers: [{ scheme: "onekey", value: "WUSM00000001" }] }));
    const taken = await m.users.mops.put("/v1/hcps/us-dup", { name: "Dr. A. Park", specialty: "cardiology", market: "US", identifiers: [{ scheme: "npi", value: "1234567893" }] });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe("IDENTIFIER_TAKEN");
    expect(taken.body.error.details.hcpId).toBe("us-1");
    expect((await m.users.mops.get("/v1/hcps/us-dup")).status).toBe(404);
    const bad = await m.users.mops.put("/v1/hcps/us-bad", { name: "Dr. Bad", specialty: "cardiology", market: "US", npi: "1234567890" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toMatch(/check digit/);
  });

  it("lets exactly one of two records racing for one NPI have it", async () => {
    const npi = "1245319599";
    const results = await Promise.all(["us-r1", "us-r2", "us-r3"].map((id) => m.users.mops.put(`/v1/hcps/${id}`, { name: id, specialty: "cardiology", market: "US", npi })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it("names an HCP by scheme:value wherever an id is accepted", async () => {
    const read = await ok(m.users.auditor.get("/v1/hcps/npi:1234567893"));
    expect(read.hcp.id).toBe("us-1");
    expect(read.hcp.identifiers).toEqual([{ scheme: "npi", value: "1234567893" }, { scheme: "onekey", value: "WUSM00000001" }]);
    await ok(m.users.auditor.get("/v1/hcps/onekey:WUSM00000001/state"));
    await events([{ id: "ev-id-1", hcpId: "npi:1234567893", type: "crm.call_logged", source: "crm", occurredAt: at(-HOUR) }]);
    const d = await ok(m.agent.post("/v1/proposals", email("npi:1234567893", { evidence: ["ev-id-1"] })));
    expect(d.hcpId).toBe("us-1");
    expect(d.outcome).toBe("allowed");
  });

  it("merges two records of one person: old ids resolve, the ledger keeps the revocation, and the gap counts both records' touches", async () => {
    clock.set(Date.parse(MONDAY_AFTERNOON) + 10 * 24 * HOUR);
    const mops = m.users.mops;
    await ok(mops.put("/v1/hcps/us-m1", { name: "Dr. Eve Stone", specialty: "cardiology", market: "US", npi: "1003000126" }), 201);
    await ok(mops.put("/v1/hcps/us-m2", { name: "Dr. E. Stone", specialty: "cardiology", market: "US", identifiers: [{ scheme: "onekey", value: "WUSM00000002" }] }), 201);
    // The hole: both records got the same email at the same moment.
    const first = await ok(m.agent.post("/v1/proposals", email("us-m1")));
    const second = await ok(m.agent.post("/v1/proposals", email("us-m2")));
    expect([first.outcome, second.outcome]).toEqual(["allowed", "allowed"]);
    await ok(mops.put("/v1/hcps/us-m2/consents/email", { purpose: "promotional", status: "revoked", source: "call-centre", capturedAt: at(-HOUR) }), 201);
    await ok(mops.put("/v1/hcps/us-m1/consents/email", { purpose: "promotional", status: "granted", source: "web-form", capturedAt: at(-2 * HOUR) }), 201);

    expect((await m.users.auditor.post("/v1/hcps/us-m1/merge", { from: ["us-m2"], reason: "same person" })).status).toBe(403);
    const merged = await ok(mops.post("/v1/hcps/us-m1/merge", { from: ["onekey:WUSM00000002"], reason: "same person, two CRM records" }));
    expect(merged.hcp.id).toBe("us-m1");
    expect(merged.hcp.mergedFrom).toEqual(["us-m2"]);
    expect(merged.cancelled.map((c: any) => c.decisionId)).toContain(second.id);

    const old = await ok(m.users.auditor.get("/v1/hcps/us-m2"));
    expect(old.hcp.id).toBe("us-m1");
    expect(old.hcp.mergedFrom).toEqual(["us-m2"]);
    expect(old.hcp.identifiers.map((i: any) => i.scheme).sort()).toEqual(["npi", "onekey"]);
    expect(old.consentHistory).toHaveLength(2);
    expect(old.consents.find((c: any) => c.channel === "email" && c.purpose === "promotional").status).toBe("revoked");
    const outbox = await server.ctx.store.db.selectFrom("outbox").select(["decision_id", "status", "hcp_id"]).where("decision_id", "in", [first.id, second.id]).execute();
    // Both pending sends are re-checked: one breaks the gap, and the merged ledger's revocation stops both.
    expect(outbox.map((o) => o.status)).toEqual(["cancelled", "cancelled"]);
    expect(merged.cancelled.find((c: any) => c.decisionId === second.id).reasons.map((r: any) => r.code)).toEqual(expect.arrayContaining(["MIN_GAP", "CONSENT_REVOKED"]));

    // The revocation stands for the merged identity; a newer grant lifts it, and then the gap counts the old record's touch.
    const refused = await ok(m.agent.post("/v1/proposals", email("us-m2")));
    expect(refused.hcpId).toBe("us-m1");
    expect(codes(refused)).toContain("CONSENT_REVOKED");
    await ok(mops.put("/v1/hcps/us-m2/consents/email", { purpose: "promotional", status: "granted", source: "web-form", capturedAt: at(-60_000) }), 201);
    expect((await ok(m.agent.post("/v1/proposals", email("us-m1")))).outcome).toBe("allowed");
    const delayed = await ok(m.rival.post("/v1/proposals", email("us-m2")));
    expect(delayed.outcome).toBe("scheduled");
    expect(codes(delayed)).toContain("MIN_GAP");
    const audited = await server.ctx.store.db.selectFrom("audit_records").select(["subject", "actor"]).where("type", "=", "hcp.merged").execute();
    expect(audited).toEqual([{ subject: "hcp:us-m1", actor: "user:mops" }]);
  });

  it("rejects evidence of another HCP (EVIDENCE_INVALID) and accepts a merged record's", async () => {
    clock.set(Date.parse(MONDAY_AFTERNOON) + 30 * 24 * HOUR);
    await events([
      { id: "ev-de-1", hcpId: "de-1", type: "crm.call_logged", source: "crm", occurredAt: at(-HOUR) },
      { id: "ev-us-2", hcpId: "us-2", type: "crm.call_logged", source: "crm", occurredAt: at(-HOUR) },
    ]);
    const foreign = await ok(m.agent.post("/v1/proposals", email("us-2", { evidence: ["ev-de-1"] })));
    expect(foreign.outcome).toBe("rejected");
    expect(codes(foreign)).toContain("EVIDENCE_INVALID");
    const unknown = await ok(m.agent.post("/v1/proposals", email("us-2", { evidence: ["ev-nowhere"] })));
    expect(codes(unknown)).toContain("EVIDENCE_INVALID");
    await ok(m.users.mops.put("/v1/hcps/us-3", { name: "Dr. Ben Ruiz (old record)", specialty: "cardiology", market: "US" }), 201);
    await events([{ id: "ev-us-3", hcpId: "us-3", type: "crm.call_logged", source: "crm", occurredAt: at(-HOUR) }]);
    await ok(m.users.mops.post("/v1/hcps/us-2/merge", { from: ["us-3"], reason: "duplicate record" }));
    const own = await ok(m.rival.post("/v1/proposals", email("us-2", { evidence: ["ev-us-3"] })));
    expect(own.outcome).toBe("allowed");
  });

  it("refuses an MI request as evidence for promotion, and EU data for a US decision (DATA_USE_NOT_PERMITTED)", async () => {
    clock.set(Date.parse(MONDAY_AFTERNOON) + 60 * 24 * HOUR);
    await events([
      { id: "ev-mi-1", hcpId: "us-2", type: "mi.request_received", source: "mi", occurredAt: at(-HOUR), data: { topic: "renal dosing" } },
      { id: "ev-eu-1", hcpId: "us-2", type: "symposium.attended", source: "crm_eu", occurredAt: at(-HOUR), data: { event: "ESC Congress" } },
    ]);
    const mi = await ok(m.agent.post("/v1/proposals", email("us-2", { evidence: ["ev-mi-1"] })));
    expect(mi.outcome).toBe("rejected");
    expect(codes(mi)).toEqual(expect.arrayContaining(["DATA_USE_NOT_PERMITTED"]));
    expect(codes(mi)).not.toContain("EVIDENCE_INVALID");
    const eu = await ok(m.agent.post("/v1/proposals", email("us-2", { evidence: ["ev-eu-1"] })));
    expect(eu.outcome).toBe("rejected");
    expect(codes(eu)).toContain("DATA_USE_NOT_PERMITTED");
    // The MI answer itself may rest on the MI request.
    const answer = await ok(m.agent.post("/v1/proposals", { idempotencyKey: `mi-${engine}`, hcpId: "us-2", action: "mi_response", purpose: "medical", evidence: ["ev-mi-1"], confidence: 0.9 }));
    expect(codes(answer)).not.toContain("DATA_USE_NOT_PERMITTED");
  });

  it("shows an agent only HCPs of its markets, and only the data its purposes may use", async () => {
    const promo = await ok(m.users.owner.post("/v1/agents", agentBody("us-promo", ["email"], ["US"])), 201);
    const agent = m.admin.as(promo.apiKey);
    const de = await agent.get("/v1/hcps/de-1");
    expect(de.status).toBe(403);
    expect((await agent.get("/v1/hcps/de-1/state")).status).toBe(403);
    const view = await ok(agent.get("/v1/hcps/us-2"));
    expect(view.purposes).toEqual(["promotional"]);
    expect(view.state.openMiRequests).toEqual([]);
    expect(view.state.lastEventBySource.mi).toBeUndefined();
    expect(view.withheldSources).toEqual(expect.arrayContaining(["mi", "crm_eu"]));
    const state = await ok(agent.get("/v1/hcps/us-2/state"));
    expect(state.state.openMiRequests).toEqual([]);
    // An agent that answers MI requests (medical) sees it.
    const medical = await ok(m.agent.get("/v1/hcps/us-2"));
    expect(medical.state.openMiRequests.map((r: any) => r.id)).toContain("ev-mi-1");
  });

  it("shows the data-use map in the latency audit", async () => {
    const report = await ok(m.users.auditor.get("/v1/data/latency"));
    const mi = report.dataUse.find((r: any) => r.source === "mi");
    expect(mi.byMarket.US).toEqual(["medical", "service"]);
    expect(report.dataUse.find((r: any) => r.source === "web").byMarket.DE).toEqual([]);
  });

  it("keeps a global halt standing: an agent registered meanwhile starts halted, and only POST /v1/resume lifts it", async () => {
    await ok(m.users.owner.post("/v1/agents/rival/halt", { reason: "its own incident" }));
    await ok(m.users.owner.post("/v1/halt", { reason: "incident 9: wrong segment" }));
    const late = await ok(m.users.owner.post("/v1/agents", agentBody("late", ["email"], ["US"])), 201);
    expect(late.agent.status).toBe("halted");
    const d = await ok(m.admin.as(late.apiKey).post("/v1/proposals", email("us-1")));
    expect(d.outcome).toBe("rejected");
    expect(codes(d)).toContain("AGENT_HALTED");
    expect((await m.users.owner.post("/v1/resume", { reason: "closed" })).status).toBe(403);
    const resumed = await ok(m.admin.post("/v1/resume", { reason: "incident 9 closed" }));
    expect(resumed.resumed).toEqual(expect.arrayContaining(["late", "nba"]));
    expect(resumed.resumed).not.toContain("rival");
    const agents = await ok(m.users.auditor.get("/v1/agents"));
    const status = Object.fromEntries(agents.agents.map((a: any) => [a.id, a.status]));
    expect(status).toMatchObject({ late: "active", nba: "active", rival: "halted" });
    expect((await m.admin.post("/v1/resume", { reason: "again" })).status).toBe(422);
    await ok(m.users.owner.post("/v1/agents/rival/resume", { reason: "its incident closed" }));
  });

  if (engine === "postgres") {
    it("holds a global halt across two Steward processes: an agent registered on the other one cannot propose", async () => {
      const second = await startChild(["bin/steward.js", "serve", "--data", server.location.dataDir, "--port", "0", "--governance", BUNDLE], { DATABASE_URL: server.location.databaseUrl! });
      try {
        clock.set(new Date());
        const other = new Api(second.url, m.admin.token);
        await ok(m.users.owner.post("/v1/halt", { reason: "incident 10" }));
        const fresh = await ok(other.post("/v1/agents", agentBody("fresh", ["field_suggestion"], ["US"])), 201);
        expect(fresh.agent.status).toBe("halted");
        const d = await ok(other.as(fresh.apiKey).post("/v1/proposals", { idempotencyKey: "halted-1", hcpId: "us-1", action: "field_suggestion", purpose: "promotional", confidence: 0.9 }));
        expect(codes(d)).toContain("AGENT_HALTED");
        const queued = await server.ctx.store.db.selectFrom("outbox").select("id").where("agent_id", "=", "fresh").execute();
        expect(queued).toEqual([]);
        const resumed = await ok(other.post("/v1/resume", { reason: "incident 10 closed" }));
        expect(resumed.resumed).toContain("fresh");

        // A halt racing proposals on the other process: every decision is before it (its send then
        // cancelled) or after it (rejected); nothing of the agent is left to send.
        for (let i = 0; i < 40; i++) await ok(m.users.mops.put(`/v1/hcps/race-${i}`, { name: `Dr. Race ${i}`, specialty: "cardiology", market: "US" }), 201);
        const racer = other.as(fresh.apiKey);
        const proposals = Array.from({ length: 40 }, (_, i) => racer.post("/v1/proposals", { idempotencyKey: `race-${i}`, hcpId: `race-${i}`, action: "field_suggestion", purpose: "promotional", confidence: 0.9 }));
        const halt = new Promise((r) => setTimeout(r, 30)).then(() => ok(m.users.owner.post("/v1/agents/fresh/halt", { reason: "incident 11" })));
        const decisions = (await Promise.all(proposals)).map((r) => r.body);
        await halt;
        const pending = await server.ctx.store.db.selectFrom("outbox").select("id").where("agent_id", "=", "fresh").where("status", "=", "pending").execute();
        expect(pending).toEqual([]);
        expect(decisions.every((d) => d.outcome === "allowed" || d.outcome === "scheduled" || codes(d).includes("AGENT_HALTED"))).toBe(true);
      } finally {
        await second.stop();
      }
    });
  }
});
