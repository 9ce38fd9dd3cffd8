// What other capabilities may ask about content: the gate's AssetView (on its hot path: two indexed
// reads), an asset's claims, and the assets that use a claim. Read-only; never writes.
import type { Db, Store, Tx } from "../store/db.ts";
import type { AssetView, ClaimView } from "../gate/snapshot.ts";
import type { Channel, Market } from "../shared/vocabulary.ts";
import { toClaim, type Claim, type ClaimRow } from "./claims.ts";
import { epochOrNull, highestRisk, statusAt, type ContentStatus, type RiskClass } from "./lifecycle.ts";

/**
 * The asset as the gate sees it, with its claims in the asset's order (times as epoch ms).
 * Without `now`, statuses are as stored and the caller compares expiresAt with its own clock (the
 * gate does); with `now`, a status past its expiry reads `expired`, as the API shows it.
 */
export async function loadAssetView(db: Db | Tx, assetId: string, now?: Date): Promise<AssetView | null> {
  const asset = await db.selectFrom("assets")
    .select(["id", "version", "status", "channel", "market", "product", "expires_at"])
    .where("id", "=", assetId)
    .executeTakeFirst();
  if (!asset) return null;
  const claims = await db.selectFrom("asset_claims")
    .innerJoin("claims", "claims.id", "asset_claims.claim_id")
    .select(["claims.id", "claims.version", "claims.status", "claims.expires_at", "claims.risk_class"])
    .where("asset_claims.asset_id", "=", assetId)
    .orderBy("asset_claims.position")
    .execute();
  const status = (stored: string, expiresAt: string | null) =>
    now ? statusAt(stored as ContentStatus, expiresAt, now) : (stored as ContentStatus);
  return {
    id: asset.id,
    version: asset.version,
    status: status(asset.status, asset.expires_at),
    channel: asset.channel as Channel,
    market: asset.market as Market,
    product: asset.product,
    riskClass: highestRisk(claims.map((c) => c.risk_class as RiskClass)),
    expiresAt: epochOrNull(asset.expires_at),
    claims: claims.map((c): ClaimView => ({ id: c.id, version: c.version, status: status(c.status, c.expires_at), expiresAt: epochOrNull(c.expires_at) })),
  };
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

/** The claims an asset uses, in its order, with statuses as of `now`. */
export async function claimsOfAsset(db: Db | Tx, assetId: string, now: Date): Promise<Claim[]> {
  const rows = await claimRowsOfAssets(db, [assetId]);
  return (rows.get(assetId) ?? []).map((r) => toClaim(r, now));
}

/** Claim rows per asset, each list in the asset's order; one query for any number of assets. */
export async function claimRowsOfAssets(db: Db | Tx, assetIds: readonly string[]): Promise<Map<string, ClaimRow[]>> {
  const byAsset = new Map<string, ClaimRow[]>(assetIds.map((id) => [id, []]));
  if (assetIds.length === 0) return byAsset;
  const rows = await db.selectFrom("asset_claims")
    .innerJoin("claims", "claims.id", "asset_claims.claim_id")
    .selectAll("claims")
    .select("asset_claims.asset_id")
    .where("asset_claims.asset_id", "in", assetIds)
    .orderBy("asset_claims.asset_id")
    .orderBy("asset_claims.position")
    .execute();
  for (const { asset_id, ...claim } of rows) byAsset.get(asset_id)?.push(claim);
  return byAsset;
}

/** Every asset that uses a claim (whatever its status): what a withdrawal must reach. */
export async function assetIdsUsingClaim(db: Db | Tx, claimId: string): Promise<string[]> {
  const rows = await db.selectFrom("asset_claims").select("asset_id").where("claim_id", "=", claimId).orderBy("asset_id").execute();
  return rows.map((r) => r.asset_id);
}
