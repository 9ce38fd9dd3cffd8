// Dispatch end to end, on SQLite and on PostgreSQL: the outbox drained through real receivers — an SMTP
// server (smtp-server), a webhook endpoint that verifies the signature (node:http) and the JSONL file —
// with retries, dead letters, the re-check at dispatch, scheduled moments and the audit trail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startSmtpReceiver } from "./smtp.ts";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { ADMIN_TOKEN, Api, startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, PASSWORD, email, ok, seedMarket, type Market } from "./market.ts";
import { Dispatcher, type DispatcherOptions } from "../src/dispatch/dispatcher.ts";
import { defaultDispatchConfig, type DispatchConfig } from "../src/dispatch/config.ts";
import { claimDue } from "../src/dispatch/store.ts";
import { dispatchTimes } from "../src/dispatch/read-model.ts";
import { FileSink } from "../src/dispatch/adapters/file.ts";
import { DeliveryFailure, type ChannelAdapter } from "../src/dispatch/adapters/adapter.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../src/dispatch/webhook-receiver.ts";
import { signBody, verifySignature } from "../src/dispatch/signature.ts";
import { startSteward } from "../src/server/start.ts";
import { freshStore } from "./engines.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const DAY = 24 * 3600 * 1000;
const SECRET = "whsec_test_0123456789abcdef";

