// One migration set for both engines. Only portable column types: text, integer, double precision.
import type { Kysely, Migration } from "kysely";

export const m001_gate: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("agents")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("owner", "text", (c) => c.notNull())
      .addColumn("objective", "text", (c) => c.notNull())
      .addColumn("metric", "text", (c) => c.notNull())
      .addColumn("actions", "text", (c) => c.notNull())
      .addColumn("markets", "text", (c) => c.notNull())
      .addColumn("priority", "integer", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("status_reason", "text")
      .addColumn("status_changed_at", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("users")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("username", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("roles", "text", (c) => c.notNull())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("tokens")
      .addColumn("hash", "text", (c) => c.primaryKey())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("subject_id", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("revoked_at", "text")
      .execute();

    await db.schema
      .createTable("hcps")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("specialty", "text", (c) => c.notNull())
      .addColumn("market", "text", (c) => c.notNull())
      .addColumn("timezone", "text")
      .addColumn("npi", "text")
      .addColumn("segment", "text")
      .addColumn("attributes", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();

    // The consent ledger: append-only, the newest record per (hcp, channel, purpose) is in force.
    await db.schema
      .createTable("consents")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("hcp_id", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("purpose", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("captured_at", "text", (c) => c.notNull())
      .addColumn("evidence", "text")
      .addColumn("recorded_at", "text", (c) => c.notNull())
      .addColumn("recorded_by", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("consents_by_hcp").on("consents").columns(["hcp_id", "channel", "purpose", "captured_at"]).execute();

    await db.schema
      .createTable("claims")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("text", "text", (c) => c.notNull())
      .addColumn("product", "text")
      .addColumn("risk_class", "text", (c) => c.notNull())
      .addColumn("refs", "text", (c) => c.notNull())
      .addColumn("markets", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("expires_at", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("approved_at", "text")
      .addColumn("approval", "text")
      .addColumn("withdrawn_at", "text")
      .addColumn("withdraw_reason", "text")
      .execute();

    await db.schema
      .createTable("assets")
      .addColumn("id", "text", (c) => c.primaryKey())
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
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("approved_at", "text")
      .addColumn("approval", "text")
      .addColumn("blocked_reason", "text")
      .execute();

    await db.schema
      .createTable("asset_claims")
      .addColumn("asset_id", "text", (c) => c.notNull())
      .addColumn("claim_id", "text", (c) => c.notNull())
      .addColumn("position", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("asset_claims_pk", ["asset_id", "claim_id"])
      .execute();
    await db.schema.createIndex("asset_claims_by_claim").on("asset_claims").column("claim_id").execute();

    await db.schema
      .createTable("events")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("hcp_id", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("occurred_at", "text", (c) => c.notNull())
      .addColumn("ingested_at", "text", (c) => c.notNull())
      .addColumn("decision_id", "text")
      .addColumn("data", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("events_by_hcp_source").on("events").columns(["hcp_id", "source", "occurred_at"]).execute();

    await db.schema
      .createTable("decisions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("agent_id", "text", (c) => c.notNull())
      .addColumn("idempotency_key", "text", (c) => c.notNull())
      .addColumn("request_hash", "text", (c) => c.notNull())
      .addColumn("hcp_id", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("purpose", "text", (c) => c.notNull())
      .addColumn("asset_id", "text")
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("initial_outcome", "text", (c) => c.notNull())
      .addColumn("reasons", "text", (c) => c.notNull())
      .addColumn("checks", "text", (c) => c.notNull())
      .addColumn("reviewers", "text")
      .addColumn("bundle_version", "text", (c) => c.notNull())
      .addColumn("decided_at", "text", (c) => c.notNull())
      .addColumn("scheduled_for", "text")
      .addColumn("review_id", "text")
      .addColumn("proposal", "text", (c) => c.notNull())
      .addColumn("expected_value", "double precision")
      .addColumn("resolved_at", "text")
      .addColumn("resolution", "text")
      .addUniqueConstraint("decisions_idempotency", ["agent_id", "idempotency_key"])
      .execute();
    await db.schema.createIndex("decisions_by_agent").on("decisions").columns(["agent_id", "decided_at"]).execute();
    await db.schema.createIndex("decisions_by_hcp").on("decisions").columns(["hcp_id", "decided_at"]).execute();
    await db.schema.createIndex("decisions_by_time").on("decisions").column("decided_at").execute();

    // Contact history: one row per allowed or scheduled action; what caps and gaps count.
    await db.schema
      .createTable("touches")
      .addColumn("decision_id", "text", (c) => c.primaryKey())
      .addColumn("hcp_id", "text", (c) => c.notNull())
      .addColumn("agent_id", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("exempt", "integer", (c) => c.notNull())
      .addColumn("cancelled", "integer", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("touches_by_hcp").on("touches").columns(["hcp_id", "at"]).execute();

    await db.schema
      .createTable("outbox")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("decision_id", "text", (c) => c.notNull().unique())
      .addColumn("agent_id", "text", (c) => c.notNull())
      .addColumn("hcp_id", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("asset_id", "text")
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("available_at", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("closed_at", "text")
      .addColumn("closed_reason", "text")
      .execute();
    await db.schema.createIndex("outbox_by_status").on("outbox").columns(["status", "available_at"]).execute();
    await db.schema.createIndex("outbox_by_agent").on("outbox").columns(["agent_id", "status"]).execute();
    await db.schema.createIndex("outbox_by_asset").on("outbox").columns(["asset_id", "status"]).execute();

    await db.schema
      .createTable("reviews")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("decision_id", "text", (c) => c.notNull().unique())
      .addColumn("agent_id", "text", (c) => c.notNull())
      .addColumn("hcp_id", "text", (c) => c.notNull())
      .addColumn("roles", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("due_at", "text", (c) => c.notNull())
      .addColumn("closed_at", "text")
      .addColumn("closed_by", "text")
      .addColumn("signature", "text")
      .addColumn("reason", "text")
      .execute();
    await db.schema.createIndex("reviews_by_status").on("reviews").columns(["status", "due_at"]).execute();
    await db.schema.createIndex("reviews_by_agent").on("reviews").columns(["agent_id", "status"]).execute();

    await db.schema
      .createTable("audit_records")
      .addColumn("seq", "integer", (c) => c.primaryKey())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("prev_hash", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull())
      .execute();

    // One row: the chain's head. Locking it orders appends across processes for the few
    // microseconds of the append, while everything before it runs in parallel.
    await db.schema
      .createTable("audit_head")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull())
      .execute();
    await db.insertInto("audit_head").values({ id: 1, seq: 0, hash: "0".repeat(64) }).execute();

    await db.schema
      .createTable("governance_bundles")
      .addColumn("version", "text", (c) => c.primaryKey())
      .addColumn("owner", "text", (c) => c.notNull())
      .addColumn("files", "text", (c) => c.notNull())
      .addColumn("activated_at", "text", (c) => c.notNull())
      .addColumn("activated_by", "text", (c) => c.notNull())
      .addColumn("active", "integer", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("settings")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("value", "text", (c) => c.notNull())
      .execute();
  },
};
