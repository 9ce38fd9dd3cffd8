// Is the HCP known, and is its market one the governance bundle has rules for?
// Both failures are HCP_UNKNOWN (the public code set has no separate one): an HCP whose market the
// bundle does not know cannot be governed — no consent regime, no timezone — so it is as unknown as an
// absent one. The message says which it is.
import type { CheckResult } from "../verdict.ts";
import { NO_REASONS, type GateInput } from "./input.ts";

export function checkHcp({ proposal, snapshot, bundle, market }: GateInput): CheckResult {
  const hcp = snapshot.hcp;
  if (hcp === null) {
    return {
      check: "hcp",
      status: "fail",
      reasons: [{ code: "HCP_UNKNOWN", message: `HCP ${proposal.hcpId} is not known to Steward` }],
      evidence: { hcpId: proposal.hcpId },
    };
  }
  if (market === null) {
    return {
      check: "hcp",
      status: "fail",
      reasons: [
        {
          code: "HCP_UNKNOWN",
          message: `HCP ${hcp.id} is in market ${hcp.market}, which is unknown to governance (markets.yaml of bundle ${bundle.version.slice(0, 12)} has no entry for it)`,
        },
      ],
      evidence: { hcpId: hcp.id, market: hcp.market, marketKnown: false },
    };
  }
  return {
    check: "hcp",
    status: "pass",
    reasons: NO_REASONS,
    evidence: { hcpId: hcp.id, market: hcp.market, timezone: hcp.timezone ?? market.timezone },
  };
}
