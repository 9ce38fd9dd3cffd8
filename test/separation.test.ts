// Separation of duties over HTTP, on SQLite and PostgreSQL: the author of a claim or asset version never
// signs its approval; one person fills one review slot (an admin or a reviewer holding several roles
// too); content.yaml review.distinctReviewers asks for a different role per signature; an agent's owner
// does not confirm the agent's touches unless authority.yaml review.ownerMayConfirm allows it.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/shared/clock.ts";
import { ENGINES } from "./engines.ts";
import { ADMIN_PASSWORD, bundleFiles, startTestServer, type Api, type TestServer } from "./server.ts";
import { CONTENT_YAML, PASSWORD, assetBody, claimBody, contentBundleDir, fails, makeUser, ok, SIGN, uid } from "./content-fixtures.ts";
import { email, MONDAY_AFTERNOON, seedMarket, type Market } from "./market.ts";

const ADMIN_SIGN = { signature: { password: ADMIN_PASSWORD, meaning: "approved" } };

describe.each(ENGINES)("separation of duties in content review on %s", (engine) => {
  let server: TestServer;
  let dir: string;
  let author: Api, solo: Api, multi: Api, medical: Api, medical2: Api, legal: Api, regulatory: Api, mops: Api;
  const admin = () => server.api;
  const auditTypes = async (subject: string) =>
    (await server.ctx.store.db.selectFrom("audit_records").select("type").where("subject", "=", subject).orderBy("seq").execute()).map((r) => r.type);

  beforeAll(async () => {
    dir = contentBundleDir();
    server = await startTestServer(engine, { governanceDir: dir, clock: new ManualClock("2026-03-02T15:00:00.000Z") });
    // One person who writes content and holds every reviewer role: the attack the issue describes.
    solo = (await makeUser(server, "solo", ["mops", "reviewer:medical", "reviewer:legal", "reviewer:regulatory"])).api;
    author = solo;
    multi = (await makeUser(server, "multi", ["reviewer:medical", "reviewer:legal", "reviewer:regulatory"])).api;
    medical = (await makeUser(server, "meyer", ["reviewer:medical"])).api;
    medical2 = (await makeUser(server, "mertens", ["reviewer:medical"])).api;
    legal = (await makeUser(server, "lang", ["reviewer:legal"])).api;
    regulatory = (await makeUser(server, "roth", ["reviewer:regulatory"])).api;
    mops = (await makeUser(server, "ops", ["mops"])).api;
  });
  afterAll(async () => server?.stop());

  async function highRiskClaim(by: Api): Promise<string> {
    const id = uid("clm");
    await ok(by.post("/v1/claims", claimBody({ id, riskClass: "high" })), 201);
    return id;
  }

  async function approvedHighRiskClaim(): Promise<string> {
    const id = await highRiskClaim(mops);
    for (const signer of [medical, legal, regulatory]) await ok(signer.post(`/v1/claims/${id}/approve`, SIGN));
    return id;
  }

  describe("claims", () => {
    it("the author cannot sign their own claim, whatever roles they hold; nothing changes", async () => {
      const id = await highRiskClaim(author);
      const refused = await fails(author.post(`/v1/claims/${id}/approve`, SIGN), 403, "SEPARATION_OF_DUTIES");
      expect(refused.message).toMatch(/solo wrote claim '.*' v1; the author of a version never signs its approval/);
      expect((await ok(author.get(`/v1/claims/${id}`))).claim).toMatchObject({ status: "draft", review: null });
      expect(await auditTypes(`claim:${id}`)).toEqual(["claim.created"]);
    });

    it("the editor of a new version is its author: they cannot sign the version they wrote", async () => {
      const id = uid("clm");
      await ok(mops.post("/v1/claims", claimBody({ id, riskClass: "low" })), 201);
      await ok(solo.put(`/v1/claims/${id}`, { text: "Cardiozan lowered LDL-C by 50% from baseline at week 12 on top of statin therapy." }));
      await fails(solo.post(`/v1/claims/${id}/approve`, SIGN), 403, "SEPARATION_OF_DUTIES");
      const approved = (await ok(medical.post(`/v1/claims/${id}/approve`, SIGN))).claim;
      expect(approved).toMatchObject({ version: 2, status: "approved" });
    });

    it("one reviewer holding three roles fills one slot of a high-risk claim, once", async () => {
      const id = await highRiskClaim(mops);
      const signed = (await ok(multi.post(`/v1/claims/${id}/approve`, SIGN))).claim;
      expect(signed.status).toBe("in_review");
      expect(signed.review.signatures.map((s: any) => [s.username, s.roles])).toEqual([["multi", ["reviewer:medical"]]]);
      expect(signed.review.awaiting.map((s: any) => s.roles)).toEqual([["reviewer:legal"], ["reviewer:regulatory"]]);
      const again = await fails(multi.post(`/v1/claims/${id}/approve`, SIGN), 409, "CLAIM_ALREADY_SIGNED");
      expect(again.message).toMatch(/one person fills one review slot/);
      await ok(legal.post(`/v1/claims/${id}/approve`, SIGN));
      expect((await ok(regulatory.post(`/v1/claims/${id}/approve`, SIGN))).claim.status).toBe("approved");
    });

    it("an admin fills one slot, never all; an admin who wrote the claim fills none", async () => {
      const id = await highRiskClaim(mops);
      const signed = (await ok(admin().post(`/v1/claims/${id}/approve`, ADMIN_SIGN))).claim;
      expect(signed.status).toBe("in_review");
      expect(signed.review.signatures).toHaveLength(1);
      expect(signed.review.awaiting).toHaveLength(2);
      await fails(admin().post(`/v1/claims/${id}/approve`, ADMIN_SIGN), 409, "CLAIM_ALREADY_SIGNED");

      const own = await highRiskClaim(admin());
      await fails(admin().post(`/v1/claims/${own}/approve`, ADMIN_SIGN), 403, "SEPARATION_OF_DUTIES");
    });
  });

  describe("assets", () => {
    it("the asset's author cannot sign it; a multi-role reviewer and an admin fill one slot each", async () => {
      const claim = await approvedHighRiskClaim();
      const id = uid("ast");
      await ok(author.post("/v1/assets", assetBody([claim], { id })), 201);
      await fails(author.post(`/v1/assets/${id}/approve`, SIGN), 403, "SEPARATION_OF_DUTIES");
      expect((await ok(author.get(`/v1/assets/${id}`))).asset.status).toBe("draft");

      const afterMulti = (await ok(multi.post(`/v1/assets/${id}/approve`, SIGN))).asset;
      expect(afterMulti.status).toBe("in_review");
      expect(afterMulti.review.signatures.map((s: any) => s.roles)).toEqual([["reviewer:medical"]]);
      await fails(multi.post(`/v1/assets/${id}/approve`, SIGN), 409, "ASSET_ALREADY_SIGNED");
      const afterAdmin = (await ok(admin().post(`/v1/assets/${id}/approve`, ADMIN_SIGN))).asset;
      expect(afterAdmin.status).toBe("in_review");
      expect(afterAdmin.review.signatures.map((s: any) => s.roles)).toEqual([["reviewer:medical"], ["reviewer:legal"]]);
      await fails(admin().post(`/v1/assets/${id}/approve`, ADMIN_SIGN), 409, "ASSET_ALREADY_SIGNED");
      const approved = (await ok(regulatory.post(`/v1/assets/${id}/approve`, SIGN))).asset;
      expect(approved.status).toBe("approved");
      expect(approved.review.signatures.map((s: any) => s.username)).toEqual(["multi", "admin", "roth"]);
    });
  });

  describe("content.yaml review.distinctReviewers", () => {
    // Two any-of slots; by default two medical reviewers fill them, with distinctReviewers each
    // signature must be in another role.
    const twoSlots = CONTENT_YAML.replace(
      "  low: [[reviewer:medical, reviewer:legal, reviewer:regulatory]]",
      "  low: [[reviewer:medical, reviewer:legal], [reviewer:medical, reviewer:regulatory]]",
    );

    async function activate(contentYaml: string) {
      const files = { ...bundleFiles(dir), "content.yaml": contentYaml };
      await ok(admin().put("/v1/governance", { files }));
    }

    async function lowRiskClaim(): Promise<string> {
      const id = uid("clm");
      await ok(mops.post("/v1/claims", claimBody({ id, riskClass: "low" })), 201);
      return id;
    }

    it("without it, two people in the same role fill two slots", async () => {
      await activate(twoSlots);
      const id = await lowRiskClaim();
      await ok(medical.post(`/v1/claims/${id}/approve`, SIGN));
      const approved = (await ok(medical2.post(`/v1/claims/${id}/approve`, SIGN))).claim;
      expect(approved.status).toBe("approved");
      expect(approved.review.signatures.map((s: any) => s.roles)).toEqual([["reviewer:medical"], ["reviewer:medical"]]);
    });

    it("with it, the second signature must be in another role, by another person", async () => {
      await activate(twoSlots.replace("review:\n", "review:\n  distinctReviewers: true\n"));
      const id = await lowRiskClaim();
      await ok(medical.post(`/v1/claims/${id}/approve`, SIGN));
      const refused = await fails(medical2.post(`/v1/claims/${id}/approve`, SIGN), 403, "FORBIDDEN");
      expect(refused.message).toMatch(/requires a different role for each signature and reviewer:medical already signed/);
      // A reviewer holding medical and regulatory signs in the role still free.
      const approved = (await ok(multi.post(`/v1/claims/${id}/approve`, SIGN))).claim;
      expect(approved.status).toBe("approved");
      expect(approved.review.signatures.map((s: any) => s.roles)).toEqual([["reviewer:medical"], ["reviewer:regulatory"]]);
    });

    it("refuses a distinctReviewers that is not a boolean, with file and line", async () => {
      const files = { ...bundleFiles(dir), "content.yaml": twoSlots.replace("review:\n", "review:\n  distinctReviewers: maybe\n") };
      const res = await admin().put("/v1/governance", { files });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0]).toMatchObject({ file: "content.yaml", field: "review.distinctReviewers" });
    });
  });
});

