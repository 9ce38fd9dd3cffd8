// One arm of a scenario: a virtual clock drives the real decision service through the simulated days.
// Each step (one simulated hour by default): content moves through MLR, the market's signals occur and
// reach the store(s) after their source's latency, reviewers sign what is due, every pilot proposes what
// it wants through the decision service (one proposeBatch per store), the dispatcher hands what is due to
// the market, and the market answers — engagement, unsubscribes — with outcome events that flow back.
//
// The simulator is a harness around the decision service, not an agent: it calls propose/ingest/review
// functions in-process (no HTTP, no waiting in real time). Agents proper reach
// Steward only through the SDK (src/reference-agents/); the pilots here are the harness's stand-ins.
import { draftAnswer } from "../reference-agents/mi-triage/answer.ts";
import { join } from "node:path";
import { ManualClock } from "../shared/clock.ts";
import { AppError } from "../shared/errors.ts";
import type { ReviewerRole } from "../shared/vocabulary.ts";
import type { Bundle } from "../governance/bundle.ts";
import { evaluateAuthority } from "../governance/authority.ts";
import { thresholdsInForce } from "../agents/thresholds.ts";
import { proposeBatch, type BatchItem } from "../gate/service.ts";
import { ingestEvents } from "../data/events.ts";
import { approveReview, rejectReview } from "../reviews/queue.ts";
import { CLAIMS, TOPICS, assetFor, type Topic } from "./content.ts";
import { DAY_MS, HOUR_MS, MarketState, WEEK_MS, type Signal, type SimHcp } from "./market.ts";
import { PILOTS, channelOfAction, makePilot, type Pilot, type Plan, type Verdict } from "./pilots.ts";
import type { SimParams } from "./params.ts";
import { chance, exponential, lognormal, stream } from "./random.ts";
import { evaluateMonitors } from "../monitors/watch.ts";
import { approveTopic, closeSimStore, DISPATCH_BATCH, driftMonitorsFile, openSimStore, publishRevision, siloBundleFiles, withdrawTopic, SIM_ACTOR, SIM_PASSWORD, type SimStore } from "./steward.ts";
import { contactFindings, type TruthTouch } from "./compliance.ts";
import { summarise, type Summary } from "./stats.ts";

export type ArmMode = "governed" | "siloed";

export interface ArmSpec {
  /** Short id used in file names and JSON. */
  name: string;
  label: string;
  mode: ArmMode;
  params: SimParams;
  /** Scenario drift: `drift.pilot`'s model degrades on `drift.day`; `monitors`: the server's monitor evaluation runs on the virtual clock. */
  drift?: { monitors: boolean };
}

/** Scenario drift, per arm. */
export interface DriftResult {
  day: number;
  pilot: string;
  /** False when the run ends before the drift day: nothing drifted, and the figures below are zero. */
  reached: boolean;
  monitors: boolean;
  /** The drifting pilot's promotional touches delivered from the drift day on, and those of them nobody engaged with. */
  touchesAfter: number;
  wastedTouches: number;
  /** HCPs who unsubscribed after one of those touches. */
  unsubscribesAfter: number;
  /** Days from the drift to the monitor pausing the drifting pilot; null when it was not paused. */
  daysUntilPaused: number | null;
  /** Every monitor trip (any pilot), by simulated day. */
  trips: { day: number; monitor: string; agent: string; value: number | null; baseline: number | null }[];
}

/** What the arms of one scenario share: the market, its signals, and the seeded store to copy. */
export interface Market {
  hcps: readonly SimHcp[];
  signals: readonly Signal[];
  baseDir: string;
  bundle: Bundle;
}

export const STAGES = ["data", "agent", "governance", "review", "schedule", "dispatch", "total"] as const;
export type Stage = (typeof STAGES)[number];

export const VIOLATION_KINDS = ["contact", "consent", "authority", "content"] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/** Rejection reasons, by which rule they enforce. */
export const PREVENTED_KINDS = ["contact", "consent", "content", "authority", "staleData"] as const;
export type PreventedKind = (typeof PREVENTED_KINDS)[number];

export interface PilotTotals {
  proposals: number;
  allowed: number;
  scheduled: number;
  review: number;
  rejected: number;
  delivered: number;
  engaged: number;
}

