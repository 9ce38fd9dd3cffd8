// Exactly as approved, end to end on SQLite and on PostgreSQL, with a real SMTP server: an MI answer
// is read in its review, signed, and the same bytes arrive; text changed after signing is refused;
// personalization tokens outside the list block approval, a token the profile cannot fill rejects
// the decision, and one whose value vanished before dispatch dead-letters the item — never sent raw;
// the safety information is sent once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { ManualClock } from "../src/shared/clock.ts";
import { Dispatcher } from "../src/dispatch/dispatcher.ts";
import { defaultDispatchConfig, type DispatchConfig } from "../src/dispatch/config.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, PASSWORD, ok, seedMarket, type Market } from "./market.ts";
import { asReceived, startSmtpReceiver, type SmtpReceiver } from "./smtp.ts";

const sha256 = (s: string) => hash("sha256", s, "hex");
const SIGN = { signature: { password: PASSWORD, meaning: "approved" } };
// The example bundle's content.yaml declares Cardiozan's US safety information; an asset carries that one.
const ISI = (parse(readFileSync(new URL("../governance/content.yaml", import.meta.url), "utf8")) as { products: { cardiozan: { isi: { US: string } } } }).products.cardiozan.isi.US;
const ANSWER = {
  subject: "Your medical information request: renal impairment",
  text: "Dear Dr. Rao,\n\nNo dose adjustment of Cardiozan is needed in mild to moderate renal impairment (eGFR 30–89 mL/min/1.73 m²).\n\nReference: Cardiozan US Prescribing Information, section 8.6.\n\nMedical Information, Cardiozan",
};

