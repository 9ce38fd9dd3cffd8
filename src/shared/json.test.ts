import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { canonicalJson } from "./json.ts";

/** The definition canonicalJson must match: JSON.stringify of a copy with keys sorted at every depth. */
function reference(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v instanceof Date) return v.toISOString();
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const x = (v as Record<string, unknown>)[key];
        if (x !== undefined) out[key] = sortKeys(x);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

const values = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.array(tie("value")),
    fc.dictionary(fc.string(), tie("value")),
  ),
})).value;

describe("canonicalJson", () => {
  it("writes exactly the key-sorted JSON of any value (strings, numbers incl. NaN and -0, dates, undefined, nesting)", () => {
    fc.assert(fc.property(values, (v) => {
      expect(canonicalJson(v)).toBe(reference(v));
    }), { numRuns: 2000 });
  });

  it("writes the same text for values already in canonical order (the engine's serializer's path)", () => {
    fc.assert(fc.property(values, (v) => {
      const text = reference(v);
      if (text === undefined) return;
      // Parsing canonical text gives objects whose keys come in canonical order at every depth.
      const ordered = JSON.parse(text);
      expect(canonicalJson(ordered)).toBe(text);
      expect(canonicalJson({ a: ordered, b: [ordered, new Date(0)] })).toBe(reference({ a: ordered, b: [ordered, new Date(0)] }));
    }), { numRuns: 2000 });
  });

  it("sorts keys at every depth, so two orderings of one value hash alike", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    // Integer-like keys first, by value: the order every chain written so far was hashed in.
    expect(canonicalJson({ b: 1, "10": 1, "9": 2, "": 0 })).toBe('{"9":2,"10":1,"":0,"b":1}');
  });

  it("drops undefined from objects and writes null for it in arrays, as JSON does", () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });
});
