// The synthetic market: HCPs with channel and topic preferences, the signals they give off on their own
// (portal visits, rep calls, symposia, medical-information requests), and how they respond to a touch —
// engagement that fatigue lowers as touches pile up, and an unsubscribe hazard that rises with noise.
// Pure apart from the Rng streams it is handed; nothing here knows about Steward.
import type { MarketParams, SimParams } from "./params.ts";
import { TOPICS, SIM_MARKETS, type SimMarket, type Topic } from "./content.ts";
import { chance, pickWeighted, stream, type Rng } from "./random.ts";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

export type Segment = "high-potential" | "medium-potential" | "low-potential";
export const SEGMENTS: readonly Segment[] = ["high-potential", "medium-potential", "low-potential"];
export type SimChannel = "email" | "web" | "field";

export interface SimHcp {
  index: number;
  id: string;
  market: SimMarket;
  timezone: string;
  segment: Segment;
  /** 0 high, 1 medium, 2 low. */
  tier: 0 | 1 | 2;
  /** How much the HCP responds on each channel, 0..1. */
  affinity: Record<SimChannel, number>;
  /** How much each topic interests the HCP, 0..1 (one favourite at 1). */
  topics: Record<Topic, number>;
  favourite: Topic;
  webActive: boolean;
  /** The consent ledger on day 0 (what the CRM holds): records to write before the run. */
  consents: { channel: "email" | "web"; purpose: "promotional" | "medical"; status: "granted" | "revoked"; daysAgo: number }[];
}

const US_ZONES = [["America/New_York", 0.5], ["America/Chicago", 0.25], ["America/Denver", 0.08], ["America/Los_Angeles", 0.17]] as const;
const ZONE: Record<SimMarket, string> = { US: "America/New_York", DE: "Europe/Berlin", FR: "Europe/Paris" };

export function makeHcps(params: SimParams): SimHcp[] {
  const rng = stream(params.seed, "hcps");
  const m = params.market;
  const out: SimHcp[] = [];
  for (let i = 0; i < params.hcps; i++) {
    const market = pickWeighted(rng, SIM_MARKETS.map((x, k) => [x, m.marketMix[k]!] as const));
    const u = rng.next();
    const tier: 0 | 1 | 2 = u < m.segmentMix[0] ? 0 : u < m.segmentMix[0] + m.segmentMix[1] ? 1 : 2;
    const favourite = pickWeighted(rng, [["efficacy", 3], ["goal", 2], ["dosing", 1.5], ["tolerability", 2], ["outcomes", 1.5]] as const);
    const topics = {} as Record<Topic, number>;
    for (const t of TOPICS) topics[t] = t === favourite ? 1 : 0.15 + 0.45 * rng.next();
    const webActive = chance(rng, m.webActiveShare);
    const affinity: Record<SimChannel, number> = {
      email: 0.35 + 0.65 * rng.next(),
      web: webActive ? 0.5 + 0.5 * rng.next() : 0.1 + 0.3 * rng.next(),
      field: tier === 2 ? 0.2 + 0.3 * rng.next() : 0.4 + 0.6 * rng.next(),
    };
    const consents: SimHcp["consents"] = [];
    if (market === "US") {
      if (chance(rng, m.usOptOutEmail)) consents.push({ channel: "email", purpose: "promotional", status: "revoked", daysAgo: 30 + rng.next() * 600 });
    } else {
      if (chance(rng, m.optInEmail)) consents.push({ channel: "email", purpose: "promotional", status: "granted", daysAgo: 60 + rng.next() * 600 });
      if (chance(rng, m.optInWeb)) consents.push({ channel: "web", purpose: "promotional", status: "granted", daysAgo: 60 + rng.next() * 600 });
      if (chance(rng, 0.5)) consents.push({ channel: "email", purpose: "medical", status: "granted", daysAgo: 60 + rng.next() * 600 });
    }
    out.push({
      index: i, id: `sim-${market.toLowerCase()}-${String(i + 1).padStart(5, "0")}`, market,
      timezone: market === "US" ? pickWeighted(rng, US_ZONES) : ZONE[market], segment: SEGMENTS[tier]!, tier, affinity, topics, favourite, webActive, consents,
    });
  }
  return out;
}

// --- signals: what HCPs do on their own --------------------------------------------------------------

export type SignalSource = "web" | "crm" | "events" | "mi";

export interface Signal {
  id: string;
  hcp: number;
  type: "web.content_viewed" | "crm.call_logged" | "symposium.attended" | "mi.request_received";
  source: SignalSource;
  at: number;
  topic: Topic;
}

/**
 * Every signal of the run, in time order. Drawn per HCP from its own stream, so a scenario's arms (and
 * runs with more days) see the same market behaviour.
 */
