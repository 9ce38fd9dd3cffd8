// FDA Form 2253: the first dissemination of an approved asset version in the US must be submitted to
// the FDA at the time of initial dissemination. The dispatcher opens the item in the transaction that
// records a send; the primary key (asset_id, version) with insert-or-ignore makes the first send open it
// exactly once, however many dispatchers in however many processes send that version at once.
// Later sends on other channels add their channel. MOps or regulatory mark it submitted, signed.
import { z } from "zod";
import { write, type Context, type Write } from "../shared/context.ts";
import { conflict, notFound } from "../shared/errors.ts";
import { prepared } from "../store/prepared.ts";
import type { Db, Tx } from "../store/db.ts";
import { sign, type Signature, type SignatureInput } from "../auth/store.ts";
import { actorOf, type Principal } from "../auth/principal.ts";
import { parseJson } from "../shared/json.ts";
import { csvOf } from "../shared/csv.ts";

/** The market whose first dissemination is reported (Form 2253 is the FDA's). */
export const FIRST_USE_MARKET = "US";

const openFirstUse = prepared((db, p: { assetId: string; version: number; at: string; outboxId: string; market: string }) =>
  db.insertInto("first_uses")
    .columns(["asset_id", "version", "market", "first_used_at", "first_outbox_id"])
    .expression((eb) => eb.selectFrom("asset_versions")
      .select((s) => ["asset_versions.asset_id", "asset_versions.version", "asset_versions.market", s.val(p.at).as("first_used_at"), s.val(p.outboxId).as("first_outbox_id")])
      .where("asset_versions.asset_id", "=", p.assetId).where("asset_versions.version", "=", p.version).where("asset_versions.market", "=", p.market))
    .onConflict((oc) => oc.columns(["asset_id", "version"]).doNothing()));

const addChannel = prepared((db, p: { assetId: string; version: number; channel: string; at: string; outboxId: string }) =>
  db.insertInto("first_use_channels")
    .columns(["asset_id", "version", "channel", "first_used_at", "outbox_id"])
    .expression((eb) => eb.selectFrom("first_uses")
      .select((s) => ["first_uses.asset_id", "first_uses.version", s.val(p.channel).as("channel"), s.val(p.at).as("first_used_at"), s.val(p.outboxId).as("outbox_id")])
      .where("first_uses.asset_id", "=", p.assetId).where("first_uses.version", "=", p.version))
    .onConflict((oc) => oc.columns(["asset_id", "version", "channel"]).doNothing()));

export interface Dissemination {
  assetId: string;
  version: number;
  channel: string;
  outboxId: string;
}

/**
 * Called where a send is recorded, in its transaction: opens the version's first-use item when this is
 * its first send in the US, and records a channel it had not gone out on before. Two statements, each
 * an insert that does nothing on conflict; outside the US both find no row to insert.
 */
export async function recordDissemination(w: Write, d: Dissemination): Promise<void> {
  const at = w.now.toISOString();
  const opened = await openFirstUse.run(w.trx, { assetId: d.assetId, version: d.version, at, outboxId: d.outboxId, market: FIRST_USE_MARKET });
  const added = await addChannel.run(w.trx, { assetId: d.assetId, version: d.version, channel: d.channel, at, outboxId: d.outboxId });
  if (opened === 1) {
    w.audit("content.first_use_opened", `asset:${d.assetId}`, { assetId: d.assetId, version: d.version, channel: d.channel, firstUsedAt: at, dueAt: at, outboxId: d.outboxId, form: "FDA 2253" });
  } else if (added === 1) {
    w.audit("content.first_use_channel_added", `asset:${d.assetId}`, { assetId: d.assetId, version: d.version, channel: d.channel, at, outboxId: d.outboxId });
  }
}

export interface FirstUse {
  assetId: string;
  version: number;
  title: string | null;
  market: string;
  firstUsedAt: string;
  /** FDA: submission is due at the time of initial dissemination. */
  dueAt: string;
  /** Due and not submitted (always once the moment of first use has passed). */
  overdue: boolean;
  channels: string[];
  status: "due" | "submitted";
  submittedAt?: string;
  reference?: string;
  submittedBy?: Signature;
}

export const FirstUseQuerySchema = z.strictObject({
  status: z.enum(["due", "submitted"]).optional(),
  format: z.enum(["json", "csv"]).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});
export type FirstUseQuery = z.infer<typeof FirstUseQuerySchema>;

