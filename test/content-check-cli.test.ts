// `steward content check FILE`: the pre-review checks on copy without a server. Exit 0 without errors,
// 1 with errors, 2 on bad usage; every finding named by file:line:column, code and category.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll } from "vitest";
import { openContext } from "../src/server/context.ts";
import { seedDemo } from "../src/demo/seed.ts";

const ROOT = resolve(import.meta.dirname, "..");
const steward = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "bin/steward.js"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: "" } });
const dir = mkdtempSync(join(tmpdir(), "steward-copy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe("steward content check", () => {
  it("exits 1 on copy with errors, naming line, column, span and category", () => {
    const path = file("draft.md", "# Cardiozan\n\nDear Doctor,\nCardiozan works for everyone.\nStill not at goal on a statin alone?\n");
    const r = steward("content", "check", path);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${path}:4:11: error EFFICACY_ABSOLUTE [overstatement_of_efficacy] "works for everyone"`);
    expect(r.stdout).toContain(`${path}:5:1: warning RHETORICAL_QUESTION [unsubstantiated_superiority]`);
    expect(r.stdout).toMatch(/error\(s\), \d+ warning\(s\) for Cardiozan in US/);
  });

  it("exits 0 on the demo's approved wording, with the bundle's ISI for the product", () => {
    const path = file("ok.txt", "For your patients on a statin: in LIPID-HORIZON, Cardiozan lowered LDL-C by 50% from baseline at week 12 compared with placebo.\n");
    const r = steward("content", "check", path, "--product", "Cardiozan");
    expect(r.stdout).not.toContain(": error ");
    expect(r.status).toBe(0);
  });

  it("prints JSON with each finding's place, and checks an asset file's subject in its market's language", () => {
    const asset = { subject: "Cardiozan: nebenwirkungsfrei", market: "DE", channel: "email", product: "Cardiozan", body: "Guten Tag,\nCardiozan heilt Hypercholesterinämie.\nAbmelden: {{unsubscribe}}" };
    const path = file("asset.json", JSON.stringify(asset, null, 2));
    const r = steward("content", "check", path, "--json");
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ market: "DE", product: "Cardiozan", channel: "email", language: "de" });
    const heilt = out.findings.find((f: any) => f.span?.text === "heilt");
    // The body is escaped in JSON: its place is given within the body.
    expect(heilt).toMatchObject({ severity: "error", category: "overstatement_of_efficacy", in: "body", line: 2, column: 11 });
    expect(out.findings.some((f: any) => f.span?.field === "subject" && f.category === "minimization_of_risk")).toBe(true);
  });

  it("places findings of a YAML asset's block body at their line in the file", () => {
    const path = file("asset.yaml", "subject: LIPID-HORIZON\nproduct: Cardiozan\nbody: |\n  Dear Doctor,\n  Cardiozan eliminates high cholesterol.\n  Unsubscribe: {{unsubscribe}}\n");
    const r = steward("content", "check", path);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${path} (body):2:11: error EFFICACY_ABSOLUTE [overstatement_of_efficacy] "eliminates"`);
  });

  it("uses another bundle's content.yaml with --governance", () => {
    const bundle = join(dir, "bundle");
    cpSync(join(ROOT, "governance"), bundle, { recursive: true });
    writeFileSync(join(bundle, "content.yaml"), "lexicon:\n  default: { prohibited: [sensational] }\n");
    const path = file("lexicon.txt", "A sensational result.\n");
    expect(steward("content", "check", path).status).toBe(0);
    const r = steward("content", "check", path, "--governance", bundle);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("PROHIBITED_WORDING");
  });

  it("with --data, copy may restate the store's approved claims, and other product sentences name the closest one", async () => {
    const data = join(dir, "store");
    const ctx = await openContext({ dataDir: data });
    try {
      await seedDemo(ctx);
    } finally {
      ctx.anchor.close();
      await ctx.store.close();
    }
    const copy = "Dear Doctor,\nCardiozan lowered LDL-C by 50% from baseline at week 12 when added to maximally tolerated statin therapy.\nCardiozan fits the routine of patients on statins.\n";
    const path = file("restates.txt", copy);
    const offline = JSON.parse(steward("content", "check", path, "--json").stdout);
    expect(offline.findings.map((f: any) => f.code)).toContain("POPULATION_OMITTED");
    const r = steward("content", "check", path, "--data", data, "--json");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.findings.map((f: any) => f.code)).not.toContain("POPULATION_OMITTED");
    const free = out.findings.find((f: any) => f.code === "FREE_TEXT_CLAIM");
    expect(free).toMatchObject({ line: 3, column: 1, severity: "warning" });
    expect(free.claimId).toMatch(/^clm-cardiozan-/);
    expect(steward("content", "check", path, "--data", join(dir, "no-store")).status).toBe(2);
  }, 60_000);

  it("exits 2 on bad usage: no file, a missing file, an unknown market, a broken asset", () => {
    expect(steward("content", "check").status).toBe(2);
    const missing = steward("content", "check", join(dir, "nope.txt"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("cannot read");
    const market = steward("content", "check", file("m.txt", "Hello."), "--market", "XX");
    expect(market.status).toBe(2);
    expect(market.stderr).toContain("unknown market 'XX'");
    const broken = steward("content", "check", file("broken.json", "{\"subject\": 1}"));
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain("body");
  });
});
