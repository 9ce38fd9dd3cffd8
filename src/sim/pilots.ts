// The five pilots a life-sciences company typically runs at once, each with its own objective, data
// feed and (when siloed) its own contact rules. Their logic lives here, in the harness: they see the
// signals their feed delivers once Steward (or their own silo) has ingested them, propose, and learn from
// what their decisions and outcomes tell them. The NBA pilot reuses the reference NBA agent's bandit.
import type { ActionType, Purpose } from "../shared/vocabulary.ts";
import { Bandit } from "../reference-agents/nba/bandit.ts";
import type { SimMarket, Topic } from "./content.ts";
import { DAY_MS, HOUR_MS, type Signal, type SignalSource, type SimChannel, type SimHcp } from "./market.ts";
import { chance, stream, type Rng } from "./random.ts";

export type PilotId = "mi-followup" | "rep-scheduler" | "nba" | "email-optimiser" | "ad-sequencer";

/** A pilot's own contact rules when it runs alone (its silo's contact.yaml). */
export interface SiloPolicy {
  caps: { channel: "all" | SimChannel; max: number; perDays: number }[];
  minGapHours: number;
  quietHours: boolean;
}

export interface PilotSpec {
  id: PilotId;
  name: string;
  owner: string;
  objective: string;
  metric: string;
  actions: ActionType[];
  priority: number;
  feeds: SignalSource[];
  silo: SiloPolicy;
}

export const PILOTS: readonly PilotSpec[] = [
  {
    id: "mi-followup", name: "Medical-information follow-up bot", owner: "Medical Affairs", priority: 90,
    objective: "Answer every medical-information request quickly.", metric: "hours from request to answer",
    actions: ["mi_response"], feeds: ["mi"], silo: { caps: [], minGapHours: 0, quietHours: false },
  },
  {
    id: "rep-scheduler", name: "Rep-scheduling assistant", owner: "Sales Operations", priority: 70,
    objective: "Point reps at HCPs who just showed interest.", metric: "field suggestions acted on",
    actions: ["field_suggestion"], feeds: ["crm", "events"], silo: { caps: [{ channel: "field", max: 1, perDays: 7 }], minGapHours: 0, quietHours: false },
  },
  {
    id: "nba", name: "Next-best-action engine", owner: "Commercial Excellence", priority: 50,
    objective: "Pick the next promotional touch (channel × topic) that most raises engagement.", metric: "engaged touches per HCP",
    actions: ["email", "web_personalization"], feeds: ["web", "events"], silo: { caps: [{ channel: "all", max: 2, perDays: 7 }], minGapHours: 48, quietHours: true },
  },
  {
    id: "email-optimiser", name: "Email cadence optimiser", owner: "Digital Marketing", priority: 40,
    objective: "Keep every reachable HCP on a regular promotional email cadence.", metric: "email open rate",
    actions: ["email"], feeds: [], silo: { caps: [{ channel: "email", max: 2, perDays: 7 }], minGapHours: 0, quietHours: false },
  },
  {
    id: "ad-sequencer", name: "Web personalisation sequencer", owner: "Media Agency", priority: 20,
    objective: "Follow each portal visit with a three-step personalised sequence.", metric: "click-through rate",
    actions: ["web_personalization"], feeds: ["web"], silo: { caps: [{ channel: "web", max: 3, perDays: 7 }], minGapHours: 12, quietHours: false },
  },
];

/** The approved assets a pilot's content library holds now: `${market}:${channel}:${topic}` → asset id. */
export class ContentCatalog {
  private readonly live = new Map<string, string>();
  /** topics() per market and channel, asked for by every plan of every step; dropped on any change. */
  private readonly topicLists = new Map<string, Topic[]>();
  set(market: SimMarket, channel: "email" | "web", topic: Topic, assetId: string | null): void {
    const key = `${market}:${channel}:${topic}`;
    if (assetId === null) this.live.delete(key);
    else this.live.set(key, assetId);
    this.topicLists.clear();
  }
  get(market: SimMarket, channel: "email" | "web", topic: Topic): string | null {
    return this.live.get(`${market}:${channel}:${topic}`) ?? null;
  }
  topics(market: SimMarket, channel: "email" | "web"): readonly Topic[] {
    const listKey = `${market}:${channel}`;
    const known = this.topicLists.get(listKey);
    if (known) return known;
    const out: Topic[] = [];
    for (const key of this.live.keys()) {
      const [m, c, t] = key.split(":");
      if (m === market && c === channel) out.push(t as Topic);
    }
    out.sort();
    this.topicLists.set(listKey, out);
    return out;
  }
}