export function makeSignals(params: SimParams, hcps: readonly SimHcp[]): Signal[] {
  const m = params.market;
  const startMs = Date.parse(params.start);
  const out: Signal[] = [];
  let n = 0;
  const add = (hcp: SimHcp, type: Signal["type"], source: SignalSource, at: number, topic: Topic) =>
    out.push({ id: `sig-${++n}`, hcp: hcp.index, type, source, at, topic });
  for (const hcp of hcps) {
    const rng = stream(params.seed, `signals:${hcp.index}`);
    const topicOf = () => (chance(rng, 0.6) ? hcp.favourite : TOPICS[Math.floor(rng.next() * TOPICS.length)]!);
    for (let d = 0; d < params.days; d++) {
      const day = startMs + d * DAY_MS;
      // Activity happens in the HCP's working day: 07:00–19:00 in its zone, roughly (UTC offset by market).
      const workHour = () => day + (hcp.market === "US" ? 12 : 6) * HOUR_MS + rng.next() * 11 * HOUR_MS;
      const visit = hcp.webActive ? m.webVisitPerDay : m.webVisitPerDay / 10;
      if (chance(rng, visit)) add(hcp, "web.content_viewed", "web", workHour(), topicOf());
      if (hcp.tier < 2 && chance(rng, m.crmCallPerDay)) add(hcp, "crm.call_logged", "crm", workHour(), topicOf());
      if (chance(rng, m.miRequestPerDay)) add(hcp, "mi.request_received", "mi", workHour(), topicOf());
      if (m.symposiumDays.includes(d) && chance(rng, m.symposiumAttendance * (hcp.tier === 0 ? 2 : 1))) {
        add(hcp, "symposium.attended", "events", day + 14 * HOUR_MS, "efficacy");
      }
    }
  }
  out.sort((a, b) => a.at - b.at || a.hcp - b.hcp);
  return out;
}

// --- responses: what a touch does -------------------------------------------------------------------

/** What the market remembers about each HCP in one arm (touches received, the last signal, unsubscribes). */
export class MarketState {
  /** Delivered non-exempt touches per HCP (epoch ms), oldest first; trimmed to the last 14 days. */
  private readonly touches: number[][];
  private readonly lastSignal: Float64Array;
  /** When the HCP unsubscribed from a channel (the truth, whatever any system knows); NaN = never. */
  readonly unsubscribedAt: Record<"email" | "web", Float64Array>;

  constructor(readonly hcps: readonly SimHcp[], readonly params: MarketParams) {
    this.touches = hcps.map(() => []);
    this.lastSignal = new Float64Array(hcps.length).fill(Number.NaN);
    this.unsubscribedAt = { email: new Float64Array(hcps.length).fill(Number.NaN), web: new Float64Array(hcps.length).fill(Number.NaN) };
  }

  signal(hcp: number, at: number): void {
    if (!(this.lastSignal[hcp]! >= at)) this.lastSignal[hcp] = at;
  }

  /** Non-exempt touches the HCP received in the 7 days before `at`. */
  recentTouches(hcp: number, at: number): number {
    let n = 0;
    for (const t of this.touches[hcp]!) if (t > at - WEEK_MS && t <= at) n++;
    return n;
  }

  /** The probability that a touch at `at` on `channel` about `topic` engages the HCP. */
  engagement(hcp: SimHcp, channel: SimChannel, topic: Topic | null, at: number): number {
    const p = this.params;
    const fatigue = Math.exp(-p.fatigueRate * this.recentTouches(hcp.index, at));
    const since = at - this.lastSignal[hcp.index]!;
    const boost = Number.isFinite(since) && since >= 0 ? 1 + p.signalBoost * Math.pow(2, -since / (p.signalHalfLifeDays * DAY_MS)) : 1;
    const match = topic === null ? 0.7 : 0.35 + 0.65 * hcp.topics[topic];
    return Math.min(0.95, p.baseEngagement[hcp.tier] * hcp.affinity[channel] * match * fatigue * boost);
  }

  /** The unsubscribe hazard of one promotional touch at `at`. */
  unsubscribeHazard(hcp: number, at: number): number {
    const p = this.params;
    const excess = Math.max(0, this.recentTouches(hcp, at) - p.comfortTouchesPerWeek);
    return Math.min(0.5, p.unsubscribeBase * Math.exp(p.unsubscribeNoise * excess));
  }

  /**
   * A touch reaches the HCP: returns whether it engaged them and whether they unsubscribed, and
   * remembers it (it fatigues the next ones). Exempt touches (answers to the HCP's own questions) are
   * always welcome and never fatigue.
   */
  /** `engagementFactor` < 1: the touch comes from a degraded model (scenario drift) and engages less. */
  deliver(hcp: SimHcp, touch: { channel: SimChannel; topic: Topic | null; exempt: boolean; at: number; engagementFactor?: number }, rng: Rng): { engaged: boolean; unsubscribed: boolean } {
    if (touch.exempt) return { engaged: true, unsubscribed: false };
    const engaged = chance(rng, this.engagement(hcp, touch.channel, touch.topic, touch.at) * (touch.engagementFactor ?? 1));
    let unsubscribed = false;
    if (touch.channel !== "field" && Number.isNaN(this.unsubscribedAt[touch.channel][hcp.index]!) && chance(rng, this.unsubscribeHazard(hcp.index, touch.at))) {
      unsubscribed = true;
      this.unsubscribedAt[touch.channel][hcp.index] = touch.at;
    }
    const list = this.touches[hcp.index]!;
    list.push(touch.at);
    if (list.length > 32) list.splice(0, list.length - 32);
    return { engaged, unsubscribed };
  }
}
