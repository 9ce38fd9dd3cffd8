// Assets: pieces of content (an email, a rep-detail slide, a web banner) built from claim modules (by
// claim id and version) plus the safety information for their product and market. Versioned like
// claims: an edit makes a new version; the head row in `assets` mirrors the latest version, and
// `live_version` names the approved version in force — the one that may be sent.
import { z } from "zod";
import { write, type Context, type Write } from "../shared/context.ts";
import { ChannelSchema, MarketSchema, type Channel, type Market } from "../shared/vocabulary.ts";
import { conflict, invalid, notFound, type FieldProblem } from "../shared/errors.ts";
import { newId } from "../shared/ids.ts";
import { parseJson } from "../shared/json.ts";
import { isUniqueViolation, type Db, type Tx } from "../store/db.ts";
import type { AssetsTable } from "../store/schema.ts";
import type { AssetVersionsTable } from "./tables.ts";
import type { Signature } from "../auth/store.ts";
import type { CheckFinding } from "./checks.ts";
import { statusFilter } from "./status-filter.ts";
import { claimSpansOf, type ClaimSpan } from "./claim-spans.ts";
import { evaluateAsset, findingsNow, loadModuleClaims, type ModuleClaim, type ModuleRef } from "./evaluation.ts";
import { reviewOf, type ClaimReview, type CreateOptions } from "./claims.ts";
import { currentContentPolicy } from "./policy.ts";
import { awaiting, refusalOf } from "./workflow.ts";
import { appError } from "./claims.ts";
import { INT32_MAX } from "../shared/int32.ts";
import {
  ContentIdSchema, ContentStatusSchema, highestRisk, InstantSchema, LanguageSchema, statusAt, toStoredInstant,
  type ContentStatus, type RiskClass,
} from "./lifecycle.ts";

/** A claim module: a claim id (its newest approved version, else its latest) or an exact version. */
export const ModuleSchema = z.union([
  z.string().min(1).max(200),
  z.strictObject({ id: z.string().min(1).max(200), version: z.number().int().min(1).max(INT32_MAX) }),
]);

const AssetFields = {
  title: z.string().trim().min(1).max(300),
  /** The email subject line. */
  subject: z.string().trim().min(1).max(300),
  channel: ChannelSchema,
  market: MarketSchema,
  language: LanguageSchema,
  product: z.string().trim().min(1).max(200),
  claims: z.array(ModuleSchema).max(200),
  /** The copy as written; `{{claim:ID}}` places a module's text, `{{isi}}` the safety information. */
  body: z.string().min(1).max(200_000),
  safetyInfo: z.string().trim().min(1).max(50_000),
  expiresAt: InstantSchema,
};

export const NewAssetSchema = z.strictObject({
  id: ContentIdSchema.optional(),
  title: AssetFields.title,
  subject: AssetFields.subject.optional(),
  channel: AssetFields.channel,
  market: AssetFields.market,
  language: AssetFields.language,
  product: AssetFields.product.optional(),
  claims: AssetFields.claims,
  body: AssetFields.body,
  safetyInfo: AssetFields.safetyInfo.optional(),
  expiresAt: AssetFields.expiresAt.optional(),
  derivedFrom: z.string().min(1).max(200).optional(),
});
export type NewAsset = z.infer<typeof NewAssetSchema>;

/** An edit: the fields given replace the latest version's in a new version; null clears an optional one. */
export const AssetEditSchema = z.strictObject({
  title: AssetFields.title.optional(),
  subject: AssetFields.subject.nullable().optional(),
  channel: AssetFields.channel.optional(),
  market: AssetFields.market.optional(),
  language: AssetFields.language.optional(),
  product: AssetFields.product.nullable().optional(),
  claims: AssetFields.claims.optional(),
  body: AssetFields.body.optional(),
  safetyInfo: AssetFields.safetyInfo.nullable().optional(),
  expiresAt: AssetFields.expiresAt.nullable().optional(),
}).refine((e) => Object.keys(e).length > 0, "an edit changes at least one field");
export type AssetEdit = z.infer<typeof AssetEditSchema>;

export interface Rejection extends Signature {
  reason: string;
  outcome: "rejected" | "changes_requested";
}

