// The message of one outbox item, from what was reviewed: an asset's approved render with the HCP's
// personalization filled, or the proposal's own content exactly as written (and signed). The one
// composition behind the dispatcher, `GET /v1/outbox/{id}` and a review's content. Pure.
import type { SendableCopy } from "../content/read-model.ts";
import type { Profile } from "../content/personalization.ts";
import { tokenValues } from "../content/personalization.ts";
import { approvedRender, contentHash, personalize, textHash, type MessageText } from "../content/message.ts";
import type { ProposalContent } from "../gate/proposal.ts";

/** The approved version a message was rendered from; `hash` is contentHash of its approved render. */
export interface ApprovedRef {
  assetId: string;
  version: number;
  hash: string;
}

export type Composed =
  | { kind: "message"; message: MessageText; messageHash: string; approved: ApprovedRef | null }
  | { kind: "missing"; missing: string[]; approved: ApprovedRef }
  /** The action sends no text (a field suggestion without a note). */
  | { kind: "none" };

export function approvedRefOf(copy: SendableCopy): ApprovedRef {
  return { assetId: copy.id, version: copy.version, hash: contentHash(approvedRender(copy)) };
}

export function proposalMessage(content: ProposalContent): MessageText {
  return { subject: content.subject ?? null, text: content.text };
}

export function composeMessage(copy: SendableCopy | null, content: ProposalContent | null, profile: Profile, unsubscribeUrl: string): Composed {
  if (copy !== null) {
    const approved = approvedRefOf(copy);
    const filled = personalize(approvedRender(copy), tokenValues(profile, unsubscribeUrl));
    if (!filled.ok) return { kind: "missing", missing: filled.missing, approved };
    return { kind: "message", message: filled.message, messageHash: textHash(filled.message.text), approved };
  }
  if (content !== null) {
    const message = proposalMessage(content);
    return { kind: "message", message, messageHash: textHash(message.text), approved: null };
  }
  return { kind: "none" };
}
