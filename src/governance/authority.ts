// The decision-authority matrix, evaluated: every rule whose `when` matches and whose `if` holds speaks;
// the most restrictive outcome wins; reviewers of every `confirm` rule that spoke are required.
import type { ReviewerRole } from "../shared/vocabulary.ts";
import type { AuthorityMatrix, AuthorityOutcome, AuthorityRule, ConditionInput } from "./bundle.ts";

export interface AuthorityVerdict {
  outcome: AuthorityOutcome;
  /** The rules that spoke, in bundle order; empty when the default applied. */
  spoke: readonly AuthorityRule[];
  reviewers: readonly ReviewerRole[];
  defaulted: boolean;
}

const RESTRICTIVENESS: Record<AuthorityOutcome, number> = { autonomous: 0, confirm: 1, forbidden: 2 };

function matches(rule: AuthorityRule, input: ConditionInput): boolean {
  const w = rule.when;
  if (w.action && !w.action.includes(input.proposal.action)) return false;
  if (w.purpose && !w.purpose.includes(input.proposal.purpose)) return false;
  if (w.channel && !w.channel.includes(input.proposal.channel)) return false;
  if (w.market && (!input.hcp || !w.market.includes(input.hcp.market))) return false;
  return rule.condition === null || rule.condition.holds(input);
}

export function evaluateAuthority(matrix: AuthorityMatrix, input: ConditionInput): AuthorityVerdict {
  const spoke = matrix.rules.filter((rule) => matches(rule, input));
  if (spoke.length === 0) {
    return { outcome: matrix.default, spoke, reviewers: [], defaulted: true };
  }
  let outcome: AuthorityOutcome = "autonomous";
  const reviewers = new Set<ReviewerRole>();
  for (const rule of spoke) {
    if (RESTRICTIVENESS[rule.outcome] > RESTRICTIVENESS[outcome]) outcome = rule.outcome;
    if (rule.outcome === "confirm") for (const r of rule.reviewers) reviewers.add(r);
  }
  return { outcome, spoke, reviewers: outcome === "confirm" ? [...reviewers].sort() : [], defaulted: false };
}
