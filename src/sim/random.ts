// Seeded randomness for the simulator: the reference agents' mulberry32 Rng, split into independent
// streams by name so that, on one seed, the market's own behaviour (who visits the portal when, who asks
// a medical question) is the same draw in every arm of a scenario, whatever the agents do.
import { Rng, seedOf } from "../reference-agents/kit/random.ts";

export { Rng };

/** An independent stream for `label` under `seed`. */
export function stream(seed: number, label: string): Rng {
  let h = (seedOf(label) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return new Rng((h ^ (h >>> 16)) >>> 0);
}

export const chance = (rng: Rng, p: number): boolean => rng.next() < p;

/** Exponentially distributed with the given mean. */
export const exponential = (rng: Rng, mean: number): number => -Math.log(1 - rng.next()) * mean;

/** Lognormal with the given median and log-space spread. */
export const lognormal = (rng: Rng, median: number, sigma = 0.8): number => median * Math.exp(sigma * rng.normal());

export function pickWeighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let x = rng.next() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return items[items.length - 1]![0];
}