describe.each(ENGINES)("dispatch on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let hook: WebhookReceiver;
  /** Each test runs in a week of its own, so contact caps and gaps never carry over between tests. */
  let week = 0;
  const nextWeek = () => clock.set(Date.parse(MONDAY_AFTERNOON) + ++week * 7 * DAY);

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
    smtp = await startSmtpReceiver();
    hook = await startWebhookReceiver(SECRET);
  });
  afterAll(async () => {
    for (const d of dispatchers) await d.stop();
    await smtp?.close();
    await hook?.close();
    await server?.stop();
  });

  const db = () => server.ctx.store.db;
  const dispatchers: Dispatcher[] = [];
  /** A dispatcher on this server's store, stopped (its SMTP pool closed) when the tests end. */
  const newDispatcher = (cfg: DispatchConfig, options?: DispatcherOptions) => {
    const d = new Dispatcher(server.ctx, cfg, options);
    dispatchers.push(d);
    return d;
  };
  let hcpCount = 0;
  /** A new HCP (fresh contact history), with an email address unless told otherwise. */
  async function newHcp(market: "US" | "DE", attributes: Record<string, unknown> | null = null): Promise<string> {
    const id = `${market.toLowerCase()}-d${++hcpCount}`;
    const attrs = attributes ?? { email: `${id}@clinic.example` };
    await ok(m.users.mops.put(`/v1/hcps/${id}`, { name: `Dr. ${id.toUpperCase()}`, specialty: "cardiology", market, attributes: attrs }), 201);
    if (market === "DE") {
      await ok(m.users.mops.put(`/v1/hcps/${id}/consents/email`, { purpose: "promotional", status: "granted", source: "web-form", capturedAt: "2026-01-10T09:00:00Z" }), 201);
    }
    return id;
  }
  const config = (over: Partial<DispatchConfig> = {}): DispatchConfig => ({
    ...defaultDispatchConfig(server.location.dataDir),
    smtp: { url: smtp.url, from: "Cardiozan Medical <medical@pharma.example>" },
    webhook: { url: hook.url, secret: SECRET },
    ...over,
  });
  const outboxOf = (decisionId: string) => db().selectFrom("outbox").selectAll().where("decision_id", "=", decisionId).executeTakeFirstOrThrow();
  const attemptsOf = (outboxId: string) => db().selectFrom("dispatch_attempts").selectAll().where("outbox_id", "=", outboxId).orderBy("attempt").execute();
  const auditOf = (outboxId: string) =>
    db().selectFrom("audit_records").select(["type", "data", "actor"]).where("subject", "=", `outbox:${outboxId}`).orderBy("seq").execute();
  const allowed = async (body: Record<string, unknown>, api = m.agent) => {
    const d = await ok(api.post("/v1/proposals", body));
    expect(d.outcome, JSON.stringify(d.reasons)).toBe("allowed");
    return d;
  };
  const fieldSuggestion = (hcpId: string) => ({ idempotencyKey: `fs-${hcpId}-${Math.random()}`, hcpId, action: "field_suggestion", purpose: "promotional", rationale: "attended the lipid symposium" });

  it("emails an allowed action to a real SMTP server: recipient, subject, claim text, safety information, unsubscribe link and a Message-ID from the outbox id", async () => {
    nextWeek();
    const hcpId = await newHcp("US");
    const d = await allowed(email(hcpId));
    const sentAt = clock.now().toISOString();
    const report = await newDispatcher(config()).drainAll();
    expect(report.sent).toBeGreaterThanOrEqual(1);

    const item = await outboxOf(d.id);
    expect(item).toMatchObject({ status: "sent", sent_at: sentAt, attempts: 1, lease_owner: null });
    const got = smtp.received.filter((r) => r.mail.messageId === `<${item.id}@steward.dispatch>`);
    expect(got).toHaveLength(1);
    const { mail, rcptTo } = got[0]!;
    expect(rcptTo).toEqual([`${hcpId}@clinic.example`]);
    expect(mail.subject).toBe("New data on LDL-C");
    expect(mail.text).toContain("Cardiozan lowers LDL-C by 50% at 12 weeks.");
    expect(mail.text).toContain("See full prescribing information.");
    expect(mail.text).toContain(`https://steward.invalid/unsubscribe?decision=${d.id}`);
    expect(mail.text).not.toContain("{{unsubscribe}}");
    // Folded on the wire (a long header); unfolded it is the link in angle brackets.
    const listUnsubscribe = mail.headerLines.find((h) => h.key === "list-unsubscribe")?.line.replace(/\r\n\s+/g, " ");
    expect(listUnsubscribe).toBe(`List-Unsubscribe: <https://steward.invalid/unsubscribe?decision=${d.id}>`);
    expect(mail.headers.get("x-steward-decision-id")).toBe(d.id);

    expect(await attemptsOf(item.id)).toMatchObject([{ attempt: 1, adapter: "smtp", status: "sent", error: null }]);
    const audit = await auditOf(item.id);
    expect(audit.map((a) => a.type)).toEqual(["outbox.sent"]);
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ decisionId: d.id, adapter: "smtp", attempt: 1, sentAt });
    const times = await dispatchTimes(db(), sentAt);
    expect(times.get(d.id)).toBe(sentAt);
    expect((await dispatchTimes(db(), new Date(clock.now().getTime() + 1))).has(d.id)).toBe(false);
  });

  it("records an HCP without an email address as a failed delivery and dead-letters it, without a crash", async () => {
    nextWeek();
    const hcpId = await newHcp("US", { segment: "no-address" });
    const d = await allowed(email(hcpId));
    const report = await newDispatcher(config()).drainAll();
    expect(report.dead).toBeGreaterThanOrEqual(1);
    const item = await outboxOf(d.id);
    expect(item.status).toBe("dead");
    expect(item.closed_reason).toContain("has no email address");
    const attempts = await attemptsOf(item.id);
    expect(attempts).toMatchObject([{ attempt: 1, adapter: "smtp", status: "dead" }]);
    expect(attempts[0]!.error).toContain(hcpId);
    expect((await auditOf(item.id)).map((a) => a.type)).toEqual(["outbox.dead_lettered"]);
    // Never sent, so it no longer holds the HCP's contact capacity.
    const touch = await db().selectFrom("touches").select("cancelled").where("decision_id", "=", d.id).executeTakeFirstOrThrow();
    expect(touch.cancelled).toBe(1);
  });

  it("posts a field suggestion to the webhook, signed with HMAC-SHA256 over the raw body, with the outbox id as Idempotency-Key", async () => {
    nextWeek();
    const hcpId = await newHcp("US");
    const d = await allowed(fieldSuggestion(hcpId));
    await newDispatcher(config()).drainAll();
    const item = await outboxOf(d.id);
    expect(item.status).toBe("sent");
    const calls = hook.calls.filter((c) => c.key === item.id);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.signatureValid).toBe(true);
    expect(call.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature("another-secret-entirely", call.body, call.signature)).toBe(false);
    expect(verifySignature(SECRET, call.body.replace("symposium", "sympozium"), call.signature)).toBe(false);
    expect(JSON.parse(call.body)).toMatchObject({ id: item.id, decisionId: d.id, agentId: "nba", hcpId, channel: "field", action: "field_suggestion", rationale: "attended the lipid symposium" });
    expect(hook.applied.has(item.id)).toBe(true);
    expect(await attemptsOf(item.id)).toMatchObject([{ attempt: 1, adapter: "webhook", status: "sent" }]);
  });

  it("retries a failing webhook with exponential backoff and dead-letters the item after N attempts", async () => {
    nextWeek();
    const down = await startWebhookReceiver(SECRET, { refuse: () => 503 });
    try {
      const hcpId = await newHcp("US");
      const d = await allowed(fieldSuggestion(hcpId));
      const dispatcher = newDispatcher(config({ webhook: { url: down.url, secret: SECRET }, retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 } }));
      const item = await outboxOf(d.id);
      const t0 = clock.now().getTime();

      expect((await dispatcher.drainOnce()).failed).toBe(1);
      expect(await outboxOf(d.id)).toMatchObject({ status: "pending", attempts: 1, available_at: new Date(t0 + 1000).toISOString() });
      expect((await dispatcher.drainOnce()).claimed).toBe(0);
      clock.advance(999);
      expect((await dispatcher.drainOnce()).claimed).toBe(0);
      clock.advance(1);
      expect((await dispatcher.drainOnce()).failed).toBe(1);
      // The second wait is twice the first.
      expect(await outboxOf(d.id)).toMatchObject({ status: "pending", attempts: 2, available_at: new Date(t0 + 1000 + 2000).toISOString() });
      clock.advance(2000);
      expect((await dispatcher.drainOnce()).dead).toBe(1);

      const final = await outboxOf(d.id);
      expect(final.status).toBe("dead");
      expect(final.closed_reason).toContain("dead-lettered after 3 attempt(s)");
      expect(final.closed_reason).toContain("HTTP 503");
      expect((await attemptsOf(item.id)).map((a) => a.status)).toEqual(["failed", "failed", "dead"]);
      const calls = down.calls.filter((c) => c.key === item.id);
      expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
      expect(new Set(calls.map((c) => c.body)).size).toBe(1);
      expect(calls.every((c) => c.signatureValid)).toBe(true);
      expect(down.applied.size).toBe(0);
      const audit = await auditOf(item.id);
      expect(audit.map((a) => a.type)).toEqual(["outbox.attempt_failed", "outbox.attempt_failed", "outbox.dead_lettered"]);
      expect(JSON.parse(audit[0]!.data)).toMatchObject({ retryAt: new Date(t0 + 1000).toISOString(), delayMs: 1000, permanent: false });
      expect((await dispatcher.drainOnce()).claimed).toBe(0);
    } finally {
      await down.close();
    }
  });

  it("delivers on a later attempt once the receiver recovers, and the receiver applies it once", async () => {
    nextWeek();
    const flaky = await startWebhookReceiver(SECRET, { refuse: (_call, index) => (index === 0 ? 500 : undefined) });
    try {
      const hcpId = await newHcp("US");
      const d = await allowed(fieldSuggestion(hcpId));
      const dispatcher = newDispatcher(config({ webhook: { url: flaky.url, secret: SECRET }, retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 60_000 } }));
      expect((await dispatcher.drainOnce()).failed).toBe(1);
      clock.advance(500);
      expect((await dispatcher.drainOnce()).sent).toBe(1);
      const item = await outboxOf(d.id);
      expect(item).toMatchObject({ status: "sent", attempts: 2 });
      expect(flaky.applied.size).toBe(1);
      expect((await attemptsOf(item.id)).map((a) => a.status)).toEqual(["failed", "sent"]);
    } finally {
      await flaky.close();
    }
  });

  it("dead-letters at once a webhook the receiver refuses as such (a 4xx other than 408 and 429)", async () => {
    nextWeek();
    const strict = await startWebhookReceiver("some-other-secret-value");
    try {
      const d = await allowed(fieldSuggestion(await newHcp("US")));
      await newDispatcher(config({ webhook: { url: strict.url, secret: SECRET } })).drainAll();
      const item = await outboxOf(d.id);
      expect(item.status).toBe("dead");
      expect(item.closed_reason).toContain("HTTP 401");
      expect(strict.calls).toHaveLength(1);
    } finally {
      await strict.close();
    }
  });

  it("cancels, at dispatch, the items of a paused agent: they never leave", async () => {
    nextWeek();
    const d = await allowed(fieldSuggestion(await newHcp("US")), m.rival);
    await ok(m.users.owner.post(`/v1/agents/${m.rivalId}/pause`, { reason: "drift alert on acceptance rate" }));
    try {
      const report = await newDispatcher(config()).drainAll();
      expect(report.cancelled).toBeGreaterThanOrEqual(1);
      const item = await outboxOf(d.id);
      expect(item.status).toBe("cancelled");
      expect(item.closed_reason).toContain("AGENT_PAUSED");
      expect(item.sent_at).toBeNull();
      expect(hook.calls.some((c) => c.key === item.id)).toBe(false);
      const audit = await auditOf(item.id);
      expect(audit.map((a) => a.type)).toEqual(["outbox.cancelled"]);
      expect(JSON.parse(audit[0]!.data).reasons.map((r: any) => r.code)).toEqual(["AGENT_PAUSED"]);
      expect(await attemptsOf(item.id)).toEqual([]);
      const touch = await db().selectFrom("touches").select("cancelled").where("decision_id", "=", d.id).executeTakeFirstOrThrow();
      expect(touch.cancelled).toBe(1);
    } finally {
      await ok(m.users.owner.post(`/v1/agents/${m.rivalId}/resume`, { reason: "drift explained" }));
    }
  });

  it("never sends an item claimed by a dispatcher that died, when its agent was halted before the lease ran out", async () => {
    nextWeek();
    const d = await allowed(fieldSuggestion(await newHcp("US")), m.rival);
    // A dispatcher claims the item and dies; the halt cancels only pending items, so this one stays `sending`.
    const [claim] = await claimDue(server.ctx.store, { now: clock.now(), limit: 1000, worker: "dead-worker", leaseMs: 30_000 }).then((all) => all.filter((c) => c.row.decision_id === d.id));
    expect(claim?.row.status).toBe("sending");
    await ok(m.users.owner.post(`/v1/agents/${m.rivalId}/halt`, { reason: "kill switch test" }));
    try {
      const dispatcher = newDispatcher(config());
      await dispatcher.drainAll();
      expect((await outboxOf(d.id)).status).toBe("sending");
      clock.advance(30_000);
      await dispatcher.drainAll();
      const item = await outboxOf(d.id);
      expect(item.status).toBe("cancelled");
      expect(item.closed_reason).toContain("AGENT_HALTED");
      expect(hook.calls.some((c) => c.key === item.id)).toBe(false);
    } finally {
      await ok(m.users.owner.post(`/v1/agents/${m.rivalId}/resume`, { reason: "kill switch test over" }));
    }
  });

  it("never sends withdrawn, expired or no-longer-consented content: each item is cancelled with its reason and audited", async () => {
    nextWeek();
    const now = clock.now();
    // Content of its own, so the withdrawal touches nothing the other tests send.
    await ok(m.users.mops.post("/v1/claims", { id: "clm-w", text: "Cardiozan reduces events by 20%.", product: "cardiozan", riskClass: "low", references: ["Doe 2025"], markets: ["US", "DE"] }), 201);
    await ok(m.users.medical.post("/v1/claims/clm-w/approve", { signature: { password: PASSWORD, meaning: "approved" } }));
    const asset = (id: string, claims: string[], expiresAt?: string) =>
      ({ id, title: id, subject: "Events data", channel: "email", market: "US", language: "en", product: "cardiozan", claims, body: "Cardiozan. Unsubscribe: {{unsubscribe}}", safetyInfo: "ISI.", ...(expiresAt ? { expiresAt } : {}) });
    await ok(m.users.mops.post("/v1/assets", asset("ast-w", ["clm-w"])), 201);
    await ok(m.users.mops.post("/v1/assets", asset("ast-x", ["clm-1"], new Date(now.getTime() + 3600_000).toISOString())), 201);
    for (const id of ["ast-w", "ast-x"]) await ok(m.users.medical.post(`/v1/assets/${id}/approve`, { signature: { password: PASSWORD, meaning: "approved" } }));

    const withdrawn = await allowed(email(await newHcp("US"), { assetId: "ast-w" }));
    const expiring = await allowed(email(await newHcp("US"), { assetId: "ast-x" }));
    const deHcp = await newHcp("DE");
    const revoked = await allowed(email(deHcp));

    // The withdrawal cascade cancels what is pending; the dispatcher's re-check catches what a dead
    // dispatcher had claimed. Here the item is claimed first, then the claim is withdrawn.
    await claimDue(server.ctx.store, { now: clock.now(), limit: 1000, worker: "dead-worker", leaseMs: 1000 });
    await ok(m.users.medical.post("/v1/claims/clm-w/withdraw", { reason: "safety update: new contraindication" }));
    await ok(m.users.mops.put(`/v1/hcps/${deHcp}/consents/email`, { purpose: "promotional", status: "revoked", source: "unsubscribe-link", capturedAt: now.toISOString() }), 201);
    clock.advance(2 * 3600_000);
    await newDispatcher(config()).drainAll();

    const expect1 = async (decisionId: string, code: string) => {
      const item = await outboxOf(decisionId);
      expect(item.status, item.closed_reason ?? "").toBe("cancelled");
      expect(item.closed_reason).toContain(code);
      expect(smtp.received.some((r) => r.mail.messageId === `<${item.id}@steward.dispatch>`)).toBe(false);
      const audit = await auditOf(item.id);
      expect(audit.map((a) => a.type)).toEqual(["outbox.cancelled"]);
      expect(JSON.parse(audit[0]!.data).reasons.map((r: any) => r.code)).toContain(code);
    };
    await expect1(withdrawn.id, "CONTENT_CLAIM_WITHDRAWN");
    await expect1(expiring.id, "CONTENT_EXPIRED");
    await expect1(revoked.id, "CONSENT_REVOKED");
  });

  it("keeps a scheduled item until its moment (quiet hours), then sends it", async () => {
    nextWeek();
    // 02:00 UTC on a Tuesday: 21:00 the evening before in New York, quiet until 08:00 local (13:00 UTC).
    const night = new Date(clock.now().getTime() + DAY);
    night.setUTCHours(2, 0, 0, 0);
    clock.set(night);
    const hcpId = await newHcp("US");
    const d = await ok(m.agent.post("/v1/proposals", email(hcpId)));
    expect(d.outcome).toBe("scheduled");
    const moment = Date.parse(d.scheduledFor);
    expect(moment).toBeGreaterThan(night.getTime());
    const dispatcher = newDispatcher(config());

    await dispatcher.drainAll();
    expect((await outboxOf(d.id)).status).toBe("pending");
    clock.set(moment - 1);
    await dispatcher.drainAll();
    expect((await outboxOf(d.id)).status).toBe("pending");
    clock.set(moment);
    await dispatcher.drainAll();
    const item = await outboxOf(d.id);
    expect(item).toMatchObject({ status: "sent", sent_at: new Date(moment).toISOString() });
    expect(smtp.received.filter((r) => r.mail.messageId === `<${item.id}@steward.dispatch>`)).toHaveLength(1);
  });

  it("writes each item to the JSONL file once: an item whose line was written before a crash is not written again", async () => {
    nextWeek();
    const file = join(server.location.dataDir, `outbox-${week}.jsonl`);
    const d = await allowed({ ...fieldSuggestion(await newHcp("US")), action: "field_suggestion" });
    const sink = new FileSink(file);
    // The line reaches the disk, then the process "dies" before the item is marked: here, the adapter throws.
    const crashAfterWrite: ChannelAdapter = {
      name: "file",
      deliver: async (item) => {
        await sink.deliver(item);
        throw new DeliveryFailure("process died after writing", false);
      },
      close: () => sink.close(),
    };
    const cfg = config({ webhook: null, outboxFile: file, retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 1000 } });
    await newDispatcher(cfg, { adapters: { file: crashAfterWrite } }).drainAll();
    await sink.close();
    const item = await outboxOf(d.id);
    expect(item.status).toBe("pending");

    clock.advance(1000);
    // A torn line from a crash mid-write at the end of the file must not swallow the next record.
    appendFileSync(file, '{"id":"out_torn","decisionId":');
    const restarted = newDispatcher(cfg);
    await restarted.drainAll();
    await restarted.stop();
    expect(await outboxOf(d.id)).toMatchObject({ status: "sent", attempts: 2 });
    const lines = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.id === item.id)).toHaveLength(1);
    expect(lines.some((l) => l.id === "out_torn")).toBe(false);
    expect(lines.find((l) => l.id === item.id)).toMatchObject({ decisionId: d.id, channel: "field", action: "field_suggestion" });
    const attempts = await attemptsOf(item.id);
    expect(attempts.map((a) => [a.adapter, a.status])).toEqual([["file", "failed"], ["file", "sent"]]);
    const audit = await auditOf(item.id);
    expect(JSON.parse(audit.at(-1)!.data)).toMatchObject({ duplicate: true });
  });

  it("sends email to the file sink when no SMTP server is configured", async () => {
    nextWeek();
    const file = join(server.location.dataDir, `outbox-${week}.jsonl`);
    writeFileSync(file, "");
    const d = await allowed(email(await newHcp("US")));
    const dispatcher = newDispatcher(config({ smtp: null, outboxFile: file }));
    await dispatcher.drainAll();
    await dispatcher.stop();
    const item = await outboxOf(d.id);
    expect(item.status).toBe("sent");
    const line = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.id === item.id);
    expect(line).toMatchObject({ decisionId: d.id, channel: "email", asset: { id: "ast-us" }, message: { subject: "New data on LDL-C" } });
    expect(line.message.text).toContain("Cardiozan lowers LDL-C");
    expect(line.messageHash).toMatch(/^[0-9a-f]{64}$/);
    expect(line.approved).toMatchObject({ assetId: "ast-us", hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("shows the outbox and an item's attempts to people, and answers bad input with 400, not 500", async () => {
    const sent = await ok(m.admin.get("/v1/outbox?status=sent&limit=5"));
    expect(sent.items.length).toBeGreaterThan(0);
    expect(sent.items.every((i: any) => i.status === "sent" && i.sentAt)).toBe(true);
    const dead = await ok(m.users.auditor.get("/v1/outbox?status=dead"));
    expect(dead.items.length).toBeGreaterThan(0);
    const one = await ok(m.users.auditor.get(`/v1/outbox/${dead.items[0].id}`));
    expect(one.item.status).toBe("dead");
    expect(one.attempts.at(-1).status).toBe("dead");
    expect((await m.admin.get("/v1/outbox?status=bogus")).status).toBe(400);
    expect((await m.admin.get("/v1/outbox?limit=0")).status).toBe(400);
    expect((await m.admin.get("/v1/outbox/out_nope")).status).toBe(404);
    expect((await m.agent.get("/v1/outbox")).status).toBe(403);
    expect((await m.admin.as("nope").get("/v1/outbox")).status).toBe(401);
  });

  it("keeps the audit chain whole after all of it", async () => {
    const v = await ok(m.users.auditor.get("/v1/audit/verify"));
    expect(v.ok).toBe(true);
  });
});

describe.each(ENGINES)("the in-process dispatcher of a running Steward on %s", (engine) => {
  it("is started by startSteward, drains on its own timer by the injected clock, and stops on close", async () => {
    const location = await freshStore(engine);
    const clock = new ManualClock(MONDAY_AFTERNOON);
    const file = join(location.dataDir, "outbox.jsonl");
    const running = await startSteward({
      dataDir: location.dataDir, databaseUrl: location.databaseUrl, governanceDir: BUNDLE, clock, adminToken: ADMIN_TOKEN,
      dispatch: { ...defaultDispatchConfig(location.dataDir), pollMs: 20 },
    });
    try {
      expect(running.dispatcher).toBeTruthy();
      const m = await seedMarket({ api: new Api(running.url, ADMIN_TOKEN) } as TestServer);
      const d = await ok(m.agent.post("/v1/proposals", email("us-1")));
      expect(d.outcome).toBe("allowed");
      const deadline = Date.now() + 10_000;
      let status = "pending";
      while (Date.now() < deadline) {
        status = (await running.ctx.store.db.selectFrom("outbox").select("status").where("decision_id", "=", d.id).executeTakeFirstOrThrow()).status;
        if (status === "sent") break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(status).toBe("sent");
      const lines = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
      expect(lines.map((l) => l.decisionId)).toContain(d.id);
      // Scheduled for later by the injected clock: the real timer keeps polling, the item keeps waiting.
      const [row] = await running.ctx.store.db.updateTable("outbox").set({ status: "pending", available_at: new Date(clock.now().getTime() + 60_000).toISOString(), sent_at: null })
        .where("decision_id", "=", d.id).returning("id").execute();
      await new Promise((r) => setTimeout(r, 200));
      expect((await running.ctx.store.db.selectFrom("outbox").select("status").where("id", "=", row!.id).executeTakeFirstOrThrow()).status).toBe("pending");
    } finally {
      await running.close();
      await location.drop();
    }
  });
});
