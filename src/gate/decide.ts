// The gate: decide(proposal, snapshot, bundle, now) → Verdict. Pure — it reads nothing and writes
// nothing — and deterministic. Every check runs and lists what it found; the verdict combines them:
//   any blocking reason                 → rejected
//   else authority says confirm         → pending_review (holds no slot: the gap and quiet hours are not
//                                         applied now; approval decides again at its own moment)
//   else a later first allowed moment   → scheduled for it (the gap or quiet hours moved it)
//   else                                → allowed
// Blocking: every code except AUTHORITY_AUTONOMOUS, AUTHORITY_CONFIRM (informational), MIN_GAP and
// QUIET_HOURS (delaying). `reasons` are all checks' reasons in check order — for a pending review
// without MIN_GAP and QUIET_HOURS, which are not applied; its contact check still records what it found.
// A first allowed moment after the proposal's notAfter rejects it (PROPOSAL_EXPIRED) even when it would
// go to review: no approval can make it happen in time.
import type { Bundle } from "../governance/bundle.ts";
import { channelOf } from "../shared/vocabulary.ts";
import { checkAgent } from "./checks/agent.ts";
import { checkAuthority } from "./checks/authority.ts";
import { checkConsent } from "./checks/consent.ts";
import { checkContact } from "./checks/contact.ts";
import { checkContent } from "./checks/content.ts";
import { checkEvidence } from "./checks/evidence.ts";
import { checkExpiry } from "./checks/expiry.ts";
import { checkFreshness } from "./checks/freshness.ts";
import { checkHcp } from "./checks/hcp.ts";
import { checkPersonalization } from "./checks/personalization.ts";
import type { GateInput } from "./checks/input.ts";
import type { Proposal } from "./proposal.ts";
import { DELAYING, INFORMATIONAL, type Reason } from "./reasons.ts";
import type { Snapshot } from "./snapshot.ts";
import type { CheckResult, Verdict } from "./verdict.ts";

/** A check's result as the verdict records it (without what only decide() needs). */
function recorded(c: CheckResult): CheckResult {
  return c.evidence === undefined
    ? { check: c.check, status: c.status, reasons: c.reasons }
    : { check: c.check, status: c.status, reasons: c.reasons, evidence: c.evidence };
}

export interface DecideOptions {
  /**
   * The people the authority matrix asked for have signed (a review's approval): a `confirm` authority
   * is then satisfied, and every other check still decides at this moment.
   */
  confirmed?: boolean;
}

export function decide(proposal: Proposal, snapshot: Snapshot, bundle: Bundle, now: Date, options: DecideOptions = {}): Verdict {
  const nowMs = now.getTime();
  const decidedAt = new Date(nowMs);
  const hcp = snapshot.hcp;
  const input: GateInput = {
    proposal,
    snapshot,
    bundle,
    now: decidedAt,
    nowMs,
    channel: channelOf(proposal.action),
    market: hcp !== null && Object.hasOwn(bundle.markets, hcp.market) ? bundle.markets[hcp.market]! : null,
  };

  const contact = checkContact(input);
  const authority = checkAuthority(input);
  const checks: readonly CheckResult[] = [
    checkAgent(input),
    checkExpiry(input, contact.firstAllowedAt),
    checkHcp(input),
    checkEvidence(input),
    checkFreshness(input),
    checkConsent(input),
    checkContent(input),
    checkPersonalization(input),
    recorded(authority),
    recorded(contact),
  ];

  const reasons: Reason[] = [];
  let blocking = false;
  for (const c of checks) {
    for (const r of c.reasons) {
      reasons.push(r);
      if (!INFORMATIONAL.has(r.code) && !DELAYING.has(r.code)) blocking = true;
    }
  }

  const bundleVersion = bundle.version;
  const channel = input.channel;
  const exempt = bundle.contact.exemptPurposes.includes(proposal.purpose);
  if (blocking) return { outcome: "rejected", bundleVersion, decidedAt, reasons, checks, channel, exempt };
  if (authority.outcome === "confirm" && !options.confirmed) {
    return {
      outcome: "pending_review",
      reviewers: authority.reviewers,
      bundleVersion,
      decidedAt,
      reasons: reasons.filter((r) => !DELAYING.has(r.code)),
      checks,
      channel,
      exempt,
    };
  }
  if (contact.firstAllowedAt > nowMs) {
    return {
      outcome: "scheduled",
      scheduledFor: new Date(contact.firstAllowedAt),
      bundleVersion,
      decidedAt,
      reasons,
      checks,
      channel,
      exempt,
    };
  }
  return { outcome: "allowed", bundleVersion, decidedAt, reasons, checks, channel, exempt };
}