export interface Asset {
  id: string;
  version: number;
  title: string;
  subject: string | null;
  channel: Channel;
  market: Market;
  language: string;
  product: string | null;
  body: string;
  safetyInfo: string | null;
  expiresAt: string | null;
  derivedFrom: string | null;
  /** As of the moment read: `expired` once expiresAt has passed (unless closed for good). */
  status: ContentStatus;
  /** The highest of its claim modules' risk classes. */
  riskClass: RiskClass;
  /** Claim ids, in the asset's order. */
  claims: string[];
  /** The claim modules: id and version, in the asset's order. */
  modules: ModuleRef[];
  /** Pre-review findings (a claim's withdrawal since the check is brought up to date). */
  checks: CheckFinding[];
  /** Where the rendered text states a claim: placed modules and sentences of copy that restate one. */
  claimSpans: ClaimSpan[];
  /** The final text: copy with modules placed, then the safety information. */
  rendered: string;
  /** The approved version in force (what may be sent now), or null. */
  liveVersion: number | null;
  createdAt: string;
  createdBy: string;
  submittedAt: string | null;
  review: ClaimReview | null;
  approvedAt: string | null;
  /** The first approving signature (every signature is in `review`). */
  approval: Signature | null;
  /** What the approval covers: this market and this channel only. */
  approvedFor: { market: Market; channel: Channel } | null;
  rejection: Rejection | null;
  /** Why the asset may not be sent, when a claim's withdrawal blocked it. */
  blockedReason: string | null;
}

export type AssetRow = AssetsTable;
export type AssetVersionRow = AssetVersionsTable;

export const selectAsset = (db: Db | Tx, id: string): Promise<AssetRow | undefined> =>
  db.selectFrom("assets").selectAll().where("id", "=", id).executeTakeFirst();

export async function modulesOf(db: Db | Tx, assetId: string, version: number): Promise<ModuleRef[]> {
  const rows = await db.selectFrom("asset_modules").select(["claim_id", "claim_version"])
    .where("asset_id", "=", assetId).where("version", "=", version).orderBy("position").execute();
  return rows.map((r) => ({ claimId: r.claim_id, version: r.claim_version }));
}

export function toAsset(row: AssetRow | AssetVersionRow, live: number | null, modules: readonly ModuleRef[], claims: readonly ModuleClaim[], now: Date): Asset {
  const id = "id" in row ? row.id : row.asset_id;
  const status = statusAt(row.status as ContentStatus, row.expires_at, now);
  const rejection = parseJson<(Signature & { reason?: string; outcome?: Rejection["outcome"] }) | null>(row.rejection, null);
  const review = reviewOf(row.review);
  const checks = findingsNow(parseJson<CheckFinding[]>(row.checks, []), modules, claims);
  const signed = new Set(review?.signatures.flatMap((s) => s.roles) ?? []);
  return {
    id,
    version: row.version,
    title: row.title,
    subject: row.subject,
    channel: row.channel as Channel,
    market: row.market,
    language: row.language,
    product: row.product,
    body: row.body,
    safetyInfo: row.safety_info,
    expiresAt: row.expires_at,
    derivedFrom: row.derived_from,
    status,
    riskClass: highestRisk(claims.map((c) => c.riskClass)),
    claims: modules.map((m) => m.claimId),
    modules: [...modules],
    checks,
    claimSpans: claimSpansOf({
      body: row.body, rendered: row.rendered, language: row.language, safetyInfo: row.safety_info, findings: checks,
      modules: claims.map((c) => ({ claimId: c.id, version: c.version, text: c.text })),
    }),
    rendered: row.rendered,
    liveVersion: live,
    createdAt: row.created_at,
    createdBy: row.created_by,
    submittedAt: row.submitted_at,
    review: review ? { ...review, awaiting: awaiting(review) } : null,
    approvedAt: row.approved_at,
    approval: parseJson<Signature | null>(row.approval, null),
    approvedFor: row.approved_at ? { market: row.market, channel: row.channel as Channel } : null,
    rejection: rejection ? { ...rejection, reason: rejection.reason ?? "", outcome: rejection.outcome ?? "rejected" } : null,
    blockedReason: row.blocked_reason,
  };
}

