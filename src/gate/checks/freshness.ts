// Is the data the proposal relies on current enough for this action (freshness.yaml)?
// Relied on: the proposal's evidence events when it names any, else the HCP's newest event from each
// source the action requires. An event dated after `now` (a source's clock running ahead) counts as fresh.
import type { CheckResult } from "../verdict.ts";
import { formatDuration, formatInstant, formatList } from "./format.ts";
import { NO_REASONS, type GateInput } from "./input.ts";

export function checkFreshness({ proposal, snapshot, bundle, nowMs }: GateInput): CheckResult {
  const policy = bundle.freshness;
  const limitMs = policy.actions[proposal.action] ?? policy.defaultMs;

  if (proposal.evidence.length > 0) {
    let newest = -Infinity;
    for (const e of snapshot.evidence) if (e.occurredAt > newest) newest = e.occurredAt;
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

  const sources = policy.requires[proposal.action];
  if (sources === undefined || sources.length === 0) {
    return { check: "freshness", status: "pass", reasons: NO_REASONS, evidence: { basis: "nothing", limitMs } };
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
