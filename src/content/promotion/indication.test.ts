// Broadening of indication: generalizations, uses without the label's qualifiers, uses outside the label.
import { describe, expect, it } from "vitest";
import { indication } from "./indication.ts";
import { sentence } from "./test-context.ts";

const INDICATIONS = ["add-on maintenance treatment of severe asthma with an eosinophilic phenotype in patients aged 12 years and older"];
const codes = (text: string, indications: string[] | null = null) => indication(sentence(text, { indications })).map((h) => h.code);

describe("broadening of indication", () => {
  it("flags generalizations in any copy", () => {
    expect(codes("Veltrava is for every type of asthma.")).toContain("INDICATION_GENERALIZED");
    expect(codes("Veltrava helps patients of all ages breathe.")).toContain("INDICATION_GENERALIZED");
  });

  it("flags a use named without the label's qualifiers when the product has no content.yaml entry", () => {
    const [hit] = indication(sentence("Veltrava treats asthma."));
    expect(hit).toMatchObject({ code: "INDICATION_UNQUALIFIED", severity: "warning", category: "broadening_of_indication" });
    expect(codes("Veltrava is for lung disease.")).toEqual(["INDICATION_UNQUALIFIED"]);
  });

  it("compares a stated use with content.yaml's indications: broader is an error naming what it leaves out", () => {
    const [hit] = indication(sentence("Veltrava is a treatment for severe asthma.", { indications: INDICATIONS }));
    expect(hit).toMatchObject({ code: "INDICATION_BROADENED", severity: "error" });
    expect(hit!.message).toContain("eosinophilic phenotype");
    expect(codes("Veltrava treats COPD.", INDICATIONS)).toEqual(["INDICATION_NOT_APPROVED"]);
  });

  it.each([
    "Veltrava is indicated for the add-on maintenance treatment of patients with severe asthma aged 12 years and older, with an eosinophilic phenotype.",
    "Veltrava is not indicated for the relief of acute bronchospasm or status asthmaticus.",
    "Veltrava is indicated for the treatment of adult patients with chronic rhinosinusitis with nasal polyps.",
  ])("leaves the label statement %j alone", (text) => {
    expect(codes(text, INDICATIONS.concat("chronic rhinosinusitis with nasal polyps"))).toEqual([]);
    expect(codes(text)).toEqual([]);
  });
});
