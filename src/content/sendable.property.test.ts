// Property: an asset is sendable iff every rule of the content lifecycle holds. Generated histories
// (claims drafted, signed or not, withdrawn before or after the asset's approval; assets with findings,
// expiries, newer drafts) are played through the content module's own rules — approval, the
// workflow, the cascade's effect on stored statuses, the read model's view of the version in force —
// and the gate's content check is asked about the result. An oracle written from the words,
// independently of both, says what the answer must be.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkContent } from "../gate/checks/content.ts";
import { BUNDLE, proposalOf, snapshotOf, hcpView } from "../gate/fixtures.ts";
import type { AssetView } from "../gate/snapshot.ts";
import { ACTION_TYPES, CHANNELS, channelOf, type ActionType, type Channel, type Market } from "../shared/vocabulary.ts";
import { assetApprovalProblems, claimApprovalProblems } from "./approval.ts";
import type { CheckFinding, Severity } from "./checks.ts";
import { findingsNow, type ModuleClaim } from "./evaluation.ts";
import { statusAt, type ContentStatus, type RiskClass } from "./lifecycle.ts";
import { toAssetView, versionInForce, type StoredAssetVersion, type StoredModuleClaim } from "./read-model.ts";
import { sendRefusals } from "./sendable.ts";
import { refusalOf } from "./workflow.ts";

const DAY = 86_400_000;
const MARKETS: readonly Market[] = ["US", "DE"];
/** Statuses a version can have before a reviewer signs it. */
const BEFORE_SIGNING = ["draft", "submitted", "in_review", "changes_requested", "rejected", "superseded"] as const;
type BeforeSigning = (typeof BEFORE_SIGNING)[number];
/** What the withdrawal cascade blocks (src/content/withdrawal.ts): a version not already closed for good. */
const BLOCKABLE: ReadonlySet<string> = new Set(["draft", "submitted", "in_review", "approved", "changes_requested"]);

/** An expiry: none, exactly at one of the moments that matter, or some days either side of now. */
type Expiry = null | "now" | "assetApproval" | "claimApproval" | number;
/** When a claim is withdrawn, relative to its own approval and the asset's. */
type Withdrawal = "never" | "beforeClaimApproval" | "beforeAssetApproval" | "afterAssetApproval";

interface ClaimCase {
  prior: BeforeSigning;
  signed: boolean;
  references: number;
  expires: Expiry;
  withdrawal: Withdrawal;
  riskClass: RiskClass;
  /** How long before the asset's approval the claim was signed. */
  signedBefore: number;
}

interface Case {
  now: number;
  /** How long before now the asset was signed. */
  signedBefore: number;
  asset: {
    prior: BeforeSigning;
    signed: boolean;
    market: Market;
    channel: Channel;
    expires: Expiry;
    findings: Severity[];
    newerDraft: boolean;
  };
  claims: ClaimCase[];
  request: { market: Market; action: ActionType };
}

const weighted = <T>(...items: [T, number][]) => fc.oneof(...items.map(([v, weight]) => ({ arbitrary: fc.constant(v), weight })));
const expiry: fc.Arbitrary<Expiry> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 6 },
  { arbitrary: fc.constantFrom<Expiry>("now", "assetApproval", "claimApproval"), weight: 1 },
  { arbitrary: fc.integer({ min: -40 * DAY, max: 40 * DAY }), weight: 3 },
);
const beforeSigning = fc.oneof(
  { arbitrary: fc.constantFrom<BeforeSigning>("draft", "submitted", "in_review"), weight: 5 },
  { arbitrary: fc.constantFrom<BeforeSigning>("changes_requested", "rejected", "superseded"), weight: 1 },
);
const claimCase: fc.Arbitrary<ClaimCase> = fc.record({
  prior: beforeSigning,
  signed: weighted([true, 6], [false, 1]),
  references: weighted([1, 6], [2, 2], [0, 1]),
  expires: expiry,
  withdrawal: weighted<Withdrawal>(["never", 12], ["beforeClaimApproval", 1], ["beforeAssetApproval", 1], ["afterAssetApproval", 1]),
  riskClass: fc.constantFrom<RiskClass>("low", "medium", "high"),
  signedBefore: fc.integer({ min: 0, max: 30 * DAY }),
});
const arbitraryCase: fc.Arbitrary<Case> = fc
  .record({
    now: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
    signedBefore: fc.integer({ min: 0, max: 30 * DAY }),
    asset: fc.record({
      prior: beforeSigning,
      signed: weighted([true, 6], [false, 1]),
      market: fc.constantFrom(...MARKETS),
      channel: fc.constantFrom(...CHANNELS),
      expires: expiry,
      findings: fc.array(weighted<Severity>(["warning", 4], ["info", 4], ["error", 1]), { maxLength: 3 }),
      newerDraft: fc.boolean(),
    }),
    claims: fc.array(claimCase, { maxLength: 4 }),
    sameMarket: weighted([true, 4], [false, 1]),
    otherMarket: fc.constantFrom(...MARKETS),
    sameChannel: weighted([true, 4], [false, 1]),
    anyAction: fc.constantFrom(...ACTION_TYPES),
  })
  .map(({ sameMarket, otherMarket, sameChannel, anyAction, ...c }) => {
    const fitting = ACTION_TYPES.filter((a) => channelOf(a) === c.asset.channel);
    const action = sameChannel && fitting.length > 0 ? fitting[anyAction.length % fitting.length]! : anyAction;
    return { ...c, request: { market: sameMarket ? c.asset.market : otherMarket, action } };
  });

