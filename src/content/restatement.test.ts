// Restatement checks: the development set (test/fixtures/restatements.json) — every faithful
// restatement passes, every incomplete one is flagged for what it drops — the properties that hold for
// any claim, and the finding and spans an asset gets.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import devSet from "../../test/fixtures/restatements.json" with { type: "json" };
import { closestClaim, gapsOf, gapSeverity, findRestatements } from "./restatement.ts";
import { preReviewChecks, type CheckedClaim } from "./checks.ts";
import { DEFAULT_CONTENT_POLICY } from "../governance/content-policy.ts";
import { renderAsset } from "./render.ts";
import { claimSpansOf } from "./claim-spans.ts";

describe("the development set", () => {
  const triples = devSet.triples as { claim: string; faithful: string; incomplete: string; drops: string[] }[];
  it.each(triples.map((t, i) => [i, t] as const))("triple %i: the faithful restatement passes, the incomplete one is flagged", (_, t) => {
    const claims = [{ id: "c", text: t.claim }];
    expect(closestClaim(t.faithful, claims)?.claim.id).toBe("c");
    expect(gapsOf(t.faithful, t.claim)).toEqual([]);
    expect(closestClaim(t.incomplete, claims)?.claim.id).toBe("c");
    const gaps = gapsOf(t.incomplete, t.claim);
    expect(gaps.length).toBeGreaterThan(0);
    expect([...new Set(gaps.map((g) => g.kind))].sort()).toEqual([...t.drops].sort());
  });

  it("has at least a dozen triples covering numbers, populations and qualifiers", () => {
    expect(triples.length).toBeGreaterThanOrEqual(12);
    const kinds = new Set(triples.flatMap((t) => t.drops));
    expect([...kinds].sort()).toEqual(["number", "population", "qualifier"]);
  });
});

// Claims as prescribing information words them: a product, an effect, an endpoint of a few words, and
// distinct figures (a percentage, a week, optionally a p-value), optionally a population and a comparator.
const WORDS = ["serum", "phosphorus", "annual", "exacerbation", "fracture", "vertebral", "HbA1c", "systolic", "pressure", "migraine", "relapse", "viral", "load", "plaque", "clearance", "remission", "symptom", "score"];
const claimArb = fc.record({
  product: fc.constantFrom("Cardiozan", "Glucavex", "Respiral", "Osteofin"),
  verb: fc.constantFrom("reduced", "lowered", "improved", "decreased"),
  endpoint: fc.uniqueArray(fc.constantFrom(...WORDS), { minLength: 2, maxLength: 4 }),
  figures: fc.uniqueArray(fc.integer({ min: 2, max: 99 }), { minLength: 2, maxLength: 3 }),
  population: fc.option(fc.constantFrom("in adults with type 2 diabetes", "in patients with severe asthma", "in postmenopausal women with osteoporosis"), { nil: undefined }),
  comparator: fc.option(fc.constantFrom("compared with placebo", "versus placebo"), { nil: undefined }),
}).map((c) => {
  const [pct, week, p] = c.figures;
  const parts = [`${c.product} ${c.verb} ${c.endpoint.join(" ")} by ${pct}% at week ${week}`];
  if (c.comparator) parts.push(c.comparator);
  if (c.population) parts.push(c.population);
  return `${parts.join(" ")}${p === undefined ? "" : ` (p<0.0${p})`}.`;
});

describe("restatement properties", () => {
  it("never flags a claim stated word for word", () => {
    fc.assert(fc.property(claimArb, (claim) => {
      expect(closestClaim(claim, [{ id: "c", text: claim }])).not.toBeNull();
      expect(gapsOf(claim, claim)).toEqual([]);
    }));
  });

  it("always flags a restatement with any one of its numbers removed", () => {
    fc.assert(fc.property(claimArb, fc.nat(), (claim, pick) => {
      // Standalone figures only (the "1" of "HbA1c" is part of a name).
      const figures = [...claim.matchAll(/(?<![\p{L}\d.])\d+(?:\.\d+)?%?/gu)];
      const m = figures[pick % figures.length]!;
      const cut = (claim.slice(0, m.index) + claim.slice(m.index + m[0].length)).replace(/\s+/g, " ");
      expect(closestClaim(cut, [{ id: "c", text: claim }])).not.toBeNull();
      expect(gapsOf(cut, claim).length).toBeGreaterThan(0);
    }));
  });
});

const LDL: CheckedClaim = {
  id: "clm-ldl", version: 1, status: "approved", markets: ["US"], language: "en", product: "Cardiozan", references: ["LIPID-HORIZON"],
  text: "Cardiozan lowered LDL-C by 50% from baseline at week 12 when added to maximally tolerated statin therapy.",
};
const GOAL: CheckedClaim = { ...LDL, id: "clm-goal", text: "In LIPID-HORIZON, 68% of patients on Cardiozan reached an LDL-C below 70 mg/dL (1.8 mmol/L) at week 24, versus 19% on placebo." };
const DOSE: CheckedClaim = { ...LDL, id: "clm-dose", text: "Cardiozan is one 10 mg tablet once daily, with or without food." };
const ISI = "IMPORTANT SAFETY INFORMATION: Cardiozan is contraindicated in patients with hypersensitivity to zanitrapib.";
const POLICY = { ...DEFAULT_CONTENT_POLICY, products: { cardiozan: { names: ["Cardiozan"], indications: ["LDL-C"], isi: {} } } };

