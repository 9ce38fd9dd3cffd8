// The gate end to end over HTTP, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { Api, startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, PASSWORD, email, ok, seedMarket, type Market } from "./market.ts";
import { startChild } from "./processes.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const DAY = 24 * 3600 * 1000;

describe.each(ENGINES)("the governed decision gate on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
  });
  afterAll(async () => server?.stop());

  const auditCount = async () => (await server.ctx.store.db.selectFrom("audit_records").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n;

  it("allows a confident promotional email to a US HCP and queues it for dispatch, with its reasons", async () => {
    clock.set(MONDAY_AFTERNOON);
    const d = await ok(m.agent.post("/v1/proposals", email("us-1")));
    expect(d.outcome).toBe("allowed");
    expect(d.reasons.map((r: any) => r.code)).toContain("AUTHORITY_AUTONOMOUS");
    expect(d.reasons.find((r: any) => r.code === "AUTHORITY_AUTONOMOUS").ruleId).toBe("promo-email-autonomous");
    expect(d.bundleVersion).toBe(server.ctx.governance.current().version);
    const outbox = await server.ctx.store.db.selectFrom("outbox").selectAll().where("decision_id", "=", d.id).execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.status).toBe("pending");
    const full = await ok(m.admin.get(`/v1/decisions/${d.id}`));
    expect(full.checks.map((c: any) => c.check)).toEqual(expect.arrayContaining(["agent", "hcp", "consent", "content", "authority", "contact"]));
    const audit = await ok(m.users.auditor.get("/v1/audit?limit=1000"));
    expect(audit.records.some((r: any) => r.type === "decision.made" && r.subject === `decision:${d.id}`)).toBe(true);
  });

  it("rejects an email to a German HCP without opt-in consent", async () => {
    const d = await ok(m.agent.post("/v1/proposals", email("de-2")));
    expect(d.outcome).toBe("rejected");
    expect(d.reasons.map((r: any) => r.code)).toContain("CONSENT_MISSING");
  });

  it("allows it once consent is granted, and rejects it again after revocation", async () => {
    clock.set(MONDAY_AFTERNOON);
    await ok(m.users.mops.put("/v1/hcps/de-2/consents/email", { purpose: "promotional", status: "granted", source: "rep-tablet", capturedAt: "2026-02-01T10:00:00Z" }), 201);
    const allowed = await ok(m.agent.post("/v1/proposals", email("de-2")));
    expect(allowed.outcome).toBe("allowed");
    await ok(m.users.mops.put("/v1/hcps/de-2/consents/email", { purpose: "promotional", status: "revoked", source: "unsubscribe-link", capturedAt: "2026-03-01T10:00:00Z" }), 201);
    const refused = await ok(m.agent.post("/v1/proposals", email("de-2")));
    expect(refused.outcome).toBe("rejected");
    expect(refused.reasons.map((r: any) => r.code)).toContain("CONSENT_REVOKED");
    const hcp = await ok(m.admin.get("/v1/hcps/de-2"));
    expect(hcp.consentHistory).toHaveLength(2);
  });

  it("returns the same decision for the same idempotency key and body, and 409 for another body", async () => {
    const body = email("us-2");
    const first = await ok(m.agent.post("/v1/proposals", body));
    const again = await ok(m.agent.post("/v1/proposals", body));
    expect(again).toEqual(first);
    const other = await m.agent.post("/v1/proposals", { ...body, confidence: 0.7 });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("requires content for an email and names every check that spoke", async () => {
    const { assetId: _unused, ...noAsset } = email("us-2");
    const d = await ok(m.agent.post("/v1/proposals", { ...noAsset, action: "email" }));
    expect(d.outcome).toBe("rejected");
    expect(d.reasons.map((r: any) => r.code)).toContain("CONTENT_REQUIRED");
    const wrongMarket = await ok(m.agent.post("/v1/proposals", email("us-2", { assetId: "ast-de" })));
    expect(wrongMarket.reasons.map((r: any) => r.code)).toContain("CONTENT_MARKET_MISMATCH");
  });

  it("routes a low-confidence email to brand review; approval re-checks and records the final decision", async () => {
    clock.set(new Date(Date.parse(MONDAY_AFTERNOON) + 3 * DAY));
    const d = await ok(m.agent.post("/v1/proposals", email("de-1", { confidence: 0.3 })));
    expect(d.outcome).toBe("pending_review");
    expect(d.reviewId).toBeTruthy();
    const queue = await ok(m.users.brand.get("/v1/reviews?status=open&role=reviewer:brand"));
    expect(queue.reviews.map((r: any) => r.id)).toContain(d.reviewId);

    const wrongRole = await m.users.medical.post(`/v1/reviews/${d.reviewId}/approve`, { signature: { password: PASSWORD, meaning: "approved" } });
    expect(wrongRole.status).toBe(403);
    const badPassword = await m.users.brand.post(`/v1/reviews/${d.reviewId}/approve`, { signature: { password: "wrong", meaning: "approved" } });
    expect(badPassword.status).toBe(403);
    expect(badPassword.body.error.code).toBe("SIGNATURE_INVALID");

    const approved = await ok(m.users.brand.post(`/v1/reviews/${d.reviewId}/approve`, { signature: { password: PASSWORD, meaning: "approved" } }));
    expect(approved.review.status).toBe("approved");
    expect(approved.review.signatures[0]).toMatchObject({ username: "brand", printedName: "Test brand", meaning: "approved" });
    expect(["allowed", "scheduled"]).toContain(approved.decision.outcome);
    const after = await ok(m.admin.get(`/v1/decisions/${d.id}`));
    expect(after.outcome).toBe(approved.decision.outcome);
    expect(after.initialOutcome).toBe("pending_review");

    const twice = await m.users.brand.post(`/v1/reviews/${d.reviewId}/approve`, { signature: { password: PASSWORD, meaning: "approved" } });
    expect(twice.status).toBe(409);
  });

  it("approval rejects the action when consent was revoked while it waited", async () => {
    clock.set(new Date(Date.parse(MONDAY_AFTERNOON) + 20 * DAY));
    await ok(m.users.mops.put("/v1/hcps/de-1/consents/email", { purpose: "medical", status: "granted", source: "form", capturedAt: "2026-01-01T00:00:00Z" }), 201);
    const d = await ok(m.agent.post("/v1/proposals", { idempotencyKey: "mi-1", hcpId: "de-1", action: "mi_response", purpose: "medical", content: { text: "Keine Dosisanpassung bei Nierenfunktionsstörung (Fachinformation 4.2)." } }));
    expect(d.outcome).toBe("pending_review");
    await ok(m.users.mops.put("/v1/hcps/de-1/consents/email", { purpose: "medical", status: "revoked", source: "phone call", capturedAt: clock.now().toISOString() }), 201);
    const approved = await ok(m.users.medical.post(`/v1/reviews/${d.reviewId}/approve`, { signature: { password: PASSWORD, meaning: "approved" } }));
    expect(approved.decision.outcome).toBe("rejected");
    expect(approved.decision.reasons.map((r: any) => r.code)).toContain("CONSENT_REVOKED");
  });

  it("schedules an email proposed in the HCP's quiet hours for the first allowed moment", async () => {
    // 02:00 UTC is 21:00 the evening before in New York: quiet until 08:00 local (13:00 UTC).
    clock.set("2026-04-07T02:00:00.000Z");
    await ok(m.users.mops.put("/v1/hcps/us-q", { name: "Dr. Quiet", specialty: "cardiology", market: "US" }), 201);
    const d = await ok(m.agent.post("/v1/proposals", email("us-q")));
    expect(d.outcome).toBe("scheduled");
    expect(d.reasons.map((r: any) => r.code)).toContain("QUIET_HOURS");
    expect(d.scheduledFor).toBe("2026-04-07T12:00:00.000Z"); // 08:00 EDT
  });

  it("halting an agent takes effect for the very next proposal and cancels its open reviews", async () => {
    clock.set(new Date(Date.parse(MONDAY_AFTERNOON) + 40 * DAY));
    const pending = await ok(m.rival.post("/v1/proposals", email("us-2", { confidence: 0.2 })));
    expect(pending.outcome).toBe("pending_review");
    const halt = await ok(m.users.owner.post(`/v1/agents/${m.rivalId}/halt`, { reason: "sending to the wrong segment" }));
    expect(halt.agent.status).toBe("halted");
    expect(halt.reviewsCancelled).toBe(1);
    // A halted agent's proposal is still decided — rejected with AGENT_HALTED, on the record.
    const next = await ok(m.rival.post("/v1/proposals", email("us-1")));
    expect(next.outcome).toBe("rejected");
    expect(next.reasons.map((r: any) => r.code)).toContain("AGENT_HALTED");
    // Its key reads nothing else but its own status.
    const read = await m.rival.get("/v1/hcps/us-1");
    expect(read.status).toBe(403);
    expect(read.body.error.code).toBe("AGENT_HALTED");
    const review = await ok(m.admin.get(`/v1/reviews/${pending.reviewId}`));
    expect(review.review.status).toBe("cancelled");
    const noReason = await m.users.owner.post(`/v1/agents/${m.rivalId}/resume`, {});
    expect(noReason.status).toBe(400);
    await ok(m.users.owner.post(`/v1/agents/${m.rivalId}/resume`, { reason: "segment fixed" }));
    const resumed = await ok(m.rival.post("/v1/proposals", email("us-1")));
    expect(resumed.reasons.map((r: any) => r.code)).not.toContain("AGENT_HALTED");
  });

  it("arbitrates a batch by agent priority: a loser only delayed is deferred, one capped is told it lost", async () => {
    clock.set(new Date(Date.parse(MONDAY_AFTERNOON) + 60 * DAY));
    await ok(m.users.mops.put("/v1/hcps/us-b", { name: "Dr. Batch", specialty: "oncology", market: "US" }), 201);
    const res = await ok(m.users.owner.post("/v1/proposals/batch", {
      proposals: [
        { ...email("us-b", { expectedValue: 9 }), agentId: m.agentId },
        { ...email("us-b", { expectedValue: 1 }), agentId: m.rivalId },
        { ...email("us-b", { expectedValue: 1 }), agentId: m.agentId },
      ],
    }));
    const [deferred, high, capped] = res.decisions;
    expect(high.outcome).toBe("allowed");
    // The minimum gap (24 h) after the winner's touch only delays it: scheduled, not dropped.
    expect(deferred.outcome).toBe("scheduled");
    expect(Date.parse(deferred.scheduledFor) - Date.parse(MONDAY_AFTERNOON)).toBe(61 * DAY);
    expect(deferred.reasons.map((r: any) => r.code)).not.toContain("CONFLICT_LOST");
    // The email cap (2 per 7 days) is full with the two before it: this one lost its slot.
    expect(capped.outcome).toBe("rejected");
    expect(capped.reasons.map((r: any) => r.code)).toEqual(expect.arrayContaining(["CAP_EXCEEDED", "CONFLICT_LOST"]));
  });

  it("holds the caps when 200 proposals for one HCP arrive at once", async () => {
    clock.set(new Date(Date.parse(MONDAY_AFTERNOON) + 80 * DAY));
    await ok(m.users.mops.put("/v1/hcps/us-c", { name: "Dr. Crowd", specialty: "oncology", market: "US" }), 201);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? m.agent : m.rival).post("/v1/proposals", email("us-c"))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const touching = results.filter((r) => r.body.outcome === "allowed" || r.body.outcome === "scheduled");
    // email cap: 2 per 7 days, with a 24 h gap: one now, one a day later, every other one refused.
    expect(touching).toHaveLength(2);
    const touches = await server.ctx.store.db.selectFrom("touches").select("at").where("hcp_id", "=", "us-c").where("cancelled", "=", 0).orderBy("at").execute();
    expect(touches).toHaveLength(2);
    expect(Date.parse(touches[1]!.at) - Date.parse(touches[0]!.at)).toBeGreaterThanOrEqual(DAY);
    expect(results.filter((r) => r.body.outcome === "rejected").every((r) => r.body.reasons.some((x: any) => x.code === "CAP_EXCEEDED"))).toBe(true);
  });

  it("rejects a field suggestion whose evidence is older than freshness.yaml allows, and accepts fresh evidence", async () => {
    clock.set(new Date(Date.parse(MONDAY_AFTERNOON) + 120 * DAY));
    const now = clock.now().getTime();
    const ingest = await ok(m.users.mops.post("/v1/events", { events: [
      { id: "ev-old", hcpId: "us-2", type: "symposium_attended", source: "events", occurredAt: new Date(now - 3 * DAY).toISOString() },
      { id: "ev-new", hcpId: "us-2", type: "symposium_attended", source: "events", occurredAt: new Date(now - 3600_000).toISOString() },
      { id: "ev-new", hcpId: "us-2", type: "symposium_attended", source: "events", occurredAt: new Date(now - 3600_000).toISOString() },
      { id: "ev-bad", hcpId: "us-2", type: "symposium_attended", source: "events", occurredAt: "yesterday" },
      { id: "ev-nobody", hcpId: "nobody", type: "symposium_attended", source: "events", occurredAt: new Date(now).toISOString() },
    ] }));
    expect(ingest.accepted).toBe(2);
    expect(ingest.duplicates).toBe(1);
    expect(ingest.rejected.map((r: any) => r.index)).toEqual([3, 4]);
    expect(ingest.rejected[0].error).toContain("occurredAt");
    const again = await ok(m.users.mops.post("/v1/events", { events: [{ id: "ev-old", hcpId: "us-2", type: "x", source: "events", occurredAt: new Date(now).toISOString() }] }));
    expect(again).toMatchObject({ accepted: 0, duplicates: 1 });

    const stale = await ok(m.agent.post("/v1/proposals", { idempotencyKey: "fresh-1", hcpId: "us-2", action: "field_suggestion", purpose: "promotional", evidence: ["ev-old"] }));
    expect(stale.outcome).toBe("rejected");
    expect(stale.reasons.map((r: any) => r.code)).toContain("DATA_STALE");
    const fresh = await ok(m.agent.post("/v1/proposals", { idempotencyKey: "fresh-2", hcpId: "us-2", action: "field_suggestion", purpose: "promotional", evidence: ["ev-new"] }));
    expect(fresh.reasons.map((r: any) => r.code)).not.toContain("DATA_STALE");
    const missing = await ok(m.agent.post("/v1/proposals", { idempotencyKey: "fresh-3", hcpId: "us-2", action: "field_suggestion", purpose: "promotional", evidence: ["ev-never"] }));
    expect(missing.reasons.map((r: any) => r.code)).toContain("DATA_STALE");
  });

  it("stores keys and tokens only hashed", async () => {
    const rows = await server.ctx.store.db.selectFrom("tokens").select("hash").execute();
    const all = JSON.stringify(rows);
    expect(all).not.toContain(m.agent.token!);
    expect(all).not.toContain(m.tokens.medical);
    expect((await ok(m.agent.get("/v1/me"))).id).toBe(m.agentId);
    expect((await ok(m.users.medical.get("/v1/me"))).roles).toEqual(["reviewer:medical"]);
  });

  describe("bad input gets a precise 4xx and writes nothing", () => {
    it("malformed JSON", async () => {
      const before = await auditCount();
      const res = await m.agent.request("POST", "/v1/proposals", '{"idempotencyKey": "x", ', { "content-type": "application/json" });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("MALFORMED_JSON");
      expect(await auditCount()).toBe(before);
    });
    it("wrong types and unknown fields, each named", async () => {
      const res = await m.agent.post("/v1/proposals", { idempotencyKey: 7, hcpId: "us-1", action: "fax", purpose: "promotional", confidence: 2, surprise: true });
      expect(res.status).toBe(400);
      const fields = res.body.error.details.map((d: any) => d.field);
      expect(fields).toEqual(expect.arrayContaining(["idempotencyKey", "action", "confidence"]));
      expect(JSON.stringify(res.body)).toContain("surprise");
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    });
    it("a huge body", async () => {
      const res = await m.agent.post("/v1/proposals", { ...email("us-1"), rationale: "x".repeat(2 * 1024 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe("BODY_TOO_LARGE");
    });
    it("prototype pollution attempts", async () => {
      const res = await m.agent.request("POST", "/v1/proposals", '{"__proto__": {"admin": true}, "idempotencyKey": "p"}', { "content-type": "application/json" });
      expect(res.status).toBe(400);
    });
    it("no token, unknown token, wrong kind of token", async () => {
      expect((await m.admin.as("").get("/v1/agents")).status).toBe(401);
      expect((await m.admin.as("stw_nope").get("/v1/agents")).status).toBe(401);
      expect((await m.agent.post("/v1/agents", {})).status).toBe(403);
      expect((await m.admin.post("/v1/proposals", email("us-1"))).status).toBe(403);
    });
    it("unknown ids", async () => {
      expect((await m.admin.get("/v1/decisions/dec_nope")).status).toBe(404);
      expect((await m.users.owner.post("/v1/agents/nope/halt", { reason: "testing" })).status).toBe(404);
      expect((await m.users.mops.put("/v1/hcps/nope/consents/email", { purpose: "promotional", status: "granted", source: "x", capturedAt: "2026-01-01T00:00:00Z" })).status).toBe(404);
      const unknownHcp = await ok(m.agent.post("/v1/proposals", email("nobody")));
      expect(unknownHcp.reasons.map((r: any) => r.code)).toContain("HCP_UNKNOWN");
    });
    it("a duplicate agent id is a conflict", async () => {
      const res = await m.users.owner.post("/v1/agents", { id: "nba", name: "x", owner: "x", objective: "x", metric: "x", actions: ["email"], markets: ["US"], priority: 1 });
      expect(res.status).toBe(409);
    });
  });

  it("verifies the audit chain, then finds the first edited record and a deleted tail", async () => {
    const auditor = m.users.auditor;
    const good = await ok(auditor.get("/v1/audit/verify"));
    expect(good.ok).toBe(true);
    expect(good.entries).toBeGreaterThan(20);
    const db = server.ctx.store.db;
    const victim = 7;
    const original = await db.selectFrom("audit_records").selectAll().where("seq", "=", victim).executeTakeFirstOrThrow();
    await db.updateTable("audit_records").set({ data: JSON.stringify({ forged: true }) }).where("seq", "=", victim).execute();
    const edited = await ok(auditor.get("/v1/audit/verify"));
    expect(edited.ok).toBe(false);
    expect(edited.firstBadSeq).toBe(victim);
    await db.updateTable("audit_records").set({ data: original.data }).where("seq", "=", victim).execute();
    expect((await ok(auditor.get("/v1/audit/verify"))).ok).toBe(true);

    // Delete the newest three records and rewind the head row: only the anchor outside the database knows.
    const head = await db.selectFrom("audit_head").selectAll().executeTakeFirstOrThrow();
    const kept = await db.selectFrom("audit_records").selectAll().where("seq", "=", head.seq - 3).executeTakeFirstOrThrow();
    const tail = await db.selectFrom("audit_records").selectAll().where("seq", ">", head.seq - 3).orderBy("seq").execute();
    await db.deleteFrom("audit_records").where("seq", ">", head.seq - 3).execute();
    await db.updateTable("audit_head").set({ seq: kept.seq, hash: kept.hash }).execute();
    const truncated = await ok(auditor.get("/v1/audit/verify"));
    expect(truncated.ok).toBe(false);
    expect(truncated.firstBadSeq).toBe(head.seq - 2);

    // Put the tail back: the rest of this file (and a second process joining the store) runs on an intact trail.
    await db.insertInto("audit_records").values(tail).execute();
    await db.updateTable("audit_head").set({ seq: head.seq, hash: head.hash }).execute();
    expect((await ok(auditor.get("/v1/audit/verify"))).ok).toBe(true);
  });

  it("the global halt stops every agent at once and cancels their undispatched actions", async () => {
    clock.set(new Date(Date.parse(MONDAY_AFTERNOON) + 140 * DAY));
    await ok(m.users.mops.put("/v1/hcps/us-h", { name: "Dr. Halt", specialty: "oncology", market: "US" }), 201);
    const queued = await ok(m.agent.post("/v1/proposals", email("us-h")));
    expect(queued.outcome).toBe("allowed");
    const res = await ok(m.users.owner.post("/v1/halt", { reason: "incident 4711: wrong content version" }));
    expect(res.halted).toBeGreaterThanOrEqual(2);
    expect(res.outboxCancelled).toBeGreaterThanOrEqual(1);
    const outbox = await server.ctx.store.db.selectFrom("outbox").select("status").where("decision_id", "=", queued.id).executeTakeFirstOrThrow();
    expect(outbox.status).toBe("cancelled");
    for (const api of [m.agent, m.rival]) {
      const d = await ok(api.post("/v1/proposals", email("us-h")));
      expect(d.reasons.map((r: any) => r.code)).toContain("AGENT_HALTED");
    }
    // Proposed on a halted agent's behalf by a person, it is decided and rejected with AGENT_HALTED.
    const batch = await ok(m.users.owner.post("/v1/proposals/batch", { proposals: [{ ...email("us-h"), agentId: m.agentId }] }));
    expect(batch.decisions[0].reasons.map((r: any) => r.code)).toContain("AGENT_HALTED");
    const agents = await ok(m.users.auditor.get("/v1/agents"));
    expect(agents.agents.every((a: any) => a.status === "halted")).toBe(true);
    await ok(m.users.owner.post(`/v1/agents/${m.agentId}/resume`, { reason: "incident closed" }));
    await ok(m.users.owner.post(`/v1/agents/${m.rivalId}/resume`, { reason: "incident closed" }));
  });

  if (engine === "postgres") {
    it("holds the caps across two server processes sharing one database", async () => {
      // A second Steward in its own OS process, on the same PostgreSQL database, with the real clock:
      // both serialize on the HCP's advisory lock, so the field cap (1 per 14 days) holds across them.
      const second = await startChild(["bin/steward.js", "serve", "--data", server.location.dataDir, "--port", "0"], { DATABASE_URL: server.location.databaseUrl! });
      try {
        clock.set(new Date());
        await ok(m.users.mops.put("/v1/hcps/us-x", { name: "Dr. Cross", specialty: "oncology", market: "US" }), 201);
        const agentOnSecond = new Api(second.url, m.agent.token);
        const body = () => ({ ...email("us-x"), action: "field_suggestion", assetId: undefined });
        const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? m.agent : agentOnSecond).post("/v1/proposals", body())));
        expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
        const fromSecond = results.filter((_, i) => i % 2 === 0).map((r) => r.body.id);
        expect(fromSecond.every((id: string) => typeof id === "string")).toBe(true);
        const touching = results.filter((r) => r.body.outcome === "allowed" || r.body.outcome === "scheduled");
        expect(touching).toHaveLength(1);
        const touches = await server.ctx.store.db.selectFrom("touches").select("decision_id").where("hcp_id", "=", "us-x").where("cancelled", "=", 0).execute();
        expect(touches).toHaveLength(1);
      } finally {
        await second.stop();
      }
    });
  }
});
