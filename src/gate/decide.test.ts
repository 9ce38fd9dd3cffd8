// The gate, check by check: every reason code is produced where the contract says, and every check
// is listed in every verdict.
import { describe, expect, it } from "vitest";
import { decide } from "./decide.ts";
import {
  BUNDLE,
  DAY,
  HOUR,
  NOW,
  NOW_MS,
  agentView,
  assetView,
  bundleWith,
  claimView,
  consentView,
  hcpView,
  proposalOf,
  snapshotOf,
} from "./fixtures.ts";
import type { Proposal } from "./proposal.ts";
import type { ReasonCode } from "./reasons.ts";
import type { Snapshot } from "./snapshot.ts";
import type { CheckName, Verdict } from "./verdict.ts";

const germanHcp = hcpView({ id: "hcp-de", market: "DE" });
const germanAsset = assetView({ market: "DE" });
const germanConsent = consentView("email", "promotional", "granted", NOW_MS - 30 * DAY);

function run(p: Partial<Proposal> = {}, s: Partial<Snapshot> = {}, now: Date = NOW, bundle = BUNDLE): Verdict {
  return decide(proposalOf(p), snapshotOf(s), bundle, now);
}

function codes(v: Verdict): ReasonCode[] {
  return v.reasons.map((r) => r.code);
}

function check(v: Verdict, name: CheckName) {
  const c = v.checks.find((x) => x.check === name);
  if (!c) throw new Error(`check ${name} missing`);
  return c;
}

describe("a proposal that every check lets through", () => {
  it("is allowed at once, under the bundle's version, with the authority rule that allowed it", () => {
    const v = run();
    expect(v.outcome).toBe("allowed");
    expect(v.bundleVersion).toBe(BUNDLE.version);
    expect(v.decidedAt).toEqual(NOW);
    expect(v.channel).toBe("email");
    expect(v.exempt).toBe(false);
    expect(v.reasons).toEqual([
      {
        code: "AUTHORITY_AUTONOMOUS",
        ruleId: "promo-email-autonomous",
        layer: "global",
        message: "Rule promo-email-autonomous lets email for promotional purpose go without review",
      },
    ]);
  });

  it("lists every check, in order, with what it relied on", () => {
    const v = run();
    expect(v.checks.map((c) => c.check)).toEqual(["agent", "expiry", "hcp", "evidence", "freshness", "consent", "content", "personalization", "authority", "contact"]);
    expect(v.checks.every((c) => c.status === "pass")).toBe(true);
    expect(check(v, "content").evidence).toEqual({ asset: { id: "asset-1", version: 3 }, claims: [{ id: "claim-1", version: 2 }] });
    expect(check(v, "consent").evidence).toMatchObject({ regime: "opt_out", channel: "email", purpose: "promotional" });
    expect(check(v, "authority").evidence).toMatchObject({ outcome: "autonomous", rules: ["promo-email-autonomous"] });
  });

  it("does not keep a reference to the caller's clock value", () => {
    const now = new Date(NOW_MS);
    const v = run({}, {}, now);
    now.setTime(0);
    expect(v.decidedAt.getTime()).toBe(NOW_MS);
  });
});

