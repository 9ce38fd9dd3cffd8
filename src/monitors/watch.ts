// Monitors that act: every monitor of the bundle, for every agent it watches, read from the store's
// figures and judged by the pure readMonitor(). A trip is recorded once per (monitor, agent, epoch) —
// the insert that wins decides who pauses the agent and sends the alert, so two processes over one
// PostgreSQL database act once. The loop runs in the server at most a minute apart, on ctx.clock.
import type { Context } from "../shared/context.ts";
import { write } from "../shared/context.ts";
import { monitorThresholdName, readMonitor, type Monitor, type MonitorState } from "../governance/monitors.ts";
import { parseJson } from "../shared/json.ts";
import { pauseAgentIn } from "../agents/portfolio.ts";
import { signBody, SIGNATURE_HEADER } from "../dispatch/signature.ts";
import { monitorFigures } from "./figures.ts";

export interface MonitorStatus {
  id: string;
  agentId: string;
  metric: string;
  value: number | null;
  baseline: number | null;
  threshold: number;
  state: MonitorState;
  /** When the open trip happened (tripped), absent otherwise. */
  since?: string;
  when: string;
  why: string;
}

export interface AlertTarget {
  url: string;
  secret: string;
}

/** STEWARD_ALERT_WEBHOOK_URL with STEWARD_ALERT_WEBHOOK_SECRET (else STEWARD_WEBHOOK_SECRET): alerts are always signed. */
export function alertTargetFromEnv(env: NodeJS.ProcessEnv): AlertTarget | null {
  const url = env.STEWARD_ALERT_WEBHOOK_URL?.trim();
  const secret = (env.STEWARD_ALERT_WEBHOOK_SECRET ?? env.STEWARD_WEBHOOK_SECRET)?.trim();
  return url && secret ? { url, secret } : null;
}

/** The threshold for this agent: its owner's (within the monitor's bounds) or the bundle's. */
function thresholdFor(monitor: Monitor, own: Readonly<Record<string, number>>): number {
  const set = own[monitorThresholdName(monitor.id)];
  if (monitor.bounds === null || typeof set !== "number") return monitor.threshold;
  return Math.min(monitor.bounds.max, Math.max(monitor.bounds.min, set));
}

interface Watched {
  monitor: Monitor;
  agent: { id: string; status: string; thresholds: Record<string, number> };
  threshold: number;
  status: MonitorStatus;
  epoch: number;
}

/** Every monitor's state for every agent it watches (or for one agent), without acting. */
async function watch(ctx: Context, agentId?: string): Promise<Watched[]> {
  const monitors = ctx.governance.current().monitors ?? [];
  if (monitors.length === 0) return [];
  const db = ctx.store.db;
  const now = ctx.clock.now();
  let q = db.selectFrom("agents").select(["id", "status", "thresholds"]).orderBy("id");
  if (agentId !== undefined) q = q.where("id", "=", agentId);
  const agents = (await q.execute()).map((a) => ({ id: a.id, status: a.status, thresholds: parseJson<Record<string, number>>(a.thresholds, {}) }));
  const trips = await db.selectFrom("monitor_trips").selectAll().$if(agentId !== undefined, (qb) => qb.where("agent_id", "=", agentId!)).execute();
  const out: Watched[] = [];
  for (const monitor of monitors) {
    for (const agent of agents) {
      if (monitor.agents !== null && !monitor.agents.includes(agent.id)) continue;
      const mine = trips.filter((t) => t.monitor_id === monitor.id && t.agent_id === agent.id);
      const open = mine.find((t) => t.resolved_at === null);
      const resolved = mine.filter((t) => t.resolved_at !== null);
      const lastResume = resolved.reduce<string | null>((a, t) => (a === null || t.resolved_at! > a ? t.resolved_at : a), null);
      const threshold = thresholdFor(monitor, agent.thresholds);
      const figures = await monitorFigures(db, monitor, agent.id, now, lastResume ? new Date(lastResume) : null);
      const reading = readMonitor(monitor, threshold, figures);
      const status: MonitorStatus = {
        id: monitor.id, agentId: agent.id, metric: monitor.metric, value: figures.value, baseline: figures.baseline, threshold,
        state: open ? "tripped" : reading.state, when: monitor.when, why: open ? `tripped at ${open.tripped_at}: value ${open.value}, baseline ${open.baseline}, threshold ${open.threshold}` : reading.why,
        ...(open ? { since: open.tripped_at } : {}),
      };
      out.push({ monitor, agent, threshold, status, epoch: resolved.length });
    }
  }
  return out;
}

