// The living demo (`steward serve --demo`): the three reference agents run in this process against the
// server's own URL with their demo keys, and the event generator plays the market — HCP events in,
// outcomes of what was sent — so decisions flow, reviews wait in their queues and metrics move within
// seconds. Everything goes through the public API, as an outsider's agents and data feeds would: the
// agents with their agent keys (SDK), the generator with the MOps user's token (`POST /v1/events`,
// `GET /v1/outbox`, `GET /v1/hcps/{id}`).
//
// State lives under `<data>/agents/`: each agent's JSON file (as `steward agents run` keeps it), the
// generator's (so a restart continues the same stream with new event ids), and `demo.log`.
import { appendFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { StewardClient, StewardError, type HcpEvent, type OutboxItemView } from "../../packages/sdk/src/index.ts";
import type { EventPage, EventSource } from "../reference-agents/kit/event-source.ts";
import { StateFile } from "../reference-agents/kit/state-file.ts";
import { REFERENCE_AGENTS, type ReferenceAgentName, type RunnableAgent } from "../reference-agents/index.ts";
import type { Running } from "../server/start.ts";
import type { DemoCredentials } from "./seed.ts";
import { EventGenerator, demoHcpIds, preferenceOf, type GeneratorHcp, type GeneratorState, type PlannedEvent, type SentAction } from "./event-generator.ts";

/** Which reference agent plays which demo agent. */
export const DEMO_AGENT_ROLES: Readonly<Record<string, ReferenceAgentName>> = { "nba-email": "nba", "mi-triage": "mi-triage", "field-prep": "field-prep" };

export const DEFAULT_SEED = 0x5eed_0004;
export const DEFAULT_EVENTS_PER_MINUTE = 30;

export interface LivingDemoOptions {
  /** The Steward server, e.g. http://127.0.0.1:4000 (the agents and the generator call it over HTTP). */
  url: string;
  /** The data directory; the agents' and the generator's state go under `<data>/agents/`. */
  dataDir: string;
  credentials: DemoCredentials;
  seed?: number;
  /** HCP events per minute (default 30). */
  eventsPerMinute?: number;
  /** Milliseconds between generator steps (default 1000). */
  tickMs?: number;
  /** Milliseconds between agent rounds (default 1000). */
  agentIntervalMs?: number;
  /** Multiplies every outcome delay (default 1: seconds to minutes after sending). */
  outcomeDelayScale?: number;
  /** Events on the generator's very first step (default 12). */
  warmup?: number;
  /** The clock (default the system's); give the server the same one. */
  now?: () => Date;
  /** Where progress lines go (default: appended to `<data>/agents/demo.log`). */
  log?: (line: string) => void;
  /** The HCPs to draw from (default: read over the API for the demo market's ids). */
  hcps?: GeneratorHcp[];
}

export interface LivingStats {
  hcpEvents: number;
  outcomeEvents: Record<string, number>;
  /** Events Steward refused (each one is logged). */
  rejected: number;
  /** Sent actions whose outcomes are planned. */
  actionsFollowed: number;
  failedRounds: number;
  lastError: string | null;
}

export interface LivingDemo {
  readonly agents: readonly { id: string; name: ReferenceAgentName; statePath: string }[];
  readonly stats: LivingStats;
  readonly eventsPerMinute: number;
  readonly stateDir: string;
  readonly logFile: string | null;
  /** True until `close()` has stopped every loop. */
  readonly running: boolean;
  /** One generator round now (the loop does them by itself; for tests and tools). */
  step(): Promise<void>;
  /** Stops the agents and the generator after their current round and saves their state. Idempotent. */
  close(): Promise<void>;
}

/** Options from the environment: STEWARD_DEMO_EVENTS_PER_MINUTE, STEWARD_DEMO_SEED. Throws on a bad value. */
export function livingOptionsFromEnv(env: Record<string, string | undefined>): Pick<LivingDemoOptions, "eventsPerMinute" | "seed"> {
  const out: Pick<LivingDemoOptions, "eventsPerMinute" | "seed"> = {};
  const rate = env.STEWARD_DEMO_EVENTS_PER_MINUTE?.trim();
  if (rate) {
    const n = Number(rate);
    if (!Number.isFinite(n) || n < 0 || n > 6000) throw new Error(`STEWARD_DEMO_EVENTS_PER_MINUTE must be a number from 0 to 6000, got '${rate}'`);
    out.eventsPerMinute = n;
  }
  const seed = env.STEWARD_DEMO_SEED?.trim();
  if (seed) {
    const n = Number(seed);
    if (!Number.isInteger(n)) throw new Error(`STEWARD_DEMO_SEED must be an integer, got '${seed}'`);
    out.seed = n;
  }
  return out;
}

/** The server and the living demo as one: `close()` stops the demo first, then the server. */
export function withLivingDemo(running: Running, living: LivingDemo): Running & { living: LivingDemo } {
  return {
    ...running,
    living,
    async close() {
      await living.close();
      await running.close();
    },
  };
}

/**
 * The generator's events for the agents. The position is `epoch:seq` of the last event read, so an
 * agent that restarts with the generator resumes exactly after it, and one whose position names another
 * stream (the generator's state was reset) starts from what is buffered.
 */
export class LiveEventSource implements EventSource {
  private readonly buffer: { seq: number; event: HcpEvent }[] = [];
  constructor(readonly epoch: string, private readonly capacity = 20_000) {}

  push(seq: number, event: HcpEvent): void {
    this.buffer.push({ seq, event });
    if (this.buffer.length > this.capacity) this.buffer.splice(0, this.buffer.length - this.capacity);
  }

  async read(position: string | null, max: number): Promise<EventPage> {
    const [epoch, at] = position?.split(":") ?? [];
    const after = epoch === this.epoch && at !== undefined && Number.isFinite(Number(at)) ? Number(at) : -1;
    // The buffer is in seq order: find the first event after the position.
    let lo = 0;
    let hi = this.buffer.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.buffer[mid]!.seq <= after) lo = mid + 1;
      else hi = mid;
    }
    const page = this.buffer.slice(lo, lo + max);
    const last = page.length > 0 ? page[page.length - 1]!.seq : Math.max(after, 0);
    return { events: page.map((p) => p.event), position: `${this.epoch}:${last}` };
  }
}

