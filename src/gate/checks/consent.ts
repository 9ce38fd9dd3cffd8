// Does the HCP's consent allow this channel for this purpose, under the market's regime (markets.yaml)?
// opt_in: needs a `granted` record. opt_out: allowed unless `revoked`. A channel missing from the
// market's map — or a market missing from the bundle — counts as opt_in.
// The record that counts is the newest for the channel and purpose captured at or before `now` (one
// captured later is not known yet); on a tie, a revocation wins.
import type { ConsentRegime } from "../../governance/bundle.ts";
import type { ConsentView } from "../snapshot.ts";
import type { CheckResult } from "../verdict.ts";
import { formatInstant } from "./format.ts";
import { NO_REASONS, type GateInput } from "./input.ts";

function regimeName(regime: ConsentRegime): string {
  return regime === "opt_in" ? "opt-in" : "opt-out";
}

export function checkConsent({ proposal, snapshot, market, channel, nowMs }: GateInput): CheckResult {
  const hcp = snapshot.hcp;
  if (hcp === null) {
    return { check: "consent", status: "skipped", reasons: NO_REASONS, evidence: { skipped: "HCP unknown" } };
  }
  const purpose = proposal.purpose;
  const regime: ConsentRegime = market?.consent[channel] ?? "opt_in";

  let record: ConsentView | null = null;
  let notYet: ConsentView | null = null;
  for (const c of snapshot.consents) {
    if (c.channel !== channel || c.purpose !== purpose) continue;
    if (c.capturedAt > nowMs) {
      notYet = c;
      continue;
    }
    if (record === null || c.capturedAt > record.capturedAt || (c.capturedAt === record.capturedAt && c.status === "revoked")) {
      record = c;
    }
  }
  const evidence =
    record === null
      ? { channel, purpose, record: null, regime }
      : { capturedAt: record.capturedAt, channel, purpose, recordId: record.recordId, regime, source: record.source, status: record.status };
  const where = `market ${hcp.market} is ${regimeName(regime)} for ${channel}${market === null ? " (market unknown to governance)" : ""}`;

  if (record !== null && record.status === "revoked") {
    return {
      check: "consent",
      status: "fail",
      reasons: [
        {
          code: "CONSENT_REVOKED",
          message: `HCP ${hcp.id} revoked ${channel} consent for ${purpose} purpose at ${formatInstant(record.capturedAt)} (record ${record.recordId} from ${record.source}; ${where})`,
        },
      ],
      evidence,
    };
  }
  if (regime === "opt_in" && record === null) {
    const later = notYet === null ? "" : `; a consent captured at ${formatInstant(notYet.capturedAt)}, after this decision, does not count yet`;
    return {
      check: "consent",
      status: "fail",
      reasons: [
        {
          code: "CONSENT_MISSING",
          message: `HCP ${hcp.id} in market ${hcp.market} has no granted ${channel} consent for ${purpose} purpose (${where}${later})`,
        },
      ],
      evidence,
    };
  }
  return { check: "consent", status: "pass", reasons: NO_REASONS, evidence };
}
