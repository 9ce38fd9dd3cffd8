// Regression on the OPDP development set (test/fixtures/opdp-dev-set.yaml) with the example bundle's
// content.yaml: recall on cited claims and false alarms on label statements stay within the goal.
// Not a timing test.
import { describe, expect, it } from "vitest";
import { contentPolicyFromDir } from "../policy-dir.ts";
import { loadDevSet } from "./dev-set.ts";
import { evaluateDevSet, formatReport } from "./eval.ts";
import { PROMOTION_CATEGORIES } from "./categories.ts";

const set = loadDevSet();
const read = contentPolicyFromDir();
if (!read.ok) throw new Error(read.errors.join("\n"));

describe("the development set", () => {
  it("records a source for every item and has at least as many label statements as cited claims", () => {
    const positives = set.items.filter((i) => i.kind !== "label");
    const negatives = set.items.filter((i) => i.kind === "label");
    expect(negatives.length).toBeGreaterThanOrEqual(positives.length);
    for (const item of set.items) expect(set.sources[item.source], item.id).toBeDefined();
    for (const c of PROMOTION_CATEGORIES) expect(positives.filter((i) => i.category === c).length, c).toBeGreaterThanOrEqual(5);
    expect(new Set(set.items.map((i) => i.id)).size).toBe(set.items.length);
  });
});

describe.each(["out-of-the-box", "label-aware"] as const)("pre-review on the development set, %s", (mode) => {
  const report = evaluateDevSet(set, read.policy, mode);

  it("flags at least 90% of the cited claims and at most 10% of the label statements", () => {
    expect(report.recall, formatReport(report)).toBeGreaterThanOrEqual(0.9);
    expect(report.falseAlarmRate, formatReport(report)).toBeLessThanOrEqual(0.1);
  });

  it("catches at least 80% of every category, most with a finding of that category", () => {
    for (const c of PROMOTION_CATEGORIES) {
      expect(report.perCategory[c].recall, c).toBeGreaterThanOrEqual(0.8);
      expect(report.perCategory[c].categoryRecall, c).toBeGreaterThanOrEqual(0.6);
    }
  });

  it("counts only findings on the item's own words", () => {
    const labels = report.items.filter((r) => r.category === null);
    expect(labels.length).toBe(report.negatives);
    expect(report.falseAlarms).toBe(labels.filter((r) => r.flagged).length);
  });
});
