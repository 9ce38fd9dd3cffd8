// The `steward` command line. Exit status: 0 success, 1 a failed check, 2 bad usage.
import { Command, CommanderError } from "commander";

// Each command loads only what it needs: `steward governance test` should not start a web server's worth of modules.
const program = new Command("steward")
  .description("Steward — the governed decision gate for commercial AI agents")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command("serve")
  .description("start the server (embedded SQLite in --data unless DATABASE_URL is set)")
  .option("--data <dir>", "data directory (SQLite file, audit anchor)", ".steward")
  .option("--port <n>", "port to listen on", process.env.PORT ?? "4000")
  .option("--host <h>", "address to listen on", "127.0.0.1")
  .option("--governance <dir>", "governance bundle to activate at start")
  .option("--demo", "seed the demo market into an empty store", false)
  .action(async (options) => (await import("./serve.ts")).serveCommand(options));

const governance = program.command("governance").description("governance bundles");
governance
  .command("test <dir>")
  .description("load a bundle and run its own tests")
  .action(async (dir: string) => (await import("./governance-test.ts")).governanceTestCommand(dir));

const audit = program.command("audit").description("the tamper-evident audit trail");
audit
  .command("verify")
  .description("walk the hash chain and compare its head with the anchor")
  .option("--data <dir>", "data directory", ".steward")
  .action(async (options) => (await import("./audit-verify.ts")).auditVerifyCommand(options));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`steward: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
