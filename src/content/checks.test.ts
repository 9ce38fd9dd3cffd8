// The pre-review checks, one rule at a time, on realistic promotional copy: each with copy that trips
// it and copy that does not.
import { describe, expect, it } from "vitest";
import { DEFAULT_CONTENT_POLICY, type ContentPolicy } from "../governance/content-policy.ts";
import { preReviewChecks, productRuleFor, requiredSafetyInfo, type CheckedAsset, type CheckedClaim } from "./checks.ts";
import { renderAsset } from "./render.ts";

const LDL: CheckedClaim = {
  id: "clm-ldl", version: 1, status: "approved", markets: ["US", "DE"], language: "en", product: "Cardiozan",
  text: "Cardiozan lowered LDL-C by 50% from baseline at week 12 when added to maximally tolerated statin therapy.",
  references: ["Hartmann K, et al. LIPID-HORIZON. J Clin Lipidol. 2025;19:201-212."],
};
const H2H: CheckedClaim = {
  id: "clm-h2h", version: 1, status: "approved", markets: ["US"], language: "en", product: "Cardiozan",
  text: "Cardiozan lowered LDL-C more than ezetimibe at week 12 (52% vs 21%).",
  references: ["Nguyen T, et al. Zanitrapib versus ezetimibe: a head-to-head randomised trial. Lancet. 2025;405:88-97."],
};
const ISI = "IMPORTANT SAFETY INFORMATION: Cardiozan is contraindicated in patients with hypersensitivity to zanitrapib. Please see the full Prescribing Information.";

const POLICY: ContentPolicy = {
  ...DEFAULT_CONTENT_POLICY,
  lexicon: {
    default: DEFAULT_CONTENT_POLICY.lexicon.default!,
    DE: { prohibited: ["heilt", "garantiert", "keine Nebenwirkungen"], absolute: ["sicher"], comparative: ["besser als"] },
  },
  products: { cardiozan: { names: ["Cardiozan", "zanitrapib"], indications: ["hypercholesterolemia", "LDL-C", "ASCVD", "Hypercholesterinämie"], isi: {} } },
  channels: { email: { subjectMaxLength: 60, unsubscribe: "required" } },
};

function check(over: Partial<Omit<CheckedAsset, "rendered">> & { body: string }, claims: CheckedClaim[] = [LDL], library: CheckedClaim[] = []) {
  const modules = over.modules ?? claims.map((c) => ({ claimId: c.id, version: c.version }));
  const safetyInfo = over.safetyInfo === undefined ? ISI : over.safetyInfo;
  const asset: CheckedAsset = {
    channel: "email", market: "US", language: "en", product: "Cardiozan", subject: "LIPID-HORIZON results", ...over, safetyInfo, modules,
    rendered: renderAsset(over.body, claims.map((c) => ({ claimId: c.id, version: c.version, text: c.text })), safetyInfo),
  };
  const market = asset.market;
  return preReviewChecks(asset, claims, { policy: POLICY, marketLanguage: market === "DE" ? "de" : "en", library });
}
const codes = (findings: { code: string }[]) => findings.map((f) => f.code);
const UNSUB = "\nUnsubscribe: {{unsubscribe}}";

