// The withdrawal cascade (a safety update): withdrawing a claim, in one transaction, withdraws every
// version of it, blocks every asset version that uses it, cancels every undispatched outbox item and
// scheduled action that would send one of those assets, closes their open reviews, and leaves each
// affected agent a notice it can read. Set-based SQL throughout: the work is a handful of statements
// whatever the number of assets and actions. Nothing that depends on the claim can leave after commit.
import { createHash } from "node:crypto";
import { write, type Context, type Write } from "../shared/context.ts";
import { conflict, notFound } from "../shared/errors.ts";
import { newId } from "../shared/ids.ts";
import { selectClaim, toClaim, type Claim } from "./claims.ts";

export interface Withdrawal {
  claim: Claim;
  /** Assets with a version this withdrawal blocked (already blocked ones are not counted). */
  assetsBlocked: number;
  /** Asset versions blocked. */
  versionsBlocked: number;
  /** Pending outbox items (sends due now and scheduled ones) plus open reviews cancelled. */
  actionsCancelled: number;
  outboxCancelled: number;
  reviewsCancelled: number;
  /** Agents notified, with what each lost. */
  agentsNotified: number;
  /** Up to LISTED asset ids, sorted. */
  assetIds: string[];
}

/** Lists in results and audit records are capped; the full set is fixed by a digest over its sorted ids. */
export const LISTED = 1000;
/** Keeps IN lists well under either engine's bound-parameter limit. */
const CHUNK = 1000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function digest(ids: readonly string[]): string {
  const hash = createHash("sha256");
  for (const id of [...ids].sort()) hash.update(id).update("\n");
  return hash.digest("hex");
}

export async function withdrawClaim(ctx: Context, actor: string, claimId: string, reason: string): Promise<Withdrawal> {
  return write(ctx, actor, (w) => cascade(w, claimId, reason));
}

