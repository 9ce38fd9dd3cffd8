// What would change: recent proposals replayed, each as of the moment it was decided, under the
// active bundle and under a candidate, side by side.
import type { Db } from "../store/db.ts";
import type { Bundle } from "./bundle.ts";
import { decide } from "../gate/decide.ts";
import { loadSnapshot } from "../gate/store.ts";
import type { Proposal } from "../gate/proposal.ts";

export interface DryRunChange {
  decisionId: string;
  agentId: string;
  hcpId: string;
  action: string;
  decidedAt: string;
  before: { outcome: string; reasons: string[] };
  after: { outcome: string; reasons: string[] };
}

export interface DryRunReport {
  activeVersion: string;
  candidateVersion: string;
  replayed: number;
  changed: number;
  byOutcome: Record<string, { before: number; after: number }>;
  changes: DryRunChange[];
}

/** Candidate thresholds for one agent: only its decisions are replayed, under the same bundle. */
export interface CandidateThresholds {
  agentId: string;
  thresholds: Readonly<Record<string, number>>;
}

export async function dryRun(db: Db, active: Bundle, candidate: Bundle, limit = 500, thresholds?: CandidateThresholds): Promise<DryRunReport> {
  let query = db.selectFrom("decisions").select(["id", "agent_id", "hcp_id", "action", "decided_at", "proposal"]);
  if (thresholds) query = query.where("agent_id", "=", thresholds.agentId);
  const rows = await query.orderBy("decided_at", "desc").limit(limit).execute();
  const byOutcome: DryRunReport["byOutcome"] = {};
  const changes: DryRunChange[] = [];
  const count = (outcome: string, side: "before" | "after") => {
    byOutcome[outcome] ??= { before: 0, after: 0 };
    byOutcome[outcome][side]++;
  };
  await db.transaction().execute(async (trx) => {
    for (const row of rows) {
      const raw = JSON.parse(row.proposal) as Proposal & { notAfter: string | null };
      const proposal: Proposal = { ...raw, notAfter: raw.notAfter ? new Date(raw.notAfter) : null };
      const at = new Date(row.decided_at);
      const asOf = { asOf: { at: at.getTime(), excludeDecisionId: row.id } };
      const before = decide(proposal, await loadSnapshot(trx, proposal, active, at, asOf), active, at);
      const candidateSnapshot = await loadSnapshot(trx, proposal, candidate, at, asOf);
      const after = decide(proposal, thresholds && candidateSnapshot.agent ? { ...candidateSnapshot, agent: { ...candidateSnapshot.agent, thresholds: { ...candidateSnapshot.agent.thresholds, ...thresholds.thresholds } } } : candidateSnapshot, candidate, at);
      count(before.outcome, "before");
      count(after.outcome, "after");
      const codes = (v: typeof before) => v.reasons.map((r) => r.code + (r.ruleId ? `:${r.ruleId}` : ""));
      if (before.outcome !== after.outcome || codes(before).join() !== codes(after).join()) {
        changes.push({
          decisionId: row.id, agentId: row.agent_id, hcpId: row.hcp_id, action: row.action, decidedAt: row.decided_at,
          before: { outcome: before.outcome, reasons: codes(before) }, after: { outcome: after.outcome, reasons: codes(after) },
        });
      }
    }
  });
  return { activeVersion: active.version, candidateVersion: candidate.version, replayed: rows.length, changed: changes.length, byOutcome, changes };
}
