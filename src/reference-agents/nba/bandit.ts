// Thompson sampling over arms (channel × asset) with a Beta posterior per segment and arm. Pure apart
// from the Rng it is handed; the posteriors are plain JSON for the agent's state.
import type { Rng } from "../kit/random.ts";

/** [α, β]: successes + prior α, failures + prior β. */
export type Posterior = [number, number];
export type Posteriors = Record<string, Record<string, Posterior>>;

export interface Choice {
  arm: string;
  /** The probability, under the posterior, that this arm is the best of those available (Monte Carlo). */
  confidence: number;
  /** The posterior mean engagement probability of this arm. */
  expectedValue: number;
}

export class Bandit {
  constructor(readonly posteriors: Posteriors = {}, readonly prior: Posterior = [1, 1]) {}

  posterior(segment: string, arm: string): Posterior {
    const bySegment = (this.posteriors[segment] ??= {});
    return (bySegment[arm] ??= [this.prior[0], this.prior[1]]);
  }

  mean(segment: string, arm: string): number {
    const [a, b] = this.posterior(segment, arm);
    return a / (a + b);
  }

  /** Draws once from each arm's posterior and takes the best draw; `draws` more estimate the confidence. */
  choose(segment: string, arms: readonly string[], rng: Rng, draws = 200): Choice {
    if (arms.length === 0) throw new Error("no arm to choose from");
    const best = (): number => {
      let top = -1;
      let at = 0;
      arms.forEach((arm, i) => {
        const [a, b] = this.posterior(segment, arm);
        const x = rng.beta(a, b);
        if (x > top) {
          top = x;
          at = i;
        }
      });
      return at;
    };
    const chosen = best();
    let wins = 0;
    for (let i = 0; i < draws; i++) if (best() === chosen) wins++;
    const arm = arms[chosen]!;
    return { arm, confidence: round(draws > 0 ? wins / draws : 1), expectedValue: round(this.mean(segment, arm)) };
  }

  update(segment: string, arm: string, reward: number): void {
    const p = this.posterior(segment, arm);
    p[0] += reward;
    p[1] += 1 - reward;
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
