// Is the proposing agent registered, running, and scoped for this action and this HCP's market?
import type { Reason } from "../reasons.ts";
import type { CheckResult } from "../verdict.ts";
import { formatList } from "./format.ts";
import { NO_REASONS, type GateInput } from "./input.ts";

export function checkAgent({ proposal, snapshot }: GateInput): CheckResult {
  const agent = snapshot.agent;
  if (agent === null) {
    return {
      check: "agent",
      status: "fail",
      reasons: [{ code: "AGENT_UNKNOWN", message: `Agent ${proposal.agentId} is not registered in the portfolio` }],
      evidence: { agentId: proposal.agentId },
    };
  }
  const reasons: Reason[] = [];
  if (agent.status === "halted") {
    reasons.push({
      code: "AGENT_HALTED",
      message: `Agent ${agent.id} (${agent.name}) is halted: ${agent.statusReason ?? "no reason recorded"}`,
    });
  } else if (agent.status === "paused") {
    reasons.push({
      code: "AGENT_PAUSED",
      message: `Agent ${agent.id} (${agent.name}) is paused: ${agent.statusReason ?? "no reason recorded"}`,
    });
  }
  if (!agent.actions.includes(proposal.action)) {
    reasons.push({
      code: "AGENT_ACTION_NOT_ALLOWED",
      message: `Agent ${agent.id} may not propose ${proposal.action} (its actions: ${formatList(agent.actions)})`,
    });
  }
  const hcp = snapshot.hcp;
  if (hcp !== null && !agent.markets.includes(hcp.market)) {
    reasons.push({
      code: "AGENT_MARKET_NOT_ALLOWED",
      message: `Agent ${agent.id} may not act in market ${hcp.market}, where HCP ${hcp.id} is (its markets: ${formatList(agent.markets)})`,
    });
  }
  return {
    check: "agent",
    status: reasons.length === 0 ? "pass" : "fail",
    reasons: reasons.length === 0 ? NO_REASONS : reasons,
    evidence: { agentId: agent.id, priority: agent.priority, status: agent.status },
  };
}
