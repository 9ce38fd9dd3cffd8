// Steward's MCP tools through the official MCP SDK client, over stdio (`steward mcp`, a real child
// process proxying to a real server) and over streamable HTTP (`/mcp`), on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ManualClock } from "../src/shared/clock.ts";
import { TOOL_NAMES } from "../src/mcp/tools.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, ok, seedMarket, type Market } from "./market.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const ROOT = resolve(import.meta.dirname, "..");

type Transport = "stdio" | "http";

async function connect(transport: Transport, url: string, key: string): Promise<Client> {
  const client = new Client({ name: "scripted-agent", version: "1.0.0" });
  if (transport === "stdio") {
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [resolve(ROOT, "bin/steward.js"), "mcp", "--url", url, "--key", key], cwd: ROOT, stderr: "pipe" }));
  } else {
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  }
  return client;
}

const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;
const body = (r: CallToolResult): any => {
  expect(r.isError ?? false, JSON.stringify(r.content)).toBe(false);
  const first = r.content[0];
  return JSON.parse(first?.type === "text" ? first.text : "null");
};
const refusal = (r: CallToolResult): string => {
  expect(r.isError).toBe(true);
  const first = r.content[0];
  return first?.type === "text" ? first.text : "";
};

describe.each(ENGINES)("MCP on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  const clock = new ManualClock(MONDAY_AFTERNOON);

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
  });
  afterAll(async () => server?.stop());

  describe.each(["stdio", "http"] as Transport[])("over %s", (transport) => {
    let agent: Client;
    beforeAll(async () => {
      agent = await connect(transport, server.url, m.agent.token!);
    }, 30_000);
    afterAll(async () => agent?.close());

    it("lists the six tools, each with the REST route's input schema", async () => {
      const { tools } = await agent.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
      const propose = tools.find((t) => t.name === "propose_action")!;
      expect(propose.inputSchema.required).toEqual(expect.arrayContaining(["idempotencyKey", "hcpId", "action", "purpose"]));
      expect(Object.keys(propose.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(["assetId", "evidence", "content", "notAfter"]));
      const outcome = tools.find((t) => t.name === "report_outcome")!;
      expect(outcome.inputSchema.required).toEqual(expect.arrayContaining(["decisionId", "type", "occurredAt"]));
    });

    it("a scripted agent reads context, is refused with reasons, proposes within them and reports the outcome", async () => {
      // Two weeks apart per transport, so the first one's email does not hold the second's by the minimum gap.
      const now = Date.parse(MONDAY_AFTERNOON) + (transport === "http" ? 14 * 86_400_000 : 0);
      clock.set(now);
      const occurredAt = new Date(now + 60_000).toISOString();
      const start = body(await call(agent, "list_decisions", {})).nextCursor as string;
      const assets = body(await call(agent, "list_assets", { market: "DE" })).assets.map((a: { id: string }) => a.id);
      expect(assets).toEqual(["ast-de"]);

      // de-2 has given no consent: the context says so, and the gate agrees.
      const ctx2 = body(await call(agent, "get_hcp_context", { hcpId: "de-2" }));
      expect(ctx2.hcp.market).toBe("DE");
      expect(ctx2.consents).toEqual([]);
      const key = `${transport}-${engine}-${Date.now()}`;
      const refused = body(await call(agent, "propose_action", { idempotencyKey: `${key}-a`, hcpId: "de-2", action: "email", purpose: "promotional", assetId: assets[0] }));
      expect(refused.outcome).toBe("rejected");
      expect(refused.reasons.map((r: { code: string }) => r.code)).toContain("CONSENT_MISSING");
      const why = body(await call(agent, "explain_decision", { decisionId: refused.id }));
      expect(why.checks.find((c: { check: string }) => c.check === "consent").status).toBe("fail");

      // The agent picks the HCP whose context shows consent for the purpose.
      const ctx1 = body(await call(agent, "get_hcp_context", { hcpId: "de-1" }));
      expect(ctx1.consents).toEqual(expect.arrayContaining([expect.objectContaining({ channel: "email", purpose: "promotional", status: "granted" })]));
      const allowed = body(await call(agent, "propose_action", { idempotencyKey: `${key}-b`, hcpId: "de-1", action: "email", purpose: "promotional", assetId: assets[0] }));
      expect(allowed.outcome).toBe("allowed");

      // Now the context says when email may next reach de-1: a day later (the minimum gap); medical is exempt.
      const after = body(await call(agent, "get_hcp_context", { hcpId: "de-1" }));
      const next = (channel: string, purpose: string) => after.nextContact.find((n: { channel: string; purpose: string }) => n.channel === channel && n.purpose === purpose);
      expect(next("email", "promotional")).toEqual({ channel: "email", purpose: "promotional", at: new Date(now + 86_400_000).toISOString(), reasons: ["MIN_GAP"] });
      expect(next("email", "medical")).toEqual({ channel: "email", purpose: "medical", at: new Date(now).toISOString(), reasons: [] });

      const feed = body(await call(agent, "list_decisions", { after: start }));
      expect(feed.decisions.map((d: { id: string }) => d.id)).toEqual([refused.id, allowed.id]);
      expect(body(await call(agent, "list_decisions", { after: feed.nextCursor })).decisions).toEqual([]);

      clock.set(now + 120_000);
      const reported = body(await call(agent, "report_outcome", { decisionId: allowed.id, type: "opened", occurredAt }));
      expect(reported.accepted).toBe(1);
      const again = body(await call(agent, "report_outcome", { decisionId: allowed.id, type: "opened", occurredAt }));
      expect(again).toMatchObject({ accepted: 0, duplicates: 1 });
      const detail = body(await call(agent, "explain_decision", { decisionId: allowed.id }));
      expect(detail.outcomes.map((o: { type: string }) => o.type)).toEqual(["opened"]);
    });

    it("answers a refused call as a tool error carrying the contract's code", async () => {
      const theirs = await ok(m.rival.post("/v1/proposals", { idempotencyKey: `rival-${transport}`, hcpId: "us-1", action: "field_suggestion", purpose: "promotional" }));
      expect(refusal(await call(agent, "explain_decision", { decisionId: theirs.id }))).toMatch(/^FORBIDDEN: /);
      expect(refusal(await call(agent, "explain_decision", { decisionId: "dec-nope" }))).toMatch(/^NOT_FOUND: /);
      expect(refusal(await call(agent, "report_outcome", { decisionId: theirs.id, type: "opened", occurredAt: "2026-03-02T15:30:00Z" }))).toMatch(/^FORBIDDEN: /);
      const k = `reuse-${transport}-${engine}`;
      body(await call(agent, "propose_action", { idempotencyKey: k, hcpId: "us-1", action: "field_suggestion", purpose: "promotional" }));
      expect(refusal(await call(agent, "propose_action", { idempotencyKey: k, hcpId: "us-2", action: "field_suggestion", purpose: "promotional" }))).toMatch(/^IDEMPOTENCY_KEY_REUSED: /);
      expect(refusal(await call(agent, "get_hcp_context", { hcpId: "nobody" }))).toMatch(/^NOT_FOUND: /);
      // Bad input is refused as the REST route refuses it: the contract's code and each bad field.
      const bad = refusal(await call(agent, "propose_action", { idempotencyKey: "bad-1", hcpId: "us-1", action: "email", purpose: "promotional", confidence: 2 }));
      expect(bad).toMatch(/^INVALID_INPUT: /);
      expect(bad).toContain("confidence");
      expect(refusal(await call(agent, "report_outcome", { decisionId: "x", type: "liked", occurredAt: "yesterday" }))).toMatch(/^INVALID_INPUT: .*type.*occurredAt/s);
    });
  });

  it("refuses /mcp without an agent key, with the REST token check", async () => {
    const init = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } };
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    const none = await fetch(`${server.url}/mcp`, { method: "POST", headers, body: JSON.stringify(init) });
    expect([none.status, ((await none.json()) as { error: { code: string } }).error.code]).toEqual([401, "UNAUTHORIZED"]);
    const bad = await fetch(`${server.url}/mcp`, { method: "POST", headers: { ...headers, authorization: "Bearer stw_nope" }, body: JSON.stringify(init) });
    expect(bad.status).toBe(401);
    const user = await fetch(`${server.url}/mcp`, { method: "POST", headers: { ...headers, authorization: `Bearer ${m.tokens.mops}` }, body: JSON.stringify(init) });
    expect(user.status).toBe(403);
  });

  it("lets a halted agent propose through MCP only to be recorded as AGENT_HALTED, and read nothing", async () => {
    await ok(m.users.owner.post(`/v1/agents/${m.rivalId}/halt`, { reason: "test the kill switch through MCP" }));
    const rival = await connect("http", server.url, m.rival.token!);
    try {
      const d = body(await call(rival, "propose_action", { idempotencyKey: "halted-1", hcpId: "us-1", action: "field_suggestion", purpose: "promotional" }));
      expect([d.outcome, d.reasons.map((r: { code: string }) => r.code)]).toEqual(["rejected", expect.arrayContaining(["AGENT_HALTED"])]);
      expect(refusal(await call(rival, "get_hcp_context", { hcpId: "us-1" }))).toMatch(/^AGENT_HALTED: /);
    } finally {
      await rival.close();
    }
  });
});
