// Tables owned by src/data (event ingestion, HCP state, source latency). Part of the one Database interface (src/store/schema.ts).

/**
 * One row per HCP: what the events said so far, folded so that the next decision reads one row instead
 * of replaying history. Every field is order-independent (newest wins, lists merged by time), so events
 * that arrive out of order give the same state. JSON columns hold the shapes in src/data/hcp-state.ts.
 */
export interface HcpStateTable {
  hcp_id: string;
  /** {channel: ISO} — the newest touch seen per channel. */
  last_touch: string;
  /** ISO[] newest first, bounded — engagement instants; "recent" is counted at read time. */
  engagements: string;
  /** [{eventId, type, at, name}] newest first, bounded — events (symposia, webinars) the HCP attended. */
  attended: string;
  /** [{id, at, topic, answeredAt}] newest first, bounded — medical-information requests and their answers. */
  mi_requests: string;
  /** {source: {at, eventId, type}} — the newest event per source. */
  last_event_by_source: string;
  events_seen: number;
  updated_at: string;
}

export interface DataTables {
  hcp_state: HcpStateTable;
}
