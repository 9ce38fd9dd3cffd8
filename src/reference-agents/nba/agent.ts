// The NBA agent. Objective: engaged touches per HCP. When an HCP shows a signal, it picks the next
// promotional touch (channel × asset) by Thompson sampling from Beta posteriors per segment, proposes it
// with its posterior's confidence and expected value, and learns from what came of it: an engaged outcome
// (opened, clicked, accepted, visited) is a success; silence for `rewardWindowMs`, a bounce or an
// unsubscribe is a failure. A rejection backs the HCP off (doubling with each one), and no HCP hears
// from it more often than `minIntervalMs`.
import type { ActionType, Decision, DecisionOutcome, HcpEvent, ListedDecision, Outcome } from "../../../packages/sdk/src/index.ts";
import { DAY_MS, ReferenceAgent, marketOf, type AgentOptions, type AgentState, type TickReport } from "../kit/agent.ts";
import { Rng, seedOf } from "../kit/random.ts";
import { Bandit, type Posterior, type Posteriors } from "./bandit.ts";

export interface Arm {
  id: string;
  action: ActionType;
  /** The approved asset to send per market (null: the action needs none); available only in the markets listed. */
  assets: Record<string, string | null>;
}

export interface NbaConfig {
  arms: Arm[];
  seed: number;
  /** Beta prior for every arm (default uninformed [1, 1]). */
  prior: Posterior;
  /** No HCP gets two proposals from this agent closer than this (default 3 days). */
  minIntervalMs: number;
  /** First back-off after a rejection; it doubles with each further one (default 7 days, at most 8×). */
  backoffMs: number;
  /** An allowed touch with no engaged outcome after this long counts as a failure (default 3 days). */
  rewardWindowMs: number;
  /** Segment of an HCP when its events do not say (`data.segment`). */
  defaultSegment: string;
  defaultMarket: string;
}

/** The demo market's approved Cardiozan content (`steward serve --demo`). */
export const DEMO_ARMS: Arm[] = [
  { id: "email-ldl", action: "email", assets: { US: "ast-cardiozan-us-email", DE: "ast-cardiozan-de-email", FR: "ast-cardiozan-fr-email" } },
  { id: "email-outcomes", action: "email", assets: { DE: "ast-cardiozan-de-outcomes-email" } },
  { id: "event-invite", action: "event_invite", assets: { US: "ast-cardiozan-us-event-invite" } },
  { id: "web", action: "web_personalization", assets: { US: "ast-cardiozan-us-web" } },
];

const ENGAGED: ReadonlySet<string> = new Set(["opened", "clicked", "suggestion_accepted", "visit_completed"]);
const FAILED: ReadonlySet<string> = new Set(["bounced", "unsubscribed"]);

interface HcpMemo {
  market: string;
  segment: string;
  lastProposedAt: string | null;
  backoffUntil: string | null;
  rejections: number;
}

interface Pulled {
  hcpId: string;
  arm: string;
  segment: string;
}

export interface NbaState extends AgentState<Pulled> {
  rng: number;
  seq: number;
  posteriors: Posteriors;
  hcps: Record<string, HcpMemo>;
  /** HCPs with a new signal, to plan for. */
  candidates: string[];
  /** Sent touches waiting for their outcome: decision id → arm pulled, and from when the window runs. */
  awaiting: Record<string, Pulled & { since: string }>;
  /** Touches waiting for a person's confirmation. */
  inReview: Record<string, Pulled>;
  rewards: { successes: number; failures: number };
}

export class NbaAgent extends ReferenceAgent<NbaState, Pulled> {
  readonly config: NbaConfig;
  private readonly bandit: Bandit;

  constructor(options: AgentOptions, config: Partial<NbaConfig> = {}) {
    const full: NbaConfig = {
      arms: DEMO_ARMS, seed: seedOf("nba"), prior: [1, 1], minIntervalMs: 3 * DAY_MS, backoffMs: 7 * DAY_MS,
      rewardWindowMs: 3 * DAY_MS, defaultSegment: "default", defaultMarket: "US", ...config,
    };
    super("nba", options, (base) => ({
      ...base, rng: full.seed >>> 0, seq: 0, posteriors: {}, hcps: {}, candidates: [], awaiting: {}, inReview: {}, rewards: { successes: 0, failures: 0 },
    }));
    this.config = full;
    this.bandit = new Bandit(this.state.posteriors, full.prior);
  }