function checkAsset(body: string, claims: CheckedClaim[], library: CheckedClaim[] = []) {
  const modules = claims.map((c) => ({ claimId: c.id, version: 1 }));
  const rendered = renderAsset(body, claims.map((c) => ({ claimId: c.id, version: 1, text: c.text })), ISI);
  const findings = preReviewChecks(
    { channel: "email", market: "US", language: "en", product: "Cardiozan", subject: "LIPID-HORIZON", safetyInfo: ISI, modules, rendered },
    claims, { policy: POLICY, marketLanguage: "en", library },
  );
  return { rendered, findings };
}

describe("in the pre-review checks", () => {
  const UNSUB = "\nUnsubscribe: {{unsubscribe}}";

  it("flags copy that drops the claim's qualifier, with its span, the claim and a reviewer's sentence", () => {
    const sentence = "Cardiozan lowered LDL-C by 50% from baseline at week 12.";
    const { rendered, findings } = checkAsset(`Dear {{hcp.name}},\n${sentence}${UNSUB}`, [LDL]);
    const f = findings.find((x) => x.code === "CLAIM_RESTATEMENT_INCOMPLETE")!;
    expect(f).toMatchObject({ severity: "warning", claimId: "clm-ldl", field: "body", span: { field: "rendered", text: sentence } });
    expect(rendered.text.slice(f.span!.start, f.span!.end)).toBe(sentence);
    expect(f.message).toBe(`This sentence restates claim 'clm-ldl' but leaves out the qualifier "when added to maximally tolerated statin therapy"; the approved claim reads "${LDL.text}" — restore what is missing or place the claim module ({{claim:clm-ldl}}).`);
  });

  it("makes a dropped figure an error, also for a claim of the product's library the asset does not use", () => {
    const { findings } = checkAsset(`68% of patients on Cardiozan reached an LDL-C below 70 mg/dL at week 24.${UNSUB}`, [LDL], [GOAL]);
    const f = findings.find((x) => x.code === "CLAIM_RESTATEMENT_INCOMPLETE")!;
    expect(f).toMatchObject({ severity: "error", claimId: "clm-goal" });
    expect(f.message).toContain('the qualifier "versus 19% on placebo"');
    expect(gapSeverity([{ kind: "qualifier", text: "up to" }])).toBe("error");
    expect(gapSeverity([{ kind: "qualifier", text: "compared with placebo" }])).toBe("warning");
  });

  it("passes placed modules and faithful copy, and marks every claim the copy states (modules and restatements)", () => {
    // The demo's US email: one claim placed verbatim as free copy, one restated without the study name and the unit conversion, one placed.
    const body = [
      "Dear {{hcp.name}},",
      "For your patients not at goal: in the LIPID-HORIZON trial, Cardiozan lowered LDL-C by 50% from baseline at week 12 when added to maximally tolerated statin therapy.",
      "68% of patients on Cardiozan reached an LDL-C below 70 mg/dL at week 24, versus 19% on placebo.",
      "{{claim:clm-dose}}",
    ].join("\n") + UNSUB;
    const claims = [LDL, GOAL, DOSE];
    const { rendered, findings } = checkAsset(body, claims);
    expect(findings.filter((f) => f.code === "CLAIM_RESTATEMENT_INCOMPLETE")).toEqual([]);
    const spans = claimSpansOf({ body, rendered: rendered.text, language: "en", safetyInfo: ISI, findings, modules: claims.map((c) => ({ claimId: c.id, version: 1, text: c.text })) });
    expect(spans.map((s) => [s.claimId, s.kind])).toEqual([["clm-ldl", "restatement"], ["clm-goal", "restatement"], ["clm-dose", "module"]]);
    const dose = spans[2]!;
    expect(rendered.text.slice(dose.start, dose.end)).toBe(DOSE.text);
  });

  it("finds module placements after a placed safety information block", () => {
    const body = "{{isi}}\n{{claim:clm-dose}}";
    const rendered = renderAsset(body, [{ claimId: "clm-dose", version: 1, text: DOSE.text }], ISI).text;
    const spans = claimSpansOf({ body, rendered, language: "en", safetyInfo: ISI, findings: [], modules: [{ claimId: "clm-dose", version: 1, text: DOSE.text }] });
    expect(spans).toEqual([{ claimId: "clm-dose", kind: "module", start: ISI.length + 1, end: ISI.length + 1 + DOSE.text.length }]);
  });

  it("skips module placements and sentences that restate no claim", () => {
    const text = `${DOSE.text} Ask your representative about Cardiozan.`;
    expect(findRestatements(text, "en", [{ id: "clm-dose", text: DOSE.text }], [{ start: 0, end: DOSE.text.length }])).toEqual([]);
  });
});