describe("agent check", () => {
  it("rejects a proposal from an unregistered agent with AGENT_UNKNOWN", () => {
    const v = run({ agentId: "ghost" }, { agent: null });
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toContain("AGENT_UNKNOWN");
    expect(v.reasons[0]!.message).toContain("ghost");
  });

  it("rejects a paused agent's proposal with AGENT_PAUSED, saying why it was paused", () => {
    const v = run({}, { agent: agentView({ status: "paused", statusReason: "open rate drift" }) });
    expect(v.outcome).toBe("rejected");
    expect(v.reasons[0]).toMatchObject({ code: "AGENT_PAUSED" });
    expect(v.reasons[0]!.message).toContain("open rate drift");
  });

  it("rejects a halted agent's proposal with AGENT_HALTED", () => {
    const v = run({}, { agent: agentView({ status: "halted", statusReason: "kill switch" }) });
    expect(codes(v)).toContain("AGENT_HALTED");
    expect(codes(v)).not.toContain("AGENT_PAUSED");
    expect(v.reasons[0]!.message).toContain("kill switch");
  });

  it("rejects an action outside the agent's scope with AGENT_ACTION_NOT_ALLOWED", () => {
    const v = run({}, { agent: agentView({ actions: ["field_suggestion"] }) });
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toContain("AGENT_ACTION_NOT_ALLOWED");
  });

  it("rejects an HCP in a market outside the agent's scope with AGENT_MARKET_NOT_ALLOWED", () => {
    const v = run({}, { agent: agentView({ markets: ["DE"] }) });
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toContain("AGENT_MARKET_NOT_ALLOWED");
    expect(v.reasons.find((r) => r.code === "AGENT_MARKET_NOT_ALLOWED")!.message).toContain("market US");
  });

  it("lists every agent finding, not only the first", () => {
    const v = run({}, { agent: agentView({ status: "paused", actions: [], markets: [] }) });
    expect(codes(v).filter((c) => c.startsWith("AGENT_"))).toEqual(["AGENT_PAUSED", "AGENT_ACTION_NOT_ALLOWED", "AGENT_MARKET_NOT_ALLOWED"]);
  });
});

describe("expiry check", () => {
  it("rejects a proposal whose notAfter has passed with PROPOSAL_EXPIRED", () => {
    const v = run({ notAfter: new Date(NOW_MS - 1) });
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toContain("PROPOSAL_EXPIRED");
  });

  it("accepts a proposal decided exactly at its notAfter", () => {
    expect(run({ notAfter: new Date(NOW_MS) }).outcome).toBe("allowed");
  });

  it("rejects with PROPOSAL_EXPIRED when the first allowed moment would be after notAfter", () => {
    const evening = new Date("2026-01-06T02:00:00Z"); // 21:00 in New York: quiet until 08:00
    const v = run({ notAfter: new Date("2026-01-06T06:00:00Z") }, {}, evening);
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toEqual(["PROPOSAL_EXPIRED", "AUTHORITY_AUTONOMOUS", "QUIET_HOURS"]);
    expect(v.reasons[0]!.message).toContain("2026-01-06T13:00:00.000Z");
  });

  it("schedules a delayed action whose moment is still before notAfter", () => {
    const evening = new Date("2026-01-06T02:00:00Z");
    const v = run({ notAfter: new Date("2026-01-06T13:00:00Z") }, {}, evening);
    expect(v.outcome).toBe("scheduled");
  });
});

describe("hcp check", () => {
  it("rejects a proposal for an HCP Steward does not know with HCP_UNKNOWN", () => {
    const v = run({ hcpId: "nobody" }, { hcp: null });
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toContain("HCP_UNKNOWN");
    expect(check(v, "consent").status).toBe("skipped");
    expect(check(v, "contact").status).toBe("skipped");
  });

  it("rejects an HCP whose market governance does not know with HCP_UNKNOWN, naming the market", () => {
    const v = run({}, { hcp: hcpView({ market: "JP" }), asset: assetView({ market: "JP" }) });
    expect(v.outcome).toBe("rejected");
    const reason = v.reasons.find((r) => r.code === "HCP_UNKNOWN")!;
    expect(reason.message).toContain("market JP");
    expect(reason.message).toContain("unknown to governance");
  });
});

