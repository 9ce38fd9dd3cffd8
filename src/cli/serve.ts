import { randomBytes } from "node:crypto";
import { startSteward, StartupError } from "../server/start.ts";
import { seedDemo, type DemoCredentials } from "../demo/seed.ts";
import { readDemoCredentials, writeDemoCredentials } from "../demo/credentials.ts";
import { dispatchConfigFromEnv, DispatchConfigError } from "../dispatch/config.ts";
import { settingsFromEnv } from "../server/limits.ts";

interface ServeOptions {
  data: string;
  port: string;
  host: string;
  governance?: string;
  demo: boolean;
  /** `--no-agents`: the demo without its agents and event generator. */
  agents?: boolean;
}

export async function serveCommand(options: ServeOptions): Promise<void> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`steward serve: --port must be a port number, got '${options.port}'\n`);
    process.exitCode = 2;
    return;
  }
  let demo: DemoCredentials | null = options.demo ? readDemoCredentials(options.data) : null;
  // The demo needs a way in: without STEWARD_ADMIN_TOKEN it makes one and keeps it beside the data.
  const adminToken = process.env.STEWARD_ADMIN_TOKEN ?? demo?.adminToken ?? (options.demo ? `stw_u_${randomBytes(24).toString("base64url")}` : undefined);
  let running;
  try {
    const settings = settingsFromEnv(process.env);
    running = await startSteward({
      ...settings,
      dataDir: options.data, databaseUrl: process.env.DATABASE_URL, governanceDir: options.governance, port, host: options.host,
      adminToken, adminPassword: process.env.STEWARD_ADMIN_PASSWORD, logger: process.env.STEWARD_LOG === "1",
      dispatch: dispatchConfigFromEnv(process.env, options.data),
    });
  } catch (error) {
    if (error instanceof StartupError || error instanceof DispatchConfigError) {
      process.stderr.write(`steward serve: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  if (options.demo && !demo) {
    const seeded = await seedDemo(running.ctx);
    if (seeded) {
      demo = { ...seeded, adminToken: adminToken! };
      writeDemoCredentials(options.data, demo);
    }
  }
  const lines = [`Steward is listening on ${running.url}`, `  engine: ${running.ctx.store.engine}${running.ctx.store.dataDir ? ` (${running.ctx.store.dataDir})` : ""}`, `  governance bundle: ${running.ctx.governance.current().version.slice(0, 12)}`];
  if (adminToken) lines.push(`  admin token: ${adminToken}  (user 'admin'; its signature password is STEWARD_ADMIN_PASSWORD or this token)`);
  if (demo) {
    lines.push("  demo agents (Authorization: Bearer <key>):");
    for (const a of demo.agents) lines.push(`    ${a.id.padEnd(22)} ${a.apiKey}`);
    for (const u of demo.users) lines.push(`  demo user ${u.username} (${u.roles.join(", ")}): token ${u.token}, password ${u.password}`);
    lines.push(`  try: curl -s ${running.url}/v1/agents -H "Authorization: Bearer ${adminToken}"`);
  }
  process.stdout.write(lines.join("\n") + "\n");
  let living: import("../demo/living.ts").LivingDemo | null = null;
  const stop = async () => {
    await living?.close();
    await running.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (demo && options.agents !== false) {
    // The living demo: the three reference agents and an event generator, over this server's own HTTP API.
    try {
      const { startLivingDemo, livingOptionsFromEnv } = await import("../demo/living.ts");
      living = await startLivingDemo({ url: running.url, dataDir: options.data, credentials: demo, ...livingOptionsFromEnv(process.env) });
      process.stdout.write(
        `  living demo: agents ${living.agents.map((a) => a.id).join(", ")} and an event generator (${living.eventsPerMinute} HCP events/min) are running` +
          ` (state and log in ${living.stateDir}; --no-agents to start without them) — look first at ${running.url}/ (review queues, decisions, metrics),` +
          ` or curl ${running.url}/v1/reviews?status=open and ${running.url}/v1/metrics with a demo user's token\n`,
      );
    } catch (error) {
      process.stderr.write(`steward serve: the demo's agents did not start (the server runs without them): ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}
