// Unsubstantiated superiority: rhetorical questions and implied comparisons, unless head-to-head backed.
import { describe, expect, it } from "vitest";
import { superiority } from "./superiority.ts";
import { sentence } from "./test-context.ts";

const codes = (text: string, headToHead = false, language: "en" | "de" | "fr" = "en") => superiority(sentence(text, { headToHead, language })).map((h) => h.code);

describe("unsubstantiated superiority", () => {
  it.each([
    "Why keep reaching for your rescue inhaler?",
    "What if one shot a month could change your asthma?",
    "Still waking up at night with asthma?",
    "Is your inhaler really enough?",
  ])("flags the rhetorical question %j", (text) => {
    expect(codes(text)).toEqual(["RHETORICAL_QUESTION"]);
  });

  it("does not read a plain question as a comparison", () => {
    expect(codes("Not at your asthma goal on an inhaled steroid?")).toEqual([]);
    expect(codes("Do you have questions about the study?")).toEqual([]);
  });

  it.each([
    "Veltrava is the smarter choice for severe asthma.",
    "Unlike older biologics, Veltrava works from the first dose.",
    "Veltrava does what other asthma medicines can't.",
    "More and more pulmonologists prescribe Veltrava.",
    "Veltrava leaves the competition behind.",
  ])("flags the implied superiority in %j as an error", (text) => {
    const hits = superiority(sentence(text));
    expect(hits.map((h) => [h.code, h.severity])).toContainEqual(["SUPERIORITY_IMPLIED", "error"]);
  });

  it("accepts comparisons a head-to-head claim backs, and comparisons with placebo", () => {
    expect(codes("Veltrava reduced exacerbations more than omalizumab.", true)).toEqual([]);
    expect(codes("Veltrava reduced exacerbations more than placebo.")).toEqual([]);
    expect(codes("Take Veltrava before other inhaled medicines.")).toEqual([]);
  });

  it("reads German and French", () => {
    expect(codes("Veltrava wirkt besser als Omalizumab.", false, "de")).toEqual(["SUPERIORITY_IMPLIED"]);
    expect(codes("Pourquoi attendre encore ?", false, "fr")).toEqual(["RHETORICAL_QUESTION"]);
  });
});
