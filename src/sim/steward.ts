// The simulator's Steward side: real stores on temporary SQLite files, driven in-process through the
// decision service, the event ingestion, the review queue, the content services and the outbox
// dispatcher. The market is seeded once (through the registry and content services, so every record is
// validated and audited) and each arm's stores start from a copy of it.
//
// Two liberties, both for speed and both confined to these throwaway stores: SQLite writes them without
// fsync and keeps their rollback journal in memory instead of a write-ahead log (a crash or a power cut
// would lose a simulation, not a decision), and the simulated reviewers' passwords are stored at a token
// scrypt work factor, so a signature does not cost 50 ms of real CPU. The signature path itself —
// re-authentication, re-decision, audit — is the real one, and so is every transaction and rollback.
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes, scryptSync } from "node:crypto";
import { sql } from "kysely";
import type { Context } from "../shared/context.ts";
import type { ManualClock } from "../shared/clock.ts";
import type { Principal } from "../auth/principal.ts";
import { createUser } from "../auth/store.ts";
import { registerAgent } from "../agents/portfolio.ts";
import { putHcp, recordConsent } from "../hcps/registry.ts";
import { approveClaim, createClaim } from "../content/claims.ts";
import { approveAsset, createAsset } from "../content/assets.ts";
import { withdrawClaim } from "../content/withdrawal.ts";
import { openContext, EXAMPLE_BUNDLE_DIR } from "../server/context.ts";
import { Dispatcher } from "../dispatch/dispatcher.ts";
import { defaultDispatchConfig } from "../dispatch/config.ts";
import type { ChannelAdapter } from "../dispatch/adapters/adapter.ts";
import type { Outbound } from "../dispatch/outbound.ts";
import { PILOTS, ContentCatalog, type PilotId, type PilotSpec } from "./pilots.ts";
import type { SimHcp } from "./market.ts";
import type { SimParams } from "./params.ts";
import { SIM_MARKETS, TOPICS, assetFor, claimFor, topicInMarket, type SimMarket, type Topic } from "./content.ts";

export type Signer = Extract<Principal, { kind: "user" }>;
export const SIM_PASSWORD = "simulated-reviewer";
export const SIM_ACTOR = "system:simulator";

export interface SimStore {
  /** "steward" for the governed portfolio, the pilot's id for a silo. */
  name: string;
  dir: string;
  ctx: Context;
  dispatcher: Dispatcher;
  /** What the market adapter was handed since the harness last looked. */
  outbox: Outbound[];
  catalog: ContentCatalog;
  signers: { brand: Signer; medical: Signer };
}

const FILES = ["steward.db", "audit-head.json"];
/** Outbox items one dispatcher pass claims. */
export const DISPATCH_BATCH = 500;

/** Seeds the market every arm starts from into `dir`: people, the five pilots, HCPs and consents, content. */
export async function seedBase(params: SimParams, hcps: readonly SimHcp[], dir: string, clock: ManualClock): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const ctx = await openContext({ dataDir: dir, governanceDir: EXAMPLE_BUNDLE_DIR, clock, env: {} });
  try {
    await throwaway(ctx);
    const users: Record<string, Signer> = {};
    for (const [username, name, role] of [["sim-brand", "Simulated brand reviewer", "reviewer:brand"], ["sim-medical", "Simulated medical reviewer", "reviewer:medical"]] as const) {
      const { user } = await createUser(ctx, SIM_ACTOR, { username, name, roles: [role], password: SIM_PASSWORD });
      users[username] = { kind: "user", id: user.id, username: user.username, name: user.name, roles: user.roles };
      await ctx.store.db.updateTable("users").set({ password_hash: cheapHash(SIM_PASSWORD) }).where("id", "=", user.id).execute();
    }
    for (const p of PILOTS) {
      await registerAgent(ctx, SIM_ACTOR, { id: p.id, name: p.name, owner: p.owner, objective: p.objective, metric: p.metric, actions: p.actions, markets: [...SIM_MARKETS], priority: p.priority });
    }
    const startMs = clock.now().getTime();
    for (const h of hcps) {
      await putHcp(ctx, SIM_ACTOR, h.id, { name: `Dr. Simulated ${h.index + 1}`, specialty: "cardiology", market: h.market, timezone: h.timezone, segment: h.segment });
      for (const c of h.consents) {
        await recordConsent(ctx, SIM_ACTOR, h.id, c.channel, { purpose: c.purpose, status: c.status, source: "crm-master", capturedAt: new Date(startMs - c.daysAgo * 86_400_000).toISOString() });
      }
    }
    const mlr = users["sim-medical"]!;
    for (const market of SIM_MARKETS) {
      for (const topic of TOPICS) {
        if (!topicInMarket(topic, market)) continue;
        const claim = claimFor(topic, market);
        await createClaim(ctx, SIM_ACTOR, claim);
        await approveClaim(ctx, mlr, claim.id, { password: SIM_PASSWORD, meaning: "approved" });
        for (const channel of ["email", "web"] as const) {
          const asset = await createAsset(ctx, SIM_ACTOR, assetFor(topic, market, channel));
          if (params.content.approvedAtStart.includes(topic)) await approveAsset(ctx, mlr, asset.id, { password: SIM_PASSWORD, meaning: "approved" });
        }
      }
    }
  } finally {
    await ctx.anchor.close();
    await ctx.store.close();
  }
}

