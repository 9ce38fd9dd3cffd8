// Starting Steward: open the store, settle the governance bundle, bootstrap the admin, listen.
import type { FastifyInstance } from "fastify";
import type { Context } from "../shared/context.ts";
import { ensureAdmin } from "../auth/store.ts";
import { buildApp, type AppOptions } from "./app.ts";
import { openContext, StartupError, type ContextOptions } from "./context.ts";
import { streamConfigFromEnv, type StreamConfig } from "../data/stream-config.ts";
import type { EventStream } from "../data/stream.ts";
import { startDispatcher, type Dispatcher } from "../dispatch/dispatcher.ts";
import type { DispatchConfig } from "../dispatch/config.ts";
import { alertTargetFromEnv, startMonitorWatch, type AlertTarget, type MonitorWatch } from "../monitors/watch.ts";

export { StartupError };

export interface StartOptions extends ContextOptions {
  port?: number;
  host?: string;
  adminToken?: string;
  adminPassword?: string;
  logger?: boolean;
  bodyLimit?: number;
  /** Request sizes and timeouts, the session lifetime, trusted proxies (see AppOptions). */
  limits?: AppOptions["limits"];
  sessionTtlMs?: number;
  trustProxy?: AppOptions["trustProxy"];
  /** Server mode's event stream (NATS JetStream): undefined reads STEWARD_NATS_URL, null turns it off. */
  eventStream?: StreamConfig | null;
  /** The in-process outbox dispatcher; absent or null runs none here (`steward serve` passes the environment's). */
  dispatch?: DispatchConfig | null;
  /** The monitor watch (monitors.yaml): its interval (at most a minute) and alert webhook; undefined reads
   *  STEWARD_ALERT_WEBHOOK_URL / _SECRET, null runs no watch in this process. */
  monitors?: { intervalMs?: number; alert?: AlertTarget | null } | null;
}

export interface Running {
  /** The NATS JetStream consumer, in server mode when configured. */
  eventStream?: EventStream | null;
  /** The outbox dispatcher running in this process, when one was asked for. */
  dispatcher?: Dispatcher | null;
  /** The monitor watch running in this process. */
  monitors?: MonitorWatch | null;
  app: FastifyInstance;
  ctx: Context;
  url: string;
  close(): Promise<void>;
}

export async function startSteward(options: StartOptions): Promise<Running> {
  const ctx = await openContext(options);
  try {
    if (options.adminToken) await ensureAdmin(ctx, options.adminToken, options.adminPassword ?? options.adminToken);
    const app = await buildApp(ctx, {
      logger: options.logger, bodyLimit: options.bodyLimit, limits: options.limits, sessionTtlMs: options.sessionTtlMs, trustProxy: options.trustProxy,
    });
    const address = await app.listen({ port: options.port ?? 0, host: options.host ?? "127.0.0.1" });
    const eventStream = await startStream(ctx, app, options);
    const dispatcher = options.dispatch ? startDispatcher(ctx, options.dispatch) : null;
    const monitors = options.monitors === null ? null : startMonitorWatch(ctx, {
      intervalMs: options.monitors?.intervalMs,
      alert: options.monitors?.alert === undefined ? alertTargetFromEnv(process.env) : options.monitors.alert,
      log: (message) => app.log.warn(message),
    });
    return {
      app, ctx, url: address, eventStream, dispatcher, monitors,
      async close() {
        await monitors?.stop();
        await eventStream?.stop();
        await app.close();
        await dispatcher?.stop();
        await ctx.anchor.close();
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
