// Who may decide: the decision-authority matrix (authority.yaml). Every rule that spoke is one reason,
// coded by that rule's own outcome; when none spoke, one reason for the default (ruleId "default").
import type { AuthorityOutcome, AuthorityRule, ConditionInput } from "../../governance/bundle.ts";
import { evaluateAuthority } from "../../governance/authority.ts";
import { thresholdsInForce } from "../../agents/thresholds.ts";
import type { ReviewerRole } from "../../shared/vocabulary.ts";
import type { Reason, ReasonCode } from "../reasons.ts";
import type { CheckResult } from "../verdict.ts";
import { formatList } from "./format.ts";
import type { GateInput } from "./input.ts";

/** The authority check's finding plus what decide() needs to route a confirmation. */
export interface AuthorityCheckResult extends CheckResult {
  outcome: AuthorityOutcome;
  reviewers: readonly ReviewerRole[];
}

function codeOf(outcome: AuthorityOutcome): ReasonCode {
  switch (outcome) {
    case "autonomous":
      return "AUTHORITY_AUTONOMOUS";
    case "confirm":
      return "AUTHORITY_CONFIRM";
    case "forbidden":
      return "AUTHORITY_FORBIDDEN";
    default: {
      const unreachable: never = outcome;
      throw new Error(`unknown authority outcome ${String(unreachable)}`);
    }
  }
}

function ruleSentence(rule: AuthorityRule, what: string): string {
  switch (rule.outcome) {
    case "autonomous":
      return `Rule ${rule.id} lets ${what} go without review`;
    case "confirm":
      return `Rule ${rule.id} requires confirmation of ${what} by ${formatList(rule.reviewers)}`;
    case "forbidden":
      return `Rule ${rule.id} forbids ${what}`;
    default: {
      const unreachable: never = rule.outcome;
      throw new Error(`unknown authority outcome ${String(unreachable)}`);
    }
  }
}

/**
 * What the CEL conditions see. The snapshot's views are passed as they are (no copies on the hot
 * path): each is a structural superset of the declared shape, and conditions are type-checked at load
 * against the declared fields only.
 */
function conditionInput({ proposal, snapshot, channel, now }: GateInput, thresholds: Readonly<Record<string, number>> | null): ConditionInput {
  return {
    proposal: {
      action: proposal.action,
      purpose: proposal.purpose,
      channel,
      confidence: proposal.confidence,
      expectedValue: proposal.expectedValue,
      assetId: proposal.assetId,
    },
    hcp: snapshot.hcp,
    agent: thresholds && snapshot.agent ? { ...snapshot.agent, thresholds } : snapshot.agent,
    content: snapshot.asset,
    now,
  };
}

export function checkAuthority(input: GateInput): AuthorityCheckResult {
  const matrix = input.bundle.authority;
  // The agent's tunables in force are recorded with the decision, so its explanation shows the value used.
  const thresholds = matrix.tunables ? thresholdsInForce(matrix.tunables, input.snapshot.agent?.thresholds) : null;
  const verdict = evaluateAuthority(matrix, conditionInput(input, thresholds));
  const what = `${input.proposal.action} for ${input.proposal.purpose} purpose`;

  // Each reason names the layer its rule came from; the default is the global matrix's.
  const reasons: Reason[] = [];
  const rules: string[] = [];
  const layers: Record<string, string> = {};
  if (verdict.defaulted) {
    reasons.push({
      code: codeOf(matrix.default),
      message: `No authority rule matched ${what}; the default (${matrix.default}) applies`,
      ruleId: "default",
      layer: "global",
    });
    rules.push("default");
    layers.default = "global";
  }
  for (const rule of verdict.spoke) {
    const layer = rule.layer ?? "global";
    reasons.push({ code: codeOf(rule.outcome), message: rule.reason ?? ruleSentence(rule, what), ruleId: rule.id, layer });
    rules.push(rule.id);
    layers[rule.id] = layer;
  }
  return {
    check: "authority",
    status: verdict.outcome === "autonomous" ? "pass" : verdict.outcome === "confirm" ? "hold" : "fail",
    reasons,
    evidence: { outcome: verdict.outcome, reviewers: verdict.reviewers, rules, layers, ...(thresholds ? { thresholds } : {}) },
    outcome: verdict.outcome,
    reviewers: verdict.reviewers,
  };
}
