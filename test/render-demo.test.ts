// What is sent is what was approved, for the whole demo market: every demo asset rendered for every
// demo HCP of its market — preview over HTTP, and the email through a real SMTP server (smtp-server),
// parsed with mailparser — holds no raw token, its safety information exactly once, and equals the
// approved render with the HCP's values put in. One send goes the whole way: gate, dispatcher, SMTP,
// `GET /v1/outbox/{id}` and the audit record. On SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hash } from "node:crypto";
import { ManualClock } from "../src/shared/clock.ts";
import { seedDemo, type DemoCredentials } from "../src/demo/seed.ts";
import { DEMO_ASSETS } from "../src/demo/market-data.ts";
import { loadSendableCopy } from "../src/content/read-model.ts";
import { composeMessage } from "../src/dispatch/compose.ts";
import { toWire } from "../src/content/message.ts";
import { SmtpAdapter } from "../src/dispatch/adapters/smtp.ts";
import { unsubscribeUrlOf } from "../src/dispatch/email.ts";
import { defaultDispatchConfig } from "../src/dispatch/config.ts";
import { Dispatcher } from "../src/dispatch/dispatcher.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { asReceived, startSmtpReceiver, type SmtpReceiver } from "./smtp.ts";
import { ok } from "./market.ts";

const NOW = "2026-03-02T15:00:00.000Z";
const LINK = "https://unsubscribe.example/u?d={decisionId}&o={outboxId}";
const sha256 = (s: string) => hash("sha256", s, "hex");
const count = (text: string, part: string) => text.split(part).length - 1;


interface DemoHcp {
  id: string;
  name: string;
  attributes: Record<string, string>;
}

/** The approved render with the HCP's values put in, by plain substitution (independent of the server's filling). */
function expected(text: string, hcp: DemoHcp, link: string): string {
  return text
    .replaceAll("{{hcp.name}}", hcp.name).replaceAll("{{hcp.lastName}}", hcp.attributes.lastName!).replaceAll("{{hcp.title}}", hcp.attributes.title!)
    .replaceAll("{{rep.name}}", hcp.attributes.repName!).replaceAll("{{unsubscribe}}", link);
}

