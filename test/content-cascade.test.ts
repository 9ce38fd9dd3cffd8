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

  it("blocks every version that uses the claim, but cancels only the sends of assets whose version in force uses it", async () => {
    const sign = { signature: { password: PASSWORD, meaning: "approved" } };
    const mops = m.users.mops;
    for (const id of ["clm-va", "clm-vb"]) {
      await ok(mops.post("/v1/claims", { id, text: `Cardiozan claim ${id}.`, product: "cardiozan", references: ["PI section 14"], markets: ["US"] }), 201);
      await ok(m.users.medical.post(`/v1/claims/${id}/approve`, sign));
    }
    const asset = (id: string, claims: string[]) => ({ id, title: id, subject: "Cardiozan", channel: "email", market: "US", language: "en", product: "cardiozan", claims, body: "Cardiozan news.\nUnsubscribe: {{unsubscribe}}", safetyInfo: "See full prescribing information." });
    // ast-v: in force v1 uses A; its newer draft v2 does not. ast-w: in force v1 does not use A; its draft v2 does.
    await ok(mops.post("/v1/assets", asset("ast-v", ["clm-va"])), 201);
    await ok(mops.post("/v1/assets", asset("ast-w", ["clm-vb"])), 201);
    for (const id of ["ast-v", "ast-w"]) await ok(m.users.medical.post(`/v1/assets/${id}/approve`, sign));
    await ok(mops.put("/v1/assets/ast-v", { claims: ["clm-vb"] }));
    await ok(mops.put("/v1/assets/ast-w", { claims: ["clm-va", "clm-vb"] }));
    for (const [hcp, assetId] of [["us-v0", "ast-v"], ["us-v1", "ast-w"]] as const) {
      await ok(mops.put(`/v1/hcps/${hcp}`, { name: `Dr. ${hcp}`, specialty: "cardiology", market: "US" }), 201);
      expect((await ok(m.agent.post("/v1/proposals", email(hcp, { assetId })))).outcome).toBe("allowed");
    }

    const w = await ok(m.users.medical.post("/v1/claims/clm-va/withdraw", { reason: "safety update: label change" }));
    expect(w).toMatchObject({ assetsBlocked: 2, versionsBlocked: 2, outboxCancelled: 1, assetIds: ["ast-v", "ast-w"] });
    const versions = async (id: string) => (await ok(m.users.auditor.get(`/v1/assets/${id}/versions`))).versions.map((v: any) => [v.version, v.status]);
    expect(await versions("ast-v")).toEqual([[1, "withdrawn"], [2, "draft"]]);
    expect(await versions("ast-w")).toEqual([[1, "approved"], [2, "withdrawn"]]);
    const box = await db().selectFrom("outbox").select(["asset_id", "status"]).where("asset_id", "in", ["ast-v", "ast-w"]).orderBy("asset_id").execute();
    expect(box).toEqual([{ asset_id: "ast-v", status: "cancelled" }, { asset_id: "ast-w", status: "pending" }]);
    // The gate agrees: ast-v's version in force is blocked, ast-w's is not.
    expect((await ok(m.agent.post("/v1/proposals", email("us-v0", { assetId: "ast-v" })))).reasons.map((r: any) => r.code)).toContain("CONTENT_CLAIM_WITHDRAWN");
    await ok(mops.put("/v1/hcps/us-v2", { name: "Dr. us-v2", specialty: "cardiology", market: "US" }), 201);
    expect((await ok(m.agent.post("/v1/proposals", email("us-v2", { assetId: "ast-w" })))).outcome).toBe("allowed");
  });
});