export async function readMonitors(ctx: Context, agentId?: string): Promise<MonitorStatus[]> {
  return (await watch(ctx, agentId)).map((w) => w.status);
}

/**
 * One evaluation: each newly tripped monitor is recorded, audited, pauses its agent when its action is
 * `pause`, and is sent to the alert webhook — by whichever process inserted the trip's row.
 */
export async function evaluateMonitors(ctx: Context, alert: AlertTarget | null, log: (message: string) => void = () => {}): Promise<MonitorStatus[]> {
  const acted: MonitorStatus[] = [];
  for (const w of await watch(ctx)) {
    if (w.status.state !== "tripped" || w.status.since !== undefined) continue;
    const { monitor, agent, status } = w;
    const reason = `monitor ${monitor.id}: ${monitor.metric} ${status.why} (${monitor.when})`;
    const won = await write(ctx, "system:monitors", async (u) => {
      const inserted = await u.trx
        .insertInto("monitor_trips")
        .values({ monitor_id: monitor.id, agent_id: agent.id, epoch: w.epoch, tripped_at: u.now.toISOString(), metric: monitor.metric, value: status.value ?? 0, baseline: status.baseline, threshold: w.threshold, action: monitor.action, resolved_at: null })
        .onConflict((oc) => oc.columns(["monitor_id", "agent_id", "epoch"]).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      u.audit("monitor.tripped", `agent:${agent.id}`, { monitor: monitor.id, metric: monitor.metric, value: status.value, baseline: status.baseline, threshold: w.threshold, action: monitor.action });
      if (monitor.action === "pause") {
        const current = await u.trx.selectFrom("agents").select("status").where("id", "=", agent.id).executeTakeFirst();
        if (current?.status === "active") await pauseAgentIn(ctx, u, agent.id, reason);
      }
      return true;
    });
    if (!won) continue;
    const trip = { ...status, since: ctx.clock.now().toISOString() };
    acted.push(trip);
    if (alert) await sendAlert(alert, { type: "monitor.tripped", action: monitor.action, reason, ...trip }, log);
  }
  return acted;
}

async function sendAlert(target: AlertTarget, payload: unknown, log: (message: string) => void): Promise<void> {
  const body = JSON.stringify(payload);
  try {
    const res = await fetch(target.url, { method: "POST", headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signBody(target.secret, body) }, body, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) log(`monitor alert to ${target.url} answered ${res.status}`);
  } catch (error) {
    log(`monitor alert to ${target.url} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface MonitorWatch {
  /** One evaluation now (what the timer does); tests drive it after moving ctx.clock. */
  evaluateNow(): Promise<MonitorStatus[]>;
  stop(): Promise<void>;
}

/** At most a minute apart; evaluations never overlap within a process. */
export function startMonitorWatch(ctx: Context, options: { intervalMs?: number; alert?: AlertTarget | null; log?: (message: string) => void } = {}): MonitorWatch {
  const intervalMs = Math.min(options.intervalMs ?? 60_000, 60_000);
  let running: Promise<MonitorStatus[]> | null = null;
  const evaluateNow = async () => {
    while (running) await running.catch(() => undefined);
    running = evaluateMonitors(ctx, options.alert ?? null, options.log);
    try {
      return await running;
    } finally {
      running = null;
    }
  };
  const timer = setInterval(() => {
    evaluateNow().catch((error) => options.log?.(`monitor evaluation failed: ${error instanceof Error ? error.message : String(error)}`));
  }, intervalMs);
  timer.unref();
  return {
    evaluateNow,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
