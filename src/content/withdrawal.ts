// The withdrawal cascade (a safety update): withdrawing a claim, in one transaction, withdraws every
// version of it, blocks every asset version that uses it, cancels every undispatched outbox item and
// scheduled action that would send one of those assets, closes their open reviews, and leaves each
// affected agent a notice it can read. Set-based SQL: a handful of statements whatever the number of
// assets and actions (SQLite cancels sends per 1000 assets, which it does faster). Nothing that depends
// on the claim can leave after commit.
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { write, type Context, type Write } from "../shared/context.ts";
import { conflict, notFound } from "../shared/errors.ts";
import { newId } from "../shared/ids.ts";
import type { Engine } from "../store/db.ts";
import { selectClaim, toClaim, type Claim } from "./claims.ts";
import { currentContentPolicy } from "./policy.ts";
import { planRevision, revise, type Revision } from "./revision.ts";

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
  /** With a successor (`replacedBy`): the revision campaign and the new version of each asset it revised. */
  campaignId?: string;
  revisions?: Revision[];
}

/** Lists in results and audit records are capped; the full set is fixed by a digest over its sorted ids. */
export const LISTED = 1000;
/** Keeps the few id lists left (review decisions, notices) well under either engine's bound-parameter limit. */
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

/**
 * With `replacedBy`, the successor (approved, covering the markets of the assets in use) takes the
 * withdrawn claim's place in a new version of each asset the withdrawal blocks, in the same transaction
 * (revision.ts); the answer lists them as `revisions`.
 */
export async function withdrawClaim(ctx: Context, actor: string, claimId: string, reason: string, replacedBy?: string): Promise<Withdrawal> {
  const bundle = replacedBy === undefined ? null : (await currentContentPolicy(ctx)).bundle;
  return write(ctx, actor, async (w) => {
    if (replacedBy === undefined || bundle === null) return cascade(w, ctx.store.engine, claimId, reason);
    const row = await selectClaim(w.trx, claimId);
    if (!row) throw notFound("claim", claimId);
    if (row.status === "withdrawn") throw alreadyWithdrawn(claimId, row.withdrawn_at, row.withdraw_reason);
    const plan = await planRevision(w.trx, claimId, replacedBy, w.now);
    const result = await cascade(w, ctx.store.engine, claimId, reason);
    const campaign = await revise(w, ctx.store.engine, bundle, claimId, reason, plan);
    return { ...result, campaignId: campaign.campaignId, revisions: campaign.revisions };
  });
}

/** Asset versions a claim withdrawal blocks: those not already closed for good. */
const BLOCKABLE = ["draft", "submitted", "in_review", "approved", "changes_requested"];

/** The temporary table (PostgreSQL) holding the assets whose version in force uses the claim. */
type SendingTable = { withdrawal_sending: { id: string } };

