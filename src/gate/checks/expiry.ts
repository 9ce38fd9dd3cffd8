// Is the proposal still wanted? Past its notAfter now, or only possible (first allowed moment) after it.
import type { CheckResult } from "../verdict.ts";
import { formatInstant } from "./format.ts";
import { NO_REASONS, type GateInput } from "./input.ts";

/**
 * `firstAllowedAt` is the contact check's earliest moment for the action (epoch ms; `now` when nothing
 * delays it). It counts even when the action goes to review: a review cannot make it happen sooner.
 */
export function checkExpiry({ proposal, nowMs }: GateInput, firstAllowedAt: number): CheckResult {
  const notAfter = proposal.notAfter;
  if (notAfter === null) return { check: "expiry", status: "pass", reasons: NO_REASONS, evidence: { notAfter: null } };
  const limit = notAfter.getTime();
  if (limit < nowMs) {
    return {
      check: "expiry",
      status: "fail",
      reasons: [
        {
          code: "PROPOSAL_EXPIRED",
          message: `Proposal ${proposal.idempotencyKey} expired at ${formatInstant(limit)}, before this decision at ${formatInstant(nowMs)}`,
        },
      ],
      evidence: { notAfter: limit },
    };
  }
  if (firstAllowedAt > limit) {
    return {
      check: "expiry",
      status: "fail",
      reasons: [
        {
          code: "PROPOSAL_EXPIRED",
          message: `The first moment the contact policy allows, ${formatInstant(firstAllowedAt)}, is after the proposal's notAfter ${formatInstant(limit)}`,
        },
      ],
      evidence: { firstAllowedAt, notAfter: limit },
    };
  }
  return { check: "expiry", status: "pass", reasons: NO_REASONS, evidence: { notAfter: limit } };
}
