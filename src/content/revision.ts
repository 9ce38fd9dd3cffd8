// Rapid revision after a safety change: a claim withdrawn with a successor (`replacedBy`) gets, in the
// withdrawal's own transaction, a new version of every asset it blocked with the successor in its place
// (the `{{claim:OLD}}` placeholders and the module list), checked and submitted for review in one step.
// A campaign record groups those versions so their progress can be followed per market and channel.
//
// Which assets are revised: those whose latest version uses the claim and was still open or live when
// it was withdrawn (draft, submitted, in review, approved, changes requested) and has not expired.
// Not revised: assets already withdrawn (another claim blocked them: the successor alone would not make
// them sendable), rejected, superseded or expired ones (retired), and assets whose latest version no
// longer uses the claim (a newer version already dropped it).
//
// Set-based where the cascade is: the targets, their modules and the claims they use are read in a few
// statements whatever their number; the new versions, modules and campaign items are inserted in
// chunks, and the heads move to the new versions in one UPDATE. Each asset's copy is checked in memory.
import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Write } from "../shared/context.ts";
import { invalid, notFound, refused } from "../shared/errors.ts";
import { newId } from "../shared/ids.ts";
import { parseJson } from "../shared/json.ts";
import type { Db, Engine, Tx } from "../store/db.ts";
import { insertRows, type ColumnType } from "../store/bulk.ts";
import type { Bundle } from "../governance/bundle.ts";
import type { Channel, Market } from "../shared/vocabulary.ts";
import { contentPolicyOf } from "./policy.ts";
import { errorFindings } from "./approval.ts";
import { initialReview } from "./asset-review.ts";
import { evaluateLoaded, loadLibrary, loadModuleClaims, type Evaluation, type ModuleRef } from "./evaluation.ts";
import { isExpired, statusAt, type ContentStatus } from "./lifecycle.ts";
import type { AssetRow, AssetVersionRow } from "./assets.ts";
import type { CheckedClaim } from "./checks.ts";

/** Latest versions a withdrawal with a successor revises (the cascade blocks these same statuses). */
const REVISABLE = ["draft", "submitted", "in_review", "approved", "changes_requested"];

export interface Revision {
  assetId: string;
  version: number;
  market: string;
  channel: string;
  /** `submitted` when its checks found no error; else `draft`, with the findings a person must fix. */
  status: "submitted" | "draft";
}

export interface RevisionPlan {
  successor: { id: string; version: number; markets: Market[] };
  targets: AssetRow[];
}

const PLACEHOLDER = /\{\{\s*claim:([A-Za-z0-9][A-Za-z0-9._:-]*?)(?:@(\d+))?\s*\}\}/g;

/** The copy with every placement of claim `from` (any version) placing claim `to` instead. Pure. */
export function replacePlacements(body: string, from: string, to: string): string {
  return body.replace(PLACEHOLDER, (whole, id: string) => (id === from ? `{{claim:${to}}}` : whole));
}

/** The module list with `from` replaced by the successor, in its place; listed once if it was already there. Pure. */
export function replaceModule(modules: readonly ModuleRef[], from: string, to: ModuleRef): ModuleRef[] {
  const out: ModuleRef[] = [];
  for (const m of modules) {
    const next = m.claimId === from ? to : m;
    if (!out.some((o) => o.claimId === next.claimId)) out.push(next);
  }
  return out;
}

/**
 * Reads what the revision needs before the cascade changes anything: the successor (approved, covering
 * the markets of every asset to revise) and the latest versions to revise. A 400/422 here leaves nothing written.
 */
