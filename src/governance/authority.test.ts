import { describe, expect, it } from "vitest";
import { evaluateAuthority } from "./authority.ts";
import type { AuthorityMatrix, ConditionInput } from "./bundle.ts";
import { loadBundle } from "./load.ts";

const MARKETS = "US: { timezone: America/New_York, consent: { email: opt_out } }\nDE: { timezone: Europe/Berlin, consent: { email: opt_in } }\n";

function matrix(rules: string): AuthorityMatrix {
  const result = loadBundle({
    "authority.yaml": `owner: "Jane Roe <jane.roe@example.com>"\ndefault: forbidden\nrules:\n${rules}`,
    "contact.yaml": "caps: []\n",
    "markets.yaml": MARKETS,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.bundle.authority;
}

const RULES = `
  - id: promo-email
    when: { action: email, purpose: promotional }
    outcome: autonomous
  - id: low-confidence
    when: { action: [email, field_suggestion] }
    if: proposal.confidence < 0.6
    outcome: confirm
    reviewers: [reviewer:brand]
  - id: product-claims
    when: { action: email }
    if: has(content.product)
    outcome: confirm
    reviewers: [reviewer:legal, reviewer:brand]
  - id: high-risk-eu
    when: { market: DE }
    if: content.riskClass == "high"
    outcome: forbidden
    reason: High-risk claims need a local affiliate decision
`;

function proposal(overrides: Partial<ConditionInput["proposal"]> = {}, market = "US", content: ConditionInput["content"] = null): ConditionInput {
  return {
    proposal: { action: "email", purpose: "promotional", channel: "email", confidence: 0.9, expectedValue: null, assetId: null, ...overrides },
    hcp: { id: "hcp-1", market, specialty: "cardiology", segment: null, attributes: {} },
    agent: { id: "agent-1", owner: "jane.roe@example.com", priority: 50 },
    content,
    now: new Date("2026-01-05T10:00:00.000Z"),
  };
}

const highRisk = (market: string): ConditionInput["content"] => ({ id: "a1", riskClass: "high", product: null, market, channel: "email" });
const withProduct: ConditionInput["content"] = { id: "a2", riskClass: "low", product: "Cardiovex", market: "US", channel: "email" };

describe("the authority matrix of a loaded bundle", () => {
  const m = matrix(RULES);

  it("lets a rule that alone speaks decide", () => {
    const verdict = evaluateAuthority(m, proposal());
    expect(verdict).toMatchObject({ outcome: "autonomous", reviewers: [], defaulted: false });
    expect(verdict.spoke.map((r) => r.id)).toEqual(["promo-email"]);
  });

  it("lets the most restrictive outcome win: confirm over autonomous", () => {
    const verdict = evaluateAuthority(m, proposal({ confidence: 0.3 }));
    expect(verdict.outcome).toBe("confirm");
    expect(verdict.spoke.map((r) => r.id)).toEqual(["promo-email", "low-confidence"]);
  });

  it("requires the reviewers of every confirm rule that spoke", () => {
    const verdict = evaluateAuthority(m, proposal({ confidence: 0.3 }, "US", withProduct));
    expect(verdict.outcome).toBe("confirm");
    expect(verdict.reviewers).toEqual(["reviewer:brand", "reviewer:legal"]);
  });

  it("lets forbidden outrank confirm, and then asks no reviewer", () => {
    const verdict = evaluateAuthority(m, proposal({ confidence: 0.3 }, "DE", highRisk("DE")));
    expect(verdict.outcome).toBe("forbidden");
    expect(verdict.reviewers).toEqual([]);
    expect(verdict.spoke.map((r) => r.id)).toEqual(["promo-email", "low-confidence", "high-risk-eu"]);
    expect(verdict.spoke.at(-1)?.reason).toBe("High-risk claims need a local affiliate decision");
  });

  it("applies the default when no rule speaks", () => {
    const verdict = evaluateAuthority(m, proposal({ action: "visit_request", channel: "field" }));
    expect(verdict).toMatchObject({ outcome: "forbidden", spoke: [], defaulted: true });
  });

  it("keeps a content rule silent, without failing, when the proposal carries no content", () => {
    const input = proposal({ action: "field_suggestion", channel: "field", confidence: 0.9 }, "DE", null);
    expect(() => evaluateAuthority(m, input)).not.toThrow();
    expect(evaluateAuthority(m, input).defaulted).toBe(true);
  });
});
