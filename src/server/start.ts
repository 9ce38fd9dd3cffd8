// Starting Steward: open the store, settle the governance bundle, bootstrap the admin, listen.
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { openStore } from "../store/db.ts";
import { systemClock, type Clock } from "../shared/clock.ts";
import { write, type Context } from "../shared/context.ts";
import { fileAnchor, noAnchor } from "../audit/anchor.ts";
import { ActiveGovernance, storedActiveBundle } from "../governance/active.ts";
import { loadBundleDir } from "../governance/load.ts";
import { ensureAdmin } from "../auth/store.ts";
import { buildApp } from "./app.ts";
import { streamConfigFromEnv, type StreamConfig } from "../data/stream-config.ts";
import type { EventStream } from "../data/stream.ts";
import { startDispatcher, type Dispatcher } from "../dispatch/dispatcher.ts";
import type { DispatchConfig } from "../dispatch/config.ts";

export const EXAMPLE_BUNDLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../governance");

export interface StartOptions {
  dataDir?: string;
  databaseUrl?: string;
  /** An explicit bundle directory is activated at start; without one the stored bundle stays active. */
  governanceDir?: string;
  port?: number;
  host?: string;
  adminToken?: string;
  adminPassword?: string;
  clock?: Clock;
  logger?: boolean;
  bodyLimit?: number;
  /** Server mode's event stream (NATS JetStream): undefined reads STEWARD_NATS_URL, null turns it off. */
  eventStream?: StreamConfig | null;
  /** The in-process outbox dispatcher; absent or null runs none here (`steward serve` passes the environment's). */
  dispatch?: DispatchConfig | null;
}

export interface Running {
  /** The NATS JetStream consumer, in server mode when configured. */
  eventStream?: EventStream | null;
  /** The outbox dispatcher running in this process, when one was asked for. */
  dispatcher?: Dispatcher | null;
  app: FastifyInstance;
  ctx: Context;
  url: string;
  close(): Promise<void>;
}

export class StartupError extends Error {}

export async function openContext(options: Pick<StartOptions, "dataDir" | "databaseUrl" | "governanceDir" | "clock">): Promise<Context> {
  const dataDir = options.dataDir ?? ".steward";
  const store = await openStore({ databaseUrl: options.databaseUrl, dataDir });
  try {
    const clock = options.clock ?? systemClock;
    const anchor = store.dataDir ? fileAnchor(store.dataDir) : noAnchor;
    const stored = options.governanceDir ? null : await storedActiveBundle(store.db);
    const loaded = stored ? { ok: true as const, bundle: stored } : loadBundleDir(options.governanceDir ?? EXAMPLE_BUNDLE_DIR);
    if (!loaded.ok) {
      const lines = loaded.errors.map((e) => `  ${e.file}:${e.line}:${e.column} ${e.field ? e.field + ": " : ""}${e.message}`);
      throw new StartupError(`the governance bundle does not load:\n${lines.join("\n")}`);
    }
    const governance = new ActiveGovernance(loaded.bundle);
    const ctx: Context = { store, clock, anchor, governance };
    const active = await store.db.selectFrom("governance_bundles").select("version").where("active", "=", 1).executeTakeFirst();
    if (active?.version !== loaded.bundle.version) {
      await write(ctx, "system", (w) => governance.activate(w, loaded.bundle));
    }
    return ctx;
  } catch (error) {
    await store.close();
    throw error;
  }
}

export async function startSteward(options: StartOptions): Promise<Running> {
  const ctx = await openContext(options);
  try {
    if (options.adminToken) await ensureAdmin(ctx, options.adminToken, options.adminPassword ?? options.adminToken);
    const app = await buildApp(ctx, { logger: options.logger, bodyLimit: options.bodyLimit });
    const address = await app.listen({ port: options.port ?? 0, host: options.host ?? "127.0.0.1" });
    const eventStream = await startStream(ctx, app, options);
    const dispatcher = options.dispatch ? startDispatcher(ctx, options.dispatch) : null;
    return {
      app, ctx, url: address, eventStream, dispatcher,
      async close() {
        await eventStream?.stop();
        await app.close();
        await dispatcher?.stop();
        ctx.anchor.close();
        await ctx.store.close();
      },
    };
  } catch (error) {
    await ctx.store.close();
    throw error;
  }
}


/** Only in server mode: the stream's durable consumer is shared by processes over one PostgreSQL database. */
async function startStream(ctx: Context, app: FastifyInstance, options: StartOptions): Promise<EventStream | null> {
  const config = options.eventStream === undefined ? streamConfigFromEnv(process.env) : options.eventStream;
  if (!config || !options.databaseUrl) return null;
  const { startEventStream } = await import("../data/stream.ts");
  try {
    return await startEventStream(ctx, config, (message) => app.log.warn(message));
  } catch (error) {
    await app.close();
    throw new StartupError(`the event stream at ${config.url} (${config.stream}) cannot be consumed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
