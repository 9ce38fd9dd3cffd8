import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isValidNpi, npiCheckDigit } from "./npi.ts";
import { identifierProblem, parseIdentifierRef } from "./identifiers.ts";

/** The CMS worked method, written independently: double alternate digits from the right, add 24 for the 80840 prefix. */
function cmsCheckDigit(first9: string): number {
  let sum = 24;
  for (let i = 0; i < 9; i++) {
    let d = Number(first9[8 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d = Math.floor(d / 10) + (d % 10);
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

describe("the NPI check digit", () => {
  it("accepts the published example 1234567893 and refuses it with any other last digit", () => {
    expect(isValidNpi("1234567893")).toBe(true);
    for (const d of "012456789") expect(isValidNpi(`123456789${d}`)).toBe(false);
  });

  it("refuses values that are not ten digits", () => {
    for (const v of ["123456789", "12345678930", "12345678a3", ""]) expect(isValidNpi(v)).toBe(false);
  });

  it("agrees with the CMS worked method, and catches every single-digit error", () => {
    fc.assert(fc.property(fc.stringMatching(/^[1-2]\d{8}$/), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (base, pos, delta) => {
      expect(npiCheckDigit(base)).toBe(cmsCheckDigit(base));
      const npi = base + cmsCheckDigit(base);
      expect(isValidNpi(npi)).toBe(true);
      const wrong = npi.slice(0, pos) + ((Number(npi[pos]) + delta) % 10) + npi.slice(pos + 1);
      expect(isValidNpi(wrong)).toBe(false);
    }));
  });

  it("names a bad NPI's problem, and checks other schemes' published formats", () => {
    expect(identifierProblem("npi", "1234567890")).toMatch(/check digit/);
    expect(identifierProblem("lanr", "123456601")).toBeNull();
    expect(identifierProblem("rpps", "10001234567")).toBeNull();
    expect(identifierProblem("rpps", "1234")).toMatch(/11 digits/);
    expect(identifierProblem("onekey", "WUSM00012345")).toBeNull();
    expect(parseIdentifierRef("npi:1234567893")).toEqual({ scheme: "npi", value: "1234567893" });
    expect(parseIdentifierRef("us-1")).toBeNull();
  });
});
