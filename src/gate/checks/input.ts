// What every check reads: the proposal, the snapshot and the bundle, plus the few values decide()
// derives once (the time as epoch ms, the action's channel, the HCP's market rule).
import type { Bundle, MarketRule } from "../../governance/bundle.ts";
import type { Channel } from "../../shared/vocabulary.ts";
import type { Proposal } from "../proposal.ts";
import type { Reason } from "../reasons.ts";
import type { Snapshot } from "../snapshot.ts";

export interface GateInput {
  readonly proposal: Proposal;
  readonly snapshot: Snapshot;
  readonly bundle: Bundle;
  /** The decision's moment, as a Date (what conditions see) and as epoch ms (what checks compare). */
  readonly now: Date;
  readonly nowMs: number;
  readonly channel: Channel;
  /** The HCP's market in markets.yaml; null when the HCP is unknown or its market is not in the bundle. */
  readonly market: MarketRule | null;
}

/** Shared by every check that found nothing to say (never mutated). */
export const NO_REASONS: readonly Reason[] = Object.freeze([]);
