// The decisions feed (`order=asc`, `after`) on SQLite and on PostgreSQL: every decision exactly once, in
// commit order, while writers decide concurrently and their clocks disagree with the commit order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type Api, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, email, ok, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const HCPS = ["us-1", "us-2", "de-1", "de-2"];

/** Reads the feed from `cursor` until a page comes back empty; returns the ids and the cursor reached. */
async function drain(api: Api, cursor: string, query = "", limit = 7): Promise<{ ids: string[]; cursor: string }> {
  const ids: string[] = [];
  for (;;) {
    const page = await ok(api.get(`/v1/decisions?order=asc&after=${cursor}&limit=${limit}${query}`));
    ids.push(...page.decisions.map((d: { id: string }) => d.id));
    if (page.decisions.length === 0) return { ids, cursor: page.nextCursor };
    expect(Number(page.nextCursor)).toBeGreaterThan(Number(cursor));
    cursor = page.nextCursor;
  }
}

describe.each(ENGINES)("the decisions feed on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
  });
  afterAll(async () => server?.stop());

  /** The decisions in the order their audit records were appended (under the chain head lock, at commit). */
  const commitOrder = async () => (await server.ctx.store.db.selectFrom("audit_records").select("subject")
    .where("type", "=", "decision.made").orderBy("seq").execute()).map((r) => r.subject.slice("decision:".length));
  const head = async () => (await ok(m.admin.get("/v1/decisions?order=asc&limit=1000"))) as { decisions: unknown[]; nextCursor: string };

  it("hands a poller every decision once, in commit order, while writers decide concurrently with clocks out of order", async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ rival: fc.boolean(), hcp: fc.constantFrom(...HCPS), offsetMin: fc.integer({ min: -120, max: 120 }) }), { minLength: 4, maxLength: 24 }),
      async (plan) => {
        const start = (await drain(m.admin, "0", "", 1000)).cursor;
        let writing = true;
        const writers = (async () => {
          // Chunks of concurrent proposals, each chunk at another clock reading: decidedAt then jumps back
          // and forth while commits only move forward.
          for (let i = 0; i < plan.length; i += 4) {
            const chunk = plan.slice(i, i + 4);
            clock.set(Date.parse(MONDAY_AFTERNOON) + chunk[0]!.offsetMin * 60_000);
            await Promise.all(chunk.map((p) => ok((p.rival ? m.rival : m.agent).post("/v1/proposals", email(p.hcp)))));
          }
          writing = false;
        })();
        const seen: string[] = [];
        let cursor = start;
        while (writing) {
          const page = await drain(m.admin, cursor, "", 3);
          seen.push(...page.ids);
          cursor = page.cursor;
        }
        await writers;
        seen.push(...(await drain(m.admin, cursor)).ids);
        const all = await commitOrder();
        const made = all.slice(all.length - plan.length);
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).toEqual(made);
      },
    ), { numRuns: 6 });
  });

  it("keeps the cursor where it was on an empty page, and a decision with an earlier clock still comes after", async () => {
    const { cursor } = await drain(m.admin, "0", "", 1000);
    const empty = await ok(m.admin.get(`/v1/decisions?order=asc&after=${cursor}`));
    expect(empty).toEqual({ decisions: [], nextCursor: cursor });
    clock.set(Date.parse(MONDAY_AFTERNOON) + 3_600_000);
    const later = await ok(m.agent.post("/v1/proposals", email("us-1")));
    clock.set(Date.parse(MONDAY_AFTERNOON) - 3_600_000);
    const earlier = await ok(m.agent.post("/v1/proposals", email("us-2")));
    expect((await drain(m.admin, cursor)).ids).toEqual([later.id, earlier.id]);
    // Newest first (by decidedAt) would put them the other way round.
    const newest = await ok(m.admin.get(`/v1/decisions?limit=1000`));
    const ids = newest.decisions.map((d: { id: string }) => d.id);
    expect(ids.indexOf(later.id)).toBeLessThan(ids.indexOf(earlier.id));
    expect(newest.nextCursor).toBeNull();
  });

  it("shows an agent only its own decisions and filters on a reason code", async () => {
    clock.set(MONDAY_AFTERNOON);
    const { cursor } = await drain(m.admin, "0", "", 1000);
    const mine = await ok(m.agent.post("/v1/proposals", email("de-2"))); // no consent in DE: rejected
    const theirs = await ok(m.rival.post("/v1/proposals", email("de-2")));
    const allowed = await ok(m.agent.post("/v1/proposals", email("de-1")));
    expect(mine.reasons.map((r: { code: string }) => r.code)).toContain("CONSENT_MISSING");
    expect((await drain(m.agent, cursor)).ids).toEqual([mine.id, allowed.id]);
    expect((await drain(m.rival, cursor)).ids).toEqual([theirs.id]);
    expect((await drain(m.agent, cursor, "&reason=CONSENT_MISSING")).ids).toEqual([mine.id]);
    expect((await drain(m.admin, cursor, "&reason=CONSENT_MISSING")).ids).toEqual([mine.id, theirs.id]);
    // `_` is a literal here, not LIKE's any-character: CONSENT_MISSIN_ would otherwise match.
    expect((await drain(m.admin, cursor, "&reason=CONSENT%5FMISSIN_")).ids).toEqual([]);
    expect((await m.agent.get(`/v1/decisions?order=asc&agentId=${m.rivalId}`)).status).toBe(403);
  });

  it("answers 400 for a cursor that is not one, and for after with order=desc", async () => {
    const bad = await m.admin.get("/v1/decisions?after=abc");
    expect([bad.status, bad.body.error.code]).toEqual([400, "INVALID_INPUT"]);
    expect((await m.admin.get("/v1/decisions?after=5&order=desc")).status).toBe(400);
    expect((await m.admin.get("/v1/decisions?reason=lower")).status).toBe(400);
    expect((await head()).nextCursor).toMatch(/^\d+$/);
  });
});

