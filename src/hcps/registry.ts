// HCP profiles and the consent ledger. Consent is append-only: a change is a new record; the newest
// record per channel and purpose is in force, and every older one stays as evidence.
import { z } from "zod";
import { write, type Context } from "../shared/context.ts";
import { ChannelSchema, MarketSchema, PurposeSchema, type Channel, type Purpose } from "../shared/vocabulary.ts";
import { conflict, invalid, notFound } from "../shared/errors.ts";
import { newId } from "../shared/ids.ts";
import { parseJson } from "../shared/json.ts";
import { IN_LIST_CHUNK, type Db, type Tx } from "../store/db.ts";
import { prepared } from "../store/prepared.ts";
import type { ConsentView, HcpView } from "../gate/snapshot.ts";
import { IdentifierSchema, identifierProblem, type Identifier } from "./identifiers.ts";
import { resolveHcpId } from "./resolve.ts";

const isZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const HcpBodySchema = z.strictObject({
  name: z.string().min(1).max(200),
  specialty: z.string().min(1).max(200),
  market: MarketSchema,
  timezone: z.string().refine(isZone, "not an IANA time zone such as Europe/Berlin").optional(),
  npi: z.string().superRefine((v, c) => {
    const problem = identifierProblem("npi", v);
    if (problem) c.addIssue({ code: "custom", message: problem });
  }).optional(),
  identifiers: z.array(IdentifierSchema).max(20).optional(),
  segment: z.string().max(100).optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});
export type HcpBody = z.infer<typeof HcpBodySchema>;

export const ConsentBodySchema = z.strictObject({
  purpose: PurposeSchema,
  status: z.enum(["granted", "revoked"]),
  source: z.string().min(1).max(200),
  capturedAt: z.iso.datetime({ offset: true }),
  evidence: z.unknown().optional(),
});
export type ConsentBody = z.infer<typeof ConsentBodySchema>;

export const HcpIdSchema = z.string().min(1).max(200).regex(/^[A-Za-z0-9._:-]+$/, "letters, digits, dot, dash, underscore, colon");

