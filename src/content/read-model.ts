// What other capabilities may ask about content: the gate's AssetView (on its hot path: three indexed
// reads), an asset's claims, and the assets that use a claim. Read-only; never writes.
import type { Db, Store, Tx } from "../store/db.ts";
import type { AssetView, ClaimView } from "../gate/snapshot.ts";
import type { Channel, Market } from "../shared/vocabulary.ts";
import { prepared } from "../store/prepared.ts";
import { neededTokens } from "./personalization.ts";
import { parseJson } from "../shared/json.ts";
import { epochOrNull, highestRisk, statusAt, toGateStatus, type ContentStatus, type RiskClass } from "./lifecycle.ts";

/**
 * The asset as the gate sees it: the version in force (the live approved version, else the latest),
 * with its claim modules in the asset's order (times as epoch ms). A claim's withdrawal reads
 * `withdrawn` on every version of it. Without `now`, statuses are as stored and the caller compares
 * expiresAt with its own clock (the gate does); with `now`, a status past its expiry reads `expired`.
 */
const assetHead = prepared((db, p: { id: string }) => db.selectFrom("assets").select(["id", "version", "live_version"]).where("id", "=", p.id));
const assetVersion = prepared((db, p: { id: string; version: number }) =>
  db.selectFrom("asset_versions").select(["version", "status", "channel", "market", "product", "expires_at", "subject", "rendered", "checks"]).where("asset_id", "=", p.id).where("version", "=", p.version));
const moduleClaims = prepared((db, p: { id: string; version: number }) =>
  db.selectFrom("asset_modules")
    .innerJoin("claim_versions", (j) => j.onRef("claim_versions.claim_id", "=", "asset_modules.claim_id").onRef("claim_versions.version", "=", "asset_modules.claim_version"))
    .innerJoin("claims", "claims.id", "asset_modules.claim_id")
    .select(["claim_versions.claim_id as id", "claim_versions.version", "claim_versions.status", "claims.status as claim_status", "claim_versions.expires_at", "claim_versions.risk_class"])
    .where("asset_modules.asset_id", "=", p.id).where("asset_modules.version", "=", p.version)
    .orderBy("asset_modules.position"));

export async function loadAssetView(db: Db | Tx, assetId: string, now?: Date): Promise<AssetView | null> {
  const head = await assetHead.first(db, { id: assetId });
  if (!head) return null;
  const version = versionInForce(head);
  const asset = await assetVersion.first(db, { id: assetId, version });
  if (!asset) return null;
  const claims = await moduleClaims.all(db, { id: assetId, version });
  return toAssetView(head.id, asset, claims, now);
}

/** The version that may be sent: the live approved version, else the latest. */
export function versionInForce(head: { version: number; live_version: number | null }): number {
  return head.live_version ?? head.version;
}

/** The stored fields of the asset version in force that the gate's view needs. */
export interface StoredAssetVersion {
  version: number;
  status: string;
  channel: string;
  market: string;
  product: string | null;
  expires_at: string | null;
  /** The approved render's subject and text: which personalization tokens a send must fill. */
  subject: string | null;
  rendered: string;
  /** The pre-review findings (JSON); a COMPARATIVE_CLAIM among them makes the content comparative. */
  checks?: string;
}

/** A claim module of that version: its claim version's stored fields and the claim's own status (withdrawal). */
export interface StoredModuleClaim {
  id: string;
  version: number;
  status: string;
  claim_status: string;
  expires_at: string | null;
  risk_class: string;
}

/** The gate's view of stored rows (pure): what loadAssetView answers, modules in the asset's order. */
export function toAssetView(assetId: string, asset: StoredAssetVersion, claims: readonly StoredModuleClaim[], now?: Date): AssetView {
  const status = (stored: string, expiresAt: string | null) =>
    toGateStatus(now ? statusAt(stored as ContentStatus, expiresAt, now) : (stored as ContentStatus));
  return {
    id: assetId,
    version: asset.version,
    status: status(asset.status, asset.expires_at),
    channel: asset.channel as Channel,
    market: asset.market as Market,
    product: asset.product,
    riskClass: highestRisk(claims.map((c) => c.risk_class as RiskClass)),
    expiresAt: epochOrNull(asset.expires_at),
    claims: claims.map((c): ClaimView => ({
      id: c.id, version: c.version, status: status(c.claim_status === "withdrawn" ? "withdrawn" : c.status, c.expires_at), expiresAt: epochOrNull(c.expires_at),
    })),
    tokens: neededTokens(asset.subject, asset.rendered),
    comparative: isComparative(asset.checks),
  };
}

/** Whether the version's pre-review checks found comparative wording (CEL: content.comparative). */
function isComparative(checks: string | undefined): boolean {
  if (!checks || !checks.includes("COMPARATIVE_CLAIM")) return false;
  const findings = parseJson<unknown>(checks, []);
  return Array.isArray(findings) && findings.some((f) => typeof f === "object" && f !== null && (f as { code?: unknown }).code === "COMPARATIVE_CLAIM");
}

/**
 * For a send path in server mode: hold the asset row shared until the caller's transaction ends, so a
 * claim withdrawal (which updates the row) either commits first and is seen, or waits and then cancels
 * what this transaction queued. SQLite's single writer already orders the two.
 */
export async function lockAssetForSend(store: Store, trx: Tx, assetId: string): Promise<void> {
  if (store.engine === "postgres") {
    await trx.selectFrom("assets").select("id").where("id", "=", assetId).forShare().execute();
  }
}

/** Every asset that uses a claim in any version (whatever its status): what a withdrawal must reach. */
export async function assetIdsUsingClaim(db: Db | Tx, claimId: string): Promise<string[]> {
  const rows = await db.selectFrom("asset_modules").select("asset_id").distinct().where("claim_id", "=", claimId).orderBy("asset_id").execute();
  return rows.map((r) => r.asset_id);
}

const copyHead = prepared((db, p: { id: string }) =>
  db.selectFrom("assets").select(["id", "version", "title", "subject", "language", "body", "rendered", "live_version"]).where("id", "=", p.id));
const copyVersion = prepared((db, p: { id: string; version: number }) =>
  db.selectFrom("asset_versions").select(["version", "title", "subject", "language", "body", "rendered"]).where("asset_id", "=", p.id).where("version", "=", p.version));

/** The copy of the version that may be sent, as approved: what review shows and dispatch sends. */
export interface SendableCopy {
  id: string;
  version: number;
  title: string;
  language: string;
  subject: string | null;
  /** The approved render: modules and safety information placed, personalization tokens unfilled. */
  rendered: string;
}

/**
 * The copy of the version in force (`live_version` when content keeps versions, else the asset's own
 * row). A row from before rendering was stored (empty `rendered`) falls back to its body as written.
 */
export async function loadSendableCopy(db: Db | Tx, assetId: string): Promise<SendableCopy | null> {
  const head = await copyHead.first(db, { id: assetId });
  if (!head) return null;
  const live = head.live_version !== null && head.live_version !== head.version ? await copyVersion.first(db, { id: assetId, version: head.live_version }) : undefined;
  const v = live ?? head;
  return { id: head.id, version: v.version, title: v.title, language: v.language, subject: v.subject, rendered: v.rendered || v.body };
}
