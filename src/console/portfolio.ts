// The portfolio as the console shows it: every agent with its decisions since a moment (by outcome),
// the engagement its decided actions earned (outcome events) and its open reviews. Read-only.
import type { Db } from "../store/db.ts";
import { listAgents, type Agent } from "../agents/portfolio.ts";
import { OUTCOMES, type Outcome } from "../gate/verdict.ts";
import { OUTCOME_TYPES, type OutcomeType } from "../data/event-kinds.ts";

export type OutcomeCounts = Record<Outcome, number>;

export interface PortfolioAgent extends Agent {
  decisions: OutcomeCounts & { total: number };
  /** Outcome events (delivered, opened, suggestion_accepted...) linked to those decisions. */
  engagement: Partial<Record<OutcomeType, number>>;
  openReviews: number;
}

export interface Portfolio {
  since: string;
  agents: PortfolioAgent[];
  totals: OutcomeCounts & { total: number };
}

const zero = (): OutcomeCounts & { total: number } => ({ allowed: 0, scheduled: 0, pending_review: 0, rejected: 0, total: 0 });
const isOutcome = (s: string): s is Outcome => (OUTCOMES as readonly string[]).includes(s);

export async function readPortfolio(db: Db, since: Date): Promise<Portfolio> {
  const sinceIso = since.toISOString();
  const [agents, decided, engaged, reviews] = await Promise.all([
    listAgents(db),
    db.selectFrom("decisions")
      .select(["agent_id", "outcome", (eb) => eb.fn.countAll<number>().as("n")])
      .where("decided_at", ">=", sinceIso)
      .groupBy(["agent_id", "outcome"])
      .execute(),
    db.selectFrom("events")
      .innerJoin("decisions", "decisions.id", "events.decision_id")
      .select(["decisions.agent_id", "events.type", (eb) => eb.fn.countAll<number>().as("n")])
      .where("decisions.decided_at", ">=", sinceIso)
      .where("events.type", "in", [...OUTCOME_TYPES])
      .groupBy(["decisions.agent_id", "events.type"])
      .execute(),
    db.selectFrom("reviews")
      .select(["agent_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("status", "=", "open")
      .groupBy("agent_id")
      .execute(),
  ]);
  const totals = zero();
  const byAgent = new Map<string, PortfolioAgent>(agents.map((a) => [a.id, { ...a, decisions: zero(), engagement: {}, openReviews: 0 }]));
  for (const row of decided) {
    const agent = byAgent.get(row.agent_id);
    if (!agent || !isOutcome(row.outcome)) continue;
    const n = Number(row.n);
    agent.decisions[row.outcome] += n;
    agent.decisions.total += n;
    totals[row.outcome] += n;
    totals.total += n;
  }
  for (const row of engaged) {
    const agent = byAgent.get(row.agent_id);
    if (agent) agent.engagement[row.type as OutcomeType] = Number(row.n);
  }
  for (const row of reviews) {
    const agent = byAgent.get(row.agent_id);
    if (agent) agent.openReviews = Number(row.n);
  }
  return { since: sinceIso, agents: [...byAgent.values()], totals };
}

/** Midnight UTC of the day `now` falls in: "today" when the caller names no moment. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
