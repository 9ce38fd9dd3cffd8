// Every number the simulator's market model uses, with its meaning: `steward simulate --help` and the
// report print this table, so a reader can see each assumption and change it. The defaults are round,
// plausible numbers chosen to make the mechanisms visible, not estimates fitted to any real market.

export interface MarketParams {
  /** Share of HCPs per market (US, DE, FR). */
  marketMix: [number, number, number];
  /** Share of HCPs in the high- and medium-potential segments (the rest are low). */
  segmentMix: [number, number];
  /** Mean engagement probability of a well-matched, unfatigued touch, by segment (high, medium, low). */
  baseEngagement: [number, number, number];
  /** Share of HCPs who use the company's web portal regularly. */
  webActiveShare: number;
  /** Multiplier on engagement per touch received in the previous 7 days (fatigue): e^(−rate × touches). */
  fatigueRate: number;
  /** Probability that one promotional email or web touch makes the HCP unsubscribe from that channel, when not noisy. */
  unsubscribeBase: number;
  /** Touches in 7 days an HCP tolerates before the unsubscribe hazard rises. */
  comfortTouchesPerWeek: number;
  /** Each touch beyond the comfort level multiplies the unsubscribe hazard by e^(this). */
  unsubscribeNoise: number;
  /** Extra engagement right after a signal (web visit, symposium, call): × (1 + boost × 2^(−age / half-life)). */
  signalBoost: number;
  signalHalfLifeDays: number;
  /** Daily probability of a portal visit, web-active HCPs (others: a tenth of it). */
  webVisitPerDay: number;
  /** Daily probability of a logged rep call, high- and medium-potential HCPs. */
  crmCallPerDay: number;
  /** Daily probability of a medical-information request. */
  miRequestPerDay: number;
  /** Days (from the start) on which a symposium takes place, and the share of HCPs who attend (high-potential ×2). */
  symposiumDays: number[];
  symposiumAttendance: number;
  /** Probability that a rep acts on a relevant field suggestion. */
  repAcceptance: number;
  /** DE/FR: share of HCPs with opt-in consent for promotional email, and for web personalisation; US: share who had opted out of email. */
  optInEmail: number;
  optInWeb: number;
  usOptOutEmail: number;
}

export interface DataParams {
  /** `streaming`: each source's events arrive after its own short latency; `weekly`: CRM, web, event and email-outcome data arrive in a weekly extract. */
  mode: "streaming" | "weekly";
  /** Mean streaming latency per source, minutes (occurred → ingested; exponentially distributed). */
  streamingLatencyMin: Record<"web" | "crm" | "events" | "mi" | "esp", number>;
  /** Weekly extract: day of week (0 = Sunday) and hour (UTC) it lands. MI requests stay streaming (pharmacovigilance). */
  weeklyDay: number;
  weeklyHourUtc: number;
}

export interface ContentParams {
  /** `traditional`: each new asset goes through full MLR review; `modular`: new assets reuse pre-approved claim modules. */
  mode: "traditional" | "modular";
  /** Days from a content request to approval, per mode. */
  traditionalDays: number;
  modularDays: number;
  /** Topics approved at the start; the others are requested on day 0 and arrive after the MLR turnaround. */
  approvedAtStart: string[];
  /** The day a safety update withdraws the tolerability claim (a revised claim and assets are requested the same day); -1 for none. */
  safetyUpdateDay: number;
  /** Days a safety update takes to reach a siloed pilot's own content library. */
  siloedSafetyLagDays: number;
}

export interface ReviewParams {
  /** Median hours until a reviewer signs a decision review (lognormal), by role. */
  brandMedianHours: number;
  medicalMedianHours: number;
  /** Reviews a role can close per day (the rest wait in the queue). */
  brandPerDay: number;
  medicalPerDay: number;
  /** Share of reviews approved (the rest rejected). */
  approvalRate: number;
}

