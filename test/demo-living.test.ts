// The living demo: a real server on a temporary SQLite store with the demo market seeded, the three
// reference agents and a fast event generator running against its HTTP API. Within a bounded wait
// decisions flow with several outcomes, reviews wait in the brand and medical queues, metrics move and
// the generator's outcome events are linked to decisions; closing stops everything. Then `steward serve
// --demo` on the same data directory resumes it all and exits cleanly on SIGINT.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { seedDemo, type DemoCredentials } from "../src/demo/seed.ts";
import { writeDemoCredentials } from "../src/demo/credentials.ts";
import { startLivingDemo, withLivingDemo, type LivingDemo } from "../src/demo/living.ts";
import { defaultDispatchConfig } from "../src/dispatch/config.ts";
import type { Clock } from "../src/shared/clock.ts";
import { ADMIN_TOKEN, startTestServer, type Api, type TestServer } from "./server.ts";

const ROOT = resolve(import.meta.dirname, "..");

/**
 * Real time, shifted to a Monday 15:00 UTC (10:00 in New York, 16:00 in Berlin and Paris): outside quiet
 * hours everywhere, so touches go out and have outcomes whatever time the suite runs at.
 */
function mondayAfternoonClock(): Clock {
  const offset = Date.parse("2026-03-02T15:00:00.000Z") - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

/** Polls `probe` until it returns a value (not undefined) or `ms` pass; the last failure is the error. */
async function eventually<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}${last ? ` (${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Live timers and sockets, by kind (Timeout, TCPWrap, TCPServerWrap): what would keep a process from exiting. */
function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) if (r === "Timeout" || r === "Immediate" || r.startsWith("TCP")) out[r] = (out[r] ?? 0) + 1;
  return out;
}

describe("the living demo", () => {
  let server: TestServer;
  let data: string;
  let living: LivingDemo;
  let credentials: DemoCredentials;
  let mops: Api;
  let before: Record<string, number>;
  let closed = false;
  const outbox = join(tmpdir(), `steward-living-outbox-${randomUUID()}.jsonl`);
  let stop: () => Promise<void>;

  beforeAll(async () => {
    before = resources();
    const clock = mondayAfternoonClock();
    // The dispatcher's file sink: every channel goes there, and the generator follows what was sent.
    server = await startTestServer("sqlite", { clock, dispatch: { ...defaultDispatchConfig(null), outboxFile: outbox, pollMs: 50 } });
    data = server.location.dataDir;
    const seeded = await seedDemo(server.ctx);
    expect(seeded).not.toBeNull();
    credentials = { ...seeded!, adminToken: ADMIN_TOKEN };
    mops = server.api.as(credentials.users.find((u) => u.roles.includes("mops"))!.token);
    living = await startLivingDemo({
      url: server.url, dataDir: data, credentials, now: () => clock.now(), seed: 11,
      eventsPerMinute: 1200, warmup: 40, tickMs: 50, agentIntervalMs: 100, outcomeDelayScale: 0.01,
    });
    const running = withLivingDemo(server, living);
    stop = async () => {
      if (closed) return;
      closed = true;
      await running.close();
    };
  }, 30_000);

  afterAll(async () => {
    await stop?.();
    await server?.location.drop();
    rmSync(outbox, { force: true });
  });

  it("has decisions flowing with several outcomes, reviews waiting in the brand and medical queues, and metrics moving", async () => {
    const outcomes = await eventually(async () => {
      const res = await mops.get("/v1/decisions?limit=1000");
      const seen = new Set((res.body.decisions as { outcome: string }[]).map((d) => d.outcome));
      return seen.size >= 2 && seen.has("allowed") ? seen : undefined;
    }, 20_000, "decisions of at least two outcomes, some allowed");
    expect([...outcomes].every((o) => ["allowed", "scheduled", "pending_review", "rejected"].includes(o))).toBe(true);

    const roles = await eventually(async () => {
      const res = await mops.get("/v1/reviews?status=open");
      const r = new Set((res.body.reviews as { roles: (string | { role: string })[] }[]).flatMap((x) => x.roles.map((y) => (typeof y === "string" ? y : y.role))));
      return r.has("reviewer:brand") && r.has("reviewer:medical") ? r : undefined;
    }, 20_000, "open reviews for brand (low-confidence NBA touches) and medical (MI answers)");
    expect(roles.size).toBeGreaterThanOrEqual(2);

    const metrics = await eventually(async () => {
      const res = await mops.get("/v1/metrics");
      return res.body.decisions > 0 && res.body.sent > 0 ? res.body : undefined;
    }, 20_000, "metrics with decisions and sent actions");
    expect(metrics.decisionVelocityPerHour).toBeGreaterThan(0);
    expect(Object.keys(metrics.outcomeMix).length).toBeGreaterThanOrEqual(2);
  });

  it("links the generator's outcome events to the decisions whose actions were sent, and the agents cite its HCP events", async () => {
    const linked = await eventually(async () => {
      const res = await mops.get("/v1/decisions?limit=1000");
      const decisions = res.body.decisions as { id: string; outcome: string; agentId: string; evidence?: string[]; outcomes: { eventId: string; type: string }[] }[];
      const withOutcomes = decisions.filter((d) => d.outcomes.some((o) => o.eventId.startsWith("gen-o-")));
      return withOutcomes.length >= 2 ? { decisions, withOutcomes } : undefined;
    }, 20_000, "outcome events linked to decisions");
    for (const d of linked.withOutcomes) {
      expect(["allowed", "scheduled"]).toContain(d.outcome);
      for (const o of d.outcomes) expect(o.eventId.startsWith(`gen-o-${d.id}-`)).toBe(true);
    }
    expect(linked.withOutcomes.flatMap((d) => d.outcomes.map((o) => o.type))).toContain("delivered");
    // Every linked outcome came from an action the dispatcher actually sent.
    const sent = await mops.get(`/v1/outbox?status=sent&limit=1000`);
    const sentDecisions = new Set((sent.body.items as { decisionId: string }[]).map((i) => i.decisionId));
    for (const d of linked.withOutcomes) expect(sentDecisions.has(d.id)).toBe(true);
    expect(Object.values(living.stats.outcomeEvents).reduce((s, n) => s + n, 0)).toBeGreaterThan(0);
    expect(living.stats.hcpEvents).toBeGreaterThan(0);
    expect(living.stats.rejected).toBe(0);
    // The agents got the generator's events: field-prep and MI triage cite them as evidence.
    const cited = linked.decisions.filter((d) => (d.agentId === "field-prep" || d.agentId === "mi-triage"));
    expect(cited.length).toBeGreaterThan(0);
    const detail = await mops.get(`/v1/decisions/${cited[0]!.id}`);
    expect(JSON.stringify(detail.body)).toMatch(/gen-[a-z0-9]+-\d+/);
  });

  it("keeps its state under <data>/agents, and stops everything on close", async () => {
    expect(living.stateDir).toBe(join(data, "agents"));
    expect(living.agents.map((a) => a.id).sort()).toEqual(["field-prep", "mi-triage", "nba-email"]);
    expect(living.agents.every((a) => a.statePath.startsWith(join(data, "agents")))).toBe(true);
    await stop();
    expect(living.running).toBe(false);
    // No timer or socket of the demo or the server is left: the process could exit.
    await eventually(async () => {
      const now = resources();
      const extra = Object.entries(now).filter(([k, n]) => n > (before[k] ?? 0));
      return extra.length === 0 ? true : undefined;
    }, 5_000, `nothing left running (before ${JSON.stringify(before)}, now ${JSON.stringify(resources())})`);
  });

  // Last: the real command on the store the demo above left behind (its credentials written as `serve
  // --demo` keeps them), so it starts without seeding and resumes the agents' and the generator's state.
  it("runs under `steward serve --demo`, resuming its state, says what to look at first, and exits cleanly on SIGINT", async () => {
    expect(closed).toBe(true);
    writeDemoCredentials(data, credentials);
    const generatorState = () => JSON.parse(readFileSync(join(data, "agents", "generator.json"), "utf8")) as { epoch: string; seq: number };
    const saved = generatorState();
    const { STEWARD_ADMIN_TOKEN: _, STEWARD_DISPATCH: __, ...env } = process.env;
    const child = spawn(process.execPath, [join(ROOT, "bin/steward.js"), "serve", "--demo", "--data", data, "--port", "0"], {
      cwd: ROOT, env: { ...env, DATABASE_URL: "", STEWARD_DEMO_EVENTS_PER_MINUTE: "600", STEWARD_OUTBOX_FILE: outbox },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
    try {
      await eventually(async () => (stdout.includes("living demo:") ? true : undefined), 30_000, `the living demo's line (stdout: ${stdout}; stderr: ${stderr})`);
      const lines = stdout.split("\n").filter((l) => l.includes("living demo:"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/agents nba-email, mi-triage, field-prep and an event generator \(600 HCP events\/min\) are running/);
      expect(lines[0]).toMatch(/\/v1\/reviews\?status=open/);
      expect(lines[0]).toMatch(/\/v1\/metrics/);
      // The generator goes on with the same stream: new events, new ids.
      await eventually(async () => (generatorState().seq > saved.seq ? true : undefined), 10_000, "the generator resuming");
      expect(generatorState().epoch).toBe(saved.epoch);
    } finally {
      child.kill("SIGINT");
    }
    const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 15_000))]);
    if (code === "hung") child.kill("SIGKILL");
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/did not start|round failed|MaxListeners|Error/);
  }, 60_000);
});
