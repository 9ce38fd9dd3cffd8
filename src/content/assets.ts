// Assets: pieces of content (an email, a rep-detail slide) built from claims and safety information.
// Lifecycle in this minimal model: draft -> approved | rejected (electronically signed); withdrawn by
// a claim's withdrawal (withdrawal.ts); `expired` is read from expiresAt, never written.
import { z } from "zod";
import { write, type Context } from "../shared/context.ts";
import { ChannelSchema, MarketSchema, type Channel, type Market } from "../shared/vocabulary.ts";
import { conflict, invalid, notFound, refused, type FieldProblem } from "../shared/errors.ts";
import { newId } from "../shared/ids.ts";
import { parseJson } from "../shared/json.ts";
import { isUniqueViolation, type Db, type Tx } from "../store/db.ts";
import type { AssetsTable } from "../store/schema.ts";
import { actorOf, type Principal } from "../auth/principal.ts";
import { sign, SignatureSchema, type Signature, type SignatureInput } from "../auth/store.ts";
import type { ClaimRow } from "./claims.ts";
import { preReviewChecks, type CheckFinding } from "./checks.ts";
import { assetApprovalProblems, type ClaimState } from "./approval.ts";
import { claimRowsOfAssets } from "./read-model.ts";
import { statusFilter } from "./status-filter.ts";
import {
  ContentIdSchema, highestRisk, InstantSchema, ReasonSchema, statusAt, toStoredInstant,
  type ContentStatus, type RiskClass,
} from "./lifecycle.ts";

export const NewAssetSchema = z.strictObject({
  id: ContentIdSchema.optional(),
  title: z.string().trim().min(1).max(300),
  /** The email subject line. */
  subject: z.string().trim().min(1).max(300).optional(),
  channel: ChannelSchema,
  market: MarketSchema,
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "a language tag such as en, de or en-GB"),
  product: z.string().trim().min(1).max(200).optional(),
  claims: z.array(z.string().min(1).max(200)).max(200),
  /** The copy as written. */
  body: z.string().min(1).max(200_000),
  safetyInfo: z.string().trim().min(1).max(50_000).optional(),
  expiresAt: InstantSchema.optional(),
  derivedFrom: z.string().min(1).max(200).optional(),
});
export type NewAsset = z.infer<typeof NewAssetSchema>;

export const RejectionBodySchema = z.strictObject({ reason: ReasonSchema, signature: SignatureSchema });

export interface Rejection extends Signature {
  reason: string;
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
  /** As of the moment read: `expired` once expiresAt has passed (unless withdrawn or rejected). */
  status: ContentStatus;
  /** The highest of its claims' risk classes. */
  riskClass: RiskClass;
  /** Claim ids, in the asset's order. */
  claims: string[];
  /** Pre-review findings over the asset and its claims as they stand now. */
  checks: CheckFinding[];
  createdAt: string;
  createdBy: string;
  approvedAt: string | null;
  approval: Signature | null;
  rejection: Rejection | null;
  /** Why the asset may not be sent, when a claim's withdrawal blocked it. */
  blockedReason: string | null;
}

export type AssetRow = AssetsTable;

const selectAsset = (db: Db | Tx, id: string): Promise<AssetRow | undefined> =>
  db.selectFrom("assets").selectAll().where("id", "=", id).executeTakeFirst();

function claimState(row: ClaimRow): ClaimState {
  return { id: row.id, status: row.status as ContentStatus, expiresAt: row.expires_at, references: parseJson<string[]>(row.refs, []) };
}

/** The findings for an asset row and its claims (in the asset's order) as of `now`. */
function checksOf(asset: Pick<AssetRow, "channel" | "market" | "subject">, claimIds: readonly string[], claims: readonly ClaimRow[], now: Date): CheckFinding[] {
  return preReviewChecks(
    { channel: asset.channel as Channel, market: asset.market, subject: asset.subject, claims: claimIds },
    claims.map((c) => ({ id: c.id, status: statusAt(c.status as ContentStatus, c.expires_at, now), markets: parseJson<Market[]>(c.markets, []) })),
  );
}