export interface ArmResult {
  name: string;
  label: string;
  mode: ArmMode;
  dataMode: SimParams["data"]["mode"];
  contentMode: SimParams["content"]["mode"];
  hcps: number;
  days: number;
  weeks: number;
  totals: {
    proposals: number;
    initialOutcomes: Record<Verdict, number>;
    finalOutcomes: Record<Verdict, number>;
    rejectionReasons: Record<string, number>;
    reviews: { opened: number; approved: number; rejected: number; cancelled: number; open: number };
    delivered: number;
    /** Allowed or scheduled, due before the end, never handed to the market (cancelled by a withdrawal or a revoked consent). */
    cancelledBeforeDispatch: number;
    engaged: number;
    engagementRate: number | null;
    engagedPerHcp: number;
    /** Share of delivered promotional touches about the HCP's favourite topic (content relevance). */
    onFavouriteTopic: number | null;
    unsubscribed: { email: number; web: number };
    touchesPerHcpPerWeek: number;
    /** Each HCP's touches in each full week: the noise distribution. */
    hcpWeek: { p50: number; p90: number; max: number; overFour: number };
  };
  weekly: {
    touchesPerHcp: number[];
    engagementRate: (number | null)[];
    unsubscribes: number[];
    violations: number[];
    proposals: number[];
  };
  violations: Record<ViolationKind, number> & { total: number; contactDetail: { overCap: number; underGap: number; quietHours: number } };
  prevented: Record<PreventedKind, number> & { total: number };
  insightToAction: Record<Stage, Summary>;
  pilots: Record<string, PilotTotals>;
  content: { events: { day: number; what: string }[] };
  drift: DriftResult | null;
  /** Real time, not simulated: excluded from the seed-determinism comparison. */
  /** busySeconds: this thread's event loop was busy (JS and the synchronous SQLite calls), excluding waits. */
  performance: { wallSeconds: number; busySeconds: number; decisions: number; decisionsPerSecond: number; phases: Record<string, number> };
}

interface SimDecision {
  seq: number;
  /** Steward's decision id. */
  id: string;
  plan: Plan;
  pilot: Pilot;
  store: SimStore;
  receivedAt: number;
  signalIngestedAt: number | null;
  initial: Verdict;
  final: Verdict;
  reviewOpenedAt: number | null;
  reviewClosedAt: number | null;
  approvedByPeople: boolean;
  touchAt: number | null;
  deliveredAt: number | null;
}

interface Ingest {
  store: SimStore;
  event: { id: string; hcpId: string; type: string; source: string; occurredAt: string; decisionId?: string };
  signal?: Signal;
  outcome?: { decision: SimDecision; type: "engaged" | "unsubscribed" };
}

interface ReviewTask {
  decision: SimDecision;
  id: string;
  roles: ReviewerRole[];
  dueAt: number;
}

const PROPOSAL_CHUNK = 800;
const SOURCES_IN_WEEKLY_EXTRACT = new Set(["web", "crm", "events", "esp"]);

const zeroPilot = (): PilotTotals => ({ proposals: 0, allowed: 0, scheduled: 0, review: 0, rejected: 0, delivered: 0, engaged: 0 });
const zeroVerdicts = (): Record<Verdict, number> => ({ allowed: 0, scheduled: 0, pending_review: 0, rejected: 0 });

export function preventedKind(code: string): PreventedKind | null {
  switch (code) {
    case "CAP_EXCEEDED":
    case "CONFLICT_LOST":
      return "contact";
    case "CONSENT_MISSING":
    case "CONSENT_REVOKED":
      return "consent";
    case "CONTENT_REQUIRED":
    case "CONTENT_NOT_APPROVED":
    case "CONTENT_EXPIRED":
    case "CONTENT_CLAIM_WITHDRAWN":
    case "CONTENT_MARKET_MISMATCH":
    case "CONTENT_CHANNEL_MISMATCH":
      return "content";
    case "AUTHORITY_FORBIDDEN":
      return "authority";
    case "DATA_STALE":
      return "staleData";
    default:
      return null;
  }
}

export type Progress = (done: number, total: number) => void;

