// When content may be approved: pure rules over what the services load. Each problem is a value the
// refusal lists, so a reviewer sees every reason at once, not only the first.
import type { Market } from "../shared/vocabulary.ts";
import type { CheckFinding } from "./checks.ts";
import { isExpired, statusAt, type ContentStatus } from "./lifecycle.ts";

export interface ApprovalProblem {
  code: string;
  message: string;
  claimId?: string;
}

export interface ClaimState {
  id: string;
  status: ContentStatus;
  expiresAt: string | null;
  references: readonly string[];
}

/** Why a claim may not be approved (or submitted) now; empty when it may. Workflow conflicts are separate. */
export function claimApprovalProblems(claim: ClaimState, now: Date): ApprovalProblem[] {
  const problems: ApprovalProblem[] = [];
  if (claim.status === "withdrawn") problems.push({ code: "CLAIM_WITHDRAWN", message: `claim '${claim.id}' has been withdrawn` });
  else if (claim.status === "rejected") problems.push({ code: "CLAIM_REJECTED", message: `claim '${claim.id}' has been rejected; edit it to make a new version` });
  if (claim.status !== "withdrawn" && isExpired(claim.expiresAt, now)) {
    problems.push({ code: "CLAIM_EXPIRED", message: `claim '${claim.id}' expired at ${claim.expiresAt}` });
  }
  if (claim.references.length === 0) {
    problems.push({ code: "CLAIM_NO_REFERENCES", message: `claim '${claim.id}' has no references; a claim is approved only with its supporting references` });
  }
  return problems;
}

export interface AssetState {
  id: string;
  status: ContentStatus;
  expiresAt: string | null;
  market: Market;
}

/** Why an asset may not be approved now: its own state, its standing error findings, its claims' states. */
export function assetApprovalProblems(asset: AssetState, claims: readonly ClaimState[], findings: readonly CheckFinding[], now: Date): ApprovalProblem[] {
  const problems: ApprovalProblem[] = [];
  if (asset.status === "withdrawn") problems.push({ code: "ASSET_WITHDRAWN", message: `asset '${asset.id}' has been withdrawn` });
  else if (asset.status === "rejected") problems.push({ code: "ASSET_REJECTED", message: `asset '${asset.id}' has been rejected; it needs a new version` });
  if (asset.status !== "withdrawn" && asset.status !== "rejected" && isExpired(asset.expiresAt, now)) {
    problems.push({ code: "ASSET_EXPIRED", message: `asset '${asset.id}' expired at ${asset.expiresAt}` });
  }
  problems.push(...errorFindings(findings));
  for (const claim of claims) {
    const status = statusAt(claim.status, claim.expiresAt, now);
    // Withdrawn claims already stand as an error finding; say the rest once each.
    if (status === "withdrawn") continue;
    if (status !== "approved") {
      problems.push({ code: "CLAIM_NOT_APPROVED", claimId: claim.id, message: `claim '${claim.id}' is ${status}; an asset is approved only when every claim module it uses is approved` });
    }
  }
  return problems;
}

export function errorFindings(findings: readonly CheckFinding[]): ApprovalProblem[] {
  return findings.filter((f) => f.severity === "error").map((f) => ({ code: f.code, message: f.message, ...(f.claimId ? { claimId: f.claimId } : {}) }));
}
