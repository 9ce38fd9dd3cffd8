// A realistic governance bundle and snapshot/proposal builders for the gate's tests and benchmark.
// The bundle is built directly as a `Bundle` value (no YAML, no CEL): conditions are hand-written
// `holds` functions mirroring the CEL in GOVERNANCE.md.
import type { Bundle, Cap, Condition, ConditionInput, MarketRule } from "../governance/bundle.ts";
import type { ActionType, Channel, Market, Purpose } from "../shared/vocabulary.ts";
import type { Proposal } from "./proposal.ts";
import type { AgentView, AssetView, ClaimView, ConsentView, HcpView, Snapshot, Touch } from "./snapshot.ts";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Monday 2026-01-05 15:00 UTC: 10:00 in New York, 16:00 in Berlin — outside quiet hours in both. */
export const NOW = new Date("2026-01-05T15:00:00.000Z");
export const NOW_MS = NOW.getTime();

export function at(iso: string): number {
  return new Date(iso).getTime();
}

export function condition(source: string, holds: (input: ConditionInput) => boolean): Condition {
  return {
    source,
    holds(input) {
      try {
        return holds(input);
      } catch {
        return false; // as CEL: a runtime error means "does not hold"
      }
    },
  };
}

const EU: readonly Market[] = ["DE", "FR", "IT", "ES"];

export const MARKETS: Record<Market, MarketRule> = {
  US: { code: "US", timezone: "America/New_York", consent: { email: "opt_out", phone: "opt_out", web: "opt_out" }, language: "en" },
  DE: { code: "DE", timezone: "Europe/Berlin", consent: { email: "opt_in", phone: "opt_in", web: "opt_in" }, language: "de" },
};

export const CAPS: readonly Cap[] = [
  { channel: "all", max: 4, perMs: 7 * DAY, label: "all 4 per 7d" },
  { channel: "email", max: 2, perMs: 7 * DAY, label: "email 2 per 7d" },
  { channel: "field", max: 1, perMs: 14 * DAY, label: "field 1 per 14d" },
];

export const BUNDLE: Bundle = {
  version: "0f3a9c1e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a",
  authority: {
    owner: "Jane Roe <jane.roe@example.com>",
    default: "forbidden",
    rules: [
      { id: "promo-email-autonomous", when: { action: ["email"], purpose: ["promotional"] }, condition: null, outcome: "autonomous", reviewers: [], reason: null },
      { id: "service-email-autonomous", when: { action: ["email"], purpose: ["service"] }, condition: null, outcome: "autonomous", reviewers: [], reason: null },
      { id: "event-invite-autonomous", when: { action: ["event_invite"] }, condition: null, outcome: "autonomous", reviewers: [], reason: null },
      { id: "field-autonomous", when: { action: ["field_suggestion", "visit_request"] }, condition: null, outcome: "autonomous", reviewers: [], reason: null },
      { id: "web-autonomous", when: { action: ["web_personalization"], purpose: ["promotional"] }, condition: null, outcome: "autonomous", reviewers: [], reason: null },
      {
        id: "low-confidence-needs-brand",
        when: { action: ["email", "field_suggestion"] },
        condition: condition("proposal.confidence < 0.6", (i) => i.proposal.confidence !== null && i.proposal.confidence < 0.6),
        outcome: "confirm",
        reviewers: ["reviewer:brand"],
        reason: null,
      },
      { id: "mi-needs-medical", when: { action: ["mi_response"] }, condition: null, outcome: "confirm", reviewers: ["reviewer:medical"], reason: null },
      {
        id: "no-high-risk-content-in-eu",
        when: {},
        condition: condition(
          'content.riskClass == "high" && hcp.market in ["DE", "FR", "IT", "ES"]',
          (i) => i.content !== null && i.content.riskClass === "high" && i.hcp !== null && EU.includes(i.hcp.market),
        ),
        outcome: "forbidden",
        reviewers: [],
        reason: "High-risk claims need a local affiliate decision",
      },
    ],
  },
  contact: {
    caps: CAPS,
    minGapMs: 24 * HOUR,
    quietHours: { fromMinute: 20 * 60, toMinute: 8 * 60 },
    exemptPurposes: ["medical", "service"],
    arbitration: ["priority", "expectedValue"],
  },
  markets: MARKETS,
  freshness: {
    defaultMs: 7 * DAY,
    actions: { field_suggestion: 24 * HOUR, visit_request: 24 * HOUR, email: 72 * HOUR },
    requires: { field_suggestion: ["crm"], visit_request: ["crm"] },
  },
  tests: [],
  files: {},
};

