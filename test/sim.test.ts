// The operating-model simulator: deterministic on a seed, and in scenario (a) the governed portfolio
// keeps the company's contact policy while the same pilots, siloed, break it — checked by brute force
// over the touches each store recorded, independently of the gate.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { loadBundleDir } from "../src/governance/load.ts";
import { EXAMPLE_BUNDLE_DIR } from "../src/server/context.ts";
import type { Bundle } from "../src/governance/bundle.ts";
import type { Channel } from "../src/shared/vocabulary.ts";
import { DEFAULT_PARAMS, withParams } from "../src/sim/params.ts";
import { runScenario, scenarioNamed, type ScenarioResult } from "../src/sim/scenarios.ts";
import { PILOTS } from "../src/sim/pilots.ts";
import { contactFindings, peakInAnyWindow, policyBreaches, type TruthTouch } from "../src/sim/compliance.ts";
import type { ArmResult } from "../src/sim/run.ts";

const SMALL = withParams(DEFAULT_PARAMS, (p) => {
  p.hcps = 120;
  p.days = 21;
  p.seed = 42;
});

function bundle(): Bundle {
  const loaded = loadBundleDir(EXAMPLE_BUNDLE_DIR);
  if (!loaded.ok) throw new Error("the example bundle does not load");
  return loaded.bundle;
}

/** Every live touch the stores recorded, per HCP, with the HCP's zone. */
function touchesIn(dbFiles: string[]): Map<string, { zone: string; touches: TruthTouch[] }> {
  const out = new Map<string, { zone: string; touches: TruthTouch[] }>();
  for (const file of dbFiles) {
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      const rows = db.prepare(`select t.hcp_id, t.at, t.channel, t.exempt, h.timezone from touches t join hcps h on h.id = t.hcp_id where t.cancelled = 0`).all() as
        { hcp_id: string; at: string; channel: Channel; exempt: number; timezone: string }[];
      for (const r of rows) {
        let entry = out.get(r.hcp_id);
        if (!entry) out.set(r.hcp_id, (entry = { zone: r.timezone, touches: [] }));
        entry.touches.push({ at: Date.parse(r.at), channel: r.channel, exempt: r.exempt === 1 });
      }
    } finally {
      db.close();
    }
  }
  return out;
}

/** The numbers of an arm, without how long the machine took to compute them. */
function numbers(arm: ArmResult) {
  const { performance: _ignored, ...rest } = arm;
  return rest;
}

describe("the contact-policy brute force", () => {
  const policy = bundle().contact;
  const day = 86_400_000;
  const noon = Date.parse("2026-03-02T17:00:00Z"); // 12:00 in New York

  it("finds a fifth touch in seven days, a touch inside the gap, and one in quiet hours", () => {
    const five = [0, 1, 2, 3, 4].map((d) => ({ at: noon + d * day, channel: "web" as Channel, exempt: false }));
    expect(peakInAnyWindow(five, policy.caps.find((c) => c.channel === "all")!)).toBe(5);
    expect(policyBreaches(five, policy, "America/New_York")).toEqual([expect.stringContaining("5 touches in one window")]);
    const gap = [{ at: noon, channel: "web" as Channel, exempt: false }, { at: noon + 3_600_000, channel: "web" as Channel, exempt: false }];
    expect(contactFindings(gap, policy, "America/New_York").underGap).toBe(1);
    const night = [{ at: Date.parse("2026-03-03T03:00:00Z"), channel: "email" as Channel, exempt: false }]; // 22:00 in New York
    expect(contactFindings(night, policy, "America/New_York").quietHours).toBe(1);
  });

  it("does not count exempt touches (answers to the HCP's own questions)", () => {
    const touches = [0, 1, 2, 3, 4, 5].map((d) => ({ at: noon + d * day, channel: "email" as Channel, exempt: true }));
    expect(policyBreaches(touches, policy, "America/New_York")).toEqual([]);
  });
});

