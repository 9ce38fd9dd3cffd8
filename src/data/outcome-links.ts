// Outcomes are events about a decision: the decision must exist, be about the same HCP, have let
// something go out, and be of an action the outcome can follow. Pure: the shell loads the decisions.
import type { Channel } from "../shared/vocabulary.ts";
import { CHANNELS } from "../shared/vocabulary.ts";
import { isOutcomeType, outcomeFitsAction, outcomeNeedsDecision } from "./event-kinds.ts";
import type { Problem } from "./problems.ts";

/** What an event's link to a decision is checked against. */
export interface DecisionRef {
  id: string;
  hcpId: string;
  agentId: string;
  action: string;
  channel: Channel;
  outcome: string;
  /** Event ids the proposal cited (an MI answer closes the requests its proposal answered). */
  evidence: readonly string[];
}

/** Only these decisions put something in market, so only they can have delivery or response outcomes. */
const SENT_OUTCOMES: ReadonlySet<string> = new Set(["allowed", "scheduled"]);
const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS);

interface LinkedEvent {
  hcpId: string;
  type: string;
  decisionId?: string | undefined;
  data?: Record<string, unknown> | undefined;
}

export function linkProblems(event: LinkedEvent, decision: DecisionRef | undefined): Problem[] {
  const outcome = isOutcomeType(event.type) ? event.type : null;
  if (event.decisionId === undefined) {
    if (outcome === "unsubscribed" && !CHANNEL_SET.has(String(event.data?.channel))) {
      return [{ field: "decisionId", message: `an unsubscribe names the decision it answers, or data.channel (one of ${CHANNELS.join(", ")})` }];
    }
    if (outcome && outcomeNeedsDecision(outcome)) return [{ field: "decisionId", message: `a '${outcome}' outcome must name the decision it is about` }];
    return [];
  }
  if (!decision) return [{ field: "decisionId", message: `decision '${event.decisionId}' does not exist`, unresolved: true }];
  if (decision.hcpId !== event.hcpId) {
    return [{ field: "decisionId", message: `decision '${decision.id}' is about HCP '${decision.hcpId}', not '${event.hcpId}'` }];
  }
  if (outcome && !SENT_OUTCOMES.has(decision.outcome)) {
    return [{ field: "type", message: `decision '${decision.id}' is ${decision.outcome}: nothing was sent, so it can have no '${outcome}' outcome` }];
  }
  if (outcome && !outcomeFitsAction(outcome, decision.action)) {
    return [{ field: "type", message: `a '${outcome}' outcome cannot follow a ${decision.action} (decision '${decision.id}')` }];
  }
  return [];
}

/** The channel an unsubscribe revokes: the decision's, else the one the event names. */
export function unsubscribedChannel(event: LinkedEvent, decision: DecisionRef | undefined): Channel {
  return decision?.channel ?? (event.data?.channel as Channel);
}