describe.each(ENGINES)("exactly as approved on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  let smtp: SmtpReceiver;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  const db = () => server.ctx.store.db;
  let n = 0;
  const key = () => `render-${++n}`;

  beforeAll(async () => {
    server = await startTestServer(engine, { clock });
    m = await seedMarket(server);
    smtp = await startSmtpReceiver();
  });
  afterAll(async () => {
    await smtp?.close();
    await server?.stop();
  });

  const config = (): DispatchConfig => ({ ...defaultDispatchConfig(server.location.dataDir), smtp: { url: smtp.url, from: "Medical Information <mi@pharma.example>" } });
  const drain = async () => {
    const d = new Dispatcher(server.ctx, config());
    const report = await d.drainAll();
    await d.stop();
    return report;
  };
  const itemOf = (decisionId: string) => db().selectFrom("outbox").selectAll().where("decision_id", "=", decisionId).executeTakeFirstOrThrow();
  const mailOf = (outboxId: string) => smtp.received.filter((r) => r.mail.messageId === `<${outboxId}@steward.dispatch>`);
  const putHcp = async (id: string, attributes: Record<string, unknown>) => {
    const res = await m.users.mops.put(`/v1/hcps/${id}`, { name: "Dr. Ravi Rao", specialty: "cardiology", market: "US", attributes: { email: `${id}@clinic.example`, ...attributes } });
    expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
    return id;
  };
  const asset = async (id: string, body: string, extra: Record<string, unknown> = {}) =>
    m.users.mops.post("/v1/assets", { id, title: id, subject: "New data on LDL-C", channel: "email", market: "US", language: "en", product: "cardiozan", claims: ["clm-1"], body, safetyInfo: ISI, ...extra });

  it("shows an MI answer in its review, signs its hash, and sends the same bytes; the outbox item says what was sent", async () => {
    const hcpId = await putHcp("us-mi-1", {});
    const d = await ok(m.agent.post("/v1/proposals", { idempotencyKey: key(), hcpId, action: "mi_response", purpose: "medical", content: ANSWER }));
    expect(d.outcome).toBe("pending_review");
    const { review } = await ok(m.users.medical.get(`/v1/reviews/${d.reviewId}`));
    expect(review.content).toEqual({ ...ANSWER, hash: sha256(JSON.stringify([ANSWER.subject, ANSWER.text])) });

    const approved = await ok(m.users.medical.post(`/v1/reviews/${d.reviewId}/approve`, SIGN));
    expect(approved.decision.outcome).toBe("allowed");
    expect(approved.review.signatures[0].content).toEqual({ hash: review.content.hash, approved: null });
    const audit = await db().selectFrom("audit_records").select("data").where("subject", "=", `review:${d.reviewId}`).where("type", "=", "review.approved").executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data).signature.content.hash).toBe(review.content.hash);

    await drain();
    const item = await itemOf(d.id);
    expect(item.status).toBe("sent");
    const got = mailOf(item.id);
    expect(got).toHaveLength(1);
    expect(got[0]!.rcptTo).toEqual([`${hcpId}@clinic.example`]);
    expect(got[0]!.mail.subject).toBe(ANSWER.subject);
    expect(got[0]!.mail.text).toBe(asReceived(ANSWER.text));
    const view = await ok(m.users.auditor.get(`/v1/outbox/${item.id}`));
    expect(view.item).toMatchObject({ status: "sent", message: ANSWER, messageHash: sha256(ANSWER.text), approved: null });
    const sent = await db().selectFrom("audit_records").select("data").where("subject", "=", `outbox:${item.id}`).where("type", "=", "outbox.sent").executeTakeFirstOrThrow();
    expect(JSON.parse(sent.data)).toMatchObject({ messageHash: sha256(ANSWER.text), approvedHash: null });
  });

  it("refuses to send text changed after it was signed: dead with CONTENT_TAMPERED, audited, nothing sent", async () => {
    const hcpId = await putHcp("us-mi-2", {});
    const d = await ok(m.agent.post("/v1/proposals", { idempotencyKey: key(), hcpId, action: "mi_response", purpose: "medical", content: ANSWER }));
    await ok(m.users.medical.post(`/v1/reviews/${d.reviewId}/approve`, SIGN));
    const row = await db().selectFrom("decisions").select("proposal").where("id", "=", d.id).executeTakeFirstOrThrow();
    const proposal = JSON.parse(row.proposal);
    proposal.content.text = ANSWER.text.replace("No dose adjustment", "A double dose");
    await db().updateTable("decisions").set({ proposal: JSON.stringify(proposal) }).where("id", "=", d.id).execute();

    const report = await drain();
    expect(report.dead).toBeGreaterThanOrEqual(1);
    const item = await itemOf(d.id);
    expect(item.status).toBe("dead");
    expect(item.closed_reason).toContain("CONTENT_TAMPERED");
    expect(mailOf(item.id)).toEqual([]);
    const dead = await db().selectFrom("audit_records").select("data").where("subject", "=", `outbox:${item.id}`).where("type", "=", "outbox.dead_lettered").executeTakeFirstOrThrow();
    expect(JSON.parse(dead.data).reasons.map((r: { code: string }) => r.code)).toEqual(["CONTENT_TAMPERED"]);
  });

  it("records in a rejection's signature the content it refused", async () => {
    const hcpId = await putHcp("us-mi-3", {});
    const d = await ok(m.agent.post("/v1/proposals", { idempotencyKey: key(), hcpId, action: "mi_response", purpose: "medical", content: ANSWER }));
    const rejected = await ok(m.users.medical.post(`/v1/reviews/${d.reviewId}/reject`, { reason: "The answer must cite the renal study", signature: { password: PASSWORD, meaning: "rejected" } }));
    expect(rejected.review.signatures[0].content).toEqual({ hash: sha256(JSON.stringify([ANSWER.subject, ANSWER.text])), approved: null });
  });

  it("requires an MI answer's text, and takes content only as written: no tokens, not with an asset, within its limits", async () => {
    const none = await ok(m.agent.post("/v1/proposals", { idempotencyKey: key(), hcpId: "us-1", action: "mi_response", purpose: "medical" }));
    expect([none.outcome, none.reasons[0].code]).toEqual(["rejected", "CONTENT_REQUIRED"]);
    for (const [content, extra, field] of [
      [{ text: "Dear {{hcp.name}}, ..." }, {}, "content.text"],
      [{ text: "An answer." }, { assetId: "ast-us" }, "content"],
      [{ text: "x".repeat(20_001) }, {}, "content.text"],
      [{ text: "Answer.", subject: "two\nlines" }, {}, "content.subject"],
    ] as const) {
      const res = await m.agent.post("/v1/proposals", { idempotencyKey: key(), hcpId: "us-1", action: "mi_response", purpose: "medical", content, ...extra });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe("INVALID_INPUT");
      expect(JSON.stringify(res.body.error.details)).toContain(field);
    }
  });

  it("blocks approval of an asset with a token outside the list (PERSONALIZATION_UNKNOWN), pointing at the token", async () => {
    const created = await ok(asset("ast-unknown-token", "Dear {{hcp.firstName}}, Cardiozan lowers LDL-C by 50% at 12 weeks. Unsubscribe: {{unsubscribe}}"), 201);
    const finding = created.asset.checks.find((f: { code: string }) => f.code === "PERSONALIZATION_UNKNOWN");
    expect(finding).toMatchObject({ severity: "error", field: "body", span: { text: "{{hcp.firstName}}" } });
    const res = await m.users.medical.post("/v1/assets/ast-unknown-token/approve", SIGN);
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(res.body)).toContain("PERSONALIZATION_UNKNOWN");
    expect((await ok(m.users.mops.get("/v1/assets/ast-unknown-token"))).asset.status).not.toBe("approved");
  });

  it("sends the safety information once: copy that already holds it gets no second copy; {{isi}} twice is an error", async () => {
    const once = await ok(asset("ast-isi-in-copy", `Dear {{hcp.name}}, Cardiozan lowers LDL-C by 50% at 12 weeks.\n\n${ISI}\n\nUnsubscribe: {{unsubscribe}}`), 201);
    expect(once.asset.rendered.split(ISI).length - 1).toBe(1);
    expect(once.asset.checks.map((f: { code: string }) => f.code)).not.toContain("ISI_REPEATED");
    const twice = await ok(asset("ast-isi-twice", "{{isi}}\nCardiozan lowers LDL-C by 50% at 12 weeks.\n{{isi}}\nUnsubscribe: {{unsubscribe}}"), 201);
    expect(twice.asset.checks.find((f: { code: string }) => f.code === "ISI_REPEATED")).toMatchObject({ severity: "error" });

    await ok(m.users.medical.post("/v1/assets/ast-isi-in-copy/approve", SIGN));
    const hcpId = await putHcp("us-isi-1", {});
    const d = await ok(m.agent.post("/v1/proposals", { idempotencyKey: key(), hcpId, action: "email", purpose: "promotional", assetId: "ast-isi-in-copy", confidence: 0.9 }));
    expect(d.outcome, JSON.stringify(d.reasons)).toBe("allowed");
    await drain();
    const item = await itemOf(d.id);
    const [mail] = mailOf(item.id);
    expect(mail!.mail.text!.split(ISI).length - 1).toBe(1);
    expect(mail!.mail.text).toMatch(/^Dear Dr\. Ravi Rao, Cardiozan/);
    expect(mail!.mail.text).not.toContain("{{");
  });

  it("rejects a decision whose tokens the profile cannot fill (PERSONALIZATION_MISSING), and dead-letters an item whose value vanished before dispatch", async () => {
    await ok(asset("ast-rep", "Dear {{hcp.title}} {{hcp.lastName}}, Cardiozan lowers LDL-C by 50% at 12 weeks. Your representative, {{rep.name}}. Unsubscribe: {{unsubscribe}}"), 201);
    await ok(m.users.medical.post("/v1/assets/ast-rep/approve", SIGN));
    const bare = await putHcp("us-rep-0", { title: "Dr." });
    const rejected = await ok(m.agent.post("/v1/proposals", { idempotencyKey: key(), hcpId: bare, action: "email", purpose: "promotional", assetId: "ast-rep", confidence: 0.9 }));
    expect(rejected.outcome).toBe("rejected");
    expect(rejected.reasons.map((r: { code: string }) => r.code)).toContain("PERSONALIZATION_MISSING");
    expect(rejected.reasons.find((r: { code: string }) => r.code === "PERSONALIZATION_MISSING").message).toContain("{{rep.name}}");

    const full = await putHcp("us-rep-1", { title: "Dr.", lastName: "Rao", repName: "Tom Reyes" });
    const d = await ok(m.agent.post("/v1/proposals", { idempotencyKey: key(), hcpId: full, action: "email", purpose: "promotional", assetId: "ast-rep", confidence: 0.9 }));
    expect(d.outcome, JSON.stringify(d.reasons)).toBe("allowed");
    const item = await itemOf(d.id);
    const pending = await ok(m.users.auditor.get(`/v1/outbox/${item.id}`));
    expect(pending.item.message.text).toMatch(/^Dear Dr\. Rao, .* Your representative, Tom Reyes\./);
    // The rep leaves the territory between the decision and the send.
    await putHcp(full, { title: "Dr.", lastName: "Rao" });
    await drain();
    const after = await itemOf(d.id);
    expect(after.status).toBe("dead");
    expect(after.closed_reason).toContain("PERSONALIZATION_MISSING");
    expect(mailOf(item.id)).toEqual([]);
    expect(smtp.received.some((r) => r.mail.text?.includes("{{"))).toBe(false);
    const view = await ok(m.users.auditor.get(`/v1/outbox/${item.id}`));
    expect(view.item).toMatchObject({ status: "dead", message: null, missing: ["rep.name"] });
  });

  it("never sends an approved render that holds an unknown token (stored before the check existed): it has no value", async () => {
    await ok(asset("ast-legacy", "Cardiozan lowers LDL-C by 50% at 12 weeks. Unsubscribe: {{unsubscribe}}"), 201);
    await ok(m.users.medical.post("/v1/assets/ast-legacy/approve", SIGN));
    const hcpId = await putHcp("us-legacy-1", {});
    const allowed = await ok(m.agent.post("/v1/proposals", { idempotencyKey: key(), hcpId, action: "email", purpose: "promotional", assetId: "ast-legacy", confidence: 0.9 }));
    expect(allowed.outcome, JSON.stringify(allowed.reasons)).toBe("allowed");
    // As an older release stored it: the token in the approved render itself.
    for (const table of ["assets", "asset_versions"] as const) {
      await db().updateTable(table).set({ rendered: "Register: {{event.registration_url}}\nUnsubscribe: {{unsubscribe}}" }).where(table === "assets" ? "id" : "asset_id", "=", "ast-legacy").execute();
    }
    const rejected = await ok(m.agent.post("/v1/proposals", { idempotencyKey: key(), hcpId: await putHcp("us-legacy-2", {}), action: "email", purpose: "promotional", assetId: "ast-legacy", confidence: 0.9 }));
    expect(rejected.outcome).toBe("rejected");
    expect(rejected.reasons.find((r: { code: string }) => r.code === "PERSONALIZATION_MISSING").message).toContain("{{event.registration_url}}");
    await drain();
    const item = await itemOf(allowed.id);
    expect([item.status, item.closed_reason]).toEqual(["dead", expect.stringContaining("PERSONALIZATION_MISSING")]);
    expect(mailOf(item.id)).toEqual([]);
  });

  it("shows an asset-based action's review the asset rendered for its HCP, and signs that", async () => {
    const hcpId = await putHcp("us-brand-1", {});
    const d = await ok(m.agent.post("/v1/proposals", { idempotencyKey: key(), hcpId, action: "email", purpose: "promotional", assetId: "ast-us", confidence: 0.4 }));
    expect(d.outcome).toBe("pending_review");
    const { review } = await ok(m.users.brand.get(`/v1/reviews/${d.reviewId}`));
    const render = await ok(m.users.brand.get("/v1/assets/ast-us/render"));
    expect(review.content.subject).toBe(render.subject);
    expect(review.content.text.startsWith("Cardiozan lowers LDL-C by 50% at 12 weeks. Unsubscribe: https://")).toBe(true);
    expect(review.content.text).not.toContain("{{");
    expect(review.content.hash).toBe(sha256(JSON.stringify([review.content.subject, review.content.text])));
    const approved = await ok(m.users.brand.post(`/v1/reviews/${d.reviewId}/approve`, SIGN));
    expect(approved.review.signatures[0].content).toEqual({ hash: review.content.hash, approved: { assetId: "ast-us", version: render.version, hash: render.hash } });
  });
});
