import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConditionInput } from "./bundle.ts";
import { CONDITION_LIMITS, createConditionCompiler } from "./conditions.ts";
import { loadBundle } from "./load.ts";
import { MAX_MATCH_INPUT, MAX_PATTERN_LENGTH } from "./regex.ts";

const compiler = createConditionCompiler();

function holds(source: string, specialty: string, attributes: Record<string, unknown> = {}): boolean {
  const compiled = compiler.compile(source);
  if (!compiled.ok) throw new Error(compiled.error.message);
  return compiled.condition.holds(inputWith(specialty, attributes));
}

function refusal(source: string) {
  const compiled = compiler.compile(source);
  if (compiled.ok) throw new Error(`expected ${source} to be refused`);
  return compiled.error;
}

function inputWith(specialty: string, attributes: Record<string, unknown>): ConditionInput {
  return {
    proposal: { action: "email", purpose: "promotional", channel: "email", confidence: 0.8, expectedValue: 1, assetId: null },
    hcp: { id: "hcp-1", market: "DE", specialty, segment: null, attributes },
    agent: null,
    content: null,
    now: new Date("2026-01-05T10:00:00.000Z"),
  };
}

/** Escapes every character RE2 treats specially, so the pattern matches the text literally. */
const literal = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");

describe("matches() in a condition runs on RE2", () => {
  it("answers a catastrophic pattern on a long input, correctly (a backtracking engine would not return)", () => {
    const catastrophic = 'hcp.specialty.matches("^(a+)+$")';
    expect(holds(catastrophic, `${"a".repeat(5000)}b`)).toBe(false);
    expect(holds(catastrophic, "a".repeat(5000))).toBe(true);
    expect(holds('hcp.specialty.matches("(x+x+)+y")', "x".repeat(5000))).toBe(false);
  });

  it("has RE2's semantics, not RegExp's: \\Q…\\E quotes, (?i) switches case off", () => {
    expect(holds(String.raw`hcp.specialty.matches("^\\Qa.b\\E$")`, "a.b")).toBe(true);
    expect(holds(String.raw`hcp.specialty.matches("^\\Qa.b\\E$")`, "axb")).toBe(false);
    expect(holds('hcp.specialty.matches("(?i)^cardio")', "CARDIOLOGY")).toBe(true);
  });

  it("finds a match anywhere unless the pattern anchors it, as CEL specifies", () => {
    expect(holds('hcp.specialty.matches("log")', "cardiology")).toBe(true);
    expect(holds('hcp.specialty.matches("^log")', "cardiology")).toBe(false);
    expect(holds('matches(hcp.specialty, "^card")', "cardiology")).toBe(true);
  });

  it("agrees with a substring search for any literal pattern", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 6 }), (text, needle) => {
        const source = `hcp.specialty.matches(${JSON.stringify(literal(needle))})`;
        expect(holds(source, text)).toBe(text.includes(needle));
      }),
    );
  });

  it("matches on a dyn receiver (an HCP attribute) the same way", () => {
    expect(holds('hcp.attributes.tier.matches("^gold$")', "x", { tier: "gold" })).toBe(true);
    expect(holds('hcp.attributes.tier.matches("^gold$")', "x", { tier: 7 })).toBe(false);
  });

  it("does not hold when the input is longer than the limit (an evaluation error, not a hang)", () => {
    const long = "a".repeat(MAX_MATCH_INPUT + 1);
    expect(holds('hcp.specialty.matches("a")', long)).toBe(false);
    expect(holds('!hcp.specialty.matches("b")', long)).toBe(false);
    expect(holds('hcp.specialty.matches("a")', long.slice(1))).toBe(true);
  });
});

describe("a pattern is checked when the bundle loads", () => {
  it("refuses a backreference, pointing at the pattern", () => {
    const error = refusal(String.raw`hcp.specialty.matches("(a)\\1")`);
    expect(error.message).toMatch(/RE2 cannot compile .*invalid escape sequence.*without backreferences or lookaround/);
    expect(error.offset).toBe(22);
  });

  it("refuses lookaround", () => {
    expect(refusal('hcp.specialty.matches("car(?=dio)")').message).toMatch(/RE2 cannot compile/);
    expect(refusal('hcp.specialty.matches("(?<!x)y")').message).toMatch(/RE2 cannot compile/);
  });

  it("refuses a pattern that is not a literal, and one that is too long", () => {
    expect(refusal("hcp.specialty.matches(hcp.segment)").message).toMatch(/string literal/);
    expect(refusal(`hcp.specialty.matches("${"a".repeat(MAX_PATTERN_LENGTH + 1)}")`).message).toMatch(/at most 1000/);
  });

  it("refuses matches() on something that is not a string", () => {
    expect(refusal('agent.priority.matches("1")').message).toMatch(/matches\(\) takes strings/);
  });

  it("names file, line and column of a refused pattern in a bundle", () => {
    const result = loadBundle({
      "authority.yaml": [
        'owner: "Jane Roe <jane.roe@example.com>"',
        "rules:",
        "  - id: repeated-letters",
        String.raw`    if: hcp.specialty.matches("^(a)\\1$")`,
        "    outcome: forbidden",
        "",
      ].join("\n"),
      "contact.yaml": "caps: []\n",
      "markets.yaml": "DE: { timezone: Europe/Berlin, consent: { email: opt_in } }\n",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.objectContaining({ file: "authority.yaml", line: 4, column: 31, field: "rules[0].if", message: expect.stringMatching(/RE2 cannot compile/) }),
    ]);
  });
});

describe("a condition's size is bounded at load", () => {
  it("refuses a condition longer than the limit", () => {
    const long = Array.from({ length: 400 }, () => 'hcp.market == "DE"').join(" || ");
    expect(long.length).toBeGreaterThan(CONDITION_LIMITS.maxLength);
    expect(refusal(long).message).toMatch(/at most 4000/);
  });

  it("refuses deep nesting", () => {
    const deep = `${"(".repeat(40)}true${")".repeat(40)}`;
    expect(refusal(deep).message).toMatch(/does not parse/);
  });

  it("allows loops one after another and two deep, refuses three deep", () => {
    expect(compiler.compile("[1, 2].map(x, x * 2).exists(y, y > 3)").ok).toBe(true);
    expect(compiler.compile("[1, 2].exists(x, [3, 4].exists(y, x < y))").ok).toBe(true);
    const error = refusal("[1].exists(x, [2].exists(y, [3].exists(z, x + y < z)))");
    expect(error.message).toMatch(/nests loops .* more than 2 deep/);
    expect(error.offset).toBe(28); // the innermost loop, from its receiver
  });
});
