// Ground truth: was a touch compliant with the company's own rules, whatever system sent it? Written
// independently of the gate (brute force, Intl for local time) so that it can check the gate too.
import type { ContactPolicy } from "../governance/bundle.ts";
import type { Channel } from "../shared/vocabulary.ts";

export interface TruthTouch {
  at: number;
  channel: Channel;
  exempt: boolean;
}

export interface ContactFindings {
  /** Touches that pushed some cap window over its maximum (counting every earlier touch in it). */
  overCap: number;
  /** Touches closer than the minimum gap to the HCP's previous touch. */
  underGap: number;
  /** Touches in quiet hours in the HCP's local time. */
  quietHours: number;
  /** Touches with at least one of the above. */
  touches: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes after local midnight at `at` in `zone`. */
export function localMinute(zone: string, at: number): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formatters.set(zone, f);
  }
  const parts = f.formatToParts(at);
  const hour = Number(parts.find((p) => p.type === "hour")!.value);
  const minute = Number(parts.find((p) => p.type === "minute")!.value);
  return hour * 60 + minute;
}

function inQuiet(policy: ContactPolicy, zone: string, at: number): boolean {
  const q = policy.quietHours;
  if (q === null || q.fromMinute === q.toMinute) return false;
  const m = localMinute(zone, at);
  return q.fromMinute < q.toMinute ? m >= q.fromMinute && m < q.toMinute : m >= q.fromMinute || m < q.toMinute;
}

const applies = (cap: ContactPolicy["caps"][number], channel: Channel) => cap.channel === "all" || cap.channel === channel;

/**
 * One HCP's touches (any order) against the contact policy, touch by touch in time order; `onBreach`
 * hears each touch that broke it.
 */
export function contactFindings<T extends TruthTouch>(touches: readonly T[], policy: ContactPolicy, zone: string, onBreach?: (touch: T) => void): ContactFindings {
  const counted = touches.filter((t) => !t.exempt).sort((a, b) => a.at - b.at);
  const out: ContactFindings = { overCap: 0, underGap: 0, quietHours: 0, touches: 0 };
  for (let i = 0; i < counted.length; i++) {
    const t = counted[i]!;
    let bad = false;
    if (i > 0 && t.at - counted[i - 1]!.at < policy.minGapMs) {
      out.underGap++;
      bad = true;
    }
    if (inQuiet(policy, zone, t.at)) {
      out.quietHours++;
      bad = true;
    }
    for (const cap of policy.caps) {
      if (!applies(cap, t.channel)) continue;
      let n = 0;
      for (let j = 0; j <= i; j++) if (counted[j]!.at > t.at - cap.perMs && applies(cap, counted[j]!.channel)) n++;
      if (n > cap.max) {
        out.overCap++;
        bad = true;
        break;
      }
    }
    if (bad) {
      out.touches++;
      onBreach?.(t);
    }
  }
  return out;
}

/**
 * The most counted touches any window of the cap's length holds (brute force: every window that starts
 * at a touch — a window's count only grows when its start moves onto one).
 */
export function peakInAnyWindow(touches: readonly TruthTouch[], cap: ContactPolicy["caps"][number]): number {
  const on = touches.filter((t) => !t.exempt && applies(cap, t.channel));
  let peak = 0;
  for (const s of on) {
    let n = 0;
    for (const t of on) if (t.at >= s.at && t.at < s.at + cap.perMs) n++;
    peak = Math.max(peak, n);
  }
  return peak;
}

/** Every way one HCP's touches break the policy: caps over any window, gaps, quiet hours. */
export function policyBreaches(touches: readonly TruthTouch[], policy: ContactPolicy, zone: string): string[] {
  const out: string[] = [];
  for (const cap of policy.caps) {
    const peak = peakInAnyWindow(touches, cap);
    if (peak > cap.max) out.push(`cap "${cap.label}": ${peak} touches in one window (at most ${cap.max})`);
  }
  const f = contactFindings(touches, policy, zone);
  if (f.underGap > 0) out.push(`${f.underGap} touch(es) closer than the minimum gap`);
  if (f.quietHours > 0) out.push(`${f.quietHours} touch(es) in quiet hours`);
  return out;
}