describe("freshness check", () => {
  it("rejects with DATA_STALE when a named evidence event does not exist", () => {
    const v = run({ evidence: ["ev-1", "ev-2"] }, { evidence: [{ id: "ev-1", source: "crm", occurredAt: NOW_MS - HOUR }], missingEvidence: ["ev-2"] });
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toContain("DATA_STALE");
    expect(v.reasons[0]!.message).toContain("ev-2");
  });

  it("rejects with DATA_STALE when the newest evidence is older than the action's limit (email: 72h)", () => {
    const v = run({ evidence: ["ev-1"] }, { evidence: [{ id: "ev-1", source: "web", occurredAt: NOW_MS - 73 * HOUR }] });
    expect(codes(v)).toContain("DATA_STALE");
    expect(v.reasons[0]!.message).toContain("72h");
  });

  it("accepts evidence exactly at the limit, judged by its newest event", () => {
    const v = run(
      { evidence: ["old", "new"] },
      {
        evidence: [
          { id: "old", source: "web", occurredAt: NOW_MS - 30 * DAY },
          { id: "new", source: "web", occurredAt: NOW_MS - 72 * HOUR },
        ],
      },
    );
    expect(v.outcome).toBe("allowed");
  });

  it("uses the default limit for actions freshness.yaml does not name", () => {
    const ev = (age: number) => ({ evidence: [{ id: "e", source: "web", occurredAt: NOW_MS - age }] });
    const webAsset = { asset: assetView({ channel: "web" }) };
    expect(run({ action: "web_personalization", evidence: ["e"] }, { ...ev(6 * DAY), ...webAsset }).outcome).toBe("allowed");
    expect(codes(run({ action: "web_personalization", evidence: ["e"] }, { ...ev(8 * DAY), ...webAsset }))).toContain("DATA_STALE");
  });

  it("without evidence, rejects with DATA_STALE when a required source has no event", () => {
    const v = run({ action: "visit_request", assetId: null }, { newestBySource: {}, consents: [consentView("field", "promotional", "granted", 0)] });
    expect(codes(v)).toContain("DATA_STALE");
    expect(v.reasons[0]!.message).toContain("no event from crm");
  });

  it("without evidence, rejects with DATA_STALE when a required source's newest event is older than the limit", () => {
    const v = run({ action: "field_suggestion", assetId: null }, { newestBySource: { crm: NOW_MS - 25 * HOUR }, consents: [consentView("field", "promotional", "granted", 0)] });
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toEqual(["DATA_STALE", "AUTHORITY_AUTONOMOUS"]);
  });

  it("passes an action that relies on nothing", () => {
    const v = run({}, { newestBySource: {} });
    expect(check(v, "freshness")).toMatchObject({ status: "pass", evidence: { basis: "nothing" } });
  });
});

