// What the console asks of the server beyond the contract: signing in and out, the portfolio at a
// glance, and the console's pages served at `/` beside the API. On SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Fastify from "fastify";
import { ENGINES } from "./engines.ts";
import { Api, startTestServer, type TestServer } from "./server.ts";
import { PASSWORD, email, ok, seedMarket, type Market } from "./market.ts";
import { consolePages } from "../src/console/pages.ts";
import fc from "fast-check";
import { PER_ADDRESS, PER_USERNAME, waitAfter } from "../src/auth/throttle.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");

describe.each(ENGINES)("the console's endpoints on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  let anonymous: Api;

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE });
    m = await seedMarket(server);
    anonymous = new Api(server.url);
  });
  afterAll(async () => server?.stop());

  it("signs a person in with a password and issues a token that works at once", async () => {
    const session = await ok(anonymous.post("/v1/sessions", { username: "brand", password: PASSWORD }), 201);
    expect(session.user).toMatchObject({ username: "brand", name: "Test brand", roles: ["reviewer:brand"] });
    expect(session.token).toMatch(/^stw_u_/);
    const me = await ok(anonymous.as(session.token).get("/v1/me"));
    expect(me).toMatchObject({ kind: "user", username: "brand" });
    const audit = await ok(m.users.auditor.get("/v1/audit?limit=1000"));
    expect(audit.records.some((r: { type: string; subject: string }) => r.type === "session.started" && r.subject === "user:brand")).toBe(true);
  });

  it("refuses a wrong password and an unknown user alike, and says nothing about which", async () => {
    const wrong = await anonymous.post("/v1/sessions", { username: "mops", password: "not the password" });
    const unknown = await anonymous.post("/v1/sessions", { username: "nobody", password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe("INVALID_CREDENTIALS");
    const malformed = await anonymous.post("/v1/sessions", { username: "mops" });
    expect(malformed.status).toBe(400);
  });

  it("slows down guessing: after five failures a username waits", async () => {
    for (let i = 0; i < 5; i++) expect((await anonymous.post("/v1/sessions", { username: "owner", password: `guess-${i}` })).status).toBe(401);
    const blocked = await anonymous.post("/v1/sessions", { username: "owner", password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("TOO_MANY_ATTEMPTS");
  });

  it("signs out: the session's token stops working", async () => {
    const session = await ok(anonymous.post("/v1/sessions", { username: "medical", password: PASSWORD }), 201);
    const api = anonymous.as(session.token);
    expect((await api.request("DELETE", "/v1/sessions/current")).status).toBe(204);
    expect((await api.get("/v1/me")).status).toBe(401);
    expect((await m.agent.request("DELETE", "/v1/sessions/current")).status).toBe(403);
  });

  it("counts each agent's decisions since a moment by outcome, with engagement and open reviews", async () => {
    await ok(m.agent.post("/v1/proposals", email("us-1")));
    await ok(m.agent.post("/v1/proposals", email("de-2"))); // no opt-in consent: rejected
    await ok(m.agent.post("/v1/proposals", email("us-2", { confidence: 0.3 }))); // to brand review
    const portfolio = await ok(m.users.owner.get("/v1/portfolio?since=2000-01-01T00:00:00Z"));
    const nba = portfolio.agents.find((a: { id: string }) => a.id === "nba");
    const rival = portfolio.agents.find((a: { id: string }) => a.id === "rival");
    expect(nba.decisions.total).toBe(3);
    expect(nba.decisions.rejected).toBe(1);
    expect(nba.decisions.pending_review).toBe(1);
    expect(nba.decisions.allowed + nba.decisions.scheduled).toBe(1);
    expect(nba.openReviews).toBe(1);
    expect(nba).toMatchObject({ owner: "owner", objective: "engaged touches", status: "active" });
    expect(rival.decisions.total).toBe(0);
    expect(portfolio.totals.total).toBe(3);
    const later = await ok(m.users.owner.get(`/v1/portfolio?since=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`));
    expect(later.totals.total).toBe(0);
    expect((await m.agent.get("/v1/portfolio")).status).toBe(403);
    expect((await anonymous.get("/v1/portfolio")).status).toBe(401);
  });

  it("tells an auditor where the audit trail ends, so the console opens at its newest records", async () => {
    const head = await ok(m.users.auditor.get("/v1/audit/head"));
    const verify = await ok(m.users.auditor.get("/v1/audit/verify"));
    expect(head).toEqual({ seq: verify.entries, hash: verify.headHash });
    expect((await m.users.owner.get("/v1/audit/head")).status).toBe(403);
  });

  it("serves the console's page at / and at its paths, and leaves the API's answers alone", async () => {
    const page = await fetch(server.url + "/decisions/dec_1?x=1");
    expect([200, 503]).toContain(page.status); // 503 names a console that was not built
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    const api = await fetch(server.url + "/v1/nothing-here", { headers: { authorization: `Bearer ${m.tokens.owner}` } });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    expect((await fetch(server.url + "/healthz")).status).toBe(200);
    expect((await fetch(server.url + "/openapi.json")).headers.get("content-type")).toMatch(/json/);
  });
});

describe("the console's pages", () => {
  const root = mkdtempSync(join(tmpdir(), "steward-console-"));
  const app = Fastify();

  beforeAll(async () => {
    mkdirSync(join(root, "assets"));
    writeFileSync(join(root, "index.html"), "<!doctype html><title>console</title>");
    writeFileSync(join(root, "assets", "index-abc123.js"), "console.log(1)");
    writeFileSync(join(root, ".build-stamp"), "secret-ish");
    await app.register(consolePages({ root }));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("answers every page path with index.html, uncached", async () => {
    for (const url of ["/", "/portfolio", "/decisions/dec_1", "/governance?tab=candidate"]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain("<title>console</title>");
      expect(res.headers["cache-control"]).toBe("no-cache");
    }
  });

  it("serves hashed assets for a year, and nothing outside the build or hidden in it", async () => {
    const asset = await app.inject({ url: "/assets/index-abc123.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["cache-control"]).toContain("immutable");
    expect((await app.inject({ url: "/assets/missing.js" })).statusCode).toBe(404);
    expect((await app.inject({ url: "/.build-stamp" })).body).not.toContain("secret-ish");
    expect((await app.inject({ url: "/..%2f..%2fpackage.json" })).body).not.toContain('"name"');
    expect((await app.inject({ url: "/%E0%A4%A" })).statusCode).toBe(400);
  });

  it("says so when the console is not built", async () => {
    const empty = Fastify();
    await empty.register(consolePages({ root: join(root, "nowhere") }));
    const res = await empty.inject({ url: "/portfolio" });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain("The console is not built");
    await empty.close();
  });
});

describe("the sign-in throttle's waits", () => {
  it("start at the fifth failure in a row, double with each further one, and stop at the cap", () => {
    const waits = Array.from({ length: 12 }, (_, i) => waitAfter(i + 1, PER_USERNAME));
    expect(waits).toEqual([0, 0, 0, 0, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000]);
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e9 }), (n) => waitAfter(n, PER_ADDRESS) <= PER_ADDRESS.capMs && waitAfter(n + 1, PER_ADDRESS) >= waitAfter(n, PER_ADDRESS)));
  });
});
