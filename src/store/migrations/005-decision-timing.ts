import type { Kysely, Migration } from "kysely";

// When the gate received a proposal, so governance latency (received → decided) can be measured apart
// from the agent's own latency (insight → proposal).
export const m005_decision_timing: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("decisions").addColumn("received_at", "text").execute();
  },
};
