// Loads the decisions a batch of events links to, for outcome checks and MI answers.
import type { Tx } from "../store/db.ts";
import type { Channel } from "../shared/vocabulary.ts";
import { parseJson } from "../shared/json.ts";
import type { DecisionRef } from "./outcome-links.ts";

const CHUNK = 500;

export async function loadDecisionRefs(trx: Tx, ids: readonly string[]): Promise<Map<string, DecisionRef>> {
  const refs = new Map<string, DecisionRef>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await trx.selectFrom("decisions").select(["id", "hcp_id", "agent_id", "action", "channel", "outcome", "proposal"])
      .where("id", "in", unique.slice(i, i + CHUNK)).execute();
    for (const r of rows) {
      const evidence = parseJson<{ evidence?: unknown }>(r.proposal, {}).evidence;
      refs.set(r.id, {
        id: r.id, hcpId: r.hcp_id, agentId: r.agent_id, action: r.action, channel: r.channel as Channel, outcome: r.outcome,
        evidence: Array.isArray(evidence) ? evidence.filter((x): x is string => typeof x === "string") : [],
      });
    }
  }
  return refs;
}