export interface DriftParams {
  /** The day (from the start) one pilot's model degrades, in scenario `drift`. */
  day: number;
  /** The pilot whose model degrades. */
  pilot: string;
  /** From that day its promotional touches engage with this fraction of the usual probability; its confidence does not change. */
  engagementFactor: number;
  /** Simulated hours between two evaluations of the monitors (the arm with monitors). */
  monitorEveryHours: number;
  /** minEvents of the simulator's engagement-drop monitor (the example bundle's is 50). */
  monitorMinEvents: number;
  /** Its threshold, `relative_drop > this` (the example bundle's is 0.4; see src/sim/README.md for why the scenario's default is higher). */
  monitorRelativeDrop: number;
}

export interface SimParams {
  hcps: number;
  days: number;
  seed: number;
  /** Simulated moment of the first day, 00:00 UTC (a Monday). */
  start: string;
  /** Hours between two steps of the virtual clock. */
  stepHours: number;
  market: MarketParams;
  data: DataParams;
  content: ContentParams;
  review: ReviewParams;
  drift: DriftParams;
}

export const DEFAULT_PARAMS: SimParams = {
  hcps: 1000,
  days: 90,
  seed: 1,
  start: "2026-01-05T00:00:00.000Z",
  stepHours: 1,
  market: {
    marketMix: [0.6, 0.25, 0.15],
    segmentMix: [0.2, 0.35],
    baseEngagement: [0.32, 0.22, 0.12],
    webActiveShare: 0.3,
    fatigueRate: 0.22,
    unsubscribeBase: 0.0015,
    comfortTouchesPerWeek: 2,
    unsubscribeNoise: 0.45,
    signalBoost: 1.5,
    signalHalfLifeDays: 2,
    webVisitPerDay: 0.12,
    crmCallPerDay: 0.025,
    miRequestPerDay: 0.0006,
    symposiumDays: [18, 60],
    symposiumAttendance: 0.04,
    repAcceptance: 0.55,
    optInEmail: 0.7,
    optInWeb: 0.5,
    usOptOutEmail: 0.08,
  },
  data: {
    mode: "streaming",
    streamingLatencyMin: { web: 5, crm: 240, events: 1440, mi: 10, esp: 15 },
    weeklyDay: 1,
    weeklyHourUtc: 3,
  },
  content: {
    mode: "traditional",
    traditionalDays: 20,
    modularDays: 3,
    approvedAtStart: ["efficacy", "dosing"],
    safetyUpdateDay: 45,
    siloedSafetyLagDays: 14,
  },
  review: {
    brandMedianHours: 8,
    medicalMedianHours: 20,
    brandPerDay: 400,
    medicalPerDay: 60,
    approvalRate: 0.9,
  },
  drift: {
    day: 30,
    pilot: "email-optimiser",
    engagementFactor: 0.1,
    monitorEveryHours: 6,
    monitorMinEvents: 50,
    monitorRelativeDrop: 0.6,
  },
};

export interface ParamDoc {
  path: string;
  meaning: string;
}

