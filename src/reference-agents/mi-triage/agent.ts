// The MI triage agent. Each medical-information request event becomes one `mi_response` proposal
// (purpose medical, citing the request as evidence), which the bundle routes to medical review. It tracks
// every request to its end — under review, approved, rejected, answered — and flags a review that has
// run past its deadline.
import type { Decision, DecisionOutcome, HcpEvent, ListedDecision, Outcome, Reason } from "../../../packages/sdk/src/index.ts";
import { draftAnswer } from "./answer.ts";
import { HOUR_MS, ReferenceAgent, marketOf, normalisedType, type AgentOptions, type AgentState, type TickReport } from "../kit/agent.ts";

export interface MiTriageConfig {
  /** How long medical review has (the server's review queue gives 48 h). */
  reviewDeadlineMs: number;
}

type Status = "pending_review" | "approved" | "refused" | "review_rejected" | "answered";

export interface MiRequest {
  eventId: string;
  hcpId: string;
  topic: string | null;
  requestedAt: string;
  decisionId: string | null;
  status: Status | "proposing";
  reasons: string[];
  dueAt: string | null;
  overdue: boolean;
  answeredAt: string | null;
}

interface Meta {
  eventId: string;
}

export interface MiTriageState extends AgentState<Meta> {
  requests: Record<string, MiRequest>;
  /** decision id → request event id */
  byDecision: Record<string, string>;
}

const MI_REQUEST = /(^|_)mi_?(request|requested|request_received|inquiry|enquiry)($|_)|medical_information_request/;

export function isMiRequest(type: string): boolean {
  return MI_REQUEST.test(normalisedType(type));
}

export class MiTriageAgent extends ReferenceAgent<MiTriageState, Meta> {
  readonly config: MiTriageConfig;

  constructor(options: AgentOptions, config: Partial<MiTriageConfig> = {}) {
    super("mi-triage", options, (base) => ({ ...base, requests: {}, byDecision: {} }));
    this.config = { reviewDeadlineMs: 48 * HOUR_MS, ...config };
  }

  protected onEvent(event: HcpEvent): void {
    if (!isMiRequest(event.type) || this.state.requests[event.id]) return;
    const topic = typeof event.data?.topic === "string" ? event.data.topic : null;
    this.state.requests[event.id] = {
      eventId: event.id, hcpId: event.hcpId, topic, requestedAt: event.occurredAt, decisionId: null, status: "proposing",
      reasons: [], dueAt: null, overdue: false, answeredAt: null,
    };
    // The draft medical review reads and signs: what is signed is what the HCP receives.
    const content = draftAnswer(topic, marketOf(event, "US"));
    this.enqueue({
      idempotencyKey: `mi:${event.id}`, hcpId: event.hcpId, action: "mi_response", purpose: "medical", evidence: [event.id], content,
      rationale: `The HCP asked medical information${topic ? ` about ${topic}` : ""} on ${event.occurredAt} (request ${event.id}); an unsolicited request is answered by medical affairs, not by the commercial side.`,
    }, { eventId: event.id });
  }

  protected onDecision(decision: Decision, meta: Meta, report: TickReport): void {
    const request = this.state.requests[meta.eventId];
    if (!request) return;
    request.decisionId = decision.id;
    this.state.byDecision[decision.id] = meta.eventId;
    this.apply(request, decision.outcome, decision.reasons, decision.decidedAt, report);
  }

  protected onChanged(decision: ListedDecision, _from: Outcome, report: TickReport): void {
    const request = this.request(decision.id);
    if (request) this.apply(request, decision.outcome, decision.reasons, decision.decidedAt, report);
  }

  protected onOutcome(decision: ListedDecision, outcome: DecisionOutcome, report: TickReport): void {
    const request = this.request(decision.id);
    if (request && outcome.type === "mi_answered") {
      request.status = "answered";
      request.answeredAt = outcome.at;
      report.notes.push(`request ${request.eventId} (${request.hcpId}) answered at ${outcome.at}`);
    }
  }

  protected override learn(report: TickReport): void {
    const now = this.now().getTime();
    for (const r of Object.values(this.state.requests)) {
      if (r.status === "pending_review" && r.dueAt && !r.overdue && now > Date.parse(r.dueAt)) {
        r.overdue = true;
        report.notes.push(`review of request ${r.eventId} (${r.hcpId}) is overdue: due ${r.dueAt}`);
      }
    }
  }

  private request(decisionId: string): MiRequest | undefined {
    const eventId = this.state.byDecision[decisionId];
    return eventId ? this.state.requests[eventId] : undefined;
  }

  private apply(request: MiRequest, outcome: Outcome, reasons: Reason[], decidedAt: string, report: TickReport): void {
    if (request.status === "answered") return;
    request.reasons = reasons.map((r) => r.code);
    switch (outcome) {
      case "pending_review":
        request.status = "pending_review";
        request.dueAt = new Date(Date.parse(decidedAt) + this.config.reviewDeadlineMs).toISOString();
        return;
      case "allowed":
      case "scheduled":
        request.status = "approved";
        return;
      case "rejected":
        request.status = request.status === "pending_review" ? "review_rejected" : "refused";
        report.notes.push(`request ${request.eventId} (${request.hcpId}) was not answered: ${request.reasons.join(", ")}`);
        return;
      default: {
        const unreachable: never = outcome;
        return unreachable;
      }
    }
  }

  /** Requests by status, and how many reviews are past their deadline. */
  summary(): Record<string, number> {
    const out: Record<string, number> = { overdue: 0 };
    for (const r of Object.values(this.state.requests)) {
      out[r.status] = (out[r.status] ?? 0) + 1;
      if (r.overdue && r.status === "pending_review") out.overdue!++;
    }
    return out;
  }
}
