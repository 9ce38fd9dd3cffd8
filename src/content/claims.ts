// The claims library: statements about a product, with references, markets, risk class and expiry.
// Versioned: an edit makes a new version (a draft); an approved version never changes; every version
// is kept (history). The head row in `claims` mirrors the latest version for listing; withdrawal (a
// safety update, withdrawal.ts) applies to the claim as a whole, every version.
import { z } from "zod";
import { write, type Context, type Write } from "../shared/context.ts";
import { MarketSchema, type Market } from "../shared/vocabulary.ts";
import { AppError, conflict, notFound } from "../shared/errors.ts";
import { newId } from "../shared/ids.ts";
import { parseJson } from "../shared/json.ts";
import { isUniqueViolation, type Db, type Tx } from "../store/db.ts";
import type { ClaimsTable } from "../store/schema.ts";
import type { ClaimVersionsTable } from "./tables.ts";
import type { Signature } from "../auth/store.ts";
import { detectLanguage } from "./language.ts";
import { statusFilter } from "./status-filter.ts";
import { awaiting, refusalOf, type Refusal, type ReviewSignature, type RequiredReview } from "./workflow.ts";
import {
  ContentIdSchema, ContentStatusSchema, InstantSchema, LanguageSchema, RiskClassSchema, statusAt, toStoredInstant,
  type ContentStatus, type RiskClass,
} from "./lifecycle.ts";

const ClaimFields = {
  text: z.string().trim().min(1).max(5000),
  product: z.string().trim().min(1).max(200),
  riskClass: RiskClassSchema,
  references: z.array(z.string().trim().min(1).max(2000)).max(200),
  markets: z.array(MarketSchema).min(1, "a claim names at least one market").max(250),
  /** The language the claim text is written in; detected from the text when not given. */
  language: LanguageSchema,
  expiresAt: InstantSchema,
};

export const NewClaimSchema = z.strictObject({
  id: ContentIdSchema.optional(),
  text: ClaimFields.text,
  product: ClaimFields.product.optional(),
  riskClass: ClaimFields.riskClass.optional(),
  references: ClaimFields.references,
  markets: ClaimFields.markets,
  language: ClaimFields.language.optional(),
  expiresAt: ClaimFields.expiresAt.optional(),
});
export type NewClaim = z.infer<typeof NewClaimSchema>;

/** An edit: the fields given replace the latest version's, in a new version. `expiresAt: null` clears it. */
export const ClaimEditSchema = z.strictObject({
  text: ClaimFields.text.optional(),
  product: ClaimFields.product.nullable().optional(),
  riskClass: ClaimFields.riskClass.optional(),
  references: ClaimFields.references.optional(),
  markets: ClaimFields.markets.optional(),
  language: ClaimFields.language.optional(),
  expiresAt: ClaimFields.expiresAt.nullable().optional(),
}).refine((e) => Object.keys(e).length > 0, "an edit changes at least one field");
export type ClaimEdit = z.infer<typeof ClaimEditSchema>;

export interface ClaimReview {
  required: RequiredReview[];
  signatures: ReviewSignature[];
  awaiting: RequiredReview[];
}

export interface Claim {
  id: string;
  version: number;
  text: string;
  product: string | null;
  riskClass: RiskClass;
  references: string[];
  markets: Market[];
  language: string | null;
  /** As of the moment read: `expired` once expiresAt has passed (unless closed for good). */
  status: ContentStatus;
  expiresAt: string | null;
  createdAt: string;
  createdBy: string;
  submittedAt: string | null;
  /** Who must sign this version and who has; null before it is submitted. */
  review: ClaimReview | null;
  approvedAt: string | null;
  /** The first approving electronic signature: printed name, user id, time, meaning (all are in review). */
  approval: Signature | null;
  rejection: (Signature & { reason: string; outcome: "rejected" | "changes_requested" }) | null;
  withdrawnAt: string | null;
  withdrawReason: string | null;
}

export type ClaimRow = ClaimsTable;
export type ClaimVersionRow = ClaimVersionsTable;

export const selectClaim = (db: Db | Tx, id: string): Promise<ClaimRow | undefined> =>
  db.selectFrom("claims").selectAll().where("id", "=", id).executeTakeFirst();

export interface StoredReview {
  required: RequiredReview[];
  signatures: ReviewSignature[];
}

export function reviewOf(json: string | null): StoredReview | null {
  return parseJson<StoredReview | null>(json, null);
}

