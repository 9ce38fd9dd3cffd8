// An agent's thresholds: the tunables authority.yaml declares (`tunables: { minConfidence: { min, max,
// default } }`), set per agent by its owner within bounds. Pure rules here; the route stores and audits.
import type { Bundle, Tunable } from "../governance/bundle.ts";
import { monitorThresholdName } from "../governance/monitors.ts";
import { AppError, invalid } from "../shared/errors.ts";

export type ThresholdRefusal =
  | { kind: "unknown"; name: string }
  | { kind: "out_of_bounds"; name: string; value: number; tunable: Tunable };

/** What is wrong with candidate values, in name order; empty when all of them may be set. */
export function thresholdRefusals(tunables: Readonly<Record<string, Tunable>>, candidate: Readonly<Record<string, number>>): ThresholdRefusal[] {
  return Object.keys(candidate)
    .sort()
    .flatMap((name): ThresholdRefusal[] => {
      if (!Object.hasOwn(tunables, name)) return [{ kind: "unknown", name }];
      const tunable = tunables[name]!;
      const value = candidate[name]!;
      return value < tunable.min || value > tunable.max ? [{ kind: "out_of_bounds", name, value, tunable }] : [];
    });
}

/** An unknown name is a 400 (a typo); a value outside the bundle's bounds a 422 THRESHOLD_OUT_OF_BOUNDS. */
export function requireSettable(tunables: Readonly<Record<string, Tunable>>, candidate: Readonly<Record<string, number>>): void {
  const refusals = thresholdRefusals(tunables, candidate);
  const unknown = refusals.filter((r) => r.kind === "unknown");
  if (unknown.length > 0) {
    const known = Object.keys(tunables).sort();
    throw invalid(`unknown threshold${unknown.length > 1 ? "s" : ""} ${unknown.map((r) => `"${r.name}"`).join(", ")}; the bundle's tunables are: ${known.length ? known.join(", ") : "none"}`, unknown.map((r) => ({ field: r.name, message: "not a tunable of the active bundle" })));
  }
  const out = refusals.flatMap((r) => (r.kind === "out_of_bounds" ? [r] : []));
  if (out.length > 0) {
    throw new AppError(422, "THRESHOLD_OUT_OF_BOUNDS", out.map((r) => `${r.name} ${r.value} is outside [${r.tunable.min}, ${r.tunable.max}]`).join("; "), out.map((r) => ({ name: r.name, value: r.value, min: r.tunable.min, max: r.tunable.max })));
  }
}

/**
 * The values in force for an agent: its own where set, else the default. A value the bundle's current
 * bounds no longer admit (the bundle changed after the owner set it) is brought back within them.
 */
export function thresholdsInForce(tunables: Readonly<Record<string, Tunable>>, own: Readonly<Record<string, number>> | undefined): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [name, tunable] of Object.entries(tunables)) {
    const set = own && Object.hasOwn(own, name) ? own[name]! : tunable.default;
    values[name] = Math.min(tunable.max, Math.max(tunable.min, set));
  }
  return values;
}

/** What an owner may set for an agent: authority.yaml's tunables and, as monitor:<id>, the threshold of each monitor that declares bounds. */
export function settableOf(bundle: Bundle): Record<string, Tunable> {
  const monitors = (bundle.monitors ?? []).flatMap((m) => (m.bounds ? [[monitorThresholdName(m.id), { min: m.bounds.min, max: m.bounds.max, default: m.threshold }] as const] : []));
  return { ...bundle.authority.tunables, ...Object.fromEntries(monitors) };
}