describe.each(ENGINES)("every demo asset for every demo HCP on %s", (engine) => {
  let server: TestServer;
  let seeded: Omit<DemoCredentials, "adminToken">;
  let smtp: SmtpReceiver;
  const hcpsOf = async (market: string): Promise<DemoHcp[]> => {
    const rows = await server.ctx.store.db.selectFrom("hcps").select(["id", "name", "attributes"]).where("market", "=", market).orderBy("id").execute();
    return rows.map((r) => ({ id: r.id, name: r.name, attributes: JSON.parse(r.attributes) }));
  };

  beforeAll(async () => {
    server = await startTestServer(engine, { clock: new ManualClock(NOW) });
    seeded = (await seedDemo(server.ctx))!;
    smtp = await startSmtpReceiver();
  }, 120_000);
  afterAll(async () => {
    await smtp?.close();
    await server?.stop();
  });

  it("approved every demo asset; each render holds no unknown token and its safety information once, and its hash is SHA-256 of [subject, text]", async () => {
    for (const demo of DEMO_ASSETS) {
      const { asset } = await ok(server.api.get(`/v1/assets/${demo.id}`));
      expect(asset.status, demo.id).toBe("approved");
      expect(asset.checks.filter((f: { code: string }) => f.code === "PERSONALIZATION_UNKNOWN" || f.code === "ISI_REPEATED"), demo.id).toEqual([]);
      const render = await ok(server.api.get(`/v1/assets/${demo.id}/render`));
      expect(count(render.text, demo.safetyInfo), demo.id).toBe(1);
      expect(render.text.replace(/\{\{(hcp\.name|hcp\.lastName|hcp\.title|rep\.name|unsubscribe)\}\}/g, "")).not.toContain("{{");
      expect(render.hash).toBe(sha256(JSON.stringify([render.subject ?? null, render.text])));
    }
  });

  it("previews and emails each asset to each HCP of its market as approved plus tokens: no {{, ISI once, subject and text equal", async () => {
    const adapter = new SmtpAdapter({ url: smtp.url, from: "Cardiozan <no-reply@pharma.example>", unsubscribeUrl: LINK, timeoutMs: 10_000 });
    let emails = 0;
    try {
      for (const demo of DEMO_ASSETS) {
        const render = await ok(server.api.get(`/v1/assets/${demo.id}/render`));
        const copy = (await loadSendableCopy(server.ctx.store.db, demo.id))!;
        const hcps = await hcpsOf(demo.market);
        expect(hcps.length).toBeGreaterThan(50);
        // The console's preview for the HCP: the same text, its link standing in for the item's.
        for (const hcp of hcps) {
          const preview = await ok(server.api.get(`/v1/assets/${demo.id}/render?hcpId=${hcp.id}`));
          expect(preview.missing, `${demo.id} for ${hcp.id}`).toEqual([]);
          expect(preview.message.text).toBe(expected(render.text, hcp, "https://steward.invalid/unsubscribe?decision=preview"));
          expect(preview.message.text).not.toContain("{{");
          expect(count(preview.message.text, demo.safetyInfo)).toBe(1);
        }
        if (demo.channel !== "email") continue;
        const sends = hcps.map((hcp) => async () => {
          const decisionId = `dec_${demo.id}_${hcp.id}`;
          const outboxId = `out_${demo.id}_${hcp.id}`;
          const composed = composeMessage(copy, null, { name: hcp.name, attributes: hcp.attributes }, unsubscribeUrlOf(LINK, decisionId, outboxId));
          if (composed.kind !== "message") throw new Error(`${demo.id} for ${hcp.id}: ${JSON.stringify(composed)}`);
          await adapter.deliver({
            attempt: 1,
            recipient: { hcpId: hcp.id, name: hcp.name, email: hcp.attributes.email ?? null },
            document: {
              id: outboxId, decisionId, agentId: "nba-email", hcpId: hcp.id, market: demo.market, channel: "email", action: "email", purpose: "promotional",
              rationale: null, decidedAt: NOW, scheduledFor: null, asset: { id: copy.id, version: copy.version, title: copy.title, language: copy.language },
              message: toWire(composed.message), messageHash: composed.messageHash, approved: composed.approved,
            },
          });
          return { hcp, outboxId, link: unsubscribeUrlOf(LINK, decisionId, outboxId), messageText: composed.message.text, messageHash: composed.messageHash, approvedHash: composed.approved!.hash };
        });
        const sent = [];
        for (let i = 0; i < sends.length; i += 16) sent.push(...(await Promise.all(sends.slice(i, i + 16).map((s) => s()))));
        for (const s of sent) {
          const got = smtp.received.filter((r) => r.mail.messageId === `<${s.outboxId}@steward.dispatch>`);
          expect(got, `${demo.id} for ${s.hcp.id}`).toHaveLength(1);
          const mail = got[0]!.mail;
          expect(got[0]!.rcptTo).toEqual([s.hcp.attributes.email]);
          expect(mail.subject).toBe(expected(render.subject, s.hcp, s.link));
          expect(mail.text).toBe(asReceived(expected(render.text, s.hcp, s.link)));
          expect(mail.text).not.toContain("{{");
          expect(count(mail.text!, demo.safetyInfo)).toBe(1);
          expect(asReceived(s.messageText)).toBe(mail.text);
          expect(s.messageHash).toBe(sha256(s.messageText));
          expect(s.approvedHash).toBe(render.hash);
          emails++;
        }
      }
    } finally {
      await adapter.close();
    }
    expect(emails).toBeGreaterThan(400);
  }, 240_000);

  it("sends the well-known HCP's email the whole way; GET /v1/outbox/{id} shows the message as sent and the audit carries both hashes", async () => {
    const nba = server.api.as(seeded.agents.find((a) => a.id === "nba-email")!.apiKey);
    const d = await ok(nba.post("/v1/proposals", { idempotencyKey: "render-demo-1", hcpId: "us-0001", action: "email", purpose: "promotional", assetId: "ast-cardiozan-us-email", confidence: 0.95 }));
    expect(d.outcome, JSON.stringify(d.reasons)).toBe("allowed");
    const item = await server.ctx.store.db.selectFrom("outbox").select("id").where("decision_id", "=", d.id).executeTakeFirstOrThrow();
    const before = await ok(server.api.get(`/v1/outbox/${item.id}`));
    const dispatcher = new Dispatcher(server.ctx, { ...defaultDispatchConfig(server.location.dataDir), unsubscribeUrl: LINK, smtp: { url: smtp.url, from: "Cardiozan <no-reply@pharma.example>" } });
    await dispatcher.drainAll();
    await dispatcher.stop();
    const after = await ok(server.api.get(`/v1/outbox/${item.id}`));
    expect(after.item.status).toBe("sent");
    const mail = smtp.received.find((r) => r.mail.messageId === `<${item.id}@steward.dispatch>`)!.mail;
    const render = await ok(server.api.get("/v1/assets/ast-cardiozan-us-email/render"));
    const [hcp] = (await hcpsOf("US")).filter((h) => h.id === "us-0001");
    expect(mail.text).toBe(asReceived(expected(render.text, hcp!, unsubscribeUrlOf(LINK, d.id, item.id))));
    expect(mail.text).toMatch(/^Dear Dr\. Sarah Mitchell,\n/);
    expect(after.item.message.subject).toBe(mail.subject);
    expect(asReceived(after.item.message.text)).toBe(mail.text);
    expect(after.item.messageHash).toBe(sha256(after.item.message.text));
    expect(after.item.approved).toEqual({ assetId: "ast-cardiozan-us-email", version: render.version, hash: render.hash });
    // Before it left, the item showed the same text, except for the link of the server's own template.
    expect(before.item.approved).toEqual(after.item.approved);
    expect(before.item.message.text.replace(/https:\/\/steward\.invalid\/\S+/, "LINK")).toBe(after.item.message.text.replace(/https:\/\/unsubscribe\.example\/\S+/, "LINK"));
    const sent = await server.ctx.store.db.selectFrom("audit_records").select("data").where("subject", "=", `outbox:${item.id}`).where("type", "=", "outbox.sent").executeTakeFirstOrThrow();
    expect(JSON.parse(sent.data)).toMatchObject({ messageHash: after.item.messageHash, approvedHash: render.hash });
  });
});