function withAwaiting(review: StoredReview | null): ClaimReview | null {
  if (!review) return null;
  return { ...review, awaiting: awaiting(review) };
}

/** A claim as shown: a head row or a version row (with the claim's withdrawal, when reading history). */
export function toClaim(row: ClaimRow | (ClaimVersionRow & { withdrawn_at?: string | null; withdraw_reason?: string | null }), now: Date): Claim {
  const id = "id" in row ? row.id : row.claim_id;
  return {
    id,
    version: row.version,
    text: row.text,
    product: row.product,
    riskClass: row.risk_class as RiskClass,
    references: parseJson<string[]>(row.refs, []),
    markets: parseJson<Market[]>(row.markets, []),
    language: row.language,
    status: statusAt(row.status as ContentStatus, row.expires_at, now),
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    createdBy: row.created_by,
    submittedAt: row.submitted_at,
    review: withAwaiting(reviewOf(row.review)),
    approvedAt: row.approved_at,
    approval: parseJson<Signature | null>(row.approval, null),
    rejection: parseJson(row.rejection, null),
    withdrawnAt: row.withdrawn_at ?? null,
    withdrawReason: row.withdraw_reason ?? null,
  };
}

const versionOf = (head: ClaimRow): ClaimVersionRow => ({
  claim_id: head.id, version: head.version, text: head.text, product: head.product, risk_class: head.risk_class, refs: head.refs,
  markets: head.markets, language: head.language, status: head.status, expires_at: head.expires_at, created_at: head.created_at,
  created_by: head.created_by, submitted_at: head.submitted_at, review: head.review, approved_at: head.approved_at, approval: head.approval,
  rejection: head.rejection,
});

/**
 * Writes a workflow change of the latest version to its version row and the head, conditional on the
 * head still being at `expected` status and version: of two reviewers racing, one wins and the other
 * is told to read again.
 */
export async function updateLatestClaim(w: Write, head: ClaimRow, change: Partial<ClaimVersionRow>): Promise<ClaimRow> {
  const next: ClaimRow = { ...head, ...change };
  const updated = await w.trx.updateTable("claims").set(change)
    .where("id", "=", head.id).where("version", "=", head.version).where("status", "=", head.status).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw conflict("CLAIM_CHANGED", `claim '${head.id}' changed meanwhile; read it again`);
  await w.trx.updateTable("claim_versions").set(change).where("claim_id", "=", head.id).where("version", "=", head.version).execute();
  return next;
}

/** Where a creation came from, for its audit record (an import names its file); the API gives none. */
export interface CreateOptions {
  origin?: string;
}

export async function createClaim(ctx: Context, actor: string, input: NewClaim, options: CreateOptions = {}): Promise<Claim> {
  const id = input.id ?? newId("clm");
  try {
    return await write(ctx, actor, async (w) => {
      if (await selectClaim(w.trx, id)) throw claimExists(id);
      const head: ClaimRow = {
        id, version: 1, text: input.text, product: input.product ?? null, risk_class: input.riskClass ?? "low",
        refs: JSON.stringify(input.references), markets: JSON.stringify([...new Set(input.markets)]),
        language: input.language ?? detectLanguage(input.text) ?? marketLanguage(ctx, input.markets),
        status: "draft", expires_at: toStoredInstant(input.expiresAt),
        created_at: w.now.toISOString(), created_by: actor, submitted_at: null, review: null,
        approved_at: null, approval: null, rejection: null, withdrawn_at: null, withdraw_reason: null,
      };
      await w.trx.insertInto("claims").values(head).execute();
      await w.trx.insertInto("claim_versions").values(versionOf(head)).execute();
      const claim = toClaim(head, w.now);
      w.audit("claim.created", `claim:${id}`, options.origin ? { ...claim, origin: options.origin } : claim);
      return claim;
    });
  } catch (error) {
    // Two creators racing for one id: the loser gets the same answer as if it had come second.
    if (isUniqueViolation(error)) throw claimExists(id);
    throw error;
  }
}

/** Too short to detect: the language of the first market that names one (claims are written for their markets). */
function marketLanguage(ctx: Context, markets: readonly Market[]): string | null {
  const rules = ctx.governance.current().markets;
  for (const m of markets) {
    const language = rules[m]?.language;
    if (language) return language;
  }
  return null;
}

const claimExists = (id: string) => conflict("CLAIM_EXISTS", `a claim with id '${id}' already exists`);

