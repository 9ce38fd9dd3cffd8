// Exactly-once effect under crashes and concurrency, on SQLite and on PostgreSQL:
// a dispatcher process killed with SIGKILL mid-batch and started again loses nothing and delivers
// nothing twice (the receiver applies each Idempotency-Key once, and counts), the file sink keeps one
// line per item across a kill, and two dispatchers on one database never send the same item twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, ok, seedMarket, type Market } from "./market.ts";
import { startWebhookReceiver } from "../src/dispatch/webhook-receiver.ts";
import { Dispatcher } from "../src/dispatch/dispatcher.ts";
import { defaultDispatchConfig } from "../src/dispatch/config.ts";
import type { ChannelAdapter } from "../src/dispatch/adapters/adapter.ts";
import { openContext } from "../src/server/context.ts";

const ROOT = resolve(import.meta.dirname, "..");
const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const SECRET = "whsec_crash_test_0123456789";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(ENGINES)("dispatch under crashes and concurrency on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await server?.stop();
  });

  const db = () => server.ctx.store.db;
  let hcpCount = 0;
  /** `n` allowed field suggestions, each to an HCP of its own (one field touch per HCP per 14 days). */
  async function fieldItems(n: number): Promise<string[]> {
    const decisions: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = `us-c${++hcpCount}`;
      await ok(m.users.mops.put(`/v1/hcps/${id}`, { name: `Dr. ${id}`, specialty: "cardiology", market: "US" }), 201);
      decisions.push(`${id}`);
    }
    const body = { proposals: decisions.map((hcpId) => ({ idempotencyKey: `crash-${hcpId}`, hcpId, action: "field_suggestion", purpose: "promotional", agentId: m.agentId })) };
    const res = await ok(m.users.owner.post("/v1/proposals/batch", body));
    expect(res.decisions.every((d: any) => d.outcome === "allowed"), JSON.stringify(res.decisions.find((d: any) => d.outcome !== "allowed"))).toBe(true);
    const rows = await db().selectFrom("outbox").select("id").where("decision_id", "in", res.decisions.map((d: any) => d.id)).execute();
    return rows.map((r) => r.id);
  }

  /** The stand-alone dispatcher process (src/dispatch/main.ts) on this test's store. */
  function startDispatcherProcess(env: Record<string, string>): ChildProcess {
    const childEnv: Record<string, string | undefined> = { ...process.env, STEWARD_DISPATCH_LEASE_MS: "2000", STEWARD_DISPATCH_TIMEOUT_MS: "1000", STEWARD_DISPATCH_POLL_MS: "50", ...env };
    if (server.location.databaseUrl) childEnv.DATABASE_URL = server.location.databaseUrl;
    else delete childEnv.DATABASE_URL;
    const child = spawn(process.execPath, ["--import", "tsx", "src/dispatch/main.ts", "--data", server.location.dataDir], { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    child.once("exit", (code, signal) => {
      if (code !== 0 && signal !== "SIGKILL" && signal !== "SIGTERM") process.stderr.write(`dispatcher child exited ${code ?? signal}: ${err}\n`);
    });
    children.push(child);
    return child;
  }
  const exited = (child: ChildProcess) => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));
  async function statuses(ids: string[]): Promise<Record<string, number>> {
    const rows = await db().selectFrom("outbox").select("status").where("id", "in", ids).execute();
    const out: Record<string, number> = {};
    for (const r of rows) out[r.status] = (out[r.status] ?? 0) + 1;
    return out;
  }
  async function waitAllSent(ids: string[], timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await statuses(ids)).sent === ids.length) return;
      await sleep(50);
    }
    throw new Error(`not all sent in time: ${JSON.stringify(await statuses(ids))}`);
  }
  /** The child runs on the real clock: make the items due for it whatever the test's clock says. */
  const dueNow = (ids: string[]) => db().updateTable("outbox").set({ available_at: "2000-01-01T00:00:00.000Z" }).where("id", "in", ids).execute();

  it("loses nothing and delivers nothing twice when the dispatcher is killed mid-batch and started again", async () => {
    const ids = await fieldItems(24);
    await dueNow(ids);
    let held!: () => void;
    const heldCall = new Promise<void>((r) => (held = r));
    // A slow receiver that, at the tenth request, applies the effect and then never answers: the
    // dispatcher dies with that item sent but not marked, and with others in flight.
    const receiver = await startWebhookReceiver(SECRET, {
      delay: async (_call, index) => {
        if (index === 9) {
          held();
          await new Promise(() => {});
        }
        await sleep(20);
      },
    });
    try {
      const env = { STEWARD_WEBHOOK_URL: receiver.url, STEWARD_WEBHOOK_SECRET: SECRET, STEWARD_OUTBOX_FILE: join(server.location.dataDir, "crash-1.jsonl") };
      const first = startDispatcherProcess(env);
      await heldCall;
      first.kill("SIGKILL");
      await exited(first);
      const atDeath = await statuses(ids);
      expect(atDeath.sending ?? 0, JSON.stringify(atDeath)).toBeGreaterThan(0);
      expect(atDeath.sent ?? 0).toBeLessThan(ids.length);
      const heldKey = receiver.calls[9]!.key;

      const second = startDispatcherProcess(env);
      await waitAllSent(ids);
      second.kill("SIGTERM");
      await exited(second);

      // No loss: every item's effect was applied. No duplicate: once each, though some were sent twice.
      expect([...receiver.applied.keys()].sort()).toEqual([...ids].sort());
      const perKey = new Map<string, number>();
      for (const c of receiver.calls) perKey.set(c.key, (perKey.get(c.key) ?? 0) + 1);
      expect(perKey.get(heldKey)).toBeGreaterThanOrEqual(2);
      expect(receiver.calls.length).toBeGreaterThan(ids.length);
      expect(receiver.calls.every((c) => c.signatureValid)).toBe(true);
      // The killed process recorded nothing for what it sent unmarked; the restart recorded one `sent` per item.
      const attempts = await db().selectFrom("dispatch_attempts").select(["outbox_id", "status", "attempt"]).where("outbox_id", "in", ids).execute();
      expect(attempts.filter((a) => a.status === "sent").map((a) => a.outbox_id).sort()).toEqual([...ids].sort());
      const heldAttempts = attempts.filter((a) => a.outbox_id === heldKey);
      expect(heldAttempts).toHaveLength(1);
      expect(heldAttempts[0]!.attempt).toBeGreaterThanOrEqual(2);
      const sentAudits = await db().selectFrom("audit_records").select("subject").where("type", "=", "outbox.sent").where("subject", "in", ids.map((id) => `outbox:${id}`)).execute();
      expect(sentAudits).toHaveLength(ids.length);
    } finally {
      await receiver.close();
    }
  });

  it("keeps one line per item in the JSONL file when the dispatcher is killed while writing and started again", async () => {
    const ids = await fieldItems(60);
    await dueNow(ids);
    const file = join(server.location.dataDir, "crash-2.jsonl");
    const env = { STEWARD_OUTBOX_FILE: file, STEWARD_WEBHOOK_URL: "", STEWARD_WEBHOOK_SECRET: "" };
    const first = startDispatcherProcess(env);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(existsSync(file) && readFileSync(file, "utf8").split("\n").length > 15)) await sleep(5);
    first.kill("SIGKILL");
    await exited(first);
    expect((await statuses(ids)).sent ?? 0).toBeLessThan(ids.length);

    const second = startDispatcherProcess(env);
    await waitAllSent(ids);
    second.kill("SIGTERM");
    await exited(second);
    const lines = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { id: string });
    expect(lines.map((l) => l.id).sort()).toEqual([...ids].sort());
  });

  it("never sends the same item twice from two dispatchers draining one database at once", async () => {
    const ids = await fieldItems(60);
    // PostgreSQL: a second store (its own connection pool), as a second process would have.
    // SQLite: embedded mode has one process; two dispatchers share its single writer.
    const other = engine === "postgres" ? await openContext({ databaseUrl: server.location.databaseUrl, dataDir: server.location.dataDir, clock }) : server.ctx;
    try {
      const deliveries = new Map<string, string[]>();
      const counting = (worker: string): ChannelAdapter => ({
        name: "webhook",
        deliver: async (item) => {
          deliveries.set(item.document.id, [...(deliveries.get(item.document.id) ?? []), worker]);
          await sleep(Math.random() * 4);
          return { duplicate: false, detail: null };
        },
        close: async () => {},
      });
      const config = { ...defaultDispatchConfig(server.location.dataDir), batchSize: 4, concurrency: 2 };
      const a = new Dispatcher(server.ctx, config, { worker: "A", adapters: { webhook: counting("A"), file: counting("A") } });
      const b = new Dispatcher(other, config, { worker: "B", adapters: { webhook: counting("B"), file: counting("B") } });
      const [ra, rb] = await Promise.all([a.drainAll(), b.drainAll()]);

      expect(ids.every((id) => deliveries.get(id)?.length === 1), JSON.stringify([...deliveries].filter(([, w]) => w.length > 1))).toBe(true);
      expect(ra.sent + rb.sent).toBeGreaterThanOrEqual(ids.length);
      expect(ra.claimed).toBeGreaterThan(0);
      expect(rb.claimed).toBeGreaterThan(0);
      expect(await statuses(ids)).toEqual({ sent: ids.length });
      const attempts = await db().selectFrom("dispatch_attempts").select(["outbox_id", "worker"]).where("outbox_id", "in", ids).execute();
      expect(attempts).toHaveLength(ids.length);
      expect(new Set(attempts.map((x) => x.worker))).toEqual(new Set(["A", "B"]));
    } finally {
      if (other !== server.ctx) {
        await other.anchor.close();
        await other.store.close();
      }
    }
  });

  it("leaves an audit chain that verifies, written by killed, restarted and concurrent dispatchers", async () => {
    const v = await ok(m.users.auditor.get("/v1/audit/verify"));
    expect(v.ok, JSON.stringify(v)).toBe(true);
  });
});
