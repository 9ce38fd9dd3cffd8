// Omission of material facts: figures without their population and study, subgroups, best cases.
import { describe, expect, it } from "vitest";
import { materialFacts } from "./material-facts.ts";
import { sentence } from "./test-context.ts";

const codes = (text: string) => materialFacts(sentence(text)).map((h) => h.code);

describe("omission of material facts", () => {
  it.each([
    ["Among patients who completed two years of treatment, 80% had no exacerbation.", "SUBGROUP_AS_POPULATION"],
    ["In a post hoc analysis, Veltrava halved hospitalizations.", "SUBGROUP_AS_POPULATION"],
    ["In adults under 40, Veltrava doubled lung function gains.", "SUBGROUP_AS_POPULATION"],
    ["Veltrava reduces oral steroid use by up to 100%.", "BEST_CASE_AS_TYPICAL"],
    ["7 out of 10 patients had fewer attacks.", "POPULATION_OMITTED"],
    ["Veltrava improves lung function.", "EFFECT_WITHOUT_CONTEXT"],
    ["Patients on Veltrava had a median progression-free survival of 14 months.", "OUTCOME_WITHOUT_COMPARATOR"],
    ["Lose weight with Veltrava.", "ADJUNCT_OMITTED"],
  ])("flags %j (%s)", (text, code) => {
    expect(codes(text)).toContain(code);
  });

  it("makes a selected subset's figure an error, and a figure without its study a warning", () => {
    expect(materialFacts(sentence("Among patients who completed two years of treatment, 80% had no exacerbation."))[0]).toMatchObject({ severity: "error", category: "omission_of_material_facts" });
    expect(materialFacts(sentence("7 out of 10 patients had fewer attacks."))[0]).toMatchObject({ severity: "warning" });
  });

  it.each([
    "In Trial 1, 62% of patients on Veltrava had no exacerbation over 52 weeks compared with 41% on placebo.",
    "In SIROCCO-2, Veltrava reduced the annual exacerbation rate by 51% versus placebo.",
    "Evaluate the response after 16 weeks, and if a patient has not improved, discontinue Veltrava.",
    "Veltrava is indicated for the add-on maintenance treatment of patients with severe asthma aged 12 years and older.",
    "Veltrava may cause hypersensitivity reactions.",
  ])("leaves the label statement %j alone", (text) => {
    expect(codes(text)).toEqual([]);
  });
});
