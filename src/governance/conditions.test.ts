import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Condition, ConditionInput } from "./bundle.ts";
import { createConditionCompiler } from "./conditions.ts";

const compiler = createConditionCompiler();

function condition(source: string): Condition {
  const compiled = compiler.compile(source);
  if (!compiled.ok) throw new Error(compiled.error.message);
  return compiled.condition;
}

function refusal(source: string) {
  const compiled = compiler.compile(source);
  if (compiled.ok) throw new Error(`expected ${source} to be refused`);
  return compiled.error;
}

const input: ConditionInput = {
  proposal: { action: "email", purpose: "promotional", channel: "email", confidence: 0.8, expectedValue: 120, assetId: "asset-1" },
  hcp: { id: "hcp-1", market: "DE", specialty: "cardiology", segment: "high-value", attributes: { decile: 9, kol: true, note: null } },
  agent: { id: "agent-1", owner: "jane.roe@example.com", priority: 40 },
  content: { id: "asset-1", riskClass: "high", product: "Cardiovex", market: "DE", channel: "email" },
  now: new Date("2026-01-05T10:00:00.000Z"),
};

const withoutContent: ConditionInput = { ...input, content: null };
const unscored: ConditionInput = { ...input, proposal: { ...input.proposal, confidence: null } };

describe("compiling a condition at load", () => {
  it("accepts conditions over every variable", () => {
    for (const source of [
      "proposal.confidence < 0.6",
      'hcp.market in ["DE", "FR"] && hcp.specialty == "cardiology"',
      "agent.priority < 50",
      'content.riskClass == "high"',
      'now.getHours("Europe/Berlin") >= 8',
    ]) {
      expect(compiler.compile(source).ok, source).toBe(true);
    }
  });

  it("refuses an unknown field, pointing at it", () => {
    const error = refusal("proposal.confidance < 0.6");
    expect(error.message).toMatch(/type-check.*confidance/);
    expect(error.offset).toBe(9);
  });

  it("refuses comparing a number with a string", () => {
    expect(refusal('proposal.confidence < "x"').message).toMatch(/no such overload: double < string/);
  });

  it("refuses a syntax error, pointing at it", () => {
    const error = refusal("proposal.confidence < 0.6 &&");
    expect(error.message).toMatch(/does not parse/);
    expect(error.offset).toBe(28);
  });

  it("refuses an undeclared variable", () => {
    expect(refusal("user.age > 18").message).toMatch(/user/);
  });

  it("refuses a condition that is not a bool", () => {
    expect(refusal("proposal.confidence").message).toBe("condition must be a bool, but it is double");
  });

  it("keeps the source as written", () => {
    expect(condition("agent.priority < 50").source).toBe("agent.priority < 50");
  });
});

describe("a condition at decision time", () => {
  it("compares a double with an int literal", () => {
    expect(condition("proposal.confidence > 0").holds(input)).toBe(true);
    expect(condition("proposal.confidence == 1").holds({ ...input, proposal: { ...input.proposal, confidence: 1 } })).toBe(true);
  });

  it("sees the agent's priority as an int", () => {
    expect(condition("agent.priority < 50").holds(input)).toBe(true);
    expect(condition("agent.priority == 40").holds(input)).toBe(true);
    expect(condition("agent.priority < 40").holds(input)).toBe(false);
  });

  it("does not hold, and does not throw, when it reads absent content", () => {
    expect(condition('content.riskClass == "high"').holds(withoutContent)).toBe(false);
    expect(condition('content.riskClass != "high"').holds(withoutContent)).toBe(false);
    expect(condition('!(content.riskClass == "high")').holds(withoutContent)).toBe(false);
  });

  it("can ask whether content is present", () => {
    expect(condition("!has(content.id)").holds(withoutContent)).toBe(true);
    expect(condition("has(content.id)").holds(input)).toBe(true);
  });

  it("still holds through || when the other side holds (CEL's error absorption)", () => {
    expect(condition('content.riskClass == "high" || proposal.confidence > 0.5').holds(withoutContent)).toBe(true);
  });

  it("treats a missing confidence as unset, not as zero", () => {
    expect(condition("proposal.confidence < 0.6").holds(unscored)).toBe(false);
    expect(condition("!has(proposal.confidence) || proposal.confidence < 0.6").holds(unscored)).toBe(true);
  });

  it("reads HCP attributes, a missing one being unset", () => {
    expect(condition("hcp.attributes.decile >= 8").holds(input)).toBe(true);
    expect(condition("hcp.attributes.kol == true").holds(input)).toBe(true);
    expect(condition("hcp.attributes.tier == 1").holds(input)).toBe(false);
    expect(condition("has(hcp.attributes.tier)").holds(input)).toBe(false);
    expect(condition("hcp.attributes.note == null").holds(input)).toBe(true);
  });

  it("does not hold when the HCP or the agent is unknown", () => {
    expect(condition('hcp.market == "DE"').holds({ ...input, hcp: null })).toBe(false);
    expect(condition("agent.priority < 50").holds({ ...input, agent: null })).toBe(false);
  });

  it("reads objects of any class that have the declared fields (the gate passes its snapshot views)", () => {
    class SnapshotHcp {
      constructor(readonly id: string, readonly market: string, readonly specialty: string, readonly segment: string | null, readonly attributes: Record<string, unknown>, readonly timezone: string | null) {}
    }
    const hcp = new SnapshotHcp("hcp-2", "FR", "oncology", null, {}, "Europe/Paris");
    expect(condition('hcp.market == "FR"').holds({ ...input, hcp })).toBe(true);
  });

  it("sees the decision's moment", () => {
    expect(condition('now.getHours("UTC") == 10').holds(input)).toBe(true);
  });

  it("gives the same answer with and without the absent-field shortcut, and never throws", () => {
    // `(X) || false` means X but defeats the shortcut, so it is the plain CEL reference.
    const sources = [
      'content.riskClass == "high" && hcp.market in ["DE", "FR"]',
      "!has(proposal.confidence) || proposal.confidence < 0.6",
      "proposal.expectedValue > 100.0 ? agent.priority < 50 : hcp.segment == \"high-value\"",
      'hcp.attributes.decile >= 8 || content.product == "Cardiovex"',
      "!(proposal.confidence >= 0.6) && size(hcp.specialty) > 3",
    ];
    const pairs = sources.map((s) => [condition(s), condition(`(${s}) || false`)] as const);
    const arbitraryInput = fc.record({
      confidence: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
      expectedValue: fc.option(fc.double({ min: 0, max: 1000, noNaN: true })),
      segment: fc.option(fc.constantFrom("high-value", "low")),
      decile: fc.option(fc.integer({ min: 1, max: 10 })),
      hasHcp: fc.boolean(),
      hasAgent: fc.boolean(),
      content: fc.option(fc.record({ riskClass: fc.constantFrom("low", "medium", "high"), product: fc.option(fc.constantFrom("Cardiovex", "Glucora")) })),
    });
    fc.assert(
      fc.property(arbitraryInput, (a) => {
        const sample: ConditionInput = {
          ...input,
          proposal: { ...input.proposal, confidence: a.confidence, expectedValue: a.expectedValue },
          hcp: a.hasHcp ? { ...input.hcp!, segment: a.segment, attributes: a.decile === null ? {} : { decile: a.decile } } : null,
          agent: a.hasAgent ? input.agent : null,
          content: a.content ? { ...input.content!, riskClass: a.content.riskClass as "low" | "medium" | "high", product: a.content.product } : null,
        };
        for (const [fast, reference] of pairs) expect(fast.holds(sample)).toBe(reference.holds(sample));
      }),
    );
  });
});