/**
 * An edit makes a new version, a draft. The version it replaces stays as it was when approved,
 * rejected or expired (history); an unapproved draft or one sent back for changes is superseded.
 */
export async function editClaim(ctx: Context, actor: string, id: string, edit: ClaimEdit): Promise<Claim> {
  return write(ctx, actor, async (w) => {
    const head = await selectClaim(w.trx, id);
    if (!head) throw notFound("claim", id);
    const refusal = refusalOf("claim", id, statusAt(head.status as ContentStatus, head.expires_at, w.now), "edit");
    if (refusal) throw appError(refusal);
    if (head.status === "draft" || head.status === "changes_requested") {
      await w.trx.updateTable("claim_versions").set({ status: "superseded" }).where("claim_id", "=", id).where("version", "=", head.version).execute();
    }
    const text = edit.text ?? head.text;
    const next: ClaimRow = {
      ...head,
      version: head.version + 1,
      text,
      product: edit.product === undefined ? head.product : edit.product,
      risk_class: edit.riskClass ?? head.risk_class,
      refs: edit.references ? JSON.stringify(edit.references) : head.refs,
      markets: edit.markets ? JSON.stringify([...new Set(edit.markets)]) : head.markets,
      language: edit.language ?? (edit.text ? detectLanguage(text) ?? head.language : head.language),
      expires_at: edit.expiresAt === undefined ? head.expires_at : toStoredInstant(edit.expiresAt),
      status: "draft", created_at: w.now.toISOString(), created_by: actor, submitted_at: null, review: null,
      approved_at: null, approval: null, rejection: null,
    };
    const updated = await w.trx.updateTable("claims").set(next).where("id", "=", id).where("version", "=", head.version).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw conflict("CLAIM_CHANGED", `claim '${id}' changed meanwhile; read it again`);
    await w.trx.insertInto("claim_versions").values(versionOf(next)).execute();
    const claim = toClaim(next, w.now);
    w.audit("claim.edited", `claim:${id}`, { ...claim, previousVersion: head.version, changed: Object.keys(edit).sort() });
    return claim;
  });
}

export async function getClaim(db: Db | Tx, id: string, now: Date): Promise<Claim> {
  const row = await selectClaim(db, id);
  if (!row) throw notFound("claim", id);
  return toClaim(row, now);
}

/** Every version of a claim, oldest first. */
export async function claimHistory(db: Db, id: string, now: Date): Promise<Claim[]> {
  const head = await selectClaim(db, id);
  if (!head) throw notFound("claim", id);
  const rows = await db.selectFrom("claim_versions").selectAll().where("claim_id", "=", id).orderBy("version").execute();
  return rows.map((r) => toClaim({ ...r, withdrawn_at: head.withdrawn_at, withdraw_reason: head.withdraw_reason }, now));
}

export async function getClaimVersion(db: Db, id: string, version: number, now: Date): Promise<Claim> {
  const head = await selectClaim(db, id);
  const row = await db.selectFrom("claim_versions").selectAll().where("claim_id", "=", id).where("version", "=", version).executeTakeFirst();
  if (!head || !row) throw notFound("claim version", `${id}@${version}`);
  return toClaim({ ...row, withdrawn_at: head.withdrawn_at, withdraw_reason: head.withdraw_reason }, now);
}

export const ClaimListQuerySchema = z.strictObject({
  status: ContentStatusSchema.optional(),
  market: MarketSchema.optional(),
  product: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export type ClaimListQuery = z.infer<typeof ClaimListQuerySchema>;

export async function listClaims(db: Db, query: ClaimListQuery, now: Date): Promise<Claim[]> {
  let q = db.selectFrom("claims").selectAll();
  if (query.status) q = q.where((eb) => statusFilter(eb, query.status!, now.toISOString()));
  // Markets are validated two-letter codes, so a quoted match on the JSON text is exact.
  if (query.market) q = q.where("markets", "like", `%"${query.market}"%`);
  if (query.product) q = q.where("product", "=", query.product);
  const rows = await q.orderBy("created_at", "desc").orderBy("id").limit(query.limit ?? 200).execute();
  return rows.map((r) => toClaim(r, now));
}

export const appError = (r: Refusal, details?: unknown) => new AppError(r.status, r.code, r.message, details);

export { approveClaim, submitClaim, startClaimReview, requestClaimChanges, rejectClaim } from "./claim-review.ts";
