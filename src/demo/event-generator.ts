// The living demo's market in motion: HCP events (symposia, CRM calls, web visits, webinar sign-ups,
// MI requests) at a steady rate, and — for every action that was actually sent — what came of it
// (delivered or bounced, opened, clicked, unsubscribed, a rep accepting, dismissing or snoozing a
// suggestion, a visit, an MI answer), with odds that depend on the HCP's segment and channel preference.
//
// Pure and deterministic: no I/O and no clock of its own. The same seed, HCPs and step times give the
// same events; an action's outcomes depend only on the seed, the action and its HCP (their ids are
// derived from the decision), so planning them twice — after a restart — yields the same events, which
// Steward then ignores as duplicates. `living.ts` does the I/O.
import type { HcpEvent } from "../../packages/sdk/src/index.ts";
import { Rng, seedOf } from "../reference-agents/kit/random.ts";
import { COUNTRIES, DEMO_EVENT_KINDS, type DemoMarket } from "./market-data.ts";

export type Preference = "email" | "field" | "web";

/** What the generator knows of an HCP. */
export interface GeneratorHcp {
  id: string;
  market: string;
  segment: string;
  /** The channel this HCP responds to best. */
  preference: Preference;
}

export interface GeneratorOptions {
  seed: number;
  hcps: readonly GeneratorHcp[];
  /** HCP events per minute (outcomes come on top, one set per sent action). */
  eventsPerMinute: number;
  /** Multiplies every outcome delay: 1 is the demo's pace (seconds to a few minutes), tests use ~0.01. */
  outcomeDelayScale?: number;
  /** Events on the very first step, so there is something to see at once (default 12). */
  warmup?: number;
}

/** All the generator needs to resume its stream (persist it as JSON). */
export interface GeneratorState {
  /** Names this stream: part of every event id, so a lost state never reuses an id. */
  epoch: string;
  rng: number;
  seq: number;
  /** The fraction of an event owed to the next step. */
  carry: number;
  lastAt: string | null;
}

/** An action a channel adapter sent (an outbox item with status `sent`). */
export interface SentAction {
  decisionId: string;
  hcpId: string;
  action: string;
  channel: string;
  sentAt: string;
}

export interface PlannedEvent {
  /** When it happens (epoch ms); it is ingested then, so `occurredAt` is never in the future. */
  dueAt: number;
  event: HcpEvent;
}

// --- the model's numbers ------------------------------------------------------------------------------

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** How active an HCP is, relative to others: high-potential prescribers meet the brand more often. */
export const ACTIVITY: Readonly<Record<string, number>> = { "high-potential": 3, "medium-potential": 1.6, "low-potential": 0.8 };

/** The chance an HCP engages with a touch (opens an email, a rep's visit is welcome), before adjustments. */
export const BASE_ENGAGEMENT: Readonly<Record<string, number>> = { "high-potential": 0.5, "medium-potential": 0.34, "low-potential": 0.2 };

/** A touch on the HCP's preferred channel engages more; one on another channel less. */
export const PREFERRED_CHANNEL = 1.4;
export const OTHER_CHANNEL = 0.7;

/** How each segment takes to each kind of touch (1 when not listed): something for the NBA bandit to learn. */
export const ACTION_APPEAL: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  "high-potential": { event_invite: 1.3, web_personalization: 0.8 },
  "medium-potential": { email: 1.1 },
  "low-potential": { event_invite: 0.6, web_personalization: 1.25 },
};

/** Channel preference by market: reps still carry Germany and France; US HCPs live in their inbox. */
export const PREFERENCE_ODDS: Readonly<Record<string, Readonly<Record<Preference, number>>>> = {
  US: { email: 0.45, field: 0.35, web: 0.2 },
  DE: { email: 0.3, field: 0.5, web: 0.2 },
  FR: { email: 0.3, field: 0.5, web: 0.2 },
};

