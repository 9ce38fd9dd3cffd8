// Market overlays only tighten: the loader refuses what could loosen (with its place and code), and for
// every overlay it accepts, no proposal fares better under global + overlay than under global alone.
import fc from "fast-check";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decide } from "../gate/decide.ts";
import { checkContact } from "../gate/checks/contact.ts";
import { DAY, HOUR, NOW_MS, assetView, consentView, hcpView, proposalOf, snapshotOf, touch } from "../gate/fixtures.ts";
import type { Verdict } from "../gate/verdict.ts";
import type { Bundle, BundleError } from "./bundle.ts";
import { loadBundle, loadBundleDir } from "./load.ts";
import { coversQuietHours } from "./overlay.ts";

const MARKETS = "US: { timezone: America/New_York, consent: { email: opt_out } }\nDE: { timezone: Europe/Berlin, consent: { email: opt_in } }\n";
const GLOBAL = {
  "authority.yaml": `owner: "Jane Roe <jane.roe@example.com>"
rules:
  - id: promo-email
    when: { action: email, purpose: promotional }
    outcome: autonomous
`,
  "contact.yaml": `caps:
  - { channel: email, max: 2, per: 7d }
minGap: 24h
quietHours: { from: "20:00", to: "08:00" }
`,
  "markets.yaml": MARKETS,
};

function errorsOf(files: Record<string, string>): BundleError[] {
  const result = loadBundle(files);
  return result.ok ? [] : result.errors;
}

