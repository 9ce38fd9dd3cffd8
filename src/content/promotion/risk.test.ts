// Minimization of risk: risks denied, made to sound rare, mild or vague.
import { describe, expect, it } from "vitest";
import { runRules } from "./categories.ts";
import { RISK_RULES } from "./risk.ts";
import { sentence } from "./test-context.ts";

const hits = (text: string, language: "en" | "de" | "fr" = "en") => runRules(RISK_RULES[language], sentence(text, { language }));

describe("minimization of risk", () => {
  it.each([
    ["Veltrava has no steroid side effects.", "RISK_DENIED", "error"],
    ["There is nothing to worry about with one shot a month.", "RISK_DENIED", "error"],
    ["Side effects of Veltrava are generally mild.", "RISK_MINIMIZED", "warning"],
    ["Most patients tolerate Veltrava well.", "RISK_MINIMIZED", "warning"],
    ["Veltrava has a low risk of infections.", "RISK_MINIMIZED", "warning"],
    ["Only 2% of patients stopped Veltrava because of side effects.", "RISK_MINIMIZED", "warning"],
  ])("flags %j as %s (%s)", (text, code, severity) => {
    expect(hits(text)).toEqual(expect.arrayContaining([expect.objectContaining({ code, severity, category: "minimization_of_risk" })]));
  });

  it.each([
    "Hypersensitivity reactions, including anaphylaxis, have occurred after administration of Veltrava.",
    "The most common adverse reactions (≥5%) were headache and injection site reactions.",
    "Discontinuation because of adverse reactions occurred in 2% of patients on Veltrava and 3% on placebo.",
    "Do not use Veltrava to treat acute bronchospasm.",
  ])("leaves the label statement %j alone", (text) => {
    expect(hits(text)).toEqual([]);
  });

  it("reads HWG and French wording", () => {
    expect(hits("Veltrava ist nebenwirkungsfrei.", "de").map((h) => h.code)).toEqual(["RISK_DENIED"]);
    expect(hits("Veltrava est bien toléré.", "fr").map((h) => h.code)).toEqual(["RISK_MINIMIZED"]);
  });
});
