// Can the asset's personalization tokens be filled for this HCP? A token without a value would reach
// the HCP raw ("Dear {{hcp.name}}") or with a hole; either way nothing is sent (PERSONALIZATION_MISSING).
// `{{unsubscribe}}` always has a value (the item's link). Runs at the decision and again at dispatch.
import { missingTokens, tokenValues } from "../../content/personalization.ts";
import type { CheckResult } from "../verdict.ts";
import { NO_REASONS, type GateInput } from "./input.ts";

/** Stands in for the item's unsubscribe link, which dispatch always knows. */
const LINK_KNOWN = "link";

export function checkPersonalization({ snapshot }: GateInput): CheckResult {
  const asset = snapshot.asset;
  const hcp = snapshot.hcp;
  if (asset === null || hcp === null || asset.tokens.length === 0) {
    return { check: "personalization", status: "pass", reasons: NO_REASONS };
  }
  const missing = missingTokens(asset.tokens, tokenValues(hcp, LINK_KNOWN));
  if (missing.length === 0) {
    return { check: "personalization", status: "pass", reasons: NO_REASONS, evidence: { tokens: asset.tokens } };
  }
  const list = missing.map((t) => `{{${t}}}`).join(", ");
  return {
    check: "personalization",
    status: "fail",
    reasons: [{ code: "PERSONALIZATION_MISSING", message: `Asset ${asset.id} v${asset.version} needs ${list}, and HCP ${hcp.id}'s profile has no value for ${missing.length === 1 ? "it" : "them"} (see docs/content.md for where each token's value comes from)` }],
    evidence: { tokens: asset.tokens, missing },
  };
}
