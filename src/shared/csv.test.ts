import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { csvField, csvOf } from "./csv.ts";

describe("CSV writing", () => {
  it("quotes commas, quotes and line breaks, and defuses formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('say "hi", then go')).toBe('"say ""hi"", then go"');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
  });

  it("parses back to the same cells (csv-parse), whatever the text", () => {
    const cell = fc.string({ unit: "grapheme", maxLength: 20 }).filter((s) => !/^[=+\-@\t\r]/.test(s));
    fc.assert(fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 5 }), (rows) => {
      const text = csvOf(["a", "b", "c"], rows);
      expect(parse(text, { relax_column_count: false })).toEqual([["a", "b", "c"], ...rows]);
    }));
  });
});
