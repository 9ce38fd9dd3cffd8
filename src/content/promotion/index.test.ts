// The promotional step of the pre-review as the checks run it: categories given to the structural
// findings, one finding per problem, comparisons with placebo and with a cited trial, restatements of
// approved claims, and FREE_TEXT_CLAIM only where a market declares boilerplate.
import { describe, expect, it } from "vitest";
import { DEFAULT_CONTENT_POLICY, type ContentPolicy } from "../../governance/content-policy.ts";
import { preReviewChecks, type CheckedClaim } from "../checks.ts";
import { renderAsset } from "../render.ts";

const CLAIM: CheckedClaim = {
  id: "clm-fev1", version: 1, status: "approved", markets: ["US"], language: "en", product: "Veltrava",
  text: "In SIROCCO-2, Veltrava reduced the annual rate of asthma exacerbations by 51% compared with placebo.",
  references: ["Okafor N, et al. SIROCCO-2. Lancet Respir Med. 2025;13:1-10."],
};
const ISI = "IMPORTANT SAFETY INFORMATION: Veltrava can cause hypersensitivity reactions.";

function check(body: string, policy: ContentPolicy = DEFAULT_CONTENT_POLICY, library: CheckedClaim[] = [CLAIM]) {
  const rendered = renderAsset(body, [], ISI);
  return preReviewChecks(
    { channel: "web", market: "US", language: "en", product: "Veltrava", subject: null, safetyInfo: ISI, modules: [], rendered },
    [], { policy, marketLanguage: "en", library },
  );
}

describe("the promotional step of the pre-review", () => {
  it("gives lexicon findings their category instead of a second finding on the same words", () => {
    const findings = check("Veltrava is guaranteed to work, with no side effects.");
    const onNoSideEffects = findings.filter((f) => f.category && f.span?.text.includes("side effects"));
    expect(onNoSideEffects).toHaveLength(1);
    expect(onNoSideEffects[0]).toMatchObject({ code: "PROHIBITED_WORDING", category: "minimization_of_risk" });
    expect(findings.find((f) => f.span?.text === "guaranteed")).toMatchObject({ category: "overstatement_of_efficacy" });
  });

  it("does not count a comparison with placebo as superiority, and reports one with its trial as information", () => {
    expect(check("In SIROCCO-2, Veltrava was superior to placebo in reducing exacerbations.").filter((f) => f.category === "unsubstantiated_superiority")).toEqual([]);
    const trial = check("In SIROCCO-3, Veltrava was superior to omalizumab in reducing exacerbations (0.6 vs 0.9 per year).");
    expect(trial.filter((f) => f.severity !== "info" && f.category === "unsubstantiated_superiority")).toEqual([]);
    expect(trial).toEqual(expect.arrayContaining([expect.objectContaining({ code: "COMPARATIVE_FROM_TRIAL", severity: "info" })]));
    expect(check("Veltrava is superior to omalizumab.")).toEqual(expect.arrayContaining([expect.objectContaining({ code: "COMPARATIVE_WITHOUT_REFERENCE", severity: "error" })]));
  });

  it("leaves a faithful restatement of an approved claim to the claim's review", () => {
    expect(check(CLAIM.text).filter((f) => f.category !== undefined)).toEqual([]);
  });

  it("adds only clear violations to a sentence already refused as an unmatched claim", () => {
    const findings = check("Veltrava reduced exacerbations by 70% and works for everyone.");
    expect(findings.map((f) => f.code)).toEqual(expect.arrayContaining(["CLAIM_UNMATCHED", "EFFICACY_ABSOLUTE"]));
    expect(findings.filter((f) => f.category && f.severity === "warning")).toEqual([]);
  });

  it("raises FREE_TEXT_CLAIM only where the market declares boilerplate, and never on boilerplate", () => {
    const body = "Veltrava comes in a prefilled pen.\nVeltrava Pharma, 1 Main Street, Springfield.";
    expect(check(body).map((f) => f.code)).not.toContain("FREE_TEXT_CLAIM");
    const policy = { ...DEFAULT_CONTENT_POLICY, boilerplate: { US: ["Veltrava Pharma, 1 Main Street, Springfield."] } };
    const free = check(body, policy).filter((f) => f.code === "FREE_TEXT_CLAIM");
    expect(free).toEqual([expect.objectContaining({ severity: "warning", claimId: "clm-fev1", span: expect.objectContaining({ text: "Veltrava comes in a prefilled pen." }) })]);
    expect(free[0]!.message).toContain("clm-fev1");
    expect(check(body, policy, []).map((f) => f.code)).not.toContain("FREE_TEXT_CLAIM");
  });
});