describe("consent check", () => {
  it("rejects an email to a German HCP without opt-in consent with CONSENT_MISSING", () => {
    const v = run({}, { hcp: germanHcp, asset: germanAsset });
    expect(v.outcome).toBe("rejected");
    expect(v.reasons[0]).toEqual({
      code: "CONSENT_MISSING",
      message: "HCP hcp-de in market DE has no granted email consent for promotional purpose (market DE is opt-in for email)",
    });
  });

  it("allows an email to a German HCP with granted consent for that channel and purpose", () => {
    const v = run({}, { hcp: germanHcp, asset: germanAsset, consents: [germanConsent] });
    expect(v.outcome).toBe("allowed");
    expect(check(v, "consent").evidence).toMatchObject({ regime: "opt_in", recordId: germanConsent.recordId, status: "granted" });
  });

  it("does not count a consent for another purpose or another channel", () => {
    const consents = [consentView("email", "service", "granted", 0), consentView("web", "promotional", "granted", 0)];
    expect(codes(run({}, { hcp: germanHcp, asset: germanAsset, consents }))).toContain("CONSENT_MISSING");
  });

  it("does not count a consent captured after the decision's moment", () => {
    const v = run({}, { hcp: germanHcp, asset: germanAsset, consents: [consentView("email", "promotional", "granted", NOW_MS + 1)] });
    expect(codes(v)).toContain("CONSENT_MISSING");
    expect(v.reasons[0]!.message).toContain("does not count yet");
  });

  it("rejects with CONSENT_REVOKED when the newest record is a revocation (opt-in market)", () => {
    const consents = [germanConsent, consentView("email", "promotional", "revoked", NOW_MS - DAY)];
    const v = run({}, { hcp: germanHcp, asset: germanAsset, consents });
    expect(codes(v)).toContain("CONSENT_REVOKED");
  });

  it("rejects with CONSENT_REVOKED in an opt-out market too", () => {
    const v = run({}, { consents: [consentView("email", "promotional", "revoked", NOW_MS - DAY)] });
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toContain("CONSENT_REVOKED");
  });

  it("allows an email in an opt-out market with no consent record", () => {
    expect(run({}, { consents: [] }).outcome).toBe("allowed");
  });

  it("treats a channel missing from the market's map as opt-in (US field)", () => {
    const p = { action: "field_suggestion" as const, assetId: null };
    expect(codes(run(p))).toContain("CONSENT_MISSING");
    expect(run(p, { consents: [consentView("field", "promotional", "granted", 0)] }).outcome).toBe("allowed");
  });

  it("lets a re-grant after a revocation count", () => {
    const consents = [consentView("email", "promotional", "revoked", NOW_MS - 2 * DAY), consentView("email", "promotional", "granted", NOW_MS - DAY)];
    expect(run({}, { hcp: germanHcp, asset: germanAsset, consents }).outcome).toBe("allowed");
  });
});

describe("content check", () => {
  it("rejects an email without an asset with CONTENT_REQUIRED", () => {
    const v = run({ assetId: null }, { asset: null, assetFound: false });
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toContain("CONTENT_REQUIRED");
  });

  it("lets a field suggestion go without an asset", () => {
    const v = run({ action: "field_suggestion", assetId: null }, { asset: null, assetFound: false, consents: [consentView("field", "promotional", "granted", 0)] });
    expect(check(v, "content").status).toBe("pass");
  });

  it("rejects an unknown asset with CONTENT_NOT_APPROVED", () => {
    const v = run({ assetId: "nope" }, { asset: null, assetFound: false });
    expect(codes(v)).toContain("CONTENT_NOT_APPROVED");
    expect(v.reasons[0]!.message).toContain("unknown asset");
  });

  it("rejects an asset still in draft with CONTENT_NOT_APPROVED", () => {
    expect(codes(run({}, { asset: assetView({ status: "draft" }) }))).toContain("CONTENT_NOT_APPROVED");
  });

  it("checks an asset a field suggestion carries like any other", () => {
    const v = run(
      { action: "field_suggestion", assetId: "asset-1" },
      { asset: assetView({ status: "submitted", channel: "field" }), consents: [consentView("field", "promotional", "granted", 0)] },
    );
    expect(codes(v)).toContain("CONTENT_NOT_APPROVED");
  });

  it("rejects an asset past its expiry with CONTENT_EXPIRED", () => {
    expect(codes(run({}, { asset: assetView({ expiresAt: NOW_MS }) }))).toContain("CONTENT_EXPIRED");
    expect(run({}, { asset: assetView({ expiresAt: NOW_MS + 1 }) }).outcome).toBe("allowed");
  });

  it("rejects an asset using an expired claim with CONTENT_EXPIRED", () => {
    expect(codes(run({}, { asset: assetView({ claims: [claimView({ expiresAt: NOW_MS - 1 })] }) }))).toContain("CONTENT_EXPIRED");
  });

  it("rejects an asset using a withdrawn claim with CONTENT_CLAIM_WITHDRAWN, naming the claim", () => {
    const v = run({}, { asset: assetView({ claims: [claimView(), claimView({ id: "claim-9", version: 4, status: "withdrawn" })] }) });
    expect(codes(v)).toContain("CONTENT_CLAIM_WITHDRAWN");
    expect(v.reasons[0]!.message).toContain("claim-9 v4");
  });

  it("rejects a withdrawn asset with CONTENT_NOT_APPROVED and CONTENT_CLAIM_WITHDRAWN", () => {
    const v = run({}, { asset: assetView({ status: "withdrawn", claims: [claimView({ status: "withdrawn" })] }) });
    expect(codes(v).filter((c) => c.startsWith("CONTENT_"))).toEqual(["CONTENT_NOT_APPROVED", "CONTENT_CLAIM_WITHDRAWN"]);
  });

  it("rejects an asset using a claim not yet approved with CONTENT_NOT_APPROVED", () => {
    expect(codes(run({}, { asset: assetView({ claims: [claimView({ status: "submitted" })] }) }))).toContain("CONTENT_NOT_APPROVED");
  });

  it("rejects an asset approved for another market with CONTENT_MARKET_MISMATCH", () => {
    const v = run({}, { hcp: germanHcp, consents: [germanConsent], asset: assetView({ market: "US" }) });
    expect(codes(v)).toEqual(["CONTENT_MARKET_MISMATCH", "AUTHORITY_AUTONOMOUS"]);
  });

  it("rejects an asset made for another channel with CONTENT_CHANNEL_MISMATCH", () => {
    expect(codes(run({}, { asset: assetView({ channel: "web" }) }))).toContain("CONTENT_CHANNEL_MISMATCH");
  });

  it("records the asset and claim versions it relied on", () => {
    const v = run({}, { asset: assetView({ version: 7, claims: [claimView({ id: "a", version: 1 }), claimView({ id: "b", version: 5 })] }) });
    expect(check(v, "content").evidence).toEqual({ asset: { id: "asset-1", version: 7 }, claims: [{ id: "a", version: 1 }, { id: "b", version: 5 }] });
  });
});

