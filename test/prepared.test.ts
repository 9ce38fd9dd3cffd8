// Prepared queries: built once per engine, then only their values change. On both engines, inside
// and outside a transaction, against the real migrated schema.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../src/store/db.ts";
import { prepared, wholeRow } from "../src/store/prepared.ts";
import type { AgentsTable } from "../src/store/schema.ts";
import { ENGINES, freshStore, type TestStoreLocation } from "./engines.ts";

const agentName = prepared((db, p: { id: string }) => db.selectFrom("agents").select(["id", "name"]).where("id", "=", p.id));
type AgentRow = AgentsTable;
const insertAgent = prepared((db, p: AgentRow) => db.insertInto("agents").values(wholeRow(p, {
  id: true, name: true, owner: true, objective: true, metric: true, actions: true, markets: true, priority: true, status: true, status_reason: true, status_changed_at: true, created_at: true, thresholds: true,
})));
const rename = prepared((db, p: { id: string; name: string }) => db.updateTable("agents").set({ name: p.name }).where("id", "=", p.id));

const agent = (id: string, name: string): AgentRow => ({
  id, name, owner: "Jane Roe", objective: "o", metric: "m", actions: "[]", markets: "[]", priority: 50, status: "active", status_reason: null, status_changed_at: "2026-01-01T00:00:00.000Z", created_at: "2026-01-01T00:00:00.000Z", thresholds: "{}",
});

describe.each(ENGINES)("prepared queries on %s", (engine) => {
  let location: TestStoreLocation;
  let store: Store;
  beforeAll(async () => {
    location = await freshStore(engine);
    store = await openStore({ dataDir: location.dataDir, ...(location.databaseUrl ? { databaseUrl: location.databaseUrl } : {}) });
  });
  afterAll(async () => {
    await store?.close();
    await location?.drop();
  });

  it("binds each call's own values to the one compiled statement", async () => {
    await insertAgent.run(store.db, agent("a-1", "First"));
    await insertAgent.run(store.db, agent("a-2", "Second"));
    expect(await agentName.first(store.db, { id: "a-1" })).toEqual({ id: "a-1", name: "First" });
    expect(await agentName.first(store.db, { id: "a-2" })).toEqual({ id: "a-2", name: "Second" });
    expect(await agentName.first(store.db, { id: "nobody" })).toBeUndefined();
    expect(await agentName.all(store.db, { id: "a-2" })).toHaveLength(1);
  });

  it("counts the rows a change touched, and runs inside a transaction that can roll back", async () => {
    expect(await rename.run(store.db, { id: "a-1", name: "Renamed" })).toBe(1);
    expect(await rename.run(store.db, { id: "nobody", name: "x" })).toBe(0);
    await expect(store.db.transaction().execute(async (trx) => {
      expect(await rename.run(trx, { id: "a-2", name: "Inside" })).toBe(1);
      expect((await agentName.first(trx, { id: "a-2" }))?.name).toBe("Inside");
      throw new Error("roll back");
    })).rejects.toThrow("roll back");
    expect((await agentName.first(store.db, { id: "a-2" }))?.name).toBe("Second");
    expect((await agentName.first(store.db, { id: "a-1" }))?.name).toBe("Renamed");
  });

  it("refuses a builder that computes with a parameter instead of binding it", async () => {
    const broken = prepared((db, p: { id: string; suffix: string }) => db.selectFrom("agents").select("id").where("id", "=", `${String(p.id)}-${String(p.suffix)}`));
    await expect(broken.first(store.db, { id: "a", suffix: "1" })).rejects.toThrow(/parameter 'id' does not reach the SQL/);
  });
});
