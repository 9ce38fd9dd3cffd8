// When may this agent next reach an HCP on each channel it uses? The gate's own contact check (minimum
// gap, quiet hours, caps) is asked for each channel and purpose of the agent's actions, on the same
// snapshot a proposal would get, so the answer is what a proposal made now would be told.
import type { Db } from "../store/db.ts";
import type { Bundle } from "../governance/bundle.ts";
import type { ActionType, Channel, Purpose } from "../shared/vocabulary.ts";
import { channelOf } from "../shared/vocabulary.ts";
import type { Proposal } from "../gate/proposal.ts";
import type { GateInput } from "../gate/checks/input.ts";
import { checkContact } from "../gate/checks/contact.ts";
import { loadSnapshot } from "../gate/store.ts";
import { purposeOfAction } from "./context.ts";

export interface NextContact {
  channel: Channel;
  purpose: Purpose;
  /** The first moment a proposal would be allowed or scheduled for; null when a cap blocks it now. */
  at: string | null;
  /** The contact rules that hold it (MIN_GAP, QUIET_HOURS, CAP_EXCEEDED); empty when it may go now. */
  reasons: string[];
}

export async function nextContactFor(db: Db, bundle: Bundle, agent: { id: string; actions: readonly ActionType[] }, hcpId: string, now: Date): Promise<NextContact[]> {
  const seen = new Set<string>();
  const actions = agent.actions.filter((a) => {
    const key = `${channelOf(a)}/${purposeOfAction(a)}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return db.transaction().execute(async (trx) => {
    const out: NextContact[] = [];
    for (const action of actions) {
      const proposal: Proposal = {
        agentId: agent.id, idempotencyKey: "", hcpId, action, purpose: purposeOfAction(action), assetId: null, confidence: null,
        expectedValue: null, rationale: null, evidence: [], notAfter: null, content: null,
      };
      const snapshot = await loadSnapshot(trx, proposal, bundle, now);
      const hcp = snapshot.hcp;
      const input: GateInput = {
        proposal, snapshot, bundle, now, nowMs: now.getTime(), channel: channelOf(action),
        market: hcp !== null && Object.hasOwn(bundle.markets, hcp.market) ? bundle.markets[hcp.market]! : null,
      };
      const contact = checkContact(input);
      out.push({
        channel: input.channel, purpose: proposal.purpose,
        at: contact.status === "fail" ? null : new Date(contact.firstAllowedAt).toISOString(),
        reasons: contact.reasons.map((r) => r.code),
      });
    }
    return out;
  });
}
