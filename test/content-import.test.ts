// `steward content import FILE`: a claims library and its assets from CSV and JSONL, straight into the
// store through the same services as the API (checks run, audit written), every valid row imported and
// every bad one reported by line, field and message. On SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ENGINES } from "./engines.ts";
import { startTestServer, type Api, type TestServer } from "./server.ts";
import { contentBundleDir, fails, LDL_TEXT, makeUser, ok, SIGN } from "./content-fixtures.ts";

const ROOT = resolve(import.meta.dirname, "..");
const LIPID_HORIZON = "Hartmann K, et al. LIPID-HORIZON. J Clin Lipidol. 2025;19:201-212.";
const DE_TEXT = "Cardiozan senkte das LDL-C in Woche 12 um 50 % gegenüber dem Ausgangswert, zusätzlich zu einer maximal verträglichen Statintherapie.";

/** A CSV line, quoting cells as a spreadsheet exports them. */
const csvLine = (cells: readonly string[]) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(",");

const HEADER = ["kind", "id", "text", "product", "risk_class", "references", "markets", "title", "subject", "channel", "market", "language", "claims", "body", "safety_info", "expires_at", "derived_from"] as const;
type Column = (typeof HEADER)[number];
const row = (cells: Partial<Record<Column, string>>) => csvLine(HEADER.map((h) => cells[h] ?? ""));
const emailBody = (copy: string) => `Dear {{hcp.name}},\n${copy}\nUnsubscribe: {{unsubscribe}}`;

