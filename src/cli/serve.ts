import { randomBytes } from "node:crypto";
import { startSteward, StartupError } from "../server/start.ts";
import { seedDemo, type DemoCredentials } from "../demo/seed.ts";
import { readDemoCredentials, writeDemoCredentials } from "../demo/credentials.ts";

interface ServeOptions {
  data: string;
  port: string;
  host: string;
  governance?: string;
  demo: boolean;
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
    running = await startSteward({
      dataDir: options.data, databaseUrl: process.env.DATABASE_URL, governanceDir: options.governance, port, host: options.host,
      adminToken, adminPassword: process.env.STEWARD_ADMIN_PASSWORD, logger: process.env.STEWARD_LOG === "1",
    });
  } catch (error) {
    if (error instanceof StartupError) {
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
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
