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

export function moreRestrictive(a: AuthorityOutcome, b: AuthorityOutcome): AuthorityOutcome {
  return RESTRICTIVENESS[b] > RESTRICTIVENESS[a] ? b : a;
}

/**
 * The global rules decide first (their default included when none of them speaks); the market overlay's
 * rules can then only raise that outcome. So an overlay rule that speaks where no global rule did never
 * replaces a `forbidden` default with its own `confirm`.
 */
export function evaluateAuthority(matrix: AuthorityMatrix, input: ConditionInput): AuthorityVerdict {
  const spoke = matrix.rules.filter((rule) => matches(rule, input));
  let globalSpoke = false;
  let overlayOutcome: AuthorityOutcome = "autonomous";
  let outcome: AuthorityOutcome = "autonomous";
  for (const rule of spoke) {
    if (rule.layer === undefined || rule.layer === "global") {
      globalSpoke = true;
      outcome = moreRestrictive(outcome, rule.outcome);
    } else overlayOutcome = moreRestrictive(overlayOutcome, rule.outcome);
  }
  if (spoke.length === 0) return { outcome: matrix.default, spoke, reviewers: [], defaulted: true };
  outcome = moreRestrictive(globalSpoke ? outcome : matrix.default, overlayOutcome);
  const reviewers = new Set<ReviewerRole>();
  for (const rule of spoke) if (rule.outcome === "confirm") for (const r of rule.reviewers) reviewers.add(r);
  return { outcome, spoke, reviewers: outcome === "confirm" ? [...reviewers].sort() : [], defaulted: !globalSpoke };
}
