// Market overlays (markets/<MARKET>/authority.yaml, contact.yaml): a market adapts the global rules
// without breaking them. What an overlay says is added to the global files, never put in their place,
// so it can only tighten; the checks here refuse what reads as loosening (a higher cap, a shorter gap,
// quiet hours that leave part of the global window open) because the author meant something the merge
// would silently not do.
import type { AuthorityRule, Cap, ContactPolicy, Layer, QuietHours } from "./bundle.ts";
import { marketLayer } from "./bundle.ts";
import type { Path } from "./source.ts";

export const OVERLAY_FILE = /^markets\/([^/]+)\/(authority|contact)\.yaml$/;

export interface Loosening {
  path: Path;
  message: string;
}

/** A minute of the day is quiet when it lies in [from, to), wrapping midnight when from > to. */
export function isQuietMinute(q: QuietHours, minute: number): boolean {
  return q.fromMinute < q.toMinute ? minute >= q.fromMinute && minute < q.toMinute : minute >= q.fromMinute || minute < q.toMinute;
}

/** Every minute quiet under `inner` is quiet under `outer`. */
export function coversQuietHours(outer: QuietHours, inner: QuietHours): boolean {
  for (let minute = 0; minute < 1440; minute++) if (isQuietMinute(inner, minute) && !isQuietMinute(outer, minute)) return false;
  return true;
}

/**
 * What in an overlay contact policy could loosen the global one. A cap on a scope the global policy
 * caps too must not allow more touches in a window no longer than the global cap's (it would read as
 * "allow more here" and never bind); a cap on a new scope, or a longer window, only adds.
 */
export function contactLoosenings(global: ContactPolicy, overlay: { caps: readonly Cap[]; minGapMs: number | null; quietHours: QuietHours | null }): Loosening[] {
  const found: Loosening[] = [];
  overlay.caps.forEach((cap, i) => {
    const looser = global.caps.find((g) => g.channel === cap.channel && cap.perMs <= g.perMs && cap.max > g.max);
    if (looser) {
      found.push({ path: ["caps", i, "max"], message: `an overlay may only tighten: cap "${cap.label}" allows more than the global cap "${looser.label}"; an overlay cap may only be lower, or cap a new scope` });
    }
  });
  if (overlay.minGapMs !== null && overlay.minGapMs < global.minGapMs) {
    found.push({ path: ["minGap"], message: `an overlay may only tighten: its minimum gap is shorter than the global ${global.minGapMs / 3_600_000}h` });
  }
  if (overlay.quietHours !== null && global.quietHours !== null && !coversQuietHours(overlay.quietHours, global.quietHours)) {
    found.push({ path: ["quietHours"], message: "an overlay may only tighten: its quiet hours must cover all of the global quiet hours" });
  }
  return found;
}

/** The policy for one market: global caps and the overlay's, the longer gap, the overlay's (wider) quiet hours. */
export function mergeContact(global: ContactPolicy, market: string, overlay: { caps: readonly Cap[]; minGapMs: number | null; quietHours: QuietHours | null }): ContactPolicy {
  const layer: Layer = marketLayer(market);
  const minGapFromOverlay = overlay.minGapMs !== null && overlay.minGapMs > global.minGapMs;
  return {
    caps: [...global.caps.map((cap) => ({ ...cap, layer: cap.layer ?? "global" })), ...overlay.caps.map((cap) => ({ ...cap, layer }))],
    minGapMs: minGapFromOverlay ? overlay.minGapMs! : global.minGapMs,
    quietHours: overlay.quietHours ?? global.quietHours,
    exemptPurposes: global.exemptPurposes,
    arbitration: global.arbitration,
    layers: { minGap: minGapFromOverlay ? layer : "global", quietHours: overlay.quietHours ? layer : "global" },
  };
}

/** Overlay rules apply to HCPs of their market only, whatever their `when` says. */
export function overlayRule(rule: AuthorityRule, market: string): AuthorityRule {
  return { ...rule, when: { ...rule.when, market: [market] }, layer: marketLayer(market) };
}
