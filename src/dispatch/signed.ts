// The text dispatched is the text signed. A review's signatures record the hash of the content they
// covered (see src/reviews/content.ts); before an item leaves, what it would send is hashed again and
// compared. A difference means the stored text or the approved render changed after signing: the item
// is refused (CONTENT_TAMPERED), never sent. Pure.
import { contentHash } from "../content/message.ts";
import type { Composed } from "./compose.ts";
import { proposalMessage } from "./compose.ts";
import type { ProposalContent } from "../gate/proposal.ts";
import type { SignedContent } from "../reviews/content.ts";
import type { Stop } from "./store.ts";

/** What the review's signatures covered, from the decision's stored resolution (none when it was not reviewed). */
export function signedContents(resolutionJson: string | null): SignedContent[] {
  if (!resolutionJson) return [];
  try {
    const signatures = (JSON.parse(resolutionJson) as { signatures?: { content?: SignedContent }[] }).signatures ?? [];
    return signatures.flatMap((s) => (s.content && typeof s.content.hash === "string" ? [s.content] : []));
  } catch {
    return [];
  }
}

export function tamperStops(signed: readonly SignedContent[], composed: Composed, content: ProposalContent | null): Stop[] {
  const stops: Stop[] = [];
  for (const s of signed) {
    if (content !== null) {
      const now = contentHash(proposalMessage(content));
      if (now !== s.hash) stops.push({ code: "CONTENT_TAMPERED", message: `the stored content hashes to ${now}, but the reviewers signed ${s.hash}: it changed after signing` });
    } else if (s.approved && composed.kind !== "none") {
      const now = composed.approved;
      if (now === null || now.hash !== s.approved.hash || now.version !== s.approved.version) {
        stops.push({
          code: "CONTENT_TAMPERED",
          message: `the reviewers signed asset ${s.approved.assetId} v${s.approved.version} (render ${s.approved.hash}), but it would now send ${now ? `v${now.version} (render ${now.hash})` : "other content"}`,
        });
      }
    }
    if (stops.length > 0) break;
  }
  return stops;
}
