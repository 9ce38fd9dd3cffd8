// `steward mcp --url URL --key AGENT_KEY`: MCP over stdio for an agent runtime that launches tools as
// processes. A thin proxy: every tool call is a REST request to the Steward at URL with the agent's key.
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { PACKAGE_VERSION } from "../server/openapi.ts";
import { stewardMcpServer, type RestCall } from "./tools.ts";

export function overHttp(url: string, key: string): RestCall {
  const base = url.replace(/\/+$/, "");
  return async (method, path, body) => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    } catch (error) {
      // The agent reads a refusal it can act on (retry later), not a crashed tool server.
      return { status: 503, body: { error: { code: "STEWARD_UNREACHABLE", message: `${base}: ${error instanceof Error ? error.message : String(error)}` } } };
    }
  };
}

export async function mcpStdioCommand(options: { url: string; key: string }): Promise<void> {
  const server = stewardMcpServer(overHttp(options.url, options.key), PACKAGE_VERSION);
  // Serves until the client closes stdin: then nothing keeps the process alive.
  await server.connect(new StdioServerTransport());
}
