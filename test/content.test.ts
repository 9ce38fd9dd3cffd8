// Content and MLR end to end over HTTP, on SQLite and on PostgreSQL: claims, assets, electronic
// signatures, expiry, and the withdrawal cascade.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ManualClock } from "../src/shared/clock.ts";
import { loadAssetView } from "../src/content/read-model.ts";
import type { Database } from "../src/store/schema.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type Api, type ApiResponse, type TestServer } from "./server.ts";

const BUNDLE = resolve(import.meta.dirname, "bundles/basic");
const START = "2026-03-02T15:00:00.000Z";
const DAY = 24 * 3600 * 1000;
const PASSWORD = "correct horse battery staple";
const SIGN = { signature: { password: PASSWORD, meaning: "approved" } };

async function ok<T = any>(p: Promise<ApiResponse<T>>, status = 200): Promise<T> {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

async function fails(p: Promise<ApiResponse>, status: number, code: string) {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.code).toBe(code);
  return res.body.error as { code: string; message: string; details?: any };
}

let seq = 0;
const uid = (prefix: string) => `${prefix}-${++seq}`;

const claimBody = (extra: Record<string, unknown> = {}) => ({
  text: "Cardiozan lowers LDL-C by 50% at 12 weeks.",
  product: "cardiozan",
  references: ["Smith et al. 2024, NEJM 390:1-10"],
  markets: ["US", "DE"],
  ...extra,
});

const assetBody = (claims: string[], extra: Record<string, unknown> = {}) => ({
  title: "LDL results",
  subject: "New data on LDL-C",
  channel: "email",
  market: "US",
  language: "en",
  product: "cardiozan",
  claims,
  body: "Cardiozan lowers LDL-C by 50% at 12 weeks.\nUnsubscribe: {{unsubscribe}}",
  safetyInfo: "See full prescribing information.",
  ...extra,
});

