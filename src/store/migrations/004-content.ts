// Content and MLR: versioned claims and assets, asset modules (claim id + version), agent notices.
// The head rows in `claims` and `assets` keep the latest version's fields; every version is kept.
import { sql, type Kysely, type Migration } from "kysely";

export const m004_content: Migration = {
  async up(db: Kysely<any>) {
    for (const column of ["language", "submitted_at", "review", "rejection"]) {
      await db.schema.alterTable("claims").addColumn(column, "text").execute();
    }
    await db.schema.alterTable("assets").addColumn("rendered", "text", (c) => c.notNull().defaultTo("")).execute();
    for (const column of ["submitted_at", "review", "rejection"]) {
      await db.schema.alterTable("assets").addColumn(column, "text").execute();
    }
    await db.schema.alterTable("assets").addColumn("live_version", "integer").execute();

    await db.schema
      .createTable("claim_versions")
      .addColumn("claim_id", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("text", "text", (c) => c.notNull())
      .addColumn("product", "text")
      .addColumn("risk_class", "text", (c) => c.notNull())
      .addColumn("refs", "text", (c) => c.notNull())
      .addColumn("markets", "text", (c) => c.notNull())
      .addColumn("language", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("expires_at", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("submitted_at", "text")
      .addColumn("review", "text")
      .addColumn("approved_at", "text")
      .addColumn("approval", "text")
      .addColumn("rejection", "text")
      .addPrimaryKeyConstraint("claim_versions_pk", ["claim_id", "version"])
      .execute();

    await db.schema
      .createTable("asset_versions")
      .addColumn("asset_id", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("subject", "text")
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("market", "text", (c) => c.notNull())
      .addColumn("language", "text", (c) => c.notNull())
      .addColumn("product", "text")
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("safety_info", "text")
      .addColumn("expires_at", "text")
      .addColumn("derived_from", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("checks", "text", (c) => c.notNull())
      .addColumn("rendered", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("submitted_at", "text")
      .addColumn("review", "text")
      .addColumn("approved_at", "text")
      .addColumn("approval", "text")
      .addColumn("rejection", "text")
      .addColumn("blocked_reason", "text")
      .addPrimaryKeyConstraint("asset_versions_pk", ["asset_id", "version"])
      .execute();
    await db.schema.createIndex("asset_versions_by_status").on("asset_versions").columns(["status", "market", "channel"]).execute();

    await db.schema
      .createTable("asset_modules")
      .addColumn("asset_id", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("position", "integer", (c) => c.notNull())
      .addColumn("claim_id", "text", (c) => c.notNull())
      .addColumn("claim_version", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("asset_modules_pk", ["asset_id", "version", "position"])
      .execute();
    await db.schema.createIndex("asset_modules_by_claim").on("asset_modules").columns(["claim_id", "asset_id", "version"]).execute();

    await db.schema
      .createTable("content_notices")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("agent_id", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("claim_id", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("content_notices_by_agent").on("content_notices").columns(["agent_id", "created_at"]).execute();

    // Content written before versions existed becomes version 1 of each claim and asset.
    await sql`insert into claim_versions (claim_id, version, text, product, risk_class, refs, markets, language, status, expires_at, created_at, created_by, submitted_at, review, approved_at, approval, rejection)
      select id, version, text, product, risk_class, refs, markets, language, status, expires_at, created_at, created_by, null, null, approved_at, approval, null from claims`.execute(db);
    await sql`insert into asset_versions (asset_id, version, title, subject, channel, market, language, product, body, safety_info, expires_at, derived_from, status, checks, rendered, created_at, created_by, submitted_at, review, approved_at, approval, rejection, blocked_reason)
      select id, version, title, subject, channel, market, language, product, body, safety_info, expires_at, derived_from, status, checks, body, created_at, created_by, null, null, approved_at, approval, null, blocked_reason from assets`.execute(db);
    await sql`insert into asset_modules (asset_id, version, position, claim_id, claim_version)
      select ac.asset_id, a.version, ac.position, ac.claim_id, c.version from asset_claims ac join assets a on a.id = ac.asset_id join claims c on c.id = ac.claim_id`.execute(db);
    await sql`update assets set live_version = version where status = 'approved'`.execute(db);
  },
};
