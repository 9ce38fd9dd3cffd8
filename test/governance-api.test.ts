// Replacing the governance bundle through the API: validation with file:line:column, the dry run's
// "what would change", activation, and the running bundle untouched by a bad candidate.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, email, ok, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");

function bundleFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir)) if (f.endsWith(".yaml")) files[f] = readFileSync(join(dir, f), "utf8");
  for (const f of readdirSync(join(dir, "tests"))) files[`tests/${f}`] = readFileSync(join(dir, "tests", f), "utf8");
  return files;
}

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
    const report = await ok(m.users.mops.post("/v1/governance/dry-run", { files }));
    expect(report.replayed).toBeGreaterThanOrEqual(2);
    expect(report.changed).toBeGreaterThanOrEqual(2);
    expect(report.changes[0].after.outcome).toBe("rejected");
    expect(report.changes[0].after.reasons).toContain("AUTHORITY_FORBIDDEN:no-email-at-all");
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
