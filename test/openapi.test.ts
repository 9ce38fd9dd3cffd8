// The OpenAPI document tells the truth: Redocly's recommended ruleset finds no error in it, every
// operation is named, summarised and lists its answers, and the answers a real Steward gives along
// the product's main paths (on both engines) are the ones the document describes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildOpenApiDocument, lintOpenApi } from "../src/server/openapi-lint.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { PASSWORD, email, ok, seedMarket } from "./market.ts";
import { operationsOf, type JsonSchema, type Operation } from "./fuzz-inputs.ts";
import { responseValidator } from "./openapi-validation.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const PUBLIC = new Set(["getHealth", "getReadiness", "getPrometheusMetrics", "getOpenApiDocument", "createSession"]);

describe("the OpenAPI document", () => {
  let document: JsonSchema;
  let operations: Operation[];
  beforeAll(async () => {
    document = (await buildOpenApiDocument()) as JsonSchema;
    operations = operationsOf(document);
  });

  it("passes `redocly lint` with the recommended ruleset: exit 0, no errors, no warnings", async () => {
    const run = await lintOpenApi();
    expect(run.output).toContain("Your API description is valid");
    expect(run.output).not.toMatch(/\d+ errors?\b/);
    expect(run.output).not.toMatch(/\d+ warnings?\b/);
    expect(run.status, run.output).toBe(0);
  }, 60_000);

  it("names every operation once, in camelCase, with a summary", () => {
    const ids = operations.map((o) => o.operationId);
    expect(ids.length).toBeGreaterThan(60);
    expect(ids.filter((id) => !/^[a-z][A-Za-z0-9]*$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, item] of Object.entries<JsonSchema>(document.paths)) {
      for (const [method, op] of Object.entries<JsonSchema>(item)) expect(op.summary, `${method} ${path}`).toMatch(/\S{3}/);
    }
  });

  it("lists health, readiness, Prometheus metrics and itself, public; every /v1 operation but signing in needs the bearer token", () => {
    const byId = new Map(operations.map((o) => [o.operationId, o]));
    expect(byId.get("getHealth")?.path).toBe("/healthz");
    expect(byId.get("getReadiness")?.path).toBe("/readyz");
    expect(byId.get("getPrometheusMetrics")?.path).toBe("/metrics");
    expect(byId.get("getOpenApiDocument")?.path).toBe("/openapi.json");
    expect(document.security).toEqual([{ bearer: [] }]);
    for (const [path, item] of Object.entries<JsonSchema>(document.paths)) {
      for (const op of Object.values<JsonSchema>(item)) {
        expect(op.security === undefined ? "bearer" : "public", `${op.operationId} ${path}`).toBe(PUBLIC.has(op.operationId) ? "public" : "bearer");
      }
    }
  });

  it("gives every operation a success answer, and every authenticated one its 401 and other errors as ErrorBody", () => {
    for (const op of operations) {
      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => s.startsWith("2")), op.operationId).toBe(true);
      if (!PUBLIC.has(op.operationId)) expect(statuses, op.operationId).toContain("401");
      for (const s of statuses.filter((s) => Number(s) >= 400)) {
        expect(op.responses[s]?.schema, `${op.operationId} ${s}`).toEqual({ $ref: "#/components/schemas/ErrorBody" });
      }
      if (op.body) expect(statuses, op.operationId).toEqual(expect.arrayContaining(["400", "413", "415"]));
    }
  });

  it("takes its version from package.json", () => {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, "../package.json"), "utf8")) as { version: string };
    expect(document.info.version).toBe(pkg.version);
  });
});

