// The field-preparation agent. After a symposium an HCP attended, or a sign of engagement (content
// viewed, an email opened, a webinar registered for), it suggests to the HCP's rep a visit while the
// topic is fresh, saying in plain words why this and why now. It learns from the reps: how often
// suggestions after each kind of signal are accepted (Beta posterior; accepted counts 1, dismissed 0,
// snoozed half) sets its confidence, and a kind the reps keep dismissing is no longer suggested. A
// snoozed suggestion comes back once, after the snooze.
import type { Decision, DecisionOutcome, HcpEvent, ListedDecision, Outcome, ProposalBody } from "../../../packages/sdk/src/index.ts";
import { DAY_MS, ReferenceAgent, normalisedType, type AgentOptions, type AgentState, type TickReport } from "../kit/agent.ts";

export type Signal = "symposium" | "engagement";

export interface FieldPrepConfig {
  /** One suggestion per HCP per this long (default 7 days). */
  cooldownMs: number;
  /** A snoozed suggestion is proposed again after this long (default 3 days). */
  snoozeMs: number;
  /** Prior belief that reps accept a suggestion: Beta(α, β) (default [3, 2], a mean of 0.6). */
  prior: [number, number];
  /** Below this posterior acceptance a kind of signal is not worth a rep's time (default 0.2). */
  minAcceptance: number;
}

interface Meta {
  eventId: string;
  hcpId: string;
  signal: Signal;
  resuggested: boolean;
}

export interface FieldPrepState extends AgentState<Meta> {
  acceptance: Record<Signal, [number, number]>;
  lastSuggestedAt: Record<string, string>;
  /** Sent suggestions waiting for the rep: decision id → what prompted it (and its proposal, to repeat on a snooze). */
  open: Record<string, Meta & { proposal: ProposalBody; since: string }>;
  /** Snoozed suggestions to bring back: due time and the proposal. */
  snoozed: { dueAt: string; meta: Meta; proposal: ProposalBody }[];
  answers: { accepted: number; dismissed: number; snoozed: number; suppressed: number };
}

const ATTENDED = /(^|_)(attended|attendance|checked_in|symposium)($|_)/;
const ENGAGED = /(^|_)(opened|clicked|registered|content_viewed|page_viewed|downloaded|replied)($|_)/;

export function signalOf(type: string): Signal | null {
  const t = normalisedType(type);
  if (ATTENDED.test(t)) return "symposium";
  if (ENGAGED.test(t)) return "engagement";
  return null;
}

export class FieldPrepAgent extends ReferenceAgent<FieldPrepState, Meta> {
  readonly config: FieldPrepConfig;

  constructor(options: AgentOptions, config: Partial<FieldPrepConfig> = {}) {
    const full: FieldPrepConfig = { cooldownMs: 7 * DAY_MS, snoozeMs: 3 * DAY_MS, prior: [3, 2], minAcceptance: 0.2, ...config };
    super("field-prep", options, (base) => ({
      ...base, acceptance: { symposium: [...full.prior], engagement: [...full.prior] }, lastSuggestedAt: {}, open: {}, snoozed: [],
      answers: { accepted: 0, dismissed: 0, snoozed: 0, suppressed: 0 },
    }));
    this.config = full;
  }

  acceptanceOf(signal: Signal): number {
    const [a, b] = this.state.acceptance[signal];
    return Math.round((a / (a + b)) * 1000) / 1000;
  }

  protected onEvent(event: HcpEvent, report: TickReport): void {
    if (event.decisionId) return;
    const signal = signalOf(event.type);
    if (!signal) return;
    const now = this.now();
    const last = this.state.lastSuggestedAt[event.hcpId];
    if (last && now.getTime() - Date.parse(last) < this.config.cooldownMs) return;
    const acceptance = this.acceptanceOf(signal);
    if (acceptance < this.config.minAcceptance) {
      this.state.answers.suppressed++;
      report.notes.push(`not suggesting ${event.hcpId} after a ${signal}: reps accepted only ${Math.round(acceptance * 100)}% of those`);
      return;
    }
    this.state.lastSuggestedAt[event.hcpId] = now.toISOString();
    this.enqueue({
      idempotencyKey: `fs:${event.id}`, hcpId: event.hcpId, action: "field_suggestion", purpose: "promotional", evidence: [event.id],
      confidence: acceptance, expectedValue: acceptance, rationale: this.rationale(event, signal, now),
    }, { eventId: event.id, hcpId: event.hcpId, signal, resuggested: false });
  }

