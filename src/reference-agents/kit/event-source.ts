// Where an agent learns of new HCP events: Steward's events feed (GET /v1/events), which hands an agent
// the events of its markets that its purposes may use, each once, in commit order. The position is the
// feed's cursor, kept in the agent's state, so a restarted agent resumes where it stopped. The interface
// stays open for another source (the demo drives its agents from its own generator).
import type { HcpEvent, StewardClient } from "../../../packages/sdk/src/index.ts";

export interface EventPage {
  events: HcpEvent[];
  /** Where to read from next time. */
  position: string | null;
}

export interface EventSource {
  read(position: string | null, max: number): Promise<EventPage>;
}

/** The events feed of the Steward the agent's client speaks to. */
export class StewardEventSource implements EventSource {
  constructor(private readonly client: StewardClient) {}

  async read(position: string | null, max: number): Promise<EventPage> {
    const page = await this.client.eventFeed({ after: position ?? "0", limit: max });
    return { events: page.events, position: page.nextCursor };
  }
}