async function cascade(w: Write, claimId: string, reason: string): Promise<Withdrawal> {
  const row = await selectClaim(w.trx, claimId);
  if (!row) throw notFound("claim", claimId);
  if (row.status === "withdrawn") throw alreadyWithdrawn(claimId, row.withdrawn_at, row.withdraw_reason);
  const at = w.now.toISOString();
  const trx = w.trx;
  let __t = performance.now();
  const mark = (l: string) => { if (process.env.CASCADE_TIMING) { const n = performance.now(); console.error(`${l}: ${(n - __t).toFixed(0)} ms`); __t = n; } };

  // Conditional: of two withdrawals racing, exactly one cascades; the other is told it came second.
  const updated = await trx.updateTable("claims").set({ status: "withdrawn", withdrawn_at: at, withdraw_reason: reason })
    .where("id", "=", claimId).where("status", "!=", "withdrawn").executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw alreadyWithdrawn(claimId, null, null);
  await trx.updateTable("claim_versions").set({ status: "withdrawn" })
    .where("claim_id", "=", claimId).where("status", "in", ["draft", "submitted", "in_review", "approved", "changes_requested"]).execute();

  // The asset versions that use the claim, read once from the (claim_id, asset_id, version) index;
  // every statement below then works through primary keys or the outbox's (asset_id, status) index.
  mark("claims");
  const uses = await trx.selectFrom("asset_modules").select(["asset_id", "version"]).where("claim_id", "=", claimId).execute();
  const assetIds = [...new Set(uses.map((u) => u.asset_id))].sort();
  const blockedReason = `claim '${claimId}' withdrawn: ${reason}`;
  const blockable = ["draft", "submitted", "in_review", "approved", "changes_requested"];
  const versionsUsing = new Map<string, Set<number>>();
  for (const u of uses) versionsUsing.set(u.asset_id, (versionsUsing.get(u.asset_id) ?? new Set()).add(u.version));

  let versionsBlocked = 0;
  const blockedSet = new Set<string>();
  const sendingIds: string[] = [];
  for (const ids of chunks(assetIds)) {
    // The head UPDATE takes each asset's row lock: a send path holding the row shared (lockAssetForSend)
    // commits before this continues, and its outbox item is then cancelled below.
    const heads = await trx.updateTable("assets").set({ blocked_reason: blockedReason }).where("id", "in", ids)
      .returning(["id", "version", "live_version", "status"]).execute();
    const pairs = ids.flatMap((id) => [...versionsUsing.get(id)!].map((v) => [id, v] as const));
    for (const part of chunks(pairs)) {
      const blocked = await trx.updateTable("asset_versions").set({ status: "withdrawn", blocked_reason: blockedReason })
        .where("status", "in", blockable)
        .where((eb) => eb(eb.refTuple("asset_id", "version"), "in", part.map(([id, v]) => eb.tuple(id, v))))
        .returning("asset_id").execute();
      versionsBlocked += blocked.length;
      for (const b of blocked) blockedSet.add(b.asset_id);
    }
    // The head mirrors its latest version; what is sent for an asset is its version in force.
    const headsUsing = heads.filter((h) => versionsUsing.get(h.id)!.has(h.version) && blockable.includes(h.status)).map((h) => h.id);
    if (headsUsing.length > 0) await trx.updateTable("assets").set({ status: "withdrawn" }).where("id", "in", headsUsing).execute();
    sendingIds.push(...heads.filter((h) => versionsUsing.get(h.id)!.has(h.live_version ?? h.version)).map((h) => h.id));
  }
  mark("blocking");
  const blockedAssets = [...blockedSet].sort();

  // Every pending send (due now or scheduled) of an asset whose version in force uses the claim,
  // including sends of assets blocked earlier by another claim.
  const closedReason = `claim withdrawn: ${claimId}: ${reason}`;
  const perAgentCount = new Map<string, number>();
  const outboxListed: { id: string; decision_id: string }[] = [];
  let outboxCancelled = 0;
  for (const ids of chunks(sendingIds)) {
    const pending = trx.selectFrom("outbox").where("asset_id", "in", ids).where("status", "=", "pending");
    for (const a of await pending.select(["agent_id", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("agent_id").execute()) {
      perAgentCount.set(a.agent_id, (perAgentCount.get(a.agent_id) ?? 0) + Number(a.n));
    }
    mark("count");
    if (outboxListed.length <= LISTED) outboxListed.push(...await pending.select(["id", "decision_id"]).orderBy("id").limit(LISTED + 1 - outboxListed.length).execute());
    // A cancelled action no longer holds the HCP's contact capacity.
    mark("listed");
    await trx.updateTable("touches").set({ cancelled: 1 }).where("decision_id", "in", pending.select("decision_id")).execute();
    mark("touches");
    const cancelled = await trx.updateTable("outbox").set({ status: "cancelled", closed_at: at, closed_reason: closedReason })
      .where("asset_id", "in", ids).where("status", "=", "pending").executeTakeFirst();
    outboxCancelled += Number(cancelled.numUpdatedRows);
    mark("outbox");
  }
  mark("outbox+touches");
  outboxListed.sort((a, b) => a.id.localeCompare(b.id));
  const perAgent = [...perAgentCount].map(([agent_id, n]) => ({ agent_id, n }));

  // Open reviews are few; find those whose decision sends one of these assets, then close them.
  const openForAssets: { id: string }[] = [];
  for (const ids of chunks(sendingIds)) {
    openForAssets.push(...await trx.selectFrom("reviews")
      .innerJoin("decisions", "decisions.id", "reviews.decision_id")
      .select("reviews.id")
      .where("reviews.status", "=", "open")
      .where("decisions.asset_id", "in", ids)
      .execute());
  }
  mark("reviews-select");
  const reviews: { id: string; decision_id: string; agent_id: string }[] = [];
  for (const ids of chunks(openForAssets.map((r) => r.id))) {
    reviews.push(...await trx.updateTable("reviews").set({ status: "cancelled", closed_at: at, reason: closedReason })
      .where("id", "in", ids).where("status", "=", "open")
      .returning(["id", "decision_id", "agent_id"]).execute());
  }
  for (const ids of chunks(reviews.map((r) => r.decision_id))) {
    await trx.updateTable("decisions").set({ outcome: "rejected", resolved_at: at }).where("id", "in", ids).execute();
  }

  mark("reviews-update");
  // Each agent that lost something hears of it.
  const lost = new Map<string, { outbox: number; reviews: number; reviewIds: string[] }>();
  for (const a of perAgent) lost.set(a.agent_id, { outbox: Number(a.n), reviews: 0, reviewIds: [] });
  for (const r of reviews) {
    const entry = lost.get(r.agent_id) ?? { outbox: 0, reviews: 0, reviewIds: [] };
    entry.reviews++;
    entry.reviewIds.push(r.id);
    lost.set(r.agent_id, entry);
  }
  const notices = [...lost].map(([agentId, l]) => ({
    id: newId("ntc"), agent_id: agentId, kind: "claim.withdrawn", claim_id: claimId, created_at: at,
    data: JSON.stringify({
      claimId, claimVersion: row.version, reason, assetIds: blockedAssets.slice(0, LISTED), outboxCancelled: l.outbox, reviewsCancelled: l.reviews,
      reviewIds: l.reviewIds.slice(0, LISTED), message: `claim '${claimId}' was withdrawn (${reason}): ${l.outbox} pending send(s) and ${l.reviews} open review(s) of yours were cancelled; do not propose its assets again`,
    }),
  }));
  for (const batch of chunks(notices)) await trx.insertInto("content_notices").values(batch).execute();

  mark("notices");
  const claim = toClaim({ ...row, status: "withdrawn", withdrawn_at: at, withdraw_reason: reason }, w.now);
  const listedOutbox = outboxListed.slice(0, LISTED);
  const result: Withdrawal = {
    claim,
    assetsBlocked: blockedAssets.length,
    versionsBlocked,
    actionsCancelled: outboxCancelled + reviews.length,
    outboxCancelled,
    reviewsCancelled: reviews.length,
    agentsNotified: notices.length,
    assetIds: blockedAssets.slice(0, LISTED),
  };
  const complete = outboxCancelled <= LISTED;
  w.audit("claim.withdrawn", `claim:${claimId}`, {
    id: claimId,
    version: row.version,
    from: row.status,
    reason,
    assetsBlocked: result.assetsBlocked,
    assetIds: result.assetIds,
    assetIdsDigest: digest(blockedAssets),
    versionsBlocked,
    actionsCancelled: result.actionsCancelled,
    outboxCancelled,
    outboxIds: listedOutbox.map((o) => o.id),
    ...(complete ? {} : { outboxIdsTruncated: true }),
    reviewsCancelled: reviews.length,
    reviewIds: reviews.map((r) => r.id).sort(),
    decisionIds: complete ? [...new Set([...outboxListed, ...reviews].map((r) => r.decision_id))].sort() : reviews.map((r) => r.decision_id).sort(),
    agentsNotified: [...lost.keys()].sort(),
  });
  return result;
}

function alreadyWithdrawn(claimId: string, at: string | null, reason: string | null) {
  const when = at ? ` at ${at}${reason ? ` (${reason})` : ""}` : "";
  return conflict("CLAIM_ALREADY_WITHDRAWN", `claim '${claimId}' has already been withdrawn${when}; its assets and actions were blocked then`);
}