describe.each(ENGINES)("content and MLR on %s", (engine) => {
  let server: TestServer;
  const clock = new ManualClock(START);
  let medical: Api;
  let legal: Api;
  let mops: Api;
  let viewer: Api;
  let medicalUserId: string;

  const db = () => server.ctx.store.db;
  const count = async (table: keyof Database) =>
    Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
  const counts = async () => ({
    audit: await count("audit_records"), claims: await count("claims"), assets: await count("assets"), assetClaims: await count("asset_claims"),
  });
  const auditOf = (type: string, subject: string) =>
    db().selectFrom("audit_records").selectAll().where("type", "=", type).where("subject", "=", subject).execute();

  async function user(username: string, roles: string[]) {
    const body = await ok(server.api.post("/v1/users", { username, name: `Dr. ${username[0]!.toUpperCase()}${username.slice(1)}`, roles, password: PASSWORD }), 201);
    return { api: server.api.as(body.token), id: body.user.id as string };
  }

  async function approvedClaim(extra: Record<string, unknown> = {}) {
    const id = uid("clm");
    await ok(mops.post("/v1/claims", claimBody({ id, ...extra })), 201);
    await ok(medical.post(`/v1/claims/${id}/approve`, SIGN));
    return id;
  }

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock });
    const m = await user("meyer", ["reviewer:medical"]);
    medical = m.api;
    medicalUserId = m.id;
    legal = (await user("lang", ["reviewer:legal"])).api;
    mops = (await user("ops", ["mops"])).api;
    viewer = (await user("vic", ["viewer"])).api;
  });
  afterAll(async () => server?.stop());

  describe("claims", () => {
    it("creates a claim as a draft with low risk by default, and audits it", async () => {
      const { claim } = await ok(mops.post("/v1/claims", claimBody({ id: "clm-draft" })), 201);
      expect(claim).toMatchObject({
        id: "clm-draft", version: 1, status: "draft", riskClass: "low", product: "cardiozan",
        references: ["Smith et al. 2024, NEJM 390:1-10"], markets: ["US", "DE"], expiresAt: null, approval: null, createdBy: "user:ops",
      });
      expect(await auditOf("claim.created", "claim:clm-draft")).toHaveLength(1);
      expect((await ok(viewer.get("/v1/claims/clm-draft"))).claim).toEqual(claim);
    });

    it("refuses a malformed claim with 400 and every bad field named, writing nothing", async () => {
      const before = await counts();
      const error = await fails(mops.post("/v1/claims", { text: "", references: "Smith 2024", markets: ["usa"], riskClass: "extreme", colour: "red" }), 400, "INVALID_INPUT");
      const fields = error.details.map((d: any) => d.field);
      expect(fields).toEqual(expect.arrayContaining(["text", "references", "markets.0", "riskClass"]));
      expect(JSON.stringify(error.details)).toContain("colour");
      await fails(mops.post("/v1/claims", "{not json"), 400, "MALFORMED_JSON");
      await fails(mops.post("/v1/claims", claimBody({ expiresAt: "2026-02-31T00:00:00Z" })), 400, "INVALID_INPUT");
      expect(await counts()).toEqual(before);
    });

    it("answers 409 for a claim id that is taken", async () => {
      await ok(mops.post("/v1/claims", claimBody({ id: "clm-dup" })), 201);
      const before = await counts();
      await fails(mops.post("/v1/claims", claimBody({ id: "clm-dup", text: "Another statement." })), 409, "CLAIM_EXISTS");
      expect(await counts()).toEqual(before);
    });

    it("lets only mops (or admin) create claims", async () => {
      await fails(medical.post("/v1/claims", claimBody()), 403, "FORBIDDEN");
      await fails(viewer.post("/v1/claims", claimBody()), 403, "FORBIDDEN");
      await ok(server.api.post("/v1/claims", claimBody()), 201);
    });

    it("cannot approve a claim without references", async () => {
      const id = uid("clm");
      await ok(mops.post("/v1/claims", claimBody({ id, references: [] })), 201);
      const before = await counts();
      const error = await fails(medical.post(`/v1/claims/${id}/approve`, SIGN), 422, "CLAIM_NOT_APPROVABLE");
      expect(error.details.map((d: any) => d.code)).toEqual(["CLAIM_NO_REFERENCES"]);
      expect((await ok(medical.get(`/v1/claims/${id}`))).claim.status).toBe("draft");
      expect(await counts()).toEqual(before);
    });

    it("approval needs a medical, legal or regulatory reviewer", async () => {
      const id = uid("clm");
      await ok(mops.post("/v1/claims", claimBody({ id })), 201);
      await fails(mops.post(`/v1/claims/${id}/approve`, SIGN), 403, "FORBIDDEN");
      await fails(viewer.post(`/v1/claims/${id}/approve`, SIGN), 403, "FORBIDDEN");
      // The role is checked before the body: a caller without it learns nothing about the body's shape.
      await fails(mops.post(`/v1/claims/${id}/approve`, { signature: "?" }), 403, "FORBIDDEN");
      const { claim } = await ok(legal.post(`/v1/claims/${id}/approve`, SIGN));
      expect(claim.status).toBe("approved");
      expect(claim.approval.printedName).toBe("Dr. Lang");
    });

    it("approval needs the signer's own password: a wrong one is 403 SIGNATURE_INVALID and changes nothing", async () => {
      const id = uid("clm");
      await ok(mops.post("/v1/claims", claimBody({ id })), 201);
      const before = await counts();
      await fails(medical.post(`/v1/claims/${id}/approve`, { signature: { password: "not my password", meaning: "approved" } }), 403, "SIGNATURE_INVALID");
      const wrongMeaning = await fails(medical.post(`/v1/claims/${id}/approve`, { signature: { password: PASSWORD, meaning: "rejected" } }), 400, "INVALID_INPUT");
      expect(wrongMeaning.details[0].field).toBe("signature.meaning");
      await fails(medical.post(`/v1/claims/${id}/approve`, { signature: { password: PASSWORD } }), 400, "INVALID_INPUT");
      expect((await ok(medical.get(`/v1/claims/${id}`))).claim).toMatchObject({ status: "draft", approval: null });
      expect(await counts()).toEqual(before);
    });

    it("records the approving signature: printed name, user id, time and meaning", async () => {
      clock.set(START);
      const id = uid("clm");
      await ok(mops.post("/v1/claims", claimBody({ id })), 201);
      const { claim } = await ok(medical.post(`/v1/claims/${id}/approve`, SIGN));
      expect(claim).toMatchObject({ status: "approved", approvedAt: START });
      expect(claim.approval).toEqual({ userId: medicalUserId, username: "meyer", printedName: "Dr. Meyer", signedAt: START, meaning: "approved" });
      const [record] = await auditOf("claim.approved", `claim:${id}`);
      expect(record!.actor).toBe("user:meyer");
      expect(JSON.parse(record!.data).signature.printedName).toBe("Dr. Meyer");
      await fails(medical.post(`/v1/claims/${id}/approve`, SIGN), 409, "CLAIM_ALREADY_APPROVED");
    });

    it("submitting moves a draft into review; submitting again is a 409 that changes nothing", async () => {
      const id = uid("clm");
      await ok(mops.post("/v1/claims", claimBody({ id })), 201);
      const { claim } = await ok(mops.post(`/v1/claims/${id}/submit`));
      expect(claim).toMatchObject({ status: "submitted", review: { required: [{ roles: ["reviewer:medical", "reviewer:legal", "reviewer:regulatory"] }], signatures: [] } });
      const before = await counts();
      const again = await fails(mops.request("POST", `/v1/claims/${id}/submit`), 409, "CLAIM_ALREADY_SUBMITTED");
      expect(again.message).toContain("already submitted");
      expect(await counts()).toEqual(before);
    });

    it("reads a claim past its expiry as expired, refuses to approve it, and lists it as expired", async () => {
      clock.set(START);
      const id = uid("clm");
      const expiresAt = new Date(Date.parse(START) + DAY).toISOString();
      const created = await ok(mops.post("/v1/claims", claimBody({ id, expiresAt: "2026-03-03T16:00:00+01:00" })), 201);
      expect(created.claim.expiresAt).toBe(expiresAt);
      try {
        clock.set(Date.parse(START) + DAY);
        expect((await ok(viewer.get(`/v1/claims/${id}`))).claim.status).toBe("expired");
        const error = await fails(medical.post(`/v1/claims/${id}/approve`, SIGN), 422, "CLAIM_NOT_APPROVABLE");
        expect(error.details.map((d: any) => d.code)).toContain("CLAIM_EXPIRED");
        const expired = (await ok(viewer.get("/v1/claims?status=expired"))).claims.map((c: any) => c.id);
        expect(expired).toContain(id);
        const drafts = (await ok(viewer.get("/v1/claims?status=draft"))).claims.map((c: any) => c.id);
        expect(drafts).not.toContain(id);
      } finally {
        clock.set(START);
      }
    });

    it("lists claims by status and market", async () => {
      const de = await approvedClaim({ markets: ["DE"] });
      const fr = uid("clm");
      await ok(mops.post("/v1/claims", claimBody({ id: fr, markets: ["FR"] })), 201);
      const deApproved = (await ok(viewer.get("/v1/claims?status=approved&market=DE"))).claims.map((c: any) => c.id);
      expect(deApproved).toContain(de);
      expect(deApproved).not.toContain(fr);
      expect((await ok(viewer.get("/v1/claims?market=FR"))).claims.map((c: any) => c.id)).toEqual([fr]);
      await fails(viewer.get("/v1/claims?status=lost"), 400, "INVALID_INPUT");
    });
  });

  describe("assets", () => {
    it("creates an asset as a draft whose risk class is its riskiest claim's", async () => {
      const low = await approvedClaim();
      const high = await approvedClaim({ riskClass: "high" });
      const { asset } = await ok(mops.post("/v1/assets", assetBody([low, high], { id: "ast-risk" })), 201);
      expect(asset).toMatchObject({ id: "ast-risk", status: "draft", riskClass: "high", claims: [low, high], checks: [], channel: "email", market: "US" });
      expect(await auditOf("asset.created", "asset:ast-risk")).toHaveLength(1);
      expect((await ok(viewer.get("/v1/assets/ast-risk"))).asset).toEqual(asset);
    });

    it("names each unknown or repeated claim id in a 400, writing nothing", async () => {
      const a = await approvedClaim();
      const b = await approvedClaim();
      const before = await counts();
      const error = await fails(mops.post("/v1/assets", assetBody([a, b, "clm-nope", a])), 400, "INVALID_INPUT");
      expect(error.details).toEqual([
        { field: "claims[2]", message: "claim 'clm-nope' does not exist" },
        { field: "claims[3]", message: `claim '${a}' is already listed at claims[0]` },
      ]);
      const lineage = await fails(mops.post("/v1/assets", assetBody([a], { derivedFrom: "ast-nope" })), 400, "INVALID_INPUT");
      expect(lineage.details).toEqual([{ field: "derivedFrom", message: "asset 'ast-nope' does not exist" }]);
      const shape = await fails(mops.post("/v1/assets", { ...assetBody([a]), channel: "fax", language: "English", extra: true }), 400, "INVALID_INPUT");
      expect(shape.details.map((d: any) => d.field)).toEqual(expect.arrayContaining(["channel", "language"]));
      expect(await counts()).toEqual(before);
    });

    it("records lineage and answers 409 for an asset id that is taken", async () => {
      const a = await approvedClaim();
      await ok(mops.post("/v1/assets", assetBody([a], { id: "ast-parent" })), 201);
      const { asset } = await ok(mops.post("/v1/assets", assetBody([a], { id: "ast-child", derivedFrom: "ast-parent" })), 201);
      expect(asset.derivedFrom).toBe("ast-parent");
      const before = await counts();
      await fails(mops.post("/v1/assets", assetBody([a], { id: "ast-parent" })), 409, "ASSET_EXISTS");
      expect(await counts()).toEqual(before);
    });

    it("reports pre-review findings: a claim not approved for the market, a withdrawn claim, an email without subject", async () => {
      const usOnly = await approvedClaim({ markets: ["US"] });
      const withdrawn = await approvedClaim({ markets: ["DE"] });
      await ok(medical.post(`/v1/claims/${withdrawn}/withdraw`, { reason: "safety update" }));
      const { subject: _none, ...noSubject } = assetBody([usOnly, withdrawn], { market: "DE", language: "de" });
      const { asset } = await ok(mops.post("/v1/assets", noSubject), 201);
      expect(asset.checks.map((f: any) => [f.code, f.severity, f.field])).toEqual([
        ["CLAIM_MARKET_MISMATCH", "error", "claims[0]"],
        ["CLAIM_WITHDRAWN", "error", "claims[1]"],
        ["SUBJECT_MISSING", "warning", "subject"],
      ]);
      const error = await fails(medical.post(`/v1/assets/${asset.id}/approve`, SIGN), 422, "ASSET_NOT_APPROVABLE");
      expect(error.details.map((d: any) => d.code)).toEqual(["CLAIM_MARKET_MISMATCH", "CLAIM_WITHDRAWN"]);
    });

    it("cannot approve an asset while one of its claims is a draft", async () => {
      const approved = await approvedClaim();
      const draft = uid("clm");
      await ok(mops.post("/v1/claims", claimBody({ id: draft })), 201);
      const { asset } = await ok(mops.post("/v1/assets", assetBody([approved, draft])), 201);
      expect(asset.checks).toEqual([]);
      const before = await counts();
      const error = await fails(medical.post(`/v1/assets/${asset.id}/approve`, SIGN), 422, "ASSET_NOT_APPROVABLE");
      expect(error.details).toEqual([expect.objectContaining({ code: "CLAIM_NOT_APPROVED", claimId: draft })]);
      expect((await ok(viewer.get(`/v1/assets/${asset.id}`))).asset.status).toBe("draft");
      expect(await counts()).toEqual(before);
      await ok(medical.post(`/v1/claims/${draft}/approve`, SIGN));
      expect((await ok(medical.post(`/v1/assets/${asset.id}/approve`, SIGN))).asset.status).toBe("approved");
    });

    it("approval needs a reviewer and the reviewer's password", async () => {
      const a = await approvedClaim();
      const { asset } = await ok(mops.post("/v1/assets", assetBody([a])), 201);
      await fails(mops.post(`/v1/assets/${asset.id}/approve`, SIGN), 403, "FORBIDDEN");
      const before = await counts();
      await fails(medical.post(`/v1/assets/${asset.id}/approve`, { signature: { password: "wrong password", meaning: "approved" } }), 403, "SIGNATURE_INVALID");
      expect(await counts()).toEqual(before);
      expect((await ok(viewer.get(`/v1/assets/${asset.id}`))).asset.status).toBe("draft");
    });

    it("rejects an asset with a reason and a signature meaning rejected; a rejected asset cannot be approved", async () => {
      const a = await approvedClaim();
      const { asset } = await ok(mops.post("/v1/assets", assetBody([a])), 201);
      await fails(medical.post(`/v1/assets/${asset.id}/reject`, { reason: "fair balance missing", signature: { password: PASSWORD, meaning: "approved" } }), 400, "INVALID_INPUT");
      await fails(medical.post(`/v1/assets/${asset.id}/reject`, { signature: { password: PASSWORD, meaning: "rejected" } }), 400, "INVALID_INPUT");
      const { asset: rejected } = await ok(medical.post(`/v1/assets/${asset.id}/reject`, { reason: "fair balance missing", signature: { password: PASSWORD, meaning: "rejected" } }));
      expect(rejected).toMatchObject({ status: "rejected", approval: null, rejection: { reason: "fair balance missing", printedName: "Dr. Meyer", meaning: "rejected" } });
      expect(await auditOf("asset.rejected", `asset:${asset.id}`)).toHaveLength(1);
      const error = await fails(medical.post(`/v1/assets/${asset.id}/approve`, SIGN), 422, "ASSET_NOT_APPROVABLE");
      expect(error.details.map((d: any) => d.code)).toEqual(["ASSET_REJECTED"]);
      await fails(medical.post(`/v1/assets/${asset.id}/reject`, { reason: "again", signature: { password: PASSWORD, meaning: "rejected" } }), 409, "ASSET_ALREADY_REJECTED");
    });

    it("reads an asset past its expiry as expired and refuses to approve it", async () => {
      clock.set(START);
      const a = await approvedClaim();
      const { asset } = await ok(mops.post("/v1/assets", assetBody([a], { expiresAt: new Date(Date.parse(START) + DAY).toISOString() })), 201);
      try {
        clock.set(Date.parse(START) + 2 * DAY);
        expect((await ok(viewer.get(`/v1/assets/${asset.id}`))).asset.status).toBe("expired");
        const error = await fails(medical.post(`/v1/assets/${asset.id}/approve`, SIGN), 422, "ASSET_NOT_APPROVABLE");
        expect(error.details.map((d: any) => d.code)).toEqual(["ASSET_EXPIRED"]);
      } finally {
        clock.set(START);
      }
    });

    it("gives the gate its view of an asset and its claims", async () => {
      const a = await approvedClaim({ riskClass: "medium", expiresAt: "2027-01-01T00:00:00Z" });
      const b = await approvedClaim();
      const { asset } = await ok(mops.post("/v1/assets", assetBody([b, a])), 201);
      await ok(medical.post(`/v1/assets/${asset.id}/approve`, SIGN));
      const view = await loadAssetView(db(), asset.id);
      expect(view).toEqual({
        id: asset.id, version: 1, status: "approved", channel: "email", market: "US", product: "cardiozan", riskClass: "medium", expiresAt: null,
        claims: [
          { id: b, version: 1, status: "approved", expiresAt: null },
          { id: a, version: 1, status: "approved", expiresAt: Date.parse("2027-01-01T00:00:00Z") },
        ],
        // The personalization tokens the approved render uses: what a send must be able to fill.
        tokens: ["unsubscribe"],
        // Whether pre-review found comparative wording (CEL's content.comparative, for market overlays).
        comparative: false,
      });
      expect(await loadAssetView(db(), "ast-nope")).toBeNull();
    });

    it("lists assets by status, market, channel and claim", async () => {
      const a = await approvedClaim();
      const { asset: us } = await ok(mops.post("/v1/assets", assetBody([a])), 201);
      const { asset: de } = await ok(mops.post("/v1/assets", assetBody([a], { market: "DE", language: "de", channel: "field" })), 201);
      await ok(medical.post(`/v1/assets/${us.id}/approve`, SIGN));
      expect((await ok(viewer.get(`/v1/assets?claimId=${a}`))).assets.map((x: any) => x.id).sort()).toEqual([us.id, de.id].sort());
      expect((await ok(viewer.get(`/v1/assets?claimId=${a}&status=approved`))).assets.map((x: any) => x.id)).toEqual([us.id]);
      expect((await ok(viewer.get(`/v1/assets?claimId=${a}&market=DE&channel=field`))).assets.map((x: any) => x.id)).toEqual([de.id]);
      expect((await ok(mops.post(`/v1/assets/${de.id}/submit`))).asset.status).toBe("submitted");
    });
  });

  describe("the withdrawal cascade", () => {
    it("create, approve the claim, create and approve the asset, withdraw the claim: the asset is withdrawn", async () => {
      const claimId = uid("clm");
      await ok(mops.post("/v1/claims", claimBody({ id: claimId })), 201);
      await ok(medical.post(`/v1/claims/${claimId}/approve`, SIGN));
      const { asset } = await ok(mops.post("/v1/assets", assetBody([claimId])), 201);
      await ok(medical.post(`/v1/assets/${asset.id}/approve`, SIGN));
      const { asset: draft } = await ok(mops.post("/v1/assets", assetBody([claimId], { market: "DE", language: "de" })), 201);

      const withdrawal = await ok(medical.post(`/v1/claims/${claimId}/withdraw`, { reason: "safety update: new contraindication" }));
      expect(withdrawal).toMatchObject({ assetsBlocked: 2, actionsCancelled: 0, claim: { id: claimId, status: "withdrawn", withdrawReason: "safety update: new contraindication" } });
      for (const id of [asset.id, draft.id]) {
        const { asset: blocked } = await ok(viewer.get(`/v1/assets/${id}`));
        expect(blocked.status).toBe("withdrawn");
        expect(blocked.blockedReason).toContain(claimId);
        expect(blocked.checks.map((f: any) => f.code)).toContain("CLAIM_WITHDRAWN");
      }
      expect((await loadAssetView(db(), asset.id))?.status).toBe("withdrawn");
      const [record] = await auditOf("claim.withdrawn", `claim:${claimId}`);
      expect(JSON.parse(record!.data)).toMatchObject({ assetsBlocked: 2, assetIds: [asset.id, draft.id].sort(), actionsCancelled: 0 });
      const error = await fails(medical.post(`/v1/assets/${asset.id}/approve`, SIGN), 422, "ASSET_NOT_APPROVABLE");
      expect(error.details.map((d: any) => d.code)).toContain("ASSET_WITHDRAWN");
    });

    it("cancels the pending sends and open reviews of the blocked assets, and only theirs", async () => {
      const claimId = await approvedClaim();
      const other = await approvedClaim();
      const { asset } = await ok(mops.post("/v1/assets", assetBody([claimId, other])), 201);
      await ok(medical.post(`/v1/assets/${asset.id}/approve`, SIGN));
      const { asset: unrelated } = await ok(mops.post("/v1/assets", assetBody([other])), 201);
      await ok(medical.post(`/v1/assets/${unrelated.id}/approve`, SIGN));

      const at = clock.now().toISOString();
      const decision = (id: string, assetId: string, outcome: string) => ({
        id, agent_id: "nba", idempotency_key: id, request_hash: "h", hcp_id: "us-1", action: "email", channel: "email", purpose: "promotional",
        asset_id: assetId, outcome, initial_outcome: outcome, reasons: "[]", checks: "[]", reviewers: null, bundle_version: "v", decided_at: at,
        scheduled_for: null, review_id: outcome === "pending_review" ? `rev-${id}` : null, proposal: "{}", expected_value: null, resolved_at: null,
      });
      const outbox = (id: string, decisionId: string, assetId: string) => ({
        id, decision_id: decisionId, agent_id: "nba", hcp_id: "us-1", channel: "email", action: "email", asset_id: assetId, payload: "{}",
        available_at: at, status: "pending", created_at: at, closed_at: null, closed_reason: null,
      });
      const touch = (decisionId: string) => ({ decision_id: decisionId, hcp_id: "us-1", agent_id: "nba", channel: "email", at, exempt: 0, cancelled: 0 });
      const send = uid("dec"), review = uid("dec"), bystander = uid("dec");
      await db().insertInto("decisions").values([decision(send, asset.id, "allowed"), decision(review, asset.id, "pending_review"), decision(bystander, unrelated.id, "allowed")]).execute();
      await db().insertInto("outbox").values([outbox(`out-${send}`, send, asset.id), outbox(`out-${bystander}`, bystander, unrelated.id)]).execute();
      await db().insertInto("touches").values([touch(send), touch(bystander)]).execute();
      await db().insertInto("reviews").values({
        id: `rev-${review}`, decision_id: review, agent_id: "nba", hcp_id: "us-1", roles: '["reviewer:medical"]', status: "open",
        created_at: at, due_at: at, closed_at: null, closed_by: null, signature: null, reason: null,
      }).execute();

      const withdrawal = await ok(medical.post(`/v1/claims/${claimId}/withdraw`, { reason: "safety update" }));
      expect(withdrawal).toMatchObject({ assetsBlocked: 1, actionsCancelled: 2, outboxCancelled: 1, reviewsCancelled: 1, assetIds: [asset.id] });

      const box = await db().selectFrom("outbox").select(["id", "status", "closed_reason", "closed_at"]).orderBy("id").execute();
      expect(box.find((o) => o.id === `out-${send}`)).toMatchObject({ status: "cancelled", closed_at: at });
      expect(box.find((o) => o.id === `out-${send}`)!.closed_reason).toContain(claimId);
      expect(box.find((o) => o.id === `out-${bystander}`)).toMatchObject({ status: "pending", closed_at: null });
      const touches = await db().selectFrom("touches").select(["decision_id", "cancelled"]).execute();
      expect(touches.find((t) => t.decision_id === send)!.cancelled).toBe(1);
      expect(touches.find((t) => t.decision_id === bystander)!.cancelled).toBe(0);
      const rev = await db().selectFrom("reviews").selectAll().where("id", "=", `rev-${review}`).executeTakeFirstOrThrow();
      expect(rev).toMatchObject({ status: "cancelled", closed_at: at });
      const decisions = await db().selectFrom("decisions").select(["id", "outcome", "resolved_at"]).where("id", "in", [send, review, bystander]).execute();
      expect(decisions.find((d) => d.id === review)).toMatchObject({ outcome: "rejected", resolved_at: at });
      expect(decisions.find((d) => d.id === send)!.outcome).toBe("allowed");
      expect(decisions.find((d) => d.id === bystander)).toMatchObject({ outcome: "allowed", resolved_at: null });
      expect((await ok(viewer.get(`/v1/assets/${unrelated.id}`))).asset.status).toBe("approved");

      const [record] = await auditOf("claim.withdrawn", `claim:${claimId}`);
      expect(JSON.parse(record!.data)).toMatchObject({
        reason: "safety update", assetsBlocked: 1, assetIds: [asset.id], actionsCancelled: 2,
        outboxIds: [`out-${send}`], reviewIds: [`rev-${review}`], decisionIds: [send, review].sort(),
      });
    });

    it("refuses to withdraw a claim twice, changing nothing", async () => {
      const claimId = await approvedClaim();
      await ok(medical.post(`/v1/claims/${claimId}/withdraw`, { reason: "safety update" }));
      const before = await counts();
      const error = await fails(medical.post(`/v1/claims/${claimId}/withdraw`, { reason: "again" }), 409, "CLAIM_ALREADY_WITHDRAWN");
      expect(error.message).toContain("already been withdrawn");
      expect(await counts()).toEqual(before);
      const refusal = await fails(medical.post(`/v1/claims/${claimId}/approve`, SIGN), 422, "CLAIM_NOT_APPROVABLE");
      expect(refusal.details.map((d: any) => d.code)).toContain("CLAIM_WITHDRAWN");
    });

    it("withdrawal needs a reviewer or admin and a reason", async () => {
      const claimId = await approvedClaim();
      await fails(mops.post(`/v1/claims/${claimId}/withdraw`, { reason: "safety update" }), 403, "FORBIDDEN");
      const error = await fails(medical.post(`/v1/claims/${claimId}/withdraw`, {}), 400, "INVALID_INPUT");
      expect(error.details.map((d: any) => d.field)).toEqual(["reason"]);
      await ok(server.api.post(`/v1/claims/${claimId}/withdraw`, { reason: "safety update" }));
    });
  });

  it("answers 404 for unknown claims and assets, writing nothing", async () => {
    const before = await counts();
    await fails(viewer.get("/v1/claims/clm-nope"), 404, "NOT_FOUND");
    await fails(viewer.get("/v1/assets/ast-nope"), 404, "NOT_FOUND");
    await fails(mops.post("/v1/claims/clm-nope/submit"), 404, "NOT_FOUND");
    await fails(mops.post("/v1/assets/ast-nope/submit"), 404, "NOT_FOUND");
    await fails(medical.post("/v1/claims/clm-nope/approve", SIGN), 404, "NOT_FOUND");
    await fails(medical.post("/v1/claims/clm-nope/withdraw", { reason: "safety update" }), 404, "NOT_FOUND");
    await fails(medical.post("/v1/assets/ast-nope/approve", SIGN), 404, "NOT_FOUND");
    await fails(medical.post("/v1/assets/ast-nope/reject", { reason: "not needed", signature: { password: PASSWORD, meaning: "rejected" } }), 404, "NOT_FOUND");
    expect(await counts()).toEqual(before);
  });
});
