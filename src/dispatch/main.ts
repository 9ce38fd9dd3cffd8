// A dispatcher on its own: drains the outbox of the store named by DATABASE_URL (server mode: run as
// many as you like beside the API processes, with STEWARD_DISPATCH=off on those) or of the embedded
// store in --data DIR. Adapters and pacing come from the same environment as `steward serve`.
//   node --import tsx src/dispatch/main.ts [--data DIR]
// Prints "dispatcher <worker> running" once it polls; SIGTERM or SIGINT stops it after the pass under way.
import { openContext, StartupError } from "../server/context.ts";
import { dispatchConfigFromEnv, DispatchConfigError } from "./config.ts";
import { startDispatcher } from "./dispatcher.ts";

function dataDirFrom(argv: readonly string[]): string {
  const i = argv.indexOf("--data");
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : ".steward";
}

async function main(): Promise<void> {
  const dataDir = dataDirFrom(process.argv.slice(2));
  let config;
  try {
    config = dispatchConfigFromEnv({ ...process.env, STEWARD_DISPATCH: "on" }, dataDir);
  } catch (error) {
    if (error instanceof DispatchConfigError) {
      process.stderr.write(`steward dispatch: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  let ctx;
  try {
    ctx = await openContext({ dataDir, databaseUrl: process.env.DATABASE_URL });
  } catch (error) {
    if (error instanceof StartupError) {
      process.stderr.write(`steward dispatch: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const dispatcher = startDispatcher(ctx, config!);
  process.stdout.write(`dispatcher ${dispatcher.worker} running\n`);
  const stop = async () => {
    await dispatcher.stop();
    await ctx.anchor.close();
    await ctx.store.close();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

await main();
