// Layers of governance: an agent's own thresholds (tunables set by its owner, JSON) and the trips of
// monitors. One row per (monitor, agent, epoch): inserting it with on-conflict-do-nothing decides which
// process acts on a trip (one pause, one alert); resuming the agent closes the epoch. Portable types only.
import type { Kysely, Migration } from "kysely";

export const m012_layers: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("agents").addColumn("thresholds", "text", (c) => c.notNull().defaultTo("{}")).execute();
    await db.schema
      .createTable("monitor_trips")
      .addColumn("monitor_id", "text", (c) => c.notNull())
      .addColumn("agent_id", "text", (c) => c.notNull())
      .addColumn("epoch", "integer", (c) => c.notNull())
      .addColumn("tripped_at", "text", (c) => c.notNull())
      .addColumn("metric", "text", (c) => c.notNull())
      .addColumn("value", "double precision", (c) => c.notNull())
      .addColumn("baseline", "double precision")
      .addColumn("threshold", "double precision", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("resolved_at", "text")
      .addPrimaryKeyConstraint("monitor_trips_pk", ["monitor_id", "agent_id", "epoch"])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable("monitor_trips").execute();
    await db.schema.alterTable("agents").dropColumn("thresholds").execute();
  },
};
