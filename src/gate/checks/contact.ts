// The contact policy shared by every agent (contact.yaml): minimum gap, quiet hours, caps.
//
// Touches that count: the HCP's touches with `exempt` false — past ones and future scheduled ones.
// The first allowed moment t starts at now and moves until it is stable: past any counted touch closer
// than the minimum gap, then out of quiet hours in the HCP's local time. Caps are then checked at t: a
// cap holds if every window [s, s+per) containing t holds at most `max` counted touches (on the cap's
// channel, or any for `all`) including this one. Exempt purposes skip the whole check.
import type { Cap, ContactPolicy } from "../../governance/bundle.ts";
import type { Channel } from "../../shared/vocabulary.ts";
import type { Reason } from "../reasons.ts";
import type { Touch } from "../snapshot.ts";
import type { CheckResult } from "../verdict.ts";
import { formatClock, formatDuration, formatInstant } from "./format.ts";
import { NO_REASONS, type GateInput } from "./input.ts";
import { ZoneOffsets, isQuiet, hasQuietPeriod, quietEnd } from "./local-time.ts";

/** The contact check's finding plus the moment the action may happen (epoch ms; `now` when undelayed). */
export interface ContactCheckResult extends CheckResult {
  firstAllowedAt: number;
}

/** One per process; see ZoneOffsets (a memo, not state that changes answers). */
const zoneOffsets = new ZoneOffsets();

/** Each adjustment passes a touch or a quiet period, so a stable moment comes long before this. */
const MAX_ADJUSTMENTS_EXTRA = 16;

/** The counted (non-exempt) touches, sorted by time. Usually few and nearly sorted: insertion sort. */
export function countedTouches(touches: readonly Touch[]): Touch[] {
  const out: Touch[] = [];
  for (const x of touches) if (!x.exempt) out.push(x);
  if (out.length > 64) return out.sort((a, b) => a.at - b.at);
  for (let i = 1; i < out.length; i++) {
    const v = out[i]!;
    let j = i - 1;
    while (j >= 0 && out[j]!.at > v.at) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = v;
  }
  return out;
}

/**
 * The most counted touches on the cap's channel in any window [s, s+per) that contains t (not counting
 * t itself). Such a window's count is largest when it starts at a touch in (t - per, t] or at t itself
 * (sliding a window's start right up to its first touch loses nothing), so only those starts are
 * tried, in order, with two pointers over the sorted touches: O(n).
 */
export function peakAround(sorted: readonly Touch[], channel: Channel | "all", perMs: number, t: number): number {
  const n = sorted.length;
  const all = channel === "all";
  let lo = 0; // first touch at or after the window's start
  let hi = 0; // first touch at or after the window's end
  let inWindow = 0;
  let peak = 0;
  let k = 0; // next touch that may start a window
  let triedT = false;
  for (;;) {
    while (k < n && (sorted[k]!.at <= t - perMs || (!all && sorted[k]!.channel !== channel))) k++;
    let start: number;
    if (k < n && sorted[k]!.at <= t) start = sorted[k++]!.at;
    else if (!triedT) {
      start = t;
      triedT = true;
    } else break;
    const end = start + perMs;
    while (hi < n && sorted[hi]!.at < end) {
      if (all || sorted[hi]!.channel === channel) inWindow++;
      hi++;
    }
    while (lo < n && sorted[lo]!.at < start) {
      if (all || sorted[lo]!.channel === channel) inWindow--;
      lo++;
    }
    if (inWindow > peak) peak = inWindow;
  }
  return peak;
}

function capApplies(cap: Cap, channel: Channel): boolean {
  return cap.channel === "all" || cap.channel === channel;
}

/** The HCP's zone if it is a real one, else the market's, else UTC (only for an HCP already rejected as unknown). */
function zoneFor(hcpZone: string | null, marketZone: string | null): string {
  if (hcpZone !== null && zoneOffsets.isValidZone(hcpZone)) return hcpZone;
  if (marketZone !== null && zoneOffsets.isValidZone(marketZone)) return marketZone;
  return "UTC";
}

/** A contact reason names its layer when a market overlay set the figure (the evidence always does). */
function overlayLayer(layer: string | undefined): { layer?: string } {
  return layer !== undefined && layer !== "global" ? { layer } : {};
}

/** The policy for HCPs of a market: its overlay merged at load (only ever tighter), else the global one. */
export function contactPolicyFor(policy: ContactPolicy, market: string | null | undefined): ContactPolicy {
  return (market !== null && market !== undefined && policy.byMarket?.[market]) || policy;
}

