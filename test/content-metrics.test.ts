// GET /v1/content/metrics: reuse and readiness over a hand-built library, on SQLite and PostgreSQL.
// The scenario is declared once (claims, assets with their versions, sends); the expected numbers are
// derived from that declaration by the definitions in src/content/metrics.ts, not typed in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { contentMetrics } from "../src/content/metrics.ts";
import { ENGINES } from "./engines.ts";
import { Api, startTestServer, type TestServer } from "./server.ts";
import { fails, makeUser, ok, SIGN } from "./content-fixtures.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const START = Date.parse("2026-03-02T15:00:00.000Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

interface ClaimDecl {
  id: string;
  text: string;
  approved: boolean;
  expiresAt?: number;
}
/** An asset's versions: each approved at `at` (the first when created at START). */
interface AssetDecl {
  id: string;
  market: "US" | "DE";
  channel: "email" | "web" | "field";
  derivedFrom?: string;
  versions: { claims: string[]; approvedAt: number | null }[];
}
/** Sent actions: which asset (null: none), decided when, how many. */
interface SendDecl {
  asset: string | null;
  decidedAt: number;
  count: number;
}

const CLAIMS: ClaimDecl[] = [
  { id: "clm-ldl", text: "Cardiozan lowers LDL-C by 50% at 12 weeks.", approved: true },
  { id: "clm-dose", text: "Cardiozan is one 10 mg tablet once daily.", approved: true },
  { id: "clm-lpa", text: "Cardiozan lowers Lp(a) by 20%.", approved: true },
  { id: "clm-hf", text: "Cardiozan reduced heart-failure hospitalisation by 18%.", approved: true, expiresAt: START + 10 * DAY },
  { id: "clm-wd", text: "Cardiozan is well tolerated in renal impairment.", approved: true },
  { id: "clm-orphan", text: "Cardiozan may be taken with or without food.", approved: false },
];
const ASSETS: AssetDecl[] = [
  { id: "ast-de-email", market: "DE", channel: "email", versions: [{ claims: ["clm-ldl"], approvedAt: START }] },
  { id: "ast-de-web", market: "DE", channel: "web", versions: [{ claims: ["clm-hf"], approvedAt: START }] },
  { id: "ast-us-draft", market: "US", channel: "email", versions: [{ claims: [], approvedAt: null }] },
  { id: "ast-us-email", market: "US", channel: "email", versions: [{ claims: ["clm-ldl"], approvedAt: START }] },
  { id: "ast-us-field", market: "US", channel: "field", versions: [{ claims: ["clm-ldl", "clm-lpa"], approvedAt: START }] },
  // Sent first on its own claim only; a second version adds the shared LDL-C claim two days later.
  { id: "ast-us-solo", market: "US", channel: "email", versions: [{ claims: ["clm-dose"], approvedAt: START }, { claims: ["clm-dose", "clm-ldl"], approvedAt: START + 2 * DAY }] },
  { id: "ast-us-web", market: "US", channel: "web", derivedFrom: "ast-us-email", versions: [{ claims: ["clm-ldl"], approvedAt: START }] },
  { id: "ast-us-wd", market: "US", channel: "email", versions: [{ claims: ["clm-wd"], approvedAt: START }] },
];
const SENDS: SendDecl[] = [
  { asset: "ast-us-email", decidedAt: START + HOUR, count: 3 },
  { asset: "ast-us-web", decidedAt: START + HOUR, count: 1 },
  { asset: "ast-us-solo", decidedAt: START + HOUR, count: 2 },
  { asset: "ast-de-web", decidedAt: START + HOUR, count: 1 },
  { asset: null, decidedAt: START + HOUR, count: 1 },
  { asset: "ast-us-solo", decidedAt: START + 2 * DAY + HOUR, count: 1 },
];
/** Withdrawn two days in: its asset is blocked. */
const WITHDRAWN = "clm-wd";

// ---- the expected numbers, from the declaration

/** The version in force at `t`: the newest approved at or before t, else the latest. */
function versionAt(a: AssetDecl, t: number): number {
  const approved = a.versions.map((v, i) => ({ i, at: v.approvedAt })).filter((v) => v.at !== null && v.at <= t);
  return approved.length > 0 ? approved.at(-1)!.i : a.versions.length - 1;
}
const inForce = (a: AssetDecl) => a.versions[versionAt(a, Infinity)]!;
const usedElsewhere = (claim: string, asset: string) => ASSETS.some((a) => a.id !== asset && a.versions.some((v) => v.claims.includes(claim)));

