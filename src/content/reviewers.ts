// Who must review a claim or an asset: the risk class's slots from the bundle (content.yaml `review`),
// plus the specialist each kind of finding calls for. Pure.
import type { ReviewerRole } from "../shared/vocabulary.ts";
import type { ContentPolicy } from "../governance/content-policy.ts";
import type { CheckFinding } from "./checks.ts";
import type { RiskClass } from "./lifecycle.ts";
import type { RequiredReview } from "./workflow.ts";

/** Findings that do not block approval but need a specialist's eye. */
const SPECIALIST: Readonly<Record<string, { roles: ReviewerRole[]; why: string }>> = {
  ABSOLUTE_WORDING: { roles: ["reviewer:legal"], why: "absolute wording" },
  COMPARATIVE_CLAIM: { roles: ["reviewer:medical", "reviewer:legal"], why: "a comparative claim" },
  CLAIM_NOT_LINKED: { roles: ["reviewer:medical"], why: "copy that restates a claim it does not use as a module" },
  CLAIM_RESTATEMENT_INCOMPLETE: { roles: ["reviewer:medical"], why: "copy that restates a claim without one of its qualifiers" },
};

export function requiredReviewers(policy: ContentPolicy, risk: RiskClass, findings: readonly CheckFinding[]): RequiredReview[] {
  const slots: RequiredReview[] = policy.review[risk].map((roles) => ({ roles: [...roles], because: `${risk} risk` }));
  for (const f of findings) {
    const need = SPECIALIST[f.code];
    if (!need || f.severity === "error") continue;
    for (const role of need.roles) slots.push({ roles: [role], because: need.why });
  }
  return normalise(slots);
}

/**
 * One slot per single role (its reasons joined); an any-of slot is dropped when a single-role slot
 * already requires one of its roles, and kept once otherwise.
 */
export function normalise(slots: readonly RequiredReview[]): RequiredReview[] {
  const single = new Map<ReviewerRole, Set<string>>();
  const anyOf = new Map<string, RequiredReview>();
  for (const s of slots) {
    const roles = [...new Set(s.roles)];
    if (roles.length === 1) {
      const why = single.get(roles[0]!) ?? new Set<string>();
      why.add(s.because);
      single.set(roles[0]!, why);
    } else {
      const key = [...roles].sort().join(",");
      if (!anyOf.has(key)) anyOf.set(key, { roles, because: s.because });
    }
  }
  const out: RequiredReview[] = [...single].map(([role, why]) => ({ roles: [role], because: [...why].join(", ") }));
  for (const s of anyOf.values()) if (!s.roles.some((r) => single.has(r))) out.push(s);
  return out;
}
