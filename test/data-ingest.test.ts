// Event ingestion over HTTP into the HCP's current state, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { sql } from "kysely";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, ok, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(ENGINES)("event ingestion on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  const now = () => clock.now().getTime();
  const ago = (ms: number) => new Date(now() - ms).toISOString();
  const post = (events: unknown[]) => ok(m.users.mops.post("/v1/events", { events }));
  const state = async (hcpId: string) => (await ok(m.users.mops.get(`/v1/hcps/${hcpId}/state`))).state;
  const count = async (table: "events" | "audit_records" | "hcp_state") =>
    (await server.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n;

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
  });
  afterAll(async () => server?.stop());

  it("accepts a batch once: a repeated id in the batch or in a later batch is a duplicate and changes nothing", async () => {
    const first = { id: "dup-1", hcpId: "us-1", type: "crm.call_logged", source: "crm", occurredAt: ago(2 * HOUR) };
    const res = await post([first, { ...first }, { id: "dup-2", hcpId: "us-1", type: "web.content_viewed", source: "web", occurredAt: ago(HOUR) }]);
    expect(res).toEqual({ accepted: 2, duplicates: 1, rejected: [] });
    const before = await state("us-1");
    const again = await post([{ ...first, type: "something_else", occurredAt: ago(0) }, { id: "dup-2", hcpId: "us-1", type: "x", source: "web", occurredAt: ago(0) }]);
    expect(again).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    expect(await state("us-1")).toEqual(before);
    const stored = await server.ctx.store.db.selectFrom("events").selectAll().where("id", "=", "dup-1").executeTakeFirstOrThrow();
    expect(stored.type).toBe("crm.call_logged");
  });

  it("folds events into the HCP's state so the same events in any order give the same state", async () => {
    clock.set(MONDAY_AFTERNOON);
    await ok(m.users.mops.put("/v1/hcps/us-o1", { name: "Dr. One", specialty: "cardiology", market: "US" }), 201);
    await ok(m.users.mops.put("/v1/hcps/us-o2", { name: "Dr. Two", specialty: "cardiology", market: "US" }), 201);
    const events = (hcpId: string) => [
      { id: `${hcpId}-a`, hcpId, type: "symposium.attended", source: "events", occurredAt: ago(3 * DAY), data: { event: "ACC satellite symposium" } },
      { id: `${hcpId}-b`, hcpId, type: "crm.call_logged", source: "crm", occurredAt: ago(2 * DAY), data: { channel: "face-to-face" } },
      { id: `${hcpId}-c`, hcpId, type: "crm.call_logged", source: "crm", occurredAt: ago(5 * DAY) },
      { id: `${hcpId}-d`, hcpId, type: "web.content_viewed", source: "web", occurredAt: ago(HOUR) },
      { id: `${hcpId}-e`, hcpId, type: "email_opened", source: "esp", occurredAt: ago(40 * DAY), data: { channel: "email" } },
      { id: `${hcpId}-f`, hcpId, type: "mi.request_received", source: "mi", occurredAt: ago(DAY), data: { topic: "renal dosing" } },
    ];
    // In time order, one at a time; and newest first, all at once.
    for (const e of events("us-o1").sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))) await post([e]);
    await post(events("us-o2").sort((a, b) => b.occurredAt.localeCompare(a.occurredAt)));
    const one = await state("us-o1");
    const two = await state("us-o2");
    const strip = (s: any) => JSON.parse(JSON.stringify(s).replaceAll("us-o1", "X").replaceAll("us-o2", "X"));
    expect(strip({ ...one, updatedAt: null })).toEqual(strip({ ...two, updatedAt: null }));

    expect(one.lastEventBySource.crm).toMatchObject({ at: ago(2 * DAY), eventId: "us-o1-b" });
    expect(one.lastEventBySource.web.at).toBe(ago(HOUR));
    expect(one.lastTouch).toEqual({ field: ago(2 * DAY), email: ago(40 * DAY) });
    // Engagements: attended (3d), content viewed (1h), MI request (1d), the email opened 40 days ago is not recent.
    expect(one.recentEngagements).toBe(3);
    expect(one.lastEngagementAt).toBe(ago(HOUR));
    expect(one.attendedEvents).toEqual([{ eventId: "us-o1-a", type: "symposium.attended", at: ago(3 * DAY), name: "ACC satellite symposium" }]);
    expect(one.openMiRequests).toEqual([{ id: "us-o1-f", at: ago(DAY), topic: "renal dosing" }]);
    expect(one.eventsSeen).toBe(6);
  });

  it("rejects each malformed event on its own, by index and field, and keeps every valid one", async () => {
    const auditBefore = await count("audit_records");
    const res = await post([
      { id: "mal-ok-1", hcpId: "us-2", type: "crm.call_logged", source: "crm", occurredAt: ago(HOUR) },
      { id: "mal-1", hcpId: "us-2", type: "crm.call_logged", source: "crm", occurredAt: "last tuesday" },
      { id: "mal-2", hcpId: "us-2", source: "crm", occurredAt: ago(HOUR) },
      { id: "mal-3", hcpId: "us-2", type: "x", source: "crm", occurredAt: ago(HOUR), colour: "red" },
      "not an event",
      { id: "mal-4", hcpId: "nobody", type: "x", source: "crm", occurredAt: ago(HOUR) },
      { id: "mal-5", hcpId: "us-2", type: "x", source: "crm", occurredAt: new Date(now() + 3 * DAY).toISOString() },
      { id: "mal-6", hcpId: "us-2", type: "x", source: "crm", occurredAt: ago(HOUR), data: [1, 2] },
      { id: "mal-7", hcpId: "us-2", type: "x", source: "crm", occurredAt: ago(HOUR), data: { blob: "x".repeat(70_000) } },
      { id: "mal-ok-2", hcpId: "us-2", type: "web.content_viewed", source: "web", occurredAt: "2026-03-02T10:00:00-05:00" },
    ]);
    expect(res.accepted).toBe(2);
    expect(res.duplicates).toBe(0);
    expect(res.rejected.map((r: any) => r.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const fieldsOf = (i: number) => res.rejected.find((r: any) => r.index === i).problems.map((p: any) => p.field);
    expect(fieldsOf(1)).toEqual(["occurredAt"]);
    expect(fieldsOf(2)).toEqual(["type"]);
    expect(res.rejected.find((r: any) => r.index === 3).error).toContain("colour");
    expect(fieldsOf(4)).toEqual(["event"]);
    expect(fieldsOf(5)).toEqual(["hcpId"]);
    expect(fieldsOf(6)).toEqual(["occurredAt"]);
    expect(fieldsOf(7)).toEqual(["data"]);
    expect(fieldsOf(8)).toEqual(["data"]);
    for (const r of res.rejected) expect(typeof r.error).toBe("string");
    // An offset is stored as UTC.
    const kept = await server.ctx.store.db.selectFrom("events").select(["id", "occurred_at"]).where("id", "in", ["mal-ok-1", "mal-ok-2"]).orderBy("id").execute();
    expect(kept.map((e) => e.occurred_at)).toEqual([ago(HOUR), "2026-03-02T15:00:00.000Z"]);
    expect(await count("audit_records")).toBe(auditBefore + 1);
  });

  it("writes nothing, not even an audit record, for a batch with no valid event", async () => {
    const before = [await count("events"), await count("audit_records")];
    const res = await post([{ id: "x" }, { id: "nobody-1", hcpId: "nobody", type: "x", source: "crm", occurredAt: ago(0) }]);
    expect(res.accepted).toBe(0);
    expect(res.rejected).toHaveLength(2);
    expect([await count("events"), await count("audit_records")]).toEqual(before);
  });

  it("answers a bad request with a 4xx, never a 500", async () => {
    expect((await m.users.mops.post("/v1/events", { events: [] })).status).toBe(400);
    expect((await m.users.mops.post("/v1/events", {})).status).toBe(400);
    expect((await m.users.mops.post("/v1/events", { events: "many" })).status).toBe(400);
    expect((await m.users.mops.request("POST", "/v1/events", '{"events": [', { "content-type": "application/json" })).status).toBe(400);
    expect((await m.agent.post("/v1/events", { events: [{}] })).status).toBe(403);
    expect((await m.users.medical.post("/v1/events", { events: [{}] })).status).toBe(403);
    expect((await m.users.mops.get("/v1/hcps/nobody/state")).status).toBe(404);
  });

  it("commits a batch whole or not at all: when its state cannot be written, its events are not either", async () => {
    const db = server.ctx.store.db;
    const before = await count("events");
    await sql`alter table hcp_state rename to hcp_state_away`.execute(db);
    try {
      const res = await m.users.mops.post("/v1/events", { events: [{ id: "atomic-1", hcpId: "us-2", type: "crm.call_logged", source: "crm", occurredAt: ago(0) }] });
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toMatch(/\.ts:\d+/);
    } finally {
      await sql`alter table hcp_state_away rename to hcp_state`.execute(db);
    }
    expect(await count("events")).toBe(before);
    const retried = await post([{ id: "atomic-1", hcpId: "us-2", type: "crm.call_logged", source: "crm", occurredAt: ago(0) }]);
    expect(retried.accepted).toBe(1);
  });

  it("counts each event once when the same batch arrives many times at once", async () => {
    const batch = Array.from({ length: 40 }, (_, i) => ({ id: `race-${i}`, hcpId: i % 2 ? "us-1" : "us-2", type: "web.content_viewed", source: "web", occurredAt: ago(i * 1000) }));
    const results = await Promise.all(Array.from({ length: 6 }, () => post(batch)));
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(40);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(5 * 40);
    const stored = await server.ctx.store.db.selectFrom("events").select("id").where("id", "like", "race-%").execute();
    expect(stored).toHaveLength(40);
  });

  it("keeps an MI request open until it is answered, and a completed visit is a field touch", async () => {
    await ok(m.users.mops.put("/v1/hcps/us-mi", { name: "Dr. Ask", specialty: "nephrology", market: "US" }), 201);
    // A CRM note about an answer is not the mi_answered outcome of a decision: it closes nothing.
    await post([{ id: "mi-note-1", hcpId: "us-mi", type: "mi.answer_sent", source: "mi", occurredAt: ago(HOUR), data: { requestId: "mi-req-1" } }]);
    await post([{ id: "mi-req-1", hcpId: "us-mi", type: "mi.request_received", source: "mi", occurredAt: ago(2 * HOUR) }]);
    expect((await state("us-mi")).openMiRequests.map((r: any) => r.id)).toEqual(["mi-req-1"]);
    await post([{ id: "visit-1", hcpId: "us-mi", type: "visit_completed", source: "crm", occurredAt: ago(HOUR / 2) }]);
    const s = await state("us-mi");
    expect(s.lastTouch.field).toBe(ago(HOUR / 2));
    expect(s.recentEngagements).toBe(2);
  });

  it("lets an agent read an HCP's state", async () => {
    const s = await ok(m.agent.get("/v1/hcps/us-1/state"));
    expect(s.state.hcpId).toBe("us-1");
    const fresh = await ok(m.agent.get("/v1/hcps/de-2/state"));
    expect(fresh.state).toMatchObject({ hcpId: "de-2", eventsSeen: 0, recentEngagements: 0, openMiRequests: [] });
  });
});
