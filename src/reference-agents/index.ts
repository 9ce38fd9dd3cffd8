// The reference agents by the name `steward agents run NAME` knows them.
import { setTimeout as sleep } from "node:timers/promises";
import type { AgentOptions, ReferenceAgent, TickReport } from "./kit/agent.ts";
import { NbaAgent } from "./nba/agent.ts";
import { MiTriageAgent } from "./mi-triage/agent.ts";
import { FieldPrepAgent } from "./field-prep/agent.ts";

export { NbaAgent, MiTriageAgent, FieldPrepAgent };
export type { AgentOptions, TickReport };
export { StewardEventSource, type EventSource } from "./kit/event-source.ts";

export interface RunnableAgent {
  readonly name: string;
  tick(): Promise<TickReport>;
}

export const REFERENCE_AGENTS = {
  nba: (options: AgentOptions): RunnableAgent => new NbaAgent(options),
  "mi-triage": (options: AgentOptions): RunnableAgent => new MiTriageAgent(options),
  "field-prep": (options: AgentOptions): RunnableAgent => new FieldPrepAgent(options),
} as const;
export type ReferenceAgentName = keyof typeof REFERENCE_AGENTS;

export function isReferenceAgentName(name: string): name is ReferenceAgentName {
  return Object.hasOwn(REFERENCE_AGENTS, name);
}

/** Ticks until `signal` aborts; a failed round (the server unreachable) is logged and retried next time. */
export async function runAgent(agent: RunnableAgent, options: { intervalMs: number; signal?: AbortSignal; log: (line: string) => void }): Promise<void> {
  while (!options.signal?.aborted) {
    try {
      const r = await agent.tick();
      if (r.events || r.decisions.length || r.outcomes || r.changed) {
        const mix = r.decisions.reduce<Record<string, number>>((m, d) => ({ ...m, [d.outcome]: (m[d.outcome] ?? 0) + 1 }), {});
        options.log(`${agent.name}: ${r.events} events, ${r.decisions.length} proposals ${JSON.stringify(mix)}, ${r.outcomes} outcomes, ${r.changed} changed`);
      }
    } catch (error) {
      options.log(`${agent.name}: round failed, will retry: ${error instanceof Error ? error.message : String(error)}`);
    }
    // The timer's own abort handling removes its listener; a hand-added one per round would pile up.
    await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => {});
  }
}

export type { ReferenceAgent };
