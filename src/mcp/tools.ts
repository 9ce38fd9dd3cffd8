// Steward's MCP tools. Each tool is a REST call made with the agent's own key, so a tool takes and
// answers the REST shapes, and every rule of the REST route (auth, kill switch, validation, the gate)
// applies unchanged. The input schemas are the REST routes' own zod schemas, imported, never copied.
import { z } from "zod";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ProposalBodySchema } from "../gate/proposal.ts";
import { DecisionIdSchema, DecisionsQuery } from "../gate/routes.ts";
import { HcpRefSchema } from "../hcps/routes.ts";
import { AssetQuerySchema } from "../content/routes.ts";
import { OutcomeReportSchema } from "../data/routes.ts";

export interface RestAnswer {
  status: number;
  body: unknown;
}

/** One REST request with the agent's key: over the network (stdio proxy) or in-process (`/mcp`). */
export type RestCall = (method: "GET" | "POST", path: string, body?: unknown) => Promise<RestAnswer>;

export const TOOL_NAMES = ["propose_action", "explain_decision", "list_decisions", "get_hcp_context", "list_assets", "report_outcome"] as const;

const ListDecisionsInput = DecisionsQuery.pick({ after: true, reason: true, outcome: true, hcpId: true, limit: true });
const HcpContextInput = z.strictObject({ hcpId: HcpRefSchema });
const ExplainInput = z.strictObject({ decisionId: DecisionIdSchema });
const AssetsInput = AssetQuerySchema.pick({ market: true, channel: true });
const OutcomeInput = OutcomeReportSchema.extend({ decisionId: DecisionIdSchema });

/** A refused call is a tool result, not a protocol error: the agent reads the contract's code and adapts. */
export function toolResult(answer: RestAnswer): CallToolResult {
  if (answer.status >= 400) {
    const error = (answer.body as { error?: { code?: string; message?: string } } | null)?.error;
    const code = error?.code ?? `HTTP_${answer.status}`;
    return { isError: true, content: [{ type: "text", text: `${code}: ${error?.message ?? "refused"}\n${JSON.stringify(answer.body)}` }] };
  }
  const body = answer.body as Record<string, unknown>;
  return { content: [{ type: "text", text: JSON.stringify(body) }], structuredContent: body };
}

const query = (params: Record<string, unknown>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
};
const seg = encodeURIComponent;

interface ToolSpec {
  name: (typeof TOOL_NAMES)[number];
  description: string;
  input: z.ZodType<Record<string, unknown>>;
  call: (args: Record<string, unknown>) => [method: "GET" | "POST", path: string, body?: unknown];
}

const TOOLS: ToolSpec[] = [
  {
    name: "propose_action",
    description: "Propose one action for an HCP and get Steward's decision: allowed, scheduled (scheduledFor), pending_review (reviewId) or rejected, with every reason. The body of POST /v1/proposals; reuse the idempotencyKey to retry safely.",
    input: ProposalBodySchema,
    call: (args) => ["POST", "/v1/proposals", args],
  },
  {
    name: "explain_decision",
    description: "A decision with its full explanation: every check that spoke, the proposal as received, the bundle version, what followed (GET /v1/decisions/{id}).",
    input: ExplainInput,
    call: ({ decisionId }) => ["GET", `/v1/decisions/${seg(String(decisionId))}`],
  },
  {
    name: "list_decisions",
    description: "This agent's decisions, each once, in commit order: pass the answer's nextCursor as `after` to read on (GET /v1/decisions?order=asc).",
    input: ListDecisionsInput,
    call: (args) => ["GET", `/v1/decisions${query({ order: "asc", ...args })}`],
  },
  {
    name: "get_hcp_context",
    description: "What this agent may see of an HCP: profile, consent per channel and purpose, recent activity the data-use policy lets it use, and when each channel may next be used (GET /v1/hcps/{id}).",
    input: HcpContextInput,
    call: ({ hcpId }) => ["GET", `/v1/hcps/${seg(String(hcpId))}`],
  },
  {
    name: "list_assets",
    description: "The approved assets this agent may send now: its markets, its actions' channels, not expired, no withdrawn claim (GET /v1/assets?usable=true).",
    input: AssetsInput,
    call: (args) => ["GET", `/v1/assets${query({ usable: "true", ...args })}`],
  },
  {
    name: "report_outcome",
    description: "Report what followed one of this agent's decisions, e.g. suggestion_accepted or visit_completed (POST /v1/decisions/{id}/outcomes).",
    input: OutcomeInput,
    call: ({ decisionId, ...body }) => ["POST", `/v1/decisions/${seg(String(decisionId))}/outcomes`, body],
  },
];

/**
 * The MCP server. Tools are listed with the JSON Schema of the REST route's zod schema, and a call is
 * checked against that same schema here, so bad input is refused like the REST route refuses it:
 * `INVALID_INPUT` with each bad field (the SDK's own validation would answer a protocol error instead).
 */
export function stewardMcpServer(call: RestCall, version = "1"): Server {
  const server = new Server({ name: "steward", version }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: TOOLS.map((t) => ({ name: t.name, description: t.description, inputSchema: z.toJSONSchema(t.input, { io: "input", unrepresentable: "any" }) as { type: "object" } })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req): Promise<CallToolResult> => {
    const tool = TOOLS.find((t) => t.name === req.params.name);
    if (!tool) return { isError: true, content: [{ type: "text", text: `NOT_FOUND: no tool ${req.params.name}; the tools are ${TOOL_NAMES.join(", ")}` }] };
    const parsed = tool.input.safeParse(req.params.arguments ?? {});
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ field: i.path.join(".") || "(input)", message: i.message }));
      const body = { error: { code: "INVALID_INPUT", message: `invalid input: ${details.map((d) => `${d.field}: ${d.message}`).join("; ")}`, details } };
      return toolResult({ status: 400, body });
    }
    // The REST route gets the arguments as sent: it applies its own defaults and coercions.
    const [method, path, body] = tool.call(req.params.arguments ?? {});
    return toolResult(await call(method, path, body));
  });
  return server;
}
