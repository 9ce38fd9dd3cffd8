// One HCP, one identity: identifiers (unique per scheme and value), merged records, and the global
// halt with the agents it stopped. Portable column types only.
import { sql, type Kysely, type Migration } from "kysely";

export const m011_identity: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("hcp_identifiers")
      .addColumn("scheme", "text", (c) => c.notNull())
      .addColumn("value", "text", (c) => c.notNull())
      .addColumn("hcp_id", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("hcp_identifiers_pk", ["scheme", "value"])
      .execute();
    await db.schema.createIndex("hcp_identifiers_by_hcp").on("hcp_identifiers").column("hcp_id").execute();
    // Existing NPIs become identifiers; where two records shared one (the hole this closes), the first
    // id keeps it and the other stays without, for a person to merge.
    await sql`insert into hcp_identifiers (scheme, value, hcp_id, created_at)
      select 'npi', npi, min(id), min(created_at) from hcps where npi is not null group by npi`.execute(db);

    await db.schema
      .createTable("hcp_merges")
      .addColumn("merged_id", "text", (c) => c.primaryKey())
      .addColumn("survivor_id", "text", (c) => c.notNull())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("merged_at", "text", (c) => c.notNull())
      .addColumn("merged_by", "text", (c) => c.notNull())
      .addColumn("profile", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("hcp_merges_by_survivor").on("hcp_merges").column("survivor_id").execute();

    await db.schema
      .createTable("portfolio_halts")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("started_by", "text", (c) => c.notNull())
      .addColumn("ended_at", "text")
      .addColumn("ended_by", "text")
      .addColumn("end_reason", "text")
      .execute();
    await db.schema
      .createTable("portfolio_halt_agents")
      .addColumn("halt_id", "text", (c) => c.notNull())
      .addColumn("agent_id", "text", (c) => c.notNull())
      .addColumn("previous_status", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("portfolio_halt_agents_pk", ["halt_id", "agent_id"])
      .execute();
  },
};
