// MCP over streamable HTTP at /mcp, stateless: each POST is one JSON-RPC exchange with a fresh server.
// The agent key comes as the bearer token and is checked by the same onRequest hook as /v1 (app.ts);
// each tool then calls the REST route in-process with that same header, so the route's own rules apply.
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { agentOnly } from "../server/guards.ts";
import { PACKAGE_VERSION } from "../server/openapi.ts";
import { stewardMcpServer, type RestCall } from "./tools.ts";

export const MCP_PATH = "/mcp";
export const isMcpPath = (url: string) => url === MCP_PATH || url.startsWith(`${MCP_PATH}?`);

function inProcess(app: FastifyInstance, authorization: string): RestCall {
  return async (method, path, body) => {
    const res = await app.inject({ method, url: path, headers: { authorization, ...(body === undefined ? {} : { "content-type": "application/json" }) }, payload: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
  };
}

export const mcpRoutes = (): FastifyPluginAsync => async (app) => {
  app.post(MCP_PATH, { preValidation: agentOnly, schema: { hide: true } }, async (req, reply) => {
    const server = stewardMcpServer(inProcess(app, req.headers.authorization!), PACKAGE_VERSION);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req.raw, reply.raw, req.body);
  });
  // Stateless: no stream to resume and no session to end.
  for (const method of ["GET", "DELETE"] as const) {
    app.route({ method, url: MCP_PATH, schema: { hide: true }, handler: async (_req, reply) =>
      reply.code(405).header("allow", "POST").send({ error: { code: "METHOD_NOT_ALLOWED", message: `${method} ${MCP_PATH}: this MCP endpoint is stateless; send each JSON-RPC message with POST` } }) });
  }
};