export const OUTCOME_ODDS = {
  /** A promotional email that never arrives. */
  bounce: 0.03,
  /** Clicked, given opened; ×1.2 for high-potential, ×0.8 for low-potential HCPs. */
  clickGivenOpen: 0.35,
  /** Unsubscribing after an email not opened; ×3 when email is not the HCP's preferred channel. */
  unsubscribeUnopened: 0.015,
  /** Unsubscribing after opening without a click. */
  unsubscribeOpened: 0.005,
  /** A rep snoozes a suggestion they do not accept. */
  snooze: 0.15,
  /** An accepted suggestion turns into a visit. */
  visitAfterAccept: 0.6,
  /** A requested visit happens. */
  visitRequested: 0.7,
  /** An HCP opens the medical-information answer. */
  miOpened: 0.9,
} as const;

interface EventKind {
  type: string;
  source: string;
  /** Relative frequency per preferred channel. */
  weight: Readonly<Record<Preference, number>>;
  /** How late the source reports it: occurred → ingested, uniformly in [min, max] ms. */
  lag: readonly [number, number];
  data: (h: GeneratorHcp, rng: Rng) => Record<string, unknown>;
}

const symposium = (m: string) => DEMO_EVENT_KINDS[0].data((m === "DE" || m === "FR" ? m : "US") as DemoMarket).event;
const PAGES = ["/lipid-horizon/results", "/cardiozan/dosing", "/cardiozan/safety", "/lipid-horizon/goal-attainment", "/cardio-outcomes/mace", "/resources/patient-leaflet"];
const CALL_TOPICS = ["LDL-C goal attainment", "patients not at goal on statins", "tolerability questions", "formulary access", "LIPID-HORIZON results"];
const MI_TOPICS = [
  "use in patients with renal impairment", "co-administration with ezetimibe", "use in hepatic impairment", "interaction with strong CYP3A4 inhibitors",
  "use during pregnancy and breastfeeding", "switching from a PCSK9 inhibitor", "muscle symptoms on statin plus Cardiozan",
];
const WEBINARS = ["LIPID-HORIZON results webinar", "Treating to LDL-C goal: case discussions", "CARDIO-OUTCOMES explained"];

export const EVENT_KINDS: readonly EventKind[] = [
  { type: "symposium.attended", source: "events", weight: { email: 0.5, field: 0.8, web: 0.4 }, lag: [1 * HOUR, 12 * HOUR], data: (h) => ({ event: symposium(h.market) }) },
  { type: "webinar.registered", source: "events", weight: { email: 0.6, field: 0.2, web: 1 }, lag: [5 * MINUTE, 2 * HOUR], data: (_h, r) => ({ event: pick(r, WEBINARS) }) },
  { type: "crm.call_logged", source: "crm", weight: { email: 1, field: 3, web: 0.6 }, lag: [10 * MINUTE, 6 * HOUR], data: (_h, r) => ({ channel: "face-to-face", topic: pick(r, CALL_TOPICS) }) },
  { type: "web.content_viewed", source: "web", weight: { email: 1.5, field: 0.8, web: 3.5 }, lag: [2 * SECOND, 30 * SECOND], data: (_h, r) => ({ page: pick(r, PAGES) }) },
  { type: "mi.request_received", source: "mi", weight: { email: 0.4, field: 0.4, web: 0.4 }, lag: [30 * SECOND, 10 * MINUTE], data: (_h, r) => ({ topic: pick(r, MI_TOPICS) }) },
];

/** Steps further apart than this (a laptop asleep) do not flood the market with the events of the gap. */
const MAX_STEP_MS = MINUTE;

/** The demo market's HCP ids, as the seed makes them (`us-0001`...). */
export function demoHcpIds(): string[] {
  return COUNTRIES.flatMap((c) => Array.from({ length: c.count }, (_, i) => `${c.prefix}-${String(i + 1).padStart(4, "0")}`));
}

