// FDA Form 2253 first use, on SQLite and on PostgreSQL: the first send of an approved US asset version
// opens one item (never one for DE), later sends add only their channel, MOps marks it submitted with an
// electronic signature, the CSV export parses back; on PostgreSQL two Steward processes dispatching the
// same version at once still open it exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { ManualClock } from "../src/shared/clock.ts";
import { write } from "../src/shared/context.ts";
import { Dispatcher } from "../src/dispatch/dispatcher.ts";
import { defaultDispatchConfig } from "../src/dispatch/config.ts";
import { recordDissemination } from "../src/content/first-use.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, PASSWORD, email, ok, seedMarket, type Market } from "./market.ts";
import { startChild, type Child } from "./processes.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const SIGN = { password: PASSWORD, meaning: "reviewed" } as const;

describe.each(ENGINES)("first use (FDA Form 2253) on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  let dispatcher: Dispatcher;

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
    dispatcher = new Dispatcher(server.ctx, defaultDispatchConfig(server.location.dataDir));
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await server?.stop();
  });

  const db = () => server.ctx.store.db;
  const opened = (assetId: string) =>
    db().selectFrom("audit_records").select(["data"]).where("type", "=", "content.first_use_opened").where("subject", "=", `asset:${assetId}`).execute();
  const due = async () => (await ok(m.users.mops.get("/v1/content/first-use?status=due"))).items as any[];

  it("opens one item at the first US send of an approved version, none for DE, and keeps it at later sends", async () => {
    const us = await ok(m.agent.post("/v1/proposals", email("us-1")));
    const de = await ok(m.agent.post("/v1/proposals", email("de-1")));
    expect([us.outcome, de.outcome]).toEqual(["allowed", "allowed"]);
    const firstAt = clock.now().toISOString();
    expect((await dispatcher.drainAll()).sent).toBe(2);

    expect(await due()).toEqual([
      { assetId: "ast-us", version: 1, title: "LDL results US", market: "US", firstUsedAt: firstAt, dueAt: firstAt, overdue: false, channels: ["email"], status: "due" },
    ]);
    clock.advance(60_000);
    await ok(m.agent.post("/v1/proposals", email("us-2")));
    expect((await dispatcher.drainAll()).sent).toBe(1);
    const [item] = await due();
    // Submission was due at the first dissemination: a minute later the item is overdue, its first use unchanged.
    expect(item).toMatchObject({ assetId: "ast-us", firstUsedAt: firstAt, overdue: true, channels: ["email"] });
    expect(await opened("ast-us")).toHaveLength(1);
    expect(await opened("ast-de")).toHaveLength(0);
    expect(await db().selectFrom("first_uses").select("asset_id").where("asset_id", "=", "ast-de").execute()).toEqual([]);
  });

  it("adds a channel the version had not gone out on, once", async () => {
    for (const channel of ["web", "web", "email"]) {
      await write(server.ctx, "system", (w) => recordDissemination(w, { assetId: "ast-us", version: 1, channel, outboxId: `obx-${channel}` }));
    }
    const [item] = await due();
    expect(item.channels).toEqual(["email", "web"]);
    const added = await db().selectFrom("audit_records").select("data").where("type", "=", "content.first_use_channel_added").execute();
    expect(added.map((a) => JSON.parse(a.data).channel)).toEqual(["web"]);
    expect(await opened("ast-us")).toHaveLength(1);
  });

  it("lets MOps, regulatory, auditors and admins read it, and no one else", async () => {
    expect((await m.users.auditor.get("/v1/content/first-use")).status).toBe(200);
    expect((await m.admin.get("/v1/content/first-use")).status).toBe(200);
    for (const api of [m.users.brand, m.users.owner, m.agent]) expect((await api.get("/v1/content/first-use")).status).toBe(403);
    const bad = await m.users.mops.get("/v1/content/first-use?status=open");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_INPUT");
  });

  it("is marked submitted with an electronic signature, once, audited", async () => {
    const path = "/v1/content/first-use/ast-us/1/submitted";
    const wrong = await m.users.mops.post(path, { reference: "2253-0001", signature: { password: "nope", meaning: "reviewed" } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe("SIGNATURE_INVALID");
    expect((await m.users.brand.post(path, { reference: "2253-0001", signature: SIGN })).status).toBe(403);
    expect((await m.users.mops.post(path, { signature: SIGN })).status).toBe(400);
    expect((await m.users.mops.post("/v1/content/first-use/ast-de/1/submitted", { reference: "x", signature: SIGN })).status).toBe(404);
    expect((await due()).map((i) => i.assetId)).toEqual(["ast-us"]);

    const { item } = await ok(m.users.mops.post(path, { reference: "2253-0001", signature: SIGN }));
    expect(item).toMatchObject({ assetId: "ast-us", version: 1, status: "submitted", reference: "2253-0001", overdue: false, submittedAt: clock.now().toISOString() });
    expect(item.submittedBy).toMatchObject({ username: "mops", printedName: "Test mops", meaning: "reviewed" });
    const again = await m.users.mops.post(path, { reference: "2253-0002", signature: SIGN });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("FIRST_USE_ALREADY_SUBMITTED");
    expect(await due()).toEqual([]);
    const submitted = (await ok(m.users.auditor.get("/v1/content/first-use?status=submitted"))).items;
    expect(submitted.map((i: any) => [i.assetId, i.reference])).toEqual([["ast-us", "2253-0001"]]);
    const audit = await db().selectFrom("audit_records").select(["actor", "data"]).where("type", "=", "content.first_use_submitted").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe("user:mops");
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ assetId: "ast-us", version: 1, reference: "2253-0001", channels: ["email", "web"] });
  });

  it("exports CSV that parses back to the items, quoting titles with commas and quotes", async () => {
    await ok(m.users.mops.post("/v1/assets", {
      id: "ast-us-quoted", title: 'Cardiozan, "LIPID-HORIZON" results', subject: "New data on LDL-C", channel: "email", market: "US", language: "en",
      product: "cardiozan", claims: ["clm-1"], body: "Cardiozan lowers LDL-C by 50% at 12 weeks. Unsubscribe: {{unsubscribe}}", safetyInfo: "See full prescribing information.",
    }), 201);
    await ok(m.users.medical.post("/v1/assets/ast-us-quoted/approve", { signature: { password: PASSWORD, meaning: "approved" } }));
    clock.advance(7 * 24 * 3600_000);
    await ok(m.agent.post("/v1/proposals", email("us-1", { assetId: "ast-us-quoted" })));
    await dispatcher.drainAll();

    const items = (await ok(m.users.mops.get("/v1/content/first-use"))).items;
    expect(items.map((i: any) => i.assetId)).toEqual(["ast-us", "ast-us-quoted"]);
    for (const path of ["/v1/content/first-use.csv", "/v1/content/first-use?format=csv"]) {
      const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${m.tokens.mops}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/csv");
      const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => [r.assetId, Number(r.version), r.title, r.firstUsedAt, r.dueAt, r.channels, r.status, r.reference])).toEqual(
        items.map((i: any) => [i.assetId, i.version, i.title, i.firstUsedAt, i.dueAt, i.channels.join(";"), i.status, i.reference ?? ""]),
      );
    }
    const dueOnly = parse(await (await fetch(`${server.url}/v1/content/first-use.csv?status=due`, { headers: { authorization: `Bearer ${m.tokens.mops}` } })).text(), { columns: true });
    expect(dueOnly.map((r: any) => r.title)).toEqual(['Cardiozan, "LIPID-HORIZON" results']);
  });

  it("opens it once when many sends of one version are recorded at the same moment", async () => {
    const sends = Array.from({ length: 16 }, (_, i) =>
      write(server.ctx, "system", (w) => recordDissemination(w, { assetId: "ast-us-quoted", version: 1, channel: i % 2 ? "email" : "field", outboxId: `obx-race-${i}` })));
    await Promise.all(sends);
    expect(await opened("ast-us-quoted")).toHaveLength(1);
    const channels = await db().selectFrom("first_use_channels").select("channel").where("asset_id", "=", "ast-us-quoted").orderBy("channel").execute();
    expect(channels.map((c) => c.channel)).toEqual(["email", "field"]);
  });

  if (engine === "postgres") {
    it("opens it exactly once when two Steward processes dispatch sends of the same version", async () => {
      // Decisions made now (real time, as the two processes' dispatchers keep it), for HCPs in a zone
      // where it is daytime, so nothing waits for the end of quiet hours.
      clock.set(new Date());
      const zone = ["America/New_York", "America/Los_Angeles", "Asia/Tokyo", "Europe/Berlin", "Australia/Sydney"].find((z) => {
        const hour = Number(new Intl.DateTimeFormat("en-US", { timeZone: z, hour: "numeric", hourCycle: "h23" }).format(new Date()));
        return hour >= 9 && hour < 18;
      })!;
      await ok(m.users.mops.post("/v1/assets", {
        id: "ast-us-race", title: "Race", subject: "New data on LDL-C", channel: "email", market: "US", language: "en", product: "cardiozan",
        claims: ["clm-1"], body: "Cardiozan lowers LDL-C by 50% at 12 weeks. Unsubscribe: {{unsubscribe}}", safetyInfo: "See full prescribing information.",
      }), 201);
      await ok(m.users.medical.post("/v1/assets/ast-us-race/approve", { signature: { password: PASSWORD, meaning: "approved" } }));
      const ids: string[] = [];
      for (let i = 0; i < 24; i++) {
        const hcpId = `us-race-${i}`;
        await ok(m.users.mops.put(`/v1/hcps/${hcpId}`, { name: `Dr. Race ${i}`, specialty: "cardiology", market: "US", timezone: zone }), 201);
        const d = await ok(m.agent.post("/v1/proposals", email(hcpId, { assetId: "ast-us-race" })));
        expect(d.outcome, JSON.stringify(d.reasons)).toBe("allowed");
        ids.push(d.id);
      }
      const env = { DATABASE_URL: server.location.databaseUrl!, STEWARD_DISPATCH_POLL_MS: "20" };
      const children: Child[] = [];
      try {
        children.push(...(await Promise.all([1, 2].map(() => startChild(["bin/steward.js", "serve", "--data", server.location.dataDir, "--port", "0"], env)))));
        const deadline = Date.now() + 60_000;
        let pending = ids.length;
        while (pending > 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          const rows = await db().selectFrom("outbox").select("status").where("decision_id", "in", ids).execute();
          pending = rows.filter((r) => r.status !== "sent").length;
        }
        expect(pending).toBe(0);
      } finally {
        await Promise.all(children.map((c) => c.stop()));
      }
      const rows = await db().selectFrom("first_uses").selectAll().where("asset_id", "=", "ast-us-race").execute();
      expect(rows).toHaveLength(1);
      expect(await opened("ast-us-race")).toHaveLength(1);
      const firstSent = await db().selectFrom("outbox").select((eb) => eb.fn.min("sent_at").as("at")).where("decision_id", "in", ids).executeTakeFirstOrThrow();
      expect(rows[0]!.first_used_at).toBe(firstSent.at);
    }, 120_000);
  }
});