describe("steward simulate", () => {
  const dir = mkdtempSync(join(tmpdir(), "steward-sim-test-"));
  let first: ScenarioResult;

  beforeAll(async () => {
    first = await runScenario(scenarioNamed("portfolio")!, SMALL, { workDir: join(dir, "a") });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives the same numbers for the same seed", async () => {
    const again = await runScenario(scenarioNamed("portfolio")!, SMALL);
    expect(again.arms.map(numbers)).toEqual(first.arms.map(numbers));
    expect(first.arms[1].totals.proposals).toBeGreaterThan(100);
  });

  it("gives other numbers for another seed", async () => {
    const other = await runScenario(scenarioNamed("portfolio")!, withParams(SMALL, (p) => void (p.seed = 43)));
    expect(other.arms.map(numbers)).not.toEqual(first.arms.map(numbers));
  });

  it("in scenario (a), the governed portfolio never exceeds the contact policy; the siloed pilots do", () => {
    const policy = bundle().contact;
    const governed = touchesIn([join(dir, "a", "governed", "steward", "steward.db")]);
    const siloed = touchesIn(PILOTS.map((p) => join(dir, "a", "siloed", p.id, "steward.db")));
    expect(governed.size).toBeGreaterThan(50);

    const governedBreaches = [...governed].flatMap(([hcp, { zone, touches }]) => policyBreaches(touches, policy, zone).map((b) => `${hcp}: ${b}`));
    expect(governedBreaches).toEqual([]);

    let overCap = 0;
    for (const { touches } of siloed.values()) {
      for (const cap of policy.caps) if (peakInAnyWindow(touches, cap) > cap.max) overCap++;
    }
    expect(overCap).toBeGreaterThan(0);
    // The simulator's own report agrees.
    expect(first.arms[1].violations.contact).toBe(0);
    expect(first.arms[0].violations.contactDetail.overCap).toBeGreaterThan(0);
    // Nothing reaches an HCP through the governed portfolio that the company's bundle did not allow, by any kind
    // (ground truth judges authority with the thresholds and content facts the gate itself reads).
    expect(first.arms[1].violations.total).toBe(0);
  });
});

describe("steward simulate (the command)", () => {
  const ROOT = resolve(import.meta.dirname, "..");
  const steward = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "bin/steward.js"), ...args], { cwd: ROOT, encoding: "utf8" });

  it("writes a self-contained HTML report and the same numbers as JSON", () => {
    const out = mkdtempSync(join(tmpdir(), "steward-sim-out-"));
    try {
      const r = steward("simulate", "--scenario", "mlr", "--hcps", "60", "--days", "8", "--seed", "5", "--out", out, "--set", "market.fatigueRate=0.3");
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("(c) 20-day MLR review vs upstream modular reuse");
      const json = JSON.parse(readFileSync(join(out, "mlr.json"), "utf8")) as ScenarioResult;
      expect(json.params.market.fatigueRate).toBe(0.3);
      expect(json.arms.map((a) => a.contentMode)).toEqual(["traditional", "modular"]);
      const html = readFileSync(join(out, "mlr.html"), "utf8");
      expect(html).toContain("Not a forecast.");
      expect(html).toContain("<svg");
      expect(html).not.toMatch(/<script|<link|src=|href="http/i);
      for (const arm of json.arms) expect(html).toContain(arm.totals.proposals.toLocaleString("en-US"));
      expect(html).toContain("market.fatigueRate");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("documents every model parameter in --help, and refuses a bad one with exit 2", () => {
    const help = steward("simulate", "--help");
    expect(help.status).toBe(0);
    for (const path of ["market.unsubscribeNoise", "data.mode", "content.traditionalDays", "review.brandPerDay"]) expect(help.stdout).toContain(path);
    const bad = steward("simulate", "--scenario", "portfolio", "--set", "market.noSuchThing=1");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown parameter 'market.noSuchThing'");
    const unknown = steward("simulate", "--scenario", "nope");
    expect(unknown.status).toBe(2);
  });
});