export const versionOf = (head: AssetRow): AssetVersionRow => ({
  asset_id: head.id, version: head.version, title: head.title, subject: head.subject, channel: head.channel, market: head.market,
  language: head.language, product: head.product, body: head.body, safety_info: head.safety_info, expires_at: head.expires_at,
  derived_from: head.derived_from, status: head.status, checks: head.checks, rendered: head.rendered, created_at: head.created_at,
  created_by: head.created_by, submitted_at: head.submitted_at, review: head.review, approved_at: head.approved_at, approval: head.approval,
  rejection: head.rejection, blocked_reason: head.blocked_reason,
});

/** Reads a whole asset (head, modules, module claims) in the caller's transaction or connection. */
export async function readAsset(db: Db | Tx, id: string, now: Date): Promise<{ head: AssetRow; modules: ModuleRef[]; claims: ModuleClaim[]; asset: Asset }> {
  const head = await selectAsset(db, id);
  if (!head) throw notFound("asset", id);
  const modules = await modulesOf(db, id, head.version);
  const claims = await loadModuleClaims(db, modules, now);
  return { head, modules, claims, asset: toAsset(head, head.live_version, modules, claims, now) };
}

const assetExists = (id: string) => conflict("ASSET_EXISTS", `an asset with id '${id}' already exists`);

/**
 * Resolves module references: each claim must exist (400 naming each bad entry, `claims[2]`), none
 * twice; a bare id pins the claim's newest approved version (else its latest).
 */
async function resolveModules(trx: Tx, input: z.infer<typeof AssetFields.claims>, problems: FieldProblem[]): Promise<ModuleRef[]> {
  const firstAt = new Map<string, number>();
  const wanted: { claimId: string; version: number | null; i: number }[] = [];
  input.forEach((m, i) => {
    const claimId = typeof m === "string" ? m : m.id;
    const first = firstAt.get(claimId);
    if (first !== undefined) {
      problems.push({ field: `claims[${i}]`, message: `claim '${claimId}' is already listed at claims[${first}]` });
      return;
    }
    firstAt.set(claimId, i);
    wanted.push({ claimId, version: typeof m === "string" ? null : m.version, i });
  });
  if (wanted.length === 0) return [];
  const versions = await trx.selectFrom("claim_versions").select(["claim_id", "version", "status"])
    .where("claim_id", "in", wanted.map((w) => w.claimId)).execute();
  const byClaim = new Map<string, { version: number; status: string }[]>();
  for (const v of versions) byClaim.set(v.claim_id, [...(byClaim.get(v.claim_id) ?? []), v]);
  const out: ModuleRef[] = [];
  for (const w of wanted) {
    const all = byClaim.get(w.claimId);
    if (!all) {
      problems.push({ field: `claims[${w.i}]`, message: `claim '${w.claimId}' does not exist` });
      continue;
    }
    if (w.version !== null) {
      if (!all.some((v) => v.version === w.version)) problems.push({ field: `claims[${w.i}]`, message: `claim '${w.claimId}' has no version ${w.version}` });
      else out.push({ claimId: w.claimId, version: w.version });
      continue;
    }
    const approved = all.filter((v) => v.status === "approved").map((v) => v.version);
    out.push({ claimId: w.claimId, version: approved.length > 0 ? Math.max(...approved) : Math.max(...all.map((v) => v.version)) });
  }
  return out;
}

async function writeModules(trx: Tx, assetId: string, version: number, modules: readonly ModuleRef[]): Promise<void> {
  if (modules.length === 0) return;
  await trx.insertInto("asset_modules").values(modules.map((m, position) => ({ asset_id: assetId, version, position, claim_id: m.claimId, claim_version: m.version }))).execute();
  // asset_claims: which claims an asset has ever used (any version), one row each.
  const known = new Set((await trx.selectFrom("asset_claims").select("claim_id").where("asset_id", "=", assetId).execute()).map((r) => r.claim_id));
  const fresh = modules.filter((m) => !known.has(m.claimId));
  if (fresh.length > 0) {
    await trx.insertInto("asset_claims").values(fresh.map((m) => ({ asset_id: assetId, claim_id: m.claimId, position: modules.indexOf(m) }))).execute();
  }
}

