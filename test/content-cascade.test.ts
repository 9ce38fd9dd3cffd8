// The withdrawal cascade under load, on SQLite and PostgreSQL: proposals for an asset race a claim's
// withdrawal. Whatever the interleaving, once the withdrawal has committed no action that would send
// the withdrawn claim is pending, none is allowed afterwards, and each affected agent has a notice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, PASSWORD, email, ok, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const HCPS = 60;

describe.each(ENGINES)("the withdrawal cascade with proposals in flight on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  const db = () => server.ctx.store.db;

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
    for (let i = 0; i < HCPS; i++) await ok(m.users.mops.put(`/v1/hcps/us-c${i}`, { name: `Dr. C${i}`, specialty: "cardiology", market: "US" }), 201);
  });
  afterAll(async () => server?.stop());

  it("leaves nothing pending and allows nothing after the withdrawal commits", async () => {
    const sign = { signature: { password: PASSWORD, meaning: "approved" } };
    // A second asset on another claim: the bystander whose sends must survive.
    await ok(m.users.mops.post("/v1/claims", { id: "clm-dose", text: "Cardiozan is one 10 mg tablet once daily.", product: "cardiozan", references: ["PI section 2"], markets: ["US"] }), 201);
    await ok(m.users.medical.post("/v1/claims/clm-dose/approve", sign));
    await ok(m.users.mops.post("/v1/assets", { id: "ast-dose", title: "Dosing", subject: "Dosing", channel: "email", market: "US", language: "en", product: "cardiozan", claims: ["clm-dose"], body: "Cardiozan is one 10 mg tablet once daily.\nUnsubscribe: {{unsubscribe}}", safetyInfo: "See full prescribing information." }), 201);
    await ok(m.users.medical.post("/v1/assets/ast-dose/approve", sign));

    const proposals = Array.from({ length: HCPS }, (_, i) => m.agent.post("/v1/proposals", email(`us-c${i}`, { assetId: i % 5 === 0 ? "ast-dose" : "ast-us" })));
    // The withdrawal lands in the middle of the stream.
    await Promise.all(proposals.slice(0, 10));
    const withdrawal = m.users.medical.post("/v1/claims/clm-1/withdraw", { reason: "safety update: hepatotoxicity signal" });
    const [w, ...decisions] = await Promise.all([withdrawal, ...proposals]);
    expect(w.status, JSON.stringify(w.body)).toBe(200);
    expect(decisions.every((d) => d.status === 200)).toBe(true);

    // Nothing that would send the withdrawn claim is pending.
    const pending = await db().selectFrom("outbox").select("id").where("status", "=", "pending").where("asset_id", "in", ["ast-us", "ast-de"]).execute();
    expect(pending).toEqual([]);
    // Every allowed send of ast-us was either cancelled by the cascade or never queued (decided after it).
    const allowedUs = decisions.filter((d) => d.body.assetId === "ast-us" && d.body.outcome === "allowed").map((d) => d.body.id);
    const cancelled = await db().selectFrom("outbox").select(["decision_id", "status", "closed_reason"]).where("asset_id", "=", "ast-us").execute();
    expect(cancelled.every((o) => o.status === "cancelled" && o.closed_reason!.includes("clm-1"))).toBe(true);
    expect(cancelled.map((o) => o.decision_id).sort()).toEqual([...allowedUs].sort());
    expect(w.body.outboxCancelled).toBe(allowedUs.length);
    // Those decided after the commit were refused for the withdrawn claim.
    for (const d of decisions.filter((d) => d.body.assetId === "ast-us" && d.body.outcome !== "allowed")) {
      expect(d.body.reasons.map((r: any) => r.code)).toContain("CONTENT_CLAIM_WITHDRAWN");
    }
    // The bystander's sends survive.
    const dose = await db().selectFrom("outbox").select("status").where("asset_id", "=", "ast-dose").execute();
    expect(dose.length).toBeGreaterThan(0);
    expect(dose.every((o) => o.status === "pending")).toBe(true);

    // After the commit, nothing using the claim is allowed.
    const after = await ok(m.agent.post("/v1/proposals", email("us-2")));
    expect(after.outcome).toBe("rejected");
    expect(after.reasons.map((r: any) => r.code)).toContain("CONTENT_CLAIM_WITHDRAWN");

    // The agent can read what happened to its actions; another agent cannot read its notices.
    const { notices } = await ok(m.agent.get("/v1/agents/nba/notices"));
    expect(notices).toHaveLength(allowedUs.length > 0 ? 1 : 0);
    if (allowedUs.length > 0) expect(notices[0]).toMatchObject({ kind: "claim.withdrawn", claimId: "clm-1", data: { outboxCancelled: allowedUs.length } });
    expect((await m.rival.get("/v1/agents/nba/notices")).status).toBe(403);
    expect((await m.users.auditor.get("/v1/agents/nba/notices")).status).toBe(200);
  });
});
