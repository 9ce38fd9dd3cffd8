// The decisions feed: every decision once, in the order the decisions committed.
//
// Why the audit record's seq is the cursor: a decision's `decision.made` record is appended by
// `appendAudit` as the very last step of the deciding transaction, with the chain head row locked
// (`for update` on PostgreSQL; SQLite has one writer at a time). The lock is held until commit, so the
// transaction that takes seq N commits before any other can even read the head to take N+1. Seq order is
// therefore commit order, and a reader that has seen seq N will never later see a smaller seq appear.
// `decided_at` has no such property: two writers stamp their clocks, then commit in either order, so a
// poller paging by time would skip the decision that committed second with the earlier stamp.
import { sql } from "kysely";
import type { Db } from "../store/db.ts";
import { outcomesByDecision } from "../data/outcomes.ts";
import { toView } from "./service.ts";
import { carriesReason } from "./reason-filter.ts";

export interface FeedFilters {
  agentId?: string;
  hcpId?: string;
  outcome?: string;
  /** A reason code the decision must carry. */
  reason?: string;
  since?: string;
  limit: number;
}

const SUBJECT_PREFIX = "decision:";

/** `after`: the previous page's `nextCursor` (a commit sequence); 0 starts at the first decision ever made. */
export async function decisionFeed(db: Db, after: number, q: FeedFilters) {
  let query = db.selectFrom("audit_records as a")
    .innerJoin("decisions as d", (j) => j.on("d.id", "=", sql<string>`substr(a.subject, ${sql.lit(SUBJECT_PREFIX.length + 1)})`))
    .selectAll("d").select("a.seq as commit_seq")
    .where("a.seq", ">", after).where("a.type", "=", "decision.made");
  if (q.agentId) query = query.where("d.agent_id", "=", q.agentId);
  if (q.hcpId) query = query.where("d.hcp_id", "=", q.hcpId);
  if (q.outcome) query = query.where("d.outcome", "=", q.outcome);
  if (q.since) query = query.where("d.decided_at", ">=", new Date(q.since).toISOString());
  if (q.reason) query = query.where(carriesReason("d.reasons", q.reason));
  const rows = await query.orderBy("a.seq").limit(q.limit).execute();
  const outcomes = await outcomesByDecision(db, rows.map((r) => r.id));
  const decisions = rows.map(({ commit_seq: _, ...r }) => ({ ...toView(r), outcomes: outcomes.get(r.id) ?? [] }));
  // An empty page keeps the cursor where it was: the next poll asks again from the same place.
  const last = rows.at(-1);
  return { decisions, nextCursor: String(last ? Number(last.commit_seq) : after) };
}