describe.each(ENGINES)("steward content import on %s", (engine) => {
  let server: TestServer;
  let dir: string;
  let viewer: Api;
  let medical: Api;
  let regulatory: Api;
  const steward = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, "bin/steward.js"), ...args, "--data", server.location.dataDir], {
      cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: server.location.databaseUrl ?? "" },
    });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const db = () => server.ctx.store.db;
  const ids = async (table: "claims" | "assets", prefix: string) =>
    (await db().selectFrom(table).select("id").where("id", "like", `${prefix}%`).orderBy("id").execute()).map((r) => r.id);

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: contentBundleDir() });
    viewer = (await makeUser(server, "vic", ["viewer"])).api;
    medical = (await makeUser(server, "meyer", ["reviewer:medical"])).api;
    regulatory = (await makeUser(server, "roth", ["reviewer:regulatory"])).api;
    dir = mkdtempSync(join(tmpdir(), "steward-content-import-"));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports every valid claim and asset of a CSV library, reports each bad row by line and field, and changes nothing when run again", async () => {
    const lines = [
      csvLine(HEADER),
      // 2-3: a claim with two citations (they carry commas and semicolons: one per line in the cell)
      row({ kind: "claim", id: "csv-clm-ldl", text: LDL_TEXT, product: "Cardiozan", risk_class: "medium", references: `${LIPID_HORIZON}\nCardiozan US Prescribing Information, section 14.1`, markets: "US|DE", expires_at: "2027-03-01T00:00:00Z" }),
      // 4: a German claim; its language is detected from the text
      row({ kind: "claim", id: "csv-clm-ldl-de", text: DE_TEXT, product: "Cardiozan", references: LIPID_HORIZON, markets: "DE" }),
      // 5: a claim with an unknown risk class and a three-letter market
      row({ kind: "claim", id: "csv-clm-bad", text: "Cardiozan is well tolerated.", risk_class: "extreme", references: "Data on file", markets: "USA" }),
      // 6: a claim without an id
      row({ kind: "claim", text: "Cardiozan is taken once daily.", references: "PI section 2", markets: "US" }),
      // 7: neither a claim nor an asset
      row({ kind: "slide", id: "csv-slide-1", title: "Detail aid" }),
    ];
    // 8-10: an email built on the claim above (the body spans three lines)
    lines.push(row({ kind: "asset", id: "csv-ast-us", title: "LIPID-HORIZON results", subject: "New LDL-C data", channel: "email", market: "US", language: "en", product: "Cardiozan", claims: "csv-clm-ldl@1", body: emailBody(LDL_TEXT), expires_at: "2027-01-01T00:00:00Z" }));
    // 11: its web version, derived from it
    lines.push(row({ kind: "asset", id: "csv-ast-us-web", title: "LIPID-HORIZON results (web)", channel: "web", market: "US", language: "en", product: "Cardiozan", claims: "csv-clm-ldl", body: LDL_TEXT, derived_from: "csv-ast-us" }));
    // 12-14: an email whose copy the checks will flag: a valid row, created as a draft with its findings
    lines.push(row({ kind: "asset", id: "csv-ast-cure", title: "Bold claims", subject: "A cure at last", channel: "email", market: "US", language: "en", product: "Cardiozan", claims: "csv-clm-ldl", body: emailBody("Cardiozan cures high cholesterol.") }));
    // 15: an asset naming a claim that exists nowhere
    lines.push(row({ kind: "asset", id: "csv-ast-orphan", title: "Orphan", subject: "Hello", channel: "email", market: "US", language: "en", claims: "csv-clm-nope", body: "Hello. Unsubscribe: {{unsubscribe}}" }));
    // 16: an asset carrying a claim's text column
    lines.push(row({ kind: "asset", id: "csv-ast-mixed", text: "Cardiozan lowers LDL-C.", title: "Mixed", channel: "field", market: "US", language: "en", body: "Detail" }));
    // 17: a row cut short
    lines.push("claim,csv-clm-short,Cardiozan is new.");
    // 18: a claim with a date that does not exist
    lines.push(row({ kind: "claim", id: "csv-clm-date", text: "Cardiozan is taken once daily.", references: "PI section 2", markets: "US", expires_at: "2026-02-31T00:00:00Z" }));
    const csv = file("mlr-library.csv", lines.join("\n") + "\n");

    const r = steward("content", "import", csv);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    const out = r.stdout.trim().split("\n");
    expect(out.slice(0, -1)).toEqual([
      'row 5, riskClass: Invalid option: expected one of "low"|"medium"|"high"',
      "row 5, markets.0: a market is a two-letter country code such as US or DE",
      "row 6, id: an imported claim names its id, so that importing the file again does not create it twice",
      'row 7, kind: must be claim or asset, not "slide"',
      "row 15, claims[0]: claim 'csv-clm-nope' does not exist",
      "row 16, text: is not a field of an asset",
      "row 17, row: has 3 fields; the header has 17",
      "row 18, expiresAt: Invalid ISO datetime",
      "row 18, expiresAt: not a real date and time",
    ]);
    expect(out.at(-1)).toMatch(/^imported .*mlr-library\.csv: 12 rows, 2 claims and 3 assets created \(1 with pre-review errors to fix before submission\), 0 unchanged, 7 rejected \(\d+\.\ds\)$/);

    expect(await ids("claims", "csv-")).toEqual(["csv-clm-ldl", "csv-clm-ldl-de"]);
    expect(await ids("assets", "csv-")).toEqual(["csv-ast-cure", "csv-ast-us", "csv-ast-us-web"]);
    const { claim } = await ok(viewer.get("/v1/claims/csv-clm-ldl"));
    expect(claim).toMatchObject({
      status: "draft", version: 1, riskClass: "medium", product: "Cardiozan", markets: ["US", "DE"], language: "en", createdBy: "system",
      references: [LIPID_HORIZON, "Cardiozan US Prescribing Information, section 14.1"], expiresAt: "2027-03-01T00:00:00.000Z",
    });
    expect((await ok(viewer.get("/v1/claims/csv-clm-ldl-de"))).claim).toMatchObject({ language: "de", riskClass: "low", markets: ["DE"] });
    const { asset } = await ok(viewer.get("/v1/assets/csv-ast-us"));
    expect(asset).toMatchObject({ status: "draft", modules: [{ claimId: "csv-clm-ldl", version: 1 }], checks: [], riskClass: "medium", expiresAt: "2027-01-01T00:00:00.000Z" });
    expect(asset.rendered).toContain("IMPORTANT SAFETY INFORMATION");
    expect((await ok(viewer.get("/v1/assets/csv-ast-us-web"))).asset).toMatchObject({ channel: "web", derivedFrom: "csv-ast-us", subject: null });
    // The pre-review checks ran, as for an asset posted to the API.
    const cure = (await ok(viewer.get("/v1/assets/csv-ast-cure"))).asset;
    expect(cure.checks.map((c: any) => [c.code, c.field, c.span.text])).toEqual([
      ["PROHIBITED_WORDING", "subject", "cure"], ["CLAIM_UNMATCHED", "body", "Cardiozan cures high cholesterol."], ["PROHIBITED_WORDING", "body", "cures"],
    ]);
    // Audited like any creation, naming the file.
    const audit = await db().selectFrom("audit_records").select(["type", "subject", "actor", "data"]).where("subject", "like", "%:csv-%").orderBy("seq").execute();
    expect(audit.map((a) => [a.type, a.subject, a.actor])).toEqual([
      ["claim.created", "claim:csv-clm-ldl", "system"], ["claim.created", "claim:csv-clm-ldl-de", "system"],
      ["asset.created", "asset:csv-ast-us", "system"], ["asset.created", "asset:csv-ast-us-web", "system"], ["asset.created", "asset:csv-ast-cure", "system"],
    ]);
    expect(audit.every((a) => JSON.parse(a.data).origin === "import:mlr-library.csv")).toBe(true);
    expect((await ok(server.api.get("/v1/audit/verify"))).ok).toBe(true);

    // Imported content goes through the workflow like any other: medium risk needs two people.
    await ok(medical.post("/v1/claims/csv-clm-ldl/approve", SIGN));
    await ok(regulatory.post("/v1/claims/csv-clm-ldl/approve", SIGN));
    await ok(medical.post("/v1/assets/csv-ast-us/approve", SIGN));
    expect((await ok(regulatory.post("/v1/assets/csv-ast-us/approve", SIGN))).asset.status).toBe("approved");

    // Run again, as after an interruption: what was imported is unchanged, the bad rows are reported again.
    const again = steward("content", "import", csv);
    expect(again.status).toBe(1);
    expect(again.stdout.trim().split("\n").slice(0, -1)).toEqual(out.slice(0, -1));
    expect(again.stdout.trim().split("\n").at(-1)).toContain("12 rows, 0 claims and 0 assets created, 5 unchanged, 7 rejected");
    expect(await ids("claims", "csv-")).toEqual(["csv-clm-ldl", "csv-clm-ldl-de"]);
    expect((await ok(viewer.get("/v1/assets/csv-ast-us"))).asset).toMatchObject({ version: 1, status: "approved" });

    // A row that reuses an id for other content is refused: an import never edits.
    const changed = file("changed.csv", [csvLine(HEADER), row({ kind: "claim", id: "csv-clm-ldl", text: "Cardiozan lowered LDL-C by 60%.", references: LIPID_HORIZON, markets: "US" })].join("\n"));
    const refused = steward("content", "import", changed);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain("row 2, id: claim 'csv-clm-ldl' already exists with other content; an import creates, it does not edit (PUT /v1/claims/csv-clm-ldl makes a new version)");
    expect((await ok(viewer.get("/v1/claims/csv-clm-ldl"))).claim).toMatchObject({ version: 1, status: "approved" });
  });

  it("imports a JSONL file the same way, with the API's field names and shapes", async () => {
    const jsonl = file("library.jsonl", [
      JSON.stringify({ kind: "claim", id: "jl-clm-ldl", text: LDL_TEXT, product: "Cardiozan", riskClass: "low", references: [LIPID_HORIZON], markets: ["US"] }),
      "{not json",
      JSON.stringify({ kind: "asset", id: "jl-ast-us", title: "LIPID-HORIZON results", subject: "New LDL-C data", channel: "email", market: "US", language: "en", product: "Cardiozan", claims: [{ id: "jl-clm-ldl", version: 1 }], body: emailBody(LDL_TEXT) }),
      "",
      JSON.stringify(["claim", "jl-clm-array"]),
      JSON.stringify({ kind: "claim", id: "jl-clm-colour", text: "Cardiozan is red.", references: ["Data on file"], markets: ["US"], colour: "red" }),
      JSON.stringify({ kind: "asset", id: "jl-ast-de", title: "LDL-C Ergebnisse", subject: "Neue LDL-C-Daten", channel: "email", market: "DE", language: "de", product: "Cardiozan", claims: ["jl-clm-ldl", "jl-clm-ldl"], body: "Hallo" }),
      // snake_case keys are read as the API's names
      JSON.stringify({ kind: "claim", id: "jl-clm-snake", text: "Cardiozan is taken once daily.", risk_class: "high", references: ["PI section 2"], markets: ["US"], expires_at: "2027-01-01T00:00:00Z" }),
    ].join("\n"));
    const r = steward("content", "import", jsonl);
    expect(r.status).toBe(1);
    const out = r.stdout.trim().split("\n");
    expect(out[0]).toMatch(/^row 2, line: is not valid JSON/);
    expect(out.slice(1, -1)).toEqual([
      "row 5, line: is not a JSON object",
      "row 6, colour: is not a field of a claim",
      "row 7, claims[1]: claim 'jl-clm-ldl' is already listed at claims[0]",
    ]);
    expect(out.at(-1)).toContain("7 rows, 2 claims and 1 assets created, 0 unchanged, 4 rejected");
    expect((await ok(viewer.get("/v1/claims/jl-clm-snake"))).claim).toMatchObject({ riskClass: "high", expiresAt: "2027-01-01T00:00:00.000Z" });
    expect((await ok(viewer.get("/v1/assets/jl-ast-us"))).asset.modules).toEqual([{ claimId: "jl-clm-ldl", version: 1 }]);
    await fails(viewer.get("/v1/assets/jl-ast-de"), 404, "NOT_FOUND");
  });

  it("exits 0 with only a summary when every row is good, and 1 for a file it cannot read as content", async () => {
    const good = file("good.csv", [csvLine(["Kind", "ID", "Text", "References", "Markets"]), csvLine(["claim", "good-clm-1", "Cardiozan is taken once daily.", "PI section 2", "US"])].join("\n"));
    const r = steward("content", "import", good);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toContain("1 rows, 1 claims and 0 assets created, 0 unchanged, 0 rejected");

    const kindless = steward("content", "import", file("kindless.csv", "id,text\nx,Cardiozan\n"));
    expect(kindless.status).toBe(1);
    expect(kindless.stdout).toContain("the header row names no 'kind' column");
    const extra = steward("content", "import", file("extra.csv", "kind,id,text,notes\nclaim,x,Cardiozan,\n"));
    expect(extra.status).toBe(1);
    expect(extra.stdout).toContain("column(s) that are no field of a claim or an asset: 'notes'");
    expect(await ids("claims", "x")).toEqual([]);
  });
});

describe("steward content import, bad usage", () => {
  it("exits 2, before touching any store, for a missing file, an unknown format or a missing argument", () => {
    const dir = mkdtempSync(join(tmpdir(), "steward-content-usage-"));
    try {
      const steward = (...args: string[]) =>
        spawnSync(process.execPath, [join(ROOT, "bin/steward.js"), "content", "import", ...args, "--data", join(dir, "store")], { cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: "" } });
      const text = join(dir, "library.txt");
      writeFileSync(text, "kind,id\n");
      const missing = steward(join(dir, "missing.csv"));
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain("cannot read");
      expect(steward(text).stderr).toContain("name it .csv or .jsonl, or pass --format csv|jsonl");
      expect(steward(text).status).toBe(2);
      expect(steward(text, "--format", "xlsx").status).toBe(2);
      expect(steward().status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
