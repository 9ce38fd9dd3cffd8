// The kill switch reaches the key too: a halted agent keeps its key, but the key opens nothing except
// the agent's own status — who it is and why it is halted — so it can tell its operator; it reads no
// HCP, content or decision. Its proposals still reach the gate, which rejects each with AGENT_HALTED:
// the contract makes that a recorded decision, so an auditor sees every attempt a halted agent made.

/** May a halted agent make this request? `route` is the matched route's URL pattern. */
export function haltedAgentMay(method: string, route: string | undefined, params: unknown, agentId: string): boolean {
  // MCP carries each tool call to its REST route, where this same check runs again for that route.
  if (method === "POST") return route === "/v1/proposals" || route === "/v1/proposals/batch" || route === "/mcp";
  if (method !== "GET" && method !== "HEAD") return false;
  if (route === "/v1/me") return true;
  return route === "/v1/agents/:id" && (params as { id?: unknown } | null)?.id === agentId;
}