/** What a pilot wants to do; the harness turns it into a proposal. */
export interface Plan {
  pilot: PilotId;
  hcp: number;
  action: ActionType;
  purpose: Purpose;
  topic: Topic | null;
  assetId: string | null;
  confidence: number;
  expectedValue: number;
  /** The signal that prompted it, cited as evidence. */
  signal: Signal | null;
  /** Pilot-private memory handed back with the decision and outcomes (the arm pulled). */
  memo: string | null;
}

export type Verdict = "allowed" | "scheduled" | "pending_review" | "rejected";

export interface PilotView {
  now: number;
  /** The virtual clock's step: a pilot that runs at a given hour runs in the step that contains it. */
  stepMs: number;
  hcps: readonly SimHcp[];
  catalog: ContentCatalog;
}

/** What every pilot shares: per-HCP back-off, channels known to be closed, and a random stream. */
export abstract class Pilot {
  protected readonly nextAllowed: Float64Array;
  protected readonly closed: Uint8Array;
  protected readonly rejections: Uint8Array;
  protected readonly rng: Rng;
  constructor(readonly spec: PilotSpec, hcps: number, seed: number) {
    this.nextAllowed = new Float64Array(hcps);
    this.closed = new Uint8Array(hcps);
    this.rejections = new Uint8Array(hcps);
    this.rng = stream(seed, `pilot:${spec.id}`);
  }
  /** A signal from one of its feeds, as its store ingested it. */
  abstract see(signal: Signal, now: number): void;
  abstract plan(view: PilotView): Plan[];
  /** The gate's verdict (again when a review closes), with the reason codes. */
  decided(plan: Plan, verdict: Verdict, codes: readonly string[], now: number): void {
    if (verdict === "rejected") {
      const k = Math.min(this.rejections[plan.hcp]! + 1, 4);
      this.rejections[plan.hcp] = k;
      this.nextAllowed[plan.hcp] = Math.max(this.nextAllowed[plan.hcp]!, now + this.backoffMs * 2 ** (k - 1));
      if (codes.some((c) => c === "CONSENT_REVOKED" || c === "CONSENT_MISSING")) this.closed[plan.hcp]! |= channelBit(plan.action);
    } else if (verdict !== "pending_review") this.rejections[plan.hcp] = 0;
  }
  /** An outcome of one of its own touches, once its store has it. */
  outcome(plan: Plan, type: "engaged" | "unsubscribed" | "silent", _now: number): void {
    if (type === "unsubscribed") this.closed[plan.hcp]! |= channelBit(plan.action);
  }
  protected get backoffMs(): number {
    return 7 * DAY_MS;
  }
  protected open(hcp: number, action: ActionType): boolean {
    return (this.closed[hcp]! & channelBit(action)) === 0;
  }
  protected base(hcp: SimHcp, action: ActionType, topic: Topic | null, assetId: string | null, signal: Signal | null, confidence: number, expectedValue: number, memo: string | null = null): Plan {
    return { pilot: this.spec.id, hcp: hcp.index, action, purpose: action === "mi_response" ? "medical" : "promotional", topic, assetId, confidence, expectedValue, signal, memo };
  }
}

/** True in the one step of the day that contains `hour` (UTC). */
const runsAt = (view: PilotView, hour: number): boolean => {
  const h = new Date(view.now).getUTCHours();
  return hour >= h && hour < h + view.stepMs / HOUR_MS;
};

const channelBit = (action: ActionType): number => (action === "web_personalization" ? 2 : action === "field_suggestion" || action === "visit_request" ? 4 : 1);
export const channelOfAction = (action: ActionType): SimChannel => (action === "web_personalization" ? "web" : action === "field_suggestion" || action === "visit_request" ? "field" : "email");

/** Answers every MI request with a medical response citing it. */
class MiFollowup extends Pilot {
  private readonly pending: Signal[] = [];
  see(signal: Signal): void {
    if (signal.type === "mi.request_received") this.pending.push(signal);
  }
  plan(view: PilotView): Plan[] {
    const out = this.pending.map((s) => this.base(view.hcps[s.hcp]!, "mi_response", s.topic, null, s, 0.9, 1));
    this.pending.length = 0;
    return out;
  }
  protected override get backoffMs(): number {
    return 0;
  }
}

