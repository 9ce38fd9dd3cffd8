// Content after approval: FDA Form 2253 first-use items (one per US asset version, opened by the first
// send, race-free by their primary key) with the channels each version went out on, and the revision
// campaigns a claim's withdrawal with a successor starts (one new draft per affected asset).
import type { Kysely, Migration } from "kysely";

export const m008_first_use: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("first_uses")
      .addColumn("asset_id", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("market", "text", (c) => c.notNull())
      .addColumn("first_used_at", "text", (c) => c.notNull())
      .addColumn("first_outbox_id", "text", (c) => c.notNull())
      .addColumn("submitted_at", "text")
      .addColumn("reference", "text")
      .addColumn("submitted_by", "text")
      .addColumn("signature", "text")
      .addPrimaryKeyConstraint("first_uses_pk", ["asset_id", "version"])
      .execute();
    await db.schema.createIndex("first_uses_by_submission").on("first_uses").columns(["submitted_at", "first_used_at"]).execute();
    await db.schema
      .createTable("first_use_channels")
      .addColumn("asset_id", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("first_used_at", "text", (c) => c.notNull())
      .addColumn("outbox_id", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("first_use_channels_pk", ["asset_id", "version", "channel"])
      .execute();

    await db.schema
      .createTable("revision_campaigns")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("claim_id", "text", (c) => c.notNull())
      .addColumn("replaced_by", "text", (c) => c.notNull())
      .addColumn("replaced_by_version", "integer", (c) => c.notNull())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("revision_campaigns_by_claim").on("revision_campaigns").columns(["claim_id", "created_at"]).execute();
    await db.schema
      .createTable("revision_items")
      .addColumn("campaign_id", "text", (c) => c.notNull())
      .addColumn("asset_id", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("from_version", "integer", (c) => c.notNull())
      .addColumn("market", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("revision_items_pk", ["campaign_id", "asset_id"])
      .execute();
  },
};