function expectedReuse() {
  const sent = SENDS.reduce((s, x) => s + x.count, 0);
  const sentWithContent = SENDS.filter((x) => x.asset !== null).reduce((s, x) => s + x.count, 0);
  const reused = SENDS.filter((x) => {
    const a = ASSETS.find((y) => y.id === x.asset);
    if (!a) return false;
    return a.derivedFrom !== undefined || a.versions[versionAt(a, x.decidedAt)]!.claims.some((c) => usedElsewhere(c, a.id));
  }).reduce((s, x) => s + x.count, 0);
  return { sent, sentWithContent, reused, share: reused / sent };
}

function distribution(values: number[], key: string, of: string) {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([n, count]) => ({ [key]: n, [of]: count }));
}
const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

describe.each(ENGINES)("content metrics on %s", (engine) => {
  let server: TestServer;
  const clock = new ManualClock(iso(START));
  let mops: Api, medical: Api, viewer: Api;
  const db = () => server.ctx.store.db;

  async function insertSends() {
    let n = 0;
    for (const s of SENDS) {
      for (let i = 0; i < s.count; i++) {
        const id = `dec-${++n}`;
        const at = iso(s.decidedAt);
        const action = s.asset === null ? "mi_response" : "email";
        await db().insertInto("decisions").values({
          id, agent_id: "nba", idempotency_key: id, request_hash: "h", hcp_id: "us-1", action, channel: "email", purpose: "promotional",
          asset_id: s.asset, outcome: "allowed", initial_outcome: "allowed", reasons: "[]", checks: "[]", reviewers: null, bundle_version: "v",
          decided_at: at, scheduled_for: null, review_id: null, proposal: "{}", expected_value: null, resolved_at: null,
        }).execute();
        await db().insertInto("outbox").values({
          id: `out-${id}`, decision_id: id, agent_id: "nba", hcp_id: "us-1", channel: "email", action, asset_id: s.asset, payload: "{}",
          available_at: at, status: "sent", created_at: at, closed_at: null, closed_reason: null, sent_at: iso(s.decidedAt + 60_000),
        }).execute();
      }
    }
    // Not sent (pending, cancelled, failed): not counted.
    for (const [k, status] of ["pending", "cancelled", "dead"].entries()) {
      const id = `dec-unsent-${k}`;
      await db().insertInto("decisions").values({
        id, agent_id: "nba", idempotency_key: id, request_hash: "h", hcp_id: "us-1", action: "email", channel: "email", purpose: "promotional",
        asset_id: "ast-us-email", outcome: "allowed", initial_outcome: "allowed", reasons: "[]", checks: "[]", reviewers: null, bundle_version: "v",
        decided_at: iso(START + HOUR), scheduled_for: null, review_id: null, proposal: "{}", expected_value: null, resolved_at: null,
      }).execute();
      await db().insertInto("outbox").values({
        id: `out-${id}`, decision_id: id, agent_id: "nba", hcp_id: "us-1", channel: "email", action: "email", asset_id: "ast-us-email", payload: "{}",
        available_at: iso(START + HOUR), status, created_at: iso(START + HOUR), closed_at: null, closed_reason: null,
      }).execute();
    }
  }

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    mops = (await makeUser(server, "ops", ["mops"])).api;
    medical = (await makeUser(server, "meyer", ["reviewer:medical"])).api;
    viewer = (await makeUser(server, "vic", ["viewer"])).api;

    clock.set(iso(START));
    for (const c of CLAIMS) {
      await ok(mops.post("/v1/claims", { id: c.id, text: c.text, product: "cardiozan", references: ["Data on file, 2025"], markets: ["US", "DE"], ...(c.expiresAt ? { expiresAt: iso(c.expiresAt) } : {}) }), 201);
      if (c.approved) await ok(medical.post(`/v1/claims/${c.id}/approve`, SIGN));
    }
    const copy = (claims: string[]) => `${claims.map((c) => `{{claim:${c}}}`).join("\n")}\nUnsubscribe: {{unsubscribe}}`;
    // Parents before the assets derived from them.
    const ordered = [...ASSETS].sort((a, b) => Number(a.derivedFrom !== undefined) - Number(b.derivedFrom !== undefined));
    for (const a of ordered) {
      const [first] = a.versions;
      await ok(mops.post("/v1/assets", {
        id: a.id, title: a.id, subject: "Cardiozan update", channel: a.channel, market: a.market, language: a.market === "DE" ? "de" : "en",
        product: "cardiozan", claims: first!.claims, body: copy(first!.claims), safetyInfo: "See full prescribing information.",
        ...(a.derivedFrom ? { derivedFrom: a.derivedFrom } : {}),
      }), 201);
      if (first!.approvedAt !== null) await ok(medical.post(`/v1/assets/${a.id}/approve`, SIGN));
    }
    await insertSends();
    clock.set(iso(START + 2 * DAY));
    for (const a of ASSETS) {
      for (const v of a.versions.slice(1)) {
        await ok(mops.put(`/v1/assets/${a.id}`, { claims: v.claims, body: copy(v.claims) }));
        await ok(medical.post(`/v1/assets/${a.id}/approve`, SIGN));
      }
    }
    await ok(medical.post(`/v1/claims/${WITHDRAWN}/withdraw`, { reason: "safety update: renal signal" }));
  });
  afterAll(async () => server?.stop());

  it("counts the share of sent actions that use reused modules, judging each send by the version it sent", async () => {
    clock.set(iso(START + 2 * DAY));
    const metrics = await ok(viewer.get("/v1/content/metrics"));
    const expected = expectedReuse();
    expect(metrics.reuse).toEqual(expected);
    // The scenario is what it says: some sends reused, some did not, one carried no asset.
    expect(expected).toEqual({ sent: 9, sentWithContent: 8, reused: 5, share: 5 / 9 });
  });

  it("describes claims per asset and assets per claim at each asset's version in force", async () => {
    const metrics = await ok(viewer.get("/v1/content/metrics"));
    const claimsPerAsset = ASSETS.map((a) => inForce(a).claims.length);
    expect(metrics.claimsPerAsset).toEqual({ assets: ASSETS.length, mean: mean(claimsPerAsset), distribution: distribution(claimsPerAsset, "claims", "assets") });
    const assetsPerClaim = CLAIMS.map((c) => ASSETS.filter((a) => inForce(a).claims.includes(c.id)).length);
    expect(metrics.assetsPerClaim).toEqual({ claims: CLAIMS.length, mean: mean(assetsPerClaim), distribution: distribution(assetsPerClaim, "assets", "claims") });
    expect(metrics.assetsPerClaim.distribution).toEqual([{ assets: 0, claims: 1 }, { assets: 1, claims: 4 }, { assets: 5, claims: 1 }]);
  });

  it("reports, per market and action that needs content, whether approved unexpired content exists now, and which", async () => {
    const cells = (at: number) => {
      const out = [];
      for (const market of ["DE", "US"] as const) {
        for (const [action, channel] of [["email", "email"], ["event_invite", "email"], ["web_personalization", "web"]] as const) {
          // Ready: the first asset by id whose version in force is approved for the market and channel,
          // unexpired, on claims that are approved, unexpired and not withdrawn.
          const ready = ASSETS.filter((a) => a.market === market && a.channel === channel && a.versions.some((v) => v.approvedAt !== null))
            .filter((a) => inForce(a).claims.every((c) => c !== WITHDRAWN && CLAIMS.find((x) => x.id === c)!.approved && (CLAIMS.find((x) => x.id === c)!.expiresAt ?? Infinity) > at))
            .sort((x, y) => x.id.localeCompare(y.id))[0];
          out.push({ market, action, channel, ready: ready !== undefined, asset: ready ? { id: ready.id, version: versionAt(ready, Infinity) + 1 } : null });
        }
      }
      return out;
    };
    const share = (c: ReturnType<typeof cells>) => c.filter((x) => x.ready).length / c.length;

    clock.set(iso(START + 2 * DAY));
    const now = (await ok(viewer.get("/v1/content/metrics"))).readiness;
    expect(now).toEqual({ bundleVersion: expect.any(String), cells: cells(START + 2 * DAY), ready: 6, total: 6, share: share(cells(START + 2 * DAY)) });
    expect(now.cells.find((c: any) => c.market === "US" && c.action === "email").asset).toEqual({ id: "ast-us-email", version: 1 });

    // Eleven days in, the heart-failure claim has expired: German web content is no longer ready.
    clock.set(iso(START + 11 * DAY));
    const later = (await ok(viewer.get("/v1/content/metrics"))).readiness;
    expect(later.cells).toEqual(cells(START + 11 * DAY));
    expect(later.cells.filter((c: any) => !c.ready)).toEqual([{ market: "DE", action: "web_personalization", channel: "web", ready: false, asset: null }]);
    expect(later).toMatchObject({ ready: 5, total: 6, share: 5 / 6 });
    clock.set(iso(START + 2 * DAY));
  });

  it("answers in-process as over HTTP, and only to a signed-in person", async () => {
    const now = new Date(START + 2 * DAY);
    const direct = await contentMetrics(db(), now);
    expect(direct).toEqual(await ok(viewer.get("/v1/content/metrics")));
    await fails(new Api(viewer.base).get("/v1/content/metrics"), 401, "UNAUTHORIZED");
  });
});