describe("authority check", () => {
  it("lets a promotional email go autonomously", () => {
    expect(run().outcome).toBe("allowed");
  });

  it("sends a low-confidence email to brand review (AUTHORITY_CONFIRM), listing every rule that spoke", () => {
    const v = run({ confidence: 0.4 });
    expect(v.outcome).toBe("pending_review");
    if (v.outcome !== "pending_review") return;
    expect(v.reviewers).toEqual(["reviewer:brand"]);
    expect(v.reasons.map((r) => [r.code, r.ruleId])).toEqual([
      ["AUTHORITY_AUTONOMOUS", "promo-email-autonomous"],
      ["AUTHORITY_CONFIRM", "low-confidence-needs-brand"],
    ]);
    expect(check(v, "authority").status).toBe("hold");
  });

  it("sends an MI response to medical review", () => {
    const v = run({ action: "mi_response", purpose: "medical", assetId: null, content: { text: "Renal impairment: no dose adjustment is needed (SmPC 4.2)." } });
    expect(v.outcome).toBe("pending_review");
    if (v.outcome === "pending_review") expect(v.reviewers).toEqual(["reviewer:medical"]);
  });

  it("forbids high-risk content in the EU with AUTHORITY_FORBIDDEN and the rule's own reason", () => {
    const v = run({}, { hcp: germanHcp, consents: [germanConsent], asset: assetView({ market: "DE", riskClass: "high" }) });
    expect(v.outcome).toBe("rejected");
    expect(v.reasons).toContainEqual({ code: "AUTHORITY_FORBIDDEN", ruleId: "no-high-risk-content-in-eu", layer: "global", message: "High-risk claims need a local affiliate decision" });
  });

  it("applies the default when no rule speaks, saying so with ruleId default", () => {
    const v = run({ action: "web_personalization", purpose: "service" }, { asset: assetView({ channel: "web" }) });
    expect(v.outcome).toBe("rejected");
    expect(v.reasons).toContainEqual({
      code: "AUTHORITY_FORBIDDEN",
      ruleId: "default",
      layer: "global",
      message: "No authority rule matched web_personalization for service purpose; the default (forbidden) applies",
    });
  });

  it("lets a confirm default route to review, and an autonomous default through", () => {
    const noRules = (d: "autonomous" | "confirm") => bundleWith({ authority: { owner: "x", default: d, rules: [] } });
    expect(run({}, {}, NOW, noRules("autonomous")).outcome).toBe("allowed");
    expect(run({}, {}, NOW, noRules("confirm")).outcome).toBe("pending_review");
  });
});

