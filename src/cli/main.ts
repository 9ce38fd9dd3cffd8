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
  .option("--no-agents", "with --demo: do not run the demo's agents and event generator")
  .action(async (options) => (await import("./serve.ts")).serveCommand(options));

const governance = program.command("governance").description("governance bundles");
governance
  .command("test <dir>")
  .description("load a bundle and run its own tests")
  .action(async (dir: string) => (await import("./governance-test.ts")).governanceTestCommand(dir));

const audit = program.command("audit").description("the tamper-evident audit trail");
audit
  .command("verify")
  .description("walk the hash chain and compare it with the anchor (and a checkpoint); exit 1 if broken")
  .option("--data <dir>", "data directory", ".steward")
  .option("--checkpoint <file>", "also check the chain against a signed checkpoint")
  .option("--public-key <file>", "the public key to check the checkpoint with (default: the data directory's)")
  .action(async (options) => (await import("./audit-verify.ts")).auditVerifyCommand(options));
audit
  .command("accept")
  .description("record an operator's decision to go on from a trail that fails verification, and re-anchor at it")
  .requiredOption("--reason <text>", "why the trail is accepted (kept in the audit record)")
  .option("--by <name>", "who accepts it (default: STEWARD_OPERATOR, or the OS user)")
  .option("--data <dir>", "data directory", ".steward")
  .action(async (options) => (await import("./audit-accept.ts")).auditAcceptCommand(options));
audit
  .command("checkpoint")
  .description("write a signed checkpoint {seq, hash, at, signature} of the verified chain, for an auditor to keep elsewhere")
  .option("--data <dir>", "data directory", ".steward")
  .option("--out <file>", "where to write it (default: standard output)")
  .action(async (options) => (await import("./audit-checkpoint.ts")).auditCheckpointCommand(options));

const events = program.command("events").description("events about HCPs");
events
  .command("import <file>")
  .description("import a CRM extract (CSV with a header row, or JSONL): every valid row, and a report of each bad one")
  .option("--data <dir>", "data directory", ".steward")
  .option("--format <format>", "csv or jsonl (default: from the file name)")
  .option("--batch <n>", "rows per transaction", "500")
  .action(async (file: string, options) => (await import("../data/cli-import.ts")).eventsImportCommand(file, options));

const hcps = program.command("hcps").description("HCP records and their identifiers");
hcps
  .command("import <file>")
  .description("import the CMS NPPES NPI registry file (CSV): individuals as US HCPs with their NPI; a report of each bad row")
  .option("--data <dir>", "data directory", ".steward")
  .option("--format <format>", "nppes (the CMS NPPES NPI registry CSV)", "nppes")
  .option("--match", "then list likely duplicates (same NPI; same name, practice postcode and specialty) as merge proposals, applying none")
  .option("--out <file>", "with --match: also write the proposals to this JSON file")
  .action(async (file: string, options) => (await import("../hcps/cli-import.ts")).hcpsImportCommand(file, options));

const content = program.command("content").description("claims and assets (MLR)");
content
  .command("import <file>")
  .description("import claims and assets (CSV with a header row, or JSONL; a kind column says which): every valid row, and a report of each bad one")
  .option("--data <dir>", "data directory", ".steward")
  .option("--format <format>", "csv or jsonl (default: from the file name)")
  .action(async (file: string, options) => (await import("../content/cli-import.ts")).contentImportCommand(file, options));
content
  .command("check <file>")
  .description("run the pre-review checks on a file of copy (text, markdown, or an asset as JSON/YAML) without a server; exit 1 on errors")
  .option("--market <market>", "the market the copy is for (default: the asset's, else US)")
  .option("--product <name>", "the product the copy promotes (default: the asset's, else the one content.yaml product it names)")
  .option("--channel <channel>", "email, web, … (default: the asset's; email when it has a subject, else web)")
  .option("--governance <dir>", "the bundle whose content.yaml applies (default: the store's active bundle with --data, else the example bundle)")
  .option("--data <dir>", "a Steward store whose approved claims the copy may restate (SQLite in DIR, or DATABASE_URL)")
  .option("--json", "print the findings as JSON", false)
  .action(async (file: string, options) => (await import("../content/cli-check.ts")).contentCheckCommand(file, options));

