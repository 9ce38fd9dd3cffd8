// The agent portfolio: registry, keys, and the kill switch (pause / halt / resume, global halt).
import { z } from "zod";
import { write, type Context, type Write } from "../shared/context.ts";
import { ActionTypeSchema, MarketSchema, type ActionType, type Market } from "../shared/vocabulary.ts";
import { conflict, notFound, refused } from "../shared/errors.ts";
import { newId } from "../shared/ids.ts";
import { parseJson } from "../shared/json.ts";
import { hashToken, newToken } from "../auth/secrets.ts";
import type { AgentStatus, AgentView } from "../gate/snapshot.ts";
import type { Db, Tx } from "../store/db.ts";

export const NewAgentSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, "2-64 characters: lowercase letters, digits, dot, dash, underscore").optional(),
  name: z.string().min(1).max(200),
  owner: z.string().min(1).max(200),
  objective: z.string().min(1).max(2000),
  metric: z.string().min(1).max(200),
  actions: z.array(ActionTypeSchema).min(1),
  markets: z.array(MarketSchema).min(1),
  priority: z.number().int().min(0).max(100),
});
export type NewAgent = z.infer<typeof NewAgentSchema>;

export const StatusChangeSchema = z.strictObject({ reason: z.string().trim().min(3, "say why, in at least 3 characters").max(2000) });

export interface Agent extends AgentView {
  objective: string;
  metric: string;
  statusChangedAt: string;
  createdAt: string;
}

type AgentRow = Awaited<ReturnType<typeof selectAgent>>;
const selectAgent = (db: Db | Tx, id: string) => db.selectFrom("agents").selectAll().where("id", "=", id).executeTakeFirst();

export function toAgent(row: NonNullable<AgentRow>): Agent {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    objective: row.objective,
    metric: row.metric,
    actions: parseJson<ActionType[]>(row.actions, []),
    markets: parseJson<Market[]>(row.markets, []),
    priority: row.priority,
    status: row.status as AgentStatus,
    statusReason: row.status_reason,
    statusChangedAt: row.status_changed_at,
    createdAt: row.created_at,
  };
}

export async function registerAgent(ctx: Context, actor: string, input: NewAgent): Promise<{ agent: Agent; apiKey: string }> {
  const apiKey = newToken("agent");
  return write(ctx, actor, async (w) => {
    const id = input.id ?? newId("agt");
    if (await selectAgent(w.trx, id)) throw conflict("AGENT_EXISTS", `an agent with id '${id}' already exists`);
    const at = w.now.toISOString();
    const row = {
      id, name: input.name, owner: input.owner, objective: input.objective, metric: input.metric,
      actions: JSON.stringify([...new Set(input.actions)]), markets: JSON.stringify([...new Set(input.markets)]),
      priority: input.priority, status: "active", status_reason: null, status_changed_at: at, created_at: at,
    };
    await w.trx.insertInto("agents").values(row).execute();
    await w.trx.insertInto("tokens").values({ hash: hashToken(apiKey), kind: "agent", subject_id: id, created_at: at, revoked_at: null }).execute();
    const agent = toAgent(row);
    w.audit("agent.registered", `agent:${id}`, { ...agent });
    return { agent, apiKey };
  });
}

export async function getAgent(db: Db, id: string): Promise<Agent> {
  const row = await selectAgent(db, id);
  if (!row) throw notFound("agent", id);
  return toAgent(row);
}

export async function listAgents(db: Db): Promise<Agent[]> {
  const rows = await db.selectFrom("agents").selectAll().orderBy("priority", "desc").orderBy("id").execute();
  return rows.map(toAgent);
}

export interface StatusChange {
  agent: Agent;
  outboxCancelled: number;
  reviewsCancelled: number;
}

export async function changeStatus(ctx: Context, actor: string, id: string, to: AgentStatus, reason: string): Promise<StatusChange> {
  return write(ctx, actor, (w) => setStatus(w, id, to, reason));
}

/** Halting everything: the global kill switch. Each agent's halt is audited on its own. */
export async function haltAll(ctx: Context, actor: string, reason: string): Promise<{ halted: number; outboxCancelled: number; reviewsCancelled: number }> {
  return write(ctx, actor, async (w) => {
    const ids = await w.trx.selectFrom("agents").select("id").where("status", "!=", "halted").execute();
    let outboxCancelled = 0;
    let reviewsCancelled = 0;
    for (const { id } of ids) {
      const r = await setStatus(w, id, "halted", reason);
      outboxCancelled += r.outboxCancelled;
      reviewsCancelled += r.reviewsCancelled;
    }
    w.audit("portfolio.halted", "portfolio", { reason, halted: ids.length, outboxCancelled, reviewsCancelled });
    return { halted: ids.length, outboxCancelled, reviewsCancelled };
  });
}

async function setStatus(w: Write, id: string, to: AgentStatus, reason: string): Promise<StatusChange> {
  const row = await selectAgent(w.trx, id);
  if (!row) throw notFound("agent", id);
  const from = row.status as AgentStatus;
  if (from === to) throw refused("AGENT_STATUS_UNCHANGED", `agent '${id}' is already ${to}`);
  const at = w.now.toISOString();
  await w.trx.updateTable("agents").set({ status: to, status_reason: reason, status_changed_at: at }).where("id", "=", id).execute();
  let outboxCancelled = 0;
  let reviewsCancelled = 0;
  if (to === "halted") ({ outboxCancelled, reviewsCancelled } = await cancelPendingWork(w, id, reason));
  w.audit(`agent.${to === "active" ? "resumed" : to}`, `agent:${id}`, { from, to, reason, outboxCancelled, reviewsCancelled });
  return { agent: toAgent({ ...row, status: to, status_reason: reason, status_changed_at: at }), outboxCancelled, reviewsCancelled };
}

/** A halted agent's undispatched actions never leave and its reviews close: nothing of it reaches an HCP. */
async function cancelPendingWork(w: Write, agentId: string, reason: string) {
  const closed = `agent halted: ${reason}`;
  const at = w.now.toISOString();
  const pendingOutbox = await w.trx.selectFrom("outbox").select(["id", "decision_id"]).where("agent_id", "=", agentId).where("status", "=", "pending").execute();
  if (pendingOutbox.length > 0) {
    await w.trx.updateTable("outbox").set({ status: "cancelled", closed_at: at, closed_reason: closed }).where("agent_id", "=", agentId).where("status", "=", "pending").execute();
    await w.trx.updateTable("touches").set({ cancelled: 1 }).where("decision_id", "in", pendingOutbox.map((o) => o.decision_id)).execute();
  }
  const openReviews = await w.trx.selectFrom("reviews").select(["id", "decision_id"]).where("agent_id", "=", agentId).where("status", "=", "open").execute();
  if (openReviews.length > 0) {
    await w.trx.updateTable("reviews").set({ status: "cancelled", closed_at: at, reason: closed }).where("agent_id", "=", agentId).where("status", "=", "open").execute();
    await w.trx.updateTable("decisions").set({ outcome: "rejected", resolved_at: at }).where("id", "in", openReviews.map((r) => r.decision_id)).execute();
  }
  return { outboxCancelled: pendingOutbox.length, reviewsCancelled: openReviews.length };
}