const seqOf = (id: string) => Number(id.slice(id.lastIndexOf("-") + 1));

export async function startLivingDemo(options: LivingDemoOptions): Promise<LivingDemo> {
  const now = options.now ?? (() => new Date());
  const stateDir = join(resolve(options.dataDir), "agents");
  mkdirSync(stateDir, { recursive: true });
  const logFile = options.log ? null : join(stateDir, "demo.log");
  const log = options.log ?? ((line: string) => appendFileSync(logFile!, `${now().toISOString()} ${line}\n`));
  const seed = options.seed ?? DEFAULT_SEED;
  const eventsPerMinute = options.eventsPerMinute ?? DEFAULT_EVENTS_PER_MINUTE;
  const tickMs = options.tickMs ?? 1000;

  const mopsUser = options.credentials.users.find((u) => u.roles.includes("mops"));
  if (!mopsUser) throw new Error("the demo credentials name no MOps user: the event generator has no way in");
  const mops = new StewardClient({ url: options.url, token: mopsUser.token, retry: { retries: 2 } });

  const hcps = options.hcps ?? (await readDemoHcps(mops, seed));
  const stateFile = new StateFile<GeneratorState | null>(join(stateDir, "generator.json"));
  const saved = stateFile.load(() => null);
  const generator = new EventGenerator(
    { seed, hcps, eventsPerMinute, ...(options.outcomeDelayScale !== undefined ? { outcomeDelayScale: options.outcomeDelayScale } : {}), ...(options.warmup !== undefined ? { warmup: options.warmup } : {}) },
    saved, now(),
  );
  const source = new LiveEventSource(generator.state.epoch);
  const stats: LivingStats = { hcpEvents: 0, outcomeEvents: {}, rejected: 0, actionsFollowed: 0, failedRounds: 0, lastError: null };

  // --- the agents -------------------------------------------------------------------------------------
  const stop = new AbortController();
  const agents: { id: string; name: ReferenceAgentName; statePath: string }[] = [];
  const loops: Promise<void>[] = [];
  for (const a of options.credentials.agents) {
    const name = DEMO_AGENT_ROLES[a.id];
    if (!name) continue;
    const statePath = join(stateDir, `${name}.${a.id}.json`);
    const client = new StewardClient({ url: options.url, token: a.apiKey, retry: { retries: 2 } });
    const agent = REFERENCE_AGENTS[name]({ client, events: source, statePath, now, log });
    agents.push({ id: a.id, name, statePath });
    loops.push(agentLoop(agent, options.agentIntervalMs ?? 1000, stop.signal, log));
  }

  // --- the generator ----------------------------------------------------------------------------------
  let unsent: HcpEvent[] = []; // generated, not yet accepted by Steward (the server was busy or down)
  const due: PlannedEvent[] = []; // outcomes waiting for their moment, by dueAt
  const followed = new Set<string>(); // outbox items whose outcomes are planned
  const watched = new Map<string, number>(); // outbox items waiting to be sent (scheduled) → when they may leave
  let rounds = 0;

  const follow = (item: Pick<OutboxItemView, "id" | "decisionId" | "hcpId" | "action" | "channel" | "sentAt">) => {
    if (followed.has(item.id) || !item.sentAt) return;
    followed.add(item.id);
    watched.delete(item.id);
    const sent: SentAction = { decisionId: item.decisionId, hcpId: item.hcpId, action: item.action, channel: item.channel, sentAt: item.sentAt };
    const planned = generator.outcomes(sent);
    if (planned.length > 0) stats.actionsFollowed++;
    for (const p of planned) {
      const at = due.findIndex((d) => d.dueAt > p.dueAt);
      due.splice(at < 0 ? due.length : at, 0, p);
    }
  };

  const ingest = async (events: HcpEvent[]): Promise<HcpEvent[]> => {
    const accepted: HcpEvent[] = [];
    for (let i = 0; i < events.length; i += 1000) {
      const chunk = events.slice(i, i + 1000);
      const result = await mops.ingestEvents(chunk);
      const bad = new Set(result.rejected.map((r) => r.index));
      for (const r of result.rejected) log(`generator: Steward refused event ${chunk[r.index]?.id} (${chunk[r.index]?.type}): ${r.error}`);
      stats.rejected += bad.size;
      chunk.forEach((e, k) => {
        if (!bad.has(k)) accepted.push(e);
      });
    }
    return accepted;
  };

  const step = async () => {
    rounds++;
    // 1. The market: new HCP events, into Steward first (so agents can cite them), then to the agents.
    const fresh = generator.step(now());
    stateFile.save(generator.state);
    unsent.push(...fresh);
    if (unsent.length > 10_000) unsent = unsent.slice(-10_000);
    if (unsent.length > 0) {
      const batch = unsent;
      const accepted = await ingest(batch);
      unsent = [];
      for (const e of accepted) source.push(seqOf(e.id), e);
      stats.hcpEvents += accepted.length;
    }
    // 2. What was sent: follow each sent action once; watch scheduled ones until they go.
    const sent = await mops.listOutbox({ status: "sent", limit: 200 });
    for (const item of sent.reverse()) follow(item);
    if (rounds % 5 === 1) {
      const pending = await mops.listOutbox({ status: "pending", limit: 1000 });
      for (const item of pending) if (!followed.has(item.id)) watched.set(item.id, Date.parse(item.availableAt));
    }
    const nowMs = now().getTime();
    let checked = 0;
    for (const [id, availableAt] of watched) {
      if (availableAt > nowMs - 1000) continue;
      if (++checked > 50) break;
      const { item } = await mops.getOutboxItem(id);
      if (item.status === "sent") follow(item);
      else if (item.status === "cancelled" || item.status === "dead") watched.delete(id);
    }
    if (followed.size > 50_000) {
      const keep = [...followed].slice(-10_000);
      followed.clear();
      for (const id of keep) followed.add(id);
    }
    // 3. Outcomes whose moment has come.
    let n = 0;
    while (n < due.length && due[n]!.dueAt <= nowMs) n++;
    if (n > 0) {
      const ready = due.slice(0, n);
      const accepted = await ingest(ready.map((p) => p.event));
      due.splice(0, n);
      for (const e of accepted) stats.outcomeEvents[e.type] = (stats.outcomeEvents[e.type] ?? 0) + 1;
    }
  };

  const generatorLoop = (async () => {
    while (!stop.signal.aborted) {
      try {
        await step();
      } catch (error) {
        stats.failedRounds++;
        stats.lastError = describe(error);
        log(`generator: round failed, will retry: ${stats.lastError}`);
      }
      await sleep(tickMs, stop.signal);
    }
  })();
  loops.push(generatorLoop);

  let running = true;
  let closing: Promise<void> | null = null;
  log(`living demo: ${agents.map((a) => `${a.id} (${a.name})`).join(", ")} and the event generator (${eventsPerMinute} events/min, ${hcps.length} HCPs, seed ${seed}) against ${options.url}`);
  return {
    agents, stats, eventsPerMinute, stateDir, logFile,
    get running() {
      return running;
    },
    step,
    close() {
      closing ??= (async () => {
        stop.abort();
        await Promise.allSettled(loops);
        stateFile.save(generator.state);
        running = false;
        log(`living demo stopped: ${stats.hcpEvents} HCP events, ${Object.values(stats.outcomeEvents).reduce((s, n) => s + n, 0)} outcomes ingested`);
      })();
      return closing;
    },
  };
}

