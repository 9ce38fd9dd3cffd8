// Data freshness: DATA_STALE from the sources freshness.yaml says an action relies on, and the latency
// audit (HTTP and `steward data latency`) whose figures the test derives itself. SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { ok, seedMarket, type Market } from "./market.ts";

const ROOT = resolve(import.meta.dirname, "..");
const BUNDLE = resolve(import.meta.dirname, "bundles/data-fresh");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe.each(ENGINES)("data freshness and the latency audit on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  // In the recent past, so `steward data latency` (which reads the system clock) can be pointed at the
  // same events: the audit's events are ingested 12 days before now.
  const start = Math.floor(Date.now() / HOUR) * HOUR - 20 * DAY;
  // The decisions run in a US HCP's working day (14:00 UTC, the latest at or before start), so quiet
  // hours never turn an allowed field suggestion into a scheduled one, whatever hour the suite runs at.
  const workday = Math.floor((start - 14 * HOUR) / DAY) * DAY + 14 * HOUR;
  const clock = new ManualClock(start);
  const ago = (ms: number) => new Date(clock.now().getTime() - ms).toISOString();
  const post = (events: unknown[]) => ok(m.users.mops.post("/v1/events", { events }));
  const suggest = (hcpId: string, extra: Record<string, unknown> = {}) =>
    ok(m.agent.post("/v1/proposals", { idempotencyKey: `fs-${hcpId}-${Math.random()}`, hcpId, action: "field_suggestion", purpose: "promotional", confidence: 0.9, ...extra }));
  const codes = (d: any): string[] => d.reasons.map((r: any) => r.code);
  const steward = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, "bin/steward.js"), ...args, "--data", server.location.dataDir], {
      cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: server.location.databaseUrl ?? "" },
    });

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
  });
  afterAll(async () => server?.stop());

  describe("DATA_STALE", () => {
    it("rejects a field suggestion for an HCP with no event from the source it relies on", async () => {
      clock.set(workday);
      const d = await suggest("us-1");
      expect(d.outcome).toBe("rejected");
      expect(codes(d)).toContain("DATA_STALE");
      expect(d.reasons.find((r: any) => r.code === "DATA_STALE").message).toContain("no event from crm");
    });

    it("rejects it while the newest CRM event is older than 24h, and the very next decision sees a fresh one", async () => {
      clock.set(workday + HOUR);
      await post([{ id: "crm-old", hcpId: "us-1", type: "crm.call_logged", source: "crm", occurredAt: ago(30 * HOUR) }]);
      // Other sources do not count for a field suggestion.
      await post([{ id: "web-new", hcpId: "us-1", type: "web.content_viewed", source: "web", occurredAt: ago(MINUTE) }]);
      const stale = await suggest("us-1");
      expect(codes(stale)).toContain("DATA_STALE");
      expect(stale.reasons.find((r: any) => r.code === "DATA_STALE").message).toContain("crm's newest event");

      await post([{ id: "crm-fresh", hcpId: "us-1", type: "crm.call_logged", source: "crm", occurredAt: ago(2 * HOUR) }]);
      const fresh = await suggest("us-1");
      expect(codes(fresh)).not.toContain("DATA_STALE");
      expect(fresh.outcome).toBe("allowed");
      // An older event arriving late does not make the data stale again.
      await post([{ id: "crm-late", hcpId: "us-1", type: "crm.call_logged", source: "crm", occurredAt: ago(5 * DAY) }]);
      expect((await ok(m.agent.get("/v1/hcps/us-1/state"))).state.lastEventBySource.crm.eventId).toBe("crm-fresh");
    });

    it("needs every source a visit request relies on, each within 12h", async () => {
      clock.set(workday + 2 * HOUR);
      await post([{ id: "v-crm", hcpId: "us-2", type: "crm.call_logged", source: "crm", occurredAt: ago(HOUR) }]);
      const visit = () => ok(m.agent.post("/v1/proposals", { idempotencyKey: `v-${Math.random()}`, hcpId: "us-2", action: "visit_request", purpose: "promotional" }));
      const missing = await visit();
      expect(missing.reasons.find((r: any) => r.code === "DATA_STALE").message).toContain("no event from events");
      await post([{ id: "v-events", hcpId: "us-2", type: "symposium.attended", source: "events", occurredAt: ago(13 * HOUR) }]);
      expect(codes(await visit())).toContain("DATA_STALE");
      await post([{ id: "v-events-2", hcpId: "us-2", type: "symposium.attended", source: "events", occurredAt: ago(11 * HOUR) }]);
      const fresh = await visit();
      expect(codes(fresh)).not.toContain("DATA_STALE");
      // Visit requests are forbidden by this bundle's matrix: freshness is one check among all that speak.
      expect(codes(fresh)).toContain("AUTHORITY_FORBIDDEN");
    });

    it("judges cited evidence instead of the sources when the proposal names some", async () => {
      clock.set(workday + 3 * HOUR);
      await post([{ id: "ev-web", hcpId: "de-1", type: "web.content_viewed", source: "web", occurredAt: ago(HOUR) }]);
      const d = await suggest("de-1", { evidence: ["ev-web"] });
      expect(codes(d)).not.toContain("DATA_STALE");
      const without = await suggest("de-2");
      expect(codes(without)).toContain("DATA_STALE");
    });
  });

  describe("the latency audit", () => {
    // crm: 21 events, latencies 1h..20h and one at 30h; web: ten at 5 min and one dated 1 min after it
    // was ingested (a clock ahead); events: one at 3 days inside the window and one 10 days ago, outside.
    const crm = [...Array.from({ length: 20 }, (_, i) => (i + 1) * HOUR), 30 * HOUR];
    const web = [...Array.from({ length: 10 }, () => 5 * MINUTE), -MINUTE];

    /** Nearest rank, written out: the value at 1-based rank ceil(p/100 · n) of the ascending list. */
    const rank = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1]!;

    beforeAll(async () => {
      // A fresh store per engine for this block would cost a server; instead the window starts after
      // everything the DATA_STALE tests ingested: they ran at workday..workday+3h, at most start+3h, these run 8 days later.
      const ingestAt = start + 8 * DAY;
      await ok(m.users.mops.put("/v1/hcps/us-lat", { name: "Dr. Latency", specialty: "cardiology", market: "US" }), 201);
      clock.set(ingestAt - 10 * DAY);
      await post([{ id: "lat-old", hcpId: "us-lat", type: "symposium.attended", source: "events", occurredAt: ago(HOUR) }]);
      for (const [i, latency] of crm.entries()) {
        clock.set(ingestAt - (i + 1) * MINUTE);
        await post([{ id: `lat-crm-${i}`, hcpId: "us-lat", type: "crm.call_logged", source: "crm", occurredAt: ago(latency) }]);
      }
      clock.set(ingestAt - 30 * MINUTE);
      await post(web.map((latency, i) => ({ id: `lat-web-${i}`, hcpId: "us-lat", type: "web.content_viewed", source: "web", occurredAt: ago(latency) })));
      clock.set(ingestAt - DAY);
      await post([{ id: "lat-events", hcpId: "us-lat", type: "symposium.attended", source: "events", occurredAt: ago(3 * DAY) }]);
      clock.set(ingestAt);
    });

    it("measures each source's p50, p95 and max over the window", async () => {
      const r = await ok(m.users.auditor.get("/v1/data/latency?window=7d"));
      expect(r.window).toBe("7d");
      expect(r.sources).toEqual([
        { source: "crm", events: 21, p50Ms: rank(crm, 50), p95Ms: rank(crm, 95), maxMs: 30 * HOUR, aheadOfClock: 0 },
        { source: "events", events: 1, p50Ms: 3 * DAY, p95Ms: 3 * DAY, maxMs: 3 * DAY, aheadOfClock: 0 },
        { source: "web", events: 11, p50Ms: 5 * MINUTE, p95Ms: 5 * MINUTE, maxMs: 5 * MINUTE, aheadOfClock: 1 },
      ]);
      // The same figures by hand: ranks ceil(10.5) = 11 and ceil(19.95) = 20 of 1h, 2h, ..., 20h, 30h.
      expect([rank(crm, 50), rank(crm, 95)]).toEqual([11 * HOUR, 20 * HOUR]);
    });

    it("maps them against what each action type requires and names what the data cannot support", async () => {
      const r = await ok(m.users.auditor.get("/v1/data/latency?window=7d"));
      const by = Object.fromEntries(r.actions.map((a: any) => [a.action, a]));
      // field_suggestion: crm within 24h at p95 (20h), but its slowest event took 30h.
      expect(by.field_suggestion).toMatchObject({ limitMs: 24 * HOUR, basis: "sources", requires: ["crm"], support: "at_risk" });
      expect(by.field_suggestion.sources).toEqual([{ source: "crm", p95Ms: 20 * HOUR, maxMs: 30 * HOUR, fit: "late_tail" }]);
      // visit_request: 12h, and both crm (p95 20h) and events (3d) are slower.
      expect(by.visit_request.support).toBe("unsupported");
      expect(by.visit_request.sources.map((s: any) => s.fit)).toEqual(["too_slow", "too_slow"]);
      // mi_response relies on mi, which sent nothing.
      expect(by.mi_response.sources).toEqual([{ source: "mi", p95Ms: null, maxMs: null, fit: "no_data" }]);
      // email (72h) cites evidence from any source; web and crm are fast enough.
      expect(by.email).toMatchObject({ basis: "evidence", support: "supported" });
      expect(r.unsupported).toEqual(["mi_response", "visit_request"]);
      expect(r.atRisk).toEqual(["field_suggestion"]);
      expect(r.bundleVersion).toBe(server.ctx.governance.current().version);
    });

    it("narrows to the window it is asked for, and refuses a window it cannot read", async () => {
      const day = await ok(m.users.auditor.get("/v1/data/latency?window=24h"));
      // Only the crm and web batches were ingested in the last day (the events one exactly 24h ago is out).
      expect(day.sources.map((s: any) => s.source)).toEqual(["crm", "web"]);
      const wide = await ok(m.users.auditor.get("/v1/data/latency?window=30d"));
      expect(wide.sources.find((s: any) => s.source === "events").events).toBeGreaterThanOrEqual(2);
      for (const bad of ["7days", "0h", "365d", "-1d"]) {
        const res = await m.users.auditor.get(`/v1/data/latency?window=${bad}`);
        expect(res.status, bad).toBe(400);
        expect(res.body.error.details[0].field).toBe("window");
      }
      expect((await m.agent.get("/v1/data/latency")).status).toBe(403);
    });

    it("prints the same audit from the command line", () => {
      // The command reads the real clock: 13 days back reaches the crm and web batches (12 days ago) only.
      const r = steward("data", "latency", "--window", "13d", "--json");
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.sources.map((s: any) => [s.source, s.events, s.p50Ms, s.p95Ms, s.maxMs])).toEqual([
        ["crm", 21, 11 * HOUR, 20 * HOUR, 30 * HOUR],
        ["web", 11, 5 * MINUTE, 5 * MINUTE, 5 * MINUTE],
      ]);
      expect(report.unsupported).toEqual(["mi_response", "visit_request"]);

      const table = steward("data", "latency", "--window", "13d");
      expect(table.status).toBe(0);
      expect(table.stdout).toMatch(/crm\s+\d+\s+/);
      expect(table.stdout).toContain("The current data cannot support: ");
      expect(table.stdout).toContain("mi sent no events in the window; mi_response relies on it");
      expect(steward("data", "latency", "--window", "13d", "--check").status).toBe(1);
      expect(steward("data", "latency", "--window", "soon").status).toBe(2);
    });
  });
});
