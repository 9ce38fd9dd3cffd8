// The demo's approved content passes the example bundle's content.yaml: every demo asset, checked the
// way the server checks it (its claim modules, the market's approved claims as the library, the
// bundle's ISI), has no error finding. And the same bundle catches copy the demo would never approve.
import { describe, expect, it } from "vitest";
import { DEMO_ASSETS, DEMO_CLAIMS, PRODUCT } from "../src/demo/market-data.ts";
import { contentPolicyFromDir } from "../src/content/policy-dir.ts";
import { preReviewChecks, requiredSafetyInfo, type CheckedClaim } from "../src/content/checks.ts";
import { renderAsset } from "../src/content/render.ts";
import { detectLanguage } from "../src/content/language.ts";
import type { Market } from "../src/shared/vocabulary.ts";

const read = contentPolicyFromDir();
if (!read.ok) throw new Error(read.errors.join("\n"));
const { policy, bundle } = read;

const claims: CheckedClaim[] = DEMO_CLAIMS.map((c) => ({
  id: c.id, version: 1, status: "approved", markets: [...c.markets], text: c.text, references: [...c.references],
  // As the seed stores them: detected, else the first market's language.
  language: detectLanguage(c.text) ?? "en", product: PRODUCT,
}));

function checkDemo(asset: (typeof DEMO_ASSETS)[number], body = asset.body) {
  const market = asset.market as Market;
  const modules = asset.claims.map((id) => ({ claimId: id, version: 1 }));
  const isi = requiredSafetyInfo(policy, PRODUCT, market, asset.safetyInfo);
  const rendered = renderAsset(body, claims.map((c) => ({ claimId: c.id, version: 1, text: c.text })), isi);
  return preReviewChecks(
    { channel: asset.channel, market, language: asset.language, product: PRODUCT, subject: asset.subject ?? null, safetyInfo: asset.safetyInfo, modules, rendered },
    claims,
    { policy, marketLanguage: bundle.markets[market]?.language ?? null, library: claims.filter((c) => c.markets.includes(market)) },
  );
}

describe("the example bundle's content.yaml and the demo's content", () => {
  it("declares the demo product, its ISI per market and boilerplate for US, DE and FR", () => {
    expect(policy.products.cardiozan?.names).toContain("Cardiozan");
    for (const m of ["US", "DE", "FR"] as const) {
      expect(policy.products.cardiozan?.isi[m]).toBeTruthy();
      expect(policy.boilerplate?.[m]?.length).toBeGreaterThan(0);
      expect(policy.lexicon[m]?.prohibited.length).toBeGreaterThan(0);
    }
  });

  it.each(DEMO_ASSETS.map((a) => [a.id, a] as const))("passes %s without errors", (_id, asset) => {
    const errors = checkDemo(asset).filter((f) => f.severity === "error");
    expect(errors).toEqual([]);
  });

  it("raises no promotional-category finding on the demo's approved copy", () => {
    for (const asset of DEMO_ASSETS) expect(checkDemo(asset).filter((f) => f.category !== undefined)).toEqual([]);
  });

  it("catches violations slipped into the demo's US email, each with its category", () => {
    const us = DEMO_ASSETS.find((a) => a.id === "ast-cardiozan-us-email")!;
    const body = us.body.replace("Learn more at", "Why settle for a statin that only does half the job? Cardiozan works for everyone, with no side effects. Learn more at");
    const findings = checkDemo(us, body);
    const categories = new Set(findings.flatMap((f) => (f.category ? [f.category] : [])));
    expect([...categories]).toEqual(expect.arrayContaining(["unsubstantiated_superiority", "overstatement_of_efficacy", "minimization_of_risk"]));
    expect(findings.find((f) => f.code === "RHETORICAL_QUESTION")?.span?.text).toBe("Why settle for a statin that only does half the job?");
    expect(findings.some((f) => f.severity === "error")).toBe(true);
  });

  it("flags a product sentence that is neither a claim, the ISI nor boilerplate, naming the closest claim", () => {
    const us = DEMO_ASSETS.find((a) => a.id === "ast-cardiozan-us-email")!;
    const body = us.body.replace("Learn more at", "Cardiozan fits into the routine of patients on statins. Learn more at");
    const free = checkDemo(us, body).filter((f) => f.code === "FREE_TEXT_CLAIM");
    expect(free).toHaveLength(1);
    expect(free[0]).toMatchObject({ severity: "warning", span: { text: "Cardiozan fits into the routine of patients on statins." } });
    expect(DEMO_CLAIMS.map((c) => c.id)).toContain(free[0]!.claimId);
    expect(free[0]!.similarity).toBeGreaterThan(0);
    expect(free[0]!.similarity).toBeLessThan(0.8);
  });
});
