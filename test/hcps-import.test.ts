// `steward hcps import FILE --format nppes [--match]`: the CMS NPPES NPI registry file into the store,
// individuals only, specialty from the taxonomy, bad NPIs reported; --match proposes merges and applies
// none. Through the real command line, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ENGINES } from "./engines.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { ok, seedMarket, type Market } from "./market.ts";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURE = resolve(import.meta.dirname, "fixtures/nppes-sample.csv");
const BUNDLE = resolve(import.meta.dirname, "bundles/basic");

describe.each(ENGINES)("steward hcps import --format nppes on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  let dir: string;
  const steward = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, "bin/steward.js"), ...args, "--data", server.location.dataDir], {
      cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: server.location.databaseUrl ?? "" },
    });

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE });
    m = await seedMarket(server);
    dir = mkdtempSync(join(tmpdir(), "steward-nppes-"));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports individuals with their NPI and specialty, skips organizations and deactivated NPIs, reports a bad NPI", async () => {
    const run = steward("hcps", "import", FIXTURE, "--format", "nppes");
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain("row 6, NPI: NPI 1497758545 fails its check digit");
    expect(run.stdout).toContain("row 5: NPI 1234567893 again (first in row 2)");
    expect(run.stdout).toMatch(/9 rows, 6 imported, 2 skipped, 0 kept, 1 rejected/);
    const jane = await ok(m.users.auditor.get("/v1/hcps/npi:1234567893"));
    expect(jane.hcp).toMatchObject({ id: "npi-1234567893", name: "Dr. Jane Smith", specialty: "Cardiovascular Disease", market: "US", identifiers: [{ scheme: "npi", value: "1234567893" }] });
    expect(jane.hcp.attributes).toMatchObject({ source: "nppes", taxonomy: "207RC0000X", state: "NY", practicePostalCode: "10016" });
    // The primary taxonomy is the one switched Y, not the first listed.
    expect((await ok(m.users.auditor.get("/v1/hcps/npi:1881722627"))).hcp.specialty).toBe("Neurology");
    const organizations = await server.ctx.store.db.selectFrom("hcps").select("id").where("name", "like", "%MERCY%").execute();
    expect(organizations).toEqual([]);
  });

  it("with --match proposes merges for likely duplicates and applies none", async () => {
    // A CRM record of the same person without NPI, and two legacy records sharing one NPI.
    await ok(m.users.mops.put("/v1/hcps/crm-7781", { name: "Dr. Jane A. Smith", specialty: "Cardiovascular Disease", market: "US", attributes: { practicePostalCode: "10016" } }), 201);
    const at = new Date().toISOString();
    const legacy = (id: string) => ({ id, name: "Dr. Legacy", specialty: "Cardiology", market: "US", timezone: null, npi: "1003000126", segment: null, attributes: "{}", created_at: at, updated_at: at });
    await server.ctx.store.db.insertInto("hcps").values([legacy("legacy-a"), legacy("legacy-b")]).execute();
    const out = join(dir, "proposals.json");
    const before = await server.ctx.store.db.selectFrom("hcps").select("id").execute();

    const run = steward("hcps", "import", FIXTURE, "--format", "nppes", "--match", "--out", out);
    expect(run.stdout).toMatch(/2 merge proposals \(none applied\)/);
    const { proposals } = JSON.parse(readFileSync(out, "utf8"));
    expect(proposals).toEqual(expect.arrayContaining([
      { survivor: "legacy-a", from: ["legacy-b"], reason: "same NPI 1003000126" },
      expect.objectContaining({ survivor: "npi-1234567893", from: ["crm-7781"] }),
    ]));
    // Namesakes with two NPIs are two people: never proposed.
    expect(JSON.stringify(proposals)).not.toContain("npi-1760349815");
    const after = await server.ctx.store.db.selectFrom("hcps").select("id").execute();
    expect(after.length).toBe(before.length);
    expect(await server.ctx.store.db.selectFrom("hcp_merges").selectAll().execute()).toEqual([]);
  });

  it("refuses a file that is not an NPPES extract, and an unknown format, as usage", () => {
    const wrong = steward("hcps", "import", FIXTURE, "--format", "csv");
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("--format must be nppes");
    const notNppes = steward("hcps", "import", resolve(import.meta.dirname, "../package.json"), "--format", "nppes");
    expect(notNppes.status).toBe(1);
  });
});
