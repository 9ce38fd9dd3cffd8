import { describe, expect, it } from "vitest";
import { MonitorsFileSchema, readMonitor, toMonitors } from "./monitors.ts";

const drop = { kind: "relative_drop" as const, minEvents: 50 };

describe("reading a monitor from hand-computed windows", () => {
  it("trips on a relative drop past the threshold: 0.30 engaged now vs 0.60 before is a 0.5 drop", () => {
    // recent: 30 of 100 deliveries engaged; baseline: 240 of 400.
    const r = readMonitor(drop, 0.4, { value: 30 / 100, baseline: 240 / 400, events: 100, baselineEvents: 400 });
    expect(r.state).toBe("tripped");
    expect(r.observed).toBeCloseTo(0.5, 10);
  });

  it("warns at 80% of the way to the threshold, and is ok below it", () => {
    // 0.42 vs 0.60: a 0.3 drop, below 0.32 (80% of 0.4) → ok; 0.40 vs 0.60: 0.333 → warning.
    expect(readMonitor(drop, 0.4, { value: 0.42, baseline: 0.6, events: 100, baselineEvents: 400 }).state).toBe("ok");
    expect(readMonitor(drop, 0.4, { value: 0.4, baseline: 0.6, events: 100, baselineEvents: 400 }).state).toBe("warning");
  });

  it("stays ok with too little data in either window, or a zero baseline", () => {
    expect(readMonitor(drop, 0.4, { value: 0, baseline: 0.6, events: 49, baselineEvents: 400 }).state).toBe("ok");
    expect(readMonitor(drop, 0.4, { value: 0, baseline: 0.6, events: 100, baselineEvents: 10 }).state).toBe("ok");
    expect(readMonitor(drop, 0.4, { value: 0, baseline: 0, events: 100, baselineEvents: 400 }).state).toBe("ok");
  });

  it("reads relative rises and absolute values, both ways", () => {
    // unsubscribes: 3 of 100 now vs 4 of 400 before = 0.03 vs 0.01, a rise of 2.0.
    expect(readMonitor({ kind: "relative_rise", minEvents: 0 }, 1, { value: 0.03, baseline: 0.01, events: 100, baselineEvents: 400 }).state).toBe("tripped");
    expect(readMonitor({ kind: "value_above", minEvents: 0 }, 0.2, { value: 0.17, baseline: null, events: 10, baselineEvents: 0 }).state).toBe("warning");
    expect(readMonitor({ kind: "value_above", minEvents: 0 }, 0.2, { value: 0.21, baseline: null, events: 10, baselineEvents: 0 }).state).toBe("tripped");
    expect(readMonitor({ kind: "value_below", minEvents: 0 }, 0.5, { value: 0.6, baseline: null, events: 10, baselineEvents: 0 }).state).toBe("warning");
    expect(readMonitor({ kind: "value_below", minEvents: 0 }, 0.5, { value: 0.7, baseline: null, events: 10, baselineEvents: 0 }).state).toBe("ok");
    expect(readMonitor({ kind: "value_below", minEvents: 0 }, 0.5, { value: 0.49, baseline: null, events: 10, baselineEvents: 0 }).state).toBe("tripped");
  });
});

describe("monitors.yaml", () => {
  it("parses the contract's example", () => {
    const parsed = MonitorsFileSchema.parse([{ id: "engagement-drop", metric: "engagement_rate", window: "7d", baseline: "28d", when: "relative_drop > 0.4", minEvents: 50, action: "pause", agents: "all", bounds: { min: 0.2, max: 0.6 } }]);
    expect(toMonitors(parsed)).toEqual([{ id: "engagement-drop", metric: "engagement_rate", windowMs: 7 * 86_400_000, baselineMs: 28 * 86_400_000, kind: "relative_drop", threshold: 0.4, when: "relative_drop > 0.4", minEvents: 50, action: "pause", agents: null, bounds: { min: 0.2, max: 0.6 } }]);
  });

  it("refuses an unknown metric, a malformed when, a relative_drop < X, and bounds that do not hold the threshold", () => {
    const base = { id: "m", metric: "engagement_rate", window: "7d", baseline: "28d", when: "relative_drop > 0.4", action: "notify" };
    expect(MonitorsFileSchema.safeParse([{ ...base, metric: "happiness" }]).success).toBe(false);
    expect(MonitorsFileSchema.safeParse([{ ...base, when: "drops a lot" }]).success).toBe(false);
    expect(MonitorsFileSchema.safeParse([{ ...base, when: "relative_drop < 0.4" }]).success).toBe(false);
    expect(MonitorsFileSchema.safeParse([{ ...base, bounds: { min: 0.5, max: 0.9 } }]).success).toBe(false);
    expect(MonitorsFileSchema.safeParse([base, base]).success).toBe(false);
  });
});
