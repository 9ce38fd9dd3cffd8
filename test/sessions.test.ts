// Sessions and keys against a real server on SQLite and on PostgreSQL: a signed-in session ends, an
// admin takes a person's tokens away and gives an agent a new key, a halted agent's key reads only its
// own status, and password guessing — at sign-in and at e-signature, per username and per address,
// across two servers on one database — waits, briefly, and never shuts the right password out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { startSteward } from "../src/server/start.ts";
import { settingsFromEnv } from "../src/server/limits.ts";
import { StartupError } from "../src/server/context.ts";
import { FORGET_AFTER_MS, PER_ADDRESS, PER_USERNAME } from "../src/auth/throttle.ts";
import { ENGINES } from "./engines.ts";
import { Api, ADMIN_TOKEN, startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, PASSWORD, email, ok, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const HOUR = 3_600_000;

/** POST /v1/sessions with the answer's Retry-After header. */
async function signIn(base: string, username: string, password: string) {
  const res = await fetch(`${base}/v1/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
  return { status: res.status, body: (await res.json()) as any, retryAfter: res.headers.get("retry-after") };
}

describe("the session settings from the environment", () => {
  it("reads durations and refuses what is not one", () => {
    expect(settingsFromEnv({ STEWARD_SESSION_TTL: "30m", STEWARD_REQUEST_TIMEOUT: "10s" })).toMatchObject({ sessionTtlMs: 30 * 60_000, limits: { requestTimeoutMs: 10_000 } });
    expect(settingsFromEnv({}).sessionTtlMs).toBeUndefined();
    expect(() => settingsFromEnv({ STEWARD_SESSION_TTL: "12 hours" })).toThrow(StartupError);
    expect(() => settingsFromEnv({ STEWARD_REQUEST_TIMEOUT: "0s" })).toThrow(/longer than 0s/);
  });
});

describe.each(ENGINES)("sessions and keys on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  let anonymous: Api;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  /** A clean slate for the throttle: every earlier count is older than the forget window. */
  const forgetFailures = () => clock.advance(FORGET_AFTER_MS + 60_000);
  const auditOf = async (type: string) => (await ok(m.users.auditor.get("/v1/audit?limit=1000"))).records.filter((r: any) => r.type === type);

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
    anonymous = new Api(server.url);
  });
  afterAll(async () => server?.stop());

  it("issues a session that ends after STEWARD_SESSION_TTL (12 h by default), with a clear 401", async () => {
    const session = await ok(anonymous.post("/v1/sessions", { username: "brand", password: PASSWORD }), 201);
    expect(session.expiresAt).toBe(new Date(clock.now().getTime() + 12 * HOUR).toISOString());
    const api = anonymous.as(session.token);
    clock.advance(12 * HOUR - 1_000);
    expect((await api.get("/v1/me")).status).toBe(200);
    clock.advance(1_000);
    const expired = await api.get("/v1/me");
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("SESSION_EXPIRED");
    expect(expired.body.error.message).toContain(session.expiresAt);
    // The operator's STEWARD_ADMIN_TOKEN does not expire.
    clock.advance(365 * 24 * HOUR);
    expect((await m.admin.get("/v1/me")).status).toBe(200);
  });

  it("lets an admin revoke every token a person holds, audited; nobody else may", async () => {
    forgetFailures();
    const session = await ok(anonymous.post("/v1/sessions", { username: "mops", password: PASSWORD }), 201);
    expect((await m.users.owner.post("/v1/users/mops/revoke-tokens")).status).toBe(403);
    const res = await ok(m.admin.post("/v1/users/mops/revoke-tokens"));
    expect(res).toMatchObject({ username: "mops", revoked: 2 }); // the provisioned token and the session
    for (const token of [m.tokens.mops, session.token]) {
      const refused = await anonymous.as(token).get("/v1/me");
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe("UNAUTHORIZED");
    }
    expect((await auditOf("user.tokens_revoked")).some((r: any) => r.subject === "user:mops" && r.data.revoked === 2)).toBe(true);
    expect((await m.admin.post("/v1/users/nobody/revoke-tokens")).status).toBe(404);
    // A new sign-in works again: revocation takes tokens, not the account.
    const again = await ok(anonymous.post("/v1/sessions", { username: "mops", password: PASSWORD }), 201);
    m.users.mops = anonymous.as(again.token);
    expect((await ok(m.users.mops.get("/v1/me"))).username).toBe("mops");
  });

  it("rotates an agent's key: the new key is shown once and works, the old one is refused at once", async () => {
    expect((await m.users.owner.post(`/v1/agents/${m.rivalId}/rotate-key`)).status).toBe(403);
    const rotated = await ok(m.admin.post(`/v1/agents/${m.rivalId}/rotate-key`));
    expect(rotated.agentId).toBe(m.rivalId);
    expect(rotated.apiKey).toMatch(/^stw_a_/);
    expect((await m.rival.get("/v1/me")).status).toBe(401);
    m.rival = anonymous.as(rotated.apiKey);
    expect(await ok(m.rival.get("/v1/me"))).toMatchObject({ kind: "agent", id: m.rivalId, status: "active" });
    expect((await auditOf("agent.key_rotated")).some((r: any) => r.subject === `agent:${m.rivalId}` && r.data.revokedKeys === 1)).toBe(true);
    expect(JSON.stringify(await auditOf("agent.key_rotated"))).not.toContain(rotated.apiKey);
    expect((await m.admin.post("/v1/agents/no-such-agent/rotate-key")).status).toBe(404);
  });

  it("refuses a halted agent's key everywhere but its own status, until it is resumed", async () => {
    expect((await m.agent.get("/v1/decisions")).status).toBe(200);
    await ok(m.users.owner.post(`/v1/agents/${m.agentId}/halt`, { reason: "reads too much" }));
    for (const [method, path, body] of [
      ["GET", "/v1/decisions", undefined],
      ["GET", "/v1/hcps/us-1", undefined],
      ["GET", `/v1/agents/${m.agentId}/notices`, undefined],
      ["GET", `/v1/agents/${m.rivalId}`, undefined],
    ] as const) {
      const res = await m.agent.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe("AGENT_HALTED");
    }
    // Its proposals are still decided, so the attempt is on the record: rejected with AGENT_HALTED.
    const attempt = await ok(m.agent.post("/v1/proposals", email("us-1")));
    expect(attempt.outcome).toBe("rejected");
    expect(attempt.reasons.map((r: any) => r.code)).toContain("AGENT_HALTED");
    expect(await ok(m.agent.get("/v1/me"))).toMatchObject({ kind: "agent", id: m.agentId, status: "halted" });
    expect((await ok(m.agent.get(`/v1/agents/${m.agentId}`))).agent).toMatchObject({ status: "halted", statusReason: "reads too much" });
    await ok(m.users.owner.post(`/v1/agents/${m.agentId}/resume`, { reason: "fixed" }));
    expect((await m.agent.get("/v1/decisions")).status).toBe(200);
  });

  it("makes a guessed username wait after five wrong passwords, then lets the right one in", async () => {
    forgetFailures();
    for (let i = 0; i < PER_USERNAME.waitFrom; i++) expect((await signIn(server.url, "owner", `guess-${i}`)).status).toBe(401);
    const blocked = await signIn(server.url, "owner", PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("TOO_MANY_ATTEMPTS");
    expect(Number(blocked.retryAfter)).toBe(PER_USERNAME.baseMs / 1000);
    // Another username is not affected.
    expect((await signIn(server.url, "brand", PASSWORD)).status).toBe(201);
    clock.advance(Number(blocked.retryAfter) * 1000);
    expect((await signIn(server.url, "owner", PASSWORD)).status).toBe(201);
    // The success cleared the count: one more wrong password costs nothing.
    expect((await signIn(server.url, "owner", "guess-again")).status).toBe(401);
    expect((await signIn(server.url, "owner", PASSWORD)).status).toBe(201);
  });

  it("cannot be raced: of twenty concurrent guesses at one username, only the first five are checked", async () => {
    forgetFailures();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(server.url, "owner", `burst-${i}`)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(PER_USERNAME.waitFrom);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - PER_USERNAME.waitFrom);
    clock.advance(PER_USERNAME.baseMs);
    expect((await signIn(server.url, "owner", PASSWORD)).status).toBe(201);
  });

  it("never makes the right password wait longer than the cap, however long a stranger keeps guessing", async () => {
    forgetFailures();
    let longest = 0;
    for (let i = 0; i < 15; i++) {
      const res = await signIn(server.url, "auditor", `stranger-${i}`);
      if (res.status === 429) {
        longest = Math.max(longest, Number(res.retryAfter));
        clock.advance(Number(res.retryAfter) * 1000);
        i--; // the refused attempt was not a guess
        continue;
      }
      expect(res.status).toBe(401);
      // Keep the address count below its own threshold: this test is about the username.
      if (i % 10 === 9) clock.advance(FORGET_AFTER_MS + 1);
    }
    expect(longest).toBe(PER_USERNAME.capMs / 1000);
    clock.advance(PER_USERNAME.capMs);
    expect((await signIn(server.url, "auditor", PASSWORD)).status).toBe(201);
  });

  it("throttles e-signature passwords like sign-in, on the same count", async () => {
    forgetFailures();
    await ok(m.users.mops.post("/v1/claims", { id: "clm-sig", text: "Cardiozan is taken once daily.", product: "cardiozan", riskClass: "low", references: ["Label, section 2"], markets: ["US"] }), 201);
    const approve = (password: string) => m.users.medical.post("/v1/claims/clm-sig/approve", { signature: { password, meaning: "approved" } });
    for (let i = 0; i < PER_USERNAME.waitFrom; i++) expect((await approve(`guess-${i}`)).body.error.code).toBe("SIGNATURE_INVALID");
    const blocked = await approve(PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("TOO_MANY_ATTEMPTS");
    expect((await ok(m.users.auditor.get("/v1/claims/clm-sig"))).claim.status).not.toBe("approved");
    // Guessing by signature also holds back sign-in for that person.
    expect((await signIn(server.url, "medical", PASSWORD)).status).toBe(429);
    clock.advance(PER_USERNAME.baseMs);
    expect((await ok(approve(PASSWORD))).claim.status).toBe("approved");
  });

  it("throttles spraying many usernames from one address", async () => {
    forgetFailures();
    for (let i = 0; i < PER_ADDRESS.waitFrom; i++) expect((await signIn(server.url, `sprayed-${i}`, "Spring2026!")).status).toBe(401);
    const next = await signIn(server.url, "sprayed-new", "Spring2026!");
    expect(next.status).toBe(429);
    expect(next.body.error.code).toBe("TOO_MANY_ATTEMPTS");
    clock.advance(Number(next.retryAfter) * 1000);
    expect((await signIn(server.url, "brand", PASSWORD)).status).toBe(201);
  });

  if (engine === "postgres") {
    it("counts failures across two servers on one database", async () => {
      forgetFailures();
      // A second process on the same store shares its audit anchor (server mode: one anchor for every process).
      const dataDir = mkdtempSync(join(tmpdir(), "steward-second-"));
      const env = { ...process.env, STEWARD_AUDIT_ANCHOR_PATH: join(server.location.dataDir, "audit-head.json") };
      const second = await startSteward({ databaseUrl: server.location.databaseUrl, dataDir, clock, port: 0, env });
      try {
        expect((await new Api(second.url, ADMIN_TOKEN).get("/v1/me")).status).toBe(200);
        for (let i = 0; i < PER_USERNAME.waitFrom; i++) {
          const base = i % 2 === 0 ? server.url : second.url;
          expect((await signIn(base, "owner", `guess-${i}`)).status).toBe(401);
        }
        expect((await signIn(server.url, "owner", PASSWORD)).status).toBe(429);
        expect((await signIn(second.url, "owner", PASSWORD)).status).toBe(429);
        clock.advance(PER_USERNAME.baseMs);
        expect((await signIn(second.url, "owner", PASSWORD)).status).toBe(201);
      } finally {
        await second.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
