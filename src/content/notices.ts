// Notices the content capability leaves for agents (a claim withdrawal cancelled their actions). Read-only.
import { z } from "zod";
import type { Db } from "../store/db.ts";
import { parseJson } from "../shared/json.ts";

export const NoticeQuerySchema = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export type NoticeQuery = z.infer<typeof NoticeQuerySchema>;

export interface ContentNotice {
  id: string;
  agentId: string;
  kind: string;
  claimId: string;
  createdAt: string;
  data: Record<string, unknown>;
}

export async function listNotices(db: Db, agentId: string, query: NoticeQuery): Promise<ContentNotice[]> {
  let q = db.selectFrom("content_notices").selectAll().where("agent_id", "=", agentId);
  if (query.since) q = q.where("created_at", ">", new Date(query.since).toISOString());
  const rows = await q.orderBy("created_at").orderBy("id").limit(query.limit ?? 100).execute();
  return rows.map((r) => ({ id: r.id, agentId: r.agent_id, kind: r.kind, claimId: r.claim_id, createdAt: r.created_at, data: parseJson(r.data, {}) }));
}