/** After a logged call or a symposium, suggests a visit to the HCP's rep (high and medium potential), once a week at most. */
class RepScheduler extends Pilot {
  private readonly candidates = new Map<number, Signal>();
  see(signal: Signal): void {
    this.candidates.set(signal.hcp, signal);
  }
  plan(view: PilotView): Plan[] {
    // Reps get their list at 13:00 UTC (the European afternoon, the US morning).
    if (!runsAt(view, 13)) return [];
    const out: Plan[] = [];
    for (const [h, s] of this.candidates) {
      const hcp = view.hcps[h]!;
      if (hcp.tier === 2 || view.now < this.nextAllowed[h]! || !this.open(h, "field_suggestion")) continue;
      out.push(this.base(hcp, "field_suggestion", s.topic, null, s, 0.75, hcp.tier === 0 ? 0.6 : 0.4));
      this.nextAllowed[h] = view.now + 7 * DAY_MS;
    }
    this.candidates.clear();
    return out;
  }
}

/** Thompson sampling over channel × topic per segment (the reference NBA agent's bandit), on every signal. */
class Nba extends Pilot {
  private readonly bandit = new Bandit({}, [1, 1]);
  private readonly candidates = new Map<number, Signal>();
  private readonly awaiting = new Map<Plan, number>();
  private lastSweep = 0;
  see(signal: Signal): void {
    if (signal.type !== "mi.request_received") this.candidates.set(signal.hcp, signal);
  }
  plan(view: PilotView): Plan[] {
    this.sweep(view.now);
    const out: Plan[] = [];
    for (const [h, s] of this.candidates) {
      const hcp = view.hcps[h]!;
      if (view.now < this.nextAllowed[h]!) continue;
      // The signal says what the HCP is interested in: when content on that topic exists, the bandit
      // chooses among its channels; otherwise among every channel × topic.
      const arms: string[] = [];
      for (const focus of [true, false]) {
        for (const channel of ["email", "web"] as const) {
          if (!this.open(h, channel === "web" ? "web_personalization" : "email")) continue;
          for (const topic of view.catalog.topics(hcp.market, channel)) if (!focus || topic === s.topic) arms.push(`${channel}:${topic}`);
        }
        if (arms.length > 0) break;
      }
      if (arms.length === 0) continue;
      const choice = this.bandit.choose(hcp.segment, arms, this.rng, 24);
      const [channel, topic] = choice.arm.split(":") as ["email" | "web", Topic];
      const action: ActionType = channel === "web" ? "web_personalization" : "email";
      out.push(this.base(hcp, action, topic, view.catalog.get(hcp.market, channel, topic), s, choice.confidence, choice.expectedValue, `${hcp.segment}|${choice.arm}`));
      this.nextAllowed[h] = view.now + 3 * DAY_MS;
    }
    this.candidates.clear();
    return out;
  }
  override decided(plan: Plan, verdict: Verdict, codes: readonly string[], now: number): void {
    super.decided(plan, verdict, codes, now);
    if (verdict === "allowed" || verdict === "scheduled") this.awaiting.set(plan, now);
  }
  override outcome(plan: Plan, type: "engaged" | "unsubscribed" | "silent", now: number): void {
    super.outcome(plan, type, now);
    if (!this.awaiting.delete(plan) || type === "silent") return;
    this.reward(plan, type === "engaged" ? 1 : 0);
  }
  /** A touch with no engaged outcome after three days counts as a failure. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 6 * HOUR_MS) return;
    this.lastSweep = now;
    for (const [plan, since] of this.awaiting) {
      if (now - since <= 3 * DAY_MS) continue;
      this.awaiting.delete(plan);
      this.reward(plan, 0);
    }
  }
  private reward(plan: Plan, r: 0 | 1): void {
    const [segment, arm] = plan.memo!.split("|") as [string, string];
    this.bandit.update(segment, arm, r);
  }
}

/** Weekly promotional email (fortnightly for low potential) at 11:00 UTC on the HCP's weekday; topic by observed open rate. */
class EmailOptimiser extends Pilot {
  private readonly opens = new Map<Topic, [number, number]>();
  see(): void {}
  plan(view: PilotView): Plan[] {
    const at = new Date(view.now);
    const weekday = at.getUTCDay();
    if (!runsAt(view, 11) || weekday === 0 || weekday === 6) return [];
    const week = Math.floor(view.now / (7 * DAY_MS));
    const out: Plan[] = [];
    for (const hcp of view.hcps) {
      if ((hcp.index % 5) + 1 !== weekday) continue;
      if (hcp.tier === 2 && (hcp.index + week) % 2 !== 0) continue;
      if (view.now < this.nextAllowed[hcp.index]! || !this.open(hcp.index, "email")) continue;
      const topics = view.catalog.topics(hcp.market, "email");
      if (topics.length === 0) continue;
      const topic = chance(this.rng, 0.2) ? topics[Math.floor(this.rng.next() * topics.length)]! : this.best(topics);
      const [o, s] = this.opens.get(topic) ?? [1, 4];
      out.push(this.base(hcp, "email", topic, view.catalog.get(hcp.market, "email", topic), null, 0.75, Math.round((o / s) * 1000) / 1000));
    }
    return out;
  }
  override decided(plan: Plan, verdict: Verdict, codes: readonly string[]): void {
    // A capped or gapped send is skipped this week; only a closed channel stops the cadence.
    if (verdict === "rejected" && codes.some((c) => c === "CONSENT_REVOKED" || c === "CONSENT_MISSING")) this.closed[plan.hcp]! |= 1;
    if ((verdict === "allowed" || verdict === "scheduled") && plan.topic !== null) {
      const c = this.opens.get(plan.topic) ?? [1, 4];
      this.opens.set(plan.topic, [c[0], c[1] + 1]);
    }
  }
  override outcome(plan: Plan, type: "engaged" | "unsubscribed" | "silent", now: number): void {
    super.outcome(plan, type, now);
    if (plan.topic === null || type !== "engaged") return;
    const c = this.opens.get(plan.topic) ?? [1, 4];
    this.opens.set(plan.topic, [c[0] + 1, c[1]]);
  }
  private best(topics: readonly Topic[]): Topic {
    let top = topics[0]!;
    let rate = -1;
    for (const t of topics) {
      const [o, s] = this.opens.get(t) ?? [1, 4];
      if (o / s > rate) {
        rate = o / s;
        top = t;
      }
    }
    return top;
  }
}

/** Each portal visit starts a three-step web personalisation sequence (now, +2 days, +4 days). */
class AdSequencer extends Pilot {
  private readonly steps: { hcp: number; at: number; signal: Signal; step: number }[] = [];
  private readonly active: Uint8Array;
  constructor(spec: PilotSpec, hcps: number, seed: number) {
    super(spec, hcps, seed);
    this.active = new Uint8Array(hcps);
  }
  see(signal: Signal, now: number): void {
    if (signal.type !== "web.content_viewed" || this.active[signal.hcp]) return;
    this.active[signal.hcp] = 1;
    for (let step = 0; step < 3; step++) this.steps.push({ hcp: signal.hcp, at: now + step * 2 * DAY_MS, signal, step });
  }
  plan(view: PilotView): Plan[] {
    const out: Plan[] = [];
    const later: typeof this.steps = [];
    for (const s of this.steps) {
      if (s.at > view.now) {
        later.push(s);
        continue;
      }
      if (s.step === 2) this.active[s.hcp] = 0;
      const hcp = view.hcps[s.hcp]!;
      if (view.now < this.nextAllowed[s.hcp]! || !this.open(s.hcp, "web_personalization")) continue;
      const topics = view.catalog.topics(hcp.market, "web");
      if (topics.length === 0) continue;
      const topic = topics.includes(s.signal.topic) ? s.signal.topic : topics[(s.hcp + s.step) % topics.length]!;
      // Only the first step answers the visit; the follow-ups are the sequence's own cadence.
      out.push(this.base(hcp, "web_personalization", topic, view.catalog.get(hcp.market, "web", topic), s.step === 0 ? s.signal : null, 0.8, 0.1));
    }
    this.steps.length = 0;
    this.steps.push(...later);
    return out;
  }
  protected override get backoffMs(): number {
    return 2 * DAY_MS;
  }
}

export function makePilot(spec: PilotSpec, hcps: number, seed: number): Pilot {
  switch (spec.id) {
    case "mi-followup":
      return new MiFollowup(spec, hcps, seed);
    case "rep-scheduler":
      return new RepScheduler(spec, hcps, seed);
    case "nba":
      return new Nba(spec, hcps, seed);
    case "email-optimiser":
      return new EmailOptimiser(spec, hcps, seed);
    case "ad-sequencer":
      return new AdSequencer(spec, hcps, seed);
    default: {
      const unreachable: never = spec.id;
      throw new Error(`unknown pilot ${String(unreachable)}`);
    }
  }
}
