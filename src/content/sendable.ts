// May the asset version in force be sent to an HCP in market M, as action A (so on A's channel), at
// time T? One rule answers it: the gate's content check. Content asks that rule with only what it
// reads (the asset's view, the market, the action, the moment), so what readiness metrics call
// sendable and what the gate allows cannot drift apart. Pure.
import type { Bundle } from "../governance/bundle.ts";
import { checkContent } from "../gate/checks/content.ts";
import type { Proposal } from "../gate/proposal.ts";
import type { Reason } from "../gate/reasons.ts";
import type { AssetView, Snapshot } from "../gate/snapshot.ts";
import { channelOf, type ActionType, type Market } from "../shared/vocabulary.ts";

/** Why the gate would refuse to send this content (empty when it may be sent). */
export function sendRefusals(asset: AssetView, market: Market, action: ActionType, now: Date, bundle: Bundle): readonly Reason[] {
  const proposal: Proposal = {
    agentId: "", idempotencyKey: "", hcpId: "", action, purpose: "promotional", assetId: asset.id,
    confidence: null, expectedValue: null, rationale: null, evidence: [], notAfter: null, content: null,
  };
  const snapshot: Snapshot = {
    agent: null, hcp: { id: "", name: "", market, timezone: null, specialty: "", segment: null, attributes: {} }, consents: [],
    asset, assetFound: true, touches: [], evidence: [], missingEvidence: [], newestBySource: {},
  };
  const result = checkContent({ proposal, snapshot, bundle, now, nowMs: now.getTime(), channel: channelOf(action), market: bundle.markets[market] ?? null });
  return result.status === "pass" ? [] : result.reasons;
}