/** An HCP's preferred channel: drawn from its market's odds (fixed per seed and HCP), never email if it opted out of it. */
export function preferenceOf(seed: number, hcpId: string, market: string, emailOptedOut: boolean): Preference {
  const rng = new Rng(seedOf(`${seed}:preference:${hcpId}`));
  const odds = PREFERENCE_ODDS[market] ?? PREFERENCE_ODDS.US!;
  const options = (Object.entries(odds) as [Preference, number][]).filter(([p]) => !(emailOptedOut && p === "email"));
  return weighted(rng, options);
}

export class EventGenerator {
  readonly state: GeneratorState;
  private readonly hcps: readonly GeneratorHcp[];
  private readonly byId: ReadonlyMap<string, GeneratorHcp>;
  private readonly hcpWeights: readonly (readonly [GeneratorHcp, number])[];
  private readonly scale: number;
  private readonly warmup: number;

  constructor(readonly options: GeneratorOptions, state?: GeneratorState | null, now?: Date) {
    if (options.hcps.length === 0) throw new Error("the event generator needs HCPs");
    if (!(options.eventsPerMinute >= 0)) throw new Error("eventsPerMinute must be a number ≥ 0");
    this.hcps = options.hcps;
    this.byId = new Map(options.hcps.map((h) => [h.id, h]));
    this.hcpWeights = options.hcps.map((h) => [h, ACTIVITY[h.segment] ?? 1] as const);
    this.scale = options.outcomeDelayScale ?? 1;
    this.warmup = options.warmup ?? 12;
    this.state = state ?? { epoch: (now ?? new Date(0)).getTime().toString(36), rng: seedOf(`${options.seed}:events`), seq: 0, carry: 0, lastAt: null };
  }

  hcp(id: string): GeneratorHcp | undefined {
    return this.byId.get(id);
  }

  /** The HCP events that happened since the last step (the warm-up on the first one), oldest first. */
  step(now: Date): HcpEvent[] {
    const nowMs = now.getTime();
    let count: number;
    if (this.state.lastAt === null) count = this.warmup;
    else {
      const dt = Math.min(Math.max(0, nowMs - Date.parse(this.state.lastAt)), MAX_STEP_MS);
      const owed = this.state.carry + (this.options.eventsPerMinute * dt) / MINUTE;
      count = Math.floor(owed);
      this.state.carry = owed - count;
    }
    this.state.lastAt = now.toISOString();
    const rng = new Rng(this.state.rng);
    const events: HcpEvent[] = [];
    for (let i = 0; i < count; i++) {
      const h = weighted(rng, this.hcpWeights);
      const kind = weighted(rng, EVENT_KINDS.map((k) => [k, k.weight[h.preference]] as const));
      const lag = kind.lag[0] + Math.floor(rng.next() * (kind.lag[1] - kind.lag[0]));
      events.push({
        id: `gen-${this.state.epoch}-${++this.state.seq}`, hcpId: h.id, type: kind.type, source: kind.source,
        occurredAt: new Date(nowMs - lag).toISOString(),
        // A CRM extract carries the HCP's market and segment; the NBA agent learns per segment from it.
        data: { ...kind.data(h, rng), market: h.market, segment: h.segment },
      });
    }
    this.state.rng = rng.state;
    events.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
    return events;
  }

  /** The chance that this HCP engages with this action on this channel. */
  engagement(h: GeneratorHcp, action: string, channel: string): number {
    const base = BASE_ENGAGEMENT[h.segment] ?? 0.3;
    const fit = channel === h.preference ? PREFERRED_CHANNEL : OTHER_CHANNEL;
    const appeal = ACTION_APPEAL[h.segment]?.[action] ?? 1;
    return clamp(base * fit * appeal, 0.02, 0.92);
  }