/** The demo market's HCPs as the generator needs them, read over the API with a person's token. */
export async function readDemoHcps(client: StewardClient, seed: number): Promise<GeneratorHcp[]> {
  const ids = demoHcpIds();
  const out: (GeneratorHcp | null)[] = new Array(ids.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      try {
        const profile = await client.getHcp(ids[i]!);
        const emailOptedOut = profile.consents.some((c) => c.channel === "email" && c.purpose === "promotional" && c.status === "revoked");
        out[i] = { id: profile.hcp.id, market: profile.hcp.market, segment: profile.hcp.segment ?? "medium-potential", preference: preferenceOf(seed, profile.hcp.id, profile.hcp.market, emailOptedOut) };
      } catch (error) {
        if (!(error instanceof StewardError && error.status === 404)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const hcps = out.filter((h): h is GeneratorHcp => h !== null);
  if (hcps.length === 0) throw new Error("none of the demo market's HCPs exists on this server: was it seeded with `steward serve --demo`?");
  return hcps;
}

/**
 * Rounds of one agent until `signal` aborts; a failed round is logged and retried. (Like `runAgent`, but
 * its pause leaves no listener on the shared signal behind, and only rounds that decided or learned
 * something are logged.)
 */
async function agentLoop(agent: RunnableAgent, intervalMs: number, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  while (!signal.aborted) {
    try {
      const r = await agent.tick();
      if (r.decisions.length || r.outcomes || r.changed) {
        const mix = r.decisions.reduce<Record<string, number>>((m, d) => ({ ...m, [d.outcome]: (m[d.outcome] ?? 0) + 1 }), {});
        log(`${agent.name}: ${r.events} events, ${r.decisions.length} proposals ${JSON.stringify(mix)}, ${r.outcomes} outcomes, ${r.changed} changed`);
      }
    } catch (error) {
      log(`${agent.name}: round failed, will retry: ${describe(error)}`);
    }
    await sleep(intervalMs, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) return done();
    const t = setTimeout(finish, ms);
    function finish() {
      clearTimeout(t);
      signal.removeEventListener("abort", finish);
      done();
    }
    signal.addEventListener("abort", finish, { once: true });
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
