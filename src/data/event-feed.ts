// The events feed: HCP events in the order their batches committed, for agents what they may see.
//
// Each ingestion batch writes one `events.ingested` audit record naming the batch; its seq is assigned under
// the chain head lock at commit (see src/gate/feed.ts for why that is commit order), so paging by that seq
// hands every event out once. Whole batches only: a page ends at a batch boundary.
import type { Db } from "../store/db.ts";
import type { Bundle } from "../governance/bundle.ts";
import { dataUseOf, mayUse } from "../governance/data-use.ts";
import type { ActionType, Market } from "../shared/vocabulary.ts";
import { purposesOfAgent } from "../hcps/context.ts";
import { parseJson } from "../shared/json.ts";

export interface FeedEvent {
  id: string;
  hcpId: string;
  type: string;
  source: string;
  occurredAt: string;
  decisionId?: string;
  data?: Record<string, unknown>;
}

/** Who reads: an agent sees events of HCPs in its markets whose source its purposes may use there. */
export type EventReader = { kind: "agent"; markets: readonly Market[]; actions: readonly ActionType[]; bundle: Bundle } | { kind: "user" };

export async function eventFeed(db: Db, after: number, limit: number, reader: EventReader): Promise<{ events: FeedEvent[]; nextCursor: string }> {
  const batches = await db.selectFrom("audit_records").select(["seq", "data"])
    .where("seq", ">", after).where("type", "=", "events.ingested").orderBy("seq").limit(limit).execute();
  const events: FeedEvent[] = [];
  let cursor = after;
  const purposes = reader.kind === "agent" ? purposesOfAgent(reader) : [];
  const policy = reader.kind === "agent" ? dataUseOf(reader.bundle) : null;
  for (const b of batches) {
    const batch = parseJson<{ batch?: string }>(b.data, {}).batch;
    // A batch ingested before 013_feeds has no name: its events cannot be told apart, so it is passed over.
    const rows = batch === undefined ? [] : await db.selectFrom("events").innerJoin("hcps", "hcps.id", "events.hcp_id")
      .select(["events.id", "events.hcp_id", "events.type", "events.source", "events.occurred_at", "events.decision_id", "events.data", "hcps.market"])
      .where("events.batch", "=", batch).orderBy("events.occurred_at").orderBy("events.id").execute();
    const visible = reader.kind === "user" ? rows : rows.filter((r) =>
      reader.markets.includes(r.market as Market) && purposes.some((p) => mayUse(policy!, r.source, p, r.market as Market)));
    if (events.length > 0 && events.length + visible.length > limit) break;
    for (const r of visible) {
      const event: FeedEvent = { id: r.id, hcpId: r.hcp_id, type: r.type, source: r.source, occurredAt: r.occurred_at };
      if (r.decision_id) event.decisionId = r.decision_id;
      const data = parseJson<Record<string, unknown>>(r.data, {});
      if (Object.keys(data).length > 0) event.data = data;
      events.push(event);
    }
    cursor = Number(b.seq);
  }
  return { events, nextCursor: String(cursor) };
}
