// The three reference agents against a real Steward server, on SQLite and on PostgreSQL: they propose,
// learn from outcomes, and survive a restart — mid-round, even after the gate decided but before the
// answer reached them — without losing or repeating work.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { StewardClient, type HcpEvent } from "../src/sdk/index.ts";
import { FieldPrepAgent, MiTriageAgent, NbaAgent } from "../src/reference-agents/index.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, PASSWORD, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const ROOT = resolve(import.meta.dirname, "..");

/** The `steward` command in a child process (asynchronously: the server runs in this one). */
function steward(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/steward.js"), ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => done({ status, stdout, stderr }));
  });
}
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const noWait = async () => {};

/**
 * A fetch that loses the answers of proposals after the first `n`: the request reaches the server (so
 * the gate decides), then the agent sees a network failure — a crash at the worst moment.
 */
function losingAnswersAfter(n: number): typeof fetch {
  let proposals = 0;
  return async (input, init) => {
    const url = String(input);
    if (init?.method === "POST" && url.includes("/v1/proposals")) {
      proposals++;
      if (proposals > n) {
        await fetch(input, init);
        throw new TypeError("fetch failed (answer lost)");
      }
    }
    return fetch(input, init);
  };
}

describe.each(ENGINES)("the reference agents on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  let stateDir: string;
  const keys: Record<string, string> = {};
  const clock = new ManualClock(MONDAY_AFTERNOON);
  const now = () => clock.now();
  const client = (key: string, fetchImpl?: typeof fetch) => new StewardClient({ url: server.url, token: key, sleep: noWait, ...(fetchImpl ? { fetch: fetchImpl, retry: { retries: 0 } } : {}) });
  const mops = () => client(m.tokens.mops);
  const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
  const decisionsOf = (agentId: string) =>
    server.ctx.store.db.selectFrom("decisions").select(["id", "idempotency_key", "hcp_id", "outcome"]).where("agent_id", "=", agentId).orderBy("idempotency_key").execute();

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
    const owner = client(m.tokens.owner);
    for (const [id, actions] of [["nba-bot", ["email"]], ["mi-bot", ["mi_response"]], ["fp-bot", ["field_suggestion"]]] as const) {
      const r = await owner.registerAgent({ id, name: id, owner: "owner", objective: "test", metric: "test", actions: [...actions], markets: ["US", "DE"], priority: 50 });
      keys[id] = r.apiKey;
    }
    stateDir = mkdtempSync(join(tmpdir(), "steward-agents-"));
  });
  afterAll(async () => {
    await server?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it("MI triage: turns each MI request into one mi_response for medical review, across a crash, and tracks it to its answer", async () => {
    clock.set(MONDAY_AFTERNOON);
    const requests: HcpEvent[] = ["us-1", "us-2", "de-1"].map((hcpId, i) => ({ id: `mi-req-${i}`, hcpId, type: "mi.request_received", source: "mi", occurredAt: at(-HOUR), data: { topic: "renal dosing" } }));
    // The agent reads them from Steward's events feed, with the rest of what was ingested.
    await mops().ingestEvents([...requests, { id: "noise-1", hcpId: "us-1", type: "crm.call_logged", source: "crm", occurredAt: at(-HOUR) }]);
    const statePath = join(stateDir, "mi.json");

    const crashing = new MiTriageAgent({ client: client(keys["mi-bot"]!, losingAnswersAfter(1)), statePath, now });
    await expect(crashing.tick()).rejects.toThrow(/no answer/);
    expect(await decisionsOf("mi-bot")).toHaveLength(2); // the second was decided, its answer lost

    const restarted = new MiTriageAgent({ client: client(keys["mi-bot"]!), statePath, now });
    const r = await restarted.tick();
    expect(r.decisions.map((d) => d.outcome)).toEqual(["pending_review", "pending_review"]);
    const decided = await decisionsOf("mi-bot");
    expect(decided.map((d) => d.idempotency_key)).toEqual(["mi:mi-req-0", "mi:mi-req-1", "mi:mi-req-2"]);
    expect(restarted.summary()).toEqual({ overdue: 0, pending_review: 3 });
    expect((await restarted.tick()).decisions).toEqual([]);

    // Medical approves one and it is answered; one review runs past its deadline.
    const one = decided[0]!;
    const review = (await client(m.tokens.medical).listReviews({ status: "open", role: "reviewer:medical" })).find((x) => x.decisionId === one.id)!;
    // The reviewer reads the drafted answer: in the HCP's market language, with its reference.
    const drafts = await Promise.all(decided.map(async (d) => (await client(m.tokens.medical).listReviews({ role: "reviewer:medical" })).find((x) => x.decisionId === d.id)!.id));
    const [en, , de] = await Promise.all(drafts.map((id) => client(m.tokens.medical).getReview(id)));
    expect(en!.content!.text).toContain("No dose adjustment is needed in mild to moderate renal impairment");
    expect(en!.content!.text).toContain("Reference: Cardiozan (zanitrapib) 10 mg tablets, US Prescribing Information");
    expect(en!.content!.subject).toBe("Your medical information request: renal dosing");
    expect(de!.content!.text).toContain("keine Dosisanpassung erforderlich");
    expect(de!.content!.text).toContain("Quelle: Fachinformation");
    await client(m.tokens.medical).approveReview(review.id, { password: PASSWORD, meaning: "approved" });
    clock.advance(49 * HOUR);
    await mops().ingestEvents([{ id: "mi-ans-0", hcpId: one.hcp_id, type: "mi_answered", source: "mi", occurredAt: at(-HOUR), decisionId: one.id }]);
    const later = new MiTriageAgent({ client: client(keys["mi-bot"]!), statePath, now });
    const r2 = await later.tick();
    expect(r2.notes.filter((n) => n.includes("overdue"))).toHaveLength(2);
    expect(later.summary()).toEqual({ overdue: 2, answered: 1, pending_review: 2 });
    expect((await decisionsOf("mi-bot"))).toHaveLength(3);
  });

  it("NBA: proposes with its posterior's confidence, learns from an engaged outcome, backs off after a rejection, survives a crash", async () => {
    clock.set(Date.parse(MONDAY_AFTERNOON) + 7 * DAY);
    const statePath = join(stateDir, "nba.json");
    const arms = [{ id: "email-ldl", action: "email" as const, assets: { US: "ast-us", DE: "ast-de" } }];
    const signals: HcpEvent[] = ["us-1", "us-2", "de-1", "de-2"].map((hcpId, i) => ({ id: `sig-${i}`, hcpId, type: "web.content_viewed", source: "web", occurredAt: at(-HOUR), data: { segment: "cardiology" } }));
    await mops().ingestEvents(signals);

    const crashing = new NbaAgent({ client: client(keys["nba-bot"]!, losingAnswersAfter(2)), statePath, now }, { arms, seed: 11 });
    await expect(crashing.tick()).rejects.toThrow();
    const restarted = new NbaAgent({ client: client(keys["nba-bot"]!), statePath, now }, { arms, seed: 11 });
    await restarted.tick();
    const decided = await decisionsOf("nba-bot");
    expect(decided.map((d) => d.hcp_id).sort()).toEqual(["de-1", "de-2", "us-1", "us-2"]);
    expect(new Set(decided.map((d) => d.idempotency_key)).size).toBe(4);
    const detail = await client(keys["nba-bot"]!).getDecision(decided.find((d) => d.hcp_id === "us-1")!.id);
    expect(detail.proposal).toMatchObject({ confidence: 1, expectedValue: 0.5, hcpId: "us-1" });
    expect(decided.find((d) => d.hcp_id === "de-2")!.outcome).toBe("rejected"); // no opt-in consent in DE

    // us-1 opens the email: a success for the arm in its segment.
    const us1 = decided.find((d) => d.hcp_id === "us-1")!;
    clock.advance(HOUR);
    await mops().ingestEvents([
      { id: "o-1", hcpId: "us-1", type: "delivered", source: "esp", occurredAt: at(-30 * 60_000), decisionId: us1.id },
      { id: "o-2", hcpId: "us-1", type: "opened", source: "esp", occurredAt: at(-10 * 60_000), decisionId: us1.id },
    ]);
    await restarted.tick();
    expect(restarted.snapshot().posteriors.cardiology!["email-ldl"]).toEqual([2, 1]);

    // Four days on, the silent ones count as failures; de-2 signals again but is held back.
    clock.advance(4 * DAY);
    await mops().ingestEvents([{ id: "sig-again", hcpId: "de-2", type: "web.content_viewed", source: "web", occurredAt: at(-HOUR) }]);
    const r = await restarted.tick();
    expect(restarted.snapshot().posteriors.cardiology!["email-ldl"]).toEqual([2, 3]);
    expect(r.decisions).toEqual([]);
    expect(r.notes.some((n) => n.startsWith("holding back from de-2"))).toBe(true);
    expect(await decisionsOf("nba-bot")).toHaveLength(4);
  });

  it("field preparation: suggests a visit after a symposium with why-this-why-now, learns from the rep, brings a snoozed one back once", async () => {
    clock.set(Date.parse(MONDAY_AFTERNOON) + 30 * DAY);
    const statePath = join(stateDir, "fp.json");
    const signals: HcpEvent[] = [
      { id: "sym-1", hcpId: "us-1", type: "symposium.attended", source: "events", occurredAt: at(-3 * HOUR), data: { event: "ACC.25 satellite symposium: LDL-C beyond statins" } },
      { id: "view-1", hcpId: "us-2", type: "web.content_viewed", source: "web", occurredAt: at(-2 * HOUR), data: { page: "/lipid-horizon/results" } },
    ];
    await mops().ingestEvents(signals);

    const crashing = new FieldPrepAgent({ client: client(keys["fp-bot"]!, losingAnswersAfter(0)), statePath, now });
    await expect(crashing.tick()).rejects.toThrow();
    const agent = new FieldPrepAgent({ client: client(keys["fp-bot"]!), statePath, now });
    const r = await agent.tick();
    expect(r.decisions.map((d) => [d.hcpId, d.outcome])).toEqual([["us-1", "allowed"], ["us-2", "allowed"]]);
    const decided = await decisionsOf("fp-bot");
    expect(decided.map((d) => d.idempotency_key)).toEqual(["fs:sym-1", "fs:view-1"]);
    const sym = await client(keys["fp-bot"]!).getDecision(decided[0]!.id);
    expect(sym.proposal).toMatchObject({ confidence: 0.6, evidence: ["sym-1"] });
    expect((sym.proposal as { rationale: string }).rationale).toMatch(/^Why this: us-1 attended "ACC.25 satellite symposium: LDL-C beyond statins" today\. Why now: /);

    clock.advance(HOUR);
    await mops().ingestEvents([
      { id: "fs-acc", hcpId: "us-1", type: "suggestion_accepted", source: "crm", occurredAt: at(-10 * 60_000), decisionId: decided[0]!.id },
      { id: "fs-snz", hcpId: "us-2", type: "suggestion_snoozed", source: "crm", occurredAt: at(-10 * 60_000), decisionId: decided[1]!.id },
    ]);
    await agent.tick();
    expect(agent.acceptanceOf("symposium")).toBe(0.667);
    expect(agent.acceptanceOf("engagement")).toBe(0.583);

    clock.advance(3 * DAY);
    const back = await agent.tick();
    expect(back.decisions.map((d) => d.idempotencyKey)).toEqual(["fs:view-1:after-snooze"]);
    clock.advance(3 * DAY);
    expect((await agent.tick()).decisions).toEqual([]);
    expect(await decisionsOf("fp-bot")).toHaveLength(3);
  });

  it("runs from the command line: `steward agents run mi-triage --url --key --once`, following the events feed", async () => {
    clock.set(Date.parse(MONDAY_AFTERNOON) + 40 * DAY);
    const request: HcpEvent = { id: "cli-req-1", hcpId: "de-2", type: "MI-Inquiry", source: "mi", occurredAt: at(-HOUR), data: { topic: "pregnancy" } };
    await mops().ingestEvents([request]);
    const cliState = join(stateDir, "cli");
    const before = (await decisionsOf("mi-bot")).length;
    const run = await steward("agents", "run", "mi-triage", "--url", server.url, "--key", keys["mi-bot"]!, "--state", cliState, "--history", "100000", "--once");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    // A fresh state reads the whole feed (--history spans the test clock's past): the earlier requests'
    // proposals go again under their keys and get their stored decisions back; only cli-req-1 is new.
    expect(run.stdout).toMatch(/\d+ events, 4 proposals/);
    expect((await decisionsOf("mi-bot")).length).toBe(before + 1);
    expect(existsSync(join(cliState, "mi-triage.mi-bot.json"))).toBe(true);
    expect((await decisionsOf("mi-bot")).map((d) => d.idempotency_key)).toContain("mi:cli-req-1");
    const again = await steward("agents", "run", "mi-triage", "--url", server.url, "--key", keys["mi-bot"]!, "--state", cliState, "--history", "100000", "--once");
    expect(again.stdout).toContain("0 events, 0 proposals");
    expect((await steward("agents", "run", "nope", "--url", server.url, "--key", "x")).status).toBe(2);
  });
});
