// The modular-content backbone: boilerplate and closeness to approved claims.
import { describe, expect, it } from "vitest";
import { DEFAULT_CONTENT_POLICY } from "../../governance/content-policy.ts";
import { boilerplateFor, closestClaim, isBoilerplate, productRelated } from "./free-text.ts";

describe("boilerplate and free text", () => {
  const entries = ["This email was sent by Veltrava Pharma, 1 Main Street, Springfield.", "/^unsubscribe\\b/"];

  it("matches a declared sentence despite case and punctuation, and a /…/ pattern", () => {
    expect(isBoilerplate("This email was sent by Veltrava Pharma, 1 Main Street, Springfield", entries)).toBe(true);
    expect(isBoilerplate("Unsubscribe here at any time.", entries)).toBe(true);
    expect(isBoilerplate("Veltrava was sent to you by your doctor.", entries)).toBe(false);
  });

  it("is active for a market only when content.yaml declares boilerplate for it or for default", () => {
    expect(boilerplateFor(DEFAULT_CONTENT_POLICY, "US")).toBeNull();
    const policy = { ...DEFAULT_CONTENT_POLICY, boilerplate: { DE: ["Abmelden"] } };
    expect(boilerplateFor(policy, "DE")).toEqual(["Abmelden"]);
    expect(boilerplateFor(policy, "US")).toBeNull();
    expect(boilerplateFor({ ...policy, boilerplate: { default: ["x"], DE: ["y"] } }, "DE")).toEqual(["x", "y"]);
  });

  it("counts a sentence as product-related when it names the product or states an effect with a figure", () => {
    expect(productRelated({ text: "Veltrava is here.", mentionsProduct: true })).toBe(true);
    expect(productRelated({ text: "Exacerbations fell by 51%.", mentionsProduct: false })).toBe(true);
    expect(productRelated({ text: "Seating is limited.", mentionsProduct: false })).toBe(false);
  });

  it("names the closest approved claim and how close it came", () => {
    const claims = [{ id: "clm-a", text: "Veltrava reduced exacerbations by 51% versus placebo in SIROCCO-2." }, { id: "clm-b", text: "Veltrava is one injection every 4 weeks." }];
    expect(closestClaim("Veltrava is an injection you take every four weeks.", claims)).toMatchObject({ claimId: "clm-b" });
    expect(closestClaim("anything", [])).toBeNull();
  });
});