export async function planRevision(trx: Tx, claimId: string, replacedBy: string, now: Date): Promise<RevisionPlan> {
  if (replacedBy === claimId) throw invalid("a claim cannot replace itself", [{ field: "replacedBy", message: `'${replacedBy}' is the claim being withdrawn` }]);
  const successor = await trx.selectFrom("claims").select(["id", "status", "expires_at"]).where("id", "=", replacedBy).executeTakeFirst();
  if (!successor) throw invalid(`the successor claim '${replacedBy}' does not exist`, [{ field: "replacedBy", message: `claim '${replacedBy}' does not exist` }]);
  const approved = await trx.selectFrom("claim_versions").select(["version", "markets", "expires_at"])
    .where("claim_id", "=", replacedBy).where("status", "=", "approved").orderBy("version", "desc").executeTakeFirst();
  if (successor.status === "withdrawn" || !approved || isExpired(approved.expires_at, now)) {
    const status = successor.status === "withdrawn" ? "withdrawn" : approved ? "expired" : statusAt(successor.status as ContentStatus, successor.expires_at, now);
    throw refused("SUCCESSOR_NOT_APPROVED", `the successor claim '${replacedBy}' is ${status}; a claim replaces a withdrawn one only once it is approved and in force`, { replacedBy, status });
  }
  const markets = parseJson<Market[]>(approved.markets, []);
  const targets = await trx.selectFrom("assets").selectAll("assets")
    .where("assets.status", "in", REVISABLE)
    .where((eb) => eb.exists(eb.selectFrom("asset_modules").select("asset_modules.asset_id")
      .whereRef("asset_modules.asset_id", "=", "assets.id").whereRef("asset_modules.version", "=", "assets.version").where("asset_modules.claim_id", "=", claimId)))
    .orderBy("assets.id").execute();
  const live = targets.filter((t) => !isExpired(t.expires_at, now));
  const uncovered = [...new Set(live.map((t) => t.market).filter((m) => !markets.includes(m)))].sort();
  if (uncovered.length > 0) {
    const assetIds = live.filter((t) => uncovered.includes(t.market)).map((t) => t.id);
    throw refused("SUCCESSOR_MARKETS_NOT_COVERED", `the successor claim '${replacedBy}' v${approved.version} is not approved for ${uncovered.join(", ")}, where ${assetIds.length} asset(s) using '${claimId}' are in use (${assetIds.slice(0, 5).join(", ")}${assetIds.length > 5 ? ", …" : ""})`, { replacedBy, uncovered, assetIds: assetIds.slice(0, 1000) });
  }
  return { successor: { id: replacedBy, version: approved.version, markets }, targets: live };
}

export interface Campaign {
  campaignId: string;
  revisions: Revision[];
}

/** After the cascade, in its transaction: one new version per target, the campaign and its items. */
export async function revise(w: Write, engine: Engine, bundle: Bundle, claimId: string, reason: string, plan: RevisionPlan): Promise<Campaign> {
  const { trx, now } = w;
  const at = now.toISOString();
  const campaignId = newId("rev");
  const policy = contentPolicyOf(bundle);
  const successorRef: ModuleRef = { claimId: plan.successor.id, version: plan.successor.version };
  await trx.insertInto("revision_campaigns").values({
    id: campaignId, claim_id: claimId, replaced_by: plan.successor.id, replaced_by_version: plan.successor.version, reason, created_at: at, created_by: w.actor,
  }).execute();

  const modulesByAsset = await targetModules(trx, plan.targets);
  const newModules = new Map(plan.targets.map((t) => [t.id, replaceModule(modulesByAsset.get(t.id) ?? [], claimId, successorRef)]));
  const distinct = new Map<string, ModuleRef>();
  for (const list of newModules.values()) for (const m of list) distinct.set(`${m.claimId}@${m.version}`, m);
  const claims = await loadModuleClaims(trx, [...distinct.values()], now);
  const claimByKey = new Map(claims.map((c) => [`${c.id}@${c.version}`, c]));
  const libraries = new Map<string, CheckedClaim[]>();
  const evaluations = new Map<string, Evaluation>();

  const versions: AssetVersionRow[] = [];
  const modules: { asset_id: string; version: number; position: number; claim_id: string; claim_version: number }[] = [];
  const items: { campaign_id: string; asset_id: string; version: number; from_version: number; market: string; channel: string }[] = [];
  const revisions: Revision[] = [];
  for (const head of plan.targets) {
    const refs = newModules.get(head.id)!;
    const copy = {
      channel: head.channel as Channel, market: head.market, language: head.language, product: head.product,
      subject: head.subject, body: replacePlacements(head.body, claimId, plan.successor.id), safetyInfo: head.safety_info,
    };
    const libraryKey = `${head.market}\u0000${head.product ?? ""}`;
    if (!libraries.has(libraryKey)) libraries.set(libraryKey, await loadLibrary(trx, head.market, head.product, now));
    // The evaluation is pure: assets with the same copy and modules (one template in many places) are checked once.
    const evaluationKey = JSON.stringify([copy, refs]);
    let evaluation = evaluations.get(evaluationKey);
    if (!evaluation) {
      const own = refs.flatMap((r) => claimByKey.get(`${r.claimId}@${r.version}`) ?? []);
      evaluation = evaluateLoaded(bundle, copy, refs, own, libraries.get(libraryKey)!);
      evaluations.set(evaluationKey, evaluation);
    }
    const submittable = errorFindings(evaluation.findings).length === 0;
    const version = head.version + 1;
    versions.push({
      asset_id: head.id, version, title: head.title, subject: copy.subject, channel: head.channel, market: head.market, language: head.language,
      product: head.product, body: copy.body, safety_info: head.safety_info, expires_at: head.expires_at, derived_from: head.derived_from,
      status: submittable ? "submitted" : "draft", checks: JSON.stringify(evaluation.findings), rendered: evaluation.rendered.text,
      created_at: at, created_by: w.actor, submitted_at: submittable ? at : null,
      review: submittable ? JSON.stringify(initialReview(policy, evaluation)) : null,
      approved_at: null, approval: null, rejection: null, blocked_reason: null,
    });
    refs.forEach((m, position) => modules.push({ asset_id: head.id, version, position, claim_id: m.claimId, claim_version: m.version }));
    items.push({ campaign_id: campaignId, asset_id: head.id, version, from_version: head.version, market: head.market, channel: head.channel });
    revisions.push({ assetId: head.id, version, market: head.market, channel: head.channel, status: submittable ? "submitted" : "draft" });
  }
  await insertRows(trx, engine, "asset_versions", VERSION_COLUMNS, versions as unknown as Record<string, string | number | null>[]);
  await insertRows(trx, engine, "asset_modules", { asset_id: "text", version: "integer", position: "integer", claim_id: "text", claim_version: "integer" }, modules);
  await insertRows(trx, engine, "revision_items", { campaign_id: "text", asset_id: "text", version: "integer", from_version: "integer", market: "text", channel: "text" }, items);
  if (items.length > 0) {
    // asset_claims: the successor is now among the claims each revised asset has used.
    await sql`insert into asset_claims (asset_id, claim_id, position)
      select i.asset_id, ${plan.successor.id}, 0 from revision_items i where i.campaign_id = ${campaignId}
      on conflict (asset_id, claim_id) do nothing`.execute(trx);
    await moveHeads(trx, campaignId);
  }
  const sorted = [...revisions].sort((a, b) => (a.assetId < b.assetId ? -1 : 1));
  w.audit("content.revision_campaign_started", `claim:${claimId}`, {
    campaignId, claimId, replacedBy: plan.successor.id, replacedByVersion: plan.successor.version, reason,
    revised: revisions.length, submitted: revisions.filter((r) => r.status === "submitted").length,
    revisions: sorted.slice(0, 1000), assetIdsDigest: digest(sorted.map((r) => r.assetId)),
  });
  return { campaignId, revisions: sorted };
}

