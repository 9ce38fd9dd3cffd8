// The compiled, validated governance bundle: what the gate decides under. Produced only by the loader
// (load.ts), so a Bundle value is always one whose conditions compiled and type-checked.
import type { ActionType, Channel, Market, Purpose, ReviewerRole } from "../shared/vocabulary.ts";
import type { ContentPolicy } from "./content-policy.ts";
import type { DataUsePolicy } from "./data-use.ts";
import type { Monitor } from "./monitors.ts";

export type AuthorityOutcome = "autonomous" | "confirm" | "forbidden";

/** Where a rule or a contact figure came from: the global files, or a market's overlay (markets/<M>/). */
export type Layer = "global" | `market:${string}`;
export const GLOBAL: Layer = "global";
export const marketLayer = (market: string): Layer => `market:${market}`;

/** What a CEL condition sees. Absent content is passed as null and conditions on it are null-safe. */
export interface ConditionInput {
  proposal: {
    action: ActionType;
    purpose: Purpose;
    channel: Channel;
    confidence: number | null;
    expectedValue: number | null;
    assetId: string | null;
  };
  hcp: { id: string; market: Market; specialty: string; segment: string | null; attributes: Record<string, unknown> } | null;
  /** `thresholds`: the agent's tunables in force (its own values, else authority.yaml's defaults). */
  agent: { id: string; owner: string; priority: number; thresholds?: Readonly<Record<string, number>> } | null;
  content: { id: string; riskClass: "low" | "medium" | "high"; product: string | null; market: Market; channel: Channel; comparative?: boolean } | null;
  now: Date;
}

export interface Condition {
  /** The CEL source as written in authority.yaml. */
  source: string;
  /** True when the condition holds; a runtime error (e.g. a field of absent content) counts as "does not hold". */
  holds(input: ConditionInput): boolean;
}

export interface AuthorityRule {
  id: string;
  /** Each present list must contain the proposal's value; an absent list matches anything. */
  when: {
    action?: readonly ActionType[];
    purpose?: readonly Purpose[];
    channel?: readonly Channel[];
    market?: readonly Market[];
  };
  condition: Condition | null;
  outcome: AuthorityOutcome;
  /** Required reviewers when outcome is `confirm`; empty otherwise. */
  reviewers: readonly ReviewerRole[];
  reason: string | null;
  /** Absent means global. An overlay rule only tightens: it never lowers what the global rules decide. */
  layer?: Layer;
}

export interface AuthorityMatrix {
  owner: string;
  default: AuthorityOutcome;
  rules: readonly AuthorityRule[];
  /** authority.yaml `review:`; absent means the safe defaults (an agent's owner does not confirm its touches). */
  review?: { ownerMayConfirm: boolean };
  /** authority.yaml `tunables:`: knobs an agent's owner sets per agent within [min, max]. */
  tunables?: Readonly<Record<string, Tunable>>;
}

export interface Tunable {
  min: number;
  max: number;
  default: number;
}

export interface Cap {
  /** `all` counts every channel together; otherwise only touches on `channel`. */
  channel: Channel | "all";
  max: number;
  perMs: number;
  /** As written, e.g. "email 2 per 7d" — used in reason messages. */
  label: string;
  /** Absent means global. */
  layer?: Layer;
}

export interface QuietHours {
  /** Minutes after local midnight; `from` > `to` means the quiet period spans midnight. */
  fromMinute: number;
  toMinute: number;
}

export interface ContactPolicy {
  caps: readonly Cap[];
  minGapMs: number;
  quietHours: QuietHours | null;
  exemptPurposes: readonly Purpose[];
  arbitration: readonly ("priority" | "expectedValue")[];
  /** Where the minimum gap and the quiet hours came from; absent means global. */
  layers?: { minGap: Layer; quietHours: Layer };
  /** The policy in force for HCPs of a market with an overlay: global caps plus the overlay's, the longer
   *  gap, the wider quiet hours. Markets without an overlay use this policy itself. */
  byMarket?: Readonly<Record<Market, ContactPolicy>>;
}

export type ConsentRegime = "opt_in" | "opt_out";

export interface MarketRule {
  code: Market;
  timezone: string;
  /** A channel missing here counts as opt_in. */
  consent: Partial<Record<Channel, ConsentRegime>>;
  language: string | null;
}

export interface FreshnessPolicy {
  defaultMs: number;
  actions: Partial<Record<ActionType, number>>;
  /** Sources whose newest event an action relies on when the proposal names no evidence. */
  requires: Partial<Record<ActionType, readonly string[]>>;
}

export interface BundleTestCase {
  file: string;
  name: string;
  proposal: Partial<ConditionInput["proposal"]> & { action: ActionType; purpose?: Purpose };
  hcp: { market: Market; specialty?: string; segment?: string | null };
  agent?: { owner?: string; priority?: number; thresholds?: Readonly<Record<string, number>> };
  content?: { riskClass?: "low" | "medium" | "high"; product?: string | null; comparative?: boolean };
  expect: { authority: AuthorityOutcome; reviewers?: readonly ReviewerRole[]; rules?: readonly string[] };
}

export interface Bundle {
  /** Content hash of the files (sha256, hex): the version every decision records. */
  version: string;
  authority: AuthorityMatrix;
  contact: ContactPolicy;
  markets: Readonly<Record<Market, MarketRule>>;
  freshness: FreshnessPolicy;
  tests: readonly BundleTestCase[];
  /** content.yaml: the rules MLR pre-review checks apply; absent when the bundle has none (defaults apply). */
  content?: ContentPolicy;
  /** data.yaml: which event sources may serve which purposes, per market; absent: everything everywhere (dataUseOf). */
  dataUse?: DataUsePolicy;
  /** monitors.yaml: what is watched per agent over time, and what a trip does; absent: nothing. */
  monitors?: readonly Monitor[];
  /** The source files as loaded, so the active bundle can be stored, shown and re-loaded. */
  files: Readonly<Record<string, string>>;
}

/** A problem in a bundle file, pointing at the exact place. */
export interface BundleError {
  file: string;
  line: number;
  column: number;
  field?: string;
  message: string;
  /** Set where the error has a code of its own in the contract: an overlay that could loosen. */
  code?: "OVERLAY_LOOSENS";
}
