// What the three reference agents share: a persisted state, a journal of proposals decided on but not
// yet answered, the decision feed, and one `tick` that does a round of work.
//
// Nothing is lost or done twice across a restart: a proposal is written to the state (with its
// idempotency key and full body) before it is sent, and removed only once its decision is recorded; a
// restarted agent re-sends what is still journalled with the same key and gets the decision the gate
// already made. The event position and the decision-feed cursor move forward only in saved state.
import { StewardError, pollDecisions, newCursor, type Decision, type DecisionOutcome, type FeedCursor, type HcpEvent, type ListedDecision, type Outcome, type ProposalBody, type StewardClient } from "../../../packages/sdk/src/index.ts";
import { StewardEventSource, type EventSource } from "./event-source.ts";
import { StateFile } from "./state-file.ts";

export interface Journalled<M> {
  proposal: ProposalBody;
  meta: M;
}

export interface AgentState<M> {
  /** Position in the event source. */
  events: string | null;
  feed: FeedCursor;
  /** Proposals decided on, not yet answered by the gate. */
  journal: Journalled<M>[];
  /** Proposals the gate refused to take at all (a 4xx: bad input, key reused): kept for the owner. */
  refused: { key: string; code: string; message: string }[];
  proposed: number;
}

export interface AgentOptions {
  client: StewardClient;
  /** Where HCP events come from: Steward's events feed unless another source is given. */
  events?: EventSource;
  /** The JSON file the agent keeps its state in. */
  statePath: string;
  /** Injected time: the system clock by default, the simulator's or a test's otherwise. */
  now?: () => Date;
  log?: (line: string) => void;
  /** Events read per tick (default 500). */
  batch?: number;
  /** How long before its first start an event may have happened and still be acted on (default one day). */
  historyMs?: number;
}

export interface TickReport {
  events: number;
  decisions: Decision[];
  outcomes: number;
  changed: number;
  notes: string[];
}

export abstract class ReferenceAgent<S extends AgentState<M>, M> {
  protected state: S;
  protected readonly client: StewardClient;
  protected readonly now: () => Date;
  protected readonly log: (line: string) => void;
  private readonly file: StateFile<S>;
  private readonly source: EventSource;
  private readonly batch: number;
  private readonly historyMs: number;

  constructor(readonly name: string, options: AgentOptions, initial: (base: AgentState<M>) => S) {
    this.client = options.client;
    this.source = options.events ?? new StewardEventSource(options.client);
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => {});
    this.batch = options.batch ?? 500;
    this.historyMs = options.historyMs ?? 86_400_000;
    this.file = new StateFile<S>(options.statePath);
    this.state = this.file.load(() => initial({ events: null, feed: newCursor(this.now()), journal: [], refused: [], proposed: 0 }));
  }

  /** A copy of the persisted state, for inspection. */
  snapshot(): S {
    return JSON.parse(JSON.stringify(this.state)) as S;
  }

  /** One round: finish journalled proposals, learn from the feed, take in new events, plan, propose. */
  async tick(): Promise<TickReport> {
    const report: TickReport = { events: 0, decisions: [], outcomes: 0, changed: 0, notes: [] };
    await this.drain(report);

    const page = await pollDecisions(this.client, this.state.feed, { lookbackMs: this.lookbackMs() });
    for (const { decision, from } of page.changed) this.onChanged(decision, from, report);
    for (const { decision, outcome } of page.outcomes) this.onOutcome(decision, outcome, report);
    report.changed = page.changed.length;
    report.outcomes = page.outcomes.length;
    if (!page.complete) report.notes.push("more decisions than one page in the feed's window: some outcomes may be missed; tick more often");
    this.state.feed = page.cursor;
    this.learn(report);
    this.save();

    const { events, position } = await this.source.read(this.state.events, this.batch);
    // The feed holds everything ever ingested; what happened long before the agent first started is old
    // news, not a reason to act now.
    const since = Date.parse(this.state.feed.start) - this.historyMs;
    const fresh = events.filter((e) => Date.parse(e.occurredAt) >= since);
    for (const e of fresh) this.onEvent(e, report);
    this.state.events = position;
    report.events = fresh.length;
    this.plan(report);
    this.save();

    await this.drain(report);
    for (const note of report.notes) this.log(`${this.name}: ${note}`);
    return report;
  }

  /** How long after a decision its outcomes are still awaited. */
  protected lookbackMs(): number {
    return 7 * 86_400_000;
  }

  /** Journals a proposal; it is sent at the end of the tick (or after a restart). Not saved until the caller's step ends. */
  protected enqueue(proposal: ProposalBody, meta: M): void {
    if (this.state.journal.some((j) => j.proposal.idempotencyKey === proposal.idempotencyKey)) return;
    this.state.journal.push({ proposal, meta });
  }

  protected abstract onEvent(event: HcpEvent, report: TickReport): void;
  protected abstract onDecision(decision: Decision, meta: M, report: TickReport, proposal: ProposalBody): void;
  protected abstract onChanged(decision: ListedDecision, from: Outcome, report: TickReport): void;
  protected abstract onOutcome(decision: ListedDecision, outcome: DecisionOutcome, report: TickReport): void;
  /** After the feed: time-based learning (an outcome that never came). */
  protected learn(_report: TickReport): void {}
  /** After the events: choose what to propose. */
  protected plan(_report: TickReport): void {}

  protected save(): void {
    this.file.save(this.state);
  }

  private async drain(report: TickReport): Promise<void> {
    while (this.state.journal.length > 0) {
      const item = this.state.journal[0]!;
      let decision: Decision;
      try {
        decision = await this.client.propose(item.proposal);
      } catch (error) {
        // A refusal of the request itself will not change on a retry; anything else (no answer, the
        // server down, the key revoked) stops the round and the proposal stays journalled.
        if (error instanceof StewardError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403 && error.status !== 429) {
          this.state.refused.push({ key: item.proposal.idempotencyKey, code: error.code, message: error.message });
          if (this.state.refused.length > 100) this.state.refused.shift();
          report.notes.push(`proposal ${item.proposal.idempotencyKey} refused: ${error.code} ${error.message}`);
          this.state.journal.shift();
          this.save();
          continue;
        }
        throw error;
      }
      this.onDecision(decision, item.meta, report, item.proposal);
      report.decisions.push(decision);
      this.state.proposed++;
      this.state.journal.shift();
      this.save();
    }
  }
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** The market of an HCP: the event's `data.market`, else a two-letter id prefix (`us-0001`), else the fallback. */
export function marketOf(event: HcpEvent, fallback: string): string {
  const m = event.data?.market;
  if (typeof m === "string" && /^[A-Z]{2}$/.test(m)) return m;
  const prefix = /^([a-z]{2})[-_]/i.exec(event.hcpId)?.[1];
  return prefix ? prefix.toUpperCase() : fallback;
}

/** Types are named freely by sources ("Symposium-Attended", "mi.request_received"): compare normalised. */
export function normalisedType(type: string): string {
  return type.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_");
}
