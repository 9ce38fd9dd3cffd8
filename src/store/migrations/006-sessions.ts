// Sessions that end and sign-in attempts counted in the store: a user token may carry an expiry, and
// failed password checks are counted per username and per client address, so every process serving
// one database throttles the same guesses.
import type { Kysely, Migration } from "kysely";

export const m006_sessions: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("tokens").addColumn("expires_at", "text").execute();
    await db.schema.createIndex("tokens_by_subject").on("tokens").columns(["subject_id", "kind"]).execute();
    await db.schema
      .createTable("auth_failures")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("failures", "integer", (c) => c.notNull())
      .addColumn("last_failed_at", "text", (c) => c.notNull())
      .addColumn("blocked_until", "text")
      .execute();
    await db.schema.createIndex("auth_failures_by_age").on("auth_failures").column("last_failed_at").execute();
  },
};