export function toAsset(row: AssetRow, claims: readonly ClaimRow[], now: Date): Asset {
  const signed = parseJson<(Signature & { reason?: string }) | null>(row.approval, null);
  const claimIds = claims.map((c) => c.id);
  return {
    id: row.id,
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
    status: statusAt(row.status as ContentStatus, row.expires_at, now),
    riskClass: highestRisk(claims.map((c) => c.risk_class as RiskClass)),
    claims: claimIds,
    checks: checksOf(row, claimIds, claims, now),
    createdAt: row.created_at,
    createdBy: row.created_by,
    approvedAt: row.approved_at,
    approval: signed && signed.meaning !== "rejected" ? signed : null,
    rejection: signed && signed.meaning === "rejected" ? { ...signed, reason: signed.reason ?? "" } : null,
    blockedReason: row.blocked_reason,
  };
}

const assetExists = (id: string) => conflict("ASSET_EXISTS", `an asset with id '${id}' already exists`);

/**
 * A new draft. Every claim id must exist (400 naming each bad entry, `claims[2]`), none twice; a
 * `derivedFrom` must name an existing asset. Findings (a claim not approved for the market, a withdrawn
 * claim, a missing subject) do not stop a draft: they stand on it until fixed, and approval refuses them.
 */
export async function createAsset(ctx: Context, actor: string, input: NewAsset): Promise<Asset> {
  const id = input.id ?? newId("ast");
  try {
    return await write(ctx, actor, async (w) => {
      if (await selectAsset(w.trx, id)) throw assetExists(id);
      const problems: FieldProblem[] = [];
      const firstAt = new Map<string, number>();
      input.claims.forEach((claimId, i) => {
        const first = firstAt.get(claimId);
        if (first === undefined) firstAt.set(claimId, i);
        else problems.push({ field: `claims[${i}]`, message: `claim '${claimId}' is already listed at claims[${first}]` });
      });
      const claimIds = [...firstAt.keys()];
      const found = claimIds.length === 0 ? [] : await w.trx.selectFrom("claims").selectAll().where("id", "in", claimIds).execute();
      const byId = new Map(found.map((c) => [c.id, c]));
      for (const [claimId, i] of firstAt) {
        if (!byId.has(claimId)) problems.push({ field: `claims[${i}]`, message: `claim '${claimId}' does not exist` });
      }
      if (input.derivedFrom !== undefined && !(await selectAsset(w.trx, input.derivedFrom))) {
        problems.push({ field: "derivedFrom", message: `asset '${input.derivedFrom}' does not exist` });
      }
      if (problems.length > 0) {
        problems.sort((a, b) => a.field.localeCompare(b.field, "en", { numeric: true }));
        throw invalid(`the asset cannot be created: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`, problems);
      }
      const claims = claimIds.map((c) => byId.get(c)!);
      const findings = checksOf({ channel: input.channel, market: input.market, subject: input.subject ?? null }, claimIds, claims, w.now);
      const row: AssetRow = {
        id, version: 1, title: input.title, subject: input.subject ?? null, channel: input.channel, market: input.market,
        language: input.language, product: input.product ?? null, body: input.body, safety_info: input.safetyInfo ?? null,
        expires_at: toStoredInstant(input.expiresAt), derived_from: input.derivedFrom ?? null, status: "draft",
        checks: JSON.stringify(findings),
        created_at: w.now.toISOString(), created_by: actor, approved_at: null, approval: null, blocked_reason: null,
      };
      await w.trx.insertInto("assets").values(row).execute();
      if (claimIds.length > 0) {
        await w.trx.insertInto("asset_claims").values(claimIds.map((claimId, position) => ({ asset_id: id, claim_id: claimId, position }))).execute();
      }
      const asset = toAsset(row, claims, w.now);
      w.audit("asset.created", `asset:${id}`, { ...asset, claims: claims.map((c) => ({ id: c.id, version: c.version })) });
      return asset;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw assetExists(id);
    throw error;
  }
}

export async function getAsset(db: Db | Tx, id: string, now: Date): Promise<Asset> {
  const row = await selectAsset(db, id);
  if (!row) throw notFound("asset", id);
  const claims = (await claimRowsOfAssets(db, [id])).get(id) ?? [];
  return toAsset(row, claims, now);
}

export const AssetListQuerySchema = z.strictObject({
  status: z.enum(["draft", "submitted", "approved", "withdrawn", "expired", "rejected"]).optional(),
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
  const claims = await claimRowsOfAssets(db, rows.map((r) => r.id));
  return rows.map((r) => toAsset(r, claims.get(r.id) ?? [], now));
}

type Signer = Extract<Principal, { kind: "user" }>;

/**
 * Approval with an electronic signature. The signer re-authenticates first (a wrong password changes
 * nothing); then, in one transaction, the asset must be a draft, unexpired, with no error finding
 * standing, and every claim it uses approved, unexpired and not withdrawn.
 */
export async function approveAsset(ctx: Context, signer: Signer, id: string, input: SignatureInput): Promise<Asset> {
  const signature = await sign(ctx.store.db, signer.id, input, ctx.clock.now(), "approved");
  return write(ctx, actorOf(signer), async (w) => {
    const row = await selectAsset(w.trx, id);
    if (!row) throw notFound("asset", id);
    const claims = (await claimRowsOfAssets(w.trx, [id])).get(id) ?? [];
    if (statusAt(row.status as ContentStatus, row.expires_at, w.now) === "approved") {
      throw conflict("ASSET_ALREADY_APPROVED", `asset '${id}' was already approved at ${row.approved_at}`);
    }
    const claimIds = claims.map((c) => c.id);
    const findings = checksOf(row, claimIds, claims, w.now);
    const problems = assetApprovalProblems(
      { id, status: row.status as ContentStatus, expiresAt: row.expires_at, market: row.market },
      claims.map(claimState), findings, w.now,
    );
    if (problems.length > 0) {
      throw refused("ASSET_NOT_APPROVABLE", `asset '${id}' cannot be approved: ${problems.map((p) => p.message).join("; ")}`, problems);
    }
    const at = w.now.toISOString();
    const approval = JSON.stringify(signature);
    const checks = JSON.stringify(findings);
    // Conditional on the status read above: a claim withdrawal that blocks the asset meanwhile wins.
    const updated = await w.trx.updateTable("assets").set({ status: "approved", approved_at: at, approval, checks })
      .where("id", "=", id).where("status", "=", row.status).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw conflict("ASSET_CHANGED", `asset '${id}' changed while it was being approved; read it again`);
    w.audit("asset.approved", `asset:${id}`, {
      id, version: row.version, signature, claims: claims.map((c) => ({ id: c.id, version: c.version })), checks: findings,
    });
    return toAsset({ ...row, status: "approved", approved_at: at, approval, checks }, claims, w.now);
  });
}

/** Rejection with a reason and an electronic signature meaning "rejected"; only a draft can be rejected. */
export async function rejectAsset(ctx: Context, signer: Signer, id: string, reason: string, input: SignatureInput): Promise<Asset> {
  const signature = await sign(ctx.store.db, signer.id, input, ctx.clock.now(), "rejected");
  return write(ctx, actorOf(signer), async (w) => {
    const row = await selectAsset(w.trx, id);
    if (!row) throw notFound("asset", id);
    const stored = row.status as ContentStatus;
    if (stored === "rejected") throw conflict("ASSET_ALREADY_REJECTED", `asset '${id}' was already rejected`);
    if (stored !== "draft" && stored !== "submitted") {
      throw refused("ASSET_NOT_REJECTABLE", `asset '${id}' is ${stored}; only a draft in review can be rejected`);
    }
    const approval = JSON.stringify({ ...signature, reason } satisfies Rejection);
    const updated = await w.trx.updateTable("assets").set({ status: "rejected", approval })
      .where("id", "=", id).where("status", "=", row.status).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw conflict("ASSET_CHANGED", `asset '${id}' changed while it was being rejected; read it again`);
    w.audit("asset.rejected", `asset:${id}`, { id, version: row.version, reason, signature });
    const claims = (await claimRowsOfAssets(w.trx, [id])).get(id) ?? [];
    return toAsset({ ...row, status: "rejected", approval }, claims, w.now);
  });
}
