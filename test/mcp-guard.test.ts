// `steward mcp guard` in front of a real upstream MCP server (official SDK, counting its calls), driven
// by the official MCP client over stdio, against a real Steward on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ManualClock } from "../src/shared/clock.ts";
import { parseGuardMap, proposalFor } from "../src/mcp/guard-map.ts";
import { splitCommand } from "../src/mcp/guard.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { MONDAY_AFTERNOON, seedMarket, type Market } from "./market.ts";

const ROOT = resolve(import.meta.dirname, "..");
const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const UPSTREAM = `${process.execPath} --import tsx ${resolve(import.meta.dirname, "fixtures/mcp-upstream.ts")}`;
const text = (r: CallToolResult) => (r.content[0]?.type === "text" ? r.content[0].text : "");

describe("the guard's map", () => {
  it("turns a call into a proposal from its arguments, and refuses a map that is not one", () => {
    const map = parseGuardMap("default: block\ntools:\n  send: { action: email, purpose: promotional, hcpId: $to.id, assetId: $asset }\n");
    expect(proposalFor(map.tools.send!, { to: { id: "de-1" }, asset: "ast-de" }, "k")).toEqual({ ok: true, proposal: { idempotencyKey: "k", hcpId: "de-1", action: "email", purpose: "promotional", assetId: "ast-de" } });
    expect(proposalFor(map.tools.send!, { asset: "ast-de" }, "k")).toMatchObject({ ok: false });
    expect(() => parseGuardMap("default: maybe\ntools: {}\n")).toThrow(/default/);
    expect(() => parseGuardMap("default: pass\ntools:\n  x: { action: fax, purpose: promotional, hcpId: $h }\n")).toThrow(/tools\.x\.action/);
    expect(splitCommand(`node "my server.js" --flag`)).toEqual(["node", "my server.js", "--flag"]);
  });
});

describe.each(ENGINES)("steward mcp guard on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  let dir: string;
  const clock = new ManualClock(MONDAY_AFTERNOON);

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    m = await seedMarket(server);
    dir = mkdtempSync(join(tmpdir(), "steward-guard-"));
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function guard(defaultRule: "pass" | "block"): Promise<Client> {
    const mapFile = join(dir, `map-${defaultRule}.yaml`);
    writeFileSync(mapFile, `default: ${defaultRule}\ntools:\n  send_email: { action: email, purpose: promotional, hcpId: $hcp, assetId: $asset }\n`);
    const client = new Client({ name: "agent-behind-guard", version: "1.0.0" });
    await client.connect(new StdioClientTransport({
      command: process.execPath, cwd: ROOT, stderr: "pipe",
      args: [resolve(ROOT, "bin/steward.js"), "mcp", "guard", "--upstream", UPSTREAM, "--map", mapFile, "--url", server.url, "--key", m.agent.token!],
    }));
    return client;
  }
  const upstreamCalls = async (c: Client) => JSON.parse(text((await c.callTool({ name: "calls", arguments: {} })) as CallToolResult));

  it("forwards an allowed call at once, holds a rejected one with its decision and reasons, and passes unmapped tools", async () => {
    const c = await guard("pass");
    try {
      expect((await c.listTools()).tools.map((t) => t.name).sort()).toEqual(["calls", "lookup", "send_email"]);
      const sent = (await c.callTool({ name: "send_email", arguments: { hcp: "de-1", asset: "ast-de" } })) as CallToolResult;
      expect([sent.isError ?? false, text(sent)]).toEqual([false, "sent ast-de to de-1"]);

      const held = (await c.callTool({ name: "send_email", arguments: { hcp: "de-2", asset: "ast-de" } })) as CallToolResult;
      expect(held.isError).toBe(true);
      expect(text(held)).toMatch(/^Steward decision dec\S+: rejected; the tool was not called\./);
      expect(text(held)).toContain("CONSENT_MISSING");
      const decisionId = (held.structuredContent as { decision: { id: string } }).decision.id;
      expect((await m.admin.get(`/v1/decisions/${decisionId}`)).body.outcome).toBe("rejected");

      // de-1 again within the day: the minimum gap schedules it, so it is not sent now.
      const later = (await c.callTool({ name: "send_email", arguments: { hcp: "de-1", asset: "ast-de" } })) as CallToolResult;
      expect(later.isError).toBe(true);
      expect(text(later)).toMatch(/: scheduled for \S+; the tool was not called\./);
      expect(text(later)).toContain("MIN_GAP");

      const found = (await c.callTool({ name: "lookup", arguments: { q: "ldl" } })) as CallToolResult;
      expect(text(found)).toBe("found ldl");
      expect(await upstreamCalls(c)).toEqual({ send_email: 1, lookup: 1 });
    } finally {
      await c.close();
    }
  }, 60_000);

  it("blocks an unmapped tool when the map's default is block, and reports Steward's own refusals by code", async () => {
    const c = await guard("block");
    try {
      const blocked = (await c.callTool({ name: "lookup", arguments: { q: "x" } })) as CallToolResult;
      expect([blocked.isError, text(blocked)]).toEqual([true, expect.stringMatching(/^TOOL_NOT_MAPPED: /)]);
      const unknown = (await c.callTool({ name: "send_email", arguments: { hcp: "nobody", asset: "ast-de" } })) as CallToolResult;
      expect(unknown.isError).toBe(true);
      expect(text(unknown)).toMatch(/HCP_UNKNOWN|NOT_FOUND/);
      expect((await c.callTool({ name: "calls", arguments: {} })).isError).toBe(true); // blocked as well
    } finally {
      await c.close();
    }
  }, 60_000);
});
