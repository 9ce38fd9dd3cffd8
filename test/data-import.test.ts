// `steward events import FILE`: CRM extracts as CSV and JSONL, straight into the store, every valid row
// imported and every bad one reported by line, field and message. On SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { ok, seedMarket, type Market } from "./market.ts";

const ROOT = resolve(import.meta.dirname, "..");
const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

describe.each(ENGINES)("steward events import on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  let dir: string;
  const steward = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, "bin/steward.js"), ...args, "--data", server.location.dataDir], {
      cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: server.location.databaseUrl ?? "" },
    });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const stored = (prefix: string) => server.ctx.store.db.selectFrom("events").selectAll().where("id", "like", `${prefix}%`).orderBy("id").execute();

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE });
    m = await seedMarket(server);
    dir = mkdtempSync(join(tmpdir(), "steward-import-"));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports every valid row of a CSV extract and reports each bad row by line and field", async () => {
    const csv = file("crm-extract.csv", [
      "Event ID,HCP_ID,Type,Source,Occurred_At,Rep,Data",
      `csv-1,us-1,crm.call_logged,crm,${ago(5)},R. Diaz,`,
      `csv-2,us-2,crm.call_logged,crm,${ago(4)},R. Diaz,"{""topic"": ""LDL-C goals""}"`,
      `csv-3,us-1,crm.call_logged,crm,yesterday,R. Diaz,`,
      `csv-4,nobody,crm.call_logged,crm,${ago(3)},R. Diaz,`,
      `csv-5,us-1,crm.call_logged,crm,${ago(3)},R. Diaz,{oops`,
      `csv-6,us-1,crm.call_logged,crm,${ago(3)}`,
      `csv-1,us-1,crm.call_logged,crm,${ago(1)},someone else,`,
      "",
      `csv-7,de-1,"symposium.attended",events,${ago(20)},,"{""event"": ""DGK 2026""}"`,
      `csv-8,us-2,,crm,${ago(2)},R. Diaz,`,
    ].join("\n") + "\n");
    const r = steward("events", "import", csv);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines.slice(0, -1)).toEqual([
      "row 4, occurredAt: Invalid ISO datetime",
      "row 5, hcpId: HCP 'nobody' does not exist",
      "row 6, data: is not valid JSON",
      "row 7, row: has 5 fields; the header has 7",
      "row 11, type: Invalid input: expected string, received undefined",
    ]);
    expect(lines.at(-1)).toMatch(/^imported .*crm-extract\.csv: 9 rows, 3 accepted, 1 duplicates, 5 rejected \(\d+\.\ds\)$/);

    const events = await stored("csv-");
    expect(events.map((e) => e.id)).toEqual(["csv-1", "csv-2", "csv-7"]);
    expect(JSON.parse(events[0]!.data)).toEqual({ Rep: "R. Diaz" });
    expect(JSON.parse(events[1]!.data)).toEqual({ Rep: "R. Diaz", topic: "LDL-C goals" });
    // The HCP's state moved with the import.
    const state = (await ok(m.users.mops.get("/v1/hcps/de-1/state"))).state;
    expect(state.attendedEvents.map((a: any) => a.name)).toEqual(["DGK 2026"]);
    const audit = await server.ctx.store.db.selectFrom("audit_records").select("data").where("type", "=", "events.ingested").execute();
    expect(audit.some((a) => JSON.parse(a.data).origin === "import:crm-extract.csv")).toBe(true);

    // Run again, as after an interruption: what was imported is a duplicate, nothing changes.
    const again = steward("events", "import", csv);
    expect(again.stdout.trim().split("\n").at(-1)).toContain("9 rows, 0 accepted, 4 duplicates, 5 rejected");
    expect(await stored("csv-")).toEqual(events);
  });

  it("imports a JSONL extract the same way", async () => {
    const asked = ago(1);
    const jsonl = file("events.jsonl", [
      JSON.stringify({ id: "jl-1", hcpId: "us-1", type: "web.content_viewed", source: "web", occurredAt: ago(2), data: { page: "/results" } }),
      "{not json",
      JSON.stringify({ id: "jl-2", hcp_id: "us-2", type: "mi.request_received", source: "mi", occurred_at: asked, topic: "renal dosing" }),
      "",
      JSON.stringify([1, 2]),
      JSON.stringify({ id: "jl-3", hcpId: "us-2", type: "delivered", source: "esp", occurredAt: ago(1) }),
      JSON.stringify({ id: "jl-4", hcpId: "us-2", type: "web.content_viewed", source: "web", occurredAt: ago(-72) }),
    ].join("\n"));
    const r = steward("events", "import", jsonl);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^row 2, line: is not valid JSON/);
    expect(lines.slice(1, -1)).toEqual([
      "row 5, line: is not a JSON object",
      "row 6, decisionId: a 'delivered' outcome must name the decision it is about",
      expect.stringMatching(/^row 7, occurredAt: .* is more than 24h ahead of now/),
    ]);
    expect(lines.at(-1)).toContain("6 rows, 2 accepted, 0 duplicates, 4 rejected");
    expect((await stored("jl-")).map((e) => e.id)).toEqual(["jl-1", "jl-2"]);
    const state = (await ok(m.users.mops.get("/v1/hcps/us-2/state"))).state;
    expect(state.openMiRequests).toEqual([{ id: "jl-2", at: asked, topic: "renal dosing" }]);
  });

  it("exits 0 with only a summary when every row is good, and 2 on bad usage", async () => {
    const good = file("good.csv", `id,hcpId,type,source,occurredAt\ngood-1,us-1,crm.call_logged,crm,${ago(1)}\n`);
    const r = steward("events", "import", good);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(steward("events", "import", join(dir, "missing.csv")).status).toBe(2);
    expect(steward("events", "import", file("x.txt", "hello")).status).toBe(2);
    const headless = steward("events", "import", file("headless.csv", "a,b,c\n1,2,3\n"));
    expect(headless.status).toBe(1);
    expect(headless.stdout).toContain("the header row names no column for id, hcpId, type, source, occurredAt");
  });
});
