// The console in a real browser (Debian's chromium through playwright-core) against a real Steward on a
// temporary SQLite store: sign in, the kill switch, a signed review, the decision explorer, content, a
// bad bundle's line number, and the audit verification. Any console error or page error fails it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { ADMIN_TOKEN, startTestServer, type TestServer } from "./server.ts";
import { PASSWORD, email, ok, seedMarket, type Market } from "./market.ts";
import { Dispatcher } from "../src/dispatch/dispatcher.ts";
import { defaultDispatchConfig } from "../src/dispatch/config.ts";

const ROOT = resolve(import.meta.dirname, "..");
const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const CHROMIUM = "/usr/bin/chromium";
const SHOTS = join(ROOT, "test-output", "screenshots");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

describe("the console", () => {
  let server: TestServer;
  let m: Market;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  /** Console errors and page errors since the last check. */
  let problems: string[] = [];
  /** Responses a step expects to fail (the browser logs each as a console error): `status url-part`. */
  const expectedFailures = new Set<string>();
  let reviewId: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    // `npm test` builds the console first (pretest); a direct vitest run builds it here if it is stale.
    execFileSync(process.execPath, [join(ROOT, "web/build.mjs")], { cwd: ROOT, stdio: "pipe", env: { ...process.env, NODE_ENV: "production" } });
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });

    server = await startTestServer("sqlite", { governanceDir: BUNDLE });
    m = await seedMarket(server);
    // One person with the roles this walk-through needs, who signs in with a password.
    await ok(m.admin.post("/v1/users", { username: "lead", name: "Lea Duval", roles: ["agent_owner", "reviewer:brand", "reviewer:medical", "auditor"], password: PASSWORD }), 201);
    // A second claim and an asset built on it, to withdraw from the console.
    await ok(m.users.mops.post("/v1/claims", { id: "clm-2", text: "Cardiozan is well tolerated in patients over 65.", product: "cardiozan", riskClass: "low", references: ["Lee et al. 2025, Lancet 401:22-30"], markets: ["US"] }), 201);
    await ok(m.users.medical.post("/v1/claims/clm-2/approve", { signature: { password: PASSWORD, meaning: "approved" } }));
    await ok(m.users.mops.post("/v1/assets", { id: "ast-us-65", title: "Tolerability over 65", subject: "Older patients", channel: "email", market: "US", language: "en", product: "cardiozan", claims: ["clm-2"], body: "{{claim:clm-2}} Unsubscribe: {{unsubscribe}}", safetyInfo: "See full prescribing information.", derivedFrom: "ast-us" }), 201);
    // Decisions to look at: allowed or scheduled, rejected without consent, one waiting for brand review.
    await ok(m.agent.post("/v1/proposals", email("us-1")));
    await ok(m.agent.post("/v1/proposals", email("de-2")));
    await ok(m.rival.post("/v1/proposals", email("us-2")));
    const review = await ok(m.agent.post("/v1/proposals", email("de-1", { confidence: 0.3, rationale: "Opened the last two emails; low certainty on timing." })));
    expect(review.outcome).toBe("pending_review");
    reviewId = review.reviewId;

    profile = mkdtempSync(join(tmpdir(), "steward-chromium-"));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1366, height: 860 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (msg) => {
      if (msg.type() !== "error") return;
      const url = msg.location().url ?? "";
      const expected = msg.text().startsWith("Failed to load resource") && [...expectedFailures].some((f) => msg.text().includes(f.split(" ")[0]!) && url.includes(f.split(" ")[1]!));
      if (!expected) problems.push(`console error: ${msg.text()} (${url})`);
    });
  }, 180_000);

  afterEach(async () => {
    // A step that failed with a dialog open must not take the next steps down with it.
    if (await page.getByRole("dialog").count()) await page.keyboard.press("Escape");
    const seen = problems;
    problems = [];
    expect(seen, "the browser reported errors").toEqual([]);
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await server?.stop();
  });

  // Whole pages; a page under a dialog is taken as the screen shows it (fixed parts stay in place).
  const shot = async (name: string, fullPage = true) => {
    if (fullPage) await page.evaluate("window.scrollTo(0, 0)"); // a string: this file is type-checked without the DOM
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  };
  const nav = async (label: string) => {
    await page.getByRole("navigation", { name: "Console pages" }).getByRole("link", { name: label, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: label }).waitFor();
  };

  it("shows each person only the pages their roles open", async () => {
    await page.goto(server.url + "/");
    await page.getByRole("heading", { name: "Steward console" }).waitFor();
    await shot("01-login");
    await page.getByRole("tab", { name: "User token" }).click();
    await page.getByRole("textbox", { name: "User token" }).fill(m.tokens.auditor);
    await page.getByRole("button", { name: "Sign in with token" }).click();
    await page.getByRole("heading", { level: 1, name: "Audit" }).waitFor();
    const links = await page.getByRole("navigation", { name: "Console pages" }).getByRole("link").allTextContents();
    expect(links).toContain("Audit");
    expect(links).not.toContain("Reviews");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Steward console" }).waitFor();
  });

  it("signs in with a username and password", async () => {
    await page.getByRole("textbox", { name: "Username" }).fill("lead");
    await page.getByRole("textbox", { name: "Password", exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    // An agent owner who also reviews lands on the review queues.
    await page.getByRole("heading", { level: 1, name: "Reviews" }).waitFor();
    await expect(page.getByRole("navigation", { name: "Console pages" }).getByRole("link").allTextContents()).resolves.toEqual(
      expect.arrayContaining(["Portfolio", "Reviews", "Decisions", "Content", "Data and metrics", "Governance", "Audit"]),
    );
  });

  it("halts an agent with a reason and a confirmation; its next proposal is rejected", async () => {
    await nav("Portfolio");
    const rival = page.locator("tr[data-agent=rival]");
    await rival.getByText("active").waitFor();
    await shot("02-portfolio");
    await page.getByRole("button", { name: "Halt Rival" }).click();
    const dialog = page.getByRole("dialog");
    const confirm = dialog.getByRole("button", { name: "Halt Rival" });
    expect(await confirm.isDisabled()).toBe(true); // no reason, no halt
    await dialog.getByRole("textbox", { name: "Reason" }).fill("Sends outside the approved campaign window");
    await confirm.click();
    await dialog.waitFor({ state: "hidden" });
    await rival.getByText("halted").waitFor();
    await rival.getByText("Sends outside the approved campaign window").waitFor();
    // The change is in the audit trail at once, shown beside the list.
    const changes = page.getByRole("table", { name: "Recent portfolio changes" });
    await changes.getByText("agent.halted").waitFor();
    await shot("03-portfolio-halted");

    // The halted agent's own proposal is rejected on the record; so is one its owner sends on its behalf.
    const own = await ok(m.rival.post("/v1/proposals", email("us-1")));
    expect(own.reasons.map((r: { code: string }) => r.code)).toContain("AGENT_HALTED");
    const next = (await ok(m.users.owner.post("/v1/proposals/batch", { proposals: [{ ...email("us-1"), agentId: m.rivalId }] }))).decisions[0];
    expect(next.outcome).toBe("rejected");
    expect(next.reasons.map((r: { code: string }) => r.code)).toContain("AGENT_HALTED");
    const audit = await ok(m.users.auditor.get("/v1/audit?limit=1000"));
    expect(audit.records.some((r: { type: string; subject: string }) => r.type === "agent.halted" && r.subject === "agent:rival")).toBe(true);
  });

  it("approves a review with an electronic signature: the content is shown with its claims highlighted", async () => {
    await nav("Reviews");
    await page.getByRole("tab", { name: /brand/ }).click();
    await page.locator(`[data-review="${reviewId}"]`).click();
    const detail = page.getByLabel(`Review ${reviewId}`);
    await detail.locator('mark[data-claim="clm-1"]').waitFor();
    await detail.getByText("low-confidence-needs-brand").first().waitFor();
    await shot("04-review");
    await detail.getByRole("button", { name: "Approve…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Lea Duval").waitFor();
    await dialog.getByRole("textbox", { name: "Your password" }).fill(PASSWORD);
    await shot("05-signature", false);
    await dialog.getByRole("button", { name: "Sign: approved" }).click();
    await page.getByText(`Approved review ${reviewId}`).waitFor();
    const review = await ok(m.admin.get(`/v1/reviews/${reviewId}`));
    expect(review.review.status).toBe("approved");
    expect(review.review.signatures[0]).toMatchObject({ username: "lead", printedName: "Lea Duval", meaning: "approved" });
  });

  it("shows an MI answer's own text in its review panel, with the hash the signature covers", async () => {
    const answer = { subject: "Ihre Anfrage: Nierenfunktion", text: "Sehr geehrte Frau Dr. Wolf,\n\nbei leichter bis mittelschwerer Nierenfunktionsstörung ist keine Dosisanpassung erforderlich.\n\nQuelle: Fachinformation Cardiozan, Abschnitt 4.2." };
    const mi = await ok(m.agent.post("/v1/proposals", { idempotencyKey: "console-mi-1", hcpId: "de-1", action: "mi_response", purpose: "medical", content: answer }));
    expect(mi.outcome).toBe("pending_review");
    const { review } = await ok(m.admin.get(`/v1/reviews/${mi.reviewId}`));
    await nav("Reviews");
    await page.getByRole("tab", { name: /medical/ }).click();
    await page.locator(`[data-review="${mi.reviewId}"]`).click();
    const detail = page.getByLabel(`Review ${mi.reviewId}`);
    const content = detail.getByLabel("Content of the action, as it will be sent");
    await content.getByText(answer.subject).waitFor();
    expect(await content.locator("[data-rendered-text]").textContent()).toBe(answer.text);
    expect(await detail.locator("[data-content-hash]").textContent()).toBe(review.content.hash);
    expect(await detail.getByText("This action carries no content").count()).toBe(0);
    await shot("04b-review-mi");
  });

  it("filters decisions by agent, outcome and reason, and explains one", async () => {
    await nav("Decisions");
    await page.locator("tr[data-decision]").first().waitFor();
    await shot("06-decisions");
    await page.getByRole("combobox", { name: "Agent" }).click();
    await page.getByRole("option", { name: "Rival (rival)" }).click();
    await page.getByRole("combobox", { name: "Outcome" }).click();
    await page.getByRole("option", { name: "rejected" }).click();
    await page.getByRole("combobox", { name: "Reason" }).fill("AGENT_HALTED");
    await page.getByRole("option", { name: "AGENT_HALTED" }).click();
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/agentId=rival/);
    // The halted agent's own attempt and the one its owner made on its behalf.
    await expect.poll(() => page.locator("tr[data-decision]").count()).toBe(2);
    expect(new URL(page.url()).searchParams.get("reason")).toBe("AGENT_HALTED");
    await page.getByTestId("decision-count").getByText("2 decision(s)").waitFor();
    await shot("07-decisions-filtered");

    await page.locator("tr[data-decision] a").first().click();
    await page.getByRole("heading", { level: 1, name: "Decision" }).waitFor();
    const agentCheck = page.locator("tr[data-check=agent]");
    await agentCheck.getByText("fail").waitFor();
    await agentCheck.getByText("AGENT_HALTED").waitFor();
    await page.getByText("Governance bundle version").waitFor();
    await shot("08-decision");
  });

  it("shows claims and assets, and withdraws a claim with its cascade's counts", async () => {
    await nav("Content");
    await page.locator("tr[data-claim-row=clm-2]").waitFor();
    await shot("09-content-claims");
    await page.getByRole("button", { name: "Withdraw claim clm-2" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: "Reason" }).fill("Safety update: new data in patients over 75");
    await dialog.getByRole("button", { name: "Withdraw the claim" }).click();
    await page.getByTestId("cascade").getByText("1 asset(s) blocked").waitFor();
    await page.locator("tr[data-claim-row=clm-2]").getByText("withdrawn").waitFor();
    await page.getByRole("tab", { name: "Assets" }).click();
    await page.getByRole("button", { name: "Show asset ast-us-65" }).click();
    const asset = page.getByLabel("Asset ast-us-65");
    await asset.locator('mark[data-claim="clm-2"]').waitFor();
    await asset.getByRole("button", { name: "ast-us" }).waitFor(); // derived from
    await shot("10-content-asset");
  });

  it("draws the data and metrics charts, honestly empty where the server measures nothing", async () => {
    await nav("Data and metrics");
    await page.getByRole("region", { name: "Decisions per hour by outcome" }).locator(".recharts-surface").first().waitFor();
    await page.getByRole("region", { name: "Rejection reasons" }).locator(".recharts-surface").first().waitFor();
    await page.getByRole("region", { name: "Source latency against what each action requires" }).getByText(/No events ingested|Hours from occurred/).first().waitFor();
    await page.waitForTimeout(300); // let the charts' entry animation finish before the picture
    await shot("11-data");
  });

  it("shows the active bundle as a matrix and a bad candidate's line number", async () => {
    // Only an admin may dry-run a candidate (it replays decisions on the server): sign in as one.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("tab", { name: "User token" }).click();
    await page.getByRole("textbox", { name: "User token" }).fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in with token" }).click();
    await page.getByRole("navigation", { name: "Console pages" }).getByRole("link", { name: "Governance" }).waitFor();
    await nav("Governance");
    await page.getByRole("table", { name: /Decision-authority matrix/ }).waitFor();
    await shot("12-governance");

    const files = Object.fromEntries(["authority.yaml", "contact.yaml", "markets.yaml", "freshness.yaml"].map((f) => [f, readFileSync(join(BUNDLE, f), "utf8")]));
    const bad = files["authority.yaml"]!.replace(/(id: field-autonomous\n\s+when: \{ action: field_suggestion \}\n\s+outcome: )autonomous/, "$1sometimes");
    expect(bad).toContain("sometimes");
    const line = bad.split("\n").findIndex((l) => l.includes("sometimes")) + 1;
    const direct = await m.admin.post("/v1/governance/dry-run", { files: { ...files, "authority.yaml": bad } });
    expect(direct.status).toBe(400);
    expect(direct.body.error.details[0]).toMatchObject({ file: "authority.yaml", line });

    await page.getByRole("tab", { name: "Candidate bundle" }).click();
    await page.locator('input[type="file"]').setInputFiles({ name: "authority.yaml", mimeType: "application/yaml", buffer: Buffer.from(bad) });
    await page.getByText("1 file(s) put into the candidate").waitFor();
    expectedFailures.add("400 /v1/governance/dry-run");
    await page.getByRole("button", { name: "Validate and dry run" }).click();
    const errors = page.getByTestId("bundle-errors");
    await errors.getByText(`line ${line}`, { exact: true }).waitFor();
    await errors.getByText(/unknown outcome "sometimes"/).waitFor();
    await shot("13-governance-bad-bundle");

    // A candidate that loads: promotional emails now need brand's confirmation. The dry run says what would change.
    await page.getByRole("button", { name: "Reset to the active bundle" }).click();
    const stricter = files["authority.yaml"]!.replace(/(id: promo-email-autonomous\n(?:.*\n)*?\s+outcome: )autonomous/, "$1confirm\n    reviewers: [reviewer:brand]");
    expect(stricter).not.toBe(files["authority.yaml"]);
    await page.getByRole("textbox", { name: "Contents of authority.yaml" }).fill(stricter);
    await page.getByRole("button", { name: "Validate and dry run" }).click();
    const summary = page.getByTestId("dry-run-summary");
    await summary.getByText(/recent decision\(s\) replayed/).waitFor();
    expect(Number(await summary.locator("strong").first().textContent())).toBeGreaterThan(0);
    await page.getByRole("table", { name: "Decisions that would change" }).getByText("pending review").first().waitFor();
    await shot("14-governance-dry-run");
  });

  it("verifies the audit trail and shows its head hash", async () => {
    await nav("Audit");
    await page.locator("tr[data-seq]").first().waitFor();
    await page.getByRole("button", { name: "Verify the chain" }).click();
    const result = page.getByTestId("verification");
    await result.getByText("The audit trail is intact").waitFor();
    const verify = await ok(server.api.as(ADMIN_TOKEN).get("/v1/audit/verify"));
    expect(verify.ok).toBe(true);
    expect(await page.getByTestId("head-hash").textContent()).toBe(verify.headHash);
    await shot("15-audit");
    expect(readdirSync(SHOTS).length).toBeGreaterThanOrEqual(15);
  });

  it("fits a laptop screen", async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    await nav("Portfolio");
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    await shot("16-portfolio-1024");
  });

  it("lets MOps mark a first use submitted with a signature, and shows a revision campaign's progress", async () => {
    await page.setViewportSize({ width: 1366, height: 860 });
    // The US email decided in beforeAll goes out: its asset version's first use opens.
    const dispatcher = new Dispatcher(server.ctx, defaultDispatchConfig(server.location.dataDir));
    expect((await dispatcher.drainAll()).sent).toBeGreaterThan(0);
    await dispatcher.stop();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("textbox", { name: "Username" }).fill("mops");
    await page.getByRole("textbox", { name: "Password", exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("navigation", { name: "Console pages" }).waitFor();
    await nav("Content");
    await page.getByRole("tab", { name: "First use (FDA 2253)" }).click();
    const row = page.locator('tr[data-first-use="ast-us@1"]');
    await row.getByText("email").waitFor();
    await row.getByRole("button", { name: "Mark ast-us v1 submitted" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: "Submission reference" }).fill("2253-UI-0001");
    await dialog.getByLabel("Your password").fill(PASSWORD);
    await dialog.getByRole("button", { name: "Sign: reviewed" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("status").getByText("Marked ast-us v1 submitted (reference 2253-UI-0001).").waitFor();
    const [item] = (await ok(m.users.auditor.get("/v1/content/first-use?status=submitted"))).items;
    expect(item).toMatchObject({ assetId: "ast-us", version: 1, reference: "2253-UI-0001", submittedBy: { username: "mops" } });
    await page.locator(".mantine-SegmentedControl-root").getByText("Submitted", { exact: true }).click();
    await page.locator('tr[data-first-use="ast-us@1"]').getByText("2253-UI-0001").waitFor();
    await shot("17-content-first-use");

    await ok(m.users.mops.post("/v1/claims", { id: "clm-1b", text: "Cardiozan lowers LDL-C by 48% at 12 weeks.", product: "cardiozan", references: ["Smith et al. 2025, NEJM 391:1-10"], markets: ["US", "DE"] }), 201);
    await ok(m.users.medical.post("/v1/claims/clm-1b/approve", { signature: { password: PASSWORD, meaning: "approved" } }));
    const withdrawal = await ok(m.users.medical.post("/v1/claims/clm-1/withdraw", { reason: "safety update: new label", replacedBy: "clm-1b" }));
    expect(withdrawal.revisions.map((r: { assetId: string }) => r.assetId)).toEqual(["ast-de", "ast-us"]);
    await page.getByRole("tab", { name: "Revisions" }).click();
    const campaign = page.getByLabel(`Revision campaign ${withdrawal.campaignId}`);
    await campaign.locator('tr[data-progress="US-email"]').waitFor();
    await campaign.locator('tr[data-progress="DE-email"]').waitFor();
    await shot("18-content-revisions");
  });
});
