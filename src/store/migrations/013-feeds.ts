// Feeds: each event remembers the ingestion batch it came in, and the batch's audit record names it, so
// agents read events in commit order (the audit seq) just as they read decisions. Portable types only.
import type { Kysely, Migration } from "kysely";

export const m013_feeds: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("events").addColumn("batch", "text").execute();
    await db.schema.createIndex("events_by_batch").on("events").column("batch").execute();
  },
};