describe.each(ENGINES)("real answers along the main paths match the document on %s", (engine) => {
  let server: TestServer;
  let document: JsonSchema;
  const checked = new Set<string>();
  const problems: string[] = [];
  const realFetch = globalThis.fetch;

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE });
    document = (await ok(server.api.get("/openapi.json"))) as JsonSchema;
    const operations = operationsOf(document);
    const valid = responseValidator(document);
    const routes = operations.map((op) => ({ op, pattern: new RegExp(`^${op.path.replace(/\{\w+\}/g, "[^/]+")}$`) }));
    // Every answer the test's requests get is held to the document on its way back.
    globalThis.fetch = async (input, init) => {
      const res = await realFetch(input, init);
      const url = new URL(String(input));
      const method = (init?.method ?? "GET").toUpperCase();
      const route = routes.find((r) => r.op.method === method && r.pattern.test(url.pathname));
      if (!route) return res;
      const text = await res.clone().text();
      const problem = valid(route.op, res.status, res.headers.get("content-type") ?? "", text);
      if (problem) problems.push(`${method} ${url.pathname} → ${res.status}: ${problem}`);
      else checked.add(route.op.operationId);
      return res;
    };
  });

  afterAll(async () => {
    globalThis.fetch = realFetch;
    await server?.stop();
  });

  it("from seeding a market to halting every agent, each answer is documented and matches its schema", async () => {
    const m = await seedMarket(server);
    const everyone = await ok(server.api.post("/v1/users", {
      username: "all-roles", name: "All Roles", password: PASSWORD,
      roles: ["agent_owner", "reviewer:medical", "reviewer:legal", "reviewer:regulatory", "reviewer:brand", "mops", "auditor"],
    }), 201);
    const all = server.api.as(everyone.token);
    const session = await ok(server.api.as("").post("/v1/sessions", { username: "all-roles", password: PASSWORD }), 201);
    await ok(all.get("/v1/me"));
    await ok(m.agent.get("/v1/me"));

    const allowed = await ok(m.agent.post("/v1/proposals", email("us-1")));
    const pending = await ok(m.agent.post("/v1/proposals", email("de-1", { confidence: 0.3 })));
    expect(pending.outcome).toBe("pending_review");
    await ok(m.agent.post("/v1/proposals/batch", { proposals: [email("us-2"), email("de-2")] }));
    await ok(m.agent.get(`/v1/decisions/${allowed.id}`));
    await ok(m.agent.get("/v1/decisions?limit=5"));
    await ok(all.get("/v1/reviews?status=open"));
    await ok(all.get(`/v1/reviews/${pending.reviewId}`));
    await ok(m.users.brand.post(`/v1/reviews/${pending.reviewId}/approve`, { signature: { password: PASSWORD, meaning: "approved" } }));
    const another = await ok(m.agent.post("/v1/proposals", email("de-1", { confidence: 0.3 })));
    await ok(m.users.brand.post(`/v1/reviews/${another.reviewId}/reject`, { reason: "not now, please", signature: { password: PASSWORD, meaning: "rejected" } }));

    await ok(all.post("/v1/events", { events: [{ id: "ev-1", hcpId: "us-1", type: "email_opened", source: "esp", occurredAt: new Date().toISOString(), decisionId: allowed.id }] }));
    await ok(all.get("/v1/hcps/us-1"));
    await ok(m.agent.get("/v1/hcps/us-1/state"));
    await ok(all.put("/v1/hcps/us-1", { name: "Dr. Ada Park", specialty: "cardiology", market: "US" }));
    await ok(all.get("/v1/data/latency?window=7d"));

    await ok(all.get("/v1/claims"));
    await ok(all.get("/v1/claims/clm-1"));
    await ok(all.get("/v1/claims/clm-1/versions"));
    await ok(all.get("/v1/claims/clm-1/versions/1"));
    await ok(all.get("/v1/assets"));
    await ok(all.get("/v1/assets/ast-us"));
    await ok(all.get("/v1/assets/ast-us/versions"));
    await ok(all.get("/v1/assets/ast-us/render"));
    await ok(all.get("/v1/content/metrics"));
    await ok(all.post("/v1/claims", { id: "clm-2", text: "Cardiozan is taken once daily.", product: "cardiozan", riskClass: "low", references: ["Label 2024"], markets: ["US"] }), 201);
    await ok(all.put("/v1/claims/clm-2", { text: "Cardiozan is taken once a day." }));
    await ok(all.post("/v1/claims/clm-2/submit", {}));
    await ok(all.post("/v1/claims/clm-2/start-review", {}));
    await ok(all.post("/v1/claims/clm-2/request-changes", { reason: "cite the label", signature: { password: PASSWORD, meaning: "reviewed" } }));

    await ok(all.get("/v1/outbox"));
    await ok(all.get("/v1/governance"));
    await ok(all.get("/v1/audit?limit=5"));
    await ok(all.get("/v1/audit/verify"));
    await ok(all.get("/v1/audit/head"));
    await ok(all.get("/v1/portfolio"));
    await ok(all.get("/v1/metrics"));
    await ok(server.api.as("").get("/healthz"));
    await ok(server.api.as("").get("/readyz"));
    await ok(server.api.as("").get("/metrics"));

    await ok(all.post("/v1/claims/clm-1/withdraw", { reason: "superseded by new data" }));
    await ok(m.agent.get(`/v1/agents/${m.agentId}/notices`));
    await ok(all.post(`/v1/agents/${m.rivalId}/pause`, { reason: "drift check" }));
    await ok(all.post(`/v1/agents/${m.rivalId}/resume`, { reason: "drift fixed" }));
    await ok(all.get(`/v1/agents/${m.rivalId}`));
    await ok(all.get("/v1/agents"));
    await ok(all.post("/v1/halt", { reason: "end of the test" }));
    await ok(server.api.as(session.token).request("DELETE", "/v1/sessions/current"), 204);

    expect(problems).toEqual([]);
    // The walk reached most of the document with a success (the fuzz suite covers the rest's errors).
    expect(checked.size).toBeGreaterThanOrEqual(50);
  }, 120_000);
});