/**
 * A throwaway store: no fsync per commit, and one process owns it (exclusive lock). Its journal is in
 * memory: a commit writes each changed page once, where the write-ahead log writes it to the log and
 * again at the checkpoint (measured: half the system time, 3% faster). Savepoints and rollback work as
 * with any journal. A bigger page cache and memory-mapped reads were measured and made it slower.
 */
async function throwaway(ctx: Context): Promise<void> {
  await sql`pragma synchronous = OFF`.execute(ctx.store.db);
  await sql`pragma locking_mode = EXCLUSIVE`.execute(ctx.store.db);
  await sql`pragma journal_mode = MEMORY`.execute(ctx.store.db);
}

/** A password hash in the format the auth store verifies (scrypt$N$salt$key), at a token work factor. */
function cheapHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 2, r: 8, p: 1 });
  return `scrypt$2$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** The contact and authority rules a pilot runs under alone; markets and freshness are the company's. */
export function siloBundleFiles(pilot: PilotSpec): Record<string, string> {
  const caps = pilot.silo.caps.map((c) => `  - { ${c.channel === "all" ? "scope: all" : `channel: ${c.channel}`}, max: ${c.max}, per: ${c.perDays}d }`);
  const contact = [
    `# ${pilot.name}: its own contact rules, counting only its own touches.`,
    caps.length > 0 ? `caps:\n${caps.join("\n")}` : "caps: []",
    ...(pilot.silo.minGapHours > 0 ? [`minGap: ${pilot.silo.minGapHours}h`] : []),
    ...(pilot.silo.quietHours ? ['quietHours: { from: "20:00", to: "08:00" }'] : []),
    "exempt: { purposes: [medical, service] }",
    "arbitration: [priority, expectedValue]",
  ].join("\n");
  const authority = [
    `# ${pilot.name}: its owner lets it decide its own actions.`,
    `owner: "${pilot.owner} <owner@example.com>"`,
    "default: forbidden",
    "rules:",
    "  - id: own-actions",
    `    when: { action: [${pilot.actions.join(", ")}] }`,
    "    outcome: autonomous",
  ].join("\n");
  return {
    "authority.yaml": authority,
    "contact.yaml": contact,
    "markets.yaml": readFileSync(join(EXAMPLE_BUNDLE_DIR, "markets.yaml"), "utf8"),
    "freshness.yaml": readFileSync(join(EXAMPLE_BUNDLE_DIR, "freshness.yaml"), "utf8"),
  };
}

/** Scenario drift's monitors: the example's engagement-drop monitor alone (so no other monitor pauses a pilot), with its threshold and minEvents from the parameters. */
export function driftMonitorsFile(minEvents: number, relativeDrop: number): string {
  return [
    "# The simulator's drift scenario: the example bundle's engagement-drop monitor, alone.",
    "- id: engagement-drop",
    "  metric: engagement_rate",
    "  window: 7d",
    "  baseline: 28d",
    `  when: relative_drop > ${relativeDrop}`,
    `  minEvents: ${minEvents}`,
    "  action: pause",
    "  agents: all",
  ].join("\n");
}

/**
 * Opens one store of an arm: a copy of the seeded base under `dir`, with the bundle it decides under
 * (the company's example bundle, a pilot's own, or the example with some files replaced when `onExample`) and a dispatcher whose every channel is the market.
 */
