import { describe, expect, it } from "vitest";
import { loadBundle } from "../governance/load.ts";
import { thresholdRefusals, thresholdsInForce } from "./thresholds.ts";

const TUNABLES = { minConfidence: { min: 0.5, max: 0.95, default: 0.6 } };
const MARKETS = "US: { timezone: America/New_York, consent: { email: opt_out } }\n";

describe("an agent's thresholds", () => {
  it("refuses unknown names and values outside [min, max], bounds included", () => {
    expect(thresholdRefusals(TUNABLES, { minConfidence: 0.5 })).toEqual([]);
    expect(thresholdRefusals(TUNABLES, { minConfidence: 0.95 })).toEqual([]);
    expect(thresholdRefusals(TUNABLES, { minConfidence: 0.49 })).toEqual([{ kind: "out_of_bounds", name: "minConfidence", value: 0.49, tunable: TUNABLES.minConfidence }]);
    expect(thresholdRefusals(TUNABLES, { maxRisk: 1 })).toEqual([{ kind: "unknown", name: "maxRisk" }]);
  });

  it("are the owner's values where set, else the defaults, brought back within bounds the bundle has since narrowed", () => {
    expect(thresholdsInForce(TUNABLES, undefined)).toEqual({ minConfidence: 0.6 });
    expect(thresholdsInForce(TUNABLES, { minConfidence: 0.8 })).toEqual({ minConfidence: 0.8 });
    expect(thresholdsInForce(TUNABLES, { minConfidence: 0.99, gone: 3 })).toEqual({ minConfidence: 0.95 });
  });
});

describe("tunables in authority.yaml", () => {
  const files = (authority: string) => ({ "authority.yaml": authority, "contact.yaml": "caps: []\n", "markets.yaml": MARKETS });
  const header = 'owner: "Jane Roe <jane.roe@example.com>"\ntunables:\n  minConfidence: { min: 0.5, max: 0.95, default: 0.6 }\nrules:\n';

  it("type-checks agent.thresholds.<name> against the declared tunables", () => {
    expect(loadBundle(files(`${header}  - id: r\n    if: proposal.confidence >= agent.thresholds.minConfidence\n    outcome: autonomous\n`)).ok).toBe(true);
    const typo = loadBundle(files(`${header}  - id: r\n    if: proposal.confidence >= agent.thresholds.minConfidense\n    outcome: autonomous\n`));
    expect(typo.ok ? [] : typo.errors.map((e) => [e.file, e.line])).toEqual([["authority.yaml", 6]]);
  });

  it("refuses a default outside its own bounds", () => {
    const bad = loadBundle(files('owner: "Jane Roe <jane.roe@example.com>"\ntunables:\n  minConfidence: { min: 0.5, max: 0.95, default: 0.2 }\n'));
    expect(bad.ok ? [] : bad.errors.map((e) => [e.line, e.message])).toEqual([[3, "the default 0.2 is outside [0.5, 0.95]"]]);
  });
});
