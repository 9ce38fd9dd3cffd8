// Reuse and readiness: does the content library reuse approved logic, and can the next-best actions
// find approved content where they need it? Read-only; set-based SQL for the counts, the gate's own
// rule (sendable.ts) for readiness.
import type { Db } from "../store/db.ts";
import type { Bundle } from "../governance/bundle.ts";
import { storedActiveBundle } from "../governance/active.ts";
import { ACTION_TYPES, channelOf, requiresContent, type ActionType, type Channel, type Market } from "../shared/vocabulary.ts";
import { loadAssetView } from "./read-model.ts";
import { sendRefusals } from "./sendable.ts";

export interface ContentMetrics {
  at: string;
  reuse: ReuseMetrics;
  claimsPerAsset: { assets: number; mean: number | null; distribution: { claims: number; assets: number }[] };
  assetsPerClaim: { claims: number; mean: number | null; distribution: { assets: number; claims: number }[] };
  readiness: Readiness;
}

/**
 * Share of sent actions using reused modules. An action counts as sent when its outbox item has status
 * `sent`. The asset version it sent is the one in force when it was decided: the newest version of its
 * asset approved at or before the decision. It uses reused modules when that version has at least one
 * claim module (by claim id, any claim version) that some other asset (a different asset id, any of its
 * versions) also uses, or when the asset derives from another (`derivedFrom`). `share` is reused / sent
 * over every sent action (those that carried no asset count as not reused); null when none was sent.
 */
export interface ReuseMetrics {
  sent: number;
  /** Sent actions that carried an asset. */
  sentWithContent: number;
  reused: number;
  share: number | null;
}

/** One market × action type that needs content (email, event_invite → email; web_personalization → web). */
export interface ReadinessCell {
  market: Market;
  action: ActionType;
  channel: Channel;
  /** Whether approved, unexpired content with approved, unexpired, unwithdrawn claims exists now for it. */
  ready: boolean;
  /** The asset (its version in force) that makes it ready: the first by id. */
  asset: { id: string; version: number } | null;
}

export interface Readiness {
  /** The bundle whose markets were read; null when there is no active bundle (then no cells). */
  bundleVersion: string | null;
  cells: ReadinessCell[];
  ready: number;
  total: number;
  /** ready / total; null without cells. */
  share: number | null;
}

/** Candidates per market and channel that the SQL finds and the gate's rule then confirms, one by one. */
const CANDIDATES = 20;

/**
 * The content metrics at `now`. Claims per asset counts each asset in the library (any status) at its
 * version in force (the live approved version, else the latest); assets per claim counts, for each claim
 * in the library (any status, withdrawn included), the assets whose version in force uses it. Readiness
 * covers the markets of `bundle` (default: the active bundle stored in `db`).
 */
export async function contentMetrics(db: Db, now: Date, bundle?: Bundle): Promise<ContentMetrics> {
  const active = bundle ?? (await storedActiveBundle(db));
  return {
    at: now.toISOString(),
    reuse: await reuseMetrics(db),
    claimsPerAsset: await claimsPerAsset(db),
    assetsPerClaim: await assetsPerClaim(db),
    readiness: await readiness(db, now, active),
  };
}

async function reuseMetrics(db: Db): Promise<ReuseMetrics> {
  const row = await db
    .with("sent", (qb) => qb.selectFrom("outbox as o")
      .innerJoin("decisions as d", "d.id", "o.decision_id")
      .where("o.status", "=", "sent")
      .select((eb) => [
        "o.asset_id",
        eb.selectFrom("asset_versions as v").select((e) => e.fn.max("v.version").as("version"))
          .whereRef("v.asset_id", "=", "o.asset_id").where("v.approved_at", "is not", null).whereRef("v.approved_at", "<=", "d.decided_at")
          .as("version"),
      ]))
    // Each asset version sent is judged once, however often it was sent.
    .with("versions", (qb) => qb.selectFrom("sent").select((eb) => ["sent.asset_id", "sent.version", eb.fn.countAll<number>().as("n")]).groupBy(["sent.asset_id", "sent.version"]))
    .selectFrom("versions as s")
    .select((eb) => {
      const reused = eb.exists(
        eb.selectFrom("asset_versions as v").select("v.version")
          .whereRef("v.asset_id", "=", "s.asset_id").whereRef("v.version", "=", "s.version")
          .where((e) => e.or([
            e("v.derived_from", "is not", null),
            e.exists(e.selectFrom("asset_modules as m").select("m.position")
              .whereRef("m.asset_id", "=", "v.asset_id").whereRef("m.version", "=", "v.version")
              .where((x) => x.exists(x.selectFrom("asset_modules as other").select("other.position")
                .whereRef("other.claim_id", "=", "m.claim_id").whereRef("other.asset_id", "<>", "m.asset_id")))),
          ])),
      );
      return [
        eb.fn.sum<number | string | null>("s.n").as("sent"),
        eb.fn.sum<number | string | null>(eb.case().when("s.asset_id", "is not", null).then(eb.ref("s.n")).else(0).end()).as("with_content"),
        eb.fn.sum<number | string | null>(eb.case().when(reused).then(eb.ref("s.n")).else(0).end()).as("reused"),
      ];
    })
    .executeTakeFirstOrThrow();
  const sent = Number(row.sent ?? 0);
  const reused = Number(row.reused ?? 0);
  return { sent, sentWithContent: Number(row.with_content ?? 0), reused, share: sent === 0 ? null : reused / sent };
}