async function cascade(w: Write, engine: Engine, claimId: string, reason: string): Promise<Withdrawal> {
  const row = await selectClaim(w.trx, claimId);
  if (!row) throw notFound("claim", claimId);
  if (row.status === "withdrawn") throw alreadyWithdrawn(claimId, row.withdrawn_at, row.withdraw_reason);
  const at = w.now.toISOString();
  const trx = w.trx;

  // Conditional: of two withdrawals racing, exactly one cascades; the other is told it came second.
  const updated = await trx.updateTable("claims").set({ status: "withdrawn", withdrawn_at: at, withdraw_reason: reason })
    .where("id", "=", claimId).where("status", "!=", "withdrawn").executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw alreadyWithdrawn(claimId, null, null);
  await trx.updateTable("claim_versions").set({ status: "withdrawn" })
    .where("claim_id", "=", claimId).where("status", "in", BLOCKABLE).execute();

  // Blocking is set-based: each statement below is driven by the (claim_id, asset_id, version) index of
  // asset_modules, a fixed handful of statements whatever the number of assets.
  const blockedReason = `claim '${claimId}' withdrawn: ${reason}`;
  const uses = () => trx.selectFrom("asset_modules").where("asset_modules.claim_id", "=", claimId);

  // The heads first: the UPDATE takes each asset's row lock, so a send path holding the row shared
  // (lockAssetForSend) commits before this continues, and its outbox item is then cancelled below.
  await trx.updateTable("assets").set({ blocked_reason: blockedReason }).where("id", "in", uses().select("asset_modules.asset_id")).execute();
  const blocked = await trx.updateTable("asset_versions").set({ status: "withdrawn", blocked_reason: blockedReason })
    .where("status", "in", BLOCKABLE)
    .where((eb) => eb(eb.refTuple("asset_id", "version"), "in", uses().select(["asset_modules.asset_id", "asset_modules.version"]).$asTuple("asset_id", "version")))
    .returning("asset_id").execute();
  const versionsBlocked = blocked.length;
  const blockedAssets = [...new Set(blocked.map((b) => b.asset_id))].sort();
  // The head mirrors its latest version.
  await trx.updateTable("assets").set({ status: "withdrawn" })
    .where("status", "in", BLOCKABLE)
    .where((eb) => eb(eb.refTuple("id", "version"), "in", uses().select(["asset_modules.asset_id", "asset_modules.version"]).$asTuple("asset_id", "version")))
    .execute();

  // What is sent for an asset is its version in force (the live one, else the latest): the assets whose
  // version in force uses the claim, including ones another claim blocked earlier, have their pending
  // sends (due now or scheduled) cancelled. PostgreSQL gets them as a small analysed temporary table, so
  // its planner knows how many rows the statements below will meet.
  const inForce = trx.selectFrom("assets as a")
    .innerJoin("asset_modules as m", (j) => j.onRef("m.asset_id", "=", "a.id").on((eb) => eb("m.version", "=", eb.fn.coalesce("a.live_version", "a.version"))))
    .where("m.claim_id", "=", claimId)
    .select("a.id");
  let sending = (): typeof inForce => inForce;
  if (engine === "postgres") {
    await sql`create temporary table withdrawal_sending on commit drop as ${inForce}`.execute(trx);
    await sql`analyze withdrawal_sending`.execute(trx);
    const temp = trx.withTables<SendingTable>();
    // The same shape (one text column, id) from the temporary table, which the Database type does not name.
    sending = () => temp.selectFrom("withdrawal_sending").select("withdrawal_sending.id") as unknown as typeof inForce;
  }

  // PostgreSQL cancels in one statement each over the temporary table. SQLite (one writer, in process)
  // rewrites the same rows ~20% faster per 1000 assets than in one statement over all of them
  // (bench/withdrawal.ts, 100k outbox rows: ~1.45 s against ~1.75 s).
  const scopes: (readonly string[] | null)[] = engine === "postgres" ? [null] : chunks((await inForce.execute()).map((r) => r.id));
  const closedReason = `claim withdrawn: ${claimId}: ${reason}`;
  const cancelled: { id: string; decision_id: string; agent_id: string }[] = [];
  for (const ids of scopes) {
    const pending = trx.selectFrom("outbox").where("outbox.status", "=", "pending");
    // A cancelled action no longer holds the HCP's contact capacity.
    await trx.updateTable("touches").set({ cancelled: 1 })
      .where("decision_id", "in", (ids ? pending.where("outbox.asset_id", "in", ids) : pending.where("outbox.asset_id", "in", sending())).select("outbox.decision_id"))
      .execute();
    const cancel = trx.updateTable("outbox").set({ status: "cancelled", closed_at: at, closed_reason: closedReason }).where("status", "=", "pending");
    const rows = await (ids ? cancel.where("asset_id", "in", ids) : cancel.where("asset_id", "in", sending()))
      .returning(["id", "decision_id", "agent_id"]).execute();
    for (const r of rows) cancelled.push(r);
  }
  const outboxCancelled = cancelled.length;
  const perAgent = new Map<string, number>();
  for (const c of cancelled) perAgent.set(c.agent_id, (perAgent.get(c.agent_id) ?? 0) + 1);
  const outboxListed = cancelled.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, LISTED + 1);

  // Open reviews are few: from them (by their status index) to the decision each would send.
  const reviews = await trx.updateTable("reviews").set({ status: "cancelled", closed_at: at, reason: closedReason })
    .where("status", "=", "open")
    .where((eb) => eb.exists(eb.selectFrom("decisions").select("decisions.id")
      .whereRef("decisions.id", "=", "reviews.decision_id").where("decisions.asset_id", "in", sending())))
    .returning(["id", "decision_id", "agent_id"]).execute();
  reviews.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const ids of chunks(reviews.map((r) => r.decision_id))) {
    await trx.updateTable("decisions").set({ outcome: "rejected", resolved_at: at }).where("id", "in", ids).execute();
  }

  // Each agent that lost something hears of it.
  const lost = new Map<string, { outbox: number; reviews: number; reviewIds: string[] }>();
  for (const [agentId, n] of perAgent) lost.set(agentId, { outbox: n, reviews: 0, reviewIds: [] });
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
