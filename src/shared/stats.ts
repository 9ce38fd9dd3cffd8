// Small statistics, pure. Percentiles by the nearest-rank method: the value below which p% of the
// observations fall, always one of the observations (no interpolation to explain).

export interface Summary {
  count: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.length ? sorted[sorted.length - 1]! : null };
}

/** a / b, or null when there is nothing to divide by (a rate of nothing is not zero). */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

export function countBy<T>(items: Iterable<T>, key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