export interface Hcp extends HcpView {
  name: string;
  npi: string | null;
  identifiers: Identifier[];
  /** The ids of the records merged into this one (each still resolves to it). */
  mergedFrom: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ConsentRecord {
  id: string;
  hcpId: string;
  channel: Channel;
  purpose: Purpose;
  status: "granted" | "revoked";
  source: string;
  capturedAt: string;
  evidence: unknown;
  recordedAt: string;
  recordedBy: string;
}

export type HcpRow = NonNullable<Awaited<ReturnType<typeof selectHcp>>>;
const selectHcp = (db: Db | Tx, id: string) => db.selectFrom("hcps").selectAll().where("id", "=", id).executeTakeFirst();

export function toHcp(row: HcpRow, identifiers: Identifier[] = [], mergedFrom: string[] = []): Hcp {
  return {
    id: row.id, name: row.name, specialty: row.specialty, market: row.market, timezone: row.timezone, npi: row.npi, identifiers, mergedFrom,
    segment: row.segment, attributes: parseJson<Record<string, unknown>>(row.attributes, {}), createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

/** The identifiers a body names: `identifiers` plus the `npi` shorthand, each once. */
export function identifiersOf(body: Pick<HcpBody, "npi" | "identifiers">): Identifier[] {
  const all = [...(body.identifiers ?? []), ...(body.npi ? [{ scheme: "npi", value: body.npi }] : [])];
  return [...new Map(all.map((i) => [`${i.scheme}:${i.value}`, i])).values()];
}

/**
 * Creates or replaces the profile. Identifiers named are added (one never silently leaves its HCP); one
 * another HCP holds is refused with that holder. The primary key on (scheme, value) settles two
 * records claiming one identifier at once: the second insert finds the first's row.
 */
export async function putHcp(ctx: Context, actor: string, id: string, body: HcpBody): Promise<{ hcp: Hcp; created: boolean }> {
  const markets = ctx.governance.current().markets;
  if (!markets[body.market]) {
    throw invalid(`market '${body.market}' is not in the active governance bundle's markets.yaml`, [{ field: "market", message: `unknown market; known: ${Object.keys(markets).join(", ")}` }]);
  }
  const wanted = identifiersOf(body);
  const npis = wanted.filter((i) => i.scheme === "npi");
  if (npis.length > 1) throw invalid("an HCP has one NPI", [{ field: "identifiers", message: `several NPIs: ${npis.map((i) => i.value).join(", ")}` }]);
  return write(ctx, actor, async (w) => {
    const merged = await w.trx.selectFrom("hcp_merges").select("survivor_id").where("merged_id", "=", id).executeTakeFirst();
    if (merged) throw conflict("HCP_MERGED", `HCP '${id}' was merged into '${merged.survivor_id}'; update the survivor`, { hcpId: merged.survivor_id });
    const existing = await selectHcp(w.trx, id);
    const at = w.now.toISOString();
    await claimIdentifiers(w.trx, id, wanted, at);
    const identifiers = await identifiersOfHcp(w.trx, id);
    const npi = identifiers.find((i) => i.scheme === "npi")?.value ?? null;
    const row: HcpRow = {
      id, name: body.name, specialty: body.specialty, market: body.market, timezone: body.timezone ?? null, npi,
      segment: body.segment ?? null, attributes: JSON.stringify(body.attributes ?? {}), created_at: existing?.created_at ?? at, updated_at: at,
    };
    if (existing) await w.trx.updateTable("hcps").set(row).where("id", "=", id).execute();
    else await w.trx.insertInto("hcps").values(row).execute();
    w.audit(existing ? "hcp.updated" : "hcp.created", `hcp:${id}`, { ...body, identifiers });
    return { hcp: toHcp(row, identifiers, await mergedInto(w.trx, id)), created: !existing };
  });
}

async function claimIdentifiers(trx: Tx, hcpId: string, wanted: readonly Identifier[], at: string): Promise<void> {
  for (const { scheme, value } of wanted) {
    await trx.insertInto("hcp_identifiers").values({ scheme, value, hcp_id: hcpId, created_at: at }).onConflict((oc) => oc.columns(["scheme", "value"]).doNothing()).execute();
    const holder = await trx.selectFrom("hcp_identifiers").select("hcp_id").where("scheme", "=", scheme).where("value", "=", value).executeTakeFirstOrThrow();
    if (holder.hcp_id !== hcpId) {
      throw conflict("IDENTIFIER_TAKEN", `${scheme}:${value} already identifies HCP '${holder.hcp_id}'; one identifier names one HCP (merge the records instead)`, { hcpId: holder.hcp_id, scheme, value });
    }
  }
  const npis = await trx.selectFrom("hcp_identifiers").select("value").where("hcp_id", "=", hcpId).where("scheme", "=", "npi").execute();
  if (npis.length > 1) {
    throw invalid(`HCP '${hcpId}' already has another NPI; an HCP has one`, [{ field: "npi", message: `NPIs: ${npis.map((n) => n.value).join(", ")}` }]);
  }
}

export async function identifiersOfHcp(db: Db | Tx, hcpId: string): Promise<Identifier[]> {
  const rows = await db.selectFrom("hcp_identifiers").select(["scheme", "value"]).where("hcp_id", "=", hcpId).orderBy("scheme").orderBy("value").execute();
  return rows.map((r) => ({ scheme: r.scheme, value: r.value }));
}

export async function mergedInto(db: Db | Tx, survivorId: string): Promise<string[]> {
  const rows = await db.selectFrom("hcp_merges").select("merged_id").where("survivor_id", "=", survivorId).orderBy("merged_at").orderBy("merged_id").execute();
  return rows.map((r) => r.merged_id);
}

/** Records whose id or name contains `q`, or that `q` (an id, `scheme:value` or merged id) names; by id. */
export async function searchHcps(db: Db, q: string, limit: number): Promise<{ id: string; name: string; specialty: string; market: string; npi: string | null }[]> {
  const named = q ? await resolveHcpId(db, q) : null;
  const like = `%${q.replace(/[%_\\]/g, "")}%`;
  let query = db.selectFrom("hcps").select(["id", "name", "specialty", "market", "npi"]);
  if (q) query = query.where((eb) => eb.or([eb("id", "like", like), eb("name", "like", like), eb("id", "=", named!)]));
  return query.orderBy("id").limit(limit).execute();
}

/** The HCP a reference names (its id, `scheme:value`, or the id of a record merged into it). */
export async function getHcp(db: Db | Tx, ref: string): Promise<Hcp> {
  const row = await selectHcp(db, await resolveHcpId(db, ref));
  if (!row) throw notFound("HCP", ref);
  return toHcp(row, await identifiersOfHcp(db, row.id), await mergedInto(db, row.id));
}

export async function recordConsent(ctx: Context, actor: string, ref: string, channel: Channel, body: ConsentBody): Promise<ConsentRecord> {
  return write(ctx, actor, async (w) => {
    const hcpId = await resolveHcpId(w.trx, ref);
    if (!(await selectHcp(w.trx, hcpId))) throw notFound("HCP", ref);
    const record: ConsentRecord = {
      id: newId("cns"), hcpId, channel, purpose: body.purpose, status: body.status, source: body.source,
      capturedAt: new Date(body.capturedAt).toISOString(), evidence: body.evidence ?? null, recordedAt: w.now.toISOString(), recordedBy: actor,
    };
    await w.trx.insertInto("consents").values({
      id: record.id, hcp_id: hcpId, channel, purpose: record.purpose, status: record.status, source: record.source,
      captured_at: record.capturedAt, evidence: JSON.stringify(record.evidence), recorded_at: record.recordedAt, recorded_by: actor,
    }).execute();
    w.audit(`consent.${record.status}`, `hcp:${hcpId}`, { ...record });
    return record;
  });
}

const consentsOfHcp = prepared((db, p: { hcpId: string }) => db.selectFrom("consents").selectAll().where("hcp_id", "=", p.hcpId).orderBy("captured_at").orderBy("recorded_at"));

type ConsentRow = Awaited<ReturnType<typeof consentsOfHcp.all>>[number];
const toConsentRecord = (r: ConsentRow): ConsentRecord => ({
  id: r.id, hcpId: r.hcp_id, channel: r.channel as Channel, purpose: r.purpose as Purpose, status: r.status as "granted" | "revoked",
  source: r.source, capturedAt: r.captured_at, evidence: parseJson(r.evidence, null), recordedAt: r.recorded_at, recordedBy: r.recorded_by,
});

export async function consentHistory(db: Db | Tx, hcpId: string): Promise<ConsentRecord[]> {
  return (await consentsOfHcp.all(db, { hcpId })).map(toConsentRecord);
}

/** Many HCPs' ledgers in a few statements: each HCP's history in capture, then recording order (none: []). */
export async function consentHistories(db: Db | Tx, hcpIds: readonly string[]): Promise<Map<string, ConsentRecord[]>> {
  const out = new Map<string, ConsentRecord[]>(hcpIds.map((id) => [id, []]));
  for (let i = 0; i < hcpIds.length; i += IN_LIST_CHUNK) {
    const rows = await db.selectFrom("consents").selectAll().where("hcp_id", "in", hcpIds.slice(i, i + IN_LIST_CHUNK))
      .orderBy("hcp_id").orderBy("captured_at").orderBy("recorded_at").execute();
    for (const r of rows) out.get(r.hcp_id)!.push(toConsentRecord(r));
  }
  return out;
}

/** The stored rows of many HCPs (a missing one: null). */
export async function hcpRows(db: Db | Tx, hcpIds: readonly string[]): Promise<Map<string, HcpRow | null>> {
  const out = new Map<string, HcpRow | null>(hcpIds.map((id) => [id, null]));
  for (let i = 0; i < hcpIds.length; i += IN_LIST_CHUNK) {
    for (const r of await db.selectFrom("hcps").selectAll().where("id", "in", hcpIds.slice(i, i + IN_LIST_CHUNK)).execute()) out.set(r.id, r);
  }
  return out;
}


/**
 * The record in force per channel and purpose at `atMs`: the newest captured by then (history is in
 * capture order, then recording order). A consent captured in the future does not count yet. Records
 * captured at the same instant — two merged records' ledgers may hold such a pair — resolve to the
 * revocation: only a grant captured later than a revocation lifts it.
 */
export function consentsInForce(history: readonly ConsentRecord[], atMs: number): ConsentView[] {
  const latest = new Map<string, ConsentRecord>();
  for (const r of history) {
    if (Date.parse(r.capturedAt) > atMs) continue;
    const key = `${r.channel}/${r.purpose}`;
    const prev = latest.get(key);
    if (prev && prev.status === "revoked" && r.status === "granted" && Date.parse(r.capturedAt) === Date.parse(prev.capturedAt)) continue;
    latest.set(key, r);
  }
  return [...latest.values()].map((r) => ({ channel: r.channel, purpose: r.purpose, status: r.status, capturedAt: Date.parse(r.capturedAt), source: r.source, recordId: r.id }));
}
