// Overstatement of efficacy: absolute promises, relative figures, quality-of-life and reader promises.
import { describe, expect, it } from "vitest";
import { efficacy } from "./efficacy.ts";
import { sentence } from "./test-context.ts";

const codes = (text: string, language: "en" | "de" | "fr" = "en") => efficacy(sentence(text, { language })).map((h) => h.code);

describe("overstatement of efficacy", () => {
  it.each([
    ["Veltrava wipes out flare-ups.", "EFFICACY_ABSOLUTE"],
    ["Control your asthma for good with Veltrava.", "EFFICACY_ABSOLUTE"],
    ["Veltrava cut exacerbations 45% more than inhaled steroids alone.", "EFFICACY_RELATIVE_FIGURE"],
    ["Breathe easy and get back to the trail with Veltrava.", "QUALITY_OF_LIFE_PROMISE"],
    ["A remarkable step for people with severe asthma.", "EFFICACY_INTENSIFIED"],
    ["With Veltrava, you can keep up with your grandchildren.", "READER_PROMISE"],
  ])("flags %j (%s)", (text, code) => {
    expect(codes(text)).toContain(code);
  });

  it("is an error for an absolute promise and a warning where evidence could support the claim", () => {
    const [absolute] = efficacy(sentence("Veltrava eliminates asthma attacks."));
    expect(absolute).toMatchObject({ severity: "error", category: "overstatement_of_efficacy", code: "EFFICACY_ABSOLUTE" });
    expect(absolute!.message).toContain("overstates the benefit");
    expect(efficacy(sentence("Enjoy life again with Veltrava."))[0]!.severity).toBe("warning");
  });

  it("gives the span of the words that overstate", () => {
    const text = "Veltrava wipes out flare-ups.";
    const [hit] = efficacy(sentence(text));
    expect(text.slice(hit!.start, hit!.end)).toBe("wipes out");
  });

  it.each([
    "Veltrava is indicated for the add-on maintenance treatment of severe asthma with an eosinophilic phenotype in patients aged 12 years and older.",
    "In two 52-week trials, Veltrava reduced the annual rate of exacerbations by 51% compared with placebo.",
    "In Trial 2, 31% of patients on Veltrava were symptom-free at week 24 versus 12% on placebo.",
    "The recommended dose is 30 mg administered by subcutaneous injection every 4 weeks.",
    "Tell your doctor if you have a parasitic infection before you start Veltrava.",
  ])("leaves the label statement %j alone", (text) => {
    expect(codes(text)).toEqual([]);
  });

  it("reads German and French copy with their own lexicons", () => {
    expect(codes("Veltrava heilt Asthma.", "de")).toContain("EFFICACY_ABSOLUTE");
    expect(codes("Mehr Lebensqualität mit Veltrava.", "de")).toContain("QUALITY_OF_LIFE_PROMISE");
    expect(codes("Veltrava guérit l'asthme.", "fr")).toContain("EFFICACY_ABSOLUTE");
    expect(codes("Veltrava senkte die Exazerbationsrate in Studie 1 um 51 % gegenüber Placebo.", "de")).toEqual([]);
  });
});
