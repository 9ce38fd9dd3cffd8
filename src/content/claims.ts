// The claims library: approved statements about a product, with references, markets and expiry.
// Lifecycle in this minimal model: draft -> approved (electronically signed) -> withdrawn; `expired`
// is read from expiresAt, never written. Withdrawal and its cascade live in withdrawal.ts.
import { z } from "zod";
import { write, type Context } from "../shared/context.ts";
import { MarketSchema, type Market } from "../shared/vocabulary.ts";
import { conflict, notFound, refused } from "../shared/errors.ts";
import { newId } from "../shared/ids.ts";
import { parseJson } from "../shared/json.ts";
import { isUniqueViolation, type Db, type Tx } from "../store/db.ts";
import { actorOf, type Principal } from "../auth/principal.ts";
import { sign, SignatureSchema, type Signature, type SignatureInput } from "../auth/store.ts";
import type { ClaimsTable } from "../store/schema.ts";
import { claimApprovalProblems } from "./approval.ts";
import { statusFilter } from "./status-filter.ts";
import {
  ContentIdSchema, InstantSchema, RiskClassSchema, statusAt, toStoredInstant,
  type ContentStatus, type RiskClass,
} from "./lifecycle.ts";

export const NewClaimSchema = z.strictObject({
  id: ContentIdSchema.optional(),
  text: z.string().trim().min(1).max(5000),
  product: z.string().trim().min(1).max(200).optional(),
  riskClass: RiskClassSchema.optional(),
  references: z.array(z.string().trim().min(1).max(2000)).max(200),
  markets: z.array(MarketSchema).min(1, "a claim names at least one market").max(250),
  expiresAt: InstantSchema.optional(),
});
export type NewClaim = z.infer<typeof NewClaimSchema>;

export const ApprovalBodySchema = z.strictObject({ signature: SignatureSchema });

export interface Claim {
  id: string;
  version: number;
  text: string;
  product: string | null;
  riskClass: RiskClass;
  references: string[];
  markets: Market[];
  /** As of the moment read: `expired` once expiresAt has passed (unless withdrawn). */
  status: ContentStatus;
  expiresAt: string | null;
  createdAt: string;
  createdBy: string;
  approvedAt: string | null;
  /** The approving electronic signature: printed name, user id, time, meaning. */
  approval: Signature | null;
  withdrawnAt: string | null;
  withdrawReason: string | null;
}

export type ClaimRow = ClaimsTable;

export const selectClaim = (db: Db | Tx, id: string): Promise<ClaimRow | undefined> =>
  db.selectFrom("claims").selectAll().where("id", "=", id).executeTakeFirst();

export function toClaim(row: ClaimRow, now: Date): Claim {
  return {
    id: row.id,
    version: row.version,
    text: row.text,
    product: row.product,
    riskClass: row.risk_class as RiskClass,
    references: parseJson<string[]>(row.refs, []),
    markets: parseJson<Market[]>(row.markets, []),
    status: statusAt(row.status as ContentStatus, row.expires_at, now),
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    createdBy: row.created_by,
    approvedAt: row.approved_at,
    approval: parseJson<Signature | null>(row.approval, null),
    withdrawnAt: row.withdrawn_at,
    withdrawReason: row.withdraw_reason,
  };
}

export async function createClaim(ctx: Context, actor: string, input: NewClaim): Promise<Claim> {
  const id = input.id ?? newId("clm");
  try {
    return await write(ctx, actor, async (w) => {
      if (await selectClaim(w.trx, id)) throw claimExists(id);
      const row: ClaimRow = {
        id, version: 1, text: input.text, product: input.product ?? null, risk_class: input.riskClass ?? "low",
        refs: JSON.stringify(input.references), markets: JSON.stringify([...new Set(input.markets)]),
        status: "draft", expires_at: toStoredInstant(input.expiresAt),
        created_at: w.now.toISOString(), created_by: actor,
        approved_at: null, approval: null, withdrawn_at: null, withdraw_reason: null,
      };
      await w.trx.insertInto("claims").values(row).execute();
      const claim = toClaim(row, w.now);
      w.audit("claim.created", `claim:${id}`, claim);
      return claim;
    });
  } catch (error) {
    // Two creators racing for one id: the loser gets the same answer as if it had come second.
    if (isUniqueViolation(error)) throw claimExists(id);
    throw error;
  }
}

const claimExists = (id: string) => conflict("CLAIM_EXISTS", `a claim with id '${id}' already exists`);

export async function getClaim(db: Db | Tx, id: string, now: Date): Promise<Claim> {
  const row = await selectClaim(db, id);
  if (!row) throw notFound("claim", id);
  return toClaim(row, now);
}

export const ClaimListQuerySchema = z.strictObject({
  status: z.enum(["draft", "submitted", "approved", "withdrawn", "expired", "rejected"]).optional(),
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

/**
 * Approval with an electronic signature. The signer re-authenticates first (a wrong password changes
 * nothing); then, in one transaction, the claim must still be a draft that has references and has not
 * expired.
 */
export async function approveClaim(ctx: Context, signer: Extract<Principal, { kind: "user" }>, id: string, input: SignatureInput): Promise<Claim> {
  const signature = await sign(ctx.store.db, signer.id, input, ctx.clock.now(), "approved");
  return write(ctx, actorOf(signer), async (w) => {
    const row = await selectClaim(w.trx, id);
    if (!row) throw notFound("claim", id);
    const claim = toClaim(row, w.now);
    if (claim.status === "approved") throw conflict("CLAIM_ALREADY_APPROVED", `claim '${id}' was already approved at ${row.approved_at}`);
    const problems = claimApprovalProblems({ id, status: row.status as ContentStatus, expiresAt: row.expires_at, references: claim.references }, w.now);
    if (problems.length > 0) {
      throw refused("CLAIM_NOT_APPROVABLE", `claim '${id}' cannot be approved: ${problems.map((p) => p.message).join("; ")}`, problems);
    }
    const at = w.now.toISOString();
    const approval = JSON.stringify(signature);
    // Conditional on the status read above: a withdrawal that commits in between wins, and this refuses.
    const updated = await w.trx.updateTable("claims").set({ status: "approved", approved_at: at, approval })
      .where("id", "=", id).where("status", "=", row.status).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw conflict("CLAIM_CHANGED", `claim '${id}' changed while it was being approved; read it again`);
    const approved = toClaim({ ...row, status: "approved", approved_at: at, approval }, w.now);
    w.audit("claim.approved", `claim:${id}`, { id, version: row.version, signature });
    return approved;
  });
}