describe("combining the checks", () => {
  it("lists every check that spoke, in check order, not only the first", () => {
    const v = run(
      { notAfter: new Date(NOW_MS - 1) },
      { agent: agentView({ status: "paused" }), hcp: germanHcp, asset: assetView({ status: "draft", market: "US" }) },
    );
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toEqual(["AGENT_PAUSED", "PROPOSAL_EXPIRED", "CONSENT_MISSING", "CONTENT_NOT_APPROVED", "CONTENT_MARKET_MISMATCH", "AUTHORITY_AUTONOMOUS"]);
  });

  it("rejects rather than sends to review when another check blocks", () => {
    const v = run({ confidence: 0.4 }, { hcp: germanHcp, asset: germanAsset });
    expect(v.outcome).toBe("rejected");
    expect(codes(v)).toEqual(["CONSENT_MISSING", "AUTHORITY_AUTONOMOUS", "AUTHORITY_CONFIRM"]);
  });

  it("sends a delayed action that needs confirmation to review without holding a slot or a moment", () => {
    const evening = new Date("2026-01-06T02:00:00Z"); // quiet in New York
    const v = run({ confidence: 0.4 }, {}, evening);
    expect(v.outcome).toBe("pending_review");
    expect(codes(v)).not.toContain("QUIET_HOURS");
    expect("scheduledFor" in v).toBe(false);
  });

  it("marks exempt purposes on the verdict", () => {
    const v = run({ purpose: "service" });
    expect(v.outcome).toBe("allowed");
    expect(v.exempt).toBe(true);
    expect(check(v, "contact")).toMatchObject({ status: "skipped", evidence: { exempt: true } });
  });
});

describe("content an action carries and personalization it needs", () => {
  it("rejects an MI response without text or asset (CONTENT_REQUIRED); an email's own text does not replace its approved asset", () => {
    const mi = run({ action: "mi_response", purpose: "medical", assetId: null });
    expect([mi.outcome, codes(mi)[0]]).toEqual(["rejected", "CONTENT_REQUIRED"]);
    expect(check(mi, "content").reasons[0]!.message).toContain("content.text");
    const email = run({ assetId: null, content: { text: "Hello" } });
    expect(codes(email)).toContain("CONTENT_REQUIRED");
  });

  it("rejects an asset whose tokens the HCP's profile cannot fill (PERSONALIZATION_MISSING), naming the tokens", () => {
    const asset = assetView({ tokens: ["hcp.name", "hcp.title", "rep.name", "unsubscribe"] });
    const v = run({}, { asset, hcp: hcpView({ attributes: { title: "Dr." } }) });
    expect([v.outcome, codes(v)]).toEqual(["rejected", ["PERSONALIZATION_MISSING", "AUTHORITY_AUTONOMOUS"]]);
    expect(check(v, "personalization").evidence).toEqual({ tokens: asset.tokens, missing: ["rep.name"] });
    expect(v.reasons[0]!.message).toContain("{{rep.name}}");
    expect(run({}, { asset, hcp: hcpView({ attributes: { title: "Dr.", repName: "Tom Reyes" } }) }).outcome).toBe("allowed");
    // A blank value is no value.
    expect(codes(run({}, { asset, hcp: hcpView({ attributes: { title: "  ", repName: "Tom Reyes" } }) }))).toContain("PERSONALIZATION_MISSING");
  });
});