describe.each(ENGINES)("what an agent reads to decide, on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  const PW = { password: "correct horse battery staple", meaning: "approved" };

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
  });
  afterAll(async () => server?.stop());

  const usable = async (api: Api, query = "") => (await ok(api.get(`/v1/assets?usable=true${query}`))).assets.map((a: { id: string }) => a.id).sort();

  it("lists the approved assets the agent may send, and drops one whose claim is withdrawn", async () => {
    expect(await usable(m.agent)).toEqual(["ast-de", "ast-us"]);
    expect(await usable(m.agent, "&market=DE")).toEqual(["ast-de"]);
    expect(await usable(m.agent, "&channel=web")).toEqual([]);
    // A draft is not usable; nor an asset of a market the agent does not act in.
    await ok(m.users.mops.post("/v1/assets", { id: "ast-draft", title: "Draft", subject: "s", channel: "email", market: "US", language: "en", claims: ["clm-1"], body: "Cardiozan lowers LDL-C by 50% at 12 weeks. {{unsubscribe}}" }), 201);
    await ok(m.users.mops.post("/v1/assets", { id: "ast-fr", title: "FR", subject: "s", channel: "email", market: "FR", language: "fr", claims: [], body: "Bonjour. {{unsubscribe}}" }), 201);
    await ok(m.users.medical.post("/v1/assets/ast-fr/approve", { signature: PW }));
    expect(await usable(m.agent)).toEqual(["ast-de", "ast-us"]);
    expect(await usable(m.admin, `&agentId=${m.agentId}`)).toEqual(["ast-de", "ast-us"]);
    // An agent lists only what it may use.
    expect((await m.agent.get("/v1/assets")).status).toBe(403);
    expect((await m.agent.get(`/v1/assets?usable=true&agentId=${m.rivalId}`)).status).toBe(403);
    expect((await m.admin.get("/v1/assets?usable=true")).status).toBe(400);
    await ok(m.users.medical.post("/v1/claims/clm-1/withdraw", { reason: "superseded by new data" }));
    expect(await usable(m.agent)).toEqual([]);
  });

  it("answers one state for an HCP, whether read with the HCP or on its own", async () => {
    await ok(m.users.mops.post("/v1/events", { events: [{ id: "ev-open-1", hcpId: "us-1", type: "email_opened", source: "esp", occurredAt: "2026-03-01T10:00:00Z" }] }));
    const detail = await ok(m.admin.get("/v1/hcps/us-1"));
    const state = await ok(m.admin.get("/v1/hcps/us-1/state"));
    expect(detail.state).toEqual(state.state);
    expect(state.state.hcpId).toBe("us-1");
    const agentDetail = await ok(m.agent.get("/v1/hcps/us-1"));
    const agentState = await ok(m.agent.get("/v1/hcps/us-1/state"));
    expect(agentDetail.state).toEqual(agentState.state);
    expect((await m.admin.get("/v1/hcps/nobody/state")).status).toBe(404);
  });
});

describe.each(ENGINES)("the events feed on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  let agent: Api;
  const clock = new ManualClock(MONDAY_AFTERNOON);

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
    const usOnly = await ok(m.users.owner.post("/v1/agents", { id: "us-only", name: "US only", owner: "owner", objective: "o", metric: "m", actions: ["email"], markets: ["US"], priority: 10 }), 201);
    agent = m.admin.as(usOnly.apiKey);
  });
  afterAll(async () => server?.stop());

  const page = async (api: Api, after: string) => ok(api.get(`/v1/events?after=${after}&limit=2`)) as Promise<{ events: { id: string }[]; nextCursor: string }>;
  async function all(api: Api, after = "0"): Promise<string[]> {
    const ids: string[] = [];
    for (;;) {
      const p = await page(api, after);
      if (p.events.length === 0) return ids;
      ids.push(...p.events.map((e) => e.id));
      after = p.nextCursor;
    }
  }

  it("hands every event once in commit order, an agent only those of its markets, whole batches per page", async () => {
    const ev = (id: string, hcpId: string) => ({ id, hcpId, type: "web.content_viewed", source: "web", occurredAt: "2026-03-02T10:00:00Z" });
    await ok(m.users.mops.post("/v1/events", { events: [ev("e1", "us-1"), ev("e2", "de-2"), ev("e3", "de-1")] }));
    await ok(m.users.mops.post("/v1/events", { events: [ev("e4", "us-2")] }));
    await ok(m.users.mops.post("/v1/events", { events: [ev("e1", "us-1"), ev("e5", "de-1")] })); // e1 again: a duplicate
    expect(await all(m.admin)).toEqual(["e1", "e2", "e3", "e4", "e5"]);
    expect(await all(agent)).toEqual(["e1", "e4"]);
    expect(await all(m.agent)).toEqual(["e1", "e2", "e3", "e4", "e5"]);
    // A page of at most 2 still holds a whole batch of 3 when it is the first one.
    expect((await page(m.admin, "0")).events.map((e) => e.id)).toEqual(["e1", "e2", "e3"]);
    const first = await page(agent, "0");
    expect(first.events.map((e) => e.id)).toEqual(["e1", "e4"]);
    // Batches it may see nothing of still move its cursor on; at the end, the cursor stays put.
    const second = await page(agent, first.nextCursor);
    expect(second.events).toEqual([]);
    expect(Number(second.nextCursor)).toBeGreaterThan(Number(first.nextCursor));
    expect(await page(agent, second.nextCursor)).toEqual({ events: [], nextCursor: second.nextCursor });
    expect((await agent.get("/v1/events?after=x")).status).toBe(400);
  });
});
