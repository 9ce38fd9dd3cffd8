// The last look before an item leaves: between the decision and this moment consent may have been
// revoked, a claim withdrawn, content expired, or the agent paused or halted. The gate's own consent and
// content checks run again on a fresh snapshot; of the agent check only its status counts (scope was
// the decision's business). Pure: the dispatcher loads the snapshot and acts on the answer.
import type { Bundle } from "../governance/bundle.ts";
import { channelOf } from "../shared/vocabulary.ts";
import { checkAgent } from "../gate/checks/agent.ts";
import { checkConsent } from "../gate/checks/consent.ts";
import { checkContent } from "../gate/checks/content.ts";
import { checkPersonalization } from "../gate/checks/personalization.ts";
import type { GateInput } from "../gate/checks/input.ts";
import type { Proposal } from "../gate/proposal.ts";
import type { Reason, ReasonCode } from "../gate/reasons.ts";
import type { Snapshot } from "../gate/snapshot.ts";

const AGENT_STOPS: ReadonlySet<ReasonCode> = new Set(["AGENT_UNKNOWN", "AGENT_PAUSED", "AGENT_HALTED"]);

/** Every reason the item must not leave now; empty when it may. */
export function recheck(proposal: Proposal, snapshot: Snapshot, bundle: Bundle, now: Date): Reason[] {
  const hcp = snapshot.hcp;
  if (hcp === null) return [{ code: "HCP_UNKNOWN", message: `HCP ${proposal.hcpId} is no longer known to Steward` }];
  const input: GateInput = {
    proposal,
    snapshot,
    bundle,
    now,
    nowMs: now.getTime(),
    channel: channelOf(proposal.action),
    market: Object.hasOwn(bundle.markets, hcp.market) ? bundle.markets[hcp.market]! : null,
  };
  return [
    ...checkAgent(input).reasons.filter((r) => AGENT_STOPS.has(r.code)),
    ...checkConsent(input).reasons,
    ...checkContent(input).reasons,
    ...checkPersonalization(input).reasons,
  ];
}

/** The proposal as the decision stored it (JSON), with its one Date revived. */
export function storedProposal(json: string): Proposal {
  const p = JSON.parse(json) as Proposal & { notAfter: string | null };
  return { ...p, evidence: p.evidence ?? [], notAfter: p.notAfter ? new Date(p.notAfter) : null, content: p.content ?? null };
}
