// `steward agents run NAME --url URL --key KEY`: one reference agent against any Steward server.
import { join } from "node:path";
import { StewardClient } from "../../packages/sdk/src/index.ts";
import { REFERENCE_AGENTS, isReferenceAgentName, runAgent } from "./index.ts";

export interface AgentsRunOptions {
  url: string;
  key: string;
  state: string;
  interval: string;
  history: string;
  once?: boolean;
}

export async function agentsRunCommand(name: string, options: AgentsRunOptions): Promise<void> {
  if (!isReferenceAgentName(name)) {
    process.stderr.write(`steward: no reference agent '${name}'; choose one of ${Object.keys(REFERENCE_AGENTS).join(", ")}\n`);
    process.exitCode = 2;
    return;
  }
  const intervalMs = Number(options.interval);
  if (!Number.isFinite(intervalMs) || intervalMs < 100) {
    process.stderr.write("steward: --interval is milliseconds, at least 100\n");
    process.exitCode = 2;
    return;
  }
  const historyHours = Number(options.history);
  if (!Number.isFinite(historyHours) || historyHours < 0) {
    process.stderr.write("steward: --history is hours, 0 or more\n");
    process.exitCode = 2;
    return;
  }
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const client = new StewardClient({ url: options.url, token: options.key });
  const me = await client.me();
  if (me.kind !== "agent") throw new Error("--key must be an agent key (the one POST /v1/agents returned)");
  const statePath = join(options.state, `${name}.${me.id}.json`);
  const agent = REFERENCE_AGENTS[name]({ client, statePath, log, historyMs: historyHours * 3_600_000 });
  log(`${name} running as agent '${me.id}' against ${options.url}; state in ${statePath}`);
  if (options.once) {
    const r = await agent.tick();
    log(`${name}: ${r.events} events, ${r.decisions.length} proposals, ${r.outcomes} outcomes, ${r.changed} changed`);
    return;
  }
  const stop = new AbortController();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => stop.abort());
  await runAgent(agent, { intervalMs, signal: stop.signal, log });
}
