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
import { lockAgentExclusive, lockPortfolio } from "./locks.ts";

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
  thresholds: Readonly<Record<string, number>>;
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
    thresholds: parseJson<Record<string, number>>(row.thresholds, {}),
  };
}

/** While a global halt stands, an agent registered meanwhile starts halted and resumes with the others. */
export async function registerAgent(ctx: Context, actor: string, input: NewAgent): Promise<{ agent: Agent; apiKey: string }> {
  const apiKey = newToken("agent");
  return write(ctx, actor, async (w) => {
    await lockPortfolio(ctx.store, w.trx);
    const id = input.id ?? newId("agt");
    if (await selectAgent(w.trx, id)) throw conflict("AGENT_EXISTS", `an agent with id '${id}' already exists`);
    const at = w.now.toISOString();
    const halt = await standingHalt(w.trx);
    const row = {
      id, name: input.name, owner: input.owner, objective: input.objective, metric: input.metric,
      actions: JSON.stringify([...new Set(input.actions)]), markets: JSON.stringify([...new Set(input.markets)]),
      priority: input.priority, status: halt ? "halted" : "active", status_reason: halt ? `portfolio halt: ${halt.reason}` : null, status_changed_at: at, created_at: at, thresholds: "{}",
    };
    await w.trx.insertInto("agents").values(row).execute();
    if (halt) await w.trx.insertInto("portfolio_halt_agents").values({ halt_id: halt.id, agent_id: id, previous_status: "active" }).execute();
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

/** The owner's (or an admin's) values for the bundle's tunables, merged over the agent's earlier ones; audited. */
export async function setThresholds(ctx: Context, actor: string, id: string, values: Readonly<Record<string, number>>): Promise<Agent> {
  return write(ctx, actor, async (w) => {
    const row = await selectAgent(w.trx, id);
    if (!row) throw notFound("agent", id);
    const thresholds = JSON.stringify({ ...parseJson<Record<string, number>>(row.thresholds, {}), ...values });
    await w.trx.updateTable("agents").set({ thresholds }).where("id", "=", id).execute();
    const agent = toAgent({ ...row, thresholds });
    w.audit("agent.thresholds_set", `agent:${id}`, { set: values, thresholds: agent.thresholds });
    return agent;
  });
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

/** One agent's own change. It takes the agent out of a standing global halt: its status is its own from now on. */
export async function changeStatus(ctx: Context, actor: string, id: string, to: AgentStatus, reason: string): Promise<StatusChange> {
  return write(ctx, actor, async (w) => {
    const change = await setStatus(ctx, w, id, to, reason);
    // A resume closes the agent's monitor trips: from now on a monitor may trip (and pause) it again.
    if (to === "active") await w.trx.updateTable("monitor_trips").set({ resolved_at: w.now.toISOString() }).where("agent_id", "=", id).where("resolved_at", "is", null).execute();
    const halt = await standingHalt(w.trx);
    if (halt) await w.trx.deleteFrom("portfolio_halt_agents").where("halt_id", "=", halt.id).where("agent_id", "=", id).execute();
    return change;
  });
}

const standingHalt = (trx: Tx) => trx.selectFrom("portfolio_halts").selectAll().where("ended_at", "is", null).orderBy("started_at", "desc").executeTakeFirst();

export interface PortfolioHalt {
  id: string;
  reason: string;
  startedAt: string;
  startedBy: string;
}

/** The global halt that stands, if any. */
export async function currentHalt(db: Db | Tx): Promise<PortfolioHalt | null> {
  const row = await (db as Tx).selectFrom("portfolio_halts").selectAll().where("ended_at", "is", null).orderBy("started_at", "desc").executeTakeFirst();
  return row ? { id: row.id, reason: row.reason, startedAt: row.started_at, startedBy: row.started_by } : null;
}

/**
 * Halting everything: the global kill switch. Each agent's halt is audited on its own, and remembered
 * with its status before, so `resumeAll` restores exactly the agents this halt stopped. It stands until
 * `resumeAll`: agents registered meanwhile start halted. Halting again while it stands adds to it.
 */
export async function haltAll(ctx: Context, actor: string, reason: string): Promise<{ halted: number; outboxCancelled: number; reviewsCancelled: number; haltId: string }> {
  return write(ctx, actor, async (w) => {
    await lockPortfolio(ctx.store, w.trx);
    let halt = await standingHalt(w.trx);
    if (!halt) {
      halt = { id: newId("hlt"), reason, started_at: w.now.toISOString(), started_by: actor, ended_at: null, ended_by: null, end_reason: null };
      await w.trx.insertInto("portfolio_halts").values(halt).execute();
    }
    const agents = await w.trx.selectFrom("agents").select(["id", "status"]).where("status", "!=", "halted").orderBy("id").execute();
    let outboxCancelled = 0;
    let reviewsCancelled = 0;
    for (const { id, status } of agents) {
      const r = await setStatus(ctx, w, id, "halted", reason);
      await w.trx.insertInto("portfolio_halt_agents").values({ halt_id: halt.id, agent_id: id, previous_status: status }).execute();
      outboxCancelled += r.outboxCancelled;
      reviewsCancelled += r.reviewsCancelled;
    }
    w.audit("portfolio.halted", "portfolio", { haltId: halt.id, reason, halted: agents.length, outboxCancelled, reviewsCancelled });
    return { halted: agents.length, outboxCancelled, reviewsCancelled, haltId: halt.id };
  });
}

/**
 * Ends the standing global halt and gives back the agents it stopped their status before it (an agent
 * halted on its own, before or during the halt, stays halted: its reason is its own).
 */
export async function resumeAll(ctx: Context, actor: string, reason: string): Promise<{ resumed: string[]; haltId: string }> {
  return write(ctx, actor, async (w) => {
    await lockPortfolio(ctx.store, w.trx);
    const halt = await standingHalt(w.trx);
    if (!halt) throw refused("PORTFOLIO_NOT_HALTED", "no global halt stands");
    const stopped = await w.trx.selectFrom("portfolio_halt_agents").innerJoin("agents", "agents.id", "portfolio_halt_agents.agent_id")
      .select(["agents.id", "agents.status", "portfolio_halt_agents.previous_status"])
      .where("portfolio_halt_agents.halt_id", "=", halt.id).orderBy("agents.id").execute();
    const resumed: string[] = [];
    for (const a of stopped) {
      if (a.status !== "halted") continue;
      await setStatus(ctx, w, a.id, a.previous_status as AgentStatus, `portfolio resumed: ${reason}`);
      resumed.push(a.id);
    }
    await w.trx.updateTable("portfolio_halts").set({ ended_at: w.now.toISOString(), ended_by: actor, end_reason: reason }).where("id", "=", halt.id).execute();
    w.audit("portfolio.resumed", "portfolio", { haltId: halt.id, reason, resumed });
    return { resumed, haltId: halt.id };
  });
}

/** Inside a caller's unit of work (a monitor's trip pauses the agent in the same transaction that records it). */
export async function pauseAgentIn(ctx: Context, w: Write, id: string, reason: string): Promise<StatusChange> {
  return setStatus(ctx, w, id, "paused", reason);
}

async function setStatus(ctx: Context, w: Write, id: string, to: AgentStatus, reason: string): Promise<StatusChange> {
  // Waits for the agent's proposals in flight: each is then either before this change or sees it.
  await lockAgentExclusive(ctx.store, w.trx, id);
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