describe("pre-review checks", () => {
  it("passes copy that restates its approved claim module, with ISI and an unsubscribe link", () => {
    const findings = check({ body: `Dear {{hcp.name}},\nIn LIPID-HORIZON, Cardiozan lowered LDL-C by 50% from baseline at week 12 when added to maximally tolerated statin therapy.${UNSUB}` });
    expect(findings).toEqual([]);
  });

  describe("claim matching", () => {
    it("flags a product claim that matches no approved claim, with its span in the rendered text", () => {
      const body = `Cardiozan lowered LDL-C by 65% in just four weeks.${UNSUB}`;
      const [f] = check({ body });
      expect(f).toMatchObject({ code: "CLAIM_UNMATCHED", severity: "error", span: { field: "rendered", start: 0, text: "Cardiozan lowered LDL-C by 65% in just four weeks." } });
    });

    it("does not accept a restated claim whose numbers were changed", () => {
      const findings = check({ body: `Cardiozan lowered LDL-C by 60% from baseline at week 12 when added to maximally tolerated statin therapy.${UNSUB}` });
      expect(codes(findings)).toEqual(["CLAIM_UNMATCHED"]);
    });

    it("places a module's approved text with {{claim:ID}} and accepts it", () => {
      expect(check({ body: `{{claim:clm-ldl}}${UNSUB}` })).toEqual([]);
    });

    it("flags a placeholder naming a claim that is not a module", () => {
      expect(codes(check({ body: `{{claim:clm-other}}${UNSUB}` }))).toEqual(["MODULE_NOT_LISTED"]);
    });

    it("warns when copy restates an approved claim the asset does not use as a module", () => {
      const findings = check({ body: `Cardiozan lowered LDL-C by 50% from baseline at week 12 when added to maximally tolerated statin therapy.${UNSUB}` }, [], [LDL]);
      expect(findings).toEqual([expect.objectContaining({ code: "CLAIM_NOT_LINKED", severity: "warning", claimId: "clm-ldl" })]);
    });

    it("leaves sentences that make no product claim alone", () => {
      expect(check({ body: `This program is sponsored by the maker of Cardiozan. Seating is limited.\n{{claim:clm-ldl}}${UNSUB}` })).toEqual([]);
    });
  });

  describe("references", () => {
    it("flags a claim module without references", () => {
      const bare = { ...LDL, references: [] };
      expect(check({ body: `{{claim:clm-ldl}}${UNSUB}` }, [bare])).toEqual([expect.objectContaining({ code: "MODULE_WITHOUT_REFERENCES", field: "claims[0]", claimId: "clm-ldl" })]);
    });
  });

  describe("fair balance", () => {
    it("flags promotional content without safety information", () => {
      expect(codes(check({ body: `{{claim:clm-ldl}}${UNSUB}`, safetyInfo: null }))).toEqual(["FAIR_BALANCE_MISSING"]);
    });
    it("accepts the ISI placed inside the copy with {{isi}}", () => {
      expect(check({ body: `{{claim:clm-ldl}}\n{{isi}}${UNSUB}` })).toEqual([]);
    });
  });

  describe("product rules", () => {
    it("finds a product's rule by name, case-insensitively, and none for names of Object.prototype's members", () => {
      expect(productRuleFor(POLICY, "CardioZan")?.names).toContain("zanitrapib");
      for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
        expect(productRuleFor(POLICY, name)).toBeNull();
        expect(requiredSafetyInfo(POLICY, name, "US", "own ISI")).toBe("own ISI");
      }
    });
  });

  describe("prohibited and absolute wording", () => {
    it("flags prohibited wording as an error and absolute wording as a warning for legal", () => {
      const findings = check({ body: `{{claim:clm-ldl}}\nTreatment is guaranteed to work and completely free of side effects.${UNSUB}` });
      expect(findings.map((f) => [f.code, f.severity, f.span?.text])).toEqual([
        ["PROHIBITED_WORDING", "error", "guaranteed"],
        ["PROHIBITED_WORDING", "error", "free of side effects"],
        ["ABSOLUTE_WORDING", "warning", "completely"],
      ]);
    });
    it("checks the subject line too", () => {
      const findings = check({ body: `{{claim:clm-ldl}}${UNSUB}`, subject: "The best LDL-C result yet" });
      expect(findings).toEqual([expect.objectContaining({ code: "ABSOLUTE_WORDING", span: { field: "subject", start: 4, end: 8, text: "best" } })]);
    });
    it("uses the market's own lexicon on top of the default", () => {
      const body = "{{claim:clm-ldl}}\nCardiozan heilt Hypercholesterinämie garantiert.\nAbmelden: {{unsubscribe}}";
      const findings = check({ body, market: "DE", language: "de", subject: "LIPID-HORIZON" });
      expect(findings.filter((f) => f.code === "PROHIBITED_WORDING").map((f) => f.span?.text)).toEqual(["heilt", "garantiert"]);
      // The same words in a US email are not on the US list.
      const us = check({ body: "{{claim:clm-ldl}}\nCardiozan heilt.\nUnsubscribe: {{unsubscribe}}" });
      expect(codes(us)).not.toContain("PROHIBITED_WORDING");
    });
    it("does not read 'safe' inside 'safety'", () => {
      expect(codes(check({ body: `{{claim:clm-ldl}}\nRead the safety information below.${UNSUB}` }))).toEqual([]);
    });
  });

  describe("comparative wording", () => {
    it("refuses superiority wording without a head-to-head reference", () => {
      const findings = check({ body: `{{claim:clm-ldl}}\nCardiozan works better than ezetimibe.${UNSUB}` });
      expect(findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: "COMPARATIVE_WITHOUT_REFERENCE", severity: "error", span: expect.objectContaining({ text: "better than" }) })]));
    });
    it("accepts it, for medical and legal review, when the claim it restates cites a head-to-head study", () => {
      const findings = check({ body: `Cardiozan lowered LDL-C more than ezetimibe at week 12 (52% vs 21%), better than ezetimibe.${UNSUB}`, modules: [{ claimId: "clm-h2h", version: 1 }] }, [H2H]);
      expect(findings).toEqual([expect.objectContaining({ code: "COMPARATIVE_CLAIM", severity: "info", claimId: "clm-h2h" })]);
    });
  });

  describe("off-label use", () => {
    it("flags a use outside the product's indications", () => {
      const findings = check({ body: `{{claim:clm-ldl}}\nConsider Cardiozan for the treatment of heart failure in older adults.${UNSUB}` });
      expect(findings).toEqual([expect.objectContaining({ code: "OFF_LABEL", span: expect.objectContaining({ text: "heart failure in older adults" }) })]);
    });
    it("accepts a use within the indications", () => {
      expect(codes(check({ body: `{{claim:clm-ldl}}\nCardiozan is indicated for the treatment of primary hypercholesterolemia.${UNSUB}` }))).not.toContain("OFF_LABEL");
    });
  });

  describe("channel rules", () => {
    it("needs an unsubscribe link in an email", () => {
      expect(codes(check({ body: "{{claim:clm-ldl}}" }))).toEqual(["UNSUBSCRIBE_MISSING"]);
      expect(check({ body: "{{claim:clm-ldl}}\nTo unsubscribe, visit https://example.com/optout" })).toEqual([]);
      expect(check({ body: "{{claim:clm-ldl}}", channel: "web", subject: null })).toEqual([]);
    });
    it("limits the subject line's length", () => {
      const subject = "LIPID-HORIZON: fifty percent LDL-C reduction on top of maximally tolerated statins";
      expect(check({ body: `{{claim:clm-ldl}}${UNSUB}`, subject })).toEqual([expect.objectContaining({ code: "SUBJECT_TOO_LONG", field: "subject" })]);
      expect(codes(check({ body: `{{claim:clm-ldl}}${UNSUB}`, subject: null }))).toEqual(["SUBJECT_MISSING"]);
    });
  });

  describe("language", () => {
    it("flags an asset whose language is not its market's", () => {
      expect(codes(check({ body: `{{claim:clm-ldl}}${UNSUB}`, market: "DE", language: "en" }))).toContain("LANGUAGE_MARKET_MISMATCH");
    });
    it("warns when the copy reads as another language than declared", () => {
      const body = "{{claim:clm-ldl}}\nFür Ihre Patientinnen und Patienten, die unter Statintherapie ihren Zielwert nicht erreichen, gibt es neue Daten aus der Studie.\nAbmelden: {{unsubscribe}}";
      const findings = check({ body, market: "US", language: "en" });
      expect(findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: "LANGUAGE_DETECTED_MISMATCH", severity: "warning" })]));
    });
  });

  it("is deterministic: the same input gives the same findings", () => {
    const input = { body: `Cardiozan is the best and safest choice; it cures high cholesterol.${UNSUB}` };
    expect(check(input)).toEqual(check(input));
  });
});

