// The pure parts of dispatch: backoff, the email an item becomes, signatures, the environment's set-up,
// routing, and the re-check's verdict on a snapshot.
import { describe, expect, it } from "vitest";
import { afterFailure, backoffMs } from "./retry.ts";
import { renderEmail, messageIdOf } from "./email.ts";
import { signBody, verifySignature } from "./signature.ts";
import { dispatchConfigFromEnv, DispatchConfigError } from "./config.ts";
import { adapterFor, type ChannelAdapters } from "./routing.ts";
import { emailOf, type Outbound } from "./outbound.ts";
import { DeliveryFailure, type ChannelAdapter } from "./adapters/adapter.ts";
import { recheck, storedProposal } from "./recheck.ts";
import { FileSink } from "./adapters/file.ts";
import { GroupCommit } from "../shared/group-commit.ts";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUNDLE, NOW_MS, agentView, assetView, claimView, consentView, hcpView, proposalOf, snapshotOf } from "../gate/fixtures.ts";

const policy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 5000 };

describe("retry policy", () => {
  it("doubles the wait after each failure, up to the cap", () => {
    expect([1, 2, 3, 4, 5, 60].map((n) => backoffMs(n, policy))).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
    expect(Number.isFinite(backoffMs(5000, policy))).toBe(true);
  });

  it("retries a transient failure until the attempts are spent, then dead-letters", () => {
    const now = new Date("2026-03-02T15:00:00.000Z");
    expect(afterFailure(1, false, policy, now)).toEqual({ kind: "retry", at: new Date("2026-03-02T15:00:01.000Z"), delayMs: 1000 });
    expect(afterFailure(3, false, policy, now)).toMatchObject({ kind: "retry", delayMs: 4000 });
    expect(afterFailure(4, false, policy, now)).toEqual({ kind: "dead" });
  });

  it("dead-letters a permanent failure at once", () => {
    expect(afterFailure(1, true, policy, new Date())).toEqual({ kind: "dead" });
  });
});

const item = (over: Partial<Outbound["document"]> = {}, email: string | null = "ada@clinic.example"): Outbound => ({
  attempt: 1,
  recipient: { hcpId: "us-1", name: "Dr. Ada Park", email },
  document: {
    id: "out_1", decisionId: "dec_1", agentId: "nba", hcpId: "us-1", market: "US", channel: "email", action: "email", purpose: "promotional",
    rationale: null, decidedAt: "2026-03-02T15:00:00.000Z", scheduledFor: null,
    asset: { id: "ast-us", version: 2, title: "LDL results", language: "en" },
    message: { subject: "New data\r\non LDL-C", text: "Cardiozan lowers LDL-C. Unsubscribe: https://u.example/unsub?d=dec_1&o=out_1\n\nSee full prescribing information." },
    messageHash: "0".repeat(64),
    approved: { assetId: "ast-us", version: 2, hash: "1".repeat(64) },
    ...over,
  },
});

describe("the email an outbox item becomes", () => {
  const options = { from: "Steward <no-reply@steward.invalid>", unsubscribeUrl: "https://u.example/unsub?d={decisionId}&o={outboxId}" };

  it("carries the message's subject on one line and its text exactly, adding nothing (no second ISI, no footer)", () => {
    const mail = renderEmail(item(), options);
    expect(mail.to).toBe("ada@clinic.example");
    expect(mail.subject).toBe("New data on LDL-C");
    expect(mail.text).toBe(item().document.message!.text);
    expect(mail.headers["List-Unsubscribe"]).toBe("<https://u.example/unsub?d=dec_1&o=out_1>");
    expect(mail.headers["X-Steward-Message-Sha256"]).toBe("0".repeat(64));
  });

  it("sends an action's own text (no asset) under its own subject", () => {
    const mail = renderEmail(item({ action: "mi_response", asset: null, approved: null, message: { subject: "Your question", text: "Answer." } }), options);
    expect([mail.subject, mail.text, mail.headers["X-Steward-Asset"]]).toEqual(["Your question", "Answer.", undefined]);
  });

  it("has a Message-ID that depends only on the outbox id, so every attempt carries the same one", () => {
    expect(renderEmail(item(), options).messageId).toBe(messageIdOf("out_1"));
    expect(renderEmail({ ...item(), attempt: 3 }, options).messageId).toBe("<out_1@steward.dispatch>");
  });

  it("refuses, permanently, an HCP without an address and an item without content", () => {
    expect(() => renderEmail(item({}, null), options)).toThrow(DeliveryFailure);
    try {
      renderEmail(item({}, null), options);
    } catch (e) {
      expect((e as DeliveryFailure).permanent).toBe(true);
      expect((e as Error).message).toContain("us-1 has no email address");
    }
    expect(() => renderEmail(item({ asset: null, message: null }), options)).toThrow(/has no message/);
  });

  it("takes an address only when attributes.email is one", () => {
    expect(emailOf({ email: " ada@clinic.example " })).toBe("ada@clinic.example");
    for (const bad of [undefined, 42, "", "not an address", "a@b", "x@y.z\r\nBcc: all@evil.example"]) expect(emailOf({ email: bad })).toBeNull();
  });
});