export async function listFirstUses(db: Db | Tx, query: FirstUseQuery, now: Date, only?: { assetId: string; version: number }): Promise<FirstUse[]> {
  let q = db.selectFrom("first_uses")
    .leftJoin("asset_versions", (j) => j.onRef("asset_versions.asset_id", "=", "first_uses.asset_id").onRef("asset_versions.version", "=", "first_uses.version"))
    .select(["first_uses.asset_id", "first_uses.version", "first_uses.market", "first_uses.first_used_at", "first_uses.submitted_at", "first_uses.reference", "first_uses.signature", "asset_versions.title"]);
  if (query.status === "due") q = q.where("first_uses.submitted_at", "is", null);
  if (query.status === "submitted") q = q.where("first_uses.submitted_at", "is not", null);
  if (only) q = q.where("first_uses.asset_id", "=", only.assetId).where("first_uses.version", "=", only.version);
  const rows = await q.orderBy("first_uses.first_used_at").orderBy("first_uses.asset_id").orderBy("first_uses.version").limit(query.limit ?? 1000).execute();
  const channels = await channelsOf(db, rows.map((r) => ({ assetId: r.asset_id, version: r.version })));
  return rows.map((r) => toFirstUse(r, channels.get(`${r.asset_id}@${r.version}`) ?? [], now));
}

async function channelsOf(db: Db | Tx, keys: readonly { assetId: string; version: number }[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const ids = [...new Set(keys.map((k) => k.assetId))];
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db.selectFrom("first_use_channels").select(["asset_id", "version", "channel"])
      .where("asset_id", "in", ids.slice(i, i + 1000)).orderBy("first_used_at").orderBy("channel").execute();
    for (const r of rows) out.set(`${r.asset_id}@${r.version}`, [...(out.get(`${r.asset_id}@${r.version}`) ?? []), r.channel]);
  }
  return out;
}

type Row = { asset_id: string; version: number; market: string; first_used_at: string; submitted_at: string | null; reference: string | null; signature: string | null; title: string | null };

function toFirstUse(r: Row, channels: string[], now: Date): FirstUse {
  const submitted = r.submitted_at !== null;
  return {
    assetId: r.asset_id, version: r.version, title: r.title, market: r.market, firstUsedAt: r.first_used_at, dueAt: r.first_used_at,
    overdue: !submitted && Date.parse(r.first_used_at) < now.getTime(), channels, status: submitted ? "submitted" : "due",
    ...(submitted ? { submittedAt: r.submitted_at!, reference: r.reference ?? "", submittedBy: parseJson<Signature | undefined>(r.signature, undefined) } : {}),
  };
}

export const FirstUseSubmissionSchema = z.strictObject({
  /** The FDA's acknowledgement or the submission's own reference (e.g. the eCTD sequence). */
  reference: z.string().trim().min(1).max(300),
});

type Signer = Extract<Principal, { kind: "user" }>;

/** Marks a first-use item submitted: the signer re-authenticates; the item changes once, audited. */
export async function markFirstUseSubmitted(ctx: Context, signer: Signer, assetId: string, version: number, reference: string, input: SignatureInput): Promise<FirstUse> {
  const signature = await sign(ctx.store.db, signer.id, input, ctx.clock.now());
  return write(ctx, actorOf(signer), async (w) => {
    const at = w.now.toISOString();
    const row = await w.trx.selectFrom("first_uses").select(["submitted_at", "reference"]).where("asset_id", "=", assetId).where("version", "=", version).executeTakeFirst();
    if (!row) throw notFound("first-use item", `${assetId}@${version}`);
    const updated = await w.trx.updateTable("first_uses")
      .set({ submitted_at: at, reference, submitted_by: signer.id, signature: JSON.stringify(signature) })
      .where("asset_id", "=", assetId).where("version", "=", version).where("submitted_at", "is", null).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      throw conflict("FIRST_USE_ALREADY_SUBMITTED", `the first use of asset '${assetId}' v${version} was already marked submitted${row.reference ? ` (reference ${row.reference})` : ""}`);
    }
    const [item] = await listFirstUses(w.trx, {}, w.now, { assetId, version });
    w.audit("content.first_use_submitted", `asset:${assetId}`, { assetId, version, reference, signature, firstUsedAt: item!.firstUsedAt, channels: item!.channels, form: "FDA 2253" });
    return item!;
  });
}

/** The items as CSV, one row each, header first. */
export function firstUsesCsv(items: readonly FirstUse[]): string {
  return csvOf(
    ["assetId", "version", "title", "market", "firstUsedAt", "dueAt", "overdue", "channels", "status", "submittedAt", "reference", "submittedBy"],
    items.map((f) => [f.assetId, String(f.version), f.title ?? "", f.market, f.firstUsedAt, f.dueAt, String(f.overdue), f.channels.join(";"), f.status, f.submittedAt ?? "", f.reference ?? "", f.submittedBy?.printedName ?? ""]),
  );
}
