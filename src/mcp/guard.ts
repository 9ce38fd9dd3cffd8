// `steward mcp guard`: Steward in front of another MCP server. The guard serves the upstream's tools over
// stdio; a call to a tool the map names is first proposed to Steward (with the agent's key) and
// forwarded only when the decision is `allowed`; scheduled, pending-review and rejected calls come back as
// tool results naming the decision and its reasons, and the upstream never sees them. Tools the map does
// not name pass or are blocked as the map's `default` says.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { PACKAGE_VERSION } from "../server/openapi.ts";
import { overHttp } from "./stdio.ts";
import { toolResult, type RestCall } from "./tools.ts";
import { parseGuardMap, proposalFor, type GuardMap } from "./guard-map.ts";

interface Decision {
  id: string;
  outcome: "allowed" | "scheduled" | "pending_review" | "rejected";
  reasons: { code: string; message: string }[];
  scheduledFor?: string;
  reviewId?: string;
}

const refusal = (code: string, message: string): CallToolResult => ({ isError: true, content: [{ type: "text", text: `${code}: ${message}` }] });

/** What the agent is told when the gate did not let the call through now. */
export function heldResult(d: Decision): CallToolResult {
  const when = d.outcome === "scheduled" ? ` for ${d.scheduledFor}` : d.outcome === "pending_review" ? ` (review ${d.reviewId})` : "";
  const reasons = d.reasons.map((r) => `${r.code}: ${r.message}`).join("\n");
  return {
    isError: true,
    content: [{ type: "text", text: `Steward decision ${d.id}: ${d.outcome}${when}; the tool was not called.\n${reasons}` }],
    structuredContent: { decision: d },
  };
}

/**
 * Each call is a new proposal unless the map names an argument as its idempotency key: two identical calls
 * may well be two intended actions (the same email a week apart), so the guard cannot dedupe them itself.
 */
const callKey = (name: string) => `mcp-guard:${name}:${randomUUID()}`;

export function guardServer(upstream: Client, map: GuardMap, steward: RestCall): Server {
  const server = new Server({ name: "steward-guard", version: PACKAGE_VERSION }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async (req) => upstream.listTools(req.params));
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const { name } = req.params;
    const args = (req.params.arguments ?? {}) as Record<string, unknown>;
    const mapped = map.tools[name];
    if (!mapped) {
      if (map.default === "block") return refusal("TOOL_NOT_MAPPED", `tool ${name} is not in the guard's map, and its default is block`);
      return (await upstream.callTool(req.params)) as CallToolResult;
    }
    const built = proposalFor(mapped, args, callKey(name));
    if (!built.ok) return refusal("INVALID_INPUT", `tool ${name}: ${built.problem}`);
    const answer = await steward("POST", "/v1/proposals", built.proposal);
    if (answer.status >= 400) return toolResult(answer);
    const decision = answer.body as Decision;
    if (decision.outcome !== "allowed") return heldResult(decision);
    return (await upstream.callTool(req.params)) as CallToolResult;
  });
  return server;
}

/** Splits `--upstream "node server.js --flag"` into a command and its arguments (quotes group words). */
export function splitCommand(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

export async function mcpGuardCommand(options: { url: string; key: string; upstream: string; map: string }): Promise<void> {
  const map = parseGuardMap(readFileSync(options.map, "utf8"));
  const [command, ...args] = splitCommand(options.upstream);
  if (!command) throw new Error("--upstream names no command");
  const upstream = new Client({ name: "steward-guard", version: PACKAGE_VERSION });
  await upstream.connect(new StdioClientTransport({ command, args, stderr: "inherit" }));
  const server = guardServer(upstream, map, overHttp(options.url, options.key));
  server.onclose = () => void upstream.close();
  await server.connect(new StdioServerTransport());
  process.stdin.on("end", () => void upstream.close());
}