const data = program.command("data").description("continuous data");
data
  .command("latency")
  .description("each source's occurred → ingested latency against what each action type requires")
  .option("--data <dir>", "data directory", ".steward")
  .option("--window <duration>", "how far back to measure (e.g. 24h, 7d, at most 90d)", "7d")
  .option("--governance <dir>", "judge against this bundle instead of the active one")
  .option("--json", "print the report as JSON", false)
  .option("--check", "exit 1 when the data cannot support some action type", false)
  .action(async (options) => (await import("../data/cli-latency.ts")).dataLatencyCommand(options));

const agents = program.command("agents").description("the reference agents (SDK clients of any Steward server)");
agents
  .command("run <name>")
  .description("run one reference agent (nba, mi-triage, field-prep) until interrupted; its state survives restarts")
  .requiredOption("--url <url>", "the Steward server, e.g. http://127.0.0.1:4000")
  .requiredOption("--key <key>", "the agent's API key")
  .option("--state <dir>", "directory for the agent's state file", ".steward-agents")
  .option("--history <hours>", "on first start, act on events of the events feed that happened up to this long before", "24")
  .option("--interval <ms>", "milliseconds between rounds", "2000")
  .option("--once", "one round, then exit", false)
  .action(async (name: string, options) => (await import("../reference-agents/run.ts")).agentsRunCommand(name, options));

const mcp = program
  .command("mcp")
  .description("serve Steward's MCP tools over stdio to an agent runtime, calling the Steward at --url with the agent's key")
  .option("--url <url>", "the Steward server, e.g. http://127.0.0.1:4000")
  .option("--key <key>", "the agent's API key")
  .action(async (options: { url?: string; key?: string }) => {
    if (!options.url || !options.key) {
      process.stderr.write("steward mcp: --url and --key are required\n");
      process.exitCode = 2;
      return;
    }
    await (await import("../mcp/stdio.ts")).mcpStdioCommand({ url: options.url, key: options.key });
  });
mcp
  .command("guard")
  .description("Steward in front of another MCP server: mapped tools become proposals, forwarded only when allowed")
  .requiredOption("--upstream <command>", "the upstream MCP server's command line, e.g. \"node server.js\"")
  .requiredOption("--map <file>", "YAML/JSON map: default (pass|block) and, per tool, action, purpose, hcpId ($argument)...")
  .option("--url <url>", "the Steward server (or before `guard`)")
  .option("--key <key>", "the agent's API key (or before `guard`)")
  .action(async (_options, command: Command) => {
    // --url and --key belong to `mcp` too; wherever they were given, they arrive here.
    const options = command.optsWithGlobals() as { upstream: string; map: string; url?: string; key?: string };
    if (!options.url || !options.key) {
      process.stderr.write("steward mcp guard: --url and --key are required\n");
      process.exitCode = 2;
      return;
    }
    await (await import("../mcp/guard.ts")).mcpGuardCommand({ ...options, url: options.url, key: options.key });
  });

program
  .command("simulate")
  .description("the operating-model simulator: a synthetic market driving the real decision service on a virtual clock, two arms per scenario on one seed")
  .requiredOption("--scenario <name>", "portfolio, data-latency, mlr, drift, or all")
  .option("--hcps <n>", "HCPs in the synthetic market", "1000")
  .option("--days <n>", "simulated days", "90")
  .option("--seed <n>", "seed of every random draw (same seed, same numbers)", "1")
  .option("--out <dir>", "where the JSON and the HTML report go", "./sim-out")
  .option("--step-hours <n>", "simulated hours per step of the virtual clock (divides 24)", "1")
  .option("--set <path=value>", "change a model parameter (repeatable; listed below)", (v: string, all: string[]) => [...all, v], [] as string[])
  .option("--keep-stores", "keep the temporary SQLite stores of each arm", false)
  // Only this command's help needs the parameter table, so only it loads it.
  .addHelpText("after", process.argv.includes("simulate") ? (await import("../sim/help.ts")).simulateHelp() : "")
  .action(async (options) => (await import("../sim/cli.ts")).simulateCommand(options));

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