describe("personalization and safety information", () => {
  const copy = "In LIPID-HORIZON, Cardiozan lowered LDL-C by 50% from baseline at week 12 when added to maximally tolerated statin therapy.";

  it("accepts the contract's tokens (with or without inner spaces) and the module placeholders", () => {
    const body = `Dear {{hcp.title}} {{ hcp.lastName }}, {{hcp.name}}\n{{claim:clm-ldl}}\nYour rep, {{rep.name}}.\n{{isi}}${UNSUB}`;
    expect(codes(check({ body, subject: "For {{hcp.name}}" }))).toEqual([]);
  });

  it("flags any other token in the subject or the copy as PERSONALIZATION_UNKNOWN, with its span", () => {
    const findings = check({ body: `Dear {{hcp.firstName}},\n${copy}\nRegister: {{ event.url }}${UNSUB}`, subject: "Hello {{doctor}}" });
    const unknown = findings.filter((f) => f.code === "PERSONALIZATION_UNKNOWN");
    expect(unknown.map((f) => [f.severity, f.span?.field, f.span?.text])).toEqual([
      ["error", "subject", "{{doctor}}"], ["error", "rendered", "{{hcp.firstName}}"], ["error", "rendered", "{{ event.url }}"],
    ]);
    expect(unknown[0]!.message).toContain("{{hcp.name}}, {{hcp.lastName}}, {{hcp.title}}, {{rep.name}}, {{unsubscribe}}");
  });

  it("places the safety information once: not appended again when the copy holds it; ISI_REPEATED when it is there twice", () => {
    const written = renderAsset(`${copy}\n\n${ISI}${UNSUB}`, [], ISI);
    expect([written.isiCount, written.text.endsWith(ISI)]).toEqual([1, false]);
    expect(codes(check({ body: `${copy}\n\n${ISI}${UNSUB}` }))).toEqual([]);
    // The second copy also reads as copy to the other checks; what matters here is that it is flagged.
    expect(codes(check({ body: `${copy}\n{{isi}}\n${ISI}${UNSUB}` }))).toContain("ISI_REPEATED");
    expect(codes(check({ body: `{{isi}}\n${copy}\n{{isi}}${UNSUB}` }))).toContain("ISI_REPEATED");
  });
});
