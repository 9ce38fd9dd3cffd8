// Dispatch: the outbox row's claim (lease) and delivery time, and one record per delivery attempt.
// SQLite adds one column per ALTER TABLE, so each column is its own statement.
import type { Kysely, Migration } from "kysely";

export const m003_dispatch: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("outbox").addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable("outbox").addColumn("lease_owner", "text").execute();
    await db.schema.alterTable("outbox").addColumn("lease_until", "text").execute();
    await db.schema.alterTable("outbox").addColumn("sent_at", "text").execute();
    // Abandoned claims are found by (status = 'sending', lease_until <= now).
    await db.schema.createIndex("outbox_by_lease").on("outbox").columns(["status", "lease_until"]).execute();
    // dispatchTimes(since) and dispatch-latency metrics read sent items by time.
    await db.schema.createIndex("outbox_by_sent").on("outbox").column("sent_at").execute();

    await db.schema
      .createTable("dispatch_attempts")
      .addColumn("outbox_id", "text", (c) => c.notNull())
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("decision_id", "text", (c) => c.notNull())
      .addColumn("adapter", "text", (c) => c.notNull())
      .addColumn("worker", "text", (c) => c.notNull())
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("error", "text")
      .addPrimaryKeyConstraint("dispatch_attempts_pk", ["outbox_id", "attempt"])
      .execute();
    await db.schema.createIndex("dispatch_attempts_by_time").on("dispatch_attempts").column("at").execute();
  },
};
