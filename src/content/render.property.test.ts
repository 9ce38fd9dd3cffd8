// The one renderer, as a property: for any copy (plain text, personalization tokens, claim modules, the
// safety information placed, written out or left to be appended) and any HCP profile, the preview of
// the message equals what dispatch sends (the email's text and subject), both equal the approved
// render with the profile's values put in, no allowed token survives when its value exists, the gate
// and dispatch agree on which values are missing, and the safety information is there exactly once.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { renderAsset } from "./render.ts";
import { approvedRender, contentHash, personalize } from "./message.ts";
import { PERSONALIZATION_TOKENS, scanTokens, tokenValues, type PersonalizationToken } from "./personalization.ts";
import { composeMessage } from "../dispatch/compose.ts";
import { renderEmail } from "../dispatch/email.ts";
import { toWire } from "./message.ts";
import { checkPersonalization } from "../gate/checks/personalization.ts";
import { BUNDLE, NOW, assetView, hcpView, proposalOf, snapshotOf } from "../gate/fixtures.ts";

const MODULES = [
  { claimId: "clm-a", version: 1, text: "Cardiozan lowered LDL-C by 50% at week 12." },
  { claimId: "clm-b", version: 2, text: "One 10 mg tablet once daily." },
];
const LINK = "https://u.example/unsub?d={decisionId}&o={outboxId}";
const ITEM_LINK = "https://u.example/unsub?d=dec_1&o=out_1";

const plain = fc.stringMatching(/^[a-z ,.\n]{0,24}$/);
const piece = fc.oneof(
  { weight: 4, arbitrary: plain },
  { weight: 2, arbitrary: fc.constantFrom(...PERSONALIZATION_TOKENS).map((t) => `{{${t}}}`) },
  { weight: 1, arbitrary: fc.constantFrom("{{claim:clm-a}}", "{{claim:clm-b@2}}") },
);
const isiText = fc.stringMatching(/^[A-Z ]{5,30}$/).map((s) => `⚠ SAFETY ${s}`);
/** Where the copy puts the safety information: nowhere (appended), `{{isi}}`, written out, or `{{isi}}` twice. */
const placement = fc.constantFrom("appended", "placeholder", "verbatim", "twice", "none") ;
const value = fc.option(fc.stringMatching(/^[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8})?$/), { nil: undefined });
const profile = fc.record({
  name: fc.stringMatching(/^(Dr\. )?[A-Z][a-z]{1,8} [A-Z][a-z]{1,8}$/),
  attributes: fc.record({ title: value, lastName: value, repName: value }, { requiredKeys: [] }),
});

const fill = (text: string, values: Partial<Record<PersonalizationToken, string>>) =>
  PERSONALIZATION_TOKENS.reduce((t, token) => (values[token] === undefined ? t : t.replaceAll(`{{${token}}}`, values[token]!)), text);
const count = (text: string, part: string) => text.split(part).length - 1;

describe("preview and dispatch render the same message", () => {
  it("for any copy, safety information placement and profile", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.array(piece, { maxLength: 4 }), fc.nat(12), isiText, placement, profile, (pieces, subjectPieces, at, isi, where, hcp) => {
        const copy = [...pieces];
        const i = Math.min(at, copy.length);
        if (where === "placeholder") copy.splice(i, 0, "{{isi}}");
        if (where === "verbatim") copy.splice(i, 0, isi);
        if (where === "twice") copy.splice(i, 0, "{{isi}}", "\n", "{{isi}}");
        const body = copy.join("");
        const subject = subjectPieces.join("").replace(/\n/g, " ") || null;
        const rendered = renderAsset(body, MODULES, where === "none" ? null : isi);
        const approved = approvedRender({ subject, rendered: rendered.text });
        const values = tokenValues(hcp, ITEM_LINK);
        const preview = personalize(approved, values);

        const sendable = { id: "ast-1", version: 3, title: "Title", language: "en", subject, rendered: rendered.text };
        const composed = composeMessage(sendable, null, hcp, ITEM_LINK);
        const needed = scanTokens(subject, rendered.text).used;
        // The gate, at the decision, refuses exactly what dispatch could not fill.
        const gate = checkPersonalization({
          proposal: proposalOf(), snapshot: snapshotOf({ asset: assetView({ tokens: needed }), hcp: hcpView({ name: hcp.name, attributes: hcp.attributes }) }),
          bundle: BUNDLE, now: NOW, nowMs: NOW.getTime(), channel: "email", market: null,
        });
        if (!preview.ok) {
          expect(composed).toMatchObject({ kind: "missing", missing: preview.missing });
          expect(gate.reasons.map((r) => r.code)).toEqual(["PERSONALIZATION_MISSING"]);
          return;
        }
        expect(gate.reasons).toEqual([]);
        if (composed.kind !== "message") throw new Error(`expected a message, got ${composed.kind}`);
        expect(composed.approved).toEqual({ assetId: "ast-1", version: 3, hash: contentHash(approved) });
        const email = renderEmail({
          attempt: 1, recipient: { hcpId: "h", name: hcp.name, email: "h@clinic.example" },
          document: {
            id: "out_1", decisionId: "dec_1", agentId: "a", hcpId: "h", market: "US", channel: "email", action: "email", purpose: "promotional", rationale: null,
            decidedAt: NOW.toISOString(), scheduledFor: null, asset: { id: "ast-1", version: 3, title: "Title", language: "en" },
            message: toWire(composed.message), messageHash: composed.messageHash, approved: composed.approved,
          },
        }, { from: "s@pharma.example", unsubscribeUrl: LINK });
        // Preview == dispatched, and both == the approved render with the values put in.
        expect(email.text).toBe(preview.message.text);
        expect(email.text).toBe(fill(rendered.text, values));
        expect(email.subject).toBe((subject === null ? "Title" : fill(subject, values)).trim());
        for (const token of PERSONALIZATION_TOKENS) expect(email.text).not.toContain(`{{${token}}}`);
        if (where === "none") expect(count(email.text, "⚠")).toBe(0);
        else if (where === "twice") expect(rendered.isiCount).toBe(2);
        else {
          expect(count(email.text, isi)).toBe(1);
          expect(rendered.isiCount).toBe(1);
        }
      }),
      { numRuns: 400 },
    );
  });
});