function loaded(files: Record<string, string>): Bundle {
  const result = loadBundle(files);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.message}`).join("\n"));
  return result.bundle;
}

describe("loading market overlays", () => {
  it("refuses an overlay rule that is autonomous, pointing at its line with OVERLAY_LOOSENS", () => {
    const errors = errorsOf({
      ...GLOBAL,
      "markets/DE/authority.yaml": "rules:\n  - id: de-fine\n    when: { action: email }\n    outcome: autonomous\n",
    });
    expect(errors).toEqual([expect.objectContaining({ file: "markets/DE/authority.yaml", line: 4, column: 14, code: "OVERLAY_LOOSENS" })]);
  });

  it("refuses a higher cap on a scope the global policy caps, at the cap's max", () => {
    const errors = errorsOf({ ...GLOBAL, "markets/DE/contact.yaml": "caps:\n  - { channel: email, max: 5, per: 7d }\n" });
    expect(errors).toEqual([expect.objectContaining({ file: "markets/DE/contact.yaml", line: 2, code: "OVERLAY_LOOSENS" })]);
    expect(errors[0]!.message).toContain('allows more than the global cap "email 2 per 7d"');
  });

  it("refuses a shorter minimum gap, quiet hours that leave part of the global window open, and exemptions", () => {
    const errors = errorsOf({
      ...GLOBAL,
      "markets/DE/contact.yaml": 'minGap: 12h\nquietHours: { from: "21:00", to: "08:00" }\nexempt: { purposes: [promotional] }\n',
    });
    expect(errors.map((e) => [e.line, e.code])).toEqual([[1, "OVERLAY_LOOSENS"], [2, "OVERLAY_LOOSENS"], [3, "OVERLAY_LOOSENS"]]);
  });

  it("refuses an overlay rule aimed at another market, an overlay of an unknown market and a rule id used globally", () => {
    expect(errorsOf({ ...GLOBAL, "markets/DE/authority.yaml": "rules:\n  - id: x\n    when: { market: US }\n    outcome: forbidden\n" })).toEqual([
      expect.objectContaining({ line: 3, code: "OVERLAY_LOOSENS", message: "the DE overlay applies to HCPs of DE only" }),
    ]);
    expect(errorsOf({ ...GLOBAL, "markets/IT/contact.yaml": "minGap: 48h\n" })[0]?.message).toContain('unknown market "IT"');
    expect(errorsOf({ ...GLOBAL, "markets/DE/authority.yaml": "rules:\n  - id: promo-email\n    outcome: forbidden\n" })[0]?.message).toContain('duplicate rule id "promo-email"');
  });

  it("accepts a lower cap, a cap on a new scope, a longer gap and wider quiet hours, and merges them for that market only", () => {
    const bundle = loaded({
      ...GLOBAL,
      "markets/DE/contact.yaml": 'caps:\n  - { channel: email, max: 1, per: 7d }\n  - { scope: all, max: 3, per: 7d }\nminGap: 48h\nquietHours: { from: "19:00", to: "09:00" }\n',
    });
    const de = bundle.contact.byMarket!.DE!;
    expect(de.caps.map((c) => [c.label, c.layer])).toEqual([["email 2 per 7d", "global"], ["email 1 per 7d", "market:DE"], ["all 3 per 7d", "market:DE"]]);
    expect(de.minGapMs).toBe(48 * HOUR);
    expect(de.layers).toEqual({ minGap: "market:DE", quietHours: "market:DE" });
    expect(bundle.contact.byMarket!.US).toBeUndefined();
  });

  it("loads the example bundle's DE and FR overlays, and the decision names each rule's layer", () => {
    const result = loadBundleDir(fileURLToPath(new URL("../../governance/", import.meta.url)));
    expect(result.ok ? [] : result.errors).toEqual([]);
    const bundle = (result as { bundle: Bundle }).bundle;
    expect(Object.keys(bundle.contact.byMarket ?? {}).sort()).toEqual(["DE", "FR"]);
    const germanHcp = hcpView({ market: "DE" });
    const v = decide(
      proposalOf({ confidence: 0.95 }),
      snapshotOf({ hcp: germanHcp, consents: [consentView("email", "promotional", "granted", NOW_MS - DAY)], asset: assetView({ market: "DE", riskClass: "medium" }) }),
      bundle,
      new Date(NOW_MS),
    );
    expect(v.outcome).toBe("pending_review");
    expect(v.reasons.filter((r) => r.ruleId).map((r) => [r.ruleId, r.layer])).toEqual([["promo-digital-autonomous", "global"], ["de-claims-need-medical", "market:DE"]]);
    const contact = v.checks.find((c) => c.check === "contact")!;
    expect(contact.evidence).toMatchObject({ minGap: { layer: "market:DE" }, quietHours: { layer: "market:DE" } });
  });
});

// --- the property ------------------------------------------------------------------------------------

const OUTCOMES = ["autonomous", "confirm", "forbidden"] as const;
const RANK = { autonomous: 0, confirm: 1, forbidden: 2 } as const;
const clock = (m: number) => `"${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}"`;

const ruleArb = fc.record({
  outcome: fc.constantFrom(...OUTCOMES),
  action: fc.constantFrom("email", "event_invite", undefined),
  threshold: fc.option(fc.constantFrom(0.3, 0.6, 0.9), { nil: undefined }),
});
const capArb = fc.record({ channel: fc.constantFrom("email", "all"), max: fc.integer({ min: 0, max: 4 }), days: fc.integer({ min: 1, max: 14 }) });
const quietArb = fc.option(fc.record({ from: fc.integer({ min: 0, max: 1439 }), to: fc.integer({ min: 0, max: 1439 }) }).filter((q) => q.from !== q.to), { nil: undefined });
const policyArb = fc.record({ caps: fc.array(capArb, { maxLength: 3 }), gapHours: fc.option(fc.integer({ min: 0, max: 72 }), { nil: undefined }), quiet: quietArb });

type Rule = { outcome: (typeof OUTCOMES)[number]; action: "email" | "event_invite" | undefined; threshold: number | undefined };
type Policy = { caps: { channel: "email" | "all"; max: number; days: number }[]; gapHours: number | undefined; quiet: { from: number; to: number } | undefined };

function rulesYaml(rules: readonly Rule[], prefix: string): string {
  return rules
    .map((r, i) => {
      const lines = [`  - id: ${prefix}-${i}`];
      if (r.action) lines.push(`    when: { action: ${r.action} }`);
      if (r.threshold !== undefined) lines.push(`    if: proposal.confidence >= ${r.threshold}`);
      lines.push(`    outcome: ${r.outcome}`);
      if (r.outcome === "confirm") lines.push("    reviewers: [reviewer:brand]");
      return lines.join("\n");
    })
    .join("\n");
}

function contactYaml(p: Policy): string {
  const caps = p.caps.map((c) => `  - { ${c.channel === "all" ? "scope: all" : "channel: email"}, max: ${c.max}, per: ${c.days}d }`);
  return [`caps:${caps.length ? `\n${caps.join("\n")}` : " []"}`, p.gapHours !== undefined ? `minGap: ${p.gapHours}h` : "", p.quiet ? `quietHours: { from: ${clock(p.quiet.from)}, to: ${clock(p.quiet.to)} }` : ""].filter(Boolean).join("\n") + "\n";
}

/** The oracle: what the contract calls loosening, written from the contract, not from overlay.ts. */
function loosens(global: Policy, overlay: Policy, rules: readonly Rule[]): boolean {
  if (rules.some((r) => r.outcome === "autonomous")) return true;
  if (overlay.caps.some((c) => global.caps.some((g) => g.channel === c.channel && c.days <= g.days && c.max > g.max))) return true;
  if (overlay.gapHours !== undefined && overlay.gapHours < (global.gapHours ?? 0)) return true;
  if (overlay.quiet && global.quiet && !coversQuietHours({ fromMinute: overlay.quiet.from, toMinute: overlay.quiet.to }, { fromMinute: global.quiet.from, toMinute: global.quiet.to })) return true;
  return false;
}

const caseArb = fc.record({
  globalRules: fc.array(ruleArb, { maxLength: 4 }),
  globalDefault: fc.constantFrom(...OUTCOMES),
  global: policyArb,
  overlayRules: fc.array(ruleArb, { maxLength: 3 }),
  overlay: policyArb,
  proposals: fc.array(
    fc.record({
      action: fc.constantFrom("email" as const, "event_invite" as const),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      now: fc.integer({ min: NOW_MS, max: NOW_MS + 3 * DAY }),
      touches: fc.array(fc.record({ offset: fc.integer({ min: -10 * DAY, max: 2 * DAY }), email: fc.boolean() }), { maxLength: 5 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

describe("property: a market overlay only ever tightens", () => {
  it("is refused exactly when it could loosen; when accepted, nothing fares better than under global alone", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const global = {
          "authority.yaml": `owner: "Jane Roe <jane.roe@example.com>"\ndefault: ${c.globalDefault}\nrules:${c.globalRules.length ? `\n${rulesYaml(c.globalRules, "g")}` : " []"}\n`,
          "contact.yaml": contactYaml(c.global),
          "markets.yaml": MARKETS,
        };
        const withOverlay = {
          ...global,
          "markets/DE/authority.yaml": `rules:${c.overlayRules.length ? `\n${rulesYaml(c.overlayRules, "o")}` : " []"}\n`,
          "markets/DE/contact.yaml": contactYaml(c.overlay),
        };
        const base = loaded(global);
        const layered = loadBundle(withOverlay);
        expect(!layered.ok).toBe(loosens(c.global, c.overlay, c.overlayRules));
        if (!layered.ok) {
          expect(layered.errors.every((e) => e.code === "OVERLAY_LOOSENS")).toBe(true);
          return;
        }
        for (const p of c.proposals) {
          const hcp = hcpView({ market: "DE", timezone: "Europe/Berlin" });
          const snapshot = snapshotOf(
            {
              hcp,
              consents: [consentView("email", "promotional", "granted", NOW_MS - 30 * DAY), consentView("web", "promotional", "granted", NOW_MS - 30 * DAY)],
              asset: assetView({ market: "DE", channel: "email" }),
              touches: p.touches.map((t) => touch(p.now + t.offset, t.email ? "email" : "field")),
            },
            p.now,
          );
          const proposal = proposalOf({ action: p.action, confidence: p.confidence, assetId: p.action === "email" ? "asset-1" : null });
          const alone = decide(proposal, snapshot, base, new Date(p.now));
          const both = decide(proposal, snapshot, layered.bundle, new Date(p.now));
          const authority = (v: Verdict) => v.checks.find((x) => x.check === "authority")!.evidence!.outcome as keyof typeof RANK;
          expect(RANK[authority(both)]).toBeGreaterThanOrEqual(RANK[authority(alone)]);
          if (both.outcome === "allowed") expect(alone.outcome).toBe("allowed");
          // A moment the overlay lets a touch happen is one the global policy lets it happen too.
          const contactBoth = checkContact({ proposal, snapshot, bundle: layered.bundle, now: new Date(p.now), nowMs: p.now, channel: "email", market: layered.bundle.markets.DE! });
          if (contactBoth.status !== "fail") {
            const t = contactBoth.firstAllowedAt;
            const contactAlone = checkContact({ proposal, snapshot, bundle: base, now: new Date(t), nowMs: t, channel: "email", market: base.markets.DE! });
            expect(contactAlone.status).toBe("pass");
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
