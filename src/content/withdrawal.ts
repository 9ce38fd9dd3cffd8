// The withdrawal cascade (a safety update): withdrawing a claim blocks every asset that uses it and
// cancels every pending action that would send one of them, in one transaction with one audit record.
// Nothing that depends on the claim can leave after the commit.
import { write, type Context, type Write } from "../shared/context.ts";
import { conflict, notFound } from "../shared/errors.ts";
import { selectClaim, toClaim, type Claim } from "./claims.ts";

export interface Withdrawal {
  claim: Claim;
  /** Assets this withdrawal moved to `withdrawn` (already withdrawn ones are not counted). */
  assetsBlocked: number;
  /** Pending outbox items plus open reviews cancelled. */
  actionsCancelled: number;
  outboxCancelled: number;
  reviewsCancelled: number;
  assetIds: string[];
}

/** Keeps IN lists well under either engine's bound-parameter limit. */
const CHUNK = 1000;
function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export async function withdrawClaim(ctx: Context, actor: string, claimId: string, reason: string): Promise<Withdrawal> {
  return write(ctx, actor, (w) => cascade(w, claimId, reason));
}

async function cascade(w: Write, claimId: string, reason: string): Promise<Withdrawal> {
  const row = await selectClaim(w.trx, claimId);
  if (!row) throw notFound("claim", claimId);
  if (row.status === "withdrawn") throw alreadyWithdrawn(claimId, row.withdrawn_at, row.withdraw_reason);
  const at = w.now.toISOString();

  // Conditional: of two withdrawals racing, exactly one cascades; the other is told it came second.
  const updated = await w.trx.updateTable("claims").set({ status: "withdrawn", withdrawn_at: at, withdraw_reason: reason })
    .where("id", "=", claimId).where("status", "!=", "withdrawn").executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw alreadyWithdrawn(claimId, null, null);

  const usingClaim = w.trx.selectFrom("asset_claims").select("asset_id").where("claim_id", "=", claimId);
  const blockedReason = `claim '${claimId}' withdrawn: ${reason}`;
  // The UPDATE takes each asset's row lock: a send path that holds the row shared (lockAssetForSend)
  // commits before this continues, and its outbox item is then cancelled below.
  const blocked = await w.trx.updateTable("assets").set({ status: "withdrawn", blocked_reason: blockedReason })
    .where("id", "in", usingClaim).where("status", "!=", "withdrawn")
    .returning("id").execute();

  // Every pending send of any asset using the claim, including assets blocked earlier by another claim.
  const closedReason = `claim withdrawn: ${claimId}: ${reason}`;
  const outbox = await w.trx.updateTable("outbox").set({ status: "cancelled", closed_at: at, closed_reason: closedReason })
    .where("status", "=", "pending").where("asset_id", "in", usingClaim)
    .returning(["id", "decision_id"]).execute();

  // Open reviews are few; find those whose decision sends one of these assets, then close them.
  const openForAssets = await w.trx.selectFrom("reviews")
    .innerJoin("decisions", "decisions.id", "reviews.decision_id")
    .select("reviews.id")
    .where("reviews.status", "=", "open")
    .where("decisions.asset_id", "in", usingClaim)
    .execute();
  const reviews: { id: string; decision_id: string }[] = [];
  for (const ids of chunks(openForAssets.map((r) => r.id))) {
    reviews.push(...await w.trx.updateTable("reviews").set({ status: "cancelled", closed_at: at, reason: closedReason })
      .where("id", "in", ids).where("status", "=", "open")
      .returning(["id", "decision_id"]).execute());
  }
  for (const ids of chunks(reviews.map((r) => r.decision_id))) {
    await w.trx.updateTable("decisions").set({ outcome: "rejected", resolved_at: at }).where("id", "in", ids).execute();
  }
  // A cancelled action no longer holds the HCP's contact capacity.
  for (const ids of chunks([...outbox, ...reviews].map((r) => r.decision_id))) {
    await w.trx.updateTable("touches").set({ cancelled: 1 }).where("decision_id", "in", ids).execute();
  }

  const claim = toClaim({ ...row, status: "withdrawn", withdrawn_at: at, withdraw_reason: reason }, w.now);
  const result: Withdrawal = {
    claim,
    assetsBlocked: blocked.length,
    actionsCancelled: outbox.length + reviews.length,
    outboxCancelled: outbox.length,
    reviewsCancelled: reviews.length,
    assetIds: blocked.map((a) => a.id).sort(),
  };
  w.audit("claim.withdrawn", `claim:${claimId}`, {
    id: claimId,
    version: row.version,
    from: row.status,
    reason,
    assetsBlocked: result.assetsBlocked,
    assetIds: result.assetIds,
    actionsCancelled: result.actionsCancelled,
    outboxCancelled: outbox.length,
    outboxIds: outbox.map((o) => o.id).sort(),
    reviewsCancelled: reviews.length,
    reviewIds: reviews.map((r) => r.id).sort(),
    decisionIds: [...new Set([...outbox, ...reviews].map((r) => r.decision_id))].sort(),
  });
  return result;
}

function alreadyWithdrawn(claimId: string, at: string | null, reason: string | null) {
  const when = at ? ` at ${at}${reason ? ` (${reason})` : ""}` : "";
  return conflict("CLAIM_ALREADY_WITHDRAWN", `claim '${claimId}' has already been withdrawn${when}; its assets and actions were blocked then`);
}
