// The demo market (`steward serve --demo`): seeded through the services into an empty store, then used
// over HTTP exactly as the README's first curl does. On SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/shared/clock.ts";
import { seedDemo, type DemoCredentials } from "../src/demo/seed.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type Api, type TestServer } from "./server.ts";

/** A Monday, 15:00 UTC: 10:00 in New York, 16:00 in Berlin and Paris — outside quiet hours everywhere. */
const NOW = "2026-03-02T15:00:00.000Z";

describe.each(ENGINES)("the demo market on %s", (engine) => {
  let server: TestServer;
  let seeded: Omit<DemoCredentials, "adminToken">;
  const agentApi = (id: string): Api => server.api.as(seeded.agents.find((a) => a.id === id)!.apiKey);
  let key = 0;
  const propose = (agentId: string, body: Record<string, unknown>) =>
    agentApi(agentId).post("/v1/proposals", { idempotencyKey: `demo-test-${++key}`, ...body });
  const codes = (d: { reasons: { code: string }[] }) => d.reasons.map((r) => r.code);

  beforeAll(async () => {
    server = await startTestServer(engine, { clock: new ManualClock(NOW) });
    const result = await seedDemo(server.ctx);
    expect(result).not.toBeNull();
    seeded = result!;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("registers three agents with different owners and priorities, and their keys work", async () => {
    const res = await server.api.get("/v1/agents");
    expect(res.status).toBe(200);
    const agents = res.body.agents as { id: string; owner: string; priority: number; status: string }[];
    expect(agents.map((a) => a.id).sort()).toEqual(["field-prep", "mi-triage", "nba-email"]);
    expect(new Set(agents.map((a) => a.priority)).size).toBe(3);
    expect(new Set(agents.map((a) => a.owner)).size).toBe(3);
    expect(agents.every((a) => a.status === "active")).toBe(true);
    for (const a of seeded.agents) {
      const me = await server.api.as(a.apiKey).get("/v1/me");
      expect(me.status, JSON.stringify(me.body)).toBe(200);
    }
  });

  it("creates the people with the roles they need, whose tokens work", async () => {
    const roles = seeded.users.flatMap((u) => u.roles).sort();
    expect(roles).toEqual(["agent_owner", "auditor", "mops", "reviewer:brand", "reviewer:legal", "reviewer:medical"]);
    for (const u of seeded.users) {
      expect(u.password.length).toBeGreaterThanOrEqual(8);
      const me = await server.api.as(u.token).get("/v1/me");
      expect(me.status, JSON.stringify(me.body)).toBe(200);
    }
  });

  it("has a few hundred HCPs across US, DE and FR, with NPIs and local time zones in the US", async () => {
    const db = server.ctx.store.db;
    const rows = await db.selectFrom("hcps").select(["id", "market", "npi", "timezone", "segment", "specialty"]).execute();
    expect(rows.length).toBeGreaterThanOrEqual(250);
    const byMarket = (m: string) => rows.filter((r) => r.market === m);
    expect(byMarket("US").length).toBeGreaterThanOrEqual(100);
    expect(byMarket("DE").length).toBeGreaterThanOrEqual(50);
    expect(byMarket("FR").length).toBeGreaterThanOrEqual(50);
    expect(rows.every((r) => r.id.startsWith(`${r.market.toLowerCase()}-`))).toBe(true);
    const npis = byMarket("US").map((r) => r.npi);
    expect(npis.every((n) => n !== null && /^\d{10}$/.test(n))).toBe(true);
    expect(new Set(npis).size).toBe(npis.length);
    expect(new Set(byMarket("US").map((r) => r.timezone).filter(Boolean))).toEqual(new Set(["America/Chicago", "America/Denver", "America/Los_Angeles"]));
    expect(new Set(rows.map((r) => r.segment))).toEqual(new Set(["high-potential", "medium-potential", "low-potential"]));
    expect(new Set(rows.map((r) => r.specialty)).size).toBeGreaterThanOrEqual(5);

    const hcp = await server.api.get("/v1/hcps/us-0001");
    expect(hcp.status, JSON.stringify(hcp.body)).toBe(200);
  });

  it("keeps a consent ledger: opt-in grants in DE and FR, some later revoked, US unsubscribes", async () => {
    const db = server.ctx.store.db;
    const consents = await db.selectFrom("consents").innerJoin("hcps", "hcps.id", "consents.hcp_id")
      .select(["consents.hcp_id", "hcps.market", "consents.channel", "consents.purpose", "consents.status", "consents.captured_at"]).execute();
    const now = Date.parse(NOW);
    expect(consents.every((c) => Date.parse(c.captured_at) < now)).toBe(true);
    const emailPromo = (m: string, status: string) =>
      new Set(consents.filter((c) => c.market === m && c.channel === "email" && c.purpose === "promotional" && c.status === status).map((c) => c.hcp_id));
    const de = (await db.selectFrom("hcps").select("id").where("market", "=", "DE").execute()).length;
    expect(emailPromo("DE", "granted").size / de).toBeGreaterThan(0.5);
    expect(emailPromo("DE", "granted").size / de).toBeLessThan(0.9);
    // Revoked after a grant: both records stand.
    const deRevokedAfterGrant = [...emailPromo("DE", "revoked")].filter((id) => emailPromo("DE", "granted").has(id));
    expect(deRevokedAfterGrant.length + [...emailPromo("FR", "revoked")].length).toBeGreaterThan(0);
    expect(emailPromo("US", "revoked").size).toBeGreaterThan(5);
    expect(emailPromo("US", "revoked").has("us-0001")).toBe(false);
  });

  it("approves the Cardiozan content in each market's language", async () => {
    for (const [id, market, language, channel] of [
      ["ast-cardiozan-us-email", "US", "en", "email"], ["ast-cardiozan-de-email", "DE", "de", "email"], ["ast-cardiozan-fr-email", "FR", "fr", "email"],
      ["ast-cardiozan-us-web", "US", "en", "web"], ["ast-cardiozan-us-event-invite", "US", "en", "email"],
    ] as const) {
      const res = await server.api.get(`/v1/assets/${id}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const a = res.body.asset;
      expect([a.status, a.market, a.language, a.channel]).toEqual(["approved", market, language, channel]);
      expect(a.safetyInfo).toBeTruthy();
      expect(a.checks.filter((c: { severity: string }) => c.severity === "error")).toEqual([]);
      if (channel === "email") {
        expect(a.subject).toBeTruthy();
        expect(a.body).toContain("{{unsubscribe}}");
      }
      expect(a.approval.username).toBe(seeded.users.find((u) => u.roles.includes("reviewer:medical"))!.username);
    }
    const claims = await server.api.get("/v1/claims/clm-cardiozan-mace");
    expect(claims.body.claim).toMatchObject({ status: "approved", riskClass: "high" });
  });

  it("lets nba-email send the README's promotional email to us-0001", async () => {
    const res = await propose("nba-email", { hcpId: "us-0001", action: "email", purpose: "promotional", assetId: "ast-cardiozan-us-email", confidence: 0.9 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(codes(res.body).filter((c) => c.startsWith("CONSENT_") || c.startsWith("CONTENT_"))).toEqual([]);
    expect(res.body.outcome, JSON.stringify(res.body)).toBe("allowed");
  });

  it("rejects an email to a German HCP who never opted in with CONSENT_MISSING", async () => {
    const db = server.ctx.store.db;
    const optedIn = db.selectFrom("consents").select("hcp_id").where("channel", "=", "email").where("purpose", "=", "promotional");
    const target = await db.selectFrom("hcps").select("id").where("market", "=", "DE").where("id", "not in", optedIn).orderBy("id").executeTakeFirst();
    expect(target).toBeDefined();
    const res = await propose("nba-email", { hcpId: target!.id, action: "email", purpose: "promotional", assetId: "ast-cardiozan-de-email", confidence: 0.9 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.outcome).toBe("rejected");
    expect(codes(res.body)).toContain("CONSENT_MISSING");
  });

  it("rejects an email to a US HCP who unsubscribed with CONSENT_REVOKED", async () => {
    const db = server.ctx.store.db;
    const revoked = await db.selectFrom("consents").select("hcp_id").where("channel", "=", "email").where("purpose", "=", "promotional")
      .where("status", "=", "revoked").where("hcp_id", "like", "us-%").orderBy("hcp_id").executeTakeFirstOrThrow();
    const res = await propose("nba-email", { hcpId: revoked.hcp_id, action: "email", purpose: "promotional", assetId: "ast-cardiozan-us-email", confidence: 0.9 });
    expect(res.body.outcome).toBe("rejected");
    expect(codes(res.body)).toContain("CONSENT_REVOKED");
  });

  it("forbids the high-risk outcomes email in Germany, even to an HCP who opted in", async () => {
    const db = server.ctx.store.db;
    const records = await db.selectFrom("consents").innerJoin("hcps", "hcps.id", "consents.hcp_id").select(["consents.hcp_id", "consents.status"])
      .where("hcps.market", "=", "DE").where("consents.channel", "=", "email").where("consents.purpose", "=", "promotional").orderBy("consents.hcp_id").execute();
    const revoked = new Set(records.filter((r) => r.status === "revoked").map((r) => r.hcp_id));
    const target = records.find((r) => r.status === "granted" && !revoked.has(r.hcp_id))!.hcp_id;
    const res = await propose("nba-email", { hcpId: target, action: "email", purpose: "promotional", assetId: "ast-cardiozan-de-outcomes-email", confidence: 0.95 });
    expect(res.body.outcome).toBe("rejected");
    expect(codes(res.body)).toContain("AUTHORITY_FORBIDDEN");
    expect(codes(res.body).filter((c) => c.startsWith("CONSENT_"))).toEqual([]);
  });

  it("routes mi-triage's answers to medical review", async () => {
    const res = await propose("mi-triage", { hcpId: "us-0002", action: "mi_response", purpose: "medical", confidence: 0.97, content: { subject: "Your question", text: "No dose adjustment is needed in mild to moderate renal impairment (PI section 8.6)." } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.outcome, JSON.stringify(res.body)).toBe("pending_review");
  });

  it("does nothing when seeded again", async () => {
    const db = server.ctx.store.db;
    const count = async () => Number((await db.selectFrom("audit_records").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    const before = await count();
    const hcpsBefore = (await db.selectFrom("hcps").select("id").execute()).length;
    expect(await seedDemo(server.ctx)).toBeNull();
    expect(await count()).toBe(before);
    expect((await db.selectFrom("hcps").select("id").execute()).length).toBe(hcpsBefore);
  });

  it("leaves an intact audit trail", async () => {
    const res = await server.api.get("/v1/audit/verify");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.entries).toBeGreaterThan(600);
  });
});
