import type { Kysely, Migration } from "kysely";

// What was sent, kept with the outbox item at the moment it left: the message (subject and text, as
// JSON), the SHA-256 of its text, and the approved render it came from ({assetId, version, hash}).
// `GET /v1/outbox/{id}` answers from these once an item is sent, whatever the profile says later.
export const m007_render: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("outbox").addColumn("message", "text").execute();
    await db.schema.alterTable("outbox").addColumn("message_hash", "text").execute();
    await db.schema.alterTable("outbox").addColumn("approved", "text").execute();
  },
};