describe("webhook signatures", () => {
  it("is sha256=<hex HMAC> over the raw body, verified in constant time", () => {
    const body = '{"id":"out_1"}';
    const header = signBody("s3cret-s3cret-s3cret", body);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature("s3cret-s3cret-s3cret", body, header)).toBe(true);
    expect(verifySignature("s3cret-s3cret-s3cret", body + " ", header)).toBe(false);
    expect(verifySignature("other", body, header)).toBe(false);
    expect(verifySignature("s3cret-s3cret-s3cret", body, undefined)).toBe(false);
    expect(verifySignature("s3cret-s3cret-s3cret", body, "sha256=short")).toBe(false);
  });
});

describe("dispatch set-up from the environment", () => {
  it("defaults to the file sink beside the data", () => {
    const c = dispatchConfigFromEnv({}, "/var/steward")!;
    expect(c).toMatchObject({ smtp: null, webhook: null, outboxFile: "/var/steward/outbox.jsonl" });
  });

  it("reads SMTP, webhook, file and pacing; STEWARD_DISPATCH=off runs none", () => {
    const c = dispatchConfigFromEnv({
      STEWARD_SMTP_URL: "smtp://127.0.0.1:2525", STEWARD_MAIL_FROM: "Pharma <m@p.example>", STEWARD_WEBHOOK_URL: "https://crm.example/hooks",
      STEWARD_WEBHOOK_SECRET: "0123456789abcdef0", STEWARD_OUTBOX_FILE: "/tmp/x.jsonl", STEWARD_DISPATCH_MAX_ATTEMPTS: "3", STEWARD_DISPATCH_POLL_MS: "100",
    }, "/d")!;
    expect(c.smtp).toEqual({ url: "smtp://127.0.0.1:2525", from: "Pharma <m@p.example>" });
    expect(c.webhook).toEqual({ url: "https://crm.example/hooks", secret: "0123456789abcdef0" });
    expect(c.outboxFile).toBe("/tmp/x.jsonl");
    expect(c.retry.maxAttempts).toBe(3);
    expect(c.pollMs).toBe(100);
    expect(dispatchConfigFromEnv({ STEWARD_DISPATCH: "off" }, "/d")).toBeNull();
  });

  it("reports every problem at once and never runs an unsigned webhook", () => {
    try {
      dispatchConfigFromEnv({ STEWARD_SMTP_URL: "http://mail", STEWARD_WEBHOOK_URL: "https://crm.example", STEWARD_DISPATCH_MAX_ATTEMPTS: "zero" }, "/d");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DispatchConfigError);
      const problems = (e as DispatchConfigError).problems.join("\n");
      expect(problems).toContain("STEWARD_SMTP_URL must be a smtp:// or smtps:// URL");
      expect(problems).toContain("without STEWARD_WEBHOOK_SECRET");
      expect(problems).toContain("STEWARD_DISPATCH_MAX_ATTEMPTS");
    }
  });
});

describe("routing by channel", () => {
  const fake = (name: ChannelAdapter["name"]): ChannelAdapter => ({ name, deliver: async () => ({ duplicate: false, detail: null }), close: async () => {} });
  it("sends email by SMTP and field work by webhook when configured, everything else to the file", () => {
    const all: ChannelAdapters = { smtp: fake("smtp"), webhook: fake("webhook"), file: fake("file") };
    expect(["email", "field", "web", "phone"].map((c) => adapterFor(c as never, all).name)).toEqual(["smtp", "webhook", "file", "file"]);
    const fileOnly: ChannelAdapters = { smtp: null, webhook: null, file: fake("file") };
    expect(["email", "field", "web", "phone"].map((c) => adapterFor(c as never, fileOnly).name)).toEqual(["file", "file", "file", "file"]);
  });
});

