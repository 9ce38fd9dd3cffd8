// Monitors that act: outcomes drive an agent's engagement down, one evaluation pauses it — exactly once
// when two Steward instances over one database evaluate at the same moment — and a local alert
// webhook receives one signed call. The owner resumes it with a reason, which closes the trip.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { startSteward, type Running } from "../src/server/start.ts";
import { verifySignature } from "../src/dispatch/signature.ts";
import { ENGINES } from "./engines.ts";
import { ADMIN_TOKEN, bundleFiles, startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, email, ok, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const SECRET = "alert-secret-for-tests-0123456789";
const DAY = 86_400_000;
const MONITORS = `- id: engagement-drop
  metric: engagement_rate
  window: 7d
  baseline: 28d
  when: relative_drop > 0.4
  minEvents: 5
  action: pause
  agents: [nba]
  bounds: { min: 0.2, max: 0.6 }
`;

interface Received {
  body: string;
  signature: string | undefined;
}

function alertReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      received.push({ body, signature: req.headers["x-steward-signature"] as string | undefined });
      res.writeHead(204).end();
    });
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, received })));
}

describe.each(ENGINES)("monitors on %s", (engine) => {
  let server: TestServer;
  let second: Running | null = null;
  let m: Market;
  let receiver: Awaited<ReturnType<typeof alertReceiver>>;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  const now = Date.parse(MONDAY_AFTERNOON);
  const hcps = Array.from({ length: 6 }, (_, i) => `us-m${i}`);

  /** Each HCP gets one email at `at`, delivered an hour later, and opened when `opened`. */
  async function round(at: number, opened: boolean) {
    clock.set(at);
    const decisions: string[] = [];
    for (const hcp of hcps) {
      const d = await ok(m.agent.post("/v1/proposals", email(hcp)));
      expect(d.outcome).toBe("allowed");
      decisions.push(d.decisionId ?? d.id);
    }
    clock.set(at + 2 * 3_600_000);
    const occurredAt = new Date(at + 3_600_000).toISOString();
    const events = decisions.flatMap((decisionId, i) => [
      { id: `del-${decisionId}`, hcpId: hcps[i], type: "delivered", source: "esp", occurredAt, decisionId },
      ...(opened ? [{ id: `open-${decisionId}`, hcpId: hcps[i], type: "opened", source: "esp", occurredAt, decisionId }] : []),
    ]);
    const r = await ok(m.users.mops.post("/v1/events", { events }));
    expect(r.rejected).toEqual([]);
  }

  beforeAll(async () => {
    receiver = await alertReceiver();
    const alert = { url: receiver.url, secret: SECRET };
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock, monitors: { alert } });
    m = await seedMarket(server);
    for (const hcp of hcps) await ok(m.users.mops.put(`/v1/hcps/${hcp}`, { name: `Dr. ${hcp}`, specialty: "cardiology", market: "US" }), 201);
    await ok(m.admin.put("/v1/governance", { files: { ...bundleFiles(BUNDLE), "monitors.yaml": MONITORS } }));
    if (engine === "postgres") {
      // A second Steward over the same database, with its own pool and its own watch.
      second = await startSteward({ dataDir: server.location.dataDir, databaseUrl: server.location.databaseUrl, adminToken: ADMIN_TOKEN, port: 0, clock, monitors: { alert } });
    }
    await round(now - 20 * DAY, true); // baseline: every delivery opened
    await round(now - 2 * DAY, false); // recent: none opened
    clock.set(now);
  });
  afterAll(async () => {
    await second?.close();
    await server?.stop();
    receiver?.server.close();
  });

  it("reads the agent's engagement over the recent window against the baseline before it", async () => {
    const { monitors } = await ok(m.users.owner.get("/v1/agents/nba/monitors"));
    expect(monitors).toEqual([expect.objectContaining({ id: "engagement-drop", agentId: "nba", metric: "engagement_rate", value: 0, baseline: 1, threshold: 0.4, state: "tripped" })]);
    expect((await ok(m.users.owner.get("/v1/agents/nba"))).agent.status).toBe("active");
  });

  it("pauses the agent within one evaluation, exactly once across processes, and sends one signed alert", async () => {
    const acted = await Promise.all([server.monitors!.evaluateNow(), ...(second ? [second.monitors!.evaluateNow()] : [])]);
    expect(acted.flat().length).toBe(1);
    const { agent } = await ok(m.users.owner.get("/v1/agents/nba"));
    expect(agent.status).toBe("paused");
    expect(agent.statusReason).toMatch(/^monitor engagement-drop: engagement_rate value 0, baseline 1/);
    const audit = (await ok(m.users.auditor.get("/v1/audit?limit=1000"))).records;
    expect(audit.filter((r: any) => r.type === "monitor.tripped").length).toBe(1);
    expect(audit.filter((r: any) => r.type === "agent.paused").length).toBe(1);

    await new Promise((r) => setTimeout(r, 50));
    expect(receiver.received.length).toBe(1);
    expect(verifySignature(SECRET, receiver.received[0]!.body, receiver.received[0]!.signature)).toBe(true);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: "monitor.tripped", id: "engagement-drop", agentId: "nba", action: "pause" });

    // Evaluating again acts on nothing: the trip is open.
    expect((await server.monitors!.evaluateNow()).length).toBe(0);
    const { monitors } = await ok(m.users.owner.get("/v1/monitors"));
    expect(monitors[0]).toMatchObject({ state: "tripped", since: expect.any(String) });
  });

  it("resuming with a reason closes the trip; the old figures do not trip it again", async () => {
    await ok(m.users.owner.post("/v1/agents/nba/resume", { reason: "checked the segment; new copy is live" }));
    clock.set(now + 3_600_000);
    expect((await server.monitors!.evaluateNow()).length).toBe(0);
    expect((await ok(m.users.owner.get("/v1/agents/nba"))).agent.status).toBe("active");
    expect((await ok(m.users.owner.get("/v1/agents/nba/monitors"))).monitors[0].state).toBe("ok");
  });

  it("lets the owner set the monitor's threshold within its bounds", async () => {
    expect((await m.users.owner.put("/v1/agents/nba/thresholds", { "monitor:engagement-drop": 0.9 })).status).toBe(422);
    await ok(m.users.owner.put("/v1/agents/nba/thresholds", { "monitor:engagement-drop": 0.5 }));
    expect((await ok(m.users.owner.get("/v1/agents/nba/monitors"))).monitors[0].threshold).toBe(0.5);
  });
});