interface Moments {
  now: number;
  assetApproval: number;
  claimApproval: number;
}

function at(e: Expiry, m: Moments): number | null {
  if (e === null) return null;
  if (typeof e === "number") return m.now + e;
  return m[e];
}
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

// ---- the oracle: the rules, stated directly

const expiredAt = (expiresAt: number | null, t: number) => expiresAt !== null && expiresAt <= t;
const SIGNABLE: readonly string[] = ["draft", "submitted", "in_review"];

function oracle(c: Case): { sendable: boolean; approved: boolean; withdrawnClaim: boolean } {
  const assetSigned = c.now - c.signedBefore;
  const claimOk = c.claims.every((claim) => {
    const m = { now: c.now, assetApproval: assetSigned, claimApproval: assetSigned - claim.signedBefore };
    const expires = at(claim.expires, m);
    // A claim is approved when a reviewer signed it while it was up for review, cited, unexpired and not withdrawn.
    const approved = claim.signed && SIGNABLE.includes(claim.prior) && claim.references > 0 && !expiredAt(expires, m.claimApproval) && claim.withdrawal !== "beforeClaimApproval";
    // The asset is approved only if each claim is approved, unexpired and not withdrawn when the asset is signed.
    return approved && !expiredAt(expires, assetSigned) && claim.withdrawal !== "beforeAssetApproval";
  });
  const assetExpires = at(c.asset.expires, { now: c.now, assetApproval: assetSigned, claimApproval: assetSigned });
  const approved = c.asset.signed && SIGNABLE.includes(c.asset.prior) && !expiredAt(assetExpires, assetSigned)
    && !c.asset.findings.includes("error") && claimOk;
  const withdrawnClaim = c.claims.some((claim) => claim.withdrawal !== "never");
  // Sendable now: approved, nothing withdrawn since, nothing expired by now, made for this market and channel.
  const current = !expiredAt(assetExpires, c.now) && c.claims.every((claim) => !expiredAt(at(claim.expires, { now: c.now, assetApproval: assetSigned, claimApproval: assetSigned - claim.signedBefore }), c.now));
  const sendable = approved && !withdrawnClaim && current && c.asset.market === c.request.market && c.asset.channel === channelOf(c.request.action);
  return { sendable, approved, withdrawnClaim };
}

// ---- the system: the history played through the content module's rules, read as the gate reads it

interface Played {
  /** As loadAssetView answers without a clock (the gate's way: it compares expiries itself). */
  view: AssetView;
  /** As loadAssetView answers with `now`. */
  viewAtNow: AssetView;
}