  /** What comes of a sent action, each linked to its decision; empty for an HCP the generator does not know. */
  outcomes(sent: SentAction): PlannedEvent[] {
    const h = this.byId.get(sent.hcpId);
    if (!h) return [];
    const rng = new Rng(seedOf(`${this.options.seed}:outcome:${sent.decisionId}`));
    const at0 = Date.parse(sent.sentAt);
    const out: PlannedEvent[] = [];
    const source = sent.channel === "field" ? "crm" : sent.channel === "web" ? "web" : sent.channel === "email" ? "email" : sent.channel;
    const add = (type: string, at: number, data: Record<string, unknown> = {}) => {
      out.push({
        dueAt: at,
        event: { id: `gen-o-${sent.decisionId}-${type}`, hcpId: sent.hcpId, type, source, occurredAt: new Date(at).toISOString(), decisionId: sent.decisionId, data: { channel: sent.channel, ...data } },
      });
      return at;
    };
    const after = (from: number, minMs: number, maxMs: number) => from + Math.round((minMs + rng.next() * (maxMs - minMs)) * this.scale);
    const p = this.engagement(h, sent.action, sent.channel);

    if (sent.channel === "email" && sent.action !== "mi_response" && rng.next() < OUTCOME_ODDS.bounce) {
      add("bounced", after(at0, 1 * SECOND, 4 * SECOND), { reason: "mailbox unavailable" });
      return out;
    }
    const delivered = add("delivered", after(at0, 1 * SECOND, 4 * SECOND));
    switch (sent.action) {
      case "email":
      case "event_invite": {
        const opened = rng.next() < p;
        const clickOdds = OUTCOME_ODDS.clickGivenOpen * (h.segment === "high-potential" ? 1.2 : h.segment === "low-potential" ? 0.8 : 1);
        const clicked = opened && rng.next() < clickOdds;
        const quit = rng.next() < (opened ? (clicked ? 0 : OUTCOME_ODDS.unsubscribeOpened) : OUTCOME_ODDS.unsubscribeUnopened * (h.preference === "email" ? 1 : 3));
        if (opened) {
          const at = add("opened", after(delivered, 5 * SECOND, 60 * SECOND));
          if (clicked) add("clicked", after(at, 3 * SECOND, 30 * SECOND), sent.action === "event_invite" ? { link: "registration" } : { link: "/lipid-horizon/results" });
        }
        if (quit) add("unsubscribed", after(delivered, 20 * SECOND, 120 * SECOND));
        break;
      }
      case "web_personalization":
        if (rng.next() < p * 0.6) add("clicked", after(delivered, 5 * SECOND, 60 * SECOND), { link: "/lipid-horizon/results" });
        break;
      case "mi_response":
        add("mi_answered", delivered + Math.round(SECOND * this.scale));
        if (rng.next() < OUTCOME_ODDS.miOpened) add("opened", after(delivered, 10 * SECOND, 90 * SECOND));
        break;
      case "field_suggestion": {
        const accept = clamp(p * 1.2, 0.05, 0.9);
        const r = rng.next();
        const answeredAt = after(delivered, 10 * SECOND, 120 * SECOND);
        if (r < accept) {
          add("suggestion_accepted", answeredAt);
          if (rng.next() < OUTCOME_ODDS.visitAfterAccept) add("visit_completed", after(answeredAt, 60 * SECOND, 300 * SECOND));
        } else if (r < accept + OUTCOME_ODDS.snooze) add("suggestion_snoozed", answeredAt);
        else add("suggestion_dismissed", answeredAt);
        break;
      }
      case "visit_request":
        if (rng.next() < OUTCOME_ODDS.visitRequested) add("visit_completed", after(delivered, 60 * SECOND, 300 * SECOND));
        break;
      default:
        break;
    }
    return out.sort((a, b) => a.dueAt - b.dueAt);
  }

  /** How many HCPs the generator draws from. */
  get size(): number {
    return this.hcps.length;
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng.next() * items.length)]!;
}

function weighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}
