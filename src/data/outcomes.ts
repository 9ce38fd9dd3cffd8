// What agents read about their decisions' outcomes: the outcome events linked to each decision.
import type { Db } from "../store/db.ts";
import { OUTCOME_TYPES, type OutcomeType } from "./event-kinds.ts";

export interface DecisionOutcome {
  type: OutcomeType;
  /** When it happened (the event's occurredAt). */
  at: string;
  eventId: string;
}

const CHUNK = 500;

/** Each decision's outcomes in the order they happened; decisions without any are absent. */
export async function outcomesByDecision(db: Db, decisionIds: readonly string[]): Promise<Map<string, DecisionOutcome[]>> {
  const out = new Map<string, DecisionOutcome[]>();
  for (let i = 0; i < decisionIds.length; i += CHUNK) {
    const rows = await db.selectFrom("events").select(["id", "decision_id", "type", "occurred_at"])
      .where("decision_id", "in", decisionIds.slice(i, i + CHUNK)).where("type", "in", [...OUTCOME_TYPES])
      .orderBy("occurred_at").orderBy("id").execute();
    for (const r of rows) {
      const list = out.get(r.decision_id!) ?? [];
      list.push({ type: r.type as OutcomeType, at: r.occurred_at, eventId: r.id });
      out.set(r.decision_id!, list);
    }
  }
  return out;
}
