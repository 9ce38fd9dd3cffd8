// What other capabilities and the console may ask about an HCP's contact and data state.
import type { Db } from "../store/db.ts";

export async function recentTouches(db: Db, hcpId: string, limit: number) {
  const rows = await db.selectFrom("touches").innerJoin("decisions", "decisions.id", "touches.decision_id")
    .select(["touches.decision_id", "touches.agent_id", "touches.channel", "touches.at", "touches.exempt", "touches.cancelled", "decisions.action", "decisions.outcome"])
    .where("touches.hcp_id", "=", hcpId).orderBy("touches.at", "desc").limit(limit).execute();
  return rows.map((r) => ({ decisionId: r.decision_id, agentId: r.agent_id, action: r.action, channel: r.channel, at: r.at, outcome: r.outcome, exempt: r.exempt === 1, cancelled: r.cancelled === 1 }));
}

/** Newest event per source and how old it is now. */
export async function hcpDataFreshness(db: Db, hcpId: string, now: Date) {
  const rows = await db.selectFrom("events").select(["source", (eb) => eb.fn.max("occurred_at").as("newest")]).where("hcp_id", "=", hcpId).groupBy("source").execute();
  return rows.map((r) => ({ source: r.source, newestEventAt: r.newest, ageSeconds: Math.round((now.getTime() - Date.parse(String(r.newest))) / 1000) }));
}
