// Summaries of duration samples, nearest rank (always an observed value), as Steward's metrics do.

export interface Summary {
  count: number;
  /** In the unit the summary was asked for (hours in the simulator's reports); null without samples. */
  p50: number | null;
  p90: number | null;
  mean: number | null;
  max: number | null;
}

export function summarise(samples: readonly number[], unitMs: number): Summary {
  if (samples.length === 0) return { count: 0, p50: null, p90: null, mean: null, max: null };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const r = (ms: number) => Math.round((ms / unitMs) * 100) / 100;
  let sum = 0;
  for (const x of sorted) sum += x;
  return { count: sorted.length, p50: r(at(0.5)), p90: r(at(0.9)), mean: r(sum / sorted.length), max: r(sorted[sorted.length - 1]!) };
}
