import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REVIEWER_ROLES, type ReviewerRole } from "../shared/vocabulary.ts";
import { afterSignature, awaiting, signingSlot, type RequiredReview, type ReviewState, type Signer } from "./workflow.ts";

const signature = (signer: Signer, role: ReviewerRole) => ({
  userId: signer.userId, username: signer.username, printedName: signer.username, signedAt: "2026-01-01T00:00:00.000Z", meaning: "approved" as const, roles: [role],
});

const slotArb = fc.uniqueArray(fc.constantFrom(...REVIEWER_ROLES), { minLength: 1, maxLength: 3 }).map((roles): RequiredReview => ({ roles, because: "test" }));
const signerArb = fc.record({
  n: fc.integer({ min: 0, max: 5 }),
  roles: fc.oneof(fc.constant(["admin"]), fc.uniqueArray(fc.constantFrom<string>(...REVIEWER_ROLES, "mops"), { maxLength: 4 })),
}).map(({ n, roles }): Signer => ({ actor: `user:u${n}`, userId: `usr-${n}`, username: `u${n}`, roles }));

describe("who signs which slot", () => {
  it("never lets the author sign, fills one slot per signature, and approves only with as many people as slots", () => {
    fc.assert(
      fc.property(fc.array(slotArb, { minLength: 1, maxLength: 4 }), fc.array(signerArb, { maxLength: 12 }), fc.boolean(), (required, attempts, distinctReviewers) => {
        const author = "user:u0";
        let state: ReviewState = { required, signatures: [] };
        let approved = false;
        for (const signer of attempts) {
          if (approved) break;
          const open = awaiting(state).length;
          const slot = signingSlot({ kind: "claim", id: "c", version: 1, author }, state, signer, { distinctReviewers });
          if (!slot.ok) {
            if (signer.actor === author) expect(slot.refusal.code).toBe("SEPARATION_OF_DUTIES");
            continue;
          }
          expect(signer.actor).not.toBe(author);
          expect(signer.roles.includes("admin") || signer.roles.includes(slot.role)).toBe(true);
          const after = afterSignature(state, signature(signer, slot.role));
          expect(awaiting(after.state).length).toBe(open - 1);
          state = after.state;
          approved = after.status === "approved";
        }
        const people = new Set(state.signatures.map((s) => s.userId));
        expect(people.size).toBe(state.signatures.length);
        expect(state.signatures.length).toBe(required.length - awaiting(state).length);
        if (distinctReviewers) expect(new Set(state.signatures.map((s) => s.roles[0])).size).toBe(state.signatures.length);
      }),
    );
  });

  it("an admin signs one slot of three", () => {
    const required: RequiredReview[] = ["reviewer:medical", "reviewer:legal", "reviewer:regulatory"].map((r) => ({ roles: [r as ReviewerRole], because: "high risk" }));
    const admin: Signer = { actor: "user:admin", userId: "usr-admin", username: "admin", roles: ["admin"] };
    const slot = signingSlot({ kind: "asset", id: "a", version: 1, author: "user:ops" }, { required, signatures: [] }, admin, { distinctReviewers: false });
    expect(slot).toEqual({ ok: true, role: "reviewer:medical" });
    const after = afterSignature({ required, signatures: [] }, signature(admin, "reviewer:medical"));
    expect(after.status).toBe("in_review");
    const again = signingSlot({ kind: "asset", id: "a", version: 1, author: "user:ops" }, after.state, admin, { distinctReviewers: false });
    expect(again).toMatchObject({ ok: false, refusal: { status: 409, code: "ASSET_ALREADY_SIGNED" } });
  });
});