describe("the re-check at dispatch", () => {
  const now = new Date(NOW_MS);
  const consents = [consentView("email", "promotional", "granted", NOW_MS - 100 * 24 * 3600_000)];
  const base = () => snapshotOf({ agent: agentView(), hcp: hcpView(), consents, asset: assetView() });

  it("lets an item go when agent, consent and content still hold", () => {
    expect(recheck(proposalOf(), base(), BUNDLE, now)).toEqual([]);
  });

  it("stops the item of a paused or halted agent, for its status only", () => {
    for (const status of ["paused", "halted"] as const) {
      const codes = recheck(proposalOf(), { ...base(), agent: agentView({ status, statusReason: "why" }) }, BUNDLE, now).map((r) => r.code);
      expect(codes).toEqual([status === "paused" ? "AGENT_PAUSED" : "AGENT_HALTED"]);
    }
  });

  it("stops an item whose consent was revoked or whose content was withdrawn or expired", () => {
    const revoked = { ...base(), consents: [...consents, consentView("email", "promotional", "revoked", NOW_MS - 1000)] };
    expect(recheck(proposalOf(), revoked, BUNDLE, now).map((r) => r.code)).toEqual(["CONSENT_REVOKED"]);
    const withdrawn = { ...base(), asset: assetView({ claims: [claimView({ status: "withdrawn" })] }) };
    expect(recheck(proposalOf(), withdrawn, BUNDLE, now).map((r) => r.code)).toContain("CONTENT_CLAIM_WITHDRAWN");
    const expired = { ...base(), asset: assetView({ expiresAt: NOW_MS - 1 }) };
    expect(recheck(proposalOf(), expired, BUNDLE, now).map((r) => r.code)).toContain("CONTENT_EXPIRED");
    expect(recheck(proposalOf(), { ...base(), hcp: null }, BUNDLE, now).map((r) => r.code)).toEqual(["HCP_UNKNOWN"]);
  });

  it("revives the proposal a decision stored", () => {
    const p = proposalOf({ notAfter: new Date(NOW_MS) });
    expect(storedProposal(JSON.stringify(p))).toEqual(p);
  });
});

describe("the JSONL file sink", () => {
  const withId = (id: string): Outbound => ({ ...item({ id, channel: "field", action: "field_suggestion", asset: null }), recipient: { hcpId: "us-1", name: "Dr. Ada Park", email: null } });
  const linesOf = (file: string) => readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);

  it("writes each id once, whether repeated at once, later, or by a sink opened after a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "steward-sink-"));
    try {
      const file = join(dir, "out.jsonl");
      const sink = new FileSink(file);
      const first = await Promise.all(["a", "b", "a", "c", "b"].map((id) => sink.deliver(withId(id))));
      expect(first.map((d) => d.duplicate)).toEqual([false, false, true, false, true]);
      expect((await sink.deliver(withId("c"))).duplicate).toBe(true);
      await sink.close();
      // A crash mid-write leaves a torn last line: the next sink cuts it off before appending.
      appendFileSync(file, '{"id":"d","decisionId":"de');
      const reopened = new FileSink(file);
      expect((await reopened.deliver(withId("a"))).duplicate).toBe(true);
      expect((await reopened.deliver(withId("d"))).duplicate).toBe(false);
      await reopened.close();
      expect(linesOf(file)).toEqual(["a", "b", "c", "d"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("group commit", () => {
  it("flushes jobs that arrive during a flush together in the next one, each caller getting its own result", async () => {
    const groups: number[][] = [];
    const gc = new GroupCommit<number, number>(async (take) => {
      const jobs = take();
      groups.push(jobs);
      await new Promise((r) => setTimeout(r, 5));
      return jobs.map((j) => j * 10);
    });
    const first = gc.submit(1);
    await new Promise((r) => setTimeout(r, 1));
    const rest = [2, 3, 4].map((j) => gc.submit(j));
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it("fails every job of a group whose flush fails, and goes on with the next", async () => {
    let calls = 0;
    const gc = new GroupCommit<number, number>(async (take) => {
      const jobs = take();
      if (calls++ === 0) throw new Error("disk full");
      return jobs;
    });
    await expect(gc.submit(1)).rejects.toThrow("disk full");
    expect(await gc.submit(2)).toBe(2);
  });

  it("takes its group only once it may start, so jobs that came while it waited for the connection join it", async () => {
    const groups: number[][] = [];
    let connectionFree: () => void = () => {};
    const connection = new Promise<void>((r) => (connectionFree = r));
    const gc = new GroupCommit<number, number>(async (take) => {
      await connection;
      const jobs = take();
      groups.push(jobs);
      return jobs.map((j) => -j);
    });
    const first = gc.submit(1);
    await new Promise((r) => setTimeout(r, 2));
    const later = [2, 3].map((j) => gc.submit(j));
    connectionFree();
    expect(await Promise.all([first, ...later])).toEqual([-1, -2, -3]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it("fails the waiting jobs when a flush fails before it could take them", async () => {
    let calls = 0;
    const gc = new GroupCommit<number, number>(async (take) => {
      if (calls++ === 0) throw new Error("cannot begin");
      return take();
    });
    await expect(gc.submit(1)).rejects.toThrow("cannot begin");
    expect(await gc.submit(2)).toBe(2);
  });
});
