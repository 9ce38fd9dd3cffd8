// Is the data the proposal relies on current enough for this action (freshness.yaml)?
// Relied on: the proposal's evidence events when it names any, else the HCP's newest event from each
// source the action requires that the proposal's purpose may use in the HCP's market (data.yaml). Evidence
// that is not the HCP's, or that the purpose may not use, is the evidence check's business and never
// counts as fresh here. An event dated after `now` (a source's clock running ahead) counts as fresh.
import type { CheckResult } from "../verdict.ts";
import { formatDuration, formatInstant, formatList } from "./format.ts";
import { NO_REASONS, type GateInput } from "./input.ts";
import type { Bundle } from "../../governance/bundle.ts";
import type { Proposal } from "../proposal.ts";
import type { Market } from "../../shared/vocabulary.ts";
import { dataUseOf, mayUse } from "../../governance/data-use.ts";

/** The sources the freshness fallback relies on: those the action requires and the purpose may use there. */
export function usableRequiredSources(bundle: Bundle, proposal: Pick<Proposal, "action" | "purpose">, market: Market): readonly string[] {
  const required = bundle.freshness.requires[proposal.action] ?? [];
  const policy = dataUseOf(bundle);
  return required.filter((source) => mayUse(policy, source, proposal.purpose, market));
}

export function checkFreshness({ proposal, snapshot, bundle, nowMs }: GateInput): CheckResult {
  const policy = bundle.freshness;
  const limitMs = policy.actions[proposal.action] ?? policy.defaultMs;

  if (proposal.evidence.length > 0) {
    let newest = -Infinity;
    const policy = dataUseOf(bundle);
    const market = snapshot.hcp?.market;
    for (const e of snapshot.evidence) {
      const usable = (e.hcpId === undefined || e.hcpId === proposal.hcpId) && (market === undefined || mayUse(policy, e.source, proposal.purpose, market));
      if (usable && e.occurredAt > newest) newest = e.occurredAt;
    }
    const evidence = { basis: "evidence", limitMs, missing: snapshot.missingEvidence, newestAt: newest === -Infinity ? null : newest };
    if (snapshot.missingEvidence.length > 0) {
      return {
        check: "freshness",
        status: "fail",
        reasons: [
          {
            code: "DATA_STALE",
            message: `Evidence event(s) ${formatList(snapshot.missingEvidence)} named by the proposal were not found`,
          },
        ],
        evidence,
      };
    }
    if (newest === -Infinity || nowMs - newest > limitMs) {
      return {
        check: "freshness",
        status: "fail",
        reasons: [
          {
            code: "DATA_STALE",
            message:
              newest === -Infinity
                ? `The proposal's evidence holds no event; ${proposal.action} needs data newer than ${formatDuration(limitMs)}`
                : `The newest evidence event occurred at ${formatInstant(newest)}, ${formatDuration(nowMs - newest)} ago; ${proposal.action} needs data newer than ${formatDuration(limitMs)}`,
          },
        ],
        evidence,
      };
    }
    return { check: "freshness", status: "pass", reasons: NO_REASONS, evidence };
  }

  const required = policy.requires[proposal.action] ?? [];
  const sources = snapshot.hcp ? usableRequiredSources(bundle, proposal, snapshot.hcp.market) : required;
  if (sources.length === 0) {
    return { check: "freshness", status: "pass", reasons: NO_REASONS, evidence: { basis: "nothing", limitMs, ...(required.length > 0 ? { notUsable: required } : {}) } };
  }
  const seen: Record<string, number | null> = {};
  const stale: string[] = [];
  for (const source of sources) {
    const newest = Object.hasOwn(snapshot.newestBySource, source) ? snapshot.newestBySource[source]! : null;
    seen[source] = newest;
    if (newest === null) stale.push(`no event from ${source}`);
    else if (nowMs - newest > limitMs) stale.push(`${source}'s newest event is from ${formatInstant(newest)}, ${formatDuration(nowMs - newest)} ago`);
  }
  const evidence = { basis: "sources", limitMs, newestBySource: seen };
  if (stale.length > 0) {
    return {
      check: "freshness",
      status: "fail",
      reasons: [
        {
          code: "DATA_STALE",
          message: `HCP ${proposal.hcpId}: ${stale.join("; ")}; ${proposal.action} needs data newer than ${formatDuration(limitMs)}`,
        },
      ],
      evidence,
    };
  }
  return { check: "freshness", status: "pass", reasons: NO_REASONS, evidence };
}