describe.each(ENGINES)("separation of duties in decision reviews on %s", (engine) => {
  let server: TestServer;
  let m: Market;
  let ownerReviewer: Api;
  let ownersAgent: Api;
  const BUNDLE = join(import.meta.dirname, "bundles/basic");

  beforeAll(async () => {
    server = await startTestServer(engine, { governanceDir: BUNDLE, clock: new ManualClock(MONDAY_AFTERNOON) });
    m = await seedMarket(server);
    // A brand reviewer who also owns an agent, named in its owner text by e-mail.
    ownerReviewer = (await makeUser(server, "bbrand", ["agent_owner", "reviewer:brand"])).api;
    const agent = await ok(ownerReviewer.post("/v1/agents", {
      id: "brand-bot", name: "Brand bot", owner: "Bo Brand <bbrand@example.com>, Brand team", objective: "engaged touches", metric: "opens",
      actions: ["email"], markets: ["US", "DE"], priority: 50,
    }), 201);
    ownersAgent = server.api.as(agent.apiKey);
  });
  afterAll(async () => server?.stop());

  async function pendingReview(hcpId: string): Promise<string> {
    const d = await ok(ownersAgent.post("/v1/proposals", email(hcpId, { confidence: 0.5 })));
    expect(d.outcome).toBe("pending_review");
    return d.reviewId as string;
  }

  it("the owner cannot confirm their own agent's touch; another brand reviewer can", async () => {
    const reviewId = await pendingReview("us-1");
    const refused = await fails(ownerReviewer.post(`/v1/reviews/${reviewId}/approve`, SIGN), 403, "SEPARATION_OF_DUTIES");
    expect(refused.message).toMatch(/bbrand owns agent 'brand-bot'.*review\.ownerMayConfirm/);
    expect((await ok(m.users.brand.get(`/v1/reviews/${reviewId}`))).review).toMatchObject({ status: "open", signatures: [] });
    const approved = await ok(m.users.brand.post(`/v1/reviews/${reviewId}/approve`, SIGN));
    expect(approved.review.status).toBe("approved");
  });

  it("the owner may still reject their own agent's touch (the stricter outcome)", async () => {
    const reviewId = await pendingReview("us-2");
    const rejected = await ok(ownerReviewer.post(`/v1/reviews/${reviewId}/reject`, { reason: "not this week", signature: { password: PASSWORD, meaning: "rejected" } }));
    expect(rejected.review.status).toBe("rejected");
  });

  it("authority.yaml review.ownerMayConfirm: true lets the owner confirm; an admin fills one awaited role, once", async () => {
    const files = bundleFiles(BUNDLE);
    files["authority.yaml"] = `${files["authority.yaml"]!}  - id: promo-email-needs-medical-too\n    when: { action: email, purpose: promotional }\n    if: proposal.confidence < 0.6\n    outcome: confirm\n    reviewers: [reviewer:medical]\nreview:\n  ownerMayConfirm: true\n`;
    await ok(server.api.put("/v1/governance", { files }));
    expect((await ok(m.users.mops.get("/v1/governance"))).review).toEqual({ ownerMayConfirm: true, distinctReviewers: false });

    const reviewId = await pendingReview("us-1");
    const review = (await ok(m.users.brand.get(`/v1/reviews/${reviewId}`))).review;
    expect(review.roles).toEqual(["reviewer:brand", "reviewer:medical"]);
    const byAdmin = await ok(server.api.post(`/v1/reviews/${reviewId}/approve`, ADMIN_SIGN));
    expect(byAdmin.decision).toBeNull();
    expect(byAdmin.review.awaiting).toHaveLength(1);
    await fails(server.api.post(`/v1/reviews/${reviewId}/approve`, ADMIN_SIGN), 409, "REVIEW_ALREADY_SIGNED");
    const last = byAdmin.review.awaiting[0] === "reviewer:brand" ? ownerReviewer : m.users.medical;
    const done = await ok(last.post(`/v1/reviews/${reviewId}/approve`, SIGN));
    expect(done.review.status).toBe("approved");
    expect(done.decision).not.toBeNull();
  });
});