function sortProblems(problems: FieldProblem[]): FieldProblem[] {
  return problems.sort((a, b) => a.field.localeCompare(b.field, "en", { numeric: true }));
}

/**
 * A new draft, checked at once: findings (a claim not approved for the market, a withdrawn claim,
 * wording, fair balance, channel rules) do not stop a draft; they stand on it until fixed, and
 * submission and approval refuse the errors among them.
 */
export async function createAsset(ctx: Context, actor: string, input: NewAsset, options: CreateOptions = {}): Promise<Asset> {
  const id = input.id ?? newId("ast");
  const { bundle } = await currentContentPolicy(ctx);
  try {
    return await write(ctx, actor, async (w) => {
      if (await selectAsset(w.trx, id)) throw assetExists(id);
      const problems: FieldProblem[] = [];
      const modules = await resolveModules(w.trx, input.claims, problems);
      if (input.derivedFrom !== undefined && !(await selectAsset(w.trx, input.derivedFrom))) {
        problems.push({ field: "derivedFrom", message: `asset '${input.derivedFrom}' does not exist` });
      }
      if (problems.length > 0) {
        throw invalid(`the asset cannot be created: ${sortProblems(problems).map((p) => `${p.field}: ${p.message}`).join("; ")}`, problems);
      }
      const copy = {
        channel: input.channel, market: input.market, language: input.language, product: input.product ?? null,
        subject: input.subject ?? null, body: input.body, safetyInfo: input.safetyInfo ?? null,
      };
      const evaluation = await evaluateAsset(w.trx, bundle, copy, modules, w.now);
      const head: AssetRow = {
        id, version: 1, title: input.title, subject: copy.subject, channel: copy.channel, market: copy.market, language: copy.language,
        product: copy.product, body: copy.body, safety_info: copy.safetyInfo, expires_at: toStoredInstant(input.expiresAt),
        derived_from: input.derivedFrom ?? null, status: "draft", checks: JSON.stringify(evaluation.findings), rendered: evaluation.rendered.text,
        created_at: w.now.toISOString(), created_by: actor, submitted_at: null, review: null, approved_at: null, approval: null,
        rejection: null, blocked_reason: null, live_version: null,
      };
      await w.trx.insertInto("assets").values(head).execute();
      await w.trx.insertInto("asset_versions").values(versionOf(head)).execute();
      await writeModules(w.trx, id, 1, modules);
      const asset = toAsset(head, null, modules, evaluation.claims, w.now);
      w.audit("asset.created", `asset:${id}`, options.origin ? { ...asset, origin: options.origin } : asset);
      return asset;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw assetExists(id);
    throw error;
  }
}

/**
 * An edit makes a new version (a draft), checked afresh. The version in force stays in force until the
 * new one is approved; an unapproved draft or one sent back for changes is superseded.
 */
export async function editAsset(ctx: Context, actor: string, id: string, edit: AssetEdit, options: { note?: string } = {}): Promise<Asset> {
  const { bundle } = await currentContentPolicy(ctx);
  return write(ctx, actor, (w) => editInTx(w, bundle, id, edit, options.note ?? null));
}

export async function editInTx(w: Write, bundle: Parameters<typeof evaluateAsset>[1], id: string, edit: AssetEdit, note: string | null): Promise<Asset> {
  const head = await selectAsset(w.trx, id);
  if (!head) throw notFound("asset", id);
  const refusal = refusalOf("asset", id, statusAt(head.status as ContentStatus, head.expires_at, w.now), "edit");
  if (refusal) throw appError(refusal);
  const problems: FieldProblem[] = [];
  const modules = edit.claims ? await resolveModules(w.trx, edit.claims, problems) : await modulesOf(w.trx, id, head.version);
  if (problems.length > 0) throw invalid(`the asset cannot be edited: ${sortProblems(problems).map((p) => `${p.field}: ${p.message}`).join("; ")}`, problems);
  if (head.status === "draft" || head.status === "changes_requested") {
    await w.trx.updateTable("asset_versions").set({ status: "superseded" }).where("asset_id", "=", id).where("version", "=", head.version).execute();
  }
  const pick = <K extends keyof AssetEdit>(k: K, current: unknown) => (edit[k] === undefined ? current : edit[k]);
  const copy = {
    channel: pick("channel", head.channel) as Channel, market: pick("market", head.market) as Market, language: pick("language", head.language) as string,
    product: pick("product", head.product) as string | null, subject: pick("subject", head.subject) as string | null,
    body: pick("body", head.body) as string, safetyInfo: pick("safetyInfo", head.safety_info) as string | null,
  };
  const evaluation = await evaluateAsset(w.trx, bundle, copy, modules, w.now);
  const next: AssetRow = {
    ...head, version: head.version + 1, title: edit.title ?? head.title, subject: copy.subject, channel: copy.channel, market: copy.market,
    language: copy.language, product: copy.product, body: copy.body, safety_info: copy.safetyInfo,
    expires_at: edit.expiresAt === undefined ? head.expires_at : toStoredInstant(edit.expiresAt),
    status: "draft", checks: JSON.stringify(evaluation.findings), rendered: evaluation.rendered.text,
    created_at: w.now.toISOString(), created_by: w.actor, submitted_at: null, review: null, approved_at: null, approval: null,
    rejection: null, blocked_reason: null,
  };
  const updated = await w.trx.updateTable("assets").set(next).where("id", "=", id).where("version", "=", head.version).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw conflict("ASSET_CHANGED", `asset '${id}' changed meanwhile; read it again`);
  await w.trx.insertInto("asset_versions").values(versionOf(next)).execute();
  await writeModules(w.trx, id, next.version, modules);
  const asset = toAsset(next, next.live_version, modules, evaluation.claims, w.now);
  w.audit("asset.edited", `asset:${id}`, { ...asset, previousVersion: head.version, changed: Object.keys(edit).sort(), ...(note ? { note } : {}) });
  return asset;
}

export async function getAsset(db: Db | Tx, id: string, now: Date): Promise<Asset> {
  return (await readAsset(db, id, now)).asset;
}

/** Every version of an asset, oldest first, each with its own modules. */
export async function assetHistory(db: Db, id: string, now: Date): Promise<Asset[]> {
  const head = await selectAsset(db, id);
  if (!head) throw notFound("asset", id);
  const rows = await db.selectFrom("asset_versions").selectAll().where("asset_id", "=", id).orderBy("version").execute();
  const out: Asset[] = [];
  for (const r of rows) {
    const modules = await modulesOf(db, id, r.version);
    out.push(toAsset(r, head.live_version, modules, await loadModuleClaims(db, modules, now), now));
  }
  return out;
}

export const AssetListQuerySchema = z.strictObject({
  status: ContentStatusSchema.optional(),
  market: MarketSchema.optional(),
  channel: ChannelSchema.optional(),
  product: z.string().min(1).max(200).optional(),
  claimId: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export type AssetListQuery = z.infer<typeof AssetListQuerySchema>;

export async function listAssets(db: Db, query: AssetListQuery, now: Date): Promise<Asset[]> {
  let q = db.selectFrom("assets").selectAll();
  if (query.status) q = q.where((eb) => statusFilter(eb, query.status!, now.toISOString()));
  if (query.market) q = q.where("market", "=", query.market);
  if (query.channel) q = q.where("channel", "=", query.channel);
  if (query.product) q = q.where("product", "=", query.product);
  if (query.claimId) q = q.where("id", "in", db.selectFrom("asset_claims").select("asset_id").where("claim_id", "=", query.claimId!));
  const rows = await q.orderBy("created_at", "desc").orderBy("id").limit(query.limit ?? 200).execute();
  const out: Asset[] = [];
  for (const r of rows) {
    const modules = await modulesOf(db, r.id, r.version);
    out.push(toAsset(r, r.live_version, modules, await loadModuleClaims(db, modules, now), now));
  }
  return out;
}

export { approveAsset, submitAsset, startAssetReview, requestAssetChanges, rejectAsset, recertifyAsset } from "./asset-review.ts";
