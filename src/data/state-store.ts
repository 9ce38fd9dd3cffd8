// The hcp_state rows: read and written inside the ingesting transaction, read by agents and the console.
import type { Db, Tx } from "../store/db.ts";
import type { HcpStateTable } from "./tables.ts";
import { parseJson } from "../shared/json.ts";
import { emptyState, viewOf, type HcpState, type HcpStateView } from "./hcp-state.ts";

const CHUNK = 500;

function fromRow(row: HcpStateTable): HcpState {
  return {
    hcpId: row.hcp_id,
    lastTouch: parseJson(row.last_touch, {}),
    engagements: parseJson(row.engagements, []),
    attended: parseJson(row.attended, []),
    miRequests: parseJson(row.mi_requests, []),
    lastEventBySource: parseJson(row.last_event_by_source, {}),
    eventsSeen: row.events_seen,
    updatedAt: row.updated_at,
  };
}

function toRow(state: HcpState): HcpStateTable {
  return {
    hcp_id: state.hcpId,
    last_touch: JSON.stringify(state.lastTouch),
    engagements: JSON.stringify(state.engagements),
    attended: JSON.stringify(state.attended),
    mi_requests: JSON.stringify(state.miRequests),
    last_event_by_source: JSON.stringify(state.lastEventBySource),
    events_seen: state.eventsSeen,
    updated_at: state.updatedAt,
  };
}

/** The stored state of each HCP (an empty one for an HCP with no events yet). */
export async function loadStates(trx: Tx, hcpIds: readonly string[], now: string): Promise<Map<string, HcpState>> {
  const states = new Map<string, HcpState>();
  for (let i = 0; i < hcpIds.length; i += CHUNK) {
    const rows = await trx.selectFrom("hcp_state").selectAll().where("hcp_id", "in", hcpIds.slice(i, i + CHUNK)).execute();
    for (const row of rows) states.set(row.hcp_id, fromRow(row));
  }
  for (const id of hcpIds) if (!states.has(id)) states.set(id, emptyState(id, now));
  return states;
}

/** Upsert, many rows a statement: the caller holds each HCP's lock, so read-modify-write loses no update. */
export async function saveStates(trx: Tx, states: readonly HcpState[]): Promise<void> {
  for (let i = 0; i < states.length; i += 200) {
    await trx.insertInto("hcp_state").values(states.slice(i, i + 200).map(toRow)).onConflict((oc) => oc.column("hcp_id").doUpdateSet((eb) => ({
      last_touch: eb.ref("excluded.last_touch"),
      engagements: eb.ref("excluded.engagements"),
      attended: eb.ref("excluded.attended"),
      mi_requests: eb.ref("excluded.mi_requests"),
      last_event_by_source: eb.ref("excluded.last_event_by_source"),
      events_seen: eb.ref("excluded.events_seen"),
      updated_at: eb.ref("excluded.updated_at"),
    }))).execute();
  }
}

/** The HCP's current state as of `now`; null when the HCP has had no event yet. */
export async function readHcpState(db: Db, hcpId: string, now: Date): Promise<HcpStateView | null> {
  const row = await db.selectFrom("hcp_state").selectAll().where("hcp_id", "=", hcpId).executeTakeFirst();
  return row ? viewOf(fromRow(row), now.getTime()) : null;
}

/**
 * The one read of an HCP's state for a person (GET /v1/hcps/{id} and /state both answer it): the stored
 * state, or the empty state of an HCP nothing has happened to yet. The caller has resolved `hcpId`.
 */
export async function hcpStateNow(db: Db, hcpId: string, now: Date): Promise<HcpStateView> {
  return (await readHcpState(db, hcpId, now)) ?? viewOf(emptyState(hcpId, now.toISOString()), now.getTime());
}
