// Is the content the action would send approved, current, free of withdrawn claims, and made for this
// HCP's market and this channel?
//
// Where the rules overlap, the most specific code is used once: an asset or claim whose status is
// `expired` is CONTENT_EXPIRED (not also CONTENT_NOT_APPROVED); a withdrawn claim is
// CONTENT_CLAIM_WITHDRAWN (not also CONTENT_NOT_APPROVED). A withdrawn asset is CONTENT_NOT_APPROVED,
// plus CONTENT_CLAIM_WITHDRAWN when one of its claims is withdrawn.
import { requiresContent, requiresText } from "../../shared/vocabulary.ts";
import type { Reason } from "../reasons.ts";
import type { CheckResult } from "../verdict.ts";
import { formatInstant, formatList } from "./format.ts";
import { NO_REASONS, type GateInput } from "./input.ts";

export function checkContent({ proposal, snapshot, channel, nowMs }: GateInput): CheckResult {
  const assetId = proposal.assetId;
  if (assetId === null) {
    if (requiresContent(proposal.action)) {
      return {
        check: "content",
        status: "fail",
        reasons: [{ code: "CONTENT_REQUIRED", message: `A ${proposal.action} needs an approved asset, and the proposal names none` }],
        evidence: { assetId: null },
      };
    }
    if (requiresText(proposal.action) && proposal.content === null) {
      return {
        check: "content",
        status: "fail",
        reasons: [{ code: "CONTENT_REQUIRED", message: `A ${proposal.action} needs the text a reviewer signs and the HCP receives (content.text), or an approved asset; the proposal has neither` }],
        evidence: { assetId: null, content: false },
      };
    }
    if (proposal.content !== null) {
      return { check: "content", status: "pass", reasons: NO_REASONS, evidence: { assetId: null, content: { chars: proposal.content.text.length, subject: proposal.content.subject !== undefined } } };
    }
    return { check: "content", status: "pass", reasons: NO_REASONS, evidence: { assetId: null } };
  }
  const asset = snapshot.asset;
  if (!snapshot.assetFound || asset === null) {
    return {
      check: "content",
      status: "fail",
      reasons: [{ code: "CONTENT_NOT_APPROVED", message: `Asset ${assetId} is an unknown asset: there is no such asset in the content library` }],
      evidence: { assetId, found: false },
    };
  }

  const reasons: Reason[] = [];
  const name = `Asset ${asset.id} v${asset.version}`;
  if (asset.status === "expired") {
    reasons.push({ code: "CONTENT_EXPIRED", message: `${name} has expired (status expired)` });
  } else if (asset.status !== "approved") {
    reasons.push({ code: "CONTENT_NOT_APPROVED", message: `${name} is ${asset.status}, not approved` });
  }
  if (asset.status !== "expired" && asset.expiresAt !== null && asset.expiresAt <= nowMs) {
    reasons.push({ code: "CONTENT_EXPIRED", message: `${name} expired at ${formatInstant(asset.expiresAt)}` });
  }

  let withdrawn: string[] | null = null;
  let expired: string[] | null = null;
  let unapproved: string[] | null = null;
  for (const claim of asset.claims) {
    if (claim.status === "withdrawn") (withdrawn ??= []).push(`${claim.id} v${claim.version}`);
    else if (claim.status === "expired" || (claim.expiresAt !== null && claim.expiresAt <= nowMs)) (expired ??= []).push(`${claim.id} v${claim.version}`);
    else if (claim.status !== "approved") (unapproved ??= []).push(`${claim.id} v${claim.version} (${claim.status})`);
  }
  if (withdrawn !== null) {
    reasons.push({ code: "CONTENT_CLAIM_WITHDRAWN", message: `${name} uses withdrawn claim(s) ${formatList(withdrawn)}` });
  }
  if (expired !== null) {
    reasons.push({ code: "CONTENT_EXPIRED", message: `${name} uses expired claim(s) ${formatList(expired)}` });
  }
  if (unapproved !== null) {
    reasons.push({ code: "CONTENT_NOT_APPROVED", message: `${name} uses claim(s) not approved: ${formatList(unapproved)}` });
  }

  const hcp = snapshot.hcp;
  if (hcp !== null && asset.market !== hcp.market) {
    reasons.push({
      code: "CONTENT_MARKET_MISMATCH",
      message: `${name} is approved for market ${asset.market}, but HCP ${hcp.id} is in market ${hcp.market}`,
    });
  }
  if (asset.channel !== channel) {
    reasons.push({
      code: "CONTENT_CHANNEL_MISMATCH",
      message: `${name} is made for the ${asset.channel} channel, but ${proposal.action} goes out by ${channel}`,
    });
  }

  const claims = new Array<{ id: string; version: number }>(asset.claims.length);
  for (let i = 0; i < asset.claims.length; i++) {
    const c = asset.claims[i]!;
    claims[i] = { id: c.id, version: c.version };
  }
  return {
    check: "content",
    status: reasons.length === 0 ? "pass" : "fail",
    reasons: reasons.length === 0 ? NO_REASONS : reasons,
    evidence: { asset: { id: asset.id, version: asset.version }, claims },
  };
}