/** The bundle with some parts replaced (contact policy merged one level deep). */
export function bundleWith(over: Partial<Omit<Bundle, "contact">> & { contact?: Partial<Bundle["contact"]> } = {}): Bundle {
  const { contact, ...rest } = over;
  return { ...BUNDLE, ...rest, contact: { ...BUNDLE.contact, ...contact } };
}

export function agentView(over: Partial<AgentView> = {}): AgentView {
  return {
    id: "nba-1",
    name: "NBA engine",
    owner: "sam.owner",
    status: "active",
    statusReason: null,
    actions: ["email", "event_invite", "mi_response", "field_suggestion", "visit_request", "web_personalization"],
    markets: ["US", "DE"],
    priority: 50,
    ...over,
  };
}

export function hcpView(over: Partial<HcpView> = {}): HcpView {
  return { id: "hcp-1", name: "Dr. Ada Lovelace", market: "US", timezone: null, specialty: "cardiology", segment: "A", attributes: {}, ...over };
}

export function claimView(over: Partial<ClaimView> = {}): ClaimView {
  return { id: "claim-1", version: 2, status: "approved", expiresAt: null, ...over };
}

export function assetView(over: Partial<AssetView> = {}): AssetView {
  return {
    id: "asset-1",
    version: 3,
    status: "approved",
    channel: "email",
    market: "US",
    product: "cardiozol",
    riskClass: "low",
    expiresAt: null,
    claims: [claimView()],
    tokens: [],
    ...over,
  };
}

export function consentView(channel: Channel, purpose: Purpose, status: "granted" | "revoked", capturedAt: number, over: Partial<ConsentView> = {}): ConsentView {
  return { channel, purpose, status, capturedAt, source: "crm", recordId: `consent-${channel}-${purpose}-${capturedAt}`, ...over };
}

export function touch(atMs: number, channel: Channel = "email", over: Partial<Touch> = {}): Touch {
  return { at: atMs, channel, exempt: false, decisionId: `d-${channel}-${atMs}`, agentId: "other-agent", ...over };
}

/** A snapshot for a known, active agent and a US HCP with an approved US email asset and fresh CRM data. */
export function snapshotOf(over: Partial<Snapshot> = {}, now: number = NOW_MS): Snapshot {
  return {
    agent: agentView(),
    hcp: hcpView(),
    consents: [],
    asset: assetView(),
    assetFound: true,
    touches: [],
    evidence: [],
    missingEvidence: [],
    newestBySource: { crm: now - HOUR },
    ...over,
  };
}

/** A promotional email with asset-1 and high confidence. */
export function proposalOf(over: Partial<Proposal> = {}): Proposal {
  return {
    agentId: "nba-1",
    idempotencyKey: "k-1",
    hcpId: "hcp-1",
    action: "email",
    purpose: "promotional",
    assetId: "asset-1",
    confidence: 0.9,
    expectedValue: 1.5,
    rationale: null,
    evidence: [],
    notAfter: null,
    content: null,
    ...over,
  };
}

/** The asset an action needs, matching its channel and the HCP's market (null for actions that need none). */
export function assetFor(action: ActionType, market: Market, over: Partial<AssetView> = {}): AssetView {
  const channel: Channel = action === "web_personalization" ? "web" : action === "field_suggestion" || action === "visit_request" ? "field" : "email";
  return assetView({ id: `asset-${action}-${market}`, channel, market, ...over });
}
