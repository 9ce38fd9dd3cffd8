// Layers of governance over the API: a market's admin activates its own overlay (only tighter, only its
// market), and each decision names the layer every rule came from.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { bundleFiles, startTestServer, type TestServer, type Api } from "./server.ts";
import { MONDAY_AFTERNOON, PASSWORD, email, ok, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const DE_AUTHORITY = `rules:
  - id: de-email-needs-medical
    when: { action: email, purpose: promotional }
    outcome: confirm
    reviewers: [reviewer:medical]
`;

describe.each(ENGINES)("market overlays over the API on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  let deAdmin: Api;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
    deAdmin = m.admin.as((await ok(m.admin.post("/v1/users", { username: "dora", name: "Dora DE", roles: ["market_admin:DE"], password: PASSWORD }), 201)).token);
  });
  afterAll(async () => server?.stop());

  it("knows the market_admin:<MARKET> role family and refuses a malformed one", async () => {
    const res = await m.admin.post("/v1/users", { username: "bad", name: "Bad", roles: ["market_admin:germany"], password: PASSWORD });
    expect(res.status).toBe(400);
  });

  it("lets DE's admin dry-run and activate the DE overlay, audited, but not FR's, not the global bundle", async () => {
    expect((await deAdmin.put("/v1/governance/markets/US", { files: { "authority.yaml": DE_AUTHORITY.replace("de-", "us-") } })).status).toBe(403);
    expect((await deAdmin.put("/v1/governance", { files: {} })).status).toBe(403);
    expect((await m.users.mops.post("/v1/governance/markets/DE/dry-run", { files: {} })).status).toBe(403);

    const dry = await ok(deAdmin.post("/v1/governance/markets/DE/dry-run", { files: { "authority.yaml": DE_AUTHORITY } }));
    expect(dry.candidateVersion).not.toBe(dry.activeVersion);

    const before = server.ctx.governance.current().version;
    const activated = await ok(deAdmin.put("/v1/governance/markets/DE", { files: { "authority.yaml": DE_AUTHORITY, "contact.yaml": "minGap: 48h\n" } }));
    expect(activated.activated.rules.find((r: any) => r.id === "de-email-needs-medical")).toMatchObject({ layer: "market:DE", when: { market: ["DE"] } });
    expect(server.ctx.governance.current().version).not.toBe(before);
    expect(Object.keys(activated.activated.files)).toContain("markets/DE/contact.yaml");
    const audit = await ok(m.users.auditor.get("/v1/audit?limit=1000"));
    expect(audit.records.some((r: any) => r.actor.includes("dora"))).toBe(true);
  });

  it("decisions name each rule's layer; the overlay reaches German HCPs only", async () => {
    const de = await ok(m.agent.post("/v1/proposals", email("de-1")));
    expect(de.outcome).toBe("pending_review");
    expect(de.reasons.filter((r: any) => r.ruleId).map((r: any) => [r.ruleId, r.layer])).toEqual([["promo-email-autonomous", "global"], ["de-email-needs-medical", "market:DE"]]);
    const us = await ok(m.agent.post("/v1/proposals", email("us-1")));
    expect(us.outcome).toBe("allowed");
  });

  it("refuses an overlay that could loosen with OVERLAY_LOOSENS and the file's line, keeping the running bundle", async () => {
    const before = server.ctx.governance.current().version;
    const res = await deAdmin.put("/v1/governance/markets/DE", { files: { "contact.yaml": "caps:\n  - { channel: email, max: 9, per: 7d }\n" } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("OVERLAY_LOOSENS");
    expect(res.body.error.details[0]).toMatchObject({ file: "markets/DE/contact.yaml", line: 2, code: "OVERLAY_LOOSENS" });
    const autonomous = await deAdmin.put("/v1/governance/markets/DE", { files: { "authority.yaml": DE_AUTHORITY.replace(/outcome: confirm\n    reviewers: \[reviewer:medical\]/, "outcome: autonomous") } });
    expect(autonomous.status).toBe(400);
    expect(autonomous.body.error.details[0]).toMatchObject({ line: 4, code: "OVERLAY_LOOSENS" });
    expect(server.ctx.governance.current().version).toBe(before);
  });

  it("answers 404 for a market the bundle does not define", async () => {
    expect((await m.admin.put("/v1/governance/markets/IT", { files: {} })).status).toBe(404);
  });
});

describe.each(ENGINES)("an agent's thresholds over the API on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
    const files = bundleFiles(BUNDLE);
    files["authority.yaml"] = files["authority.yaml"]!.replace("default: forbidden\n", "default: forbidden\ntunables:\n  minConfidence: { min: 0.5, max: 0.95, default: 0.5 }\n") +
      "  - id: below-owner-threshold\n    when: { action: email, purpose: promotional }\n    if: proposal.confidence < agent.thresholds.minConfidence\n    outcome: confirm\n    reviewers: [reviewer:brand]\n";
    await ok(m.admin.put("/v1/governance", { files }));
  });
  afterAll(async () => server?.stop());

  it("lets the agent's owner (or an admin) set a threshold, audited; others get 403", async () => {
    expect((await m.users.brand.put("/v1/agents/nba/thresholds", { minConfidence: 0.7 })).status).toBe(403);
    const { agent } = await ok(m.users.owner.put("/v1/agents/nba/thresholds", { minConfidence: 0.7 }));
    expect(agent.thresholds).toEqual({ minConfidence: 0.7 });
    expect((await ok(m.admin.put("/v1/agents/rival/thresholds", { minConfidence: 0.6 }))).agent.thresholds).toEqual({ minConfidence: 0.6 });
    const audit = await ok(m.users.auditor.get("/v1/audit?limit=1000"));
    expect(audit.records.filter((r: any) => r.type === "agent.thresholds_set").length).toBe(2);
  });

  it("refuses a value outside the bounds with 422 THRESHOLD_OUT_OF_BOUNDS and an unknown name with 400, writing nothing", async () => {
    const out = await m.users.owner.put("/v1/agents/nba/thresholds", { minConfidence: 0.99 });
    expect(out.status).toBe(422);
    expect(out.body.error.code).toBe("THRESHOLD_OUT_OF_BOUNDS");
    const unknown = await m.users.owner.put("/v1/agents/nba/thresholds", { minConfidense: 0.7 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("minConfidence");
    expect((await ok(m.users.owner.get("/v1/agents/nba"))).agent.thresholds).toEqual({ minConfidence: 0.7 });
  });

  it("decides with the owner's value and records it; a dry run shows what a candidate value would change", async () => {
    const low = await ok(m.agent.post("/v1/proposals", email("us-1", { confidence: 0.65 })));
    expect(low.outcome).toBe("pending_review");
    expect(low.reasons.map((r: any) => r.ruleId)).toContain("below-owner-threshold");
    const detail = await ok(m.users.auditor.get(`/v1/decisions/${low.decisionId ?? low.id}`));
    const authority = (detail.checks ?? detail.decision?.checks).find((c: any) => c.check === "authority");
    expect(authority.evidence.thresholds).toEqual({ minConfidence: 0.7 });

    const dry = await ok(m.users.owner.post("/v1/agents/nba/thresholds/dry-run", { minConfidence: 0.6 }));
    expect(dry.changed).toBeGreaterThanOrEqual(1);
    expect(dry.changes.every((c: any) => c.agentId === "nba")).toBe(true);
    expect((await m.users.owner.post("/v1/agents/nba/thresholds/dry-run", { minConfidence: 2 })).status).toBe(422);
  });
});
