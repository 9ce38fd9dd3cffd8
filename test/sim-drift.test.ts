// Scenario (d), an agent drifts: on the drift day one pilot's touches stop engaging while it proposes
// as confidently as before. The arm that runs the server's monitor evaluation on the virtual clock pauses
// it; the arm without monitors keeps sending. Same seed, same numbers.
import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, withParams } from "../src/sim/params.ts";
import { runScenario, scenarioNamed, type ScenarioResult } from "../src/sim/scenarios.ts";
import { driftSummary, renderReport } from "../src/sim/report.ts";
import type { ArmResult } from "../src/sim/run.ts";

// Long enough before the drift for a 28-day baseline to hold the pilot's settled engagement (in its first
// days, unfatigued HCPs engage far more, and a baseline of those days alone would trip the monitor early).
const DRIFT = withParams(DEFAULT_PARAMS, (p) => {
  p.hcps = 200;
  p.days = 36;
  p.seed = 42;
  p.drift.day = 28;
});

const numbers = (arm: ArmResult) => {
  const { performance: _ignored, ...rest } = arm;
  return rest;
};

describe("simulator scenario drift", () => {
  it("is one of the scenarios, so `all` runs it", () => {
    expect(scenarioNamed("drift")?.arms(DRIFT).map((a) => a.name)).toEqual(["no-monitors", "auto-pause"]);
  });

  it("pauses the drifting pilot with monitors, wastes fewer of its touches, and gives the same numbers on the same seed", async () => {
    const drift = scenarioNamed("drift")!;
    const first: ScenarioResult = await runScenario(drift, DRIFT, { parallel: false });
    const [none, monitored] = first.arms;
    expect(none.drift).toMatchObject({ reached: true, monitors: false, daysUntilPaused: null, trips: [] });
    expect(monitored.drift).toMatchObject({ reached: true, monitors: true, pilot: "email-optimiser" });
    expect(monitored.drift!.daysUntilPaused).toEqual(expect.any(Number));
    expect(monitored.drift!.daysUntilPaused!).toBeGreaterThanOrEqual(0);
    expect(monitored.drift!.trips.some((t) => t.agent === "email-optimiser" && t.monitor === "engagement-drop" && t.day >= 28)).toBe(true);
    // Without monitors the drifting pilot keeps sending; nearly every touch is wasted.
    expect(none.drift!.touchesAfter).toBeGreaterThan(0);
    expect(none.drift!.wastedTouches).toBeGreaterThan(none.drift!.touchesAfter * 0.8);
    expect(monitored.drift!.wastedTouches).toBeLessThan(none.drift!.wastedTouches);
    // After the pause its proposals are refused with the reason the gate gives a paused agent.
    expect(monitored.totals.rejectionReasons.AGENT_PAUSED ?? 0).toBeGreaterThan(0);
    expect(none.totals.rejectionReasons.AGENT_PAUSED ?? 0).toBe(0);

    const html = renderReport(first);
    expect(html).toContain("<h2>An agent drifts</h2>");
    expect(html).toMatch(/it was paused [\d.]+ days after the drift/);
    expect(JSON.parse(JSON.stringify(first)).arms[1].drift.daysUntilPaused).toBe(monitored.drift!.daysUntilPaused);

    const again = await runScenario(drift, DRIFT, { parallel: false });
    expect(again.arms.map(numbers)).toEqual(first.arms.map(numbers));
  }, 120_000);

  it("says so when the run ends before the drift day, instead of comparing nothing silently", async () => {
    const short = withParams(DEFAULT_PARAMS, (p) => {
      p.hcps = 30;
      p.days = 3;
      p.seed = 7;
      p.drift.day = 30;
    });
    const result = await runScenario(scenarioNamed("drift")!, short, { parallel: false });
    for (const arm of result.arms) expect(arm.drift).toMatchObject({ reached: false, touchesAfter: 0, wastedTouches: 0, daysUntilPaused: null });
    expect(driftSummary(result)).toContain("before the drift day 30: nothing drifted");
    expect(renderReport(result)).toContain("nothing drifted");
  }, 60_000);
});
