// The MLR review workflow end to end over HTTP, on SQLite and PostgreSQL: versions, required reviewers
// by risk class and findings, every legal and illegal transition, the version in force, re-certification.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/shared/clock.ts";
import { loadAssetView } from "../src/content/read-model.ts";
import { ENGINES } from "./engines.ts";
import { startTestServer, type Api, type TestServer } from "./server.ts";
import { assetBody, CHANGES, claimBody, contentBundleDir, fails, makeUser, ok, REJECT, SIGN, uid } from "./content-fixtures.ts";

const START = "2026-03-02T15:00:00.000Z";
const DAY = 86_400_000;

describe.each(ENGINES)("the MLR workflow on %s", (engine) => {
  let server: TestServer;
  const clock = new ManualClock(START);
  let medical: Api, legal: Api, regulatory: Api, brand: Api, mops: Api, viewer: Api;
  const db = () => server.ctx.store.db;
  const auditTypes = async (subject: string) =>
    (await db().selectFrom("audit_records").select("type").where("subject", "=", subject).orderBy("seq").execute()).map((r) => r.type);

  async function approvedClaim(extra: Record<string, unknown> = {}) {
    const id = uid("clm");
    await ok(mops.post("/v1/claims", claimBody({ id, ...extra })), 201);
    await ok(medical.post(`/v1/claims/${id}/approve`, SIGN));
    if (extra.riskClass === "medium" || extra.riskClass === "high") await ok(regulatory.post(`/v1/claims/${id}/approve`, SIGN));
    if (extra.riskClass === "high") await ok(legal.post(`/v1/claims/${id}/approve`, SIGN));
    return id;
  }

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: contentBundleDir(), clock });
    medical = (await makeUser(server, "meyer", ["reviewer:medical"])).api;
    legal = (await makeUser(server, "lang", ["reviewer:legal"])).api;
    regulatory = (await makeUser(server, "roth", ["reviewer:regulatory"])).api;
    brand = (await makeUser(server, "berg", ["reviewer:brand"])).api;
    mops = (await makeUser(server, "ops", ["mops"])).api;
    viewer = (await makeUser(server, "vic", ["viewer"])).api;
  });
  afterAll(async () => server?.stop());

  describe("claims", () => {
    it("a high-risk claim needs medical, legal and regulatory signatures; each is recorded, none twice", async () => {
      const id = uid("clm");
      await ok(mops.post("/v1/claims", claimBody({ id, riskClass: "high" })), 201);
      const submitted = (await ok(mops.post(`/v1/claims/${id}/submit`))).claim;
      expect(submitted.review.required.map((r: any) => r.roles)).toEqual([["reviewer:medical"], ["reviewer:legal"], ["reviewer:regulatory"]]);
      expect((await ok(medical.post(`/v1/claims/${id}/start-review`))).claim.status).toBe("in_review");
      const afterMedical = (await ok(medical.post(`/v1/claims/${id}/approve`, SIGN))).claim;
      expect(afterMedical).toMatchObject({ status: "in_review", approval: null });
      expect(afterMedical.review.awaiting.map((r: any) => r.roles[0])).toEqual(["reviewer:legal", "reviewer:regulatory"]);
      const twice = await fails(medical.post(`/v1/claims/${id}/approve`, SIGN), 409, "CLAIM_ALREADY_SIGNED");
      expect(twice.message).toContain("reviewer:legal");
      await fails(brand.post(`/v1/claims/${id}/approve`, SIGN), 403, "FORBIDDEN");
      expect((await ok(legal.post(`/v1/claims/${id}/approve`, SIGN))).claim.status).toBe("in_review");
      const approved = (await ok(regulatory.post(`/v1/claims/${id}/approve`, SIGN))).claim;
      expect(approved.status).toBe("approved");
      expect(approved.approval.username).toBe("meyer");
      expect(approved.review.signatures.map((s: any) => [s.username, s.roles])).toEqual([["meyer", ["reviewer:medical"]], ["lang", ["reviewer:legal"]], ["roth", ["reviewer:regulatory"]]]);
      expect(await auditTypes(`claim:${id}`)).toEqual(["claim.created", "claim.submitted", "claim.review_started", "claim.signed", "claim.signed", "claim.approved"]);
    });

    it("an edit makes a new version; the approved version stays as it was, with the full history", async () => {
      const id = await approvedClaim();
      const edited = (await ok(mops.put(`/v1/claims/${id}`, { text: "Cardiozan lowered LDL-C by 50% at week 12.", references: ["Hartmann 2025", "PI section 14.1"] }))).claim;
      expect(edited).toMatchObject({ id, version: 2, status: "draft", approval: null });
      const { versions } = await ok(viewer.get(`/v1/claims/${id}/versions`));
      expect(versions.map((v: any) => [v.version, v.status, v.references.length])).toEqual([[1, "approved", 1], [2, "draft", 2]]);
      expect((await ok(viewer.get(`/v1/claims/${id}/versions/1`))).claim.text).toContain("maximally tolerated");
      await fails(viewer.get(`/v1/claims/${id}/versions/9`), 404, "NOT_FOUND");
      await fails(mops.put(`/v1/claims/${id}`, {}), 400, "INVALID_INPUT");
    });

    it("refuses illegal transitions with 409 or 422 and a sentence that says why", async () => {
      const id = uid("clm");
      await ok(mops.post("/v1/claims", claimBody({ id })), 201);
      expect((await fails(medical.post(`/v1/claims/${id}/start-review`), 409, "CLAIM_NOT_SUBMITTED")).message).toContain("submit it first");
      await fails(medical.post(`/v1/claims/${id}/request-changes`, CHANGES("needs a second reference")), 409, "CLAIM_NOT_SUBMITTED");
      await ok(mops.post(`/v1/claims/${id}/submit`));
      expect((await fails(mops.put(`/v1/claims/${id}`, { text: "Cardiozan works." }), 409, "CLAIM_IN_REVIEW")).message).toContain("request changes");
      const sentBack = (await ok(medical.post(`/v1/claims/${id}/request-changes`, CHANGES("cite the PI as well")))).claim;
      expect(sentBack).toMatchObject({ status: "changes_requested", rejection: { reason: "cite the PI as well", outcome: "changes_requested", meaning: "reviewed" } });
      await fails(medical.post(`/v1/claims/${id}/approve`, SIGN), 409, "CLAIM_CHANGES_REQUESTED");
      await fails(mops.post(`/v1/claims/${id}/submit`), 409, "CLAIM_CHANGES_REQUESTED");
      const v2 = (await ok(mops.put(`/v1/claims/${id}`, { references: ["Hartmann 2025", "PI section 14.1"] }))).claim;
      expect(v2).toMatchObject({ version: 2, status: "draft" });
      expect((await ok(viewer.get(`/v1/claims/${id}/versions/1`))).claim.status).toBe("superseded");
      await ok(mops.post(`/v1/claims/${id}/submit`));
      await ok(legal.post(`/v1/claims/${id}/reject`, REJECT("not substantiated")));
      await fails(legal.post(`/v1/claims/${id}/reject`, REJECT("again")), 409, "CLAIM_ALREADY_REJECTED");
      await ok(medical.post(`/v1/claims/${id}/withdraw`, { reason: "safety update" }));
      await fails(mops.put(`/v1/claims/${id}`, { text: "Cardiozan is new." }), 422, "CLAIM_WITHDRAWN");
    });

    it("refuses to submit a claim without references", async () => {
      const id = uid("clm");
      await ok(mops.post("/v1/claims", claimBody({ id, references: [] })), 201);
      const error = await fails(mops.post(`/v1/claims/${id}/submit`), 422, "CLAIM_NOT_SUBMITTABLE");
      expect(error.details.map((d: any) => d.code)).toEqual(["CLAIM_NO_REFERENCES"]);
    });
  });

  describe("assets", () => {
    it("pins claim modules by id and version, renders them, and carries the bundle's ISI", async () => {
      const claimId = await approvedClaim();
      const { asset } = await ok(mops.post("/v1/assets", assetBody([{ id: claimId, version: 1 }], { body: "{{claim:" + claimId + "}}\nUnsubscribe: {{unsubscribe}}" })), 201);
      expect(asset.modules).toEqual([{ claimId, version: 1 }]);
      expect(asset.checks).toEqual([]);
      const rendered = await ok(viewer.get(`/v1/assets/${asset.id}/render`));
      expect(rendered.text).toContain("Cardiozan lowered LDL-C by 50%");
      expect(rendered.text).toContain("IMPORTANT SAFETY INFORMATION");
      await fails(mops.post("/v1/assets", assetBody([{ id: claimId, version: 7 }])), 400, "INVALID_INPUT");
    });

    it("walks draft -> submitted -> in review -> changes requested -> new version -> approved, refusing every illegal step", async () => {
      const claimId = await approvedClaim();
      const { asset } = await ok(mops.post("/v1/assets", assetBody([claimId], { expiresAt: "2027-01-01T00:00:00Z" })), 201);
      const id = asset.id;
      await fails(medical.post(`/v1/assets/${id}/start-review`), 409, "ASSET_NOT_SUBMITTED");
      await fails(medical.post(`/v1/assets/${id}/request-changes`, CHANGES("shorter please")), 409, "ASSET_NOT_SUBMITTED");
      expect((await ok(mops.post(`/v1/assets/${id}/submit`))).asset.status).toBe("submitted");
      await fails(mops.post(`/v1/assets/${id}/submit`), 409, "ASSET_ALREADY_SUBMITTED");
      expect((await ok(medical.post(`/v1/assets/${id}/start-review`))).asset.status).toBe("in_review");
      await fails(medical.post(`/v1/assets/${id}/start-review`), 409, "ASSET_ALREADY_IN_REVIEW");
      await fails(mops.put(`/v1/assets/${id}`, { title: "x" }), 409, "ASSET_IN_REVIEW");
      expect((await ok(medical.post(`/v1/assets/${id}/request-changes`, CHANGES("add the dosing claim")))).asset.status).toBe("changes_requested");
      await fails(medical.post(`/v1/assets/${id}/approve`, SIGN), 409, "ASSET_CHANGES_REQUESTED");
      const v2 = (await ok(mops.put(`/v1/assets/${id}`, { title: "LIPID-HORIZON results (v2)" }))).asset;
      expect(v2).toMatchObject({ version: 2, status: "draft", liveVersion: null });
      await ok(mops.post(`/v1/assets/${id}/submit`));
      const approved = (await ok(legal.post(`/v1/assets/${id}/approve`, SIGN))).asset;
      expect(approved).toMatchObject({ version: 2, status: "approved", liveVersion: 2, approvedFor: { market: "US", channel: "email" } });
      await fails(legal.post(`/v1/assets/${id}/reject`, REJECT("changed my mind")), 409, "ASSET_ALREADY_APPROVED");
      await fails(legal.post(`/v1/assets/${id}/approve`, SIGN), 409, "ASSET_ALREADY_APPROVED");
      const { versions } = await ok(viewer.get(`/v1/assets/${id}/versions`));
      expect(versions.map((v: any) => [v.version, v.status])).toEqual([[1, "superseded"], [2, "approved"]]);
    });

    it("refuses to submit while an error finding stands", async () => {
      const claimId = await approvedClaim();
      const { asset } = await ok(mops.post("/v1/assets", assetBody([claimId], { body: `${"Cardiozan cures high cholesterol."}\nUnsubscribe: {{unsubscribe}}` })), 201);
      expect(asset.checks.map((c: any) => c.code)).toEqual(["CLAIM_UNMATCHED", "PROHIBITED_WORDING"]);
      const error = await fails(mops.post(`/v1/assets/${asset.id}/submit`), 422, "ASSET_NOT_SUBMITTABLE");
      expect(error.details.map((d: any) => d.code)).toEqual(["CLAIM_UNMATCHED", "PROHIBITED_WORDING"]);
      await fails(medical.post(`/v1/assets/${asset.id}/approve`, SIGN), 422, "ASSET_NOT_APPROVABLE");
    });

    it("asks legal to sign when the copy uses absolute wording, and medical + regulatory for a medium-risk claim", async () => {
      const claimId = await approvedClaim({ riskClass: "medium" });
      const body = `${"Cardiozan lowered LDL-C by 50% from baseline at week 12 when added to maximally tolerated statin therapy."}\nA proven option for your patients.\nUnsubscribe: {{unsubscribe}}`;
      const { asset } = await ok(mops.post("/v1/assets", assetBody([claimId], { body })), 201);
      expect(asset.checks.map((c: any) => [c.code, c.severity])).toEqual([["ABSOLUTE_WORDING", "warning"]]);
      const { asset: submitted } = await ok(mops.post(`/v1/assets/${asset.id}/submit`));
      expect(submitted.review.required).toEqual([
        { roles: ["reviewer:medical"], because: "medium risk" },
        { roles: ["reviewer:regulatory"], because: "medium risk" },
        { roles: ["reviewer:legal"], because: "absolute wording" },
      ]);
      await ok(medical.post(`/v1/assets/${asset.id}/approve`, SIGN));
      await ok(regulatory.post(`/v1/assets/${asset.id}/approve`, SIGN));
      expect((await ok(viewer.get(`/v1/assets/${asset.id}`))).asset.status).toBe("in_review");
      expect((await ok(legal.post(`/v1/assets/${asset.id}/approve`, SIGN))).asset.status).toBe("approved");
    });

    it("keeps the approved version in force while a new version is in review: that is what the gate sees", async () => {
      const claimId = await approvedClaim();
      const { asset } = await ok(mops.post("/v1/assets", assetBody([claimId])), 201);
      await ok(medical.post(`/v1/assets/${asset.id}/approve`, SIGN));
      await ok(mops.put(`/v1/assets/${asset.id}`, { subject: "Even newer LDL-C data" }));
      const head = (await ok(viewer.get(`/v1/assets/${asset.id}`))).asset;
      expect(head).toMatchObject({ version: 2, status: "draft", liveVersion: 1 });
      expect(await loadAssetView(db(), asset.id)).toMatchObject({ version: 1, status: "approved" });
      await ok(medical.post(`/v1/assets/${asset.id}/approve`, SIGN));
      expect(await loadAssetView(db(), asset.id)).toMatchObject({ version: 2, status: "approved" });
    });

    it("expires, and is re-certified by a new version that reviewers sign again", async () => {
      clock.set(START);
      const claimId = await approvedClaim();
      const { asset } = await ok(mops.post("/v1/assets", assetBody([claimId], { expiresAt: new Date(Date.parse(START) + DAY).toISOString() })), 201);
      await ok(medical.post(`/v1/assets/${asset.id}/approve`, SIGN));
      try {
        clock.set(Date.parse(START) + 2 * DAY);
        expect((await ok(viewer.get(`/v1/assets/${asset.id}`))).asset.status).toBe("expired");
        expect((await loadAssetView(db(), asset.id, clock.now()))?.status).toBe("expired");
        await fails(mops.post(`/v1/assets/${asset.id}/recertify`, { expiresAt: "not a date" }), 400, "INVALID_INPUT");
        const recert = (await ok(mops.post(`/v1/assets/${asset.id}/recertify`, { expiresAt: "2027-06-01T00:00:00Z" }))).asset;
        expect(recert).toMatchObject({ version: 2, status: "submitted", liveVersion: 1, expiresAt: "2027-06-01T00:00:00.000Z" });
        const approved = (await ok(medical.post(`/v1/assets/${asset.id}/approve`, SIGN))).asset;
        expect(approved).toMatchObject({ version: 2, status: "approved", liveVersion: 2 });
        expect(await auditTypes(`asset:${asset.id}`)).toContain("asset.recertification_submitted");
      } finally {
        clock.set(START);
      }
    });

    it("answers 404 and 400 for bad requests without writing", async () => {
      await fails(mops.put("/v1/assets/ast-none", { title: "x" }), 404, "NOT_FOUND");
      await fails(mops.post("/v1/assets/ast-none/recertify", { expiresAt: "2027-01-01T00:00:00Z" }), 404, "NOT_FOUND");
      await fails(medical.post("/v1/assets/ast-none/request-changes", CHANGES("why")), 404, "NOT_FOUND");
      await fails(viewer.get("/v1/assets/ast-none/versions"), 404, "NOT_FOUND");
      await fails(mops.put("/v1/claims/clm-none", { text: "x" }), 404, "NOT_FOUND");
    });
  });
});