const HEAD_COLUMNS = [
  "title", "subject", "channel", "market", "language", "product", "body", "safety_info", "expires_at", "derived_from", "status", "checks", "rendered",
  "created_at", "created_by", "submitted_at", "review", "approved_at", "approval", "rejection", "blocked_reason",
] as const;
const VERSION_COLUMNS: Record<keyof AssetVersionRow, ColumnType> = {
  asset_id: "text", version: "integer", ...Object.fromEntries(HEAD_COLUMNS.map((c) => [c, "text"])) as Record<(typeof HEAD_COLUMNS)[number], ColumnType>,
};

/** Every revised head mirrors its new version: one UPDATE, the columns from the version row at once (the SET sees the old version number). */
async function moveHeads(trx: Tx, campaignId: string): Promise<void> {
  const columns = sql.join(HEAD_COLUMNS.map((c) => sql.ref(c)));
  const values = sql.join(HEAD_COLUMNS.map((c) => sql.ref(`v.${c}`)));
  await sql`update assets set (${columns}, version) = (select ${values}, v.version from asset_versions v where v.asset_id = assets.id and v.version = assets.version + 1)
    where id in (select i.asset_id from revision_items i where i.campaign_id = ${campaignId})`.execute(trx);
}

async function targetModules(trx: Tx, targets: readonly AssetRow[]): Promise<Map<string, ModuleRef[]>> {
  const out = new Map<string, ModuleRef[]>();
  const version = new Map(targets.map((t) => [t.id, t.version]));
  const ids = targets.map((t) => t.id);
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx.selectFrom("asset_modules").select(["asset_id", "version", "claim_id", "claim_version"])
      .where("asset_id", "in", ids.slice(i, i + 500)).orderBy("asset_id").orderBy("position").execute();
    for (const r of rows) {
      if (version.get(r.asset_id) !== r.version) continue;
      out.set(r.asset_id, [...(out.get(r.asset_id) ?? []), { claimId: r.claim_id, version: r.claim_version }]);
    }
  }
  return out;
}

