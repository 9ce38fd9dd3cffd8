// Replacing the governance bundle through the API: validation with file:line:column, the dry run's
// "what would change", activation, and the running bundle untouched by a bad candidate.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { bundleFiles, startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, email, ok, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");

describe.each(ENGINES)("governance over the API on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);
  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
    await ok(m.agent.post("/v1/proposals", email("us-1")));
    await ok(m.agent.post("/v1/proposals", email("us-2")));
  });
  afterAll(async () => server?.stop());

  it("shows the active bundle: version, owner, rules", async () => {
    const g = await ok(m.users.mops.get("/v1/governance"));
    expect(g.version).toBe(server.ctx.governance.current().version);
    expect(g.owner).toBe("Test Owner <owner@example.com>");
    expect(g.rules.map((r: any) => r.id)).toContain("promo-email-autonomous");
  });

  it("refuses a broken candidate with file, line and column, and keeps the running bundle", async () => {
    const before = server.ctx.governance.current().version;
    const audits = (await ok(m.users.auditor.get("/v1/audit?limit=1000"))).records.length;
    const files = bundleFiles(BUNDLE);
    files["authority.yaml"] = files["authority.yaml"]!.replace("outcome: forbidden\n    reason:", "outcome: forbiden\n    reason:");
    const res = await m.admin.put("/v1/governance", { files });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("BUNDLE_INVALID");
    const problem = res.body.error.details.find((d: any) => d.file === "authority.yaml");
    const expectedLine = files["authority.yaml"]!.split("\n").findIndex((l) => l.includes("forbiden")) + 1;
    expect(problem.line).toBe(expectedLine);
    expect(problem.column).toBeGreaterThan(1);
    expect(server.ctx.governance.current().version).toBe(before);
    expect((await ok(m.users.auditor.get("/v1/audit?limit=1000"))).records.length).toBe(audits);
  });

  it("a dry run shows which recent decisions a stricter candidate would change", async () => {
    const files = bundleFiles(BUNDLE);
    files["authority.yaml"] = files["authority.yaml"]! + `  - id: no-email-at-all\n    when: { action: email }\n    outcome: forbidden\n`;
    files["tests/authority.yaml"] = "[]\n";
    const report = await ok(m.admin.post("/v1/governance/dry-run", { files }));
    expect(report.replayed).toBeGreaterThanOrEqual(2);
    expect(report.changed).toBeGreaterThanOrEqual(2);
    expect(report.changes[0].after.outcome).toBe("rejected");
    expect(report.changes[0].after.reasons).toContain("AUTHORITY_FORBIDDEN:no-email-at-all");
  });

  it("lets only those who may change governance dry-run a candidate: a viewer or MOps gets 403", async () => {
    const viewer = m.admin.as((await ok(m.admin.post("/v1/users", { username: "vera", name: "Vera Viewer", roles: ["viewer"], password: "a viewer's password" }), 201)).token);
    const files = bundleFiles(BUNDLE);
    for (const caller of [viewer, m.users.mops, m.users.medical, m.agent]) {
      const res = await caller.post("/v1/governance/dry-run", { files });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("FORBIDDEN");
    }
    // Refused before the body is read: a viewer learns nothing about the files it sent.
    expect((await viewer.post("/v1/governance/dry-run", { files: { "authority.yaml": 42 } })).status).toBe(403);
  });

  it("bounds an uploaded bundle: a body over 1 MiB is 413, a file over 256 KiB or more than 64 files is 400", async () => {
    const files = bundleFiles(BUNDLE);
    const huge = await m.admin.post("/v1/governance/dry-run", { files: { ...files, "tests/big.yaml": `# ${"x".repeat(1024 * 1024)}\n` } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("BODY_TOO_LARGE");
    const bigFile = await m.admin.post("/v1/governance/dry-run", { files: { ...files, "tests/big.yaml": `# ${"x".repeat(256 * 1024)}\n` } });
    expect(bigFile.status).toBe(400);
    expect(bigFile.body.error.message).toMatch(/at most 262144 characters/);
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`tests/t${i}.yaml`, "[]\n"]));
    const tooMany = await m.admin.put("/v1/governance", { files: { ...files, ...many } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/at most 64 files/);
  });

  it("a catastrophic regular expression in a candidate does not stall the server: /healthz answers throughout the dry run", async () => {
    const files = bundleFiles(BUNDLE);
    files["authority.yaml"] += `  - id: repeated-a\n    when: { action: email }\n    if: hcp.specialty.matches("^(a+)+$")\n    outcome: forbidden\n`;
    // On a backtracking engine each of these inputs costs 2^n steps (seconds at 27); RE2 answers in microseconds.
    const cases = [24, 25, 26, 27, 28].map((n) => `- name: ${n} a's and a b\n  proposal: { action: email, purpose: promotional, confidence: 0.9 }\n  hcp: { market: US, specialty: "${"a".repeat(n)}b" }\n  expect: { authority: autonomous }\n`);
    cases.push(`- name: only a's\n  proposal: { action: email, purpose: promotional, confidence: 0.9 }\n  hcp: { market: US, specialty: "${"a".repeat(28)}" }\n  expect: { authority: forbidden }\n`);
    files["tests/regex.yaml"] = cases.join("");

    let answered = false;
    const dryRun = m.admin.post("/v1/governance/dry-run", { files }).finally(() => { answered = true; });
    const latencies: number[] = [];
    while (!answered) {
      const started = performance.now();
      const health = await m.admin.get("/healthz");
      latencies.push(performance.now() - started);
      expect(health.status).toBe(200);
    }
    const report = await ok(dryRun);
    expect(report.tests.failed).toEqual([]);
    expect(report.tests.passed).toBeGreaterThanOrEqual(6);
    expect(latencies.length).toBeGreaterThan(0);
    // The issue asks for /healthz under 50 ms meanwhile. A shared CI machine cannot promise 50 ms for
    // any request, so the bound is generous: 1 s is far below what one backtracking evaluation of the
    // 27-character input blocks for, and far above a loaded machine's ordinary answer.
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });

  it("refuses a candidate whose pattern RE2 cannot compile, with file, line and column", async () => {
    const files = bundleFiles(BUNDLE);
    files["authority.yaml"] += `  - id: doubled\n    when: { action: email }\n    if: hcp.specialty.matches("^(a)\\\\1$")\n    outcome: forbidden\n`;
    const res = await m.admin.post("/v1/governance/dry-run", { files });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("BUNDLE_INVALID");
    const line = files["authority.yaml"]!.split("\n").findIndex((l) => l.includes("^(a)")) + 1;
    expect(res.body.error.details[0]).toMatchObject({ file: "authority.yaml", line, column: 31, field: expect.stringMatching(/\.if$/) });
    expect(res.body.error.message).toMatch(/RE2 cannot compile/);
  });

  it("refuses to activate a bundle whose own tests fail", async () => {
    const files = bundleFiles(BUNDLE);
    files["tests/authority.yaml"] += `- name: wrong on purpose\n  proposal: { action: email, purpose: promotional, confidence: 0.9 }\n  hcp: { market: US }\n  expect: { authority: forbidden }\n`;
    const res = await m.admin.put("/v1/governance", { files });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("BUNDLE_TESTS_FAILED");
  });

  it("activates a valid candidate: the very next decision is made under it, and the change is audited", async () => {
    const files = bundleFiles(BUNDLE);
    files["contact.yaml"] = files["contact.yaml"]!.replace("minGap: 24h", "minGap: 48h");
    expect((await m.users.mops.put("/v1/governance", { files })).status).toBe(403);
    const res = await ok(m.admin.put("/v1/governance", { files }));
    const version = res.activated.version;
    expect(version).not.toBe(undefined);
    const d = await ok(m.agent.post("/v1/proposals", email("us-1")));
    expect(d.bundleVersion).toBe(version);
    const audit = await ok(m.users.auditor.get("/v1/audit?limit=1000"));
    expect(audit.records.some((r: any) => r.type === "governance.activated" && r.data.version === version)).toBe(true);
  });

  it("publishes an OpenAPI document naming the contract's paths", async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json() as any;
    for (const path of ["/v1/proposals", "/v1/proposals/batch", "/v1/decisions/{id}", "/v1/agents/{id}/halt", "/v1/halt", "/v1/reviews/{id}/approve", "/v1/audit/verify", "/v1/governance", "/v1/claims/{id}/withdraw", "/v1/hcps/{id}/consents/{channel}"]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths["/v1/proposals"].post.requestBody.content["application/json"].schema.properties.action.enum).toContain("mi_response");
  });
});