function play(c: Case): Played {
  const assetSigned = c.now - c.signedBefore;
  const claims = c.claims.map((claim, i) => ({
    case: claim,
    id: `clm-${i}`,
    version: 1,
    stored: claim.prior as ContentStatus,
    head: claim.prior as ContentStatus,
    moments: { now: c.now, assetApproval: assetSigned, claimApproval: assetSigned - claim.signedBefore },
  }));
  const asset = { stored: c.asset.prior as ContentStatus, expiresAt: null as string | null };
  asset.expiresAt = iso(at(c.asset.expires, { now: c.now, assetApproval: assetSigned, claimApproval: assetSigned }));
  const expiresOf = (claim: (typeof claims)[number]) => iso(at(claim.case.expires, claim.moments));

  /** The cascade's effect on what is stored (withdrawal.ts): the claim, its versions, the asset versions using it. */
  const withdraw = (claim: (typeof claims)[number]) => {
    claim.head = "withdrawn";
    if (BLOCKABLE.has(claim.stored)) claim.stored = "withdrawn";
    if (BLOCKABLE.has(asset.stored)) asset.stored = "withdrawn";
  };

  // Each claim: perhaps withdrawn first, then signed (approveClaim's checks, in its order), perhaps withdrawn after.
  for (const claim of claims) {
    if (claim.case.withdrawal === "beforeClaimApproval") withdraw(claim);
    if (claim.case.signed) {
      const when = new Date(claim.moments.claimApproval);
      const status = statusAt(claim.head, expiresOf(claim), when);
      const problems = claimApprovalProblems({ id: claim.id, status: claim.head, expiresAt: expiresOf(claim), references: Array.from({ length: claim.case.references }, (_, k) => `ref ${k}`) }, when);
      if (status !== "approved" && problems.length === 0 && refusalOf("claim", claim.id, status, "approve") === null) {
        claim.stored = "approved";
        claim.head = "approved";
      }
    }
    if (claim.case.withdrawal === "beforeAssetApproval") withdraw(claim);
  }

  // The asset: signed (approveAsset's checks: its findings brought up to date, its claims as they stand).
  let approved = false;
  if (c.asset.signed) {
    const when = new Date(assetSigned);
    const moduleClaims: ModuleClaim[] = claims.map((claim) => ({
      id: claim.id, version: claim.version, status: statusAt(claim.head === "withdrawn" ? "withdrawn" : claim.stored, expiresOf(claim), when),
      markets: [c.asset.market], text: "", references: ["ref"], language: null, product: null, riskClass: claim.case.riskClass, expiresAt: expiresOf(claim),
    }));
    const copyFindings: CheckFinding[] = c.asset.findings.map((severity, k) => ({ code: `FINDING_${k}`, severity, message: `a ${severity} finding` }));
    const findings = findingsNow(copyFindings, claims.map((claim) => ({ claimId: claim.id, version: claim.version })), moduleClaims);
    const status = statusAt(asset.stored, asset.expiresAt, when);
    const problems = assetApprovalProblems(
      { id: "ast-1", status: asset.stored, expiresAt: asset.expiresAt, market: c.asset.market },
      moduleClaims.map((m) => ({ id: m.id, status: m.status, expiresAt: m.expiresAt, references: m.references })), findings, when,
    );
    if (status !== "approved" && problems.length === 0 && refusalOf("asset", "ast-1", status, "approve") === null) {
      asset.stored = "approved";
      approved = true;
    }
  }
  for (const claim of claims) if (claim.case.withdrawal === "afterAssetApproval") withdraw(claim);

  // Versions: v1 as played; with a newer draft, v2 (same modules: blocked too if a claim was withdrawn).
  const anyWithdrawn = claims.some((claim) => claim.head === "withdrawn");
  const head = { version: c.asset.newerDraft ? 2 : 1, live_version: approved ? 1 : null };
  const row = (version: number): StoredAssetVersion => ({
    version, status: version === 1 ? asset.stored : anyWithdrawn ? "withdrawn" : "draft",
    channel: c.asset.channel, market: c.asset.market, product: "cardiozan", expires_at: asset.expiresAt, subject: null, rendered: "",
  });
  const modules: StoredModuleClaim[] = claims.map((claim) => ({
    id: claim.id, version: claim.version, status: claim.stored, claim_status: claim.head, expires_at: expiresOf(claim), risk_class: claim.case.riskClass,
  }));
  const inForce = row(versionInForce(head));
  return { view: toAssetView("ast-1", inForce, modules), viewAtNow: toAssetView("ast-1", inForce, modules, new Date(c.now)) };
}

function gate(view: AssetView, c: Case) {
  const proposal = proposalOf({ action: c.request.action, assetId: view.id });
  const snapshot = snapshotOf({ hcp: hcpView({ market: c.request.market }), asset: view }, c.now);
  return checkContent({
    proposal, snapshot, bundle: BUNDLE, now: new Date(c.now), nowMs: c.now, channel: channelOf(c.request.action), market: BUNDLE.markets[c.request.market] ?? null,
  });
}

describe("property: an asset is sendable iff every rule holds", () => {
  it("the gate's content check, over the read model's view, agrees with the rules for any history", () => {
    let sendable = 0;
    let approvedButNot = 0;
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const expected = oracle(c);
        const { view, viewAtNow } = play(c);
        for (const v of [view, viewAtNow]) {
          const result = gate(v, c);
          expect(result.status === "pass", JSON.stringify({ expected, view: v, reasons: result.reasons })).toBe(expected.sendable);
          const codes = result.reasons.map((r) => r.code);
          // Each broken rule is named.
          if (c.request.market !== c.asset.market) expect(codes).toContain("CONTENT_MARKET_MISMATCH");
          if (channelOf(c.request.action) !== c.asset.channel) expect(codes).toContain("CONTENT_CHANNEL_MISMATCH");
          if (expected.withdrawnClaim) expect(codes).toContain("CONTENT_CLAIM_WITHDRAWN");
          if (!expected.approved) expect(codes.some((code) => code === "CONTENT_NOT_APPROVED" || code === "CONTENT_EXPIRED")).toBe(true);
          // What readiness asks (sendable.ts) is the gate's answer.
          expect(sendRefusals(v, c.request.market, c.request.action, new Date(c.now), BUNDLE).length === 0).toBe(expected.sendable);
        }
        if (expected.sendable) sendable++;
        else if (expected.approved) approvedButNot++;
      }),
      { numRuns: 5_000 },
    );
    // Both sides of the iff were exercised, not vacuously true.
    expect(sendable).toBeGreaterThan(250);
    expect(approvedButNot).toBeGreaterThan(250);
  });
});