function digest(ids: readonly string[]): string {
  const hash = createHash("sha256");
  for (const id of ids) hash.update(id).update("\n");
  return hash.digest("hex");
}

export type Stage = "drafted" | "in_review" | "approved" | "rejected" | "superseded";

export interface CampaignProgress {
  campaignId: string;
  claimId: string;
  replacedBy: string;
  replacedByVersion: number;
  reason: string;
  createdAt: string;
  createdBy: string;
  total: number;
  byStage: Record<Stage, number>;
  /** One row per market and channel. */
  progress: { market: string; channel: string; total: number; drafted: number; in_review: number; approved: number; rejected: number; superseded: number }[];
  items: { assetId: string; version: number; fromVersion: number; market: string; channel: string; stage: Stage; status: string }[];
}

/** Where a revised version stands now. */
export function stageOf(status: string): Stage {
  switch (status) {
    case "draft":
    case "changes_requested":
      return "drafted";
    case "submitted":
    case "in_review":
      return "in_review";
    case "approved":
    case "expired":
      return "approved";
    case "rejected":
    case "withdrawn":
      return "rejected";
    default:
      return "superseded";
  }
}

/** A campaign by its id, or the latest campaign of a claim (by the withdrawn claim's id). */
export async function campaignProgress(db: Db, idOrClaim: string, now: Date): Promise<CampaignProgress> {
  const campaign = await db.selectFrom("revision_campaigns").selectAll().where("id", "=", idOrClaim).executeTakeFirst()
    ?? await db.selectFrom("revision_campaigns").selectAll().where("claim_id", "=", idOrClaim).orderBy("created_at", "desc").orderBy("id", "desc").executeTakeFirst();
  if (!campaign) throw notFound("revision campaign (or withdrawn claim with one)", idOrClaim);
  const rows = await db.selectFrom("revision_items as i")
    .innerJoin("asset_versions as v", (j) => j.onRef("v.asset_id", "=", "i.asset_id").onRef("v.version", "=", "i.version"))
    .select(["i.asset_id", "i.version", "i.from_version", "i.market", "i.channel", "v.status", "v.expires_at"])
    .where("i.campaign_id", "=", campaign.id).orderBy("i.market").orderBy("i.channel").orderBy("i.asset_id").execute();
  const empty = (): Record<Stage, number> => ({ drafted: 0, in_review: 0, approved: 0, rejected: 0, superseded: 0 });
  const byStage = empty();
  const groups = new Map<string, { market: string; channel: string; total: number } & Record<Stage, number>>();
  const items = rows.map((r) => {
    const status = statusAt(r.status as ContentStatus, r.expires_at, now);
    const stage = stageOf(status);
    byStage[stage]++;
    const key = `${r.market}\u0000${r.channel}`;
    const g = groups.get(key) ?? { market: r.market, channel: r.channel, total: 0, ...empty() };
    g.total++;
    g[stage]++;
    groups.set(key, g);
    return { assetId: r.asset_id, version: r.version, fromVersion: r.from_version, market: r.market, channel: r.channel, stage, status };
  });
  return {
    campaignId: campaign.id, claimId: campaign.claim_id, replacedBy: campaign.replaced_by, replacedByVersion: campaign.replaced_by_version,
    reason: campaign.reason, createdAt: campaign.created_at, createdBy: campaign.created_by, total: rows.length, byStage, progress: [...groups.values()], items,
  };
}

/** Campaigns, newest first, with how many assets each revised. */
export async function listCampaigns(db: Db, limit = 50): Promise<{ campaignId: string; claimId: string; replacedBy: string; reason: string; createdAt: string; total: number }[]> {
  const rows = await db.selectFrom("revision_campaigns as c")
    .select((eb) => ["c.id", "c.claim_id", "c.replaced_by", "c.reason", "c.created_at",
      eb.selectFrom("revision_items").select((s) => s.fn.countAll<number>().as("n")).whereRef("revision_items.campaign_id", "=", "c.id").as("total")])
    .orderBy("c.created_at", "desc").orderBy("c.id", "desc").limit(limit).execute();
  return rows.map((r) => ({ campaignId: r.id, claimId: r.claim_id, replacedBy: r.replaced_by, reason: r.reason, createdAt: r.created_at, total: Number(r.total ?? 0) }));
}