/** One line per parameter, in the order of the interfaces above (dotted paths into SimParams). */
export const PARAM_DOCS: ParamDoc[] = [
  { path: "hcps", meaning: "HCPs in the synthetic market (--hcps)" },
  { path: "days", meaning: "simulated days (--days)" },
  { path: "seed", meaning: "seed of every random draw; the same seed gives the same numbers (--seed)" },
  { path: "start", meaning: "simulated moment of day 0, UTC" },
  { path: "stepHours", meaning: "hours between two steps of the virtual clock" },
  { path: "market.marketMix", meaning: "share of HCPs in US, DE, FR" },
  { path: "market.segmentMix", meaning: "share of high- and medium-potential HCPs (the rest: low)" },
  { path: "market.baseEngagement", meaning: "engagement probability of a well-matched, unfatigued touch, by segment high/medium/low" },
  { path: "market.webActiveShare", meaning: "share of HCPs who visit the portal regularly" },
  { path: "market.fatigueRate", meaning: "fatigue: engagement × e^(−rate × touches in the previous 7 days)" },
  { path: "market.unsubscribeBase", meaning: "unsubscribe probability per promotional email/web touch at or below the comfort level" },
  { path: "market.comfortTouchesPerWeek", meaning: "touches per 7 days an HCP tolerates before the unsubscribe hazard rises" },
  { path: "market.unsubscribeNoise", meaning: "each touch beyond comfort multiplies the unsubscribe hazard by e^(noise)" },
  { path: "market.signalBoost", meaning: "engagement × (1 + boost × 2^(−age/half-life)) after an HCP's own signal" },
  { path: "market.signalHalfLifeDays", meaning: "half-life of a signal's boost, days" },
  { path: "market.webVisitPerDay", meaning: "daily portal-visit probability of a web-active HCP (others: a tenth)" },
  { path: "market.crmCallPerDay", meaning: "daily probability of a logged rep call (high/medium segments)" },
  { path: "market.miRequestPerDay", meaning: "daily probability of a medical-information request" },
  { path: "market.symposiumDays", meaning: "days on which a symposium takes place" },
  { path: "market.symposiumAttendance", meaning: "share of HCPs attending a symposium (high-potential: twice)" },
  { path: "market.repAcceptance", meaning: "probability a rep acts on a field suggestion (× the HCP's field affinity)" },
  { path: "market.optInEmail", meaning: "DE/FR: share with opt-in consent for promotional email" },
  { path: "market.optInWeb", meaning: "DE/FR: share with opt-in consent for web personalisation" },
  { path: "market.usOptOutEmail", meaning: "US: share who had already opted out of promotional email" },
  { path: "data.mode", meaning: "streaming | weekly (CRM, web, event and email-outcome data in one weekly extract)" },
  { path: "data.streamingLatencyMin", meaning: "mean streaming latency per source, minutes (exponential)" },
  { path: "data.weeklyDay", meaning: "weekly extract: day of week (0 = Sunday)" },
  { path: "data.weeklyHourUtc", meaning: "weekly extract: hour, UTC" },
  { path: "content.mode", meaning: "traditional (full MLR per asset) | modular (assets reuse pre-approved claim modules)" },
  { path: "content.traditionalDays", meaning: "days from content request to approval, traditional MLR" },
  { path: "content.modularDays", meaning: "days from content request to approval, modular reuse" },
  { path: "content.approvedAtStart", meaning: "topics with approved assets on day 0 (the others are requested on day 0)" },
  { path: "content.safetyUpdateDay", meaning: "day a safety update withdraws the tolerability claim (-1: none)" },
  { path: "content.siloedSafetyLagDays", meaning: "days until a safety update reaches a siloed pilot's own content library" },
  { path: "review.brandMedianHours", meaning: "median hours to a brand reviewer's signature (lognormal)" },
  { path: "review.medicalMedianHours", meaning: "median hours to a medical reviewer's signature (lognormal)" },
  { path: "review.brandPerDay", meaning: "decision reviews brand can close per day" },
  { path: "review.medicalPerDay", meaning: "decision reviews medical can close per day" },
  { path: "review.approvalRate", meaning: "share of decision reviews approved" },
  { path: "drift.day", meaning: "scenario drift: the day one pilot's model degrades" },
  { path: "drift.pilot", meaning: "scenario drift: the pilot that drifts" },
  { path: "drift.engagementFactor", meaning: "scenario drift: its touches engage with this fraction of the usual probability (its confidence stays)" },
  { path: "drift.monitorEveryHours", meaning: "scenario drift: simulated hours between two monitor evaluations (arm with monitors)" },
  { path: "drift.monitorMinEvents", meaning: "scenario drift: minEvents of the engagement-drop monitor" },
  { path: "drift.monitorRelativeDrop", meaning: "scenario drift: the monitor trips when engagement falls by more than this share of its baseline" },
];

/** The value at a dotted path, for the documentation table. */
export function valueAt(params: SimParams, path: string): unknown {
  let v: unknown = params;
  for (const key of path.split(".")) v = (v as Record<string, unknown>)[key];
  return v;
}

export function formatValue(v: unknown): string {
  if (Array.isArray(v)) return v.join(", ");
  if (v !== null && typeof v === "object") return Object.entries(v).map(([k, x]) => `${k} ${String(x)}`).join(", ");
  return String(v);
}

/** A deep copy with `change` applied (a scenario arm's variation of the base). */
export function withParams(base: SimParams, change: (p: SimParams) => void): SimParams {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}
