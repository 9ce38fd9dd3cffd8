// What a reviewer reads and signs: the text the action will send. For an asset-based action, the
// asset's approved render for this HCP (personalization filled, as dispatch will fill it); for an
// action that carries its own text (an MI answer), that text as the agent wrote it. Its `hash` is what
// a signature covers (contentHash, src/content/message.ts).
import type { Db, Tx } from "../store/db.ts";
import { parseJson } from "../shared/json.ts";
import { loadSendableCopy } from "../content/read-model.ts";
import { contentHash, toWire, approvedRender, type MessageText } from "../content/message.ts";
import { composeMessage, proposalMessage, type ApprovedRef } from "../dispatch/compose.ts";
import { unsubscribeTemplate } from "../dispatch/config.ts";
import { unsubscribeUrlOf } from "../dispatch/email.ts";
import { outboxIdOf } from "../gate/store.ts";
import type { ProposalContent } from "../gate/proposal.ts";

export interface ReviewContent {
  text: string;
  subject?: string;
  hash: string;
}

/** What a signature records about the content it covered. */
export interface SignedContent {
  hash: string;
  /** For an asset-based action: the approved render the content came from (tokens unfilled). */
  approved: ApprovedRef | null;
}

export interface ContentUnderReview {
  content: ReviewContent;
  signed: SignedContent;
}

const withHash = (m: MessageText): ReviewContent => ({ ...toWire(m), hash: contentHash(m) });

/** The content of a review's decision; null when the action sends no text at all. */
export async function contentUnderReview(db: Db | Tx, decisionId: string, proposalJson: string, hcpId: string): Promise<ContentUnderReview | null> {
  const proposal = parseJson<{ assetId?: string | null; content?: ProposalContent | null }>(proposalJson, {});
  if (proposal.content) {
    const content = withHash(proposalMessage(proposal.content));
    return { content, signed: { hash: content.hash, approved: null } };
  }
  if (!proposal.assetId) return null;
  const copy = await loadSendableCopy(db, proposal.assetId);
  if (!copy) return null;
  const hcp = await db.selectFrom("hcps").select(["name", "attributes"]).where("id", "=", hcpId).executeTakeFirst();
  const profile = { name: hcp?.name ?? "", attributes: parseJson<Record<string, unknown>>(hcp?.attributes ?? "{}", {}) };
  const link = unsubscribeUrlOf(unsubscribeTemplate(), decisionId, outboxIdOf(decisionId));
  const composed = composeMessage(copy, null, profile, link);
  // A token whose value is missing shows as written: the send would be refused (PERSONALIZATION_MISSING).
  const message = composed.kind === "message" ? composed.message : approvedRender(copy);
  const approved = composed.kind === "none" ? null : composed.approved;
  const content = withHash(message);
  return { content, signed: { hash: content.hash, approved } };
}