  protected onEvent(event: HcpEvent): void {
    if (event.decisionId) return; // an outcome of some decision, not a new signal about the HCP
    const memo = (this.state.hcps[event.hcpId] ??= { market: marketOf(event, this.config.defaultMarket), segment: this.config.defaultSegment, lastProposedAt: null, backoffUntil: null, rejections: 0 });
    if (typeof event.data?.segment === "string") memo.segment = event.data.segment;
    if (typeof event.data?.market === "string") memo.market = marketOf(event, memo.market);
    if (!this.state.candidates.includes(event.hcpId)) this.state.candidates.push(event.hcpId);
  }

  protected override plan(report: TickReport): void {
    const now = this.now();
    const rng = new Rng(this.state.rng);
    for (const hcpId of this.state.candidates) {
      const memo = this.state.hcps[hcpId]!;
      if (memo.backoffUntil && Date.parse(memo.backoffUntil) > now.getTime()) {
        report.notes.push(`holding back from ${hcpId} until ${memo.backoffUntil} after ${memo.rejections} rejection(s)`);
        continue;
      }
      if (memo.lastProposedAt && now.getTime() - Date.parse(memo.lastProposedAt) < this.config.minIntervalMs) continue;
      const arms = this.config.arms.filter((a) => a.assets[memo.market] !== undefined);
      if (arms.length === 0) continue;
      const choice = this.bandit.choose(memo.segment, arms.map((a) => a.id), rng);
      const arm = arms.find((a) => a.id === choice.arm)!;
      const [a, b] = this.bandit.posterior(memo.segment, arm.id);
      this.enqueue({
        idempotencyKey: `nba:${hcpId}:${++this.state.seq}`,
        hcpId, action: arm.action, purpose: "promotional", ...(arm.assets[memo.market] ? { assetId: arm.assets[memo.market]! } : {}),
        confidence: choice.confidence, expectedValue: choice.expectedValue,
        rationale: `Thompson sampling in segment '${memo.segment}': ${arm.id} has posterior Beta(${a}, ${b}), mean ${choice.expectedValue}; it was the best arm in ${Math.round(choice.confidence * 100)}% of posterior draws.`,
      }, { hcpId, arm: arm.id, segment: memo.segment });
      memo.lastProposedAt = now.toISOString();
    }
    this.state.candidates = [];
    this.state.rng = rng.state;
  }

  protected onDecision(decision: Decision, pulled: Pulled): void {
    this.settle(decision.id, decision.outcome, decision.scheduledFor ?? decision.decidedAt, pulled);
  }

  protected onChanged(decision: ListedDecision, _from: Outcome): void {
    const pulled = this.state.inReview[decision.id];
    if (!pulled) return;
    delete this.state.inReview[decision.id];
    this.settle(decision.id, decision.outcome, decision.scheduledFor ?? new Date(this.now()).toISOString(), pulled);
  }

  private settle(decisionId: string, outcome: Outcome, since: string, pulled: Pulled): void {
    const memo = this.state.hcps[pulled.hcpId];
    switch (outcome) {
      case "allowed":
      case "scheduled":
        this.state.awaiting[decisionId] = { ...pulled, since };
        if (memo) memo.rejections = 0;
        return;
      case "pending_review":
        this.state.inReview[decisionId] = pulled;
        return;
      case "rejected":
        if (memo) {
          memo.rejections++;
          const wait = this.config.backoffMs * 2 ** Math.min(memo.rejections - 1, 3);
          memo.backoffUntil = new Date(this.now().getTime() + wait).toISOString();
        }
        return;
      default: {
        const unreachable: never = outcome;
        return unreachable;
      }
    }
  }

  protected onOutcome(decision: ListedDecision, outcome: DecisionOutcome): void {
    const pulled = this.state.awaiting[decision.id];
    if (!pulled) return;
    if (ENGAGED.has(outcome.type)) this.reward(decision.id, pulled, 1);
    else if (FAILED.has(outcome.type)) this.reward(decision.id, pulled, 0);
  }

  protected override learn(): void {
    const now = this.now().getTime();
    for (const [id, pulled] of Object.entries(this.state.awaiting)) {
      if (now - Date.parse(pulled.since) > this.config.rewardWindowMs) this.reward(id, pulled, 0);
    }
  }

  private reward(decisionId: string, pulled: Pulled, reward: 0 | 1): void {
    delete this.state.awaiting[decisionId];
    this.bandit.update(pulled.segment, pulled.arm, reward);
    if (reward) this.state.rewards.successes++;
    else this.state.rewards.failures++;
  }

  /** Posterior means per segment and arm, for the owner (and the tests). */
  means(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [segment, arms] of Object.entries(this.state.posteriors)) {
      out[segment] = Object.fromEntries(Object.entries(arms).map(([arm, [a, b]]) => [arm, Math.round((a / (a + b)) * 1000) / 1000]));
    }
    return out;
  }
}
