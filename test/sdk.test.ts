// The TypeScript SDK against a real Steward server on a fresh store, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { StewardClient, StewardError, StewardNetworkError, newCursor, pollDecisions, type FeedCursor } from "../src/sdk/index.ts";
import { ENGINES } from "./engines.ts";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, PASSWORD, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const HOUR = 3_600_000;
const noWait = async () => {};

/** A proxy in front of the server that can lose answers: `drop` forwards the request, then cuts the connection. */
interface FlakyProxy {
  url: string;
  /** What to do with the next requests, in order; once empty, it forwards faithfully. */
  plan: ("drop" | "503" | "429")[];
  bodies: string[];
  close(): Promise<void>;
}

async function flakyProxy(target: string): Promise<FlakyProxy> {
  const proxy: FlakyProxy = { url: "", plan: [], bodies: [], close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    proxy.bodies.push(body);
    const step = proxy.plan.shift();
    if (step === "503" || step === "429") {
      res.writeHead(Number(step), { "content-type": "application/json", "retry-after": "0" });
      res.end(JSON.stringify({ error: { code: step === "429" ? "TOO_MANY_REQUESTS" : "UNAVAILABLE", message: "try again" } }));
      return;
    }
    const headers: Record<string, string> = {};
    for (const h of ["authorization", "content-type"]) if (req.headers[h]) headers[h] = String(req.headers[h]);
    const answer = await fetch(target + req.url, { method: req.method, headers, body: body || undefined });
    const text = await answer.text();
    if (step === "drop") {
      // The server decided; its answer is lost on the way back.
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
    res.end(text);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  proxy.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  proxy.close = () => new Promise<void>((r) => server.close(() => r()));
  return proxy;
}

describe.each(ENGINES)("the TypeScript SDK on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  let proxy: FlakyProxy;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  const client = (token: string, url = server.url) => new StewardClient({ url, token, sleep: noWait });
  const agentKey = () => m.agent.token!;

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
    proxy = await flakyProxy(server.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  it("proposes an action and reads the decision back, typed, with its reasons", async () => {
    clock.set(MONDAY_AFTERNOON);
    const nba = client(agentKey());
    const d = await nba.propose({ hcpId: "us-1", action: "email", purpose: "promotional", assetId: "ast-us", confidence: 0.9, expectedValue: 1 });
    expect(d.outcome).toBe("allowed");
    expect(d.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.reasons.map((r) => r.code)).toContain("AUTHORITY_AUTONOMOUS");
    const detail = await nba.getDecision(d.id);
    expect(detail.id).toBe(d.id);
    expect(detail.outcomes).toEqual([]);
    const listed = await nba.listDecisions({ hcpId: "us-1" });
    expect(listed.map((x) => x.id)).toContain(d.id);
    expect(await nba.me()).toMatchObject({ kind: "agent", id: m.agentId });
  });

  it("throws the contract's error as a typed StewardError: code, message, per-field details", async () => {
    const nba = client(agentKey());
    const bad = await nba.propose({ hcpId: "us-1", action: "email", purpose: "promotional", confidence: 2 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(StewardError);
    const e = bad as StewardError;
    expect([e.status, e.code]).toEqual([400, "INVALID_INPUT"]);
    expect(e.problems.map((p) => p.field)).toContain("confidence");
    expect(e.attempts).toBe(1);

    await nba.propose({ idempotencyKey: "sdk-reuse", hcpId: "us-2", action: "field_suggestion", purpose: "promotional", confidence: 0.9 });
    const reused = await nba.propose({ idempotencyKey: "sdk-reuse", hcpId: "us-1", action: "field_suggestion", purpose: "promotional", confidence: 0.9 }).catch((x: unknown) => x);
    expect(reused).toMatchObject({ status: 409, code: "IDEMPOTENCY_KEY_REUSED" });

    const denied = await nba.listReviews().catch((x: unknown) => x);
    expect(denied).toMatchObject({ status: 403 });
    const unknown = await client("stw_not_a_key").me().catch((x: unknown) => x);
    expect(unknown).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
  });

  it("retries a proposal whose answer was lost with the same idempotency key, and gets the one decision the gate made", async () => {
    clock.set(MONDAY_AFTERNOON);
    const nba = client(agentKey(), proxy.url);
    proxy.bodies = [];
    proxy.plan = ["drop", "503", "429"];
    const d = await nba.propose({ hcpId: "de-1", action: "email", purpose: "promotional", assetId: "ast-de", confidence: 0.9 });
    expect(proxy.bodies).toHaveLength(4);
    expect(new Set(proxy.bodies).size).toBe(1);
    expect(JSON.parse(proxy.bodies[0]!).idempotencyKey).toBe(d.idempotencyKey);
    const rows = await server.ctx.store.db.selectFrom("decisions").select("id").where("agent_id", "=", m.agentId).where("idempotency_key", "=", d.idempotencyKey).execute();
    expect(rows.map((r) => r.id)).toEqual([d.id]);
  });

  it("does not blindly repeat a request that could create something twice, and says how many attempts it made", async () => {
    const mops = client(m.tokens.mops, proxy.url);
    proxy.plan = ["drop"];
    const lost = await mops.createClaim({ text: "Cardiozan is taken once daily.", references: ["SmPC 4.2"], markets: ["US"] }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(StewardNetworkError);
    expect((lost as StewardNetworkError).attempts).toBe(1);
    // A read is always safe to repeat.
    proxy.plan = ["drop", "503"];
    expect((await mops.getClaim("clm-1")).id).toBe("clm-1");
    // And retries end: a server that keeps failing is reported, with the attempts made.
    const impatient = new StewardClient({ url: proxy.url, token: m.tokens.mops, sleep: noWait, retry: { retries: 2 } });
    proxy.plan = ["503", "503", "503", "503"];
    const gaveUp = await impatient.getClaim("clm-1").catch((e: unknown) => e);
    expect(gaveUp).toMatchObject({ status: 503, attempts: 3, retryable: true });
    proxy.plan = [];
  });

  it("reads an agent's decisions, outcome changes and outcome events since a cursor, each once, across a restart", async () => {
    clock.set(Date.parse(MONDAY_AFTERNOON) + 10 * 24 * HOUR);
    const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
    const nba = client(agentKey());
    const medical = client(m.tokens.medical);
    const mops = client(m.tokens.mops);
    let cursor: FeedCursor = newCursor(clock.now());

    const sent = await nba.propose({ hcpId: "us-2", action: "email", purpose: "promotional", assetId: "ast-us", confidence: 0.9 });
    clock.advance(60_000);
    await mops.ingestEvents([{ id: "sdk-mi-1", hcpId: "de-1", type: "mi.request_received", source: "mi", occurredAt: at(-HOUR), data: { topic: "dosing" } }]);
    const mi = await nba.propose({ hcpId: "de-1", action: "mi_response", purpose: "medical", evidence: ["sdk-mi-1"], content: { subject: "Dosierung", text: "Eine 10-mg-Tablette einmal täglich (Fachinformation 4.2)." } });
    expect([sent.outcome, mi.outcome]).toEqual(["allowed", "pending_review"]);

    let page = await pollDecisions(nba, cursor);
    expect(page.decisions.map((d) => d.id)).toEqual([sent.id, mi.id]);
    expect(page.complete).toBe(true);
    cursor = JSON.parse(JSON.stringify(page.cursor)); // what an agent persists

    clock.advance(2 * HOUR);
    await mops.ingestEvents([
      { id: "sdk-o-1", hcpId: "us-2", type: "delivered", source: "esp", occurredAt: at(-90 * 60_000), decisionId: sent.id },
      { id: "sdk-o-2", hcpId: "us-2", type: "opened", source: "esp", occurredAt: at(-60 * 60_000), decisionId: sent.id },
    ]);
    await medical.approveReview(mi.reviewId!, { password: PASSWORD, meaning: "approved" });

    page = await pollDecisions(nba, cursor);
    expect(page.decisions).toEqual([]);
    expect(page.changed.map((c) => [c.decision.id, c.from, c.decision.outcome])).toEqual([[mi.id, "pending_review", "allowed"]]);
    expect(page.outcomes.map((o) => [o.decision.id, o.outcome.type])).toEqual([[sent.id, "delivered"], [sent.id, "opened"]]);

    const again = await pollDecisions(nba, JSON.parse(JSON.stringify(page.cursor)));
    expect([again.decisions, again.changed, again.outcomes]).toEqual([[], [], []]);
  });

  it("covers the rest of the API a person uses: portfolio, HCPs, consent, events, governance, audit, metrics", async () => {
    clock.set(Date.parse(MONDAY_AFTERNOON) + 20 * 24 * HOUR);
    const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
    const admin = client(ADMIN_TOKEN);
    const owner = admin.as(m.tokens.owner);
    const mops = admin.as(m.tokens.mops);
    const { agent, apiKey } = await owner.registerAgent({ id: "sdk-agent", name: "SDK test", owner: "owner", objective: "test", metric: "none", actions: ["email"], markets: ["US"], priority: 10 });
    expect(agent.status).toBe("active");
    expect((await owner.pauseAgent("sdk-agent", "testing the switch")).agent.status).toBe("paused");
    const paused = await client(apiKey).propose({ hcpId: "us-1", action: "email", purpose: "promotional", assetId: "ast-us", confidence: 0.9 });
    expect(paused.reasons.map((r) => r.code)).toContain("AGENT_PAUSED");
    expect((await owner.listAgents()).map((a) => a.id)).toContain("sdk-agent");

    expect((await mops.putHcp("us-9", { name: "Dr. Eve Stone", specialty: "cardiology", market: "US" })).id).toBe("us-9");
    const consent = await mops.recordConsent("us-9", "email", { purpose: "promotional", status: "revoked", source: "phone", capturedAt: clock.now().toISOString() });
    expect(consent.status).toBe("revoked");
    const ingested = await mops.ingestEvents([{ id: "sdk-e-1", hcpId: "us-9", type: "symposium.attended", source: "events", occurredAt: clock.now().toISOString() }]);
    expect(ingested).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });
    expect((await mops.ingestEvents([{ id: "sdk-e-1", hcpId: "us-9", type: "symposium.attended", source: "events", occurredAt: clock.now().toISOString() }])).duplicates).toBe(1);
    expect((await mops.getHcp("us-9")).consents.map((c) => c.status)).toEqual(["revoked"]);
    expect((await mops.getHcpState("us-9")).attendedEvents).toHaveLength(1);

    expect((await admin.governance()).version).toMatch(/\S/);
    expect((await admin.listClaims()).map((c) => c.id)).toContain("clm-1");
    expect((await admin.getAsset("ast-us")).status).toBe("approved");
    expect((await admin.renderAsset("ast-us")).text).toContain("Cardiozan");
    const auditor = admin.as(m.tokens.auditor);
    expect((await auditor.verifyAudit()).ok).toBe(true);
    expect((await auditor.audit(0, 5)).records).toHaveLength(5);
    expect((await mops.metrics({ from: MONDAY_AFTERNOON, to: at(HOUR) })).decisions).toBeGreaterThan(0);
    expect(await admin.healthy()).toBe(true);
  });
});
