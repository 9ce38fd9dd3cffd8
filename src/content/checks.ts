// Automated pre-review checks: deterministic findings over an asset and the claims it names. Pure.
// This is the seed of the MLR pre-review (claim matching, fair balance, wording, channel rules grow here).
import type { Channel, Market } from "../shared/vocabulary.ts";
import type { ContentStatus } from "./lifecycle.ts";

export type Severity = "error" | "warning" | "info";

export interface CheckFinding {
  code: string;
  severity: Severity;
  message: string;
  /** The body field the finding is about, e.g. `claims[2]` or `subject`. */
  field?: string;
  claimId?: string;
}

export interface CheckedAsset {
  channel: Channel;
  market: Market;
  subject: string | null;
  /** Claim ids in the order the asset uses them. */
  claims: readonly string[];
}

export interface CheckedClaim {
  id: string;
  status: ContentStatus;
  markets: readonly Market[];
}

/** Findings in a stable order: per claim in the asset's order, then the asset's own fields. */
export function preReviewChecks(asset: CheckedAsset, claims: readonly CheckedClaim[]): CheckFinding[] {
  const byId = new Map(claims.map((c) => [c.id, c]));
  const findings: CheckFinding[] = [];
  asset.claims.forEach((claimId, i) => {
    const field = `claims[${i}]`;
    const claim = byId.get(claimId);
    if (!claim) {
      findings.push({ code: "CLAIM_UNKNOWN", severity: "error", field, claimId, message: `claim '${claimId}' does not exist` });
      return;
    }
    if (claim.status === "withdrawn") {
      findings.push({ code: "CLAIM_WITHDRAWN", severity: "error", field, claimId, message: `claim '${claimId}' has been withdrawn and may not be used` });
    }
    if (!claim.markets.includes(asset.market)) {
      findings.push({
        code: "CLAIM_MARKET_MISMATCH", severity: "error", field, claimId,
        message: `claim '${claimId}' is not approved for market ${asset.market} (only ${claim.markets.join(", ") || "none"})`,
      });
    }
  });
  if (asset.channel === "email" && !asset.subject?.trim()) {
    findings.push({ code: "SUBJECT_MISSING", severity: "warning", field: "subject", message: "an email asset has no subject line" });
  }
  return findings;
}