export async function openSimStore(name: string, baseDir: string, dir: string, clock: ManualClock, bundle: Record<string, string> | null, approvedAtStart: readonly string[], onExample = false): Promise<SimStore> {
  mkdirSync(dir, { recursive: true });
  for (const f of FILES) if (existsSync(join(baseDir, f))) copyFileSync(join(baseDir, f), join(dir, f));
  let governanceDir = EXAMPLE_BUNDLE_DIR;
  if (bundle) {
    governanceDir = join(dir, "bundle");
    mkdirSync(governanceDir, { recursive: true });
    // `bundle` replaces files of the company's example bundle (its market overlays included).
    if (onExample) cpSync(EXAMPLE_BUNDLE_DIR, governanceDir, { recursive: true });
    for (const [file, text] of Object.entries(bundle)) writeFileSync(join(governanceDir, file), text);
  }
  const ctx = await openContext({ dataDir: dir, governanceDir, clock, env: {} });
  await throwaway(ctx);
  const users = await ctx.store.db.selectFrom("users").select(["id", "username", "name"]).where("username", "in", ["sim-brand", "sim-medical"]).execute();
  const signer = (username: string, role: "reviewer:brand" | "reviewer:medical"): Signer => {
    const u = users.find((x) => x.username === username);
    if (!u) throw new Error(`the simulator's base store has no user ${username}`);
    return { kind: "user", id: u.id, username: u.username, name: u.name, roles: [role] };
  };
  const outbox: Outbound[] = [];
  const market: ChannelAdapter = {
    name: "file",
    async deliver(item) {
      outbox.push(item);
      return { duplicate: false, detail: "delivered to the simulated market" };
    },
    async close() {},
  };
  const dispatcher = new Dispatcher(ctx, { ...defaultDispatchConfig(dir), batchSize: DISPATCH_BATCH, concurrency: 64 }, {
    adapters: { smtp: market, webhook: market, file: market }, worker: `sim:${name}`,
    onError: (error) => {
      throw error;
    },
  });
  const catalog = new ContentCatalog();
  for (const market of SIM_MARKETS) {
    for (const topic of TOPICS) {
      if (!topicInMarket(topic, market) || !approvedAtStart.includes(topic)) continue;
      for (const channel of ["email", "web"] as const) catalog.set(market, channel, topic, assetFor(topic, market, channel).id);
    }
  }
  return { name, dir, ctx, dispatcher, outbox, catalog, signers: { brand: signer("sim-brand", "reviewer:brand"), medical: signer("sim-medical", "reviewer:medical") } };
}

export async function closeSimStore(store: SimStore): Promise<void> {
  await store.dispatcher.stop();
  await store.ctx.anchor.close();
  await store.ctx.store.close();
}

/** MLR approves the assets of a topic drafted in the base (their claims were approved upfront). */
export async function approveTopic(store: SimStore, topic: Topic): Promise<void> {
  for (const market of SIM_MARKETS) {
    if (!topicInMarket(topic, market)) continue;
    for (const channel of ["email", "web"] as const) {
      const id = assetFor(topic, market, channel).id;
      await approveAsset(store.ctx, store.signers.medical, id, { password: SIM_PASSWORD, meaning: "approved" });
      store.catalog.set(market, channel, topic, id);
    }
  }
}

/** A safety update: the topic's claim is withdrawn in every language (the cascade blocks its assets and cancels what would send them). */
export async function withdrawTopic(store: SimStore, topic: Topic): Promise<number> {
  let cancelled = 0;
  for (const market of SIM_MARKETS) {
    if (!topicInMarket(topic, market)) continue;
    const w = await withdrawClaim(store.ctx, SIM_ACTOR, claimFor(topic, market).id, "safety update: revised data");
    cancelled += w.actionsCancelled;
  }
  // Only the withdrawn version leaves the library (a revision may already have reached it).
  for (const market of SIM_MARKETS) {
    for (const channel of ["email", "web"] as const) {
      if (store.catalog.get(market, channel, topic) === assetFor(topic, market, channel).id) store.catalog.set(market, channel, topic, null);
    }
  }
  return cancelled;
}

/** The revised claim and its assets, approved (MLR turnaround elapsed). */
export async function publishRevision(store: SimStore, topic: Topic, revision: number): Promise<void> {
  const done = new Set<string>();
  for (const market of SIM_MARKETS) {
    if (!topicInMarket(topic, market)) continue;
    const claim = claimFor(topic, market, revision);
    if (!done.has(claim.id)) {
      done.add(claim.id);
      await createClaim(store.ctx, SIM_ACTOR, claim);
      await approveClaim(store.ctx, store.signers.medical, claim.id, { password: SIM_PASSWORD, meaning: "approved" });
    }
    for (const channel of ["email", "web"] as const) {
      const asset = await createAsset(store.ctx, SIM_ACTOR, assetFor(topic, market, channel, revision));
      await approveAsset(store.ctx, store.signers.medical, asset.id, { password: SIM_PASSWORD, meaning: "approved" });
      store.catalog.set(market, channel, topic, asset.id);
    }
  }
}

export type { PilotId, SimMarket };
