// The kill switch reaches the key too: a halted agent keeps its key, but the key opens nothing except
// the agent's own status — who it is and why it is halted — so it can tell its operator; it reads no
// HCP, content or decision and proposes nothing until it is resumed.

/** May a halted agent make this request? `route` is the matched route's URL pattern. */
export function haltedAgentMay(method: string, route: string | undefined, params: unknown, agentId: string): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  if (route === "/v1/me") return true;
  return route === "/v1/agents/:id" && (params as { id?: unknown } | null)?.id === agentId;
}
