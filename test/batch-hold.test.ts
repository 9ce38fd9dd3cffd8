// Held batches (holdMs): a batch waits for other callers' batches naming the same HCPs and is arbitrated
// with them — the higher-priority agent wins the HCP even when its batch arrives second. Without holdMs
// it stays first come, first served. Over HTTP, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, email, ok, seedMarket, type Market } from "./market.ts";
import { StewardClient } from "../src/sdk/index.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const DAY = 24 * 3600 * 1000;

describe.each(ENGINES)("held batch proposals on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  let n = 0;

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
  });
  afterAll(async () => server?.stop());

  const freshHcp = async () => {
    const id = `us-hold-${++n}`;
    await ok(m.users.mops.put(`/v1/hcps/${id}`, { name: `Dr. Hold ${n}`, specialty: "oncology", market: "US" }), 201);
    return id;
  };

  it("without holdMs, the first batch for an HCP wins it, whatever the priorities", async () => {
    clock.set(Date.parse(MONDAY_AFTERNOON) + 10 * DAY);
    const hcp = await freshHcp();
    const first = await ok(m.agent.post("/v1/proposals/batch", { proposals: [email(hcp, { expectedValue: 9 })] }));
    const second = await ok(m.rival.post("/v1/proposals/batch", { proposals: [email(hcp)] }));
    expect(first.decisions[0].outcome).toBe("allowed");
    expect(second.decisions[0].outcome).toBe("scheduled");
  });

  it("with holdMs, a later batch of a higher-priority agent for the same HCP is arbitrated with the held one and wins", async () => {
    clock.set(Date.parse(MONDAY_AFTERNOON) + 20 * DAY);
    const hcp = await freshHcp();
    const other = await freshHcp();
    // The held batch also names an HCP nobody else proposes for: it is decided with the rest.
    // Through the SDK, as an agent would.
    const sdk = new StewardClient({ url: server.url, token: m.agent.token! });
    const held = sdk.proposeBatch([email(hcp, { expectedValue: 9 }), email(other)] as never, { holdMs: 2000 });
    // Sent once the held batch has reached the server: the hold is open until it is decided.
    await new Promise((r) => setTimeout(r, 200));
    const late = await ok(m.rival.post("/v1/proposals/batch", { proposals: [email(hcp)], holdMs: 0 }));
    const early = { decisions: await held };
    expect(late.decisions[0].outcome).toBe("allowed");
    // The minimum gap after the winner's touch only delays the lower-priority one.
    expect(early.decisions[0]!.outcome).toBe("scheduled");
    expect(early.decisions[1]!.outcome).toBe("allowed");
    // Each decision is audited under the caller that proposed it, though they committed together.
    const audit = await server.ctx.store.db.selectFrom("audit_records").select(["actor", "subject"]).where("type", "=", "decision.made")
      .where("subject", "in", [`decision:${late.decisions[0].id}`, `decision:${early.decisions[0]!.id}`]).execute();
    const actorOf = (id: string) => audit.find((a) => a.subject === `decision:${id}`)?.actor;
    expect(actorOf(late.decisions[0].id)).toBe(`agent:${m.rivalId}`);
    expect(actorOf(early.decisions[0]!.id)).toBe(`agent:${m.agentId}`);
  });

  it("a batch that fails fails alone, with its own 4xx; the batch held with it is decided as if alone", async () => {
    clock.set(Date.parse(MONDAY_AFTERNOON) + 30 * DAY);
    const hcp = await freshHcp();
    const elsewhere = await freshHcp();
    const used = email(elsewhere);
    await ok(m.rival.post("/v1/proposals", used));
    const held = m.agent.post("/v1/proposals/batch", { proposals: [email(hcp)], holdMs: 1500 });
    await new Promise((r) => setTimeout(r, 200));
    // Shares the held batch's HCP, and reuses an idempotency key for another proposal: 409.
    const bad = await m.rival.post("/v1/proposals/batch", { proposals: [email(hcp), { ...email(hcp), idempotencyKey: used.idempotencyKey }], holdMs: 1500 });
    const good = await ok(held);
    expect(bad.status).toBe(409);
    // The bad batch landed nothing, so nothing competed with the held one.
    expect(good.decisions[0].outcome).toBe("allowed");
    const rivals = await server.ctx.store.db.selectFrom("decisions").select("id").where("agent_id", "=", m.rivalId).where("hcp_id", "=", hcp).execute();
    expect(rivals).toHaveLength(0);
  });

  it("refuses a hold beyond the bound, precisely", async () => {
    const res = await m.agent.post("/v1/proposals/batch", { proposals: [email("us-1")], holdMs: 5000 });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain("holdMs");
  });
});