  /** "Why this, why now", in a rep's words. */
  rationale(event: HcpEvent, signal: Signal, now: Date): string {
    const what = [event.data?.event, event.data?.topic, event.data?.page, event.data?.title].find((x) => typeof x === "string") as string | undefined;
    const days = Math.max(0, Math.round((now.getTime() - Date.parse(event.occurredAt)) / DAY_MS));
    const when = days === 0 ? "today" : days === 1 ? "yesterday" : `${days} days ago`;
    const [a, b] = this.state.acceptance[signal];
    const record = `Reps have accepted about ${Math.round((a / (a + b)) * 100)}% of suggestions like this one.`;
    return signal === "symposium"
      ? `Why this: ${event.hcpId} attended ${what ? `"${what}"` : "a symposium"} ${when}. Why now: a visit in the next few days can pick up the questions the talk raised while they are fresh. ${record}`
      : `Why this: ${event.hcpId} showed interest ${what ? `in "${what}" ` : ""}(${normalisedType(event.type).replace(/_/g, " ")}) ${when}. Why now: a conversation soon after an HCP engages is more likely to be welcome than a cold call. ${record}`;
  }

  protected override plan(): void {
    const now = this.now().getTime();
    const due = this.state.snoozed.filter((s) => Date.parse(s.dueAt) <= now);
    this.state.snoozed = this.state.snoozed.filter((s) => Date.parse(s.dueAt) > now);
    for (const s of due) {
      this.enqueue({ ...s.proposal, idempotencyKey: `${s.proposal.idempotencyKey}:after-snooze`, rationale: `${s.proposal.rationale ?? ""} The rep snoozed this suggestion; it comes back once, now.`.trim() }, { ...s.meta, resuggested: true });
    }
  }

  protected onDecision(decision: Decision, meta: Meta, _report: TickReport, proposal: ProposalBody): void {
    if (decision.outcome !== "rejected") this.state.open[decision.id] = { ...meta, proposal, since: decision.decidedAt };
  }

  /** A suggestion no rep answered within the feed's window is forgotten, not counted. */
  protected override learn(): void {
    const horizon = this.now().getTime() - this.lookbackMs();
    for (const [id, open] of Object.entries(this.state.open)) if (Date.parse(open.since) < horizon) delete this.state.open[id];
  }

  protected onChanged(decision: ListedDecision): void {
    if (decision.outcome === "rejected") delete this.state.open[decision.id];
  }

  protected onOutcome(decision: ListedDecision, outcome: DecisionOutcome, report: TickReport): void {
    const open = this.state.open[decision.id];
    if (!open) return;
    const belief = this.state.acceptance[open.signal];
    switch (outcome.type) {
      case "suggestion_accepted":
        belief[0] += 1;
        this.state.answers.accepted++;
        break;
      case "suggestion_dismissed":
        belief[1] += 1;
        this.state.answers.dismissed++;
        break;
      case "suggestion_snoozed":
        belief[0] += 0.5;
        belief[1] += 0.5;
        this.state.answers.snoozed++;
        if (!open.resuggested) {
          this.state.snoozed.push({ dueAt: new Date(Date.parse(outcome.at) + this.config.snoozeMs).toISOString(), meta: { eventId: open.eventId, hcpId: open.hcpId, signal: open.signal, resuggested: open.resuggested }, proposal: open.proposal });
          report.notes.push(`suggestion for ${open.hcpId} snoozed; it comes back after ${outcome.at}`);
        }
        break;
      default:
        return;
    }
    delete this.state.open[decision.id];
  }
}
