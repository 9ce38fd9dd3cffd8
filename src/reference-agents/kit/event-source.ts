// Where an agent learns of new HCP events. An agent key may not list events (the API lets it read its
// own decisions and an HCP's current state, not an event stream), so a reference agent is handed its
// events: a JSONL feed file it tails (the same events the data pipeline ingests into Steward, so it can
// cite them as evidence), or an in-process source a generator pushes into. Either way the position is a
// string the agent keeps in its state, so it resumes where it stopped.
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import type { HcpEvent } from "../../../packages/sdk/src/index.ts";

export interface EventPage {
  events: HcpEvent[];
  /** Where to read from next time. */
  position: string | null;
}

export interface EventSource {
  read(position: string | null, max: number): Promise<EventPage>;
}

/** Events appended to an array (by a generator, the demo, a test); the position is an index. */
export class MemoryEventSource implements EventSource {
  readonly events: HcpEvent[] = [];
  push(...events: HcpEvent[]): void {
    this.events.push(...events);
  }
  async read(position: string | null, max: number): Promise<EventPage> {
    const from = position === null ? 0 : Number(position);
    const events = this.events.slice(from, from + max);
    return { events, position: String(from + events.length) };
  }
}

/**
 * A JSONL file, one event per line, possibly still being appended to; the position is a byte offset.
 * Only complete lines are read; a line that is not an event is skipped (and reported once).
 */
export class JsonlEventSource implements EventSource {
  constructor(readonly path: string, private readonly warn: (message: string) => void = () => {}) {}

  async read(position: string | null, max: number): Promise<EventPage> {
    const from = position === null ? 0 : Number(position);
    if (!existsSync(this.path)) return { events: [], position: String(from) };
    const size = statSync(this.path).size;
    if (size <= from) return { events: [], position: String(from) };
    const length = Math.min(size - from, 4 * 1024 * 1024);
    const buf = Buffer.alloc(length);
    const fd = openSync(this.path, "r");
    try {
      readSync(fd, buf, 0, length, from);
    } finally {
      closeSync(fd);
    }
    const events: HcpEvent[] = [];
    let offset = 0;
    while (events.length < max) {
      const nl = buf.indexOf(0x0a, offset);
      if (nl < 0) break;
      const line = buf.subarray(offset, nl).toString("utf8").trim();
      const at = from + offset;
      offset = nl + 1;
      if (!line) continue;
      try {
        const e = JSON.parse(line) as HcpEvent;
        if (typeof e?.id === "string" && typeof e.hcpId === "string" && typeof e.type === "string") events.push(e);
        else this.warn(`${this.path} at byte ${at}: not an event (needs id, hcpId, type)`);
      } catch {
        this.warn(`${this.path} at byte ${at}: not JSON`);
      }
    }
    return { events, position: String(from + offset) };
  }
}
