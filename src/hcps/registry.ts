// HCP profiles and the consent ledger. Consent is append-only: a change is a new record; the newest
// record per channel and purpose is in force, and every older one stays as evidence.
import { z } from "zod";
import { write, type Context } from "../shared/context.ts";
import { ChannelSchema, MarketSchema, PurposeSchema, type Channel, type Purpose } from "../shared/vocabulary.ts";
import { invalid, notFound } from "../shared/errors.ts";
import { newId } from "../shared/ids.ts";
import { parseJson } from "../shared/json.ts";
import { IN_LIST_CHUNK, type Db, type Tx } from "../store/db.ts";
import { prepared } from "../store/prepared.ts";
import type { ConsentView, HcpView } from "../gate/snapshot.ts";

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
  npi: z.string().regex(/^\d{10}$/, "an NPI is 10 digits").optional(),
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

export function toHcp(row: HcpRow): Hcp {
  return {
    id: row.id, name: row.name, specialty: row.specialty, market: row.market, timezone: row.timezone, npi: row.npi,
    segment: row.segment, attributes: parseJson<Record<string, unknown>>(row.attributes, {}), createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

export async function putHcp(ctx: Context, actor: string, id: string, body: HcpBody): Promise<{ hcp: Hcp; created: boolean }> {
  const markets = ctx.governance.current().markets;
  if (!markets[body.market]) {
    throw invalid(`market '${body.market}' is not in the active governance bundle's markets.yaml`, [{ field: "market", message: `unknown market; known: ${Object.keys(markets).join(", ")}` }]);
  }
  return write(ctx, actor, async (w) => {
    const existing = await selectHcp(w.trx, id);
    const at = w.now.toISOString();
    const row: HcpRow = {
      id, name: body.name, specialty: body.specialty, market: body.market, timezone: body.timezone ?? null, npi: body.npi ?? null,
      segment: body.segment ?? null, attributes: JSON.stringify(body.attributes ?? {}), created_at: existing?.created_at ?? at, updated_at: at,
    };
    if (existing) await w.trx.updateTable("hcps").set(row).where("id", "=", id).execute();
    else await w.trx.insertInto("hcps").values(row).execute();
    w.audit(existing ? "hcp.updated" : "hcp.created", `hcp:${id}`, { ...body });
    return { hcp: toHcp(row), created: !existing };
  });
}

export async function getHcp(db: Db, id: string): Promise<Hcp> {
  const row = await selectHcp(db, id);
  if (!row) throw notFound("HCP", id);
  return toHcp(row);
}

export async function recordConsent(ctx: Context, actor: string, hcpId: string, channel: Channel, body: ConsentBody): Promise<ConsentRecord> {
  return write(ctx, actor, async (w) => {
    if (!(await selectHcp(w.trx, hcpId))) throw notFound("HCP", hcpId);
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
 * capture order, then recording order). A consent captured in the future does not count yet.
 */
export function consentsInForce(history: readonly ConsentRecord[], atMs: number): ConsentView[] {
  const latest = new Map<string, ConsentRecord>();
  for (const r of history) if (Date.parse(r.capturedAt) <= atMs) latest.set(`${r.channel}/${r.purpose}`, r);
  return [...latest.values()].map((r) => ({ channel: r.channel, purpose: r.purpose, status: r.status, capturedAt: Date.parse(r.capturedAt), source: r.source, recordId: r.id }));
}