/** Rows of (n, how many have n) as counts, with the total and the mean of n. */
function tally(rows: readonly { n: number | string; count: number | string }[]): { total: number; mean: number | null; counts: [number, number][] } {
  const counts = rows.map((r): [number, number] => [Number(r.n), Number(r.count)]);
  const total = counts.reduce((s, [, count]) => s + count, 0);
  const sum = counts.reduce((s, [n, count]) => s + n * count, 0);
  return { total, mean: total === 0 ? null : sum / total, counts };
}

async function claimsPerAsset(db: Db): Promise<ContentMetrics["claimsPerAsset"]> {
  const perAsset = db.selectFrom("assets as a")
    .leftJoin("asset_modules as m", (j) => j.onRef("m.asset_id", "=", "a.id").on((eb) => eb("m.version", "=", eb.fn.coalesce("a.live_version", "a.version"))))
    .select((eb) => ["a.id", eb.fn.count<number>("m.position").as("n")])
    .groupBy("a.id");
  const rows = await db.selectFrom(perAsset.as("t")).select((eb) => ["t.n", eb.fn.countAll<number>().as("count")]).groupBy("t.n").orderBy("t.n").execute();
  const t = tally(rows);
  return { assets: t.total, mean: t.mean, distribution: t.counts.map(([claims, assets]) => ({ claims, assets })) };
}

async function assetsPerClaim(db: Db): Promise<ContentMetrics["assetsPerClaim"]> {
  const inForce = db.selectFrom("asset_modules as m")
    .innerJoin("assets as a", (j) => j.onRef("a.id", "=", "m.asset_id").on((eb) => eb("m.version", "=", eb.fn.coalesce("a.live_version", "a.version"))))
    .select(["m.claim_id", "m.asset_id"]);
  const perClaim = db.selectFrom("claims as c")
    .leftJoin(inForce.as("u"), "u.claim_id", "c.id")
    .select((eb) => ["c.id", eb.fn.count<number>("u.asset_id").as("n")])
    .groupBy("c.id");
  const rows = await db.selectFrom(perClaim.as("t")).select((eb) => ["t.n", eb.fn.countAll<number>().as("count")]).groupBy("t.n").orderBy("t.n").execute();
  const t = tally(rows);
  return { claims: t.total, mean: t.mean, distribution: t.counts.map(([assets, claims]) => ({ assets, claims })) };
}

async function readiness(db: Db, now: Date, bundle: Bundle | null): Promise<Readiness> {
  if (!bundle) return { bundleVersion: null, cells: [], ready: 0, total: 0, share: null };
  const markets = Object.keys(bundle.markets).sort();
  const actions = ACTION_TYPES.filter(requiresContent);
  const nowIso = now.toISOString();
  const found = new Map<string, { id: string; version: number } | null>();
  const cells: ReadinessCell[] = [];
  for (const market of markets) {
    for (const action of actions) {
      const channel = channelOf(action);
      const key = `${market}/${channel}`;
      if (!found.has(key)) found.set(key, await readyAsset(db, market, channel, action, now, nowIso, bundle));
      const asset = found.get(key)!;
      cells.push({ market, action, channel, ready: asset !== null, asset });
    }
  }
  const ready = cells.filter((c) => c.ready).length;
  return { bundleVersion: bundle.version, cells, ready, total: cells.length, share: cells.length === 0 ? null : ready / cells.length };
}

/** The first asset (by id) the gate would let out for this market and channel now, or null. */
async function readyAsset(db: Db, market: Market, channel: Channel, action: ActionType, now: Date, nowIso: string, bundle: Bundle) {
  // The SQL narrows to live, approved, unexpired versions none of whose claims is withdrawn, unapproved or expired...
  const candidates = await db.selectFrom("assets as a")
    .innerJoin("asset_versions as v", (j) => j.onRef("v.asset_id", "=", "a.id").onRef("v.version", "=", "a.live_version"))
    .select(["a.id"])
    .where("v.status", "=", "approved").where("v.market", "=", market).where("v.channel", "=", channel)
    .where((eb) => eb.or([eb("v.expires_at", "is", null), eb("v.expires_at", ">", nowIso)]))
    .where((eb) => eb.not(eb.exists(eb.selectFrom("asset_modules as m")
      .innerJoin("claim_versions as cv", (j) => j.onRef("cv.claim_id", "=", "m.claim_id").onRef("cv.version", "=", "m.claim_version"))
      .innerJoin("claims as c", "c.id", "m.claim_id")
      .select("m.position")
      .whereRef("m.asset_id", "=", "v.asset_id").whereRef("m.version", "=", "v.version")
      .where((e) => e.or([e("c.status", "=", "withdrawn"), e("cv.status", "!=", "approved"), e.and([e("cv.expires_at", "is not", null), e("cv.expires_at", "<=", nowIso)])])))))
    .orderBy("a.id").limit(CANDIDATES).execute();
  // ...and the gate's own rule has the last word on each.
  for (const { id } of candidates) {
    const view = await loadAssetView(db, id);
    if (view && sendRefusals(view, market, action, now, bundle).length === 0) return { id: view.id, version: view.version };
  }
  return null;
}
