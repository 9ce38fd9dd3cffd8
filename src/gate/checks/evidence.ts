// May the proposal rest on the evidence it cites? Each event must exist and be about this HCP — the
// identity after merges: an event of a record merged into it is its own — (EVIDENCE_INVALID), and its
// source must be one the proposal's purpose may use in the HCP's market (data.yaml,
// DATA_USE_NOT_PERMITTED): what an HCP asked medical information never drives a promotional touch.
import type { Reason } from "../reasons.ts";
import type { CheckResult } from "../verdict.ts";
import { formatList } from "./format.ts";
import { NO_REASONS, type GateInput } from "./input.ts";
import { dataUse, dataUseOf } from "../../governance/data-use.ts";

export function checkEvidence({ proposal, snapshot, bundle }: GateInput): CheckResult {
  if (proposal.evidence.length === 0) return { check: "evidence", status: "pass", reasons: NO_REASONS };
  const hcp = snapshot.hcp;
  const reasons: Reason[] = [];
  if (snapshot.missingEvidence.length > 0) {
    reasons.push({ code: "EVIDENCE_INVALID", message: `Evidence event(s) ${formatList(snapshot.missingEvidence)} named by the proposal do not exist` });
  }
  const foreign = snapshot.evidence.filter((e) => e.hcpId !== undefined && e.hcpId !== proposal.hcpId);
  if (foreign.length > 0) {
    reasons.push({
      code: "EVIDENCE_INVALID",
      message: `Evidence event(s) ${formatList(foreign.map((e) => `${e.id} (HCP ${e.hcpId})`))} are about another HCP, not ${proposal.hcpId}`,
    });
  }
  const policy = dataUseOf(bundle);
  const refused: string[] = [];
  if (hcp !== null) {
    for (const e of snapshot.evidence) {
      if (foreign.includes(e)) continue;
      const use = dataUse(policy, e.source, proposal.purpose, hcp.market);
      if (use.permitted) continue;
      refused.push(use.why === "purpose"
        ? `${e.id} (source ${e.source}: ${formatList(use.rule.purposes)} only, not ${proposal.purpose})`
        : `${e.id} (source ${e.source}: markets ${formatList(use.rule.markets ?? [])} only, not ${hcp.market})`);
    }
  }
  if (refused.length > 0) {
    reasons.push({ code: "DATA_USE_NOT_PERMITTED", message: `data.yaml does not let a ${proposal.purpose} decision for an HCP in ${hcp!.market} use evidence ${refused.join("; ")}` });
  }
  return {
    check: "evidence",
    status: reasons.length === 0 ? "pass" : "fail",
    reasons: reasons.length === 0 ? NO_REASONS : reasons,
    evidence: { cited: proposal.evidence.length, missing: snapshot.missingEvidence, sources: snapshot.evidence.map((e) => e.source) },
  };
}
