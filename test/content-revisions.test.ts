// Rapid revision after a safety change, on SQLite and PostgreSQL: withdrawing a claim with a successor
// gives every asset it blocks exactly one new version with the successor in its place, submitted for
// review in the withdrawal's transaction — across markets and channels, with the claim placed twice —
// and none to assets already withdrawn or rejected; a campaign shows the progress per market and channel.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, PASSWORD, email, ok, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const SIGN = { signature: { password: PASSWORD, meaning: "approved" } };
const ISI = "See full prescribing information.";

describe.each(ENGINES)("revision campaigns on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  const db = () => server.ctx.store.db;

  async function claim(id: string, text: string, markets: string[], approve = true) {
    await ok(m.users.mops.post("/v1/claims", { id, text, product: "cardiozan", references: ["Smith et al. 2024, NEJM 390:1-10"], markets }), 201);
    if (approve) await ok(m.users.medical.post(`/v1/claims/${id}/approve`, SIGN));
  }
  async function asset(id: string, market: "US" | "DE", channel: "email" | "web", claims: string[], body: string, approve = true) {
    const language = market === "DE" ? "de" : "en";
    await ok(m.users.mops.post("/v1/assets", { id, title: id, subject: "LDL-C", channel, market, language, product: "cardiozan", claims, body, safetyInfo: ISI }), 201);
    if (approve) await ok(m.users.medical.post(`/v1/assets/${id}/approve`, SIGN));
  }
  const unsub = "\nUnsubscribe: {{unsubscribe}}";

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
    await claim("clm-new", "Cardiozan lowers LDL-C by 48% at 12 weeks.", ["US", "DE"]);
    await claim("clm-us-only", "Cardiozan lowers LDL-C by 47% at 12 weeks.", ["US"]);
    await claim("clm-draft", "Cardiozan lowers LDL-C by 46% at 12 weeks.", ["US", "DE"], false);
    await claim("clm-dose", "Cardiozan is one 10 mg tablet once daily.", ["US", "DE"]);
    await claim("clm-other", "Cardiozan is taken with or without food.", ["US", "DE"]);
    // ast-us and ast-de (seeded: email, free copy restating clm-1) plus placements in several markets and channels.
    await asset("ast-us-web", "US", "web", ["clm-1", "clm-dose"], "{{claim:clm-1}}\n{{claim:clm-dose}}\nAgain: {{claim:clm-1@1}}");
    await asset("ast-de-web", "DE", "web", ["clm-1"], "{{claim:clm-1}}");
    await asset("ast-us-mail2", "US", "email", ["clm-dose", "clm-1"], `Dear {{hcp.name}},\n{{claim:clm-dose}}\n{{claim:clm-1}}${unsub}`);
    await asset("ast-draft", "US", "email", ["clm-1"], `{{claim:clm-1}}${unsub}`, false);
    // Retired before the safety change: withdrawn by another claim, or rejected.
    await asset("ast-retired", "US", "web", ["clm-1", "clm-other"], "{{claim:clm-1}} {{claim:clm-other}}");
    await ok(m.users.medical.post("/v1/claims/clm-other/withdraw", { reason: "label update" }));
    await asset("ast-rejected", "US", "web", ["clm-1"], "{{claim:clm-1}}", false);
    await ok(m.users.medical.post("/v1/assets/ast-rejected/reject", { reason: "off brand", signature: { password: PASSWORD, meaning: "rejected" } }));
    await asset("ast-bystander", "US", "web", ["clm-dose"], "{{claim:clm-dose}}");
  });
  afterAll(async () => server?.stop());

  const withdraw = (body: Record<string, unknown>) => m.users.medical.post("/v1/claims/clm-1/withdraw", { reason: "safety update: new label", ...body });
  const versionsOf = async (id: string) => (await ok(m.users.auditor.get(`/v1/assets/${id}/versions`))).versions as any[];

  it("refuses a successor that is unknown, not approved, itself, or not approved for the markets in use, and changes nothing", async () => {
    const unknown = await withdraw({ replacedBy: "clm-nope" });
    expect([unknown.status, unknown.body.error.code, unknown.body.error.details?.[0]?.field]).toEqual([400, "INVALID_INPUT", "replacedBy"]);
    expect((await withdraw({ replacedBy: "clm-1" })).status).toBe(400);
    const draft = await withdraw({ replacedBy: "clm-draft" });
    expect([draft.status, draft.body.error.code]).toEqual([422, "SUCCESSOR_NOT_APPROVED"]);
    const narrow = await withdraw({ replacedBy: "clm-us-only" });
    expect([narrow.status, narrow.body.error.code]).toEqual([422, "SUCCESSOR_MARKETS_NOT_COVERED"]);
    expect(narrow.body.error.details.uncovered).toEqual(["DE"]);
    expect(narrow.body.error.details.assetIds.sort()).toEqual(["ast-de", "ast-de-web"]);
    expect((await ok(m.users.auditor.get("/v1/claims/clm-1"))).claim.status).toBe("approved");
    expect(await db().selectFrom("revision_campaigns").selectAll().execute()).toEqual([]);
  });

  it("revises every blocked asset once with the successor, in the withdrawal's transaction", async () => {
    const pending = await ok(m.agent.post("/v1/proposals", email("us-1", { assetId: "ast-us-web", action: "web_personalization" })));
    const before = new Map<string, number>();
    for (const id of ["ast-us", "ast-de", "ast-us-web", "ast-de-web", "ast-us-mail2", "ast-draft", "ast-retired", "ast-rejected", "ast-bystander"]) {
      before.set(id, (await versionsOf(id)).length);
    }
    const res = await ok(withdraw({ replacedBy: "clm-new" }));
    expect(res.claim.status).toBe("withdrawn");
    expect(res.assetsBlocked).toBe(6);
    expect(res.actionsCancelled).toBeGreaterThanOrEqual(pending.outcome === "allowed" ? 1 : 0);
    const revised = ["ast-de", "ast-de-web", "ast-draft", "ast-us", "ast-us-mail2", "ast-us-web"];
    expect(res.revisions.map((r: any) => r.assetId)).toEqual(revised);
    expect(res.revisions.map((r: any) => [r.assetId, r.market, r.channel])).toEqual([
      ["ast-de", "DE", "email"], ["ast-de-web", "DE", "web"], ["ast-draft", "US", "email"], ["ast-us", "US", "email"], ["ast-us-mail2", "US", "email"], ["ast-us-web", "US", "web"],
    ]);

    for (const id of before.keys()) {
      const versions = await versionsOf(id);
      const grew = versions.length - before.get(id)!;
      expect(grew, id).toBe(revised.includes(id) ? 1 : 0);
      if (!revised.includes(id)) continue;
      const latest = versions.at(-1);
      const entry = res.revisions.find((r: any) => r.assetId === id);
      expect(latest.version).toBe(entry.version);
      expect(latest.claims).not.toContain("clm-1");
      expect(latest.claims).toContain("clm-new");
      expect(latest.body).not.toMatch(/claim:clm-1/);
      const head = (await ok(m.users.auditor.get(`/v1/assets/${id}`))).asset;
      expect([head.version, head.status]).toEqual([latest.version, entry.status]);
    }
    // The claim placed twice: both placements now place the successor, listed once as a module.
    const web = (await ok(m.users.auditor.get("/v1/assets/ast-us-web"))).asset;
    expect(web.body).toBe("{{claim:clm-new}}\n{{claim:clm-dose}}\nAgain: {{claim:clm-new}}");
    expect(web.claims).toEqual(["clm-new", "clm-dose"]);
    expect(web.rendered.split("Cardiozan lowers LDL-C by 48% at 12 weeks.").length - 1).toBe(2);
    expect(web.status).toBe("submitted");
    expect(web.claimSpans.map((s: any) => [s.claimId, s.kind, web.rendered.slice(s.start, s.end)])).toEqual([
      ["clm-new", "module", "Cardiozan lowers LDL-C by 48% at 12 weeks."], ["clm-dose", "module", "Cardiozan is one 10 mg tablet once daily."], ["clm-new", "module", "Cardiozan lowers LDL-C by 48% at 12 weeks."],
    ]);
    expect(web.review.required.length).toBeGreaterThan(0);
    // Free copy that restates the withdrawn claim cannot go to review as it is: the draft says why.
    const us = (await ok(m.users.auditor.get("/v1/assets/ast-us"))).asset;
    expect(us.status).toBe("draft");
    expect(us.checks.map((c: any) => c.code)).toContain("CLAIM_UNMATCHED");
    // Nothing revised can be sent before it is approved: the version in force is still the blocked one.
    const after = await ok(m.agent.post("/v1/proposals", email("us-2", { assetId: "ast-us-web", action: "web_personalization" })));
    expect(after.outcome).toBe("rejected");

    const audit = await db().selectFrom("audit_records").select("data").where("type", "=", "content.revision_campaign_started").execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ campaignId: res.campaignId, claimId: "clm-1", replacedBy: "clm-new", revised: 6 });
  });

  it("shows the campaign's progress per market and channel, by campaign id or by claim", async () => {
    // The medical reviewer who withdrew the claim authored the revisions, so another one signs them.
    const created = await ok(m.admin.post("/v1/users", { username: "medical2", name: "Second Medical", roles: ["reviewer:medical"], password: PASSWORD }), 201);
    const medical2 = m.admin.as(created.token);
    const byClaim = (await ok(m.users.auditor.get("/v1/content/revisions/clm-1"))).campaign;
    const byId = (await ok(m.users.auditor.get(`/v1/content/revisions/${byClaim.campaignId}`))).campaign;
    expect(byId).toEqual(byClaim);
    expect(byClaim).toMatchObject({ claimId: "clm-1", replacedBy: "clm-new", total: 6, byStage: { drafted: 1, in_review: 5, approved: 0, rejected: 0 } });
    await ok(medical2.post("/v1/assets/ast-us-web/approve", SIGN));
    await ok(medical2.post("/v1/assets/ast-de-web/reject", { reason: "needs a German reference", signature: { password: PASSWORD, meaning: "rejected" } }));
    const now = (await ok(m.users.auditor.get("/v1/content/revisions/clm-1"))).campaign;
    const row = (market: string, channel: string) => now.progress.find((p: any) => p.market === market && p.channel === channel);
    expect(row("US", "web")).toMatchObject({ total: 1, approved: 1 });
    expect(row("DE", "web")).toMatchObject({ total: 1, rejected: 1 });
    expect(row("US", "email")).toMatchObject({ total: 3, drafted: 1, in_review: 2 });
    expect(row("DE", "email")).toMatchObject({ total: 1, in_review: 1 });
    expect(now.progress.reduce((n: number, p: any) => n + p.total, 0)).toBe(6);
    expect((await ok(m.users.auditor.get("/v1/content/revisions"))).campaigns.map((c: any) => [c.claimId, c.total])).toEqual([["clm-1", 6]]);
    expect((await m.users.auditor.get("/v1/content/revisions/clm-dose")).status).toBe(404);
    // The revised and approved version is what goes out now.
    const sent = await ok(m.agent.post("/v1/proposals", email("us-2", { assetId: "ast-us-web", action: "web_personalization" })));
    expect(sent.reasons.map((r: any) => r.code)).not.toContain("CONTENT_CLAIM_WITHDRAWN");
  });

  it("flags copy that restates a claim without its figure, marks it in the asset's claim spans, and refuses to submit it", async () => {
    const copy = "Cardiozan lowers LDL-C at 12 weeks.";
    const { asset } = await ok(m.users.mops.post("/v1/assets", {
      id: "ast-restated", title: "Restated", subject: "LDL-C", channel: "email", market: "US", language: "en", product: "cardiozan", claims: ["clm-new", "clm-dose"],
      body: `${copy}\n{{claim:clm-dose}}${unsub}`, safetyInfo: ISI,
    }), 201);
    const finding = asset.checks.find((c: any) => c.code === "CLAIM_RESTATEMENT_INCOMPLETE");
    expect(finding).toMatchObject({ severity: "error", claimId: "clm-new", span: { text: copy } });
    expect(finding.message).toContain('the figure "48%"');
    expect(asset.claimSpans).toContainEqual({ claimId: "clm-new", kind: "restatement", start: 0, end: copy.length });
    const submit = await m.users.mops.post("/v1/assets/ast-restated/submit", {});
    expect([submit.status, submit.body.error.code]).toEqual([422, "ASSET_NOT_SUBMITTABLE"]);
    // The restatement is the only error standing.
    expect(submit.body.error.details.map((d: any) => d.code)).toEqual(["CLAIM_RESTATEMENT_INCOMPLETE"]);
  });
});