export async function runArm(arm: ArmSpec, market: Market, workDir: string, progress?: Progress): Promise<ArmResult> {
  const wallStart = performance.now();
  const eluStart = performance.eventLoopUtilization();
  const phases: Record<string, number> = { setup: 0, content: 0, ingest: 0, reviews: 0, monitors: 0, propose: 0, dispatch: 0, market: 0, close: 0 };
  const timed = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      phases[phase]! += performance.now() - t;
    }
  };
  const p = arm.params;
  const startMs = Date.parse(p.start);
  const stepMs = p.stepHours * HOUR_MS;
  const steps = Math.round((p.days * DAY_MS) / stepMs);
  const weeks = Math.ceil(p.days / 7);
  const clock = new ManualClock(startMs);
  const hcps = market.hcps;
  const policy = market.bundle.contact;

  // --- stores and pilots ---------------------------------------------------------------------------
  const stores: SimStore[] = [];
  const storeOf = new Map<string, SimStore>();
  const pilots = PILOTS.map((spec) => makePilot(spec, hcps.length, p.seed));
  await timed("setup", async () => {
    if (arm.mode === "governed") {
      // Both drift arms decide under the same bundle; only one runs the monitors.
      const bundle = arm.drift ? { "monitors.yaml": driftMonitorsFile(p.drift.monitorMinEvents, p.drift.monitorRelativeDrop) } : null;
      const store = await openSimStore("steward", market.baseDir, join(workDir, arm.name, "steward"), clock, bundle, p.content.approvedAtStart, true);
      stores.push(store);
      for (const pilot of pilots) storeOf.set(pilot.spec.id, store);
    } else {
      for (const pilot of pilots) {
        const store = await openSimStore(pilot.spec.id, market.baseDir, join(workDir, arm.name, pilot.spec.id), clock, siloBundleFiles(pilot.spec), p.content.approvedAtStart);
        stores.push(store);
        storeOf.set(pilot.spec.id, store);
      }
    }
  });
  const pilotsOf = new Map<SimStore, Pilot[]>(stores.map((s) => [s, pilots.filter((x) => storeOf.get(x.spec.id) === s)]));
  /** Allowed or scheduled touches not yet handed to the market, per store. */
  const undelivered = new Map<SimStore, SimDecision[]>(stores.map((s) => [s, []]));
  /** When each store ingested each signal (the moment its pilots could know). */
  const seenAt = new Map<SimStore, Map<string, number>>(stores.map((s) => [s, new Map()]));

  const state = new MarketState(hcps, p.market);
  const responses = stream(p.seed, `responses:${arm.mode}`);
  const latency = stream(p.seed, "latency");
  const reviewRng = stream(p.seed, "reviews");

  // --- accounting ----------------------------------------------------------------------------------
  const decisions: SimDecision[] = [];
  const byId = new Map<string, SimDecision>();
  const pilotTotals: Record<string, PilotTotals> = Object.fromEntries(PILOTS.map((x) => [x.id, zeroPilot()]));
  const initialOutcomes = zeroVerdicts();
  const rejectionReasons: Record<string, number> = {};
  const prevented = { contact: 0, consent: 0, content: 0, authority: 0, staleData: 0, total: 0 };
  const reviews = { opened: 0, approved: 0, rejected: 0, cancelled: 0, open: 0 };
  const weekly = {
    touches: new Array<number>(weeks).fill(0), engaged: new Array<number>(weeks).fill(0), unsubscribes: new Array<number>(weeks).fill(0),
    violations: new Array<number>(weeks).fill(0), proposals: new Array<number>(weeks).fill(0),
  };
  const violations = { contact: 0, consent: 0, authority: 0, content: 0 };
  const touchLog: (TruthTouch & { week: number })[][] = hcps.map(() => []);
  const stageSamples: Record<Stage, number[]> = Object.fromEntries(STAGES.map((s) => [s, []])) as unknown as Record<Stage, number[]>;
  const weekOf = (t: number) => Math.min(weeks - 1, Math.max(0, Math.floor((t - startMs) / WEEK_MS)));
  const withdrawnAt = new Map<string, number>();
  let onFavourite = 0;
  const contentLog: { day: number; what: string }[] = [];
  if (arm.drift && !PILOTS.some((x) => x.id === p.drift.pilot)) throw new Error(`drift.pilot '${p.drift.pilot}' is none of the pilots: ${PILOTS.map((x) => x.id).join(", ")}`);
  if (arm.drift && arm.mode !== "governed") throw new Error("scenario drift runs governed arms only");
  const driftAt = startMs + p.drift.day * DAY_MS;
  const drift: DriftResult | null = arm.drift
    ? { day: p.drift.day, pilot: p.drift.pilot, reached: p.drift.day >= 0 && p.drift.day < p.days, monitors: arm.drift.monitors, touchesAfter: 0, wastedTouches: 0, unsubscribesAfter: 0, daysUntilPaused: null, trips: [] }
    : null;
  const monitorEveryMs = Math.max(1, p.drift.monitorEveryHours) * HOUR_MS;
  let monitorsLastAt = -Infinity;

  // --- content: MLR turnaround and the safety update -------------------------------------------------
  const turnaround = (p.content.mode === "modular" ? p.content.modularDays : p.content.traditionalDays) * DAY_MS;
  const contentEvents: { at: number; what: string; run: () => Promise<void> }[] = [];
  for (const topic of TOPICS) {
    if (p.content.approvedAtStart.includes(topic)) continue;
    contentEvents.push({ at: startMs + turnaround, what: `${topic} assets approved (requested on day 0)`, run: async () => { for (const s of stores) await approveTopic(s, topic); } });
  }
  const safety = p.content.safetyUpdateDay;
  if (safety >= 0 && safety < p.days) {
    const topic: Topic = "tolerability";
    const at = startMs + safety * DAY_MS;
    const lag = arm.mode === "siloed" ? p.content.siloedSafetyLagDays * DAY_MS : 0;
    contentEvents.push({
      at, what: `safety update: ${topic} claim withdrawn${lag > 0 ? ` (reaches the silos ${p.content.siloedSafetyLagDays} days later)` : ""}; revision requested`,
      run: async () => {
        for (const m of ["US", "DE", "FR"] as const) for (const c of ["email", "web"] as const) withdrawnAt.set(assetFor(topic, m, c).id, at);
        if (lag === 0) for (const s of stores) await withdrawTopic(s, topic);
      },
    });
    if (lag > 0) contentEvents.push({ at: at + lag, what: `safety update reaches the silos' content libraries`, run: async () => { for (const s of stores) await withdrawTopic(s, topic); } });
    contentEvents.push({ at: at + turnaround, what: `revised ${topic} claim and assets approved`, run: async () => { for (const s of stores) await publishRevision(s, topic, 2); } });
  }
  contentEvents.sort((a, b) => a.at - b.at);

  // --- data: when each event reaches a store ---------------------------------------------------------
  const buckets = new Map<number, Ingest[]>();
  const ingestAt = (source: string, occurred: number): number => {
    if (p.data.mode === "weekly" && SOURCES_IN_WEEKLY_EXTRACT.has(source)) {
      const d = new Date(occurred);
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      let at = day + ((p.data.weeklyDay - d.getUTCDay() + 7) % 7) * DAY_MS + p.data.weeklyHourUtc * HOUR_MS;
      if (at <= occurred) at += WEEK_MS;
      return at;
    }
    const mean = p.data.streamingLatencyMin[source as keyof SimParams["data"]["streamingLatencyMin"]] ?? 60;
    return occurred + exponential(latency, mean * 60_000);
  };
  const enqueue = (at: number, item: Ingest) => {
    const step = Math.max(0, Math.ceil((at - startMs) / stepMs));
    let list = buckets.get(step);
    if (!list) buckets.set(step, (list = []));
    list.push(item);
  };
  let outcomeSeq = 0;

  // --- reviews ----------------------------------------------------------------------------------------
  let reviewQueue: ReviewTask[] = [];
  const capacityUsed = new Map<string, number>();

  // --- truth -------------------------------------------------------------------------------------------
  const consentTruth = (hcp: SimHcp, channel: "email" | "web", purpose: "promotional" | "medical", at: number): boolean => {
    if (purpose === "promotional" && state.unsubscribedAt[channel][hcp.index]! < at) return false;
    const record = hcp.consents.find((c) => c.channel === channel && c.purpose === purpose);
    if (hcp.market === "US") return record?.status !== "revoked";
    return record?.status === "granted";
  };
  const authorityTruth = (d: SimDecision, at: number): "ok" | "violation" => {
    const plan = d.plan;
    const hcp = hcps[plan.hcp]!;
    const spec = d.pilot.spec;
    const risk = plan.topic ? CLAIMS[plan.topic].riskClass : null;
    const verdict = evaluateAuthority(market.bundle.authority, {
      proposal: { action: plan.action, purpose: plan.purpose, channel: channelOfAction(plan.action), confidence: plan.confidence, expectedValue: plan.expectedValue, assetId: plan.assetId },
      hcp: { id: hcp.id, market: hcp.market, specialty: "cardiology", segment: hcp.segment, attributes: {} },
      // The pilots keep the bundle's default thresholds, as the gate reads them for an agent that set none.
      agent: { id: spec.id, owner: spec.owner, priority: spec.priority, ...(market.bundle.authority.tunables ? { thresholds: thresholdsInForce(market.bundle.authority.tunables, undefined) } : {}) },
      // The simulated library carries no comparative wording (src/sim/content.ts), as its pre-review finds.
      content: plan.assetId && risk ? { id: plan.assetId, riskClass: risk, product: "Lipravan", market: hcp.market, channel: channelOfAction(plan.action), comparative: false } : null,
      now: new Date(at),
    });
    if (verdict.outcome === "forbidden") return "violation";
    if (verdict.outcome === "confirm" && !d.approvedByPeople) return "violation";
    return "ok";
  };

  const settle = (d: SimDecision, view: { outcome: Verdict; reasons: readonly { code: string }[]; scheduledFor?: string | undefined }, now: number) => {
    d.final = view.outcome;
    const codes = view.reasons.map((r) => r.code);
    if (view.outcome === "rejected") {
      const seen = new Set<string>();
      for (const code of codes) {
        if (seen.has(code) || code === "AUTHORITY_AUTONOMOUS" || code === "AUTHORITY_CONFIRM") continue;
        seen.add(code);
        rejectionReasons[code] = (rejectionReasons[code] ?? 0) + 1;
      }
      const kinds = new Set(codes.map(preventedKind).filter((k): k is PreventedKind => k !== null));
      for (const k of kinds) prevented[k]++;
      if (kinds.size > 0) prevented.total++;
      pilotTotals[d.plan.pilot]!.rejected++;
    } else if (view.outcome === "allowed" || view.outcome === "scheduled") {
      d.touchAt = view.outcome === "scheduled" && view.scheduledFor ? Date.parse(view.scheduledFor) : now;
      pilotTotals[d.plan.pilot]![view.outcome]++;
      undelivered.get(d.store)!.push(d);
    }
    d.pilot.decided(d.plan, view.outcome, codes, now);
  };

  // --- the steps ---------------------------------------------------------------------------------------
  let signalIndex = 0;
  let contentIndex = 0;
  let seq = 0;
  for (let step = 0; step <= steps; step++) {
    const now = startMs + step * stepMs;
    clock.set(now);

    await timed("content", async () => {
      while (contentIndex < contentEvents.length && contentEvents[contentIndex]!.at <= now) {
        const e = contentEvents[contentIndex++]!;
        await e.run();
        contentLog.push({ day: Math.round(((e.at - startMs) / DAY_MS) * 10) / 10, what: e.what });
      }
    });

    // Signals that occurred since the last step: the HCP's own interest now, the data later.
    const signals = market.signals;
    while (signalIndex < signals.length && signals[signalIndex]!.at <= now) {
      const s = signals[signalIndex++]!;
      state.signal(s.hcp, s.at);
      const event = { id: s.id, hcpId: hcps[s.hcp]!.id, type: s.type, source: s.source, occurredAt: new Date(s.at).toISOString() };
      const at = ingestAt(s.source, s.at);
      for (const store of stores) {
        if (arm.mode === "siloed" && !pilotsOf.get(store)!.some((x) => x.spec.feeds.includes(s.source))) continue;
        enqueue(at, { store, event, signal: s });
      }
    }

    // What reached each store now.
    const due = buckets.get(step);
    if (due) {
      buckets.delete(step);
      await timed("ingest", async () => {
        for (const store of stores) {
          const mine = due.filter((x) => x.store === store);
          if (mine.length === 0) continue;
          for (let i = 0; i < mine.length; i += 5000) {
            const result = await ingestEvents(store.ctx, SIM_ACTOR, mine.slice(i, i + 5000).map((x) => x.event), { origin: "simulator" });
            if (result.rejected.length > 0) throw new Error(`the simulator sent events Steward rejected: ${result.rejected[0]!.error}`);
          }
          const seen = seenAt.get(store)!;
          for (const x of mine) {
            if (x.signal) {
              seen.set(x.signal.id, now);
              for (const pilot of pilotsOf.get(store)!) if (pilot.spec.feeds.includes(x.signal.source)) pilot.see(x.signal, now);
            } else if (x.outcome) {
              x.outcome.decision.pilot.outcome(x.outcome.decision.plan, x.outcome.type, now);
            }
          }
        }
      });
    }

    // Reviews whose moment has come, within each role's daily capacity.
    await timed("reviews", async () => {
      const ready = reviewQueue.filter((r) => r.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt || a.decision.seq - b.decision.seq);
      if (ready.length === 0) return;
      reviewQueue = reviewQueue.filter((r) => r.dueAt > now);
      const day = Math.floor((now - startMs) / DAY_MS);
      for (const task of ready) {
        const full = task.roles.some((role) => (capacityUsed.get(`${role}:${day}`) ?? 0) >= (role === "reviewer:medical" ? p.review.medicalPerDay : p.review.brandPerDay));
        if (full) {
          reviewQueue.push({ ...task, dueAt: startMs + (day + 1) * DAY_MS + 9 * HOUR_MS });
          continue;
        }
        for (const role of task.roles) capacityUsed.set(`${role}:${day}`, (capacityUsed.get(`${role}:${day}`) ?? 0) + 1);
        await closeReview(task, now, chance(reviewRng, p.review.approvalRate));
      }
    });

    // The server's monitor evaluation, on the virtual clock: a tripped `pause` monitor pauses its agent
    // before the pilots propose.
    if (drift?.monitors && now - monitorsLastAt >= monitorEveryMs) {
      monitorsLastAt = now;
      await timed("monitors", async () => {
        for (const trip of await evaluateMonitors(stores[0]!.ctx, null)) {
          const day = Math.round(((now - startMs) / DAY_MS) * 100) / 100;
          drift.trips.push({ day, monitor: trip.id, agent: trip.agentId, value: trip.value, baseline: trip.baseline });
          if (trip.agentId === drift.pilot && drift.daysUntilPaused === null && drift.reached && now >= driftAt) drift.daysUntilPaused = Math.round(((now - driftAt) / DAY_MS) * 100) / 100;
        }
      });
    }

    // Every pilot proposes; one batch per store, so competing proposals for an HCP are arbitrated.
    const plans: { pilot: Pilot; plan: Plan }[] = [];
    for (const pilot of pilots) {
      const store = storeOf.get(pilot.spec.id)!;
      for (const plan of pilot.plan({ now, stepMs, hcps, catalog: store.catalog })) plans.push({ pilot, plan });
    }
    if (plans.length > 0) {
      await timed("propose", async () => {
        for (const store of stores) {
          const mine = plans.filter((x) => storeOf.get(x.pilot.spec.id) === store);
          if (mine.length === 0) continue;
          // By HCP, so that a chunk boundary never splits one HCP's competing proposals.
          mine.sort((a, b) => a.plan.hcp - b.plan.hcp);
          let i = 0;
          while (i < mine.length) {
            let j = Math.min(mine.length, i + PROPOSAL_CHUNK);
            while (j < mine.length && mine[j]!.plan.hcp === mine[j - 1]!.plan.hcp) j++;
            const chunk = mine.slice(i, j);
            const records = chunk.map(({ pilot, plan }): SimDecision => ({
              seq: ++seq, id: "", plan, pilot, store, receivedAt: now, signalIngestedAt: plan.signal ? (seenAt.get(store)!.get(plan.signal.id) ?? null) : null, initial: "rejected", final: "rejected",
              reviewOpenedAt: null, reviewClosedAt: null, approvedByPeople: false, touchAt: null, deliveredAt: null,
            }));
            const items: BatchItem[] = records.map((d) => ({ agentId: d.plan.pilot, body: bodyOf(d, hcps) }));
            const views = await proposeBatch(store.ctx, SIM_ACTOR, items);
            views.forEach((view, k) => {
              const d = records[k]!;
              d.id = view.id;
              byId.set(view.id, d);
              decisions.push(d);
              d.initial = view.outcome;
              initialOutcomes[view.outcome]++;
              pilotTotals[d.plan.pilot]!.proposals++;
              weekly.proposals[weekOf(now)]!++;
              if (view.outcome === "pending_review") {
                d.final = "pending_review";
                d.reviewOpenedAt = now;
                reviews.opened++;
                pilotTotals[d.plan.pilot]!.review++;
                const roles = (view.reviewers ?? []) as ReviewerRole[];
                let wait = 0;
                for (const role of roles) wait = Math.max(wait, lognormal(reviewRng, role === "reviewer:medical" ? p.review.medicalMedianHours : p.review.brandMedianHours) * HOUR_MS);
                reviewQueue.push({ decision: d, id: view.reviewId!, roles, dueAt: now + Math.max(stepMs, Math.round(wait / stepMs) * stepMs) });
                d.pilot.decided(d.plan, "pending_review", [], now);
              } else settle(d, view, now);
            });
            i = j;
          }
        }
      });
    }

    // The dispatcher hands what is due to the market; the market answers. The harness knows what is
    // due, so it drains only then, and stops at the first pass that did not fill a batch.
    await timed("dispatch", async () => {
      for (const store of stores) {
        const waiting = undelivered.get(store)!;
        if (!waiting.some((d) => d.touchAt! <= now)) continue;
        for (let pass = 0; pass < 10_000; pass++) {
          const report = await store.dispatcher.drainOnce();
          if (report.claimed < DISPATCH_BATCH) break;
        }
        // Whatever was due and did not go out was stopped (a withdrawal, a revoked consent).
        undelivered.set(store, waiting.filter((d) => d.touchAt! > now));
      }
    });
    await timed("market", async () => {
      const delivered: SimDecision[] = [];
      for (const store of stores) {
        for (const item of store.outbox) {
          const d = byId.get(item.document.decisionId);
          if (d) delivered.push(d);
        }
        store.outbox.length = 0;
      }
      delivered.sort((a, b) => (a.touchAt ?? 0) - (b.touchAt ?? 0) || a.seq - b.seq);
      for (const d of delivered) deliver(d, now);
    });

    progress?.(step, steps);
  }

  // --- the end: open reviews, what never went out, ground-truth contact policy -----------------------------
  reviews.open = reviewQueue.length;
  const endMs = startMs + steps * stepMs;
  let cancelledBeforeDispatch = 0;
  const finalOutcomes = zeroVerdicts();
  for (const d of decisions) {
    finalOutcomes[d.final]++;
    if ((d.final === "allowed" || d.final === "scheduled") && d.deliveredAt === null && d.touchAt !== null && d.touchAt <= endMs) cancelledBeforeDispatch++;
  }
  const contactDetail = { overCap: 0, underGap: 0, quietHours: 0 };
  for (const hcp of hcps) {
    const f = contactFindings(touchLog[hcp.index]!, policy, hcp.timezone, (t) => {
      violations.contact++;
      weekly.violations[t.week]!++;
    });
    contactDetail.overCap += f.overCap;
    contactDetail.underGap += f.underGap;
    contactDetail.quietHours += f.quietHours;
  }
  await timed("close", async () => {
    for (const s of stores) await closeSimStore(s);
  });

  // Noise: each HCP's touches per full week.
  const perHcpWeek: number[] = [];
  const fullWeeks = Math.floor(p.days / 7);
  for (const log of touchLog) {
    const counts = new Array<number>(fullWeeks).fill(0);
    for (const t of log) if (!t.exempt && t.week < fullWeeks) counts[t.week]!++;
    perHcpWeek.push(...counts);
  }
  perHcpWeek.sort((a, b) => a - b);
  const q = (f: number) => (perHcpWeek.length === 0 ? 0 : perHcpWeek[Math.min(perHcpWeek.length - 1, Math.floor(f * perHcpWeek.length))]!);

  const delivered = weekly.touches.reduce((a, b) => a + b, 0);
  const engaged = weekly.engaged.reduce((a, b) => a + b, 0);
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    name: arm.name, label: arm.label, mode: arm.mode, dataMode: p.data.mode, contentMode: p.content.mode, hcps: hcps.length, days: p.days, weeks,
    totals: {
      proposals: decisions.length, initialOutcomes, finalOutcomes, rejectionReasons: sortKeys(rejectionReasons), reviews,
      delivered, cancelledBeforeDispatch, engaged, engagementRate: delivered > 0 ? round(engaged / delivered) : null, engagedPerHcp: round(engaged / hcps.length),
      onFavouriteTopic: delivered > 0 ? round(onFavourite / delivered) : null,
      unsubscribed: { email: countFinite(state.unsubscribedAt.email), web: countFinite(state.unsubscribedAt.web) },
      touchesPerHcpPerWeek: round(delivered / hcps.length / (p.days / 7)),
      hcpWeek: { p50: q(0.5), p90: q(0.9), max: perHcpWeek.length ? perHcpWeek[perHcpWeek.length - 1]! : 0, overFour: round(perHcpWeek.filter((x) => x > 4).length / Math.max(1, perHcpWeek.length)) },
    },
    weekly: {
      touchesPerHcp: weekly.touches.map((t, w) => round(t / hcps.length / weekDays(w, p.days) * 7)),
      engagementRate: weekly.touches.map((t, w) => (t > 0 ? round(weekly.engaged[w]! / t) : null)),
      unsubscribes: weekly.unsubscribes,
      violations: weekly.violations,
      proposals: weekly.proposals,
    },
    violations: { ...violations, total: violations.contact + violations.consent + violations.authority + violations.content, contactDetail },
    prevented,
    insightToAction: Object.fromEntries(STAGES.map((s) => [s, summarise(stageSamples[s], HOUR_MS)])) as Record<Stage, Summary>,
    pilots: pilotTotals,
    content: { events: contentLog },
    drift,
    performance: {
      wallSeconds: round(wallSeconds, 2), busySeconds: round(performance.eventLoopUtilization(eluStart).active / 1000, 2), decisions: decisions.length, decisionsPerSecond: Math.round(decisions.length / Math.max(0.001, phases.propose! / 1000)),
      phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, round(v / 1000, 2)])),
    },
  };

  async function closeReview(task: ReviewTask, now: number, approve: boolean): Promise<void> {
    const d = task.decision;
    const store = d.store;
    const signer = (role: ReviewerRole) => {
      if (role === "reviewer:brand") return store.signers.brand;
      if (role === "reviewer:medical") return store.signers.medical;
      throw new Error(`the simulator has no reviewer for ${role}`);
    };
    try {
      if (!approve) {
        await rejectReview(store.ctx, signer(task.roles[0]!), task.id, "not the right moment for this HCP", { password: SIM_PASSWORD, meaning: "rejected" });
        reviews.rejected++;
        d.reviewClosedAt = now;
        settle(d, { outcome: "rejected", reasons: [] }, now);
        return;
      }
      let result: Awaited<ReturnType<typeof approveReview>> | null = null;
      for (const role of task.roles) result = await approveReview(store.ctx, signer(role), task.id, { password: SIM_PASSWORD, meaning: "approved" });
      const decision = result?.decision;
      if (!decision) throw new Error(`review ${task.id} is still open after every role signed`);
      reviews.approved++;
      d.reviewClosedAt = now;
      d.approvedByPeople = true;
      settle(d, decision, now);
    } catch (error) {
      // Closed meanwhile: a safety update's cascade cancelled it.
      if (error instanceof AppError && error.status === 409) {
        reviews.cancelled++;
        d.final = "rejected";
        d.pilot.decided(d.plan, "rejected", [], now);
        return;
      }
      throw error;
    }
  }

  function deliver(d: SimDecision, now: number): void {
    d.deliveredAt = now;
    const plan = d.plan;
    const hcp = hcps[plan.hcp]!;
    const channel = channelOfAction(plan.action);
    const exempt = plan.purpose !== "promotional";
    const at = d.touchAt ?? now;
    const week = weekOf(at);
    const drifted = drift !== null && drift.reached && plan.pilot === drift.pilot && now >= driftAt;
    const engagementFactor = drifted ? p.drift.engagementFactor : 1;
    // Ground truth at the moment it reaches the HCP.
    const kinds: ViolationKind[] = [];
    if (channel !== "field" && !consentTruth(hcp, channel, plan.purpose === "medical" ? "medical" : "promotional", now)) kinds.push("consent");
    if (authorityTruth(d, now) === "violation") kinds.push("authority");
    if (plan.assetId && (withdrawnAt.get(plan.assetId) ?? Infinity) <= now) kinds.push("content");
    for (const k of kinds) {
      violations[k]++;
      weekly.violations[week]!++;
    }
    touchLog[hcp.index]!.push({ at, channel, exempt, week });

    let engaged: boolean;
    let unsubscribed = false;
    const events: { type: string; at: number; source: string }[] = [];
    if (plan.action === "field_suggestion" || plan.action === "visit_request") {
      const accepted = chance(responses, p.market.repAcceptance * (0.5 + 0.5 * hcp.affinity.field));
      const r = state.deliver(hcp, { channel, topic: plan.topic, exempt, at: now, engagementFactor }, responses);
      engaged = accepted && r.engaged;
      events.push({ type: accepted ? "suggestion_accepted" : "suggestion_dismissed", at: now + 4 * HOUR_MS, source: "crm" });
      if (engaged) events.push({ type: "visit_completed", at: now + DAY_MS, source: "crm" });
    } else {
      const r = state.deliver(hcp, { channel, topic: plan.topic, exempt, at: now, engagementFactor }, responses);
      engaged = r.engaged;
      unsubscribed = r.unsubscribed;
      const source = plan.action === "mi_response" ? "mi" : channel === "web" ? "web" : "esp";
      // Scenario drift: the ESP and the portal report each delivery, as they would in production; the
      // engagement monitor reads engaged per delivered. (Other scenarios leave them out: they count no rates in the store.)
      if (drift && source !== "mi") events.push({ type: "delivered", at: now, source });
      if (engaged) events.push({ type: plan.action === "mi_response" ? "mi_answered" : channel === "web" ? "clicked" : "opened", at: now + exponential(responses, 2 * HOUR_MS), source });
      if (unsubscribed) events.push({ type: "unsubscribed", at: now + HOUR_MS, source });
    }
    if (!exempt) weekly.touches[week]!++;
    if (!exempt && plan.topic === hcp.favourite) onFavourite++;
    if (engaged && !exempt) weekly.engaged[week]!++;
    if (unsubscribed) weekly.unsubscribes[week]!++;
    if (drift && drifted && !exempt) {
      drift.touchesAfter++;
      if (!engaged) drift.wastedTouches++;
      if (unsubscribed) drift.unsubscribesAfter++;
    }
    if (engaged) pilotTotals[plan.pilot]!.engaged++;
    pilotTotals[plan.pilot]!.delivered++;
    const decisionId = d.id;
    for (const e of events) {
      const type = e.type === "unsubscribed" ? "unsubscribed" : e.type === "suggestion_accepted" || e.type === "suggestion_dismissed" || e.type === "delivered" ? null : "engaged";
      enqueue(ingestAt(e.source, e.at), {
        store: d.store,
        event: { id: `out-${++outcomeSeq}`, hcpId: hcp.id, type: e.type, source: e.source, occurredAt: new Date(e.at).toISOString(), decisionId },
        ...(type ? { outcome: { decision: d, type } } : {}),
      });
    }

    // Time from insight to action, for touches an HCP's own signal prompted.
    if (plan.signal && d.signalIngestedAt !== null) {
      const s = plan.signal;
      stageSamples.data.push(d.signalIngestedAt - s.at);
      stageSamples.agent.push(d.receivedAt - d.signalIngestedAt);
      stageSamples.governance.push(0);
      if (d.reviewClosedAt !== null && d.reviewOpenedAt !== null) stageSamples.review.push(d.reviewClosedAt - d.reviewOpenedAt);
      stageSamples.schedule.push(at - (d.reviewClosedAt ?? d.receivedAt));
      stageSamples.dispatch.push(now - at);
      stageSamples.total.push(now - s.at);
    }
  }
}

function bodyOf(d: { seq: number; plan: Plan }, hcps: readonly SimHcp[]): BatchItem["body"] {
  const plan = d.plan;
  return {
    idempotencyKey: `${plan.pilot}:${d.seq}`,
    hcpId: hcps[plan.hcp]!.id, action: plan.action, purpose: plan.purpose,
    ...(plan.assetId ? { assetId: plan.assetId } : {}),
    confidence: plan.confidence, expectedValue: plan.expectedValue,
    ...(plan.signal ? { evidence: [plan.signal.id] } : {}),
    // An MI answer carries the text medical review signs (the reference MI agent's draft).
    ...(plan.action === "mi_response" && !plan.assetId ? { content: draftAnswer(plan.topic ?? null, hcps[plan.hcp]!.market) } : {}),
  };
}

function countFinite(values: Float64Array): number {
  let n = 0;
  for (const v of values) if (!Number.isNaN(v)) n++;
  return n;
}

function weekDays(week: number, days: number): number {
  return Math.min(7, days - week * 7);
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
