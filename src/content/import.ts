// Importing claims and assets: each row goes through the same service as POST /v1/claims or
// POST /v1/assets (its own transaction, its checks, its audit record), so an import is no back door.
// A row whose id is already in the library with the very content the row gives was imported before
// (an interrupted import run again) and changes nothing; with other content it is refused: an
// import creates, it never edits.
import { AppError, type FieldProblem } from "../shared/errors.ts";
import type { Context } from "../shared/context.ts";
import type { Db } from "../store/db.ts";
import { createClaim, type NewClaim } from "./claims.ts";
import { createAsset, type NewAsset } from "./assets.ts";
import { toStoredInstant } from "./lifecycle.ts";
import type { ContentRow } from "./import-file.ts";

export type RowOutcome =
  | { outcome: "created"; kind: "claim" | "asset"; id: string; errors: number }
  | { outcome: "unchanged"; kind: "claim" | "asset"; id: string }
  | { outcome: "rejected"; problems: FieldProblem[] };

/** Imports one row. Refusals come back as problems; anything else (the store is down) is thrown. */
export async function importRow(ctx: Context, actor: string, row: ContentRow, origin: string): Promise<RowOutcome> {
  if ("problems" in row) return { outcome: "rejected", problems: row.problems };
  try {
    if (row.kind === "claim") {
      const claim = await createClaim(ctx, actor, row.input, { origin });
      return { outcome: "created", kind: "claim", id: claim.id, errors: 0 };
    }
    const asset = await createAsset(ctx, actor, row.input, { origin });
    return { outcome: "created", kind: "asset", id: asset.id, errors: asset.checks.filter((c) => c.severity === "error").length };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === "CLAIM_EXISTS" || error.code === "ASSET_EXISTS") {
      const same = row.kind === "claim" ? await sameClaim(ctx.store.db, row.input) : await sameAsset(ctx.store.db, row.input);
      if (same) return { outcome: "unchanged", kind: row.kind, id: row.input.id! };
      const path = row.kind === "claim" ? "claims" : "assets";
      return {
        outcome: "rejected",
        problems: [{ field: "id", message: `${row.kind} '${row.input.id}' already exists with other content; an import creates, it does not edit (PUT /v1/${path}/${row.input.id} makes a new version)` }],
      };
    }
    const details = error.status === 400 && Array.isArray(error.details) ? (error.details as FieldProblem[]) : [];
    return { outcome: "rejected", problems: details.length > 0 ? details.map((d) => ({ field: d.field, message: d.message })) : [{ field: "row", message: error.message }] };
  }
}

/** Is the claim's first version what this row would have created? */
async function sameClaim(db: Db, input: NewClaim): Promise<boolean> {
  const v1 = await db.selectFrom("claim_versions").selectAll().where("claim_id", "=", input.id!).where("version", "=", 1).executeTakeFirst();
  if (!v1) return false;
  return v1.text === input.text && v1.product === (input.product ?? null) && v1.risk_class === (input.riskClass ?? "low")
    && v1.refs === JSON.stringify(input.references) && v1.markets === JSON.stringify([...new Set(input.markets)])
    && v1.expires_at === toStoredInstant(input.expiresAt) && (input.language === undefined || v1.language === input.language);
}

/** Is the asset's first version, with its modules, what this row would have created? */
async function sameAsset(db: Db, input: NewAsset): Promise<boolean> {
  const id = input.id!;
  const v1 = await db.selectFrom("asset_versions").selectAll().where("asset_id", "=", id).where("version", "=", 1).executeTakeFirst();
  if (!v1) return false;
  const modules = await db.selectFrom("asset_modules").select(["claim_id", "claim_version"]).where("asset_id", "=", id).where("version", "=", 1).orderBy("position").execute();
  const sameModules = modules.length === input.claims.length && input.claims.every((m, i) => {
    const stored = modules[i]!;
    return typeof m === "string" ? stored.claim_id === m : stored.claim_id === m.id && stored.claim_version === m.version;
  });
  return sameModules && v1.title === input.title && v1.subject === (input.subject ?? null) && v1.channel === input.channel
    && v1.market === input.market && v1.language === input.language && v1.product === (input.product ?? null) && v1.body === input.body
    && v1.safety_info === (input.safetyInfo ?? null) && v1.expires_at === toStoredInstant(input.expiresAt) && v1.derived_from === (input.derivedFrom ?? null);
}
