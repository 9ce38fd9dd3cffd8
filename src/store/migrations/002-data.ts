// Continuous data: the HCP's current state folded from events, and the indexes the latency audit and
// decision outcomes read by. Portable column types only.
import type { Kysely, Migration } from "kysely";

export const m002_data: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("hcp_state")
      .addColumn("hcp_id", "text", (c) => c.primaryKey())
      .addColumn("last_touch", "text", (c) => c.notNull())
      .addColumn("engagements", "text", (c) => c.notNull())
      .addColumn("attended", "text", (c) => c.notNull())
      .addColumn("mi_requests", "text", (c) => c.notNull())
      .addColumn("last_event_by_source", "text", (c) => c.notNull())
      .addColumn("events_seen", "integer", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    // Outcomes are events linked to a decision; agents list them with their decisions.
    await db.schema.createIndex("events_by_decision").on("events").columns(["decision_id", "occurred_at"]).execute();
    // The latency audit reads a window of recently ingested events.
    await db.schema.createIndex("events_by_ingested").on("events").columns(["ingested_at", "id"]).execute();
  },
};