export function checkContact({ proposal, snapshot, bundle, market, channel, nowMs }: GateInput): ContactCheckResult {
  const policy: ContactPolicy = contactPolicyFor(bundle.contact, snapshot.hcp?.market ?? market?.code);
  if (policy.exemptPurposes.includes(proposal.purpose)) {
    return {
      check: "contact",
      status: "skipped",
      reasons: NO_REASONS,
      evidence: { exempt: true, purpose: proposal.purpose },
      firstAllowedAt: nowMs,
    };
  }
  const hcp = snapshot.hcp;
  if (hcp === null) {
    return { check: "contact", status: "skipped", reasons: NO_REASONS, evidence: { skipped: "HCP unknown" }, firstAllowedAt: nowMs };
  }

  const touches = countedTouches(snapshot.touches);
  const gap = policy.minGapMs;
  const quiet = policy.quietHours !== null && hasQuietPeriod(policy.quietHours) ? policy.quietHours : null;
  const zone = quiet === null ? null : zoneFor(hcp.timezone, market?.timezone ?? null);

  // The first allowed moment.
  let t = nowMs;
  let gapTouch: Touch | null = null;
  let quietFrom: number | null = null;
  let stable = false;
  for (let round = 0; round < touches.length + MAX_ADJUSTMENTS_EXTRA; round++) {
    const before = t;
    if (gap > 0) {
      // Ascending: moving t past one touch can only bring later touches into reach.
      for (const x of touches) {
        if (x.at - t >= gap) break;
        if (t - x.at < gap) {
          t = x.at + gap;
          gapTouch = x;
        }
      }
    }
    if (quiet !== null && isQuiet(zoneOffsets, zone!, quiet, t)) {
      quietFrom ??= t;
      t = quietEnd(zoneOffsets, zone!, quiet, t);
    }
    if (t === before) {
      stable = true;
      break;
    }
  }

  const reasons: Reason[] = [];
  if (gapTouch !== null) {
    reasons.push({
      code: "MIN_GAP",
      ...overlayLayer(policy.layers?.minGap),
      message: `HCP ${hcp.id} has another ${gapTouch.channel} touch at ${formatInstant(gapTouch.at)} (decision ${gapTouch.decisionId}) within the ${formatDuration(gap)} minimum gap; the first allowed moment is ${formatInstant(t)}`,
    });
  }
  if (quietFrom !== null) {
    reasons.push({
      code: "QUIET_HOURS",
      ...overlayLayer(policy.layers?.quietHours),
      message: `${formatInstant(quietFrom)} is within quiet hours ${formatClock(quiet!.fromMinute)}–${formatClock(quiet!.toMinute)} in ${zone} (${hcp.timezone !== null && zone === hcp.timezone ? "the HCP's zone" : `market ${hcp.market}'s zone`}); the first allowed moment is ${formatInstant(t)}`,
    });
  }
  if (!stable) {
    reasons.push({
      code: "CAP_EXCEEDED",
      message: `No moment clear of the minimum gap and quiet hours was found for HCP ${hcp.id} after ${formatInstant(nowMs)}`,
    });
  }

  const caps: { cap: string; inWindow: number; max: number; layer: string }[] = [];
  for (const cap of policy.caps) {
    if (!capApplies(cap, channel)) continue;
    const inWindow = peakAround(touches, cap.channel, cap.perMs, t);
    caps.push({ cap: cap.label, inWindow, max: cap.max, layer: cap.layer ?? "global" });
    if (inWindow + 1 > cap.max) {
      reasons.push({
        code: "CAP_EXCEEDED",
        ...overlayLayer(cap.layer),
        message: `Contact cap "${cap.label}" for HCP ${hcp.id}: a ${formatDuration(cap.perMs)} window containing ${formatInstant(t)} already holds ${inWindow} ${cap.channel === "all" ? "" : `${cap.channel} `}touch${inWindow === 1 ? "" : "es"} (at most ${cap.max} allowed)`,
      });
    }
  }

  const blocked = !stable || reasons.some((r) => r.code === "CAP_EXCEEDED");
  return {
    check: "contact",
    status: blocked ? "fail" : t > nowMs ? "hold" : "pass",
    reasons: reasons.length === 0 ? NO_REASONS : reasons,
    evidence: { caps, counted: touches.length, firstAllowedAt: t, zone, minGap: { ms: gap, layer: policy.layers?.minGap ?? "global" }, quietHours: { layer: policy.layers?.quietHours ?? "global" } },
    firstAllowedAt: t,
  };
}
